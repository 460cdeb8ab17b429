#include "intersynth/motion/features_263.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>

#include "intersynth/io/npy.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using L = HumanML3DLayout;
constexpr int D = L::kDim;

// One channel group of the 263 layout, for per-group comparisons.
struct Group {
  const char* name;
  int begin;
  int end;
  double tolerance;  // max |encoded - reference| allowed on rows 0-88
};

// Tolerances for our double-precision encoder against the float32 reference
// (shared/notes/humanml3d-format.md measured 1.4e-7 .. 7.8e-6; rot6d carries
// the reference's float32 rounding, amplified at the right wrist, which is
// nearly antiparallel to its rest direction). Contacts must match exactly.
const Group kGroups[] = {
    {"root angular velocity (0)", L::kRootAngularVelocity, L::kRootLinearVelocity, 1e-6},
    {"root linear velocity (1-2)", L::kRootLinearVelocity, L::kRootHeight, 1e-6},
    {"root height (3)", L::kRootHeight, L::kRic, 1e-6},
    {"ric (4-66)", L::kRic, L::kRotations, 1e-6},
    {"rot6d (67-192)", L::kRotations, L::kLocalVelocity, 2e-5},
    {"local velocity (193-258)", L::kLocalVelocity, L::kFootContacts, 1e-6},
    {"foot contacts (259-262)", L::kFootContacts, D, 0.0},
};

double MaxAbsDiff(
    const std::vector<float>& a, const std::vector<float>& b, int rows, int begin, int end) {
  double worst = 0.0;
  for (int t = 0; t < rows; ++t) {
    for (int c = begin; c < end; ++c) {
      worst = std::max(worst, std::abs(static_cast<double>(a[static_cast<size_t>(t) * D + c]) -
                                       b[static_cast<size_t>(t) * D + c]));
    }
  }
  return worst;
}

std::vector<float> LoadArray(const std::filesystem::path& path,
                             std::vector<int64_t> expected_shape) {
  const NpyArray array = ReadNpy(path);
  EXPECT_EQ(array.shape, expected_shape) << path;
  return array.ToVector<float>();
}

// HumanML3D's sample 012314: the features (170 x 263) and their decoding (170 x 22 x 3).
TEST(HumanML3D, DecodeSample012314MatchesNewJointsOnEveryFrame) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "humanml3d/new_joint_vecs/012314.npy");
  const std::vector<float> features = LoadArray(dir, {170, 263});
  const std::vector<float> expected =
      LoadArray(dir.parent_path().parent_path() / "new_joints" / "012314.npy", {170, 22, 3});
  const std::vector<float> joints = DecodeHumanML3D(features.data(), 170);
  ASSERT_EQ(joints.size(), expected.size());
  double worst = 0.0;
  for (size_t i = 0; i < joints.size(); ++i)
    worst = std::max(worst, std::abs(double(joints[i]) - expected[i]));
  std::cout << "[ measured ] decode 012314, 170 frames: max |joint error| = " << worst << " m\n";
  EXPECT_LT(worst, 1e-5);
}

// Encoding new_joints (170 frames -> 169 rows) reproduces new_joint_vecs on
// rows 0-88 only. Why later rows differ: the facing direction is smoothed by a
// Gaussian over +-80 frames (sigma 20, truncated at 4 sigma, edge repeated).
// new_joints is the decoding of the 170 feature rows, i.e. the original
// 171-frame clip minus its last frame; every smoothed facing within 80 frames
// of the end saw that dropped frame (row t sees frames up to t + 80, so rows
// t >= 170 - 80 - 1 = 89 are affected), and with it the root rotation and all
// root-frame channels (ric up to 7e-3, rot6d up to 1.3e-2). Rows 0-88 are
// farther than 80 frames from the end and must match.
TEST(HumanML3D, EncodeNewJoints012314MatchesFeaturesOnRowsUpTo88) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "humanml3d");
  const std::vector<float> joints = LoadArray(dir / "new_joints" / "012314.npy", {170, 22, 3});
  const std::vector<float> expected = LoadArray(dir / "new_joint_vecs" / "012314.npy", {170, 263});
  const std::vector<float> features = EncodeHumanML3D(joints.data(), 170);
  ASSERT_EQ(features.size(), 169u * D);
  constexpr int kRows = 89;
  for (const Group& group : kGroups) {
    const double worst = MaxAbsDiff(features, expected, kRows, group.begin, group.end);
    std::cout << "[ measured ] encode 012314 rows 0-88, " << group.name << ": max error " << worst
              << "\n";
    EXPECT_LE(worst, group.tolerance) << group.name;
  }
  // The later rows do differ (the test above is not vacuous about them).
  EXPECT_GT(MaxAbsDiff(features, expected, 169, L::kRic, L::kRotations), 1e-4);
}

