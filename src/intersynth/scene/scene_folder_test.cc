#include "intersynth/scene/scene_folder.h"

#include <gtest/gtest.h>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

TEST(ReadIntrinsicsJson, FieldsConventionsAndErrors) {
  testing::TempDir dir;
  const std::string path = (dir / "K.json").string();
  WriteJson(path, {{"fx", 500.0},
                   {"fy", 501.0},
                   {"cx", 320.0},
                   {"cy", 240.0},
                   {"pixel_convention", "one_based"}});
  PinholeCamera camera = ReadIntrinsicsJson(path, 640, 480);
  EXPECT_EQ(camera.cx, 319.0);
  EXPECT_EQ(camera.cy, 239.0);
  EXPECT_EQ(camera.width, 640);

  WriteJson(path, {{"horizontal_fov_deg", 90.0}});
  camera = ReadIntrinsicsJson(path, 640, 480);
  EXPECT_NEAR(camera.fx, 320.0, 1e-9);

  WriteJson(path, {{"fx", 500.0}, {"fy", 501.0}, {"cx", 320.0}});
  EXPECT_ERROR_CONTAINS(ReadIntrinsicsJson(path, 640, 480), {path, "missing key 'cy'"});
  WriteJson(path, {{"fx", "five hundred"}, {"fy", 501.0}, {"cx", 320.0}, {"cy", 240.0}});
  EXPECT_ERROR_CONTAINS(ReadIntrinsicsJson(path, 640, 480), {path, "'fx'", "wrong type"});
  WriteJson(path, {{"fx", 500.0}, {"fy", 501.0}, {"cx", 320.0}, {"cy", 240.0}, {"width", 320}});
  EXPECT_ERROR_CONTAINS(ReadIntrinsicsJson(path, 640, 480), {path, "'width'", "640x480"});
  WriteJson(path, {{"fx", -500.0}, {"fy", 501.0}, {"cx", 320.0}, {"cy", 240.0}});
  EXPECT_ERROR_CONTAINS(ReadIntrinsicsJson(path, 640, 480), {path});
  WriteJson(
      path,
      {{"fx", 500.0}, {"fy", 501.0}, {"cx", 320.0}, {"cy", 240.0}, {"pixel_convention", "matlab"}});
  EXPECT_ERROR_CONTAINS(ReadIntrinsicsJson(path, 640, 480), {path, "pixel_convention"});
  EXPECT_ERROR_CONTAINS(ReadIntrinsicsJson(dir / "none.json", 640, 480), {"none.json"});
}

TEST(ReadSceneDescription, MissingFolderAndBadMatrixNameTheFile) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ReadSceneDescription(dir / "nowhere"), {"nowhere/scene.json"});
  std::filesystem::create_directories(dir / "scene");
  WriteJson(dir / "scene/scene.json", {{"intrinsics",
                                        {{"fx", 500.0},
                                         {"fy", 500.0},
                                         {"cx", 319.5},
                                         {"cy", 239.5},
                                         {"width", 640},
                                         {"height", 480}}},
                                       {"world_from_camera", {{1, 0, 0}, {0, 1, 0}}}});
  EXPECT_ERROR_CONTAINS(ReadSceneDescription(dir / "scene"),
                        {"scene.json", "'world_from_camera' must be a 4x4 matrix"});
}

}  // namespace
}  // namespace intersynth
