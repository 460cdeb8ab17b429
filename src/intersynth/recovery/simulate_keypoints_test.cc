#include "intersynth/recovery/simulate_keypoints.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/scene/depth_map.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

/// A clip of `frames` frames of one person whose joints all sit at `at`.
MotionClip PointClip(int frames, const Eigen::Vector3d& at) {
  MotionClip clip = MotionClip::Zeros(1, frames);
  for (int t = 0; t < frames; ++t) {
    for (int j = 0; j < kNumJoints; ++j) {
      for (int k = 0; k < 3; ++k) clip.joint(0, t, j)[k] = static_cast<float>(at[k]);
    }
  }
  return clip;
}

void SetJoint(MotionClip* clip, int t, int j, const Eigen::Vector3d& x) {
  for (int k = 0; k < 3; ++k) clip->joint(0, t, j)[k] = static_cast<float>(x[k]);
}

KeypointSimulationOptions Exact() {
  KeypointSimulationOptions options;
  options.noise_px = 0.0;
  options.drop_probability = 0.0;
  return options;
}

TEST(SimulateKeypoints, CocoPointsComeFromTheirSmpl22Joints) {
  const std::array<std::string_view, kCoco17NumKeypoints> smpl22_name = {"",
                                                                         "",
                                                                         "",
                                                                         "",
                                                                         "",
                                                                         "left_shoulder",
                                                                         "right_shoulder",
                                                                         "left_elbow",
                                                                         "right_elbow",
                                                                         "left_wrist",
                                                                         "right_wrist",
                                                                         "left_hip",
                                                                         "right_hip",
                                                                         "left_knee",
                                                                         "right_knee",
                                                                         "left_ankle",
                                                                         "right_ankle"};
  for (int i = 0; i < kCoco17NumKeypoints; ++i) {
    const int j = kCoco17FromSmpl22[static_cast<size_t>(i)];
    if (i < 5) {
      EXPECT_EQ(j, -1) << kCoco17Names[static_cast<size_t>(i)];
      continue;
    }
    ASSERT_GE(j, 0);
    EXPECT_EQ(kSmpl22JointNames[static_cast<size_t>(j)], smpl22_name[static_cast<size_t>(i)]);
    EXPECT_EQ(kCoco17Names[static_cast<size_t>(i)], smpl22_name[static_cast<size_t>(i)]);
  }
}

TEST(SimulateKeypoints, CameraLooksDownThroughTheAimPoint) {
  // Pelvis path from x = -0.7 to 1.3 and z = -0.4 to 0.2: centre (0.3, -0.1).
  MotionClip clip = PointClip(2, Eigen::Vector3d(-0.7, 0.9, -0.4));
  SetJoint(&clip, 1, 0, Eigen::Vector3d(1.3, 0.95, 0.2));
  const SimulatedCamera camera = PlaceSimulatedCamera(clip, Exact());
  EXPECT_NEAR(camera.aim_in_world.x(), 0.3, 1e-6);
  EXPECT_NEAR(camera.aim_in_world.y(), 1.0, 1e-12);
  EXPECT_NEAR(camera.aim_in_world.z(), -0.1, 1e-6);
  // 1.5 m above the aim point at 30 deg: 3 m along the axis, 3 cos 30 behind it.
  const Eigen::Vector3d centre = camera.world_from_camera.translation;
  EXPECT_NEAR(centre.x(), 0.3, 1e-6);
  EXPECT_NEAR(centre.y(), 2.5, 1e-12);
  EXPECT_NEAR(centre.z(), -0.1 + 3.0 * std::cos(30.0 * EIGEN_PI / 180.0), 1e-6);
  // A proper rotation whose z axis points 30 deg below the horizon along -Z.
  const Eigen::Matrix3d& r = camera.world_from_camera.rotation;
  EXPECT_LT((r.transpose() * r - Eigen::Matrix3d::Identity()).norm(), 1e-12);
  EXPECT_NEAR(r.determinant(), 1.0, 1e-12);
  EXPECT_NEAR(r(1, 2), -0.5, 1e-12);
  EXPECT_LT(r(2, 2), 0.0);
  EXPECT_NEAR(r(1, 1), -std::cos(30.0 * EIGEN_PI / 180.0), 1e-12);  // image down is world down
  EXPECT_EQ(camera.camera.width, 640);
  EXPECT_EQ(camera.camera.height, 480);
  EXPECT_EQ(camera.camera.fx, 525.0);
  EXPECT_EQ(camera.camera.fy, 525.0);
  EXPECT_EQ(camera.camera.cx, 319.5);
  EXPECT_EQ(camera.camera.cy, 239.5);
}

