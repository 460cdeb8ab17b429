#include "intersynth/render/scene_preview.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "intersynth/scene/lift_scene.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

/// Lifts a synthetic room into dir/scene and returns its description.
SceneDescription LiftRoom(const testing::TempDir& dir) {
  SyntheticRoomOptions options;
  options.width = 320;
  options.height = 240;
  const SyntheticRoom room = RenderSyntheticRoom(options);
  LiftSceneInputs inputs;
  inputs.image = room.image;
  inputs.camera = room.camera;
  inputs.depth = room.depth;
  const LiftSceneResult result = LiftScene(inputs);
  EXPECT_TRUE(result.success) << result.message;
  WriteSceneFolder(dir / "scene", inputs, result, false);
  return ReadSceneDescription(dir / "scene");
}

TEST(ScenePreview, DrawsTheAxesWhereTheWorldOriginProjects) {
  testing::TempDir dir;
  const SceneDescription scene = LiftRoom(dir);
  ScenePreviewOptions options;
  options.scene_dir = dir / "scene";
  options.output = dir / "preview.png";
  const ScenePreviewReport report = RenderScenePreview(options);
  EXPECT_NE(report.summary.find("1.80 m above the floor"), std::string::npos) << report.summary;
  const cv::Mat image = cv::imread(options.output.string(), cv::IMREAD_COLOR);
  ASSERT_EQ(image.cols, 320);
  ASSERT_EQ(image.rows, 240);

  // Half-way along the x axis (red) and the z axis (blue): the drawn colours.
  const RigidTransformd camera_from_world = scene.world_from_camera.Inverse();
  const Eigen::Vector2d x_mid =
      scene.camera.Project(camera_from_world * Eigen::Vector3d(0.5, 0, 0));
  const Eigen::Vector2d z_mid =
      scene.camera.Project(camera_from_world * Eigen::Vector3d(0, 0, 0.5));
  const cv::Vec3b red = image.at<cv::Vec3b>(static_cast<int>(std::lround(x_mid.y())),
                                            static_cast<int>(std::lround(x_mid.x())));
  const cv::Vec3b blue = image.at<cv::Vec3b>(static_cast<int>(std::lround(z_mid.y())),
                                             static_cast<int>(std::lround(z_mid.x())));
  EXPECT_GT(red[2], 200);  // BGR
  EXPECT_LT(red[0], 80);
  EXPECT_GT(blue[0], 200);
  EXPECT_LT(blue[2], 80);
}

TEST(ScenePreview, MissingSceneIsNamedAndWritesNothing) {
  testing::TempDir dir;
  ScenePreviewOptions options;
  options.scene_dir = dir / "nowhere";
  options.output = dir / "p.png";
  EXPECT_ERROR_CONTAINS(RenderScenePreview(options), {"nowhere", "scene.json"});
  EXPECT_FALSE(std::filesystem::exists(options.output));
  options.grid_step = 0.0;
  EXPECT_ERROR_CONTAINS(RenderScenePreview(options), {"grid_step must be > 0, got 0"});
}

TEST(ScenePreviewOptions, CheckNamesTheBadField) {
  ScenePreviewOptions options;
  options.scene_dir = "scene";
  options.output = "p.png";
  EXPECT_NO_THROW(options.Check());
  options.grid_extent = 0.25;
  try {
    options.Check();
    ADD_FAILURE() << "an extent below the step was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"grid_extent", "grid_step"}));
    EXPECT_STREQ(e.what(), "grid_extent must be >= grid_step (0.5), got 0.25");
  }
  EXPECT_ERROR_CONTAINS(ScenePreviewOptions{}.Check(), {"scene_dir is required"});
}

}  // namespace
}  // namespace intersynth
