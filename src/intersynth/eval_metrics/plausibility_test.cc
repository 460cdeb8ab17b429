#include "intersynth/eval_metrics/plausibility.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "intersynth/body/smpl22.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// A standing person built from HumanML3D's rest directions (arms hanging,
// toes forward), 0.2 m per bone and 0.1 m per toe, with the toes and ankles
// `toe_height` above the floor.
std::array<Eigen::Vector3d, kNumJoints> StandingPose(double toe_height) {
  std::array<Eigen::Vector3d, kNumJoints> joints;
  joints[0] = Eigen::Vector3d::Zero();
  for (int j = 1; j < kNumJoints; ++j) {
    const auto& direction = kHumanML3DRawOffsets[j];
    const double length = (j == kSmpl22LeftFoot || j == kSmpl22RightFoot) ? 0.1 : 0.2;
    joints[j] = joints[kSmpl22Parents[j]] +
                length * Eigen::Vector3d(direction[0], direction[1], direction[2]);
  }
  const double lift = toe_height - joints[kSmpl22LeftFoot].y();
  for (Eigen::Vector3d& joint : joints) joint.y() += lift;
  return joints;
}

// A clip of P persons standing still for T frames; person p is moved by
// offset(p, t).
template <typename Offset>
MotionClip StandingClip(int persons, int frames, float fps, double toe_height, Offset offset) {
  MotionClip clip = MotionClip::Zeros(persons, frames, fps);
  const auto pose = StandingPose(toe_height);
  for (int p = 0; p < persons; ++p) {
    for (int t = 0; t < frames; ++t) {
      const Eigen::Vector3d shift = offset(p, t);
      for (int j = 0; j < kNumJoints; ++j) {
        for (int d = 0; d < 3; ++d)
          clip.joint(p, t, j)[d] = static_cast<float>(pose[j](d) + shift(d));
      }
    }
  }
  return clip;
}

Eigen::Vector3d Still(int, int) { return Eigen::Vector3d::Zero(); }

