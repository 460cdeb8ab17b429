#include "intersynth/scene/lift_scene.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>

#include "intersynth/geometry/plane.h"
#include "intersynth/io/json.h"
#include "intersynth/io/ply.h"
#include "intersynth/scene/scene_test_util.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"
#include "intersynth/util/statistics.h"

namespace intersynth {
namespace {

constexpr double kDeg = 180.0 / EIGEN_PI;

/// The inputs of a synthetic room lifted from its true depth.
LiftSceneInputs RoomInputs(const SyntheticRoom& room) {
  LiftSceneInputs inputs;
  inputs.image = room.image;
  inputs.camera = room.camera;
  inputs.depth = room.depth;
  return inputs;
}

std::filesystem::path NyuDir() { return testing::SourceDir() / "assets" / "scenes" / "nyu_dining"; }

/// The bundled NYUv2 frame with a depth map ("depth.png": holes filled;
/// "rawdepth.png": the sensor's measurements, 0 in holes) and the crop's intrinsics.
LiftSceneInputs NyuInputs(const std::string& depth = "depth.png") {
  LiftSceneFiles files;
  files.image = NyuDir() / "image.png";
  files.depth = NyuDir() / depth;
  files.intrinsics = NyuDir() / "intrinsics.json";
  return LoadLiftSceneInputs(files);
}

struct RoomPose {
  double height;
  double pitch;
  double roll;
  double alpha;
  double beta;
};

class LiftSyntheticRooms : public ::testing::TestWithParam<RoomPose> {};

// The acceptance test, through the whole lift: a box room with a bed
// and a chair, the camera 1.2-2.5 m high and tilted 10-40 degrees; depth from
// fusion (a 320x240 metric map with 2% noise and 15% outlier blobs, a
// full-resolution disparity map with 0.5% noise) and a floor mask 30% of
// whose pixels are not floor.
TEST_P(LiftSyntheticRooms, FusionAndNoisyMaskGiveTiltHeightAlphaBeta) {
  const RoomPose pose = GetParam();
  SyntheticRoomOptions options;
  options.camera_height = pose.height;
  options.pitch_down_deg = pose.pitch;
  options.roll_deg = pose.roll;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  const testing::FusionCase fusion =
      testing::MakeFusionCase(room, pose.alpha, pose.beta, 320, 240, 0.15, 3);
  LiftSceneInputs inputs;
  inputs.image = room.image;
  inputs.camera = room.camera;
  inputs.metric = {fusion.metric};
  inputs.disparity = {fusion.disparity};
  inputs.mask = testing::MaskWithOutliers(room.floor, 0.3, 4);
  const LiftSceneResult result = LiftScene(inputs);
  ASSERT_TRUE(result.success) << result.message;
  ASSERT_TRUE(result.fusion.has_value());
  EXPECT_NEAR(result.fusion->alpha / pose.alpha, 1.0, 0.01) << result.fusion->message;
  EXPECT_NEAR(result.fusion->beta / pose.beta, 1.0, 0.01) << result.fusion->message;
  // The tilt: the angle between the recovered and the true floor normals.
  const Eigen::Vector3d true_up =
      room.world_from_camera.rotation.transpose() * Eigen::Vector3d::UnitY();
  const double tilt_error =
      std::acos(std::clamp(result.floor.plane_in_camera.normal.dot(true_up), -1.0, 1.0)) * kDeg;
  EXPECT_LT(tilt_error, 0.5);
  EXPECT_NEAR(result.placement.pitch_down_deg, pose.pitch, 0.5);
  EXPECT_NEAR(result.placement.roll_deg, pose.roll, 0.5);
  EXPECT_NEAR(result.placement.camera_height, pose.height, 0.02);
  std::printf(
      "room %.1f m, pitch %.0f, roll %.0f: alpha %.4f (%.4f), beta %.5f (%.5f), tilt error %.3f "
      "deg, height %.4f m\n",
      pose.height, pose.pitch, pose.roll, result.fusion->alpha, pose.alpha, result.fusion->beta,
      pose.beta, tilt_error, result.placement.camera_height);
}

INSTANTIATE_TEST_SUITE_P(HeightsAndTilts,
                         LiftSyntheticRooms,
                         ::testing::Values(RoomPose{1.2, 10.0, 0.0, 2.5, 0.04},
                                           RoomPose{1.8, 25.0, 3.0, 0.8, 0.1},
                                           RoomPose{2.5, 40.0, -2.0, 1.3, 0.02},
                                           RoomPose{2.2, 15.0, 1.0, 4.0, -0.05},
                                           RoomPose{1.5, 35.0, 0.0, 0.5, 0.2}));

TEST(LiftScene, SyntheticRoomEndToEndThroughTheFolder) {
  SyntheticRoomOptions options;
  options.camera_height = 2.1;
  options.pitch_down_deg = 28.0;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  LiftSceneInputs inputs = RoomInputs(room);
  inputs.mask = room.floor;
  const LiftSceneResult result = LiftScene(inputs);
  ASSERT_TRUE(result.success) << result.message;
  EXPECT_NEAR(result.placement.camera_height, 2.1, 1e-3);
  EXPECT_NEAR(result.placement.pitch_down_deg, 28.0, 0.05);
  EXPECT_EQ(result.valid_depth_pixels, 640 * 480);
  // Exact depth: every true floor pixel lands within 3 mm of y = 0 (the
  // inliers also hold the feet of walls and furniture, up to 5 cm high).
  for (size_t i = 0; i < result.cloud_in_world.points.size(); ++i) {
    if (room.floor.values[static_cast<size_t>(result.cloud_in_world.pixels[i])] != 0.0f) {
      ASSERT_LT(std::abs(result.cloud_in_world.points[i].y()), 0.003) << "point " << i;
    }
  }
  EXPECT_GT(result.floor_within_3cm, 0.98);
  EXPECT_FALSE(result.summary.empty());

  testing::TempDir dir;
  WriteSceneFolder(dir / "scene", inputs, result, false);
  for (const char* name :
       {"scene.json", "points.ply", "depth.npy", "image.png", "floor_inliers.png"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / "scene" / name)) << name;
  }
  // The cloud in the file is in the world frame: floor pixels at y = 0, the rest above.
  const PlyPointCloud ply = ReadPly(dir / "scene" / "points.ply");
  ASSERT_EQ(ply.size(), 640 * 480);
  int64_t below = 0;
  for (int64_t i = 0; i < ply.size(); ++i) below += ply.xyz[3 * i + 1] < -0.01f;
  EXPECT_EQ(below, 0);
  // scene.json reads back into the same camera and transform.
  const SceneDescription scene = ReadSceneDescription(dir / "scene");
  EXPECT_NEAR(scene.camera.fx, room.camera.fx, 1e-9);
  EXPECT_NEAR(scene.camera_height, 2.1, 1e-3);
  EXPECT_LT(
      (scene.world_from_camera.ToMatrix4() - result.placement.world_from_camera.ToMatrix4()).norm(),
      1e-9);
  const nlohmann::json json = ReadJson(dir / "scene" / "scene.json");
  EXPECT_TRUE(json.at("floor").at("from_mask").get<bool>());
  // Writing again without overwrite refuses.
  EXPECT_ERROR_CONTAINS(WriteSceneFolder(dir / "scene", inputs, result, false), {"pass overwrite"});
}

TEST(LiftScene, FusionPathRecoversAlphaBetaAndDepth) {
  const SyntheticRoom room = RenderSyntheticRoom();
  LiftSceneInputs inputs;
  inputs.image = room.image;
  inputs.camera = room.camera;
  // 1/z = 0.5 d + 0.1, disparity at full resolution, metric at half.
  DepthMap disparity = room.depth;
  for (float& v : disparity.values) v = static_cast<float>((1.0 / v - 0.1) / 0.5);
  inputs.disparity = {disparity};
  inputs.metric = {Resample(room.depth, 320, 240, ResampleMethod::kArea)};
  const LiftSceneResult result = LiftScene(inputs);
  ASSERT_TRUE(result.success) << result.message;
  ASSERT_TRUE(result.fusion.has_value());
  EXPECT_NEAR(result.fusion->alpha, 0.5, 0.005);
  EXPECT_NEAR(result.fusion->beta, 0.1, 0.001);
  EXPECT_NEAR(result.placement.camera_height, 1.8, 0.02);
  EXPECT_NE(result.depth_source.find("fusion"), std::string::npos);
}

TEST(LiftScene, BadInputsGiveClearErrors) {
  SyntheticRoomOptions options;
  options.width = 80;
  options.height = 60;
  const SyntheticRoom room = RenderSyntheticRoom(options);

  // An all-zero mask.
  LiftSceneInputs inputs = RoomInputs(room);
  inputs.mask = DepthMap::Filled(80, 60, 0.0f);
  inputs.mask_name = "floor.png";
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"floor.png", "empty", "every pixel is zero"});
  // A mask of another size.
  inputs.mask = DepthMap::Filled(40, 30, 1.0f);
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"floor.png", "40x30", "80x60"});
  // NaN depth everywhere, zero depth everywhere.
  inputs = RoomInputs(room);
  inputs.depth = DepthMap::Filled(80, 60, std::nanf(""));
  inputs.depth_name = "d.npy";
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"d.npy", "no valid depth"});
  inputs.depth = DepthMap::Filled(80, 60, 0.0f);
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"d.npy", "no valid depth"});
  // NaN metric map in the fusion path.
  inputs = RoomInputs(room);
  inputs.depth.reset();
  inputs.metric = {DepthMap::Filled(40, 30, std::nanf(""))};
  inputs.metric_names = {"m.npy"};
  inputs.disparity = {room.depth};
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"m.npy", "no valid depth"});
  // Disparity alone; no depth at all; two sources.
  inputs.metric.clear();
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"no scale or shift"});
  inputs.disparity.clear();
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"no depth source"});
  inputs = RoomInputs(room);
  inputs.metric = {room.depth};
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"one depth source"});
  // Intrinsics for another size.
  inputs = RoomInputs(room);
  inputs.camera->width = 81;
  inputs.camera_source = "K.json";
  EXPECT_ERROR_CONTAINS(LiftScene(inputs), {"K.json", "81x60"});
}

