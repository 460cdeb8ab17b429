#include "intersynth/eval_metrics/pose_error.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>

#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

void SetJoint(MotionClip* clip, int p, int t, int j, const Eigen::Vector3d& x) {
  for (int k = 0; k < 3; ++k) clip->joint(p, t, j)[k] = static_cast<float>(x[k]);
}

Eigen::Vector3d GetJoint(const MotionClip& clip, int p, int t, int j) {
  const float* x = clip.joint(p, t, j);
  return Eigen::Vector3d(x[0], x[1], x[2]);
}

/// `clip` with every joint mapped through `f` (person, frame, joint, position).
template <typename F>
MotionClip Mapped(const MotionClip& clip, F f) {
  MotionClip out = clip;
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < clip.num_frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j)
        SetJoint(&out, p, t, j, f(p, t, j, GetJoint(clip, p, t, j)));
    }
  }
  return out;
}

TEST(PoseError, IdenticalClipsHaveNoError) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 30, 4);
  const PoseErrorReport report = ComputePoseError(clip, clip);
  ASSERT_EQ(report.persons.size(), 2u);
  EXPECT_EQ(report.all.w_mpjpe_mm, 0.0);
  EXPECT_EQ(report.all.mpjpe_mm, 0.0);
  EXPECT_NEAR(report.all.pa_mpjpe_mm, 0.0, 1e-6);
  EXPECT_EQ(report.all.accel_error_mm, 0.0);
  EXPECT_EQ(report.all.w_mpjpe_count, 2 * 30 * 22);
  EXPECT_EQ(report.all.accel_count, 2 * 28 * 22);
  EXPECT_EQ(report.joints.size(), 22u);
}

TEST(PoseError, SimilarityCopyHasNoProcrustesErrorButAnMpjpe) {
  const MotionClip truth = SyntheticSmpl22Motion(1, 12, 9);
  const Eigen::Matrix3d rotation =
      Eigen::AngleAxisd(0.7, Eigen::Vector3d(0.2, 1.0, -0.3).normalized()).toRotationMatrix();
  const MotionClip estimate = Mapped(truth, [&](int, int, int, const Eigen::Vector3d& x) {
    return Eigen::Vector3d(1.3 * (rotation * x) + Eigen::Vector3d(0.4, -0.1, 2.0));
  });
  const PoseErrorReport report = ComputePoseError(truth, estimate);
  EXPECT_LT(report.all.pa_mpjpe_mm, 0.01);  // float storage
  EXPECT_GT(report.all.mpjpe_mm, 50.0);
  EXPECT_GT(report.all.w_mpjpe_mm, report.all.mpjpe_mm);
}

TEST(PoseError, UmeyamaRecoversASimilarity) {
  const Eigen::Matrix3d rotation =
      Eigen::AngleAxisd(2.5, Eigen::Vector3d(1.0, -0.5, 0.3).normalized()).toRotationMatrix();
  std::vector<Eigen::Vector3d> from, to;
  for (int i = 0; i < 6; ++i) {
    from.emplace_back(std::sin(i), std::cos(2.0 * i), 0.3 * i);
    to.push_back(0.7 * (rotation * from.back()) + Eigen::Vector3d(1, 2, 3));
  }
  const Similarity s = UmeyamaSimilarity(from, to);
  EXPECT_NEAR(s.scale, 0.7, 1e-12);
  EXPECT_LT((s.rotation - rotation).norm(), 1e-12);
  EXPECT_LT((s.translation - Eigen::Vector3d(1, 2, 3)).norm(), 1e-12);
  // A mirror image is fitted with a rotation, never a reflection.
  std::vector<Eigen::Vector3d> mirrored = from;
  for (Eigen::Vector3d& x : mirrored) x.x() = -x.x();
  EXPECT_NEAR(UmeyamaSimilarity(from, mirrored).rotation.determinant(), 1.0, 1e-12);
}

