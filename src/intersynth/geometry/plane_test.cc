#include "intersynth/geometry/plane.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// Points on a random plane: n . x + d = 0 with in-plane coordinates in
// [-extent, extent)^2, perpendicular Gaussian noise `noise`.
struct PlaneSample {
  Plane truth;
  std::vector<Eigen::Vector3d> points;
};

PlaneSample SamplePlane(Rng& rng, int count, double noise, double extent = 2.0) {
  PlaneSample sample;
  sample.truth.normal = testing::RandomUnitVector<double>(rng);
  sample.truth.offset = rng.Uniform(-3.0, 3.0);
  const Eigen::Vector3d u = internal::AnyPerpendicular(sample.truth.normal).normalized();
  const Eigen::Vector3d v = sample.truth.normal.cross(u);
  const Eigen::Vector3d origin = -sample.truth.offset * sample.truth.normal;
  for (int i = 0; i < count; ++i) {
    sample.points.push_back(origin + rng.Uniform(-extent, extent) * u +
                            rng.Uniform(-extent, extent) * v +
                            rng.Normal(0.0, noise) * sample.truth.normal);
  }
  return sample;
}

// The angle between two planes' normals, ignoring the sign of the normal.
double NormalAngleDeg(const Plane& a, const Plane& b) {
  return std::acos(std::min(1.0, std::abs(a.normal.dot(b.normal)))) * 180.0 / testing::kPi;
}

// Offset of `got` compared with `truth`, with got's normal turned to truth's side.
double OffsetError(const Plane& got, const Plane& truth) {
  const Plane aligned = got.normal.dot(truth.normal) < 0 ? got.Flipped() : got;
  return std::abs(aligned.offset - truth.offset);
}

TEST(Plane, SignedDistanceIsPositiveOnTheNormalSide) {
  const Plane floor{Eigen::Vector3d::UnitY(), 0.0};
  EXPECT_DOUBLE_EQ(floor.SignedDistance(Eigen::Vector3d(3, 1.5, -2)), 1.5);
  EXPECT_DOUBLE_EQ(floor.Flipped().SignedDistance(Eigen::Vector3d(3, 1.5, -2)), -1.5);
  const Plane raised{Eigen::Vector3d::UnitY(), -2.0};  // y = 2
  EXPECT_DOUBLE_EQ(raised.SignedDistance(Eigen::Vector3d(0, 2, 0)), 0.0);
}

TEST(Plane, LeastSquaresIsExactOnNoiseFreePoints) {
  Rng rng(1);
  for (int trial = 0; trial < 20; ++trial) {
    const PlaneSample sample = SamplePlane(rng, 50, 0.0);
    const PlaneFitReport fit = FitPlaneLeastSquares(sample.points);
    ASSERT_TRUE(fit.success) << fit.message;
    EXPECT_NEAR(fit.plane.normal.norm(), 1.0, 1e-12);
    EXPECT_LT(NormalAngleDeg(fit.plane, sample.truth), 1e-6);
    EXPECT_LT(OffsetError(fit.plane, sample.truth), 1e-9);
    EXPECT_LT(fit.rms_residual, 1e-9);
    EXPECT_EQ(fit.inliers.size(), sample.points.size());
  }
}

TEST(Plane, LeastSquaresRmsIsTheNoiseLevel) {
  Rng rng(2);
  const PlaneSample sample = SamplePlane(rng, 20000, 0.01);
  const PlaneFitReport fit = FitPlaneLeastSquares(sample.points);
  ASSERT_TRUE(fit.success) << fit.message;
  EXPECT_NEAR(fit.rms_residual, 0.01, 0.0005);
  EXPECT_LT(NormalAngleDeg(fit.plane, sample.truth), 0.05);
}

TEST(Plane, LeastSquaresFailsOnCollinearOrTooFewPoints) {
  std::vector<Eigen::Vector3d> line;
  for (int i = 0; i < 10; ++i) line.emplace_back(i, 2.0 * i, -i);
  PlaneFitReport fit = FitPlaneLeastSquares(line);
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("one line"), std::string::npos) << fit.message;

  fit = FitPlaneLeastSquares({Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 0, 0)});
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("at least 3"), std::string::npos) << fit.message;

  fit = FitPlaneLeastSquares(
      {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 0, 0), Eigen::Vector3d(0, std::nan(""), 0)});
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("not finite"), std::string::npos) << fit.message;
}

