#pragma once
// Fitting a body model to one person's tracked 2D keypoints (SMPLify, Bogo et
// al. 2016, extended in time; issue 14). Torch target only. The tracks it
// fits come from keypoint_tracks.h; smoothing a fit as its own step and its
// meshes are in body_fit_smoothing_torch.h.
//
// Variables, per frame t of the person's span [first seen, last seen]:
//   transl_t    [3]        camera frame (OpenCV axes: x right, y down, z forward)
//   root_t      [6]        global orientation, 6D (Zhou et al. 2019), in the
//                          pose prior's convention (body upright along +Y,
//                          facing +Z, arms out: the T-pose rest of the prior)
//   x_t         [17, 3]    axis-angle local rotations of smpl22 joints
//                          1..21 without the feet, hands' wrists (10, 11, 20,
//                          21): the prior's 16 joints and the head, in the
//                          prior's convention
//   beta        [B]        shared over frames (temporal), or per frame
// The body model's own rest pose need not be the prior's (the open body is
// in an A pose): with A_k the rest-to-rest rotation of smpl22 joint k (the
// world rotation that turns the prior's rest bones onto the model's, from
// SmplLocalRotationsFromJoints), the model's local rotation of joint k is
//   R_k = A_parent(k) Rod(x_k) A_k^T,    R_root = Rot6d(root) A_0^T,
// and the model's joints between smpl22 joints (cmu_mb's hip joints, Neck1)
// and below the leaves stay at identity.
//
// Energy (sums over frames):
//   E = sum_t,j c_tj rho(|pi(K, X_tj) - u_tj|)       reprojection, Geman-McClure
//       + w_pose sum_t MaxMixture(x_t[prior joints])   rho(r) = s^2 r^2 / (s^2 + r^2)
//       + w_head sum_t |x_t[head]|^2
//       + w_shape |beta|^2
//       + w_smooth sum_t,j |X_t+1,j - 2 X_t,j + X_t-1,j|^2      (temporal only;
//                                                  constant velocity)
//       + w_floor sum_t,s [relu(-y_ts)^2 + exp(-|v_ts|^2/tau^2) y_ts^2]
//                            (with a scene: sole points s in world, no ground
//                            penetration, and contact when the point is still)
// where X are the model's COCO-17 points in the camera frame: body points are
// smpl22 joints (shoulders 16/17, elbows 18/19, wrists 20/21, hips 1/2,
// knees 4/5, ankles 7/8), face points are the model's coco17_face_vertices.
// Stages (as SMPLify): 0) root orientation and translation on the shoulders
// and the hips' midpoint, from the translation that the torso's 2D size gives
// and four headings, keeping each frame's best; 1-3) everything, with the pose
// and shape weights falling by stage. Poses start at the mean of the prior's
// heaviest component (SMPLify starts at the mean pose; the prior's zero is a T
// pose, arms out, from which arms fall forward or backward by chance).
// Pose hypotheses (between stages 0 and 1): every frame is fitted on its own
// from each prior component's mean (a limb that the keypoints leave free to
// point towards or away from the camera starts on both sides) and keeps the
// hypothesis with the least keypoint + prior energy. Each stage runs L-BFGS
// (strong Wolfe) or Adam (BodyFitOptions::optimizer).
// Skeleton adaptation (temporal): 13 bone lengths (left and right tied) are
// free from stage 2 of a first round, moving each joint's rest position by
// the changes above it, with w_offset F |lengths|^2; a second round then fits
// from stage 0 again on the adapted skeleton and the first round's shape.
// Motion capture skeletons differ from the body model's (the open body's hip
// joints are 0.21 m apart, the Bandai Namco retargets' 0.13 m), and a fit
// that cannot change them turns the pelvis and bends limbs in depth instead.

#include <Eigen/Core>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/body/body_model.h"
#include "intersynth/body/body_model_torch.h"
#include "intersynth/body/gaussian_mixture.h"
#include "intersynth/recovery/fit_start.h"
#include "intersynth/recovery/keypoint_tracks.h"
#include "intersynth/recovery/keypoints.h"

