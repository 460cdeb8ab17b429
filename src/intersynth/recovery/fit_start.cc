#include "intersynth/recovery/fit_start.h"

#include <fmt/format.h>

#include "intersynth/body/smpl_pose.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

Eigen::Matrix3d RowMajor(const std::array<double, 9>& m) {
  Eigen::Matrix3d r;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r(i, j) = m[3 * i + j];
  return r;
}

}  // namespace

BodyFitStart StartFromRegression(const PoseRegression& regression,
                                 const PersonCrop& crop,
                                 const PinholeCamera& camera,
                                 int frame) {
  const int body_joints = static_cast<int>(regression.rotations.size()) - 1;
  if (body_joints < kSmpl22NumJoints - 1) {
    throw Error(fmt::format(
        "regressor prediction for frame {}: {} body joints, need at least {} (SMPL's 1..21)", frame,
        body_joints, kSmpl22NumJoints - 1));
  }
  BodyFitStart start;
  start.frame = frame;
  start.camera_from_root = RowMajor(regression.rotations[0]);
  for (int j = 1; j < kSmpl22NumJoints; ++j) start.local[j] = RowMajor(regression.rotations[j]);
  const std::array<double, 3> weak = {regression.weak_camera[0], regression.weak_camera[1],
                                      regression.weak_camera[2]};
  start.root_position = TranslationFromWeakPerspective(weak, crop, camera);
  return start;
}

BodyFitStart StartFromJoints(const float* joints,
                             const std::array<Eigen::Vector3d, kSmpl22NumJoints>& rest,
                             const RigidTransformd& camera_from_world,
                             int frame) {
  const std::array<Eigen::Matrix3d, kSmpl22NumJoints> local =
      SmplLocalRotationsFromJoints(joints, rest);
  BodyFitStart start;
  start.frame = frame;
  start.camera_from_root = camera_from_world.rotation * local[0];
  for (int k = 1; k < kSmpl22NumJoints; ++k) start.local[k] = local[k];
  start.root_position = camera_from_world * Eigen::Vector3d(joints[0], joints[1], joints[2]);
  return start;
}

}  // namespace intersynth
