#include "intersynth/render/placement.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// The synthetic room (scene/synthetic_room.h): the camera at (0, 1.8, 0)
// looks towards -Z, 25 degrees down, and sees the floor from about z = -1.4
// to the back wall at z = -6, between the side walls at x = +-2.5; the bed
// covers x -1.9..-1.0, z -4.2..-2.2, the chair x 0.6..1.05, z -2.95..-2.45.
class PlacementTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { room_ = new SyntheticRoom(RenderSyntheticRoom()); }
  static void TearDownTestSuite() { delete room_; }

  static RoomMap Map() { return RoomMap(room_->camera, room_->world_from_camera, room_->depth); }

  // A person standing and raising a hand, about 1.7 m tall.
  static MotionClip Standing() {
    return SyntheticActionMotion(SyntheticAction::kRaiseLeftHand, 40, 3);
  }

  static SyntheticRoom* room_;
};

SyntheticRoom* PlacementTest::room_ = nullptr;

TEST_F(PlacementTest, TheMapKnowsFloorFurnitureAndWhatTheCameraDidNotSee) {
  const RoomMap map = Map();
  EXPECT_TRUE(map.Floor(0.0, -4.0));
  EXPECT_TRUE(map.Walkable(0.0, -4.0));
  EXPECT_TRUE(map.Occupied(-1.45, -3.2));  // the bed
  EXPECT_FALSE(map.Walkable(-1.45, -3.2));
  EXPECT_FALSE(map.Walkable(-0.9, -3.2));  // beside the bed, within the clearance
  EXPECT_TRUE(map.Occupied(0.8, -2.7));    // the chair
  EXPECT_FALSE(map.Walkable(0.8, -2.7));
  EXPECT_FALSE(map.Walkable(0.0, -7.0));  // behind the back wall
  EXPECT_FALSE(map.Walkable(2.4, -4.0));  // at the side wall
  EXPECT_FALSE(map.Walkable(0.0, -0.5));  // under the camera: never seen
  // Behind the chair (its back 0.95 m high) the floor is hidden, the space
  // at 1.2 m is seen: floor, walkable; behind the back wall it is not.
  EXPECT_FALSE(map.Floor(0.85, -3.5));
  EXPECT_TRUE(map.HiddenFloor(0.85, -3.5));
  EXPECT_TRUE(map.Walkable(0.85, -3.5));
  EXPECT_FALSE(map.HiddenFloor(0.0, -6.5));
  // Floor 5 m wide minus the walls' clearance, seen from about 1.4 m to 6 m,
  // minus bed and chair.
  EXPECT_GT(map.WalkableArea(), 10.0);
  EXPECT_LT(map.WalkableArea(), 5.0 * 4.6);
}

TEST_F(PlacementTest, APlacementMovesThePelvisCentreAndTurnsAboutIt) {
  MotionClip two = SyntheticSmpl22Motion(2, 30, 5);
  const Eigen::Vector2d centre = PelvisCentre(two);
  const MotionClip placed = ApplyPlacement(two, {1.0, -3.0, 90.0});
  const Eigen::Vector2d moved = PelvisCentre(placed);
  EXPECT_NEAR(moved.x(), 1.0, 1e-5);
  EXPECT_NEAR(moved.y(), -3.0, 1e-5);
  // Turned by +90 degrees about +Y (counter-clockwise seen from above): an
  // offset along +x from the centre ends along -z, one along +z along +x;
  // heights and the persons' distances are kept.
  const float* a = two.joint(0, 0, 0);
  const float* b = placed.joint(0, 0, 0);
  EXPECT_NEAR(b[0] - 1.0, a[2] - centre.y(), 1e-5);
  EXPECT_NEAR(b[2] + 3.0, -(a[0] - centre.x()), 1e-5);
  EXPECT_FLOAT_EQ(b[1], a[1]);
  auto distance = [](const MotionClip& m) {
    const float* p = m.joint(0, 10, 0);
    const float* q = m.joint(1, 10, 0);
    return std::hypot(p[0] - q[0], p[2] - q[2]);
  };
  EXPECT_NEAR(distance(placed), distance(two), 1e-5);
}