// With the dropped frame rebuilt from the last feature row,
//   p[170, j] = p[169, j] + r[169]^-1 * local_velocity[169, j],
// the Gaussian sees the original clip and all 170 rows match.
TEST(HumanML3D, EncodeWithRebuiltLastFrameMatchesAll170Rows) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "humanml3d");
  std::vector<float> joints = LoadArray(dir / "new_joints" / "012314.npy", {170, 22, 3});
  const std::vector<float> expected = LoadArray(dir / "new_joint_vecs" / "012314.npy", {170, 263});
  const std::vector<float> root_rotation = DecodeHumanML3DRootRotation(expected.data(), 170);
  const Quaternion<double> world_from_root(root_rotation[4 * 169], -root_rotation[4 * 169 + 1],
                                           -root_rotation[4 * 169 + 2],
                                           -root_rotation[4 * 169 + 3]);
  const float* last_row = expected.data() + 169 * D;
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const float* v = last_row + L::kLocalVelocity + 3 * j;
    const Vector3<double> step =
        QuaternionRotate(world_from_root, Vector3<double>(v[0], v[1], v[2]));
    for (int c = 0; c < 3; ++c)
      joints.push_back(static_cast<float>(joints[(169 * 22 + j) * 3 + c] + step[c]));
  }
  const std::vector<float> features = EncodeHumanML3D(joints.data(), 171);
  ASSERT_EQ(features.size(), 170u * D);
  for (const Group& group : kGroups) {
    const double worst = MaxAbsDiff(features, expected, 170, group.begin, group.end);
    std::cout << "[ measured ] encode 012314 + rebuilt frame, all 170 rows, " << group.name
              << ": max error " << worst << "\n";
    EXPECT_LE(worst, group.tolerance) << group.name;
  }
}

// The quirk matters: the across vector the format uses, (j1 - j2) + (j17 - j16),
// is not the "face +Z" one; the root angular velocity of row 0 equals the
// absolute rotation at frame 1 because r[0] is the identity.
TEST(HumanML3D, SampleRootAngularVelocityStartsFromIdentity) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "humanml3d");
  const std::vector<float> expected = LoadArray(dir / "new_joint_vecs" / "012314.npy", {170, 263});
  const std::vector<float> rotation = DecodeHumanML3DRootRotation(expected.data(), 170);
  EXPECT_EQ(rotation[0], 1.0f);
  EXPECT_EQ(rotation[2], 0.0f);
  EXPECT_NEAR(std::asin(rotation[4 + 2]), expected[0], 1e-7);
  for (int t = 0; t < 170; ++t) {
    EXPECT_NEAR(rotation[4 * t] * rotation[4 * t] + rotation[4 * t + 2] * rotation[4 * t + 2], 1.0,
                1e-6);
    EXPECT_EQ(rotation[4 * t + 1], 0.0f);
    EXPECT_EQ(rotation[4 * t + 3], 0.0f);
  }
}

// A synthetic walk put on the floor at the origin facing +Z.
std::vector<float> CanonicalWalk(int frames, uint64_t seed) {
  const MotionClip clip = SyntheticSmpl22Motion(1, frames, seed);
  return CanonicalizeHumanML3DJoints(clip.person(0), frames);
}

TEST(HumanML3D, CanonicalizePutsFloorOriginAndFacingInPlace) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 40, 3);
  const std::vector<float> joints = CanonicalizeHumanML3DJoints(clip.person(0), 40);
  float lowest = joints[1];
  for (size_t i = 1; i < joints.size(); i += 3) lowest = std::min(lowest, joints[i]);
  EXPECT_NEAR(lowest, 0.0f, 1e-6);
  EXPECT_NEAR(joints[0], 0.0f, 1e-6);
  EXPECT_NEAR(joints[2], 0.0f, 1e-6);
  // Facing of frame 0 (hips and shoulders, right minus left) is +Z.
  auto at = [&](int j, int c) { return joints[3 * j + c]; };
  const double ax = (at(2, 0) - at(1, 0)) + (at(17, 0) - at(16, 0));
  const double az = (at(2, 2) - at(1, 2)) + (at(17, 2) - at(16, 2));
  // forward = (0,1,0) x across = (az, 0, -ax)
  EXPECT_NEAR(az / std::hypot(ax, az), 0.0, 1e-6);
  EXPECT_GT(-ax, 0.0);
  // A rigid motion: distances within a frame are unchanged.
  for (int t = 0; t < 40; t += 13) {
    const float* a = clip.joint(0, t, 15);
    const float* b = clip.joint(0, t, 11);
    const float* c = joints.data() + (t * 22 + 15) * 3;
    const float* d = joints.data() + (t * 22 + 11) * 3;
    EXPECT_NEAR(std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]),
                std::hypot(c[0] - d[0], c[1] - d[1], c[2] - d[2]), 1e-5);
  }
}

