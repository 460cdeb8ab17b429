#pragma once
// A starting pose for body fitting (the hybrid path of issue 14): what a
// single-image regressor (recovery_torch/torchscript_pose_regressor.h) predicts
// for one person in one frame, in the terms the fit starts from. Rotations
// keep SMPL's convention (local rotations relative to a T-pose rest, Y up,
// facing +Z, camera frame with OpenCV axes for the root); the pose prior's
// rest (body/smpl_pose.h) is a T pose of the same kind, so they are taken as
// the prior's local rotations (differences of a few degrees in the rest bone
// directions are left to the fit).

#include <Eigen/Core>
#include <array>

#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/recovery/crop_camera.h"
#include "intersynth/recovery/pose_regression.h"

namespace intersynth {

struct BodyFitStart {
  /// The keypoint set's frame this start is for.
  int frame = 0;
  /// Global orientation: camera_from_root (SMPL's global_orient).
  Eigen::Matrix3d camera_from_root = Eigen::Matrix3d::Identity();
  /// Local rotations (parent_from_joint) of smpl22 joints 1..21, SMPL's
  /// order; [0] is unused.
  std::array<Eigen::Matrix3d, kSmpl22NumJoints> local;
  /// Where the root (pelvis) joint is, camera frame, metres.
  Eigen::Vector3d root_position = Eigen::Vector3d::Zero();

  BodyFitStart() { local.fill(Eigen::Matrix3d::Identity()); }
};

/// The start of a regressor's prediction for a person whose crop was
/// `crop` in an image seen by `camera`: the first 21 body joints (SMPL and
/// SMPL-X bodies agree on them; SMPL's hand joints 22, 23 are dropped), the
/// root at the perspective translation of the weak camera
/// (TranslationFromWeakPerspective). Throws Error for fewer than 21 body
/// joints or a weak camera without a positive scale.
BodyFitStart StartFromRegression(const PoseRegression& regression,
                                 const PersonCrop& crop,
                                 const PinholeCamera& camera,
                                 int frame);

/// The start a perfect regressor would give for a person whose smpl22
/// joints (world frame, metres, [22][3]) are `joints`: their SMPL-convention
/// local rotations on the `rest` skeleton (SmplLocalRotationsFromJoints, with
/// the pose prior's rest joints), the root at the joints' pelvis, both taken
/// into the camera frame by camera_from_world (x_cam = rotation x + translation).
/// Used to start fits from an earlier recovery, or from the truth in tests
/// and experiments.
BodyFitStart StartFromJoints(const float* joints,
                             const std::array<Eigen::Vector3d, kSmpl22NumJoints>& rest,
                             const RigidTransformd& camera_from_world,
                             int frame);

}  // namespace intersynth