TEST_F(PlacementTest, AGivenPlacementIsCheckedAndSaysWhyNot) {
  const RoomMap map = Map();
  PlacementOptions options;
  options.place = Placement{0.0, -4.0, 30.0};
  const PlacementResult ok = PlaceMotion(Standing(), map, options);
  EXPECT_EQ(ok.attempts, 1);
  EXPECT_NEAR(PelvisCentre(ok.placed).y(), -4.0, 1e-5);
  options.place = Placement{-1.45, -3.2, 0.0};
  EXPECT_ERROR_CONTAINS(PlaceMotion(Standing(), map, options),
                        {"x -1.45, z -3.2", "goes through a wall or furniture"});
  // Under the camera the floor was never seen.
  options.place = Placement{0.0, -1.0, 0.0};
  EXPECT_ERROR_CONTAINS(PlaceMotion(Standing(), map, options), {"off the seen, free floor"});
  options.place = Placement{0.0, -7.5, 0.0};
  EXPECT_ERROR_CONTAINS(PlaceMotion(Standing(), map, options), {"off the seen, free floor"});
  // Where the floor is fine but the body leaves the (narrowed) image.
  options.place = Placement{0.0, -4.0, 30.0};
  options.image_margin_px = 200.0;
  EXPECT_ERROR_CONTAINS(PlaceMotion(Standing(), map, options), {"leaves the image", "of 640x480"});
}

// Drawn placements keep every joint of every frame in the image (checked
// here with the camera's own formula) and on walkable floor, and repeat with
// their seed.
TEST_F(PlacementTest, DrawnPlacementsFitAndRepeatWithTheirSeed) {
  const RoomMap map = Map();
  const MotionClip two = SyntheticSmpl22Motion(2, 40, 8);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    PlacementOptions options;
    options.seed = seed;
    const PlacementResult result = PlaceMotion(two, map, options);
    EXPECT_GE(result.attempts, 1);
    EXPECT_EQ(result.rejected.outside_image + result.rejected.not_walkable, result.attempts - 1);
    const RigidTransformd camera_from_world = room_->world_from_camera.Inverse();
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < 40; ++t) {
        for (int j = 0; j < kNumJoints; ++j) {
          const float* q = result.placed.joint(p, t, j);
          const Eigen::Vector3d c = camera_from_world * Eigen::Vector3d(q[0], q[1], q[2]);
          ASSERT_GT(c.z(), 0.3);
          const double u = room_->camera.fx * c.x() / c.z() + room_->camera.cx;
          const double v = room_->camera.fy * c.y() / c.z() + room_->camera.cy;
          ASSERT_TRUE(u >= 0 && u < 640 && v >= 0 && v < 480) << seed << " " << p << " " << t;
          ASSERT_TRUE(map.Walkable(q[0], q[2]));
        }
      }
    }
    const PlacementResult again = PlaceMotion(two, map, options);
    EXPECT_EQ(again.placed.joints, result.placed.joints);
  }
}

TEST_F(PlacementTest, WhatCannotBePlacedIsAClearError) {
  const RoomMap map = Map();
  // A 20 s walk (about 20 m) fits no room of 5 x 6 m.
  PlacementOptions options;
  options.attempts = 200;
  EXPECT_ERROR_CONTAINS(
      PlaceMotion(SyntheticActionMotion(SyntheticAction::kWalk, 400, 1), map, options),
      {"no placement of the 1-person motion", "in 200 tries", "left the camera's view"});
  MotionClip bad = Standing();
  bad.joint(0, 7, 20)[1] = std::nanf("");
  EXPECT_ERROR_CONTAINS(PlaceMotion(bad, map), {"the motion to place", "frame 7"});
  // A scene whose floor is not at y = 0 (not lifted) has none.
  RigidTransformd lifted_wrong = room_->world_from_camera;
  lifted_wrong.translation.y() += 1.0;
  EXPECT_ERROR_CONTAINS(RoomMap(room_->camera, lifted_wrong, room_->depth), {"has no floor"});
  DepthMap small = DepthMap::Filled(320, 240, 2.0f);
  EXPECT_ERROR_CONTAINS(RoomMap(room_->camera, room_->world_from_camera, small),
                        {"320x240", "640x480"});
  options.attempts = 0;
  EXPECT_ERROR_CONTAINS(PlaceMotion(Standing(), map, options), {"attempts"});
}

TEST(ParsePlacement, ReadsXZYawOrSaysTheForm) {
  const Placement p = ParsePlacement("0.5,-3,90");
  EXPECT_DOUBLE_EQ(p.x, 0.5);
  EXPECT_DOUBLE_EQ(p.z, -3.0);
  EXPECT_DOUBLE_EQ(p.yaw_deg, 90.0);
  for (const char* bad : {"", "1,2", "1,2,3,4", "a,2,3", "1,2,nan", "1,2,3x"}) {
    SCOPED_TRACE(bad);
    EXPECT_ERROR_CONTAINS(ParsePlacement(bad), {"X,Z,YAW"});
  }
}

}  // namespace
}  // namespace intersynth
