#pragma once
// The options and the result of fitting a body model to one person's 2D
// keypoint track (body_fitting_torch.h has the energy, the variables and the
// stages). Torch-free: the CLI and recover.h include it.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "intersynth/geometry/plane.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/util/options.h"

namespace intersynth {

/// Temporal: one fit over all frames of a track (one shape, constant
/// velocity). Per-frame: each frame on its own.
enum class BodyFitMethod { kTemporal, kPerFrame };
inline constexpr EnumName<BodyFitMethod> kBodyFitMethodNames[] = {
    {BodyFitMethod::kTemporal, "temporal"}, {BodyFitMethod::kPerFrame, "per-frame"}};
inline std::string_view ToString(BodyFitMethod method) {
  return EnumToString(method, kBodyFitMethodNames);
}
/// "temporal" or "per-frame"; throws OptionError naming `field` otherwise.
inline BodyFitMethod ParseBodyFitMethod(std::string_view text, std::string_view field = "method") {
  return EnumFromString(text, kBodyFitMethodNames, field);
}

/// The optimiser of every stage (stage 0, the pose hypotheses, stages 1-3):
/// Adam (adam_steps_per_iteration steps of adam_learning_rate per
/// iteration) or L-BFGS (strong Wolfe line search; an iteration evaluates
/// the energy a few times). Adam is the default: on the 12-clip benchmark
/// (docs/recovery.md; prior pose_gmm32 at pose weight 2) its temporal fits
/// have PA-MPJPE 51 mm where L-BFGS's have 63, at about 9 times the time.
/// The gain is in the pose hypotheses' fits: L-BFGS there and Adam in
/// stages 1-3 was worse than L-BFGS alone.
enum class BodyFitOptimizer { kLbfgs, kAdam };
inline constexpr EnumName<BodyFitOptimizer> kBodyFitOptimizerNames[] = {
    {BodyFitOptimizer::kLbfgs, "lbfgs"}, {BodyFitOptimizer::kAdam, "adam"}};
inline std::string_view ToString(BodyFitOptimizer optimizer) {
  return EnumToString(optimizer, kBodyFitOptimizerNames);
}
/// "lbfgs" or "adam"; throws OptionError naming `field` otherwise.
inline BodyFitOptimizer ParseBodyFitOptimizer(std::string_view text,
                                              std::string_view field = "optimizer") {
  return EnumFromString(text, kBodyFitOptimizerNames, field);
}

/// Options of FitBodyToTrack.
struct BodyFitOptions {
  BodyFitMethod method = BodyFitMethod::kTemporal;
  BodyFitOptimizer optimizer = BodyFitOptimizer::kAdam;
  /// Adam steps per iteration of a stage, and its learning rate.
  int adam_steps_per_iteration = 10;
  double adam_learning_rate = 0.02;
  /// Shape coefficients fitted (at most the model's).
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
  /// The floor of the world frame (with a scene: y = 0, Plane's default):
  /// the soles may not go below it, and stay on it where they are still.
  /// std::nullopt: no floor terms (the world is the camera's own).
  std::optional<Plane> floor;
  /// Skeleton adaptation of temporal fitting (body_fitting_torch.h): weight
  /// of |bone-length changes|^2 per frame; 0 turns it off (one round).
  double offset_weight = 1.0e3;
  /// First stage (0-based among stages 1-3) in which the adaptation is free.
  int adapt_from_stage = 1;
  /// After adapting, fit again from stage 0 on the adapted skeleton.
  bool refit_after_adapting = true;
  /// Contact speed scale tau (metres per frame).
  double contact_speed = 0.01;
  std::array<double, 3> stage_multipliers = {25.0, 5.0, 1.0};
  /// Iterations of stage 0 (root orientation and translation).
  int init_iterations = 40;
  /// Before stage 1: fit every frame from each prior component's mean pose
  /// and keep the frame's best (hypothesis_iterations iterations).
  bool pose_hypotheses = true;
  int hypothesis_iterations = 40;
  /// Iterations of each of stages 1-3.
  int stage_iterations = 60;
  /// A frame with fewer visible keypoints counts as not seen.
  int min_visible = 4;
  /// Progress lines on stderr.
  bool progress = false;

  /// Throws OptionError naming the first bad field.
  void Check() const;
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

/// camera_from_world of the world a fit uses when no scene gives one: the
/// origin at the camera centre, Y up (the camera's -y) and Z towards the
/// camera (its -z), so R = diag(1, -1, -1), t = 0.
RigidTransformd CameraFromCameraCentredWorld();

}  // namespace intersynth