TEST(Plane, RansacWithHalfOutliers) {
  Rng rng(3);
  for (int trial = 0; trial < 10; ++trial) {
    PlaneSample sample = SamplePlane(rng, 1000, 0.005);
    // As many outliers as inliers, uniform in a box around the plane.
    for (int i = 0; i < 1000; ++i) {
      sample.points.emplace_back(rng.Uniform(-4, 4), rng.Uniform(-4, 4), rng.Uniform(-4, 4));
    }
    RansacPlaneOptions options;
    options.inlier_threshold = 0.02;
    options.seed = static_cast<uint64_t>(trial);
    const PlaneFitReport fit = FitPlaneRansac(sample.points, options);
    ASSERT_TRUE(fit.success) << fit.message;
    EXPECT_LT(NormalAngleDeg(fit.plane, sample.truth), 0.5) << "trial " << trial;
    EXPECT_LT(OffsetError(fit.plane, sample.truth), 0.005) << "trial " << trial;
    // All 1000 plane points (within 4 sigma) plus the few outliers that fall near the plane.
    EXPECT_GE(fit.inliers.size(), 995u);
    EXPECT_LT(fit.inliers.size(), 1100u);
    EXPECT_NEAR(fit.inlier_ratio, static_cast<double>(fit.inliers.size()) / 2000.0, 1e-12);
    EXPECT_LT(fit.rms_residual, 0.008);
    // The adaptive count stops far below the cap at w = 0.5 (N = 52 at 0.999).
    EXPECT_LT(fit.iterations, 200);
  }
}

TEST(Plane, RansacIsReproducibleForASeed) {
  Rng rng(4);
  PlaneSample sample = SamplePlane(rng, 300, 0.01);
  for (int i = 0; i < 300; ++i)
    sample.points.emplace_back(rng.Uniform(-4, 4), rng.Uniform(-4, 4), rng.Uniform(-4, 4));
  RansacPlaneOptions options;
  options.seed = 11;
  const PlaneFitReport a = FitPlaneRansac(sample.points, options);
  const PlaneFitReport b = FitPlaneRansac(sample.points, options);
  ASSERT_TRUE(a.success);
  EXPECT_EQ(a.plane.normal, b.plane.normal);
  EXPECT_EQ(a.plane.offset, b.plane.offset);
  EXPECT_EQ(a.inliers, b.inliers);
}

TEST(Plane, RansacAcceptTestPicksTheSmallerHorizontalPlane) {
  // A big wall (x = 1) and a smaller floor (y = -1.5); only near-horizontal
  // planes are accepted, so the floor wins although the wall has more points.
  Rng rng(5);
  std::vector<Eigen::Vector3d> points;
  for (int i = 0; i < 3000; ++i) points.emplace_back(1.0, rng.Uniform(-2, 2), rng.Uniform(0, 5));
  for (int i = 0; i < 1000; ++i)
    points.emplace_back(rng.Uniform(-2, 1), -1.5 + rng.Normal(0, 0.005), rng.Uniform(0, 5));
  RansacPlaneOptions options;
  options.accept = [](const Plane& p) {
    return std::abs(p.normal.y()) >= std::cos(30.0 * testing::kPi / 180.0);
  };
  const PlaneFitReport fit = FitPlaneRansac(points, options);
  ASSERT_TRUE(fit.success) << fit.message;
  EXPECT_GT(std::abs(fit.plane.normal.y()), 0.9999);
  EXPECT_NEAR(std::abs(fit.plane.offset), 1.5, 0.005);
  EXPECT_GE(fit.inliers.size(), 1000u);

  // Without the test the wall is the dominant plane.
  options.accept = nullptr;
  const PlaneFitReport dominant = FitPlaneRansac(points, options);
  ASSERT_TRUE(dominant.success);
  EXPECT_GT(std::abs(dominant.plane.normal.x()), 0.9999);
}

TEST(Plane, RansacReportsWhenNoPlanePassesTheTest) {
  Rng rng(6);
  const PlaneSample sample = SamplePlane(rng, 200, 0.0);
  RansacPlaneOptions options;
  options.max_iterations = 100;
  options.accept = [](const Plane&) { return false; };
  const PlaneFitReport fit = FitPlaneRansac(sample.points, options);
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("rejected by the plane test"), std::string::npos) << fit.message;
}

TEST(Plane, RansacReportsTooFewInliers) {
  Rng rng(7);
  std::vector<Eigen::Vector3d> cloud;
  for (int i = 0; i < 500; ++i)
    cloud.emplace_back(rng.Uniform(-1, 1), rng.Uniform(-1, 1), rng.Uniform(-1, 1));
  RansacPlaneOptions options;
  options.inlier_threshold = 0.01;
  options.min_inlier_ratio = 0.5;
  const PlaneFitReport fit = FitPlaneRansac(cloud, options);
  EXPECT_FALSE(fit.success);
  EXPECT_LT(fit.inlier_ratio, 0.5);
  EXPECT_NE(fit.message.find("below the 50.0%"), std::string::npos) << fit.message;
}

