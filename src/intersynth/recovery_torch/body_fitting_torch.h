#pragma once
// Fitting a body model to one person's tracked 2D keypoints (SMPLify, Bogo et
// al. 2016, extended in time; issue 14). Torch target only; its options and
// result are in the Torch-free body_fit.h. The tracks it fits come from
// recovery/keypoint_tracks.h; smoothing a fit as its own step and its meshes
// are in body_fit_smoothing_torch.h; the whole recover pipeline is recover.h.
//
// The camera: a PinholeCamera (intrinsics) and camera_from_world (x_cam =
// R x_world + t); without a scene, CameraFromCameraCentredWorld(). The floor
// is a property of the scene: BodyFitOptions::floor, a plane in the world.
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
//                            (with a floor: y_ts = n . X_ts,world + d, the
//                            height of sole point s above the floor plane
//                            (n, d); no ground penetration, and contact when
//                            the point is still)
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

#include <array>
#include <vector>

#include "intersynth/body/body_model.h"
#include "intersynth/body/pose_prior.h"
#include "intersynth/body_torch/body_model_torch.h"
#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/recovery/fit_start.h"
#include "intersynth/recovery/keypoint_tracks.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery_torch/body_fit.h"

namespace intersynth {

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
                       const PinholeCamera& camera,
                       const RigidTransformd& camera_from_world,
                       const KeypointTrack& track,
                       const BodyFitOptions& options,
                       const std::vector<BodyFitStart>& starts = {});

/// The COCO-17 pixels of the model (zero shape) posed at each start, seen
/// by `camera` at camera_from_world: what a start claims the keypoints are, for matching a
/// regressor's predictions to the annotated people
/// (MatchPredictionsToPeople).
std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>> BodyFitStartKeypoints(
    const BodyModelData& model_data,
    const BodyModelTorch& model,
    const PosePrior& prior,
    const PinholeCamera& camera,
    const RigidTransformd& camera_from_world,
    const std::vector<BodyFitStart>& starts);

}  // namespace intersynth
