#include "intersynth/scene/floor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/scene/scene_test_util.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::AddRelativeNoise;
using testing::FusionCase;
using testing::MakeFusionCase;
using testing::MaskWithOutliers;

constexpr double kDeg = 180.0 / EIGEN_PI;

/// The true upward floor normal in the camera frame: R^T (0, 1, 0).
Eigen::Vector3d TrueUp(const SyntheticRoom& room) {
  return room.world_from_camera.rotation.transpose() * Eigen::Vector3d::UnitY();
}

struct Pose {
  double height;
  double pitch;
  double roll;
};

class FloorOnSyntheticRooms : public ::testing::TestWithParam<Pose> {};

TEST_P(FloorOnSyntheticRooms, MaskWithThirtyPercentOutliersGivesTiltAndHeight) {
  const Pose pose = GetParam();
  SyntheticRoomOptions options;
  options.camera_height = pose.height;
  options.pitch_down_deg = pose.pitch;
  options.roll_deg = pose.roll;
  SyntheticRoom room = RenderSyntheticRoom(options);
  AddRelativeNoise(&room.depth, 0.01, 7);
  const DepthMap mask = MaskWithOutliers(room.floor, 0.3, 11);

  const PointCloud cloud = BackProject(room.depth, room.camera);
  const FloorReport report = FindFloor(cloud, &mask);
  ASSERT_TRUE(report.success) << report.message;
  EXPECT_TRUE(report.from_mask);
  // About 70% of the masked points are floor.
  EXPECT_NEAR(report.inlier_ratio, 0.7, 0.05) << report.message;

  const CameraOnFloor placement =
      WorldFromCameraOnFloor(report.plane_in_camera, Eigen::Vector3d(0, 0, 5));
  const double tilt_error =
      std::acos(std::clamp(report.plane_in_camera.normal.dot(TrueUp(room)), -1.0, 1.0)) * kDeg;
  EXPECT_LT(tilt_error, 0.5);
  EXPECT_NEAR(placement.pitch_down_deg, pose.pitch, 0.5);
  EXPECT_NEAR(placement.roll_deg, pose.roll, 0.5);
  EXPECT_NEAR(placement.camera_height, pose.height, 0.02);
  EXPECT_NEAR(report.camera_height, pose.height, 0.02);
}

INSTANTIATE_TEST_SUITE_P(HeightsAndTilts,
                         FloorOnSyntheticRooms,
                         ::testing::Values(Pose{1.2, 10.0, 0.0},
                                           Pose{1.8, 25.0, 3.0},
                                           Pose{2.5, 40.0, -2.0},
                                           Pose{2.2, 15.0, 1.0},
                                           Pose{1.5, 35.0, 0.0}));

TEST(Floor, NoMaskFindsTheFloorNotTheBed) {
  SyntheticRoomOptions options;
  options.camera_height = 2.2;
  options.pitch_down_deg = 20.0;
  SyntheticRoom room = RenderSyntheticRoom(options);
  AddRelativeNoise(&room.depth, 0.005, 3);
  const FloorReport report = FindFloor(BackProject(room.depth, room.camera), nullptr);
  ASSERT_TRUE(report.success) << report.message;
  EXPECT_FALSE(report.from_mask);
  EXPECT_NEAR(report.camera_height, 2.2, 0.02);
  // The bed top (0.55 m) is a level plane too; it was a candidate or not, but not the answer.
  EXPECT_GE(report.candidates.size(), 1u);
  const double tilt_error =
      std::acos(std::clamp(report.plane_in_camera.normal.dot(TrueUp(room)), -1.0, 1.0)) * kDeg;
  EXPECT_LT(tilt_error, 0.5);
}

/// A camera-frame cloud of level rectangles (camera up = -y, level camera):
/// `counts[k]` points at `depths_below[k]` below the camera, spread over 3 x 3 m.
PointCloud LevelPlanes(const std::vector<double>& depths_below,
                       const std::vector<int>& counts,
                       uint64_t seed) {
  Rng rng(seed);
  PointCloud cloud;
  for (size_t k = 0; k < depths_below.size(); ++k) {
    for (int i = 0; i < counts[k]; ++i) {
      cloud.points.emplace_back(rng.Uniform(-1.5, 1.5), depths_below[k] + rng.Normal(0.0, 0.005),
                                rng.Uniform(1.0, 4.0));
      cloud.colors.push_back({0, 0, 0});
      cloud.pixels.push_back(static_cast<int64_t>(cloud.pixels.size()));
    }
  }
  return cloud;
}

