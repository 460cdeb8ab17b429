#include "intersynth/motion/motion_transform.h"

#include <gtest/gtest.h>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// Person-major local rotations [P*T*22] of a random clip and the clip whose
/// joints are their forward kinematics from the given roots.
struct RandomClip {
  MotionClip clip;
  std::array<Vector3<double>, kSmpl22NumJoints> offsets;
};

RandomClip MakeRandomClip(int persons, int frames, uint64_t seed) {
  Rng rng(seed);
  RandomClip out;
  out.clip = MotionClip::Zeros(persons, frames);
  out.clip.rotations.resize(static_cast<size_t>(persons) * frames * kNumJoints * 6);
  out.clip.root_translation.resize(static_cast<size_t>(persons) * frames * 3);
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    out.offsets[j] = j == 0 ? Vector3<double>::Zero()
                            : Vector3<double>(rng.Uniform(-0.1, 0.1), rng.Uniform(-0.3, 0.3),
                                              rng.Uniform(-0.1, 0.1));
  }
  for (int p = 0; p < persons; ++p) {
    std::vector<Quaternion<double>> local;
    std::vector<Vector3<double>> roots;
    for (int t = 0; t < frames; ++t) {
      const Vector3<double> root(rng.Uniform(-2, 2), rng.Uniform(0.8, 1.0), rng.Uniform(-2, 2));
      roots.push_back(root);
      for (int k = 0; k < 3; ++k)
        out.clip.root_translation[(static_cast<size_t>(p) * frames + t) * 3 + k] = root[k];
      for (int j = 0; j < kNumJoints; ++j) {
        const Vector3<double> aa(rng.Uniform(-1, 1), rng.Uniform(-1, 1), rng.Uniform(-1, 1));
        local.push_back(AxisAngleToQuaternion(aa));
        const Rotation6d<double> d = MatrixToRotation6d(AxisAngleToMatrix(aa));
        for (int k = 0; k < 6; ++k) {
          out.clip.rotations[((static_cast<size_t>(p) * frames + t) * kNumJoints + j) * 6 + k] =
              static_cast<float>(d[k]);
        }
      }
    }
    const std::vector<float> joints = Smpl22ForwardKinematics(local, roots, out.offsets);
    std::copy(joints.begin(), joints.end(), out.clip.person(p));
  }
  return out;
}

/// Forward kinematics of person p from the clip's own rotations and roots.
std::vector<float> ClipForwardKinematics(
    const MotionClip& clip, int p, const std::array<Vector3<double>, kSmpl22NumJoints>& offsets) {
  std::vector<Quaternion<double>> local;
  std::vector<Vector3<double>> roots;
  for (int t = 0; t < clip.num_frames; ++t) {
    const float* r =
        clip.root_translation.data() + (static_cast<size_t>(p) * clip.num_frames + t) * 3;
    roots.emplace_back(r[0], r[1], r[2]);
    for (int j = 0; j < kNumJoints; ++j) {
      const float* d = clip.rotations.data() +
                       ((static_cast<size_t>(p) * clip.num_frames + t) * kNumJoints + j) * 6;
      Rotation6d<double> six;
      for (int k = 0; k < 6; ++k) six[k] = d[k];
      local.push_back(MatrixToQuaternion(Rotation6dToMatrix(six)));
    }
  }
  return Smpl22ForwardKinematics(local, roots, offsets);
}

TEST(TransformClip, JointsRootsAndRootOrientationsMoveTogether) {
  RandomClip random = MakeRandomClip(2, 5, 3);
  RigidTransformd world_from_camera;
  world_from_camera.rotation = AxisAngleToMatrix(Vector3<double>(0.3, -1.2, 0.7));
  world_from_camera.translation = Vector3<double>(0.5, 2.0, -1.5);
  const MotionClip before = random.clip;
  TransformClip(world_from_camera, &random.clip);

  // Joints and roots are points: p' = R p + t.
  for (size_t i = 0; i < before.joints.size(); i += 3) {
    const Eigen::Vector3d expected =
        world_from_camera *
        Eigen::Vector3d(before.joints[i], before.joints[i + 1], before.joints[i + 2]);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(random.clip.joints[i + k], expected[k], 1e-5);
  }
  // The identity that checks the orientation formula G' = R G: forward
  // kinematics of the moved rotations and roots gives the moved joints.
  for (int p = 0; p < 2; ++p) {
    const std::vector<float> fk = ClipForwardKinematics(random.clip, p, random.offsets);
    const float* moved = random.clip.person(p);
    for (size_t i = 0; i < fk.size(); ++i)
      EXPECT_NEAR(fk[i], moved[i], 1e-5) << "person " << p << " value " << i;
  }
  // Joints other than the root keep their local rotations.
  for (size_t f = 0; f < 10; ++f) {
    for (int k = 6; k < kNumJoints * 6; ++k) {
      EXPECT_EQ(random.clip.rotations[f * kNumJoints * 6 + k],
                before.rotations[f * kNumJoints * 6 + k]);
    }
  }
}

TEST(TransformClip, InverseUndoesAndSizesAreChecked) {
  RandomClip random = MakeRandomClip(1, 3, 8);
  const MotionClip before = random.clip;
  RigidTransformd b_from_a;
  b_from_a.rotation = AxisAngleToMatrix(Vector3<double>(0.0, 3.0, 0.0));
  b_from_a.translation = Vector3<double>(1, 2, 3);
  TransformClip(b_from_a, &random.clip);
  TransformClip(b_from_a.Inverse(), &random.clip);
  for (size_t i = 0; i < before.joints.size(); ++i)
    EXPECT_NEAR(random.clip.joints[i], before.joints[i], 1e-5);
  for (size_t i = 0; i < before.rotations.size(); ++i)
    EXPECT_NEAR(random.clip.rotations[i], before.rotations[i], 1e-5);

  random.clip.root_translation.pop_back();
  EXPECT_ERROR_CONTAINS(TransformClip(b_from_a, &random.clip), {"root_translation", "expected 9"});
}

}  // namespace
}  // namespace intersynth