TEST(LiftScene, NoFloorIsAReportAndWritesNothing) {
  // Looking up at the ceiling: no plane below the camera within 30 degrees of level.
  SyntheticRoomOptions options;
  options.pitch_down_deg = -60.0;
  options.width = 160;
  options.height = 120;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  const LiftSceneResult result = LiftScene(RoomInputs(room));
  EXPECT_FALSE(result.success);
  EXPECT_NE(result.message.find("no floor found"), std::string::npos) << result.message;
}

TEST(LiftScene, BundledNyuIntrinsicsAreTheCropOfTheOneBasedCalibration) {
  const PinholeCamera expected =
      PinholeCamera::FromOneBased(518.86, 519.47, 325.58, 253.74, 640, 480)
          .Cropped(40, 44, 560, 425);
  const PinholeCamera camera = ReadIntrinsicsJson(NyuDir() / "intrinsics.json", 560, 425);
  EXPECT_NEAR(camera.cx, expected.cx, 1e-9);
  EXPECT_NEAR(camera.cy, expected.cy, 1e-9);
  EXPECT_NEAR(camera.cx, 284.58, 1e-9);
  EXPECT_NEAR(camera.cy, 208.74, 1e-9);
}

TEST(LiftScene, BundledNyuFrameIsTheSharedOne) {
  INTERSYNTH_REQUIRE_SHARED_DATA(nyu, "scene/nyu_dining");
  EXPECT_EQ(ReadFileToString(*nyu_optional / "images.png"),
            ReadFileToString(NyuDir() / "image.png"));
  EXPECT_EQ(ReadFileToString(*nyu_optional / "depth.png"),
            ReadFileToString(NyuDir() / "depth.png"));
}