TEST(Floor, NoMaskPrefersTheLowestOfSeveralLevelPlanes) {
  // A bed top 0.6 m below the camera seen larger (6000 points) than the floor
  // 1.5 m below it (2500): the floor is the lower one.
  const FloorReport report = FindFloor(LevelPlanes({0.6, 1.5}, {6000, 2500}, 1), nullptr);
  ASSERT_TRUE(report.success) << report.message;
  EXPECT_NEAR(report.camera_height, 1.5, 0.005);
  ASSERT_EQ(report.candidates.size(), 2u);
  EXPECT_NEAR(report.candidates[0].camera_height, 0.6, 0.005);
  // A lower plane with under a quarter of the best support (reflections,
  // noise) is not taken for the floor.
  const FloorReport sparse = FindFloor(LevelPlanes({0.6, 1.5}, {6000, 1000}, 2), nullptr);
  ASSERT_TRUE(sparse.success) << sparse.message;
  EXPECT_NEAR(sparse.camera_height, 0.6, 0.005);
}

TEST(Floor, SteepCameraNeedsALargerTiltOrAMask) {
  SyntheticRoomOptions options;
  options.pitch_down_deg = 40.0;
  options.camera_height = 2.4;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  const PointCloud cloud = BackProject(room.depth, room.camera);
  // The floor's normal is 40 degrees from the camera's up axis; walls are 50.
  const FloorReport strict = FindFloor(cloud, nullptr);
  EXPECT_FALSE(strict.success) << strict.message;
  EXPECT_NE(strict.message.find("30 degrees"), std::string::npos) << strict.message;
  FloorSearchOptions wide;
  wide.max_tilt_deg = 45.0;
  const FloorReport found = FindFloor(cloud, nullptr, wide);
  ASSERT_TRUE(found.success) << found.message;
  EXPECT_NEAR(found.camera_height, 2.4, 0.01);
}

TEST(Floor, MaskOnNothingButWallsFindsNoFloorBelowTheCamera) {
  // A mask on the ceiling only: every plane there lies above the camera.
  SyntheticRoomOptions options;
  options.pitch_down_deg = 5.0;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  const PointCloud cloud = BackProject(room.depth, room.camera);
  DepthMap mask = DepthMap::Filled(room.depth.width, room.depth.height, 0.0f);
  for (int row = 0; row < 40; ++row) {
    for (int col = 0; col < room.depth.width; ++col) mask.at(row, col) = 1.0f;
  }
  const FloorReport report = FindFloor(cloud, &mask);
  EXPECT_FALSE(report.success);
  EXPECT_NE(report.message.find("no plane below the camera"), std::string::npos) << report.message;
}

TEST(Floor, TooFewPointsIsAReportNotACrash) {
  PointCloud cloud;
  cloud.points = {{0, 1, 2}, {1, 1, 2}};
  cloud.colors.resize(2);
  cloud.pixels = {0, 1};
  const FloorReport report = FindFloor(cloud, nullptr);
  EXPECT_FALSE(report.success);
  EXPECT_NE(report.message.find("at least"), std::string::npos);
}

TEST(Floor, SameSeedSameFloor) {
  SyntheticRoom room = RenderSyntheticRoom();
  AddRelativeNoise(&room.depth, 0.02, 5);
  const PointCloud cloud = BackProject(room.depth, room.camera);
  const FloorReport a = FindFloor(cloud, nullptr);
  const FloorReport b = FindFloor(cloud, nullptr);
  ASSERT_TRUE(a.success);
  EXPECT_EQ(a.plane_in_camera.normal, b.plane_in_camera.normal);
  EXPECT_EQ(a.inliers, b.inliers);
}

TEST(Floor, OptionsOutOfRangeThrow) {
  PointCloud cloud;
  FloorSearchOptions options;
  options.inlier_threshold = 0.0;
  EXPECT_ERROR_CONTAINS(FindFloor(cloud, nullptr, options), {"inlier_threshold"});
  options = FloorSearchOptions();
  options.max_tilt_deg = 90.0;
  EXPECT_ERROR_CONTAINS(FindFloor(cloud, nullptr, options), {"tilt"});
}

