#include "intersynth/motion/features_262.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using L = InterGenLayout;
constexpr int D = L::kDim;

double Distance(const float* a, const float* b) {
  return std::sqrt(double(a[0] - b[0]) * (a[0] - b[0]) + double(a[1] - b[1]) * (a[1] - b[1]) +
                   double(a[2] - b[2]) * (a[2] - b[2]));
}

TEST(InterGen, JointsToFeaturesToJointsIsExactForOneTwoAndThreePersons) {
  constexpr int T = 80;
  for (int persons = 1; persons <= 3; ++persons) {
    const MotionClip clip = SyntheticSmpl22Motion(persons, T, 100 + persons);
    const InterGenFeatures features = EncodeInterGen(clip);
    ASSERT_EQ(features.num_persons, persons);
    ASSERT_EQ(features.num_rows, T - 1);
    ASSERT_EQ(features.values.size(), static_cast<size_t>(persons) * (T - 1) * D);
    const MotionClip decoded = DecodeInterGen(features);
    ASSERT_EQ(decoded.num_persons, persons);
    ASSERT_EQ(decoded.num_frames, T - 1);
    EXPECT_EQ(decoded.fps, clip.fps);
    double worst = 0.0;
    for (int p = 0; p < persons; ++p) {
      for (int t = 0; t < T - 1; ++t) {
        for (int j = 0; j < 22; ++j)
          worst = std::max(worst, Distance(decoded.joint(p, t, j), clip.joint(p, t, j)));
      }
    }
    EXPECT_LT(worst, 1e-5) << persons << " persons";
  }
}

TEST(InterGen, CanonicalFramePutsPersonZeroAtOriginFacingPlusZ) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 30, 21);
  const InterGenFeatures features = EncodeInterGen(clip);
  const float* root = features.row(0, 0) + L::kPositions;
  EXPECT_NEAR(root[0], 0.0f, 1e-6);
  EXPECT_NEAR(root[2], 0.0f, 1e-6);
  EXPECT_EQ(root[1], clip.joint(0, 0, 0)[1]) << "heights are not shifted";
  const std::optional<double> yaw = HipFacingYaw(features.row(0, 0) + L::kPositions);
  ASSERT_TRUE(yaw.has_value());
  EXPECT_NEAR(*yaw, 0.0, 1e-6);
  // The stored transform is the world pose of that frame.
  EXPECT_NEAR(features.world_from_canonical.yaw, *HipFacingYaw(clip.joint(0, 0, 0)), 1e-12);
  EXPECT_EQ(features.world_from_canonical.translation_x, clip.joint(0, 0, 0)[0]);
  EXPECT_EQ(features.world_from_canonical.translation_z, clip.joint(0, 0, 0)[2]);
  // Every y channel equals the world height.
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < 29; ++t) {
      for (int j = 0; j < 22; ++j) EXPECT_EQ(features.row(p, t)[3 * j + 1], clip.joint(p, t, j)[1]);
    }
  }
  // Decoding without to_world leaves the canonical frame.
  const MotionClip canonical = DecodeInterGen(features, /*to_world=*/false);
  EXPECT_EQ(canonical.joint(0, 0, 0)[0], root[0]);
  EXPECT_EQ(canonical.joint(1, 5, 7)[2], features.row(1, 5)[3 * 7 + 2]);
}

TEST(InterGen, InterPersonDistancesArePreserved) {
  constexpr int T = 40;
  const MotionClip clip = SyntheticSmpl22Motion(3, T, 33);
  const MotionClip canonical = DecodeInterGen(EncodeInterGen(clip), /*to_world=*/false);
  double worst = 0.0;
  double largest = 0.0;
  for (int t = 0; t < T - 1; ++t) {
    for (int a = 0; a < 3; ++a) {
      for (int b = a + 1; b < 3; ++b) {
        for (int j : {0, 7, 15, 21}) {
          for (int k : {0, 10, 20}) {
            const double world = Distance(clip.joint(a, t, j), clip.joint(b, t, k));
            largest = std::max(largest, world);
            worst = std::max(worst, std::abs(world - Distance(canonical.joint(a, t, j),
                                                              canonical.joint(b, t, k))));
          }
        }
      }
    }
  }
  EXPECT_GT(largest, 0.5) << "persons should stand apart";
  EXPECT_LT(worst, 1e-5);
}

