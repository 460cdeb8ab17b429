#include "intersynth/motion/smpl22_motion.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <set>
#include <string>

#include "intersynth/geometry/rotation.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

TEST(Smpl22, CheckJointsFiniteNamesPersonFrameAndJoint) {
  MotionClip clip = MotionClip::Zeros(2, 3);
  EXPECT_NO_THROW(CheckJointsFinite(clip.person(1), 3, 1, "clip"));
  clip.joint(1, 2, 20)[1] = std::nanf("");
  EXPECT_ERROR_CONTAINS(CheckJointsFinite(clip.person(1), 3, 1, "clip.npz"),
                        {"clip.npz", "person 1", "frame 2", "joint 20 (left_wrist)"});
  clip.joint(1, 2, 20)[1] = INFINITY;
  EXPECT_THROW(CheckJointsFinite(clip.person(1), 3, 1, "clip"), Error);
}

TEST(Smpl22, SyntheticMotionIsSeededSmoothAndKeepsBoneLengths) {
  const MotionClip a = SyntheticSmpl22Motion(2, 50, 7, /*with_rotations=*/true);
  const MotionClip b = SyntheticSmpl22Motion(2, 50, 7, true);
  const MotionClip c = SyntheticSmpl22Motion(2, 50, 8, true);
  EXPECT_EQ(a.joints, b.joints);
  EXPECT_NE(a.joints, c.joints);
  ASSERT_EQ(a.rotations.size(), 2u * 50 * 22 * 6);
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < 50; ++t) {
      for (int j = 1; j < kSmpl22NumJoints; ++j) {
        const float* x = a.joint(p, t, j);
        const float* y = a.joint(p, t, kSmpl22Parents[j]);
        const auto& o = kSmpl22SyntheticRestOffsets[j];
        const double rest = std::sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]);
        const double length =
            std::sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) +
                      (x[2] - y[2]) * (x[2] - y[2]));
        EXPECT_NEAR(length, rest, 1e-5) << p << " " << t << " " << j;
        if (t > 0) {
          const float* prev = a.joint(p, t - 1, j);
          for (int k = 0; k < 3; ++k) EXPECT_LT(std::abs(x[k] - prev[k]), 0.2f);
        }
      }
    }
  }
}

}  // namespace
}  // namespace intersynth

namespace intersynth {
namespace {

// The stored rotations follow motion_clip.h's convention: FK with
// R_0 = r_0, R_j = R_parent(j) r_j, p_j = p_parent(j) + R_j o_j rebuilds the joints.
TEST(Smpl22, SyntheticRotationsFollowTheMotionFileConvention) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 30, 5, /*with_rotations=*/true);
  double worst = 0.0;
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < 30; ++t) {
      std::array<Matrix3<double>, kSmpl22NumJoints> global;
      for (int j = 0; j < kSmpl22NumJoints; ++j) {
        Rotation6d<double> d;
        for (int c = 0; c < 6; ++c) d[c] = clip.rotations[clip.JointIndex(p, t, j) * 2 + c];
        const Matrix3<double> local = Rotation6dToMatrix(d);
        if (j == 0) {
          global[0] = local;
          continue;
        }
        const int parent = kSmpl22Parents[j];
        global[j] = global[parent] * local;
        const auto& o = kSmpl22SyntheticRestOffsets[j];
        const float* a = clip.joint(p, t, parent);
        const Vector3<double> predicted =
            Vector3<double>(a[0], a[1], a[2]) + global[j] * Vector3<double>(o[0], o[1], o[2]);
        const float* b = clip.joint(p, t, j);
        worst = std::max(worst, (predicted - Vector3<double>(b[0], b[1], b[2])).norm());
      }
    }
  }
  EXPECT_LT(worst, 1e-5);
}

}  // namespace
}  // namespace intersynth
