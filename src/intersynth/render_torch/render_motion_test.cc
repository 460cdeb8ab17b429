#include "intersynth/render_torch/render_motion.h"

#include <gtest/gtest.h>

#include "intersynth/io/json.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/scene/scene_folder.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// Two people walking, a simulated camera's scene folder (a floor seen from
// 2.5 m, 30 degrees down) and the options that render them.
struct Fixture {
  testing::TempDir dir;
  RenderMotionOptions options;
  Fixture() {
    const MotionClip motion = SyntheticSmpl22Motion(2, 12, 4);
    WriteMotionFile(dir / "motion.npz", motion);
    KeypointSimulationOptions camera;
    camera.camera_height = 2.6;
    WriteSimulatedSceneFolder(dir / "scene", PlaceSimulatedCamera(motion, camera), false);
    options.motion = dir / "motion.npz";
    options.scene_dir = dir / "scene";
    options.out_dir = dir / "out";
    options.body = testing::SourceDir() / "assets/body/open_body.npz";
    options.prior = testing::SourceDir() / "assets/priors/pose_gmm8.npz";
    options.views = 1;
    options.frames_png = true;
    options.threads = 1;
    options.progress = false;
  }
};

TEST(RenderMotion, WritesLabelledCameraDataForTheSceneAndAVirtualView) {
  Fixture f;
  const RenderMotionReport report = RenderMotion(f.options);
  std::printf("%s\n", report.summary.c_str());
  ASSERT_EQ(report.cameras.size(), 2u);
  ASSERT_EQ(report.fit_mean_mm.size(), 2u);
  for (double e : report.fit_mean_mm) EXPECT_LT(e, 40.0);
  for (const char* camera : {"scene", "view_1"}) {
    SCOPED_TRACE(camera);
    const std::filesystem::path dir = f.dir / "out" / camera;
    EXPECT_GT(std::filesystem::file_size(dir / "video.mp4"), 0u);
    EXPECT_TRUE(std::filesystem::exists(dir / "frames" / "frame_000011.png"));
    EXPECT_TRUE(std::filesystem::exists(dir / "frames" / "mask_000011.png"));
    EXPECT_TRUE(std::filesystem::exists(dir / "frames" / "depth_000011.png"));
    const KeypointSet set = ReadKeypointsJson(dir / "keypoints.json");
    ASSERT_EQ(set.frames.size(), 12u);
    ASSERT_EQ(set.people.size(), 24u);
    int seen = 0;
    for (const PersonKeypoints& person : set.people) {
      seen += person.visible_count();
      EXPECT_GT(person.bbox[2], 0.0f);
    }
    // A virtual view sees every person whole; the scene camera's placement
    // keeps every joint in view too.
    EXPECT_GT(seen, 24 * 12);
  }
  const SceneDescription view = ReadSceneDescription(f.dir / "out" / "view_1" / "scene");
  EXPECT_GT(view.camera_height, 2.1);
  const nlohmann::json json = ReadJson(f.dir / "out" / "render.json");
  EXPECT_EQ(json["format"], "intersynth-render-v1");
  EXPECT_EQ(json["cameras"].size(), 2u);
  const MotionClip placed = ReadMotionFile(f.dir / "out" / "motion.npz");
  const MotionClip bodies = ReadMotionFile(f.dir / "out" / "bodies.npz");
  EXPECT_EQ(placed.num_persons, 2);
  EXPECT_EQ(bodies.num_frames, 12);
}

// The synthetic room lifted as lift-scene lifts it, and a person standing
// 0.55 m behind the chair's back: from the scene's camera (1.8 m high, 25
// degrees down) the chair hides the knees and ankles, not the shoulders.
TEST(RenderMotion, FurnitureHidesTheLegsBehindIt) {
  testing::TempDir dir;
  const SyntheticRoom room = RenderSyntheticRoom();
  LiftSceneInputs inputs;
  inputs.image = room.image;
  inputs.camera = room.camera;
  inputs.depth = room.depth;
  const LiftSceneResult lifted = LiftScene(inputs);
  ASSERT_TRUE(lifted.success) << lifted.message;
  WriteSceneFolder(dir / "scene", inputs, lifted, false);
  // The chair's back spans x 0.6..1.05 at z -2.95..-2.88 in the synthetic
  // room's world; the lifted world is another frame on the same floor.
  const Eigen::Vector3d behind_chair =
      lifted.placement.world_from_camera *
      (room.world_from_camera.Inverse() * Eigen::Vector3d(0.9, 0.0, -3.45));
  WriteMotionFile(dir / "standing.npz",
                  SyntheticActionMotion(SyntheticAction::kRaiseLeftHand, 4, 2));
  RenderMotionOptions options;
  options.motion = dir / "standing.npz";
  options.scene_dir = dir / "scene";
  options.out_dir = dir / "out";
  options.body = testing::SourceDir() / "assets/body/open_body.npz";
  options.prior = testing::SourceDir() / "assets/priors/pose_gmm8.npz";
  options.place = Placement{behind_chair.x(), behind_chair.z(), 0.0};
  options.threads = 1;
  options.progress = false;
  const RenderMotionReport report = RenderMotion(options);
  EXPECT_GT(report.cameras[0].hidden, 0);
  const KeypointSet set = ReadKeypointsJson(dir / "out" / "scene" / "keypoints.json");
  ASSERT_EQ(set.people.size(), 4u);
  for (const PersonKeypoints& person : set.people) {
    for (int k : {13, 14, 15, 16}) {  // knees, ankles
      EXPECT_TRUE(person.hidden[k]) << kCoco17Names[k] << " in frame " << person.frame;
      EXPECT_FLOAT_EQ(person.confidence[k], kHiddenKeypointConfidence);
    }
    for (int k : {5, 6}) EXPECT_FALSE(person.hidden[k]) << kCoco17Names[k];
  }
}

TEST(RenderMotion, BadRequestsAreClearErrorsAndLeaveNothing) {
  Fixture f;
  f.options.place = Placement{0.0, 40.0, 0.0};  // far behind the camera
  EXPECT_ERROR_CONTAINS(RenderMotion(f.options), {"does not fit the room"});
  EXPECT_FALSE(std::filesystem::exists(f.dir / "out"));
  f.options.place.reset();
  f.options.body = f.dir / "nothing.npz";
  EXPECT_ERROR_CONTAINS(RenderMotion(f.options), {"nothing.npz"});
  EXPECT_FALSE(std::filesystem::exists(f.dir / "out"));
  f.options.views = 65;
  EXPECT_ERROR_CONTAINS(RenderMotion(f.options), {"views"});
}

}  // namespace
}  // namespace intersynth