TEST(InterGen, VelocitiesAreFiniteDifferencesOfPositionChannels) {
  constexpr int T = 50;
  const MotionClip clip = SyntheticSmpl22Motion(2, T, 44);
  const InterGenFeatures features = EncodeInterGen(clip);
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t + 1 < T - 1; ++t) {
      const float* row = features.row(p, t);
      const float* next = features.row(p, t + 1);
      for (int i = 0; i < 66; ++i) {
        ASSERT_EQ(row[L::kVelocities + i], next[L::kPositions + i] - row[L::kPositions + i])
            << "person " << p << " row " << t << " channel " << i;
      }
    }
    // The last row's velocity reaches the dropped last frame: compare with
    // the world step turned into the canonical frame (yaw only).
    const double yaw = -features.world_from_canonical.yaw;
    const float* row = features.row(p, T - 2);
    for (int j = 0; j < 22; ++j) {
      const float* a = clip.joint(p, T - 1, j);
      const float* b = clip.joint(p, T - 2, j);
      const double dx = double(a[0]) - b[0], dy = double(a[1]) - b[1], dz = double(a[2]) - b[2];
      EXPECT_NEAR(row[L::kVelocities + 3 * j + 0], std::cos(yaw) * dx + std::sin(yaw) * dz, 1e-5);
      EXPECT_NEAR(row[L::kVelocities + 3 * j + 1], dy, 1e-6);
      EXPECT_NEAR(row[L::kVelocities + 3 * j + 2], -std::sin(yaw) * dx + std::cos(yaw) * dz, 1e-5);
    }
  }
}

TEST(InterGen, FootContactsAgreeWithHandComputation) {
  constexpr int T = 150;
  const MotionClip clip = SyntheticSmpl22Motion(2, T, 55);
  const InterGenFeatures features = EncodeInterGen(clip);
  const int joints[4] = {7, 10, 8, 11};
  const double heights[4] = {0.12, 0.05, 0.12, 0.05};
  int ones = 0, zeros = 0, near_threshold = 0;
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < T - 1; ++t) {
      for (int k = 0; k < 4; ++k) {
        // From the world joints: the displacement is rigid-motion invariant
        // and heights are not shifted.
        const float* a = clip.joint(p, t + 1, joints[k]);
        const float* b = clip.joint(p, t, joints[k]);
        const double d2 = std::pow(Distance(a, b), 2);
        const double y = b[1];
        if (std::abs(d2 - 0.001) < 1e-7 || std::abs(y - heights[k]) < 1e-6) {
          ++near_threshold;  // rounding of the canonical transform may decide
          continue;
        }
        const float expected = (d2 < 0.001 && y < heights[k]) ? 1.0f : 0.0f;
        EXPECT_EQ(features.row(p, t)[L::kFootContacts + k], expected) << p << " " << t << " " << k;
        (expected == 1.0f ? ones : zeros)++;
      }
    }
  }
  EXPECT_GT(ones, 20);
  EXPECT_GT(zeros, 20);
  EXPECT_LT(near_threshold, 3);
}

TEST(InterGen, RotationsFromClipAreCopiedInInterGenOrder) {
  constexpr int T = 20;
  const MotionClip clip = SyntheticSmpl22Motion(2, T, 66, /*with_rotations=*/true);
  const InterGenFeatures features = EncodeInterGen(clip);
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < T - 1; ++t) {
      for (int j = 1; j < 22; ++j) {
        const float* d =
            clip.rotations.data() + clip.JointIndex(p, t, j) * 2;           // column 0, column 1
        const float* g = features.row(p, t) + L::kRotations + 6 * (j - 1);  // row-wise
        // (R00, R01, R10, R11, R20, R21)
        EXPECT_EQ(g[0], d[0]);
        EXPECT_EQ(g[1], d[3]);
        EXPECT_EQ(g[2], d[1]);
        EXPECT_EQ(g[3], d[4]);
        EXPECT_EQ(g[4], d[2]);
        EXPECT_EQ(g[5], d[5]);
      }
    }
  }
  // Decoding gives them back in column order (Gram-Schmidt of a rotation is itself).
  const MotionClip decoded = DecodeInterGen(features);
  ASSERT_EQ(decoded.rotations.size(), 2u * (T - 1) * 22 * 6);
  double worst = 0.0;
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < T - 1; ++t) {
      for (int j = 1; j < 22; ++j) {
        for (int c = 0; c < 6; ++c) {
          worst = std::max(worst,
                           std::abs(double(decoded.rotations[decoded.JointIndex(p, t, j) * 2 + c]) -
                                    clip.rotations[clip.JointIndex(p, t, j) * 2 + c]));
        }
      }
    }
  }
  EXPECT_LT(worst, 1e-6);
  // use_clip_rotations = false recomputes them by IK (different convention).
  InterGenOptions options;
  options.use_clip_rotations = false;
  const InterGenFeatures ik = EncodeInterGen(clip, options);
  EXPECT_NE(std::vector<float>(ik.row(0, 0) + L::kRotations, ik.row(0, 0) + L::kFootContacts),
            std::vector<float>(features.row(0, 0) + L::kRotations,
                               features.row(0, 0) + L::kFootContacts));
}