TEST(Plausibility, StandingStillIsClean) {
  const MotionClip clip = StandingClip(1, 30, 20.0f, 0.02, Still);
  const ClipPlausibility result = MeasurePlausibility(clip);
  ASSERT_EQ(result.persons.size(), 1u);
  const PersonPlausibility& person = result.persons[0];
  EXPECT_EQ(person.contact_steps, 2 * 29);
  EXPECT_NEAR(person.foot_skate_m_s, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(person.foot_skate_ratio, 0.0);
  EXPECT_NEAR(person.floating_mm, 20.0, 1e-3);
  EXPECT_DOUBLE_EQ(person.penetration_mm, 0.0);
  EXPECT_NEAR(person.jitter_m_s3, 0.0, 1e-6);
  EXPECT_NEAR(person.bone_drift_mm, 0.0, 1e-3);
  EXPECT_EQ(result.num_pairs, 0);
}

// The whole body slides along x at 0.8 m/s with the toes on the floor: the
// skating speed is that speed, and every contact step skates (> 0.5 m/s).
TEST(Plausibility, FootDraggedAtKnownSpeed) {
  const double speed = 0.8;
  const float fps = 30.0f;
  const MotionClip clip = StandingClip(
      1, 40, fps, 0.01, [&](int, int t) { return Eigen::Vector3d(speed * t / fps, 0.0, 0.0); });
  const PersonPlausibility person = MeasurePlausibility(clip).persons[0];
  EXPECT_NEAR(person.foot_skate_m_s, speed, 1e-4);
  EXPECT_DOUBLE_EQ(person.foot_skate_ratio, 1.0);
  // Constant velocity has no jerk (up to float rounding of the positions).
  EXPECT_NEAR(person.jitter_m_s3, 0.0, 0.05);
}

// Toes lifted above the contact height: no contact, so nothing skates.
TEST(Plausibility, FeetAboveContactHeightDoNotSkate) {
  const MotionClip clip = StandingClip(
      1, 10, 20.0f, 0.08, [](int, int t) { return Eigen::Vector3d(0.1 * t, 0.0, 0.0); });
  const PersonPlausibility person = MeasurePlausibility(clip).persons[0];
  EXPECT_EQ(person.contact_steps, 0);
  EXPECT_DOUBLE_EQ(person.foot_skate_m_s, 0.0);
  EXPECT_NEAR(person.floating_mm, 80.0, 1e-3);
}

TEST(Plausibility, PersonSunkFiveCentimetres) {
  const MotionClip clip = StandingClip(1, 12, 20.0f, -0.05, Still);
  const PersonPlausibility person = MeasurePlausibility(clip).persons[0];
  EXPECT_NEAR(person.penetration_mm, 50.0, 1e-3);
  EXPECT_NEAR(person.max_penetration_mm, 50.0, 1e-3);
  EXPECT_DOUBLE_EQ(person.floating_mm, 0.0);
}

// Joints outside the valid mask are not looked at: a left toe sunk 30 cm but
// marked unseen changes neither the floor figures nor the contacts.
TEST(Plausibility, InvalidJointsAreIgnored) {
  MotionClip clip = StandingClip(1, 12, 20.0f, 0.0, Still);
  clip.valid.assign(12 * kNumJoints, 1);
  for (int t = 0; t < 12; ++t) {
    clip.joint(0, t, kSmpl22LeftFoot)[1] = -0.3f;
    clip.valid[t * kNumJoints + kSmpl22LeftFoot] = 0;
  }
  const PersonPlausibility person = MeasurePlausibility(clip).persons[0];
  EXPECT_NEAR(person.penetration_mm, 0.0, 1e-3);
  EXPECT_EQ(person.contact_steps, 11);  // the right toe only
}

// x(t) = c t^3 (t in seconds) has jerk 6 c everywhere.
TEST(Plausibility, JitterOfACubicIsSixTimesItsCoefficient) {
  const double c = 0.5;
  const float fps = 25.0f;
  const MotionClip clip = StandingClip(1, 20, fps, 0.3, [&](int, int t) {
    const double s = t / static_cast<double>(fps);
    return Eigen::Vector3d(c * s * s * s, 0.0, 0.0);
  });
  EXPECT_NEAR(MeasurePlausibility(clip).persons[0].jitter_m_s3, 6.0 * c, 5e-3);
}

// One bone (left forearm, wrist 20) alternates between 0.2 + d and 0.2 - d:
// its length's standard deviation is d, the others' 0, so the mean over the
// 21 bones is d / 21.
TEST(Plausibility, BoneDriftOfOneAlternatingBone) {
  const double d = 0.021;
  MotionClip clip = StandingClip(1, 20, 20.0f, 0.0, Still);
  for (int t = 0; t < 20; ++t)
    clip.joint(0, t, kSmpl22LeftWrist)[1] += static_cast<float>(t % 2 ? d : -d);
  EXPECT_NEAR(MeasurePlausibility(clip).persons[0].bone_drift_mm, d / 21.0 * 1000.0, 1e-3);
}

TEST(Plausibility, TwoPersonsInOnePlaceOverlapByTheThickestCapsules) {
  const MotionClip clip = StandingClip(2, 8, 20.0f, 0.0, Still);
  const ClipPlausibility result = MeasurePlausibility(clip);
  EXPECT_EQ(result.num_pairs, 1);
  EXPECT_NEAR(result.interpenetration_mm, 2.0 * 0.12 * 1000.0, 1e-6);
  EXPECT_NEAR(result.max_interpenetration_mm, 240.0, 1e-6);
}

TEST(Plausibility, PersonsFarApartDoNotOverlap) {
  const MotionClip clip =
      StandingClip(3, 8, 20.0f, 0.0, [](int p, int) { return Eigen::Vector3d(2.0 * p, 0.0, 0.0); });
  const ClipPlausibility result = MeasurePlausibility(clip);
  EXPECT_EQ(result.num_pairs, 3);
  EXPECT_DOUBLE_EQ(result.interpenetration_mm, 0.0);
}

TEST(Plausibility, RejectsShortClipsAndNonFiniteJoints) {
  EXPECT_THROW(MeasurePlausibility(StandingClip(1, 3, 20.0f, 0.0, Still)), Error);
  MotionClip clip = StandingClip(1, 8, 20.0f, 0.0, Still);
  clip.joint(0, 5, 3)[1] = NAN;
  try {
    MeasurePlausibility(clip);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("frame 5, joint 3"), std::string::npos) << e.what();
  }
  clip = StandingClip(1, 8, 20.0f, 0.0, Still);
  clip.valid.assign(5, 1);
  EXPECT_THROW(MeasurePlausibility(clip), Error);
}