TEST(Plane, RansacRejectsBadOptionsAndInput) {
  const std::vector<Eigen::Vector3d> three = {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 0, 0),
                                              Eigen::Vector3d(0, 0, 1)};
  RansacPlaneOptions options;
  options.inlier_threshold = 0.0;
  EXPECT_THROW(FitPlaneRansac(three, options), Error);
  options = {};
  options.confidence = 1.0;
  EXPECT_THROW(FitPlaneRansac(three, options), Error);
  options = {};
  options.max_iterations = 0;
  EXPECT_THROW(FitPlaneRansac(three, options), Error);

  options = {};
  EXPECT_FALSE(FitPlaneRansac({Eigen::Vector3d(0, 0, 0)}, options).success);
  std::vector<Eigen::Vector3d> with_nan = three;
  with_nan.emplace_back(std::nan(""), 0, 0);
  const PlaneFitReport fit = FitPlaneRansac(with_nan, options);
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("point 3 is not finite"), std::string::npos) << fit.message;
}

TEST(Plane, WorldFromFloorPutsTheFloorOnYZeroAndTheCameraAbove) {
  Rng rng(8);
  for (int trial = 0; trial < 50; ++trial) {
    const PlaneSample sample = SamplePlane(rng, 20, 0.0);
    // A camera-like point off the plane, on a random side.
    const Eigen::Vector3d above = sample.points[0] + rng.Uniform(0.5, 3.0) *
                                                         (rng.Bernoulli(0.5) ? 1.0 : -1.0) *
                                                         sample.truth.normal;
    const RigidTransformd world_from_a = WorldFromFloor(sample.truth, above);
    testing::ExpectRotation<double>(world_from_a.rotation, 1e-12);
    for (const Eigen::Vector3d& x : sample.points) EXPECT_NEAR((world_from_a * x).y(), 0.0, 1e-9);
    // Heights are distances: the camera's height is its distance to the plane.
    EXPECT_NEAR((world_from_a * above).y(), std::abs(sample.truth.SignedDistance(above)), 1e-9);
    // The flipped plane gives the same transform.
    const RigidTransformd flipped = WorldFromFloor(sample.truth.Flipped(), above);
    EXPECT_LT(testing::MaxAbsDiff(flipped.rotation, world_from_a.rotation), 1e-12);
    EXPECT_LT(testing::MaxAbsDiff(flipped.translation, world_from_a.translation), 1e-12);
  }
}

TEST(Plane, WorldFromFloorHandlesTheAntiparallelNormal) {
  // A level OpenCV camera (y down) 1.6 m above the floor sees it as y = 1.6;
  // the normal towards the camera is (0, -1, 0), exactly antiparallel to +Y.
  const Plane level_floor_seen_level{Eigen::Vector3d(0, 1, 0),
                                     -1.6};  // y = 1.6 (y down): floor below the camera
  const RigidTransformd world_from_camera =
      WorldFromFloor(level_floor_seen_level, Eigen::Vector3d::Zero());
  testing::ExpectRotation<double>(world_from_camera.rotation, 1e-12);
  EXPECT_NEAR((world_from_camera * Eigen::Vector3d(0, 0, 0)).y(), 1.6, 1e-12);
  EXPECT_NEAR((world_from_camera * Eigen::Vector3d(0.3, 1.6, 4.0)).y(), 0.0, 1e-12);
  EXPECT_NEAR((world_from_camera.rotation * Eigen::Vector3d(0, -1, 0)).y(), 1.0, 1e-12);

  // Looking straight down from 2 m: the floor is z = 2.
  const Plane looking_down{Eigen::Vector3d(0, 0, 1), -2.0};  // z = 2
  const RigidTransformd down = WorldFromFloor(looking_down, Eigen::Vector3d::Zero());
  EXPECT_NEAR((down * Eigen::Vector3d(0, 0, 0)).y(), 2.0, 1e-12);
  EXPECT_NEAR((down.rotation * Eigen::Vector3d(0, 0, 1)).y(), -1.0, 1e-12);  // forward is down

  EXPECT_THROW(WorldFromFloor(looking_down, Eigen::Vector3d(0, 0, 2)), Error);
}

TEST(RansacPlaneOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(RansacPlaneOptions{}.Check());
  RansacPlaneOptions options;
  options.confidence = 1.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"confidence must be in (0, 1), got 1"});
  options = {};
  options.max_iterations = 10;
  EXPECT_ERROR_CONTAINS(options.Check(), {"max_iterations must be >= min_iterations (20), got 10"});
  options = {};
  options.min_inlier_ratio = 1.5;
  try {
    options.Check();
    ADD_FAILURE() << "min_inlier_ratio 1.5 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"min_inlier_ratio"});
  }
}

}  // namespace
}  // namespace intersynth
