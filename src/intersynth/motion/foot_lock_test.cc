#include "intersynth/motion/foot_lock.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

double Distance(const MotionClip& clip, int p, int t, int a, int b) {
  const float* x = clip.joint(p, t, a);
  const float* y = clip.joint(p, t, b);
  return std::sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) +
                   (x[2] - y[2]) * (x[2] - y[2]));
}

// Mean horizontal toe speed over frames where the toe is below 5 cm at t and
// t + 1 (MeasurePlausibility's foot skate), m/s.
double ToeSkate(const MotionClip& clip) {
  double sum = 0.0;
  int steps = 0;
  for (int t = 0; t + 1 < clip.num_frames; ++t) {
    for (int toe : {kSmpl22LeftFoot, kSmpl22RightFoot}) {
      const float* a = clip.joint(0, t, toe);
      const float* b = clip.joint(0, t + 1, toe);
      if (a[1] >= 0.05f || b[1] >= 0.05f) continue;
      sum += std::hypot(b[0] - a[0], b[2] - a[2]) * clip.fps;
      ++steps;
    }
  }
  return steps > 0 ? sum / steps : 0.0;
}

// The frames of a squat whose knees are bent (hip to ankle at most 95% of
// thigh + shin, so a planted foot can be reached), with the whole body
// drifting sideways at 0.2 m/s: its planted feet skate.
MotionClip Drifting() {
  const MotionClip squat = SyntheticActionMotion(SyntheticAction::kSquat, 80, 4);
  std::vector<int> bent;
  for (int t = 0; t < squat.num_frames; ++t) {
    const double leg = Distance(squat, 0, t, kSmpl22LeftHip, kSmpl22LeftKnee) +
                       Distance(squat, 0, t, kSmpl22LeftKnee, kSmpl22LeftAnkle);
    if (Distance(squat, 0, t, kSmpl22LeftHip, kSmpl22LeftAnkle) < 0.95 * leg) bent.push_back(t);
  }
  EXPECT_GE(bent.size(), 20u);
  MotionClip clip = MotionClip::Zeros(1, static_cast<int>(bent.size()), squat.fps);
  for (size_t k = 0; k < bent.size(); ++k) {
    for (int j = 0; j < kNumJoints; ++j) {
      for (int c = 0; c < 3; ++c) clip.joint(0, k, j)[c] = squat.joint(0, bent[k], j)[c];
      clip.joint(0, k, j)[0] += 0.2f * k / clip.fps;
    }
  }
  return clip;
}

// The six leg bones of person 0 at frame t.
std::vector<double> LegBones(const MotionClip& clip, int t) {
  std::vector<double> lengths;
  for (const auto& [a, b] : {std::pair{kSmpl22LeftHip, kSmpl22LeftKnee},
                             {kSmpl22LeftKnee, kSmpl22LeftAnkle},
                             {kSmpl22LeftAnkle, kSmpl22LeftFoot},
                             {kSmpl22RightHip, kSmpl22RightKnee},
                             {kSmpl22RightKnee, kSmpl22RightAnkle},
                             {kSmpl22RightAnkle, kSmpl22RightFoot}}) {
    lengths.push_back(Distance(clip, 0, t, a, b));
  }
  return lengths;
}

TEST(LockFeet, PlantedFeetStopSlidingAndEveryLegBoneKeepsItsLength) {
  const MotionClip before = Drifting();
  ASSERT_GT(ToeSkate(before), 0.2);
  MotionClip after = before;
  const FootLockStats stats = LockFeet(after);
  EXPECT_GE(stats.contacts, 2);
  EXPECT_GE(stats.locked_frames, 2 * before.num_frames - 4);
  EXPECT_GT(stats.max_shift_m, 0.05);
  EXPECT_EQ(stats.unreachable_frames, 0);
  EXPECT_LT(ToeSkate(after), 0.1 * ToeSkate(before));
  for (int t = 0; t < before.num_frames; ++t) {
    const std::vector<double> want = LegBones(before, t);
    const std::vector<double> got = LegBones(after, t);
    for (size_t k = 0; k < want.size(); ++k) ASSERT_NEAR(got[k], want[k], 1e-5) << t << " " << k;
    // The rest of the body and every height are untouched.
    for (int j = 0; j < kNumJoints; ++j) {
      const bool moved = j == kSmpl22LeftKnee || j == kSmpl22RightKnee || j == kSmpl22LeftAnkle ||
                         j == kSmpl22RightAnkle || j == kSmpl22LeftFoot || j == kSmpl22RightFoot;
      if (!moved) ASSERT_EQ(after.joint(0, t, j)[0], before.joint(0, t, j)[0]) << t << " " << j;
      if (j != kSmpl22LeftKnee && j != kSmpl22RightKnee)
        ASSERT_EQ(after.joint(0, t, j)[1], before.joint(0, t, j)[1]) << t << " " << j;
    }
  }
}

// A standing leg is straight: the foot goes only as far as the leg reaches,
// at its height, and no bone stretches.
TEST(LockFeet, AFootOutOfReachMovesAsFarAsTheLegReaches) {
  MotionClip clip = SyntheticActionMotion(SyntheticAction::kRaiseLeftHand, 60, 4);
  for (int t = 0; t < clip.num_frames; ++t) {
    for (int j = 0; j < kNumJoints; ++j) clip.joint(0, t, j)[0] += 0.3f * t / clip.fps;
  }
  const MotionClip before = clip;
  const FootLockStats stats = LockFeet(clip);
  EXPECT_GT(stats.unreachable_frames, 0);
  EXPECT_LT(ToeSkate(clip), ToeSkate(before));
  for (int t = 0; t < clip.num_frames; ++t) {
    const std::vector<double> want = LegBones(before, t);
    const std::vector<double> got = LegBones(clip, t);
    for (size_t k = 0; k < want.size(); ++k) ASSERT_NEAR(got[k], want[k], 1e-5) << t << " " << k;
    ASSERT_EQ(clip.joint(0, t, kSmpl22LeftFoot)[1], before.joint(0, t, kSmpl22LeftFoot)[1]);
  }
}

TEST(LockFeet, FeetInTheAirAndShortClipsAreLeftAlone) {
  MotionClip jump = SyntheticActionMotion(SyntheticAction::kRaiseRightHand, 30, 2);
  for (int t = 0; t < jump.num_frames; ++t) {
    for (int j = 0; j < kNumJoints; ++j) jump.joint(0, t, j)[1] += 0.5f;
  }
  const MotionClip before = jump;
  EXPECT_EQ(LockFeet(jump).contacts, 0);
  EXPECT_EQ(jump.joints, before.joints);
  MotionClip one = SyntheticActionMotion(SyntheticAction::kWalk, 1, 2);
  EXPECT_EQ(LockFeet(one).contacts, 0);
}

TEST(LockFeet, BadInputIsAClearError) {
  MotionClip clip = Drifting();
  clip.joint(0, 9, kSmpl22RightKnee)[2] = std::nanf("");
  EXPECT_ERROR_CONTAINS(LockFeet(clip), {"foot locking", "frame 9"});
  FootLockOptions options;
  options.min_frames = 0;
  MotionClip ok = Drifting();
  EXPECT_ERROR_CONTAINS(LockFeet(ok, options), {"min_frames"});
}

}  // namespace
}  // namespace intersynth
