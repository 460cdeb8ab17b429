#include "intersynth/motion/motion_transform.h"

#include <fmt/format.h>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

/// x <- R x + t (t may be zero for directions), in double.
void Apply(const Eigen::Matrix3d& rotation, const Eigen::Vector3d& translation, float* x) {
  const Eigen::Vector3d v = rotation * Eigen::Vector3d(x[0], x[1], x[2]) + translation;
  for (int k = 0; k < 3; ++k) x[k] = static_cast<float>(v[k]);
}

}  // namespace

void TransformClip(const RigidTransformd& b_from_a, MotionClip* clip) {
  const size_t frames = static_cast<size_t>(clip->num_persons) * clip->num_frames;
  auto check = [&](const char* name, size_t size, size_t per_frame) {
    if (size != 0 && size != frames * per_frame) {
      throw Error(fmt::format(
          "TransformClip: '{}' holds {} values, expected {} for {} person(s) x {} frame(s)", name,
          size, frames * per_frame, clip->num_persons, clip->num_frames));
    }
  };
  check("joints", clip->joints.size(), kNumJoints * 3);
  check("rotations", clip->rotations.size(), kNumJoints * 6);
  check("root_translation", clip->root_translation.size(), 3);

  const Eigen::Matrix3d& rotation = b_from_a.rotation;
  const Eigen::Vector3d& translation = b_from_a.translation;
  const Eigen::Vector3d none = Eigen::Vector3d::Zero();
  // Points: joints and root positions.
  for (size_t i = 0; i + 3 <= clip->joints.size(); i += 3)
    Apply(rotation, translation, clip->joints.data() + i);
  for (size_t i = 0; i + 3 <= clip->root_translation.size(); i += 3) {
    Apply(rotation, translation, clip->root_translation.data() + i);
  }
  // Root orientations G_b = R G_a: both stored columns turn.
  for (size_t f = 0; f < frames && !clip->rotations.empty(); ++f) {
    float* root = clip->rotations.data() + f * kNumJoints * 6;
    Apply(rotation, none, root);
    Apply(rotation, none, root + 3);
  }
}

}  // namespace intersynth