// Rotations computed by IK: forward kinematics of the decoded rotations (the
// root the facing yaw, each local rotation turning the bone that ends at its
// joint, accumulated along the smpl22 parents) rebuilds every bone direction,
// in the world frame as well as in the canonical one.
TEST(InterGen, IkRotationsRebuildBoneDirectionsThroughParents) {
  constexpr int T = 40;
  const MotionClip clip = SyntheticSmpl22Motion(2, T, 77);
  const InterGenFeatures features = EncodeInterGen(clip);
  for (bool to_world : {true, false}) {
    const MotionClip decoded = DecodeInterGen(features, to_world);
    double worst = 0.0;
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < T - 1; ++t) {
        std::array<Matrix3<double>, 22> global;
        for (int j = 0; j < 22; ++j) {
          Rotation6d<double> d;
          for (int c = 0; c < 6; ++c) d[c] = decoded.rotations[decoded.JointIndex(p, t, j) * 2 + c];
          const Matrix3<double> local = Rotation6dToMatrix(d);
          global[j] = j == 0 ? local : Matrix3<double>(global[kSmpl22Parents[j]] * local);
          if (j == 0) {
            // The root is a pure yaw.
            EXPECT_NEAR(local(1, 1), 1.0, 1e-9);
            continue;
          }
          const auto& o = kHumanML3DRawOffsets[j];
          const Vector3<double> predicted = global[j] * Vector3<double>(o[0], o[1], o[2]);
          const float* a = decoded.joint(p, t, j);
          const float* b = decoded.joint(p, t, kSmpl22Parents[j]);
          const Vector3<double> bone =
              Vector3<double>(a[0] - b[0], a[1] - b[1], a[2] - b[2]).normalized();
          worst = std::max(worst, (predicted - bone).norm());
        }
      }
    }
    EXPECT_LT(worst, 1e-5) << (to_world ? "world" : "canonical");
  }
}

// A rigid skeleton rebuilt from the decoded rotations keeps the joints of a
// rigid motion, and turns a stretched bone back to its median length while
// keeping its direction.
TEST(InterGen, JointsRebuiltFromRotationsAreRigidAndKeepARigidMotion) {
  constexpr int T = 40;
  const MotionClip clip = SyntheticSmpl22Motion(2, T, 78);
  MotionClip decoded = DecodeInterGen(EncodeInterGen(clip), /*to_world=*/true);
  const MotionClip positions = decoded;
  RebuildJointsFromRotations(decoded);
  double worst = 0.0;
  for (size_t k = 0; k < decoded.joints.size(); ++k)
    worst = std::max(worst, std::abs(double(decoded.joints[k]) - positions.joints[k]));
  EXPECT_LT(worst, 1e-4);

  // Stretch the left forearm (elbow 18 -> wrist 20) of person 0 in one frame:
  // the rebuilt wrist is back at the median length, along the same direction.
  MotionClip stretched = positions;
  const int t = 7;
  const float* elbow = positions.joint(0, t, 18);
  for (int c = 0; c < 3; ++c) {
    stretched.joint(0, t, 20)[c] = elbow[c] + 1.5f * (positions.joint(0, t, 20)[c] - elbow[c]);
  }
  RebuildJointsFromRotations(stretched);
  for (int c = 0; c < 3; ++c)
    EXPECT_NEAR(stretched.joint(0, t, 20)[c], positions.joint(0, t, 20)[c], 1e-4) << c;

  MotionClip bare = clip;
  bare.rotations.clear();
  EXPECT_ERROR_CONTAINS(RebuildJointsFromRotations(bare), {"rotation values", "[P=2, N=40"});
}