// Turned by a yaw of 90 degrees the camera looks along -X (counter-clockwise
// from -Z seen from above) and stands behind the aim point towards +X, at
// the same height and distance; the aim point stays on its optical axis.
TEST(SimulateKeypoints, YawTurnsTheCameraAboutTheAimPoint) {
  MotionClip clip = PointClip(1, Eigen::Vector3d(0.3, 0.9, -0.1));
  KeypointSimulationOptions options = Exact();
  options.yaw_deg = 90.0;
  const SimulatedCamera camera = PlaceSimulatedCamera(clip, options);
  EXPECT_DOUBLE_EQ(camera.yaw_deg, 90.0);
  const Eigen::Vector3d centre = camera.world_from_camera.translation;
  EXPECT_NEAR(centre.x(), 0.3 + 3.0 * std::cos(30.0 * EIGEN_PI / 180.0), 1e-6);
  EXPECT_NEAR(centre.y(), 2.5, 1e-12);
  EXPECT_NEAR(centre.z(), -0.1, 1e-6);
  const Eigen::Vector3d forward = camera.world_from_camera.rotation.col(2);
  EXPECT_LT(forward.x(), 0.0);
  EXPECT_NEAR(forward.z(), 0.0, 1e-12);
  const Eigen::Vector3d aim =
      camera.world_from_camera.Inverse() * camera.aim_in_world;  // on the axis
  EXPECT_NEAR(aim.x(), 0.0, 1e-9);
  EXPECT_NEAR(aim.y(), 0.0, 1e-9);
  EXPECT_NEAR(aim.z(), 3.0, 1e-9);
}

TEST(SimulateKeypoints, KnownPointsProjectWhereHandComputed) {
  // Pelvis at (0.3, 0.9, -0.4): aim point A = (0.3, 1.0, -0.4), L = 3 m.
  MotionClip clip = PointClip(1, Eigen::Vector3d(0.3, 0.9, -0.4));
  const Eigen::Vector3d aim(0.3, 1.0, -0.4);
  SetJoint(&clip, 0, 1, aim);                                    // left hip (COCO 11)
  SetJoint(&clip, 0, 2, aim + Eigen::Vector3d(0.5, 0.0, 0.0));   // right hip (COCO 12)
  SetJoint(&clip, 0, 16, aim + Eigen::Vector3d(0.0, 0.3, 0.0));  // left shoulder (COCO 5)
  const KeypointSimulation sim = SimulateKeypoints(clip, Exact());
  ASSERT_EQ(sim.keypoints.frames.size(), 1u);
  ASSERT_EQ(sim.keypoints.people.size(), 1u);
  const PersonKeypoints& person = sim.keypoints.people[0];
  // A lies on the optical axis: the principal point.
  EXPECT_NEAR(person.xy[11][0], 319.5, 1e-3);
  EXPECT_NEAR(person.xy[11][1], 239.5, 1e-3);
  // 0.5 m to the right at depth 3: u = 319.5 + 525 * 0.5 / 3 = 407.
  EXPECT_NEAR(person.xy[12][0], 407.0, 1e-3);
  EXPECT_NEAR(person.xy[12][1], 239.5, 1e-3);
  // 0.3 m up: x_cam = (0, -0.3 cos 30, 3 - 0.3 sin 30) = (0, -0.259808, 2.85),
  // v = 239.5 - 525 * 0.259808 / 2.85 = 191.6403.
  EXPECT_NEAR(person.xy[5][0], 319.5, 1e-3);
  EXPECT_NEAR(person.xy[5][1], 191.6403, 1e-3);
  EXPECT_EQ(person.confidence[11], 1.0f);
  // No face points.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(person.confidence[static_cast<size_t>(i)], 0.0f);
  EXPECT_EQ(person.visible_count(), 12);
  // The box of the seen points.
  EXPECT_NEAR(person.bbox[0], 319.5, 1e-3);
  EXPECT_NEAR(person.bbox[1], 191.6403, 1e-3);
  EXPECT_NEAR(person.bbox[2], 407.0 - 319.5, 1e-3);
  EXPECT_EQ(sim.keypoints.frames[0].file_name, "frame_000000.png");
  EXPECT_EQ(sim.keypoints.frames[0].width, 640);
  EXPECT_EQ(sim.counts.body_points, 12);
  EXPECT_EQ(sim.counts.seen, 12);
}

