#include "intersynth/body/inverse_kinematics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/io/npy.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using Quat = Quaternion<double>;

std::vector<float> SampleJoints(int* num_frames) {
  // The bundled HumanML3D sample 012314: real motion capture, 170 frames.
  const NpyArray array = ReadNpy(testing::SourceDir() / "assets/humanml3d/012314_joints.npy");
  *num_frames = static_cast<int>(array.shape[0]);
  return array.ToVector<float>();
}

// positions -> IK -> FK with the clip's own bone lengths.
double RoundTripError(const std::vector<float>& joints,
                      int num_frames,
                      const SwingIkOptions& options) {
  // Any root orientation works; a yaw that changes over the clip exercises it.
  std::vector<Quat> roots(num_frames);
  std::vector<Vector3<double>> root_positions(num_frames);
  for (int t = 0; t < num_frames; ++t) {
    roots[t] = AxisAngleToQuaternion(Vector3<double>(0.0, 0.02 * t, 0.0));
    const float* p = joints.data() + static_cast<size_t>(t) * kSmpl22NumJoints * 3;
    root_positions[t] = Vector3<double>(p[0], p[1], p[2]);
  }
  const auto local = SwingInverseKinematics(joints.data(), num_frames, roots, options);
  const auto rebuilt =
      Smpl22ForwardKinematics(local, root_positions, Smpl22RestOffsets(joints.data(), num_frames));
  double worst = 0.0;
  for (size_t i = 0; i < joints.size(); ++i)
    worst = std::max(worst, double(std::abs(joints[i] - rebuilt[i])));
  return worst;
}

TEST(InverseKinematics, RealClipRoundTripsThroughForwardKinematicsWithinAMillimetre) {
  int num_frames = 0;
  const std::vector<float> joints = SampleJoints(&num_frames);
  SwingIkOptions options;
  options.arm_chains_from_root = false;
  const double error = RoundTripError(joints, num_frames, options);
  RecordProperty("max_error_m", std::to_string(error));
  EXPECT_LT(error, 1e-3);
}

TEST(InverseKinematics, HumanML3DArmQuirkDoesNotFollowTheParents) {
  // With the arm chains starting from the root (HumanML3D's 263 quirk) the
  // rotations are not relative to spine3, so FK along the parents misplaces
  // the arms: the option matters.
  int num_frames = 0;
  const std::vector<float> joints = SampleJoints(&num_frames);
  SwingIkOptions options;
  options.arm_chains_from_root = true;
  EXPECT_GT(RoundTripError(joints, num_frames, options), 1e-2);
}

TEST(InverseKinematics, RootRotationIsStoredAtJointZero) {
  int num_frames = 0;
  const std::vector<float> joints = SampleJoints(&num_frames);
  std::vector<Quat> roots(2, AxisAngleToQuaternion(Vector3<double>(0.1, 0.5, -0.2)));
  const auto local = SwingInverseKinematics(joints.data(), 2, roots);
  EXPECT_LT((local[0] - roots[0]).norm(), 1e-15);
  EXPECT_LT((local[kSmpl22NumJoints] - roots[1]).norm(), 1e-15);
}

TEST(InverseKinematics, ZeroLengthBoneGetsIdentitySwing) {
  // Every joint at the origin: no bone has a direction.
  const std::vector<float> joints(kSmpl22NumJoints * 3, 0.0f);
  const auto local = SwingInverseKinematics(joints.data(), 1, {Quat(1, 0, 0, 0)});
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    EXPECT_NEAR(local[j][0], 1.0, 1e-12) << "joint " << j;
  }
}

TEST(InverseKinematics, RestOffsetsAreMedianBoneLengthsAlongRestDirections) {
  int num_frames = 0;
  const std::vector<float> joints = SampleJoints(&num_frames);
  const auto offsets = Smpl22RestOffsets(joints.data(), num_frames);
  EXPECT_EQ(offsets[0].norm(), 0.0);
  // Left knee -> left ankle points down at rest; a shin is 0.3-0.5 m.
  EXPECT_NEAR(offsets[7].normalized().y(), -1.0, 1e-12);
  EXPECT_GT(offsets[7].norm(), 0.3);
  EXPECT_LT(offsets[7].norm(), 0.5);
  // Left and right bones agree within 2 cm.
  for (const auto& [left, right] : kSmpl22MirrorPairs) {
    EXPECT_NEAR(offsets[left].norm(), offsets[right].norm(), 0.02) << left << " vs " << right;
  }
}