TEST(InterGen, YawTransformInverseUndoesIt) {
  YawTransform transform;
  transform.yaw = 2.5;
  transform.translation_x = -1.25;
  transform.translation_z = 3.5;
  float point[3] = {0.3f, 1.7f, -2.2f};
  transform.Apply(point);
  EXPECT_FLOAT_EQ(point[1], 1.7f);
  transform.Inverse().Apply(point);
  EXPECT_NEAR(point[0], 0.3f, 1e-6);
  EXPECT_NEAR(point[2], -2.2f, 1e-6);
  // R_y(yaw) (0, 0, 1) = (sin yaw, 0, cos yaw).
  YawTransform turn;
  turn.yaw = 0.7;
  float z[3] = {0.0f, 0.0f, 1.0f};
  turn.Apply(z);
  EXPECT_NEAR(z[0], std::sin(0.7), 1e-7);
  EXPECT_NEAR(z[2], std::cos(0.7), 1e-7);
}

TEST(InterGen, HipFacingYawOfRestPoseIsZeroAndTurnsWithTheBody) {
  // Rest pose faces +Z: left hip at +X.
  float frame[22 * 3] = {};
  frame[3 * 1 + 0] = 0.1f;
  frame[3 * 2 + 0] = -0.1f;
  EXPECT_NEAR(*HipFacingYaw(frame), 0.0, 1e-12);
  // Facing +X: left hip at -Z.
  frame[3 * 1 + 0] = 0.0f;
  frame[3 * 2 + 0] = 0.0f;
  frame[3 * 1 + 2] = -0.1f;
  frame[3 * 2 + 2] = 0.1f;
  EXPECT_NEAR(*HipFacingYaw(frame), EIGEN_PI / 2, 1e-12);
  // Vertically aligned hips: undefined.
  frame[3 * 1 + 2] = 0.0f;
  frame[3 * 2 + 2] = 0.0f;
  frame[3 * 2 + 1] = 0.3f;
  EXPECT_FALSE(HipFacingYaw(frame).has_value());
}

TEST(InterGen, RejectsBadInput) {
  MotionClip clip = SyntheticSmpl22Motion(2, 5, 88);
  clip.joint(1, 3, 8)[0] = std::nanf("");
  EXPECT_ERROR_CONTAINS(EncodeInterGen(clip), {"person 1", "frame 3", "joint 8 (right_ankle)"});
  EXPECT_THROW(EncodeInterGen(SyntheticSmpl22Motion(2, 1, 1)), Error);
  EXPECT_THROW(EncodeInterGen(SyntheticSmpl22Motion(0, 5, 1)), Error);
  MotionClip short_joints = SyntheticSmpl22Motion(1, 5, 1);
  short_joints.joints.pop_back();
  EXPECT_THROW(EncodeInterGen(short_joints), Error);
  MotionClip bad_rotations = SyntheticSmpl22Motion(1, 5, 1, true);
  bad_rotations.rotations.resize(7);
  EXPECT_THROW(EncodeInterGen(bad_rotations), Error);
  // Person 0's hips stacked vertically at frame 0: no canonical facing.
  MotionClip stacked = SyntheticSmpl22Motion(1, 5, 1);
  std::copy(stacked.joint(0, 0, 1), stacked.joint(0, 0, 1) + 3, stacked.joint(0, 0, 2));
  stacked.joint(0, 0, 2)[1] += 0.2f;
  EXPECT_THROW(EncodeInterGen(stacked), Error);
  // Decoding: wrong value count and NaN positions.
  InterGenFeatures features = EncodeInterGen(SyntheticSmpl22Motion(1, 5, 1));
  features.values.pop_back();
  EXPECT_THROW(DecodeInterGen(features), Error);
  features = EncodeInterGen(SyntheticSmpl22Motion(1, 5, 1));
  features.row(0, 2)[5] = INFINITY;
  EXPECT_THROW(DecodeInterGen(features), Error);
  // Velocity and contact channels are not read.
  features = EncodeInterGen(SyntheticSmpl22Motion(1, 5, 1));
  features.row(0, 2)[L::kVelocities] = std::nanf("");
  EXPECT_NO_THROW(DecodeInterGen(features));
}

TEST(InterGenOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(InterGenOptions{}.Check());
  InterGenOptions options;
  options.foot_contact_threshold = -0.001f;
  EXPECT_ERROR_CONTAINS(options.Check(), {"foot_contact_threshold must be >= 0, got -0.001"});
  options = {};
  options.ankle_height_threshold = std::nanf("");
  try {
    options.Check();
    ADD_FAILURE() << "a NaN ankle height was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"ankle_height_threshold"});
  }
}

}  // namespace
}  // namespace intersynth
