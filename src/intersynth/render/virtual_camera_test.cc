#include "intersynth/render/virtual_camera.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// Two people walking in the synthetic room (scene/synthetic_room.h), placed
// on its walkable floor.
struct Fixture {
  SyntheticRoom room = RenderSyntheticRoom();
  RoomMap map{room.camera, room.world_from_camera, room.depth};
  MotionClip placed;
  Fixture() {
    PlacementOptions options;
    options.place = Placement{0.0, -4.0, 20.0};
    placed = PlaceMotion(SyntheticSmpl22Motion(2, 30, 3), map, options).placed;
  }
};

TEST(SampleMonitoringCamera, DrawsASensorThatSeesEveryoneFromInsideTheRoom) {
  const Fixture f;
  for (uint64_t seed = 0; seed < 6; ++seed) {
    const MonitoringCamera m = SampleMonitoringCamera(f.placed, &f.map, {}, seed);
    const SimulatedCamera& c = m.camera;
    EXPECT_GE(c.camera_height, 2.2);
    EXPECT_LE(c.camera_height, 2.8);
    EXPECT_NEAR(c.world_from_camera.translation.y(), c.camera_height, 1e-9);
    EXPECT_GE(c.pitch_down_deg, 25.0);
    EXPECT_LE(c.pitch_down_deg, 50.0);
    EXPECT_GE(m.hfov_deg, 70.0);
    EXPECT_LE(m.hfov_deg, 90.0);
    EXPECT_NEAR(c.camera.HorizontalFov() * 180.0 / EIGEN_PI, m.hfov_deg, 1e-9);
    EXPECT_EQ(m.attempts, 1 + m.outside_room + m.out_of_view);
    // Every joint in the image, by the camera's own formula.
    const RigidTransformd camera_from_world = c.world_from_camera.Inverse();
    for (int p = 0; p < 2; ++p) {
      for (int t = 0; t < 30; ++t) {
        for (int j = 0; j < kNumJoints; ++j) {
          const float* q = f.placed.joint(p, t, j);
          const Eigen::Vector3d x = camera_from_world * Eigen::Vector3d(q[0], q[1], q[2]);
          ASSERT_GT(x.z(), 0.0);
          const double u = c.camera.fx * x.x() / x.z() + c.camera.cx;
          const double v = c.camera.fy * x.y() / x.z() + c.camera.cy;
          ASSERT_TRUE(u >= 0 && u <= 639 && v >= 0 && v <= 479) << seed;
        }
      }
    }
    // Over the room: the synthetic room's walls are x = +-2.5 and z = -6.
    EXPECT_LT(std::abs(c.world_from_camera.translation.x()), 2.5 + 0.6);
    EXPECT_GT(c.world_from_camera.translation.z(), -6.0 - 0.6);
    EXPECT_EQ(
        SampleMonitoringCamera(f.placed, &f.map, {}, seed).camera.world_from_camera.translation,
        c.world_from_camera.translation);
  }
  EXPECT_NE(SampleMonitoringCamera(f.placed, &f.map, {}, 1).camera.yaw_deg,
            SampleMonitoringCamera(f.placed, &f.map, {}, 2).camera.yaw_deg);
  // Without a room only the view is checked.
  EXPECT_EQ(SampleMonitoringCamera(f.placed, nullptr, {}, 0).outside_room, 0);
}

TEST(SampleMonitoringCamera, AnImpossibleRequestIsAClearError) {
  const Fixture f;
  MonitoringCameraOptions options;
  options.min_hfov_deg = options.max_hfov_deg = 5.0;  // a telescope sees no one whole
  options.attempts = 50;
  EXPECT_ERROR_CONTAINS(SampleMonitoringCamera(f.placed, &f.map, options, 0),
                        {"no monitoring camera in 50 tries", "did not see every person whole"});
  options = MonitoringCameraOptions();
  options.min_pitch_deg = 60.0;
  EXPECT_ERROR_CONTAINS(SampleMonitoringCamera(f.placed, &f.map, options, 0),
                        {"min_pitch_deg", "max_pitch_deg"});
  options = MonitoringCameraOptions();
  options.max_aim_height_m = 2.5;
  EXPECT_ERROR_CONTAINS(SampleMonitoringCamera(f.placed, &f.map, options, 0), {"max_aim_height_m"});
}

}  // namespace
}  // namespace intersynth