TEST(PoseError, HandComputedSmallCase) {
  // Two frames of one person; joints 1-4 measured. Truth: a unit square in
  // the xy plane around the pelvis at the origin.
  MotionClip truth = MotionClip::Zeros(1, 2);
  const std::array<Eigen::Vector3d, 4> square = {
      Eigen::Vector3d(1, 0, 0), Eigen::Vector3d(-1, 0, 0), Eigen::Vector3d(0, 1, 0),
      Eigen::Vector3d(0, -1, 0)};
  for (int t = 0; t < 2; ++t) {
    for (int i = 0; i < 4; ++i) SetJoint(&truth, 0, t, i + 1, square[static_cast<size_t>(i)]);
  }
  // Estimate: the square stretched to x = +-2, everything moved by (0, 0, 0.5).
  MotionClip estimate = truth;
  for (int t = 0; t < 2; ++t) {
    SetJoint(&estimate, 0, t, 0, Eigen::Vector3d(0, 0, 0.5));
    SetJoint(&estimate, 0, t, 1, Eigen::Vector3d(2, 0, 0.5));
    SetJoint(&estimate, 0, t, 2, Eigen::Vector3d(-2, 0, 0.5));
    SetJoint(&estimate, 0, t, 3, Eigen::Vector3d(0, 1, 0.5));
    SetJoint(&estimate, 0, t, 4, Eigen::Vector3d(0, -1, 0.5));
  }
  PoseErrorOptions options;
  options.joints = {1, 2, 3, 4};
  const PoseErrorReport report = ComputePoseError(truth, estimate, options);
  // W-MPJPE: |(1, 0, 0.5)| twice and 0.5 twice -> (2 * 1.118034 + 2 * 0.5) / 4.
  EXPECT_NEAR(report.all.w_mpjpe_mm, 1000.0 * (2.0 * std::sqrt(1.25) + 1.0) / 4.0, 1e-6);
  // MPJPE: the shift cancels; 1 m at x = +-2, 0 at y = +-1 -> 500 mm.
  EXPECT_NEAR(report.all.mpjpe_mm, 500.0, 1e-6);
  // PA: Sigma = diag(1, 0.5, 0), sigma_x^2 = 2.5 -> s = 0.6, R = I; the
  // estimate maps to x = +-1.2, y = +-0.6: errors 0.2, 0.2, 0.4, 0.4 -> 300 mm.
  EXPECT_NEAR(report.all.pa_mpjpe_mm, 300.0, 1e-6);
  EXPECT_EQ(report.all.pa_mpjpe_count, 8);
  // Two frames: no second difference.
  EXPECT_TRUE(std::isnan(report.all.accel_error_mm));
  EXPECT_EQ(report.all.accel_count, 0);
}

TEST(PoseError, HandComputedAccelerationError) {
  // Three still frames; the estimate's joint 5 jumps 1 cm up at frame 1:
  // second difference (0, -0.02, 0) -> 20 mm for joint 5, 0 for joint 4.
  const MotionClip truth = Mapped(
      MotionClip::Zeros(1, 3),
      [](int, int, int j, const Eigen::Vector3d&) { return Eigen::Vector3d(0.1 * j, 0.9, 0.0); });
  MotionClip estimate = truth;
  SetJoint(&estimate, 0, 1, 5, GetJoint(truth, 0, 1, 5) + Eigen::Vector3d(0, 0.01, 0));
  PoseErrorOptions options;
  options.joints = {4, 5};
  const PoseErrorReport report = ComputePoseError(truth, estimate, options);
  EXPECT_NEAR(report.all.accel_error_mm, 10.0, 1e-4);
  EXPECT_EQ(report.all.accel_count, 2);
  // W-MPJPE over 6 (frame, joint) pairs, one of them 10 mm off.
  EXPECT_NEAR(report.all.w_mpjpe_mm, 10.0 / 6.0, 1e-4);
}