TEST(HumanML3D, JointsToFeaturesToJointsIsExact) {
  constexpr int T = 120;
  for (uint64_t seed : {1u, 2u, 5u}) {
    const std::vector<float> joints = CanonicalWalk(T, seed);
    HumanML3DOptions options;
    options.continuous_root_rotation = true;
    const std::vector<float> features = EncodeHumanML3D(joints.data(), T, options);
    ASSERT_EQ(features.size(), static_cast<size_t>(T - 1) * D);
    const std::vector<float> decoded = DecodeHumanML3D(features.data(), T - 1);
    double worst = 0.0;
    for (size_t i = 0; i < decoded.size(); ++i)
      worst = std::max(worst, std::abs(double(decoded[i]) - joints[i]));
    EXPECT_LT(worst, 1e-5) << "seed " << seed;
  }
}

// A person turning a full circle: the smoothed facing passes through -Z, where
// the reference's w >= 0 root quaternion flips sign. The reference behaviour
// (default) then decodes a wrong heading; continuous_root_rotation fixes it.
TEST(HumanML3D, TurningThroughMinusZNeedsContinuousRootRotation) {
  constexpr int T = 100;
  MotionClip clip = SyntheticSmpl22Motion(1, T, 11);
  // Spin the whole body about its root, 2 pi over the clip (on top of the walk).
  for (int t = 0; t < T; ++t) {
    const double yaw = 2.0 * EIGEN_PI * t / (T - 1);
    const float* root = clip.joint(0, t, 0);
    const double rx = root[0], rz = root[2];
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      float* p = clip.joint(0, t, j);
      const double x = p[0] - rx, z = p[2] - rz;
      p[0] = static_cast<float>(rx + std::cos(yaw) * x + std::sin(yaw) * z);
      p[2] = static_cast<float>(rz - std::sin(yaw) * x + std::cos(yaw) * z);
    }
  }
  const std::vector<float> joints = CanonicalizeHumanML3DJoints(clip.person(0), T);
  auto round_trip_error = [&](bool continuous) {
    HumanML3DOptions options;
    options.continuous_root_rotation = continuous;
    const std::vector<float> features = EncodeHumanML3D(joints.data(), T, options);
    const std::vector<float> decoded = DecodeHumanML3D(features.data(), T - 1);
    double worst = 0.0;
    for (size_t i = 0; i < decoded.size(); ++i)
      worst = std::max(worst, std::abs(double(decoded[i]) - joints[i]));
    return worst;
  };
  EXPECT_LT(round_trip_error(true), 1e-5);
  EXPECT_GT(round_trip_error(false), 1e-3);
}

// recover_from_rot: forward kinematics of the rot6d channels from the decoded
// root rotation, along HumanML3D's chains (arms from the root rotation),
// rebuilds every bone direction: the rotation channels are self-consistent.
TEST(HumanML3D, RotationChannelsRebuildBoneDirections) {
  constexpr int T = 60;
  const std::vector<float> joints = CanonicalWalk(T, 4);
  const std::vector<float> features = EncodeHumanML3D(joints.data(), T);
  const std::vector<float> roots = DecodeHumanML3DRootRotation(features.data(), T - 1);
  double worst = 0.0;
  for (int t = 0; t < T - 1; ++t) {
    const float* row = features.data() + static_cast<size_t>(t) * D;
    const Matrix3<double> root = QuaternionToMatrix(
        Quaternion<double>(roots[4 * t], roots[4 * t + 1], roots[4 * t + 2], roots[4 * t + 3]));
    for (const KinematicChain& chain : kHumanML3DKinematicChains) {
      Matrix3<double> r = root;
      for (int i = 1; i < chain.length; ++i) {
        const int child = chain.joints[i];
        const int parent = chain.joints[i - 1];
        Rotation6d<double> d;
        for (int c = 0; c < 6; ++c) d[c] = row[L::kRotations + 6 * (child - 1) + c];
        r = r * Rotation6dToMatrix(d);
        const auto& o = kHumanML3DRawOffsets[child];
        const Vector3<double> predicted = r * Vector3<double>(o[0], o[1], o[2]);
        const float* a = joints.data() + (t * 22 + child) * 3;
        const float* b = joints.data() + (t * 22 + parent) * 3;
        // The chain's world direction is root^-1-free: FK starts from r[t],
        // the same rotation the IK divided out, so bones come out in world.
        const Vector3<double> bone =
            Vector3<double>(a[0] - b[0], a[1] - b[1], a[2] - b[2]).normalized();
        worst = std::max(worst, (predicted - bone).norm());
      }
    }
  }
  EXPECT_LT(worst, 1e-5);
}