TEST(LiftScene, NyuDiningRoomFloorWithoutMask) {
  const LiftSceneInputs inputs = NyuInputs();
  const LiftSceneResult result = LiftScene(inputs);
  ASSERT_TRUE(result.success) << result.message;
  std::printf("NYU dining room: %s\n", result.summary.c_str());

  // The floor is the tiled floor at the bottom of the image: most inliers in
  // the lower half, and the bottom rows' centre is floor.
  const int width = inputs.image.width;
  const int height = inputs.image.height;
  int64_t lower = 0;
  std::vector<uint8_t> is_inlier(static_cast<size_t>(width) * height, 0);
  for (int64_t i : result.floor.inliers) {
    const int64_t pixel = result.cloud_in_world.pixels[static_cast<size_t>(i)];
    is_inlier[static_cast<size_t>(pixel)] = 1;
    lower += pixel / width >= height / 2;
  }
  EXPECT_GT(static_cast<double>(lower) / result.floor.inliers.size(), 0.9);
  int64_t bottom_centre = 0, bottom_centre_inliers = 0;
  for (int row = height - 20; row < height; ++row) {
    for (int col = width / 3; col < 2 * width / 3; ++col) {
      ++bottom_centre;
      bottom_centre_inliers += is_inlier[static_cast<size_t>(row) * width + col];
    }
  }
  EXPECT_GT(static_cast<double>(bottom_centre_inliers) / bottom_centre, 0.9);

  // After alignment 95% of the inliers lie within 3 cm of y = 0.
  std::vector<double> heights;
  for (int64_t i : result.floor.inliers) {
    heights.push_back(std::abs(result.cloud_in_world.points[static_cast<size_t>(i)].y()));
  }
  EXPECT_LT(Percentile(heights, 95.0), 0.03);
  EXPECT_GT(result.floor_within_3cm, 0.95);
  // A Kinect on a tripod or held by a person: between 0.8 and 2.2 m.
  EXPECT_GT(result.placement.camera_height, 0.8);
  EXPECT_LT(result.placement.camera_height, 2.2);
}