TEST(SimulateKeypoints, PointsOutsideTheImageOrBehindTheCameraAreNotSeen) {
  MotionClip clip = PointClip(1, Eigen::Vector3d(0.0, 0.9, 0.0));
  SetJoint(&clip, 0, 20, Eigen::Vector3d(10.0, 1.0, 0.0));  // far right: u >> 640
  SetJoint(&clip, 0, 21, Eigen::Vector3d(0.0, 1.0, 10.0));  // behind the camera (z ~ 2.6)
  SetJoint(&clip, 0, 7, Eigen::Vector3d(0.0, -5.0, 0.0));   // far below: v >> 480
  const KeypointSimulation sim = SimulateKeypoints(clip, Exact());
  const PersonKeypoints& person = sim.keypoints.people[0];
  for (int i : {9, 10, 15}) {
    EXPECT_EQ(person.confidence[static_cast<size_t>(i)], 0.0f) << i;
    EXPECT_EQ(person.xy[static_cast<size_t>(i)][0], 0.0f) << i;
    EXPECT_EQ(person.xy[static_cast<size_t>(i)][1], 0.0f) << i;
  }
  EXPECT_EQ(sim.counts.behind_camera, 1);
  EXPECT_EQ(sim.counts.outside_image, 2);
  EXPECT_EQ(sim.counts.seen, 9);
  // Every seen point lies in the image.
  for (int i = 0; i < kCoco17NumKeypoints; ++i) {
    if (person.confidence[static_cast<size_t>(i)] == 0.0f) continue;
    EXPECT_GE(person.xy[static_cast<size_t>(i)][0], 0.0f);
    EXPECT_LE(person.xy[static_cast<size_t>(i)][0], 639.0f);
  }
}

TEST(SimulateKeypoints, InvalidJointsAreNotSeen) {
  MotionClip clip = PointClip(2, Eigen::Vector3d(0.0, 0.9, 0.0));
  clip.valid.assign(2 * kNumJoints, 1);
  clip.valid[kNumJoints + 4] = 0;  // frame 1, left knee (COCO 13)
  const KeypointSimulation sim = SimulateKeypoints(clip, Exact());
  EXPECT_EQ(sim.keypoints.people[0].confidence[13], 1.0f);
  EXPECT_EQ(sim.keypoints.people[1].confidence[13], 0.0f);
  EXPECT_EQ(sim.counts.invalid_in_motion, 1);
}