TEST(UniformBoneLengths, StretchedBonesComeBackToTheirMedianKeepingDirections) {
  int num_frames = 0;
  const std::vector<float> joints = SampleJoints(&num_frames);
  // Stretch every bone of every third frame by 3 cm along itself, as a noisy
  // sensor would (children moved with their parent's new end).
  std::vector<float> noisy = joints;
  for (int t = 0; t < num_frames; t += 3) {
    float* frame = noisy.data() + static_cast<size_t>(t) * kSmpl22NumJoints * 3;
    const float* clean = joints.data() + static_cast<size_t>(t) * kSmpl22NumJoints * 3;
    for (int j = 1; j < kSmpl22NumJoints; ++j) {
      const int parent = kSmpl22Parents[j];
      Vector3<double> bone(clean[3 * j] - clean[3 * parent],
                           clean[3 * j + 1] - clean[3 * parent + 1],
                           clean[3 * j + 2] - clean[3 * parent + 2]);
      bone *= (bone.norm() + 0.03) / bone.norm();
      for (int c = 0; c < 3; ++c)
        frame[3 * j + c] = static_cast<float>(frame[3 * parent + c] + bone[c]);
    }
  }
  const std::array<double, kSmpl22NumJoints> before = BoneLengthStd(noisy.data(), num_frames);
  EXPECT_GT(before[kSmpl22LeftWrist], 0.01);
  const std::vector<float> uniform = UniformBoneLengths(noisy.data(), num_frames);
  const std::array<double, kSmpl22NumJoints> after = BoneLengthStd(uniform.data(), num_frames);
  for (int j = 1; j < kSmpl22NumJoints; ++j) EXPECT_LT(after[j], 1e-5) << "joint " << j;
  // The median length is the clean one (2 of 3 frames are clean), so the
  // result is the clean clip again.
  double worst = 0.0;
  for (size_t i = 0; i < joints.size(); ++i) {
    worst = std::max(worst, double(std::abs(joints[i] - uniform[i])));
  }
  EXPECT_LT(worst, 1e-4);
}

TEST(BoneLengthStd, ConstantBonesHaveNoSpreadAndAKnownStretchHasItsOwn) {
  int num_frames = 0;
  std::vector<float> joints = SampleJoints(&num_frames);
  EXPECT_LT(BoneLengthStd(joints.data(), num_frames)[kSmpl22Head], 1e-5);
  // The head moved 1 cm out along its bone on even frames and 1 cm in on odd
  // frames (170 frames, as many of each): lengths L +- 1 cm, a spread of 1 cm.
  ASSERT_EQ(num_frames % 2, 0);
  for (int t = 0; t < num_frames; ++t) {
    float* head = joints.data() + (static_cast<size_t>(t) * kSmpl22NumJoints + kSmpl22Head) * 3;
    const float* neck = joints.data() + (static_cast<size_t>(t) * kSmpl22NumJoints + 12) * 3;
    Vector3<double> bone(head[0] - neck[0], head[1] - neck[1], head[2] - neck[2]);
    bone.normalize();
    for (int c = 0; c < 3; ++c) head[c] += static_cast<float>((t % 2 ? -0.01 : 0.01) * bone[c]);
  }
  const double spread = BoneLengthStd(joints.data(), num_frames)[kSmpl22Head];
  EXPECT_NEAR(spread, 0.01, 1e-5);
}

TEST(SwingIkOptions, CheckAcceptsEveryValue) {
  EXPECT_NO_THROW(SwingIkOptions{}.Check());
  EXPECT_NO_THROW(SwingIkOptions{.arm_chains_from_root = false}.Check());
}

}  // namespace
}  // namespace intersynth