/// The largest wall of a lifted scene: the best plane (MSAC, 3 cm, seed 0)
/// among the non-floor points whose normal is closer to horizontal than to
/// vertical (no prior on verticality beyond that), refit by least squares on
/// its inliers until it settles. Returns its angle from vertical, degrees.
double LargestWallTiltDeg(const LiftSceneResult& result, double* support) {
  std::vector<uint8_t> floor_point(result.cloud_in_world.points.size(), 0);
  for (int64_t i : result.floor.inliers) floor_point[static_cast<size_t>(i)] = 1;
  std::vector<Eigen::Vector3d> rest;
  for (size_t i = 0; i < result.cloud_in_world.points.size(); ++i) {
    if (!floor_point[i]) rest.push_back(result.cloud_in_world.points[i]);
  }
  RansacPlaneOptions ransac;
  ransac.inlier_threshold = 0.03;
  ransac.min_iterations = 500;
  ransac.max_iterations = 3000;
  ransac.truncated_quadratic = true;
  ransac.accept = [](const Plane& plane) { return std::abs(plane.normal.y()) < std::sqrt(0.5); };
  const PlaneFitReport wall = FitPlaneRansac(rest, ransac);
  EXPECT_TRUE(wall.success) << wall.message;
  Plane plane = wall.plane;
  std::vector<int64_t> inliers;
  for (int it = 0; it < 20; ++it) {
    inliers.clear();
    for (size_t i = 0; i < rest.size(); ++i) {
      if (std::abs(plane.SignedDistance(rest[i])) <= ransac.inlier_threshold)
        inliers.push_back(static_cast<int64_t>(i));
    }
    const PlaneFitReport refit = FitPlaneLeastSquares(rest, inliers);
    if (!refit.success) break;
    plane = refit.plane;
  }
  *support = static_cast<double>(inliers.size()) / static_cast<double>(rest.size());
  return std::asin(std::min(1.0, std::abs(plane.normal.y()))) * kDeg;
}