TEST(SimulateKeypoints, DropRateAndNoiseSpreadMatchTheOptions) {
  // A still pose in the middle of the image: nothing leaves it even with noise.
  MotionClip clip = PointClip(2000, Eigen::Vector3d(0.0, 1.0, 0.0));
  KeypointSimulationOptions options;
  options.noise_px = 3.0;
  options.drop_probability = 0.2;
  options.seed = 7;
  const KeypointSimulation sim = SimulateKeypoints(clip, options);
  EXPECT_EQ(sim.counts.body_points, 24000);
  EXPECT_EQ(sim.counts.outside_image, 0);
  const double drop_rate = static_cast<double>(sim.counts.dropped) / 24000.0;
  EXPECT_NEAR(drop_rate, 0.2, 0.015);  // 5.8 binomial standard deviations
  EXPECT_EQ(sim.counts.seen + sim.counts.dropped, 24000);
  // Noise about the exact pixel (the principal point): sd 3 px per coordinate.
  double sum = 0.0, sum_sq = 0.0;
  int64_t n = 0;
  for (const PersonKeypoints& person : sim.keypoints.people) {
    for (int i = 5; i < kCoco17NumKeypoints; ++i) {
      if (person.confidence[static_cast<size_t>(i)] == 0.0f) continue;
      for (int k = 0; k < 2; ++k) {
        const double e =
            person.xy[static_cast<size_t>(i)][static_cast<size_t>(k)] - (k == 0 ? 319.5 : 239.5);
        sum += e;
        sum_sq += e * e;
        ++n;
      }
    }
  }
  EXPECT_NEAR(sum / static_cast<double>(n), 0.0, 0.1);
  EXPECT_NEAR(std::sqrt(sum_sq / static_cast<double>(n)), 3.0, 0.1);
}

TEST(SimulateKeypoints, SameSeedSameKeypointsOtherSeedOthers) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 40, 3);
  KeypointSimulationOptions options;
  options.seed = 11;
  const KeypointSimulation a = SimulateKeypoints(clip, options);
  const KeypointSimulation b = SimulateKeypoints(clip, options);
  options.seed = 12;
  const KeypointSimulation c = SimulateKeypoints(clip, options);
  ASSERT_EQ(a.keypoints.people.size(), 80u);
  ASSERT_EQ(b.keypoints.people.size(), 80u);
  bool differs = false;
  for (size_t i = 0; i < a.keypoints.people.size(); ++i) {
    EXPECT_EQ(a.keypoints.people[i].xy, b.keypoints.people[i].xy) << i;
    EXPECT_EQ(a.keypoints.people[i].confidence, b.keypoints.people[i].confidence) << i;
    EXPECT_EQ(a.keypoints.people[i].track_id, static_cast<int64_t>(i % 2));
    differs = differs || a.keypoints.people[i].xy != c.keypoints.people[i].xy;
  }
  EXPECT_TRUE(differs);
}

TEST(SimulateKeypoints, KeypointJsonRoundTrips) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 10, 5);
  const KeypointSimulation sim = SimulateKeypoints(clip);
  testing::TempDir dir;
  WriteKeypointsJson(dir / "kp.json", sim.keypoints);
  const KeypointSet back = ReadKeypointsJson(dir / "kp.json");
  ASSERT_EQ(back.frames.size(), 10u);
  ASSERT_EQ(back.people.size(), 10u);
  for (size_t i = 0; i < back.people.size(); ++i) {
    EXPECT_EQ(back.people[i].frame, static_cast<int>(i));
    EXPECT_EQ(back.people[i].confidence, sim.keypoints.people[i].confidence);
    for (int k = 0; k < kCoco17NumKeypoints; ++k) {
      EXPECT_NEAR(back.people[i].xy[static_cast<size_t>(k)][0],
                  sim.keypoints.people[i].xy[static_cast<size_t>(k)][0], 1e-3);
    }
  }
}