TEST(PoseError, ConstantVelocityOffsetHasNoAccelerationError) {
  const MotionClip truth = SyntheticSmpl22Motion(1, 25, 6);
  // Each joint drifts at its own constant velocity: second differences are unchanged.
  const MotionClip estimate = Mapped(truth, [](int, int t, int j, const Eigen::Vector3d& x) {
    return Eigen::Vector3d(x + t * Eigen::Vector3d(0.01 * j, -0.003, 0.002 * (j % 5)));
  });
  const PoseErrorReport report = ComputePoseError(truth, estimate);
  EXPECT_NEAR(report.all.accel_error_mm, 0.0, 0.01);  // float storage
  EXPECT_GT(report.all.mpjpe_mm, 10.0);
}

TEST(PoseError, InvalidJointsAreLeftOut) {
  const MotionClip truth = SyntheticSmpl22Motion(1, 5, 2);
  MotionClip estimate = Mapped(truth, [](int, int, int j, const Eigen::Vector3d& x) {
    return Eigen::Vector3d(j == 7 ? x + Eigen::Vector3d(1, 0, 0) : x);
  });
  // Joint 7 is off by 1 m, but the estimate says it did not see it.
  estimate.valid.assign(5 * kNumJoints, 1);
  for (int t = 0; t < 5; ++t) estimate.valid[static_cast<size_t>(t) * kNumJoints + 7] = 0;
  const PoseErrorReport report = ComputePoseError(truth, estimate);
  EXPECT_EQ(report.all.w_mpjpe_mm, 0.0);
  EXPECT_EQ(report.all.w_mpjpe_count, 5 * 21);
  EXPECT_EQ(report.all.accel_count, 3 * 21);
}

TEST(PoseError, MismatchedClipsAreErrors) {
  const MotionClip truth = SyntheticSmpl22Motion(1, 10, 1);
  EXPECT_ERROR_CONTAINS(
      ComputePoseError(truth, SyntheticSmpl22Motion(1, 12, 1), {}, "gt.npz", "est.npz"),
      {"est.npz has 12 frames", "gt.npz has 10"});
  EXPECT_ERROR_CONTAINS(
      ComputePoseError(truth, SyntheticSmpl22Motion(2, 10, 1), {}, "gt.npz", "est.npz"),
      {"est.npz has 2 person(s)", "gt.npz has 1"});
  PoseErrorOptions options;
  options.joints = {3, 22};
  EXPECT_ERROR_CONTAINS(ComputePoseError(truth, truth, options),
                        {"joints must be smpl22 joints (0-21), got 22"});
  EXPECT_ERROR_CONTAINS(ParsePoseErrorJoints("coco17"),
                        {"joints must be all or coco12, got 'coco17'"});
  EXPECT_EQ(PoseErrorJointSet(PoseErrorJoints::kCoco12).size(), 12u);
}

TEST(PoseError, TableNamesTheMetrics) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 4, 4);
  const std::string table = FormatPoseErrorTable(ComputePoseError(clip, clip));
  EXPECT_NE(table.find("W-MPJPE"), std::string::npos);
  EXPECT_NE(table.find("PA-MPJPE"), std::string::npos);
  EXPECT_NE(table.find("all"), std::string::npos);
}

TEST(PoseErrorOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(PoseErrorOptions{}.Check());
  PoseErrorOptions options;
  options.joints = PoseErrorJointSet(PoseErrorJoints::kAll);
  EXPECT_NO_THROW(options.Check());
  options.joints = {-1};
  try {
    options.Check();
    ADD_FAILURE() << "joint -1 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"joints"});
  }
}

TEST(PoseErrorJoints, EverySetPrintsAndParsesBack) {
  for (const EnumName<PoseErrorJoints>& n : kPoseErrorJointsNames) {
    EXPECT_EQ(ToString(n.value), n.name);
    EXPECT_EQ(ParsePoseErrorJoints(n.name), n.value);
  }
  EXPECT_EQ(PoseErrorJointSet(PoseErrorJoints::kAll).size(), 22u);
  try {
    ParsePoseErrorJoints("coco17", "set");
    ADD_FAILURE() << "coco17 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"set"});
  }
}

}  // namespace
}  // namespace intersynth