TEST(Plausibility, AverageWeighsFeetByContactSteps) {
  ClipPlausibility a;
  a.persons.resize(1);
  a.persons[0].contact_steps = 30;
  a.persons[0].foot_skate_m_s = 1.0;
  a.persons[0].floating_mm = 10.0;
  ClipPlausibility b;
  b.persons.resize(1);
  b.persons[0].contact_steps = 10;
  b.persons[0].foot_skate_m_s = 3.0;
  b.persons[0].floating_mm = 30.0;
  b.num_pairs = 1;
  b.interpenetration_mm = 4.0;
  const ClipPlausibility mean = AveragePlausibility({a, b});
  EXPECT_DOUBLE_EQ(mean.person_mean.foot_skate_m_s, 1.5);
  EXPECT_DOUBLE_EQ(mean.person_mean.floating_mm, 20.0);
  EXPECT_DOUBLE_EQ(mean.interpenetration_mm, 4.0);
}

// Two parallel vertical capsules of radius 0.1 whose axes are 0.15 apart
// overlap by 0.05; crossing axes 0.3 apart with radii 0.1 and 0.05 do not.
TEST(Capsules, OverlapByAKnownDepth) {
  EXPECT_NEAR(CapsulePenetration({0, 0, 0}, {0, 1, 0}, 0.1, {0.15, 0.2, 0}, {0.15, 1.5, 0}, 0.1),
              0.05, 1e-12);
  EXPECT_NEAR(CapsulePenetration({-1, 0, 0}, {1, 0, 0}, 0.1, {0, 0.3, -1}, {0, 0.3, 1}, 0.05), 0.0,
              1e-12);
  EXPECT_NEAR(CapsulePenetration({-1, 0, 0}, {1, 0, 0}, 0.1, {0, 0.12, -1}, {0, 0.12, 1}, 0.05),
              0.03, 1e-12);
  // End caps: collinear segments 0.05 apart end to end.
  EXPECT_NEAR(CapsulePenetration({0, 0, 0}, {1, 0, 0}, 0.1, {1.05, 0, 0}, {2, 0, 0}, 0.1), 0.15,
              1e-12);
}

// The closed form against dense sampling of both segments, on random
// segments, points and near-parallel pairs.
TEST(Capsules, SegmentDistanceMatchesDenseSampling) {
  Rng rng(11);
  auto random_point = [&] { return Eigen::Vector3d(rng.Normal(), rng.Normal(), rng.Normal()); };
  for (int trial = 0; trial < 200; ++trial) {
    const Eigen::Vector3d p0 = random_point();
    // Every tenth segment a point, every seventh pair parallel.
    const Eigen::Vector3d p1 = trial % 10 == 0 ? p0 : random_point();
    const Eigen::Vector3d q0 = random_point();
    const Eigen::Vector3d q1 =
        trial % 7 == 0 ? Eigen::Vector3d(q0 + 0.5 * (p1 - p0)) : random_point();
    double sampled = INFINITY;
    const int n = 400;
    for (int i = 0; i <= n; ++i) {
      for (int k = 0; k <= n; ++k) {
        const Eigen::Vector3d a = p0 + (p1 - p0) * (static_cast<double>(i) / n);
        const Eigen::Vector3d b = q0 + (q1 - q0) * (static_cast<double>(k) / n);
        sampled = std::min(sampled, (a - b).norm());
      }
    }
    const double exact = SegmentDistance(p0, p1, q0, q1);
    EXPECT_LE(exact, sampled + 1e-12) << "trial " << trial;
    EXPECT_NEAR(exact, sampled, 0.02) << "trial " << trial;
  }
}

TEST(PlausibilityOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(PlausibilityOptions{}.Check());
  PlausibilityOptions options;
  options.skate_speed_m_s = -0.5;
  try {
    MeasurePlausibility(StandingClip(1, 8, 20.0f, 0.0, Still), options);
    ADD_FAILURE() << "a negative skate speed was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"skate_speed_m_s"});
    EXPECT_STREQ(e.what(), "skate_speed_m_s must be >= 0, got -0.5");
  }
  options = {};
  options.contact_height_m = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(options.Check(), OptionError);
}

}  // namespace
}  // namespace intersynth