TEST(SimulateKeypoints, SceneFolderReadsBackWithTheSameCamera) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 30, 2);
  const SimulatedCamera camera = PlaceSimulatedCamera(clip);
  testing::TempDir dir;
  WriteSimulatedSceneFolder(dir / "scene", camera, false);
  const SceneDescription scene = ReadSceneDescription(dir / "scene");
  EXPECT_DOUBLE_EQ(scene.camera.fx, 525.0);
  EXPECT_DOUBLE_EQ(scene.camera.fy, 525.0);
  EXPECT_DOUBLE_EQ(scene.camera.cx, 319.5);
  EXPECT_DOUBLE_EQ(scene.camera.cy, 239.5);
  EXPECT_EQ(scene.camera.width, 640);
  EXPECT_EQ(scene.camera.height, 480);
  EXPECT_LT((scene.world_from_camera.rotation - camera.world_from_camera.rotation).norm(), 1e-9);
  EXPECT_LT((scene.world_from_camera.translation - camera.world_from_camera.translation).norm(),
            1e-9);
  EXPECT_NEAR(scene.camera_height, 2.5, 1e-9);
  // The floor plane in the camera frame is y = 0 in the world.
  const Eigen::Vector3d below_camera =
      camera.world_from_camera.Inverse() * Eigen::Vector3d(1, 0, 2);
  EXPECT_NEAR(scene.floor_in_camera.SignedDistance(below_camera), 0.0, 1e-9);
  EXPECT_NEAR(scene.floor_in_camera.SignedDistance(Eigen::Vector3d::Zero()), 2.5, 1e-9);
  // The key frame has the image's size; the depth is the floor's.
  const RgbImage image = ReadRgbImage(scene.image);
  EXPECT_EQ(image.width, 640);
  EXPECT_EQ(image.height, 480);
  const DepthMap depth = ReadDepthMap(scene.depth);
  ASSERT_EQ(depth.width, 640);
  const float z = depth.values[static_cast<size_t>(239) * 640 + 320];
  const Eigen::Vector3d on_floor =
      camera.world_from_camera * camera.camera.Unproject(320.0, 239.0, z);
  EXPECT_NEAR(on_floor.y(), 0.0, 1e-4);
  // An existing folder is kept unless overwriting.
  EXPECT_ERROR_CONTAINS(WriteSimulatedSceneFolder(dir / "scene", camera, false),
                        {"pass overwrite"});
  WriteSimulatedSceneFolder(dir / "scene", camera, true);
}

TEST(SimulateKeypoints, BadOptionsNameTheOption) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 5, 1);
  KeypointSimulationOptions options;
  options.drop_probability = 1.5;
  EXPECT_ERROR_CONTAINS(SimulateKeypoints(clip, options, "clip.npz"),
                        {"drop_probability must be in [0, 1], got 1.5"});
  options = {};
  options.pitch_down_deg = 0.0;
  EXPECT_ERROR_CONTAINS(SimulateKeypoints(clip, options), {"pitch"});
  options = {};
  options.camera_height = 0.8;
  EXPECT_ERROR_CONTAINS(SimulateKeypoints(clip, options),
                        {"camera_height (0.8 m) must be above aim_height (1 m)"});
  options = {};
  options.noise_px = -1.0;
  EXPECT_ERROR_CONTAINS(SimulateKeypoints(clip, options), {"noise"});
  MotionClip hidden = clip;
  hidden.valid.assign(5 * kNumJoints, 1);
  for (int t = 0; t < 5; ++t) hidden.valid[static_cast<size_t>(t) * kNumJoints] = 0;
  EXPECT_ERROR_CONTAINS(SimulateKeypoints(hidden), {"no frame", "pelvis"});
}

TEST(KeypointSimulationOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(KeypointSimulationOptions{}.Check());
  KeypointSimulationOptions options;
  options.drop_probability = -0.1;
  try {
    options.Check();
    ADD_FAILURE() << "a negative drop probability was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"drop_probability"});
  }
  options = {};
  options.cx = std::numeric_limits<double>::quiet_NaN();
  EXPECT_ERROR_CONTAINS(options.Check(), {"cx must be finite, got nan"});
  options = {};
  options.fy = 0.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"fy must be > 0, got 0"});
  options = {};
  options.width = 0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"width must be >= 1, got 0"});
}

}  // namespace
}  // namespace intersynth