TEST(LiftScene, NyuDiningRoomLargestWallIsVertical) {
  // On the sensor's own measurements: the filled depth.png colourises depth
  // into the holes on the glass cabinets and leans that wall by ~3.3 degrees.
  for (const std::string depth : {"rawdepth.png", "depth.png"}) {
    const LiftSceneResult result = LiftScene(NyuInputs(depth));
    ASSERT_TRUE(result.success) << result.message;
    double support = 0.0;
    const double tilt = LargestWallTiltDeg(result, &support);
    std::printf(
        "NYU dining room (%s): floor within 3 cm %.1f%%, camera %.3f m high; largest wall plane "
        "%.1f%% of the other points, %.2f degrees from vertical\n",
        depth.c_str(), 100.0 * result.floor_within_3cm, result.placement.camera_height,
        100.0 * support, tilt);
    EXPECT_GT(support, 0.05);
    if (depth == "rawdepth.png") {
      EXPECT_LT(tilt, 3.0);
    } else {
      EXPECT_LT(tilt, 4.0);
    }
  }
}

TEST(LiftScene, NyuDiningRoomSimulatedFusion) {
  // A disparity map with known alpha, beta and 1% noise from the sensor depth,
  // and a low-resolution (212x160) metric map with 3% noise: recover the depth.
  const LiftSceneInputs nyu = NyuInputs();
  const DepthMap& truth = *nyu.depth;
  const double alpha = 3.2, beta = -0.05;
  Rng rng(5);
  DepthMap disparity = truth;
  for (float& v : disparity.values) {
    v = IsValidDepth(v)
            ? static_cast<float>((1.0 / v - beta) / alpha * (1.0 + rng.Normal(0.0, 0.01)))
            : std::nanf("");
  }
  DepthMap metric = Resample(truth, 212, 160, ResampleMethod::kArea, IsValidDepth);
  for (float& v : metric.values) v = static_cast<float>(v * (1.0 + rng.Normal(0.0, 0.03)));
  LiftSceneInputs inputs = nyu;
  inputs.depth.reset();
  inputs.metric = {metric};
  inputs.disparity = {disparity};
  const LiftSceneResult result = LiftScene(inputs);
  ASSERT_TRUE(result.success) << result.message;
  std::printf("NYU simulated fusion: %s\n", result.fusion->message.c_str());
  EXPECT_NEAR(result.fusion->alpha / alpha, 1.0, 0.01);
  EXPECT_NEAR(result.fusion->beta / beta, 1.0, 0.02);
  std::vector<double> errors;
  for (int64_t i = 0; i < truth.size(); ++i) {
    if (IsValidDepth(truth.values[i]) && IsValidDepth(result.depth.values[i])) {
      errors.push_back(std::abs(result.depth.values[i] - truth.values[i]) / truth.values[i]);
    }
  }
  EXPECT_LT(Median(errors), 0.015);
  // 1% disparity noise is 1% depth noise: 2-4 cm at 2-4 m, so fewer floor
  // inliers than with the sensor depth lie within 3 cm.
  EXPECT_GT(result.floor_within_3cm, 0.8);
}

TEST(LiftSceneOptions, CheckNamesTheNestedField) {
  EXPECT_NO_THROW(LiftSceneOptions{}.Check());
  LiftSceneOptions options;
  options.floor.max_tilt_deg = 0.0;
  try {
    options.Check();
    ADD_FAILURE() << "a floor tilt of 0 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"floor.max_tilt_deg"});
  }
  options = {};
  options.fusion.inlier_sigmas = -1.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"fusion.inlier_sigmas must be > 0, got -1"});
  options = {};
  options.point_stride = 0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"point_stride must be >= 1, got 0"});
  // The depth sources name the inputs' fields.
  LiftSceneInputs inputs;
  inputs.image.width = inputs.image.height = 2;
  inputs.image.rgb.assign(12, 0);
  try {
    LiftScene(inputs);
    ADD_FAILURE() << "no depth source was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"depth", "metric", "disparity"}));
  }
}

}  // namespace
}  // namespace intersynth