TEST(WorldFromCameraOnFloor, RecoversTheTruePoseUpToTheChosenOrigin) {
  SyntheticRoomOptions options;
  options.camera_height = 1.7;
  options.pitch_down_deg = 30.0;
  options.roll_deg = 4.0;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  // The true floor in the camera frame.
  Plane floor;
  floor.normal = TrueUp(room);
  floor.offset = 1.7;
  const Eigen::Vector3d origin_in_camera(0.3, 1.0, 4.0);
  const CameraOnFloor placement = WorldFromCameraOnFloor(floor, origin_in_camera);
  const RigidTransformd& world_from_camera = placement.world_from_camera;
  // A rotation.
  EXPECT_LT((world_from_camera.rotation.transpose() * world_from_camera.rotation -
             Eigen::Matrix3d::Identity())
                .norm(),
            1e-12);
  EXPECT_NEAR(world_from_camera.rotation.determinant(), 1.0, 1e-12);
  // The truth and the estimate differ by a translation in x and z only (the
  // synthetic camera looks along -Z without yaw, as the estimate does).
  EXPECT_LT((world_from_camera.rotation - room.world_from_camera.rotation).norm(), 1e-9);
  EXPECT_NEAR(placement.camera_in_world.y(), 1.7, 1e-12);
  // The origin's foot point is the world origin, and floor points land on y = 0.
  const Eigen::Vector3d foot =
      origin_in_camera - floor.SignedDistance(origin_in_camera) * floor.normal;
  EXPECT_LT((world_from_camera * foot).norm(), 1e-12);
  for (int k = 0; k < 5; ++k) {
    const Eigen::Vector3d on_floor =
        room.world_from_camera.Inverse() * Eigen::Vector3d(k - 2.0, 0.0, -1.0 - k);
    EXPECT_NEAR((world_from_camera * on_floor).y(), 0.0, 1e-12);
  }
  EXPECT_NEAR(placement.pitch_down_deg, 30.0, 1e-9);
  EXPECT_NEAR(placement.roll_deg, 4.0, 1e-9);
}

TEST(WorldFromCameraOnFloor, LevelCameraAndStraightDownCamera) {
  // Level: the floor normal is exactly -y (the antiparallel case of the
  // alignment); the camera must look along -Z with +X to its right.
  Plane level{Eigen::Vector3d(0, -1, 0), 1.5};
  const CameraOnFloor a = WorldFromCameraOnFloor(level, Eigen::Vector3d(0, 1.5, 3));
  EXPECT_LT(
      (a.world_from_camera.rotation * Eigen::Vector3d::UnitZ() - Eigen::Vector3d(0, 0, -1)).norm(),
      1e-12);
  EXPECT_LT(
      (a.world_from_camera.rotation * Eigen::Vector3d::UnitX() - Eigen::Vector3d(1, 0, 0)).norm(),
      1e-12);
  EXPECT_NEAR(a.pitch_down_deg, 0.0, 1e-12);
  // Straight down: the image's up (-y) points along -Z.
  Plane below{Eigen::Vector3d(0, 0, -1), 2.0};
  const CameraOnFloor b = WorldFromCameraOnFloor(below, Eigen::Vector3d(0, 0, 2));
  EXPECT_LT(
      (b.world_from_camera.rotation * -Eigen::Vector3d::UnitY() - Eigen::Vector3d(0, 0, -1)).norm(),
      1e-12);
  EXPECT_NEAR(b.pitch_down_deg, 90.0, 1e-9);
  EXPECT_NEAR(b.camera_in_world.y(), 2.0, 1e-12);
}

TEST(WorldFromCameraOnFloor, CameraBelowTheFloorThrows) {
  EXPECT_ERROR_CONTAINS(
      WorldFromCameraOnFloor(Plane{Eigen::Vector3d(0, -1, 0), -1.0}, Eigen::Vector3d::Zero()),
      {"above the floor"});
}

TEST(FloorSearchOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(FloorSearchOptions{}.Check());
  FloorSearchOptions options;
  options.max_tilt_deg = 90.0;
  try {
    options.Check();
    ADD_FAILURE() << "a tilt of 90 degrees was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"max_tilt_deg"});
    EXPECT_STREQ(e.what(), "max_tilt_deg must be in (0, 90), got 90");
  }
  options = {};
  options.min_candidate_support = 0.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"min_candidate_support must be in (0, 1], got 0"});
  options = {};
  options.min_inliers = 2;
  EXPECT_ERROR_CONTAINS(options.Check(), {"min_inliers must be >= 3, got 2"});
  options = {};
  options.max_iterations = 10;
  EXPECT_ERROR_CONTAINS(options.Check(), {"max_iterations must be >= min_iterations (50), got 10"});
}

}  // namespace
}  // namespace intersynth