namespace intersynth {

enum class BodyFitMethod { kTemporal, kPerFrame };

/// The optimiser of every stage (stage 0, the pose hypotheses, stages 1-3):
/// Adam (adam_steps_per_iteration steps of adam_learning_rate per
/// iteration) or L-BFGS (strong Wolfe line search; an iteration evaluates
/// the energy a few times). Adam is the default: on the 12-clip benchmark
/// (docs/recovery.md; prior pose_gmm32 at pose weight 2) its temporal fits
/// have PA-MPJPE 51 mm where L-BFGS's have 63, at about 9 times the time.
/// The gain is in the pose hypotheses' fits: L-BFGS there and Adam in
/// stages 1-3 was worse than L-BFGS alone.
enum class BodyFitOptimizer { kLbfgs, kAdam };

struct BodyFitOptions {
  BodyFitMethod method = BodyFitMethod::kTemporal;
  BodyFitOptimizer optimizer = BodyFitOptimizer::kAdam;
  int adam_steps_per_iteration = 10;
  double adam_learning_rate = 0.02;
  int num_betas = 10;
  /// Geman-McClure scale (pixels).
  double sigma_px = 100.0;
  /// Weights of the last stage; earlier stages multiply pose and shape by
  /// stage_multipliers. Pose weight 2 suits a sharp prior (pose_gmm32:
  /// PA-MPJPE 62.7 mm at 2 against 70.5 at 0.5 with L-BFGS; docs/recovery.md).
  double pose_weight = 2.0;
  double head_weight = 20.0;
  double shape_weight = 5.0;
  double smooth_weight = 1.0e3;
  double floor_weight = 1.0e5;
  /// Skeleton adaptation of temporal fitting (see the file comment): weight
  /// of |bone-length changes|^2 per frame; 0 turns it off (one round).
  double offset_weight = 1.0e3;
  /// First stage (0-based among stages 1-3) in which the adaptation is free.
  int adapt_from_stage = 1;
  /// After adapting, fit again from stage 0 on the adapted skeleton.
  bool refit_after_adapting = true;
  /// Contact speed scale tau (metres per frame).
  double contact_speed = 0.01;
  std::array<double, 3> stage_multipliers = {25.0, 5.0, 1.0};
  int init_iterations = 40;
  /// Before stage 1: fit every frame from each prior component's mean pose
  /// and keep the frame's best (hypothesis_iterations L-BFGS iterations).
  bool pose_hypotheses = true;
  int hypothesis_iterations = 40;
  int stage_iterations = 60;
  /// A frame with fewer visible keypoints counts as not seen.
  int min_visible = 4;
  bool progress = false;
};

/// The camera and, when a scene is given, the floor y = 0 of its world.
struct BodyFitCamera {
  double fx = 0.0, fy = 0.0, cx = 0.0, cy = 0.0;
  /// camera_from_world (x_cam = R x_world + t). Without a scene: a world
  /// with Y up whose origin is the camera (R = diag(1, -1, -1)).
  Eigen::Matrix3d rotation = Eigen::Vector3d(1.0, -1.0, -1.0).asDiagonal();
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();
  bool has_floor = false;
};

/// What a fit gives, per frame of the track.
struct BodyFit {
  int64_t track_id = 0;
  int first_frame = 0;
  int num_frames = 0;
  int num_betas = 0;
  /// [F, B] (temporal: every row the same).
  std::vector<float> betas;
  /// [F, J, 3] the model's local rotations (axis-angle, the model's own
  /// convention: body_model.h) with root orientation in the camera frame.
  std::vector<float> pose;
  /// [F, 3] camera frame.
  std::vector<float> transl;
  /// [J, 3] metres added to the model's rest joint positions by the skeleton
  /// adaptation (all 0 without it); ForwardRotations' joint_offsets.
  std::vector<float> joint_offsets;
  /// [F, 22, 3] smpl22 joints in the world frame of the camera.
  std::vector<float> joints_world;
  /// [F, 17, 2] the fitted model's COCO-17 points projected (pixels).
  std::vector<float> keypoints_fitted;
  /// [F] 1 where the frame had at least min_visible keypoints.
  std::vector<uint8_t> seen;
  /// Mean distance (pixels) between the visible keypoints and the fitted
  /// points, over seen frames.
  double mean_reprojection_px = 0.0;
  /// Frames that started from a BodyFitStart.
  int started_frames = 0;
  double seconds = 0.0;
};

/// The pose prior with its rest skeleton (the file of `intersynth prior
/// train`: joints must be kPosePriorJoints).
struct PosePrior {
  GaussianMixture mixture;
  std::array<Eigen::Vector3d, 22> rest_joints;
};
PosePrior LoadPosePrior(const std::filesystem::path& path);

/// The model's local rotations [N, J, 3, 3] for prior-convention root
/// orientations `root6d` [N, 6] and fitted-joint rotations `x` [N, 17, 3]
/// (kPosePriorJoints then the head; see the file comment). For tests and
/// for posing the model from prior-space samples.
torch::Tensor PriorPoseToModelRotations(const BodyModelData& model_data,
                                        const BodyModelTorch& model,
                                        const PosePrior& prior,
                                        const torch::Tensor& root6d,
                                        const torch::Tensor& x);

/// Fits one track. The model needs a smpl22 map and coco17_face_vertices
/// (face keypoints are ignored without them). `starts` (the hybrid path: a
/// regressor's predictions, at most one per frame) replace the frames'
/// starting pose after stage 0 of each round: root orientation, the 17
/// fitted joints' rotations and the translation that puts the model's root
/// at the start's; the pose hypotheses are skipped when every seen frame has
/// a start. Throws Error for a track without seen frames, a start outside
/// the track's frames or two for one frame.
BodyFit FitBodyToTrack(const BodyModelData& model_data,
                       const BodyModelTorch& model,
                       const PosePrior& prior,
                       const BodyFitCamera& camera,
                       const KeypointTrack& track,
                       const BodyFitOptions& options,
                       const std::vector<BodyFitStart>& starts = {});

/// The COCO-17 pixels of the model (zero shape) posed at each start, seen
/// by `camera`: what a start claims the keypoints are, for matching a
/// regressor's predictions to the annotated people
/// (MatchPredictionsToPeople).
std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>> BodyFitStartKeypoints(
    const BodyModelData& model_data,
    const BodyModelTorch& model,
    const PosePrior& prior,
    const BodyFitCamera& camera,
    const std::vector<BodyFitStart>& starts);

}  // namespace intersynth