TEST(HumanML3D, FootContactsUseStrictSquaredDisplacementThreshold) {
  // A still person: every foot is in contact; then move the left ankle.
  constexpr int T = 4;
  std::vector<float> joints = CanonicalWalk(T, 9);
  for (int t = 1; t < T; ++t)
    std::copy(joints.begin(), joints.begin() + 66, joints.begin() + t * 66);
  // Exactly representable positions, so that d^2 is exactly 0.0625 for the
  // steps 1->2 and 2->3.
  for (int t = 0; t < T; ++t) joints[(t * 22 + kSmpl22LeftAnkle) * 3 + 0] = t == 2 ? 0.25f : 0.0f;
  HumanML3DOptions options;
  options.foot_contact_threshold = 0.0625f;  // equal: not a contact (strict <)
  std::vector<float> features = EncodeHumanML3D(joints.data(), T, options);
  EXPECT_EQ(features[0 * D + L::kFootContacts + 0], 1.0f);
  EXPECT_EQ(features[1 * D + L::kFootContacts + 0], 0.0f);
  EXPECT_EQ(features[2 * D + L::kFootContacts + 0], 0.0f);
  for (int t = 0; t < T - 1; ++t) {
    for (int k = 1; k < 4; ++k)
      EXPECT_EQ(features[t * D + L::kFootContacts + k], 1.0f) << t << " " << k;
  }
  options.foot_contact_threshold = 0.0626f;
  features = EncodeHumanML3D(joints.data(), T, options);
  EXPECT_EQ(features[1 * D + L::kFootContacts + 0], 1.0f);
}

TEST(HumanML3D, RejectsFewerThanTwoFramesAndNaN) {
  std::vector<float> joints = CanonicalWalk(5, 1);
  EXPECT_THROW(EncodeHumanML3D(joints.data(), 1), Error);
  EXPECT_THROW(EncodeHumanML3D(joints.data(), 0), Error);
  joints[(3 * 22 + 17) * 3 + 2] = std::nanf("");
  EXPECT_ERROR_CONTAINS(EncodeHumanML3D(joints.data(), 5),
                        {"frame 3", "joint 17 (right_shoulder)"});
  EXPECT_THROW(DecodeHumanML3D(joints.data(), 0), Error);
  std::vector<float> features(2 * D, 0.0f);
  features[D + 5] = INFINITY;
  EXPECT_THROW(DecodeHumanML3D(features.data(), 2), Error);
}

TEST(HumanML3D, SwingIkHandlesZeroLengthAndAntiparallelBones) {
  std::vector<float> joints = CanonicalWalk(2, 6);
  // Frame 0: the left knee sits on the left hip (zero-length bone).
  for (int c = 0; c < 3; ++c) joints[(0 * 22 + 4) * 3 + c] = joints[(0 * 22 + 1) * 3 + c];
  // Frame 1: the left wrist points exactly up from the elbow (rest is -Y).
  for (int c = 0; c < 3; ++c) joints[(22 + 20) * 3 + c] = joints[(22 + 18) * 3 + c];
  joints[(22 + 20) * 3 + 1] += 0.25f;
  const std::vector<Quaternion<double>> roots(2, Quaternion<double>(1, 0, 0, 0));
  const auto local = SwingInverseKinematics(joints.data(), 2, roots);
  for (const auto& q : local) {
    EXPECT_TRUE(q.allFinite());
    EXPECT_NEAR(q.norm(), 1.0, 1e-12);
  }
  // The zero-length bone gets the identity swing: its accumulated rotation
  // root * local[1] * local[4] is the identity.
  const Quaternion<double> knee =
      QuaternionMultiply(QuaternionMultiply(local[0], local[1]), local[4]);
  EXPECT_TRUE(QuaternionToMatrix(knee).isApprox(Matrix3<double>::Identity(), 1e-12));
  // Rebuild the flipped bone: accumulated rotation along 0-9 (root: arms start
  // from the root), 13, 16, 18, 20 applied to the rest direction -Y gives +Y.
  Quaternion<double> r = local[22 + 0];
  for (int j : {13, 16, 18, 20}) r = QuaternionMultiply(r, local[22 + j]);
  const Vector3<double> up = QuaternionRotate(r, Vector3<double>(0, -1, 0));
  EXPECT_NEAR(up.y(), 1.0, 1e-9);
}

TEST(HumanML3DOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(HumanML3DOptions{}.Check());
  HumanML3DOptions options;
  options.facing_smooth_sigma = 0.0f;  // no smoothing: valid
  EXPECT_NO_THROW(options.Check());
  options.facing_smooth_truncate = -1.0f;
  try {
    options.Check();
    ADD_FAILURE() << "a negative truncation was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"facing_smooth_truncate"});
  }
  options = {};
  options.foot_contact_threshold = -1.0f;
  EXPECT_ERROR_CONTAINS(options.Check(), {"foot_contact_threshold must be >= 0, got -1"});
}

}  // namespace
}  // namespace intersynth
