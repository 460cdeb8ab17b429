#include "intersynth/motion/nuisi_source.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "intersynth/body/joint_map.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;
using Vec3 = Vector3<double>;
using Mat3 = Matrix3<double>;

fs::path NuisiMap() { return DefaultJointMapDir() / "nuisi.json"; }

// A standing Nuitrack skeleton (metres, Y up, facing +Z, left = +X) whose
// right hand reaches `reach` metres forward of the waist at hand height 1.0 m.
std::array<Vec3, kNuitrackNumJoints> StandingSkeleton(double reach, double left_arm_swing) {
  std::array<Vec3, kNuitrackNumJoints> j;
  j[0] = Vec3(0, 0, 0);
  j[1] = Vec3(0, 1.62, 0.02);                // head
  j[2] = Vec3(0, 1.45, 0);                   // neck
  j[3] = Vec3(0, 1.18, 0);                   // torso
  j[4] = Vec3(0, 0.98, 0);                   // waist
  j[5] = Vec3(0, 1.40, 0);                   // left collar (Nuitrack: at the neck base)
  j[6] = Vec3(0.15, 1.40, 0);                // left shoulder
  j[7] = Vec3(0.17, 1.12, left_arm_swing);   // left elbow
  j[8] = Vec3(0.18, 0.88, left_arm_swing);   // left wrist
  j[9] = Vec3(0.18, 0.80, left_arm_swing);   // left hand
  j[10] = Vec3(0.18, 0.74, left_arm_swing);  // left fingertip
  j[11] = Vec3(0, 1.40, 0);                  // right collar
  j[12] = Vec3(-0.15, 1.40, 0);              // right shoulder
  // Right arm: elbow and hand on the way from the shoulder to the target.
  const Vec3 hand(-0.05, 1.0, reach);
  j[13] = j[12] + 0.5 * (hand - j[12]) + Vec3(-0.05, -0.05, 0);
  j[14] = j[12] + 0.9 * (hand - j[12]);
  j[15] = hand;
  j[16] = hand + Vec3(0, 0, 0.05);
  j[17] = Vec3(0.1, 0.90, 0);      // left hip
  j[18] = Vec3(0.1, 0.48, 0.01);   // left knee
  j[19] = Vec3(0.1, 0.08, 0);      // left ankle
  j[20] = Vec3(0.1, 0.02, 0.12);   // left foot
  j[21] = Vec3(-0.1, 0.90, 0);     // right hip
  j[22] = Vec3(-0.1, 0.48, 0.01);  // right knee
  j[23] = Vec3(-0.1, 0.08, 0);     // right ankle
  j[24] = Vec3(-0.1, 0.02, 0.12);  // right foot
  return j;
}

// A sensor: world_from_sensor (right-handed Y-up sensor frame, looking along -Z).
struct Sensor {
  Mat3 rotation;
  Vec3 position;
};

// Writes one person's file in NuiSI's format: joints given in the world,
// expressed in the sensor's frame and then in Nuitrack's (x depth, y right, z up, mm).
std::string FormatLine(int index,
                       long long time_ms,
                       const std::array<Vec3, kNuitrackNumJoints>& world,
                       const Sensor& sensor,
                       bool feet_tracked,
                       bool left_arm_tracked) {
  std::string line = fmt::format("{},{},25", index, time_ms);
  for (int j = 0; j < kNuitrackNumJoints; ++j) {
    const Vec3 s = sensor.rotation.transpose() * (world[j] - sensor.position);
    // Our frame (X right, Y up, Z towards the sensor) -> Nuitrack (x = -Z, y = X, z = Y), mm.
    const double x = -s.z() * 1000, y = s.x() * 1000, z = s.y() * 1000;
    bool tracked = j != 0 && j != 10 && j != 16;
    if (!feet_tracked && (j == 20 || j == 24)) tracked = false;
    if (!left_arm_tracked && (j == 7 || j == 8 || j == 9)) tracked = false;
    const double u = 0.5 + 0.886 * y / x, v = 0.5 - 0.5016 * z / x;
    line += fmt::format(",{},{},{:.6f},{:.6f},{:.4f},{:.4f},{:.4f},{:.4f}", j, tracked ? 0.75 : 0.0,
                        tracked ? u : 0.0, tracked ? v : 0.0, tracked ? x : 0.0, tracked ? y : 0.0,
                        tracked ? z : 0.0, tracked ? x : 0.0);
  }
  return line + "\n";
}

// The truth of a synthetic fist-bump scene.
struct Scene {
  double pelvis_distance = 0.0;
};

// Two people face to face `distance` apart (pelvis to pelvis along Z), each
// seen by a sensor 1.1 m in front of them, 1.3 m high, tilted down by
// `tilt_degrees`; they repeatedly reach with the right hand until the fist
// centres are 8 cm apart. Writes Rocket_p1.txt / Rocket_p2.txt into `dir`.
Scene WriteFistBumpScene(const fs::path& dir, double distance, double tilt_degrees) {
  const double tilt = tilt_degrees * M_PI / 180.0;
  // Person 1 at the origin facing +Z; person 2 at (0, 0, distance) facing -Z,
  // shifted sideways so that the two right hands meet: person 1's right hand
  // is at x = -0.05, person 2's (turned) at x = +0.05 + offset.
  const Mat3 turn = AxisAngleToMatrix(Vec3(0, M_PI, 0));
  const double offset = -0.10;
  // Sensor 1 looks at person 1 from +Z (it stands 1.1 m in front of them):
  // a sensor frame looking along its -Z, tilted down about its X axis.
  const Mat3 pitch = AxisAngleToMatrix(Vec3(-tilt, 0, 0));
  const Sensor sensor1{pitch, Vec3(0, 1.3, 1.1)};
  const Sensor sensor2{turn * pitch, Vec3(offset, 1.3, distance - 1.1)};
  std::string p1, p2;
  long long time_ms = 1693077907000;
  for (int i = 0; i < 400; ++i) {
    // Irregular timing: 26-42 ms.
    time_ms += 26 + (i * 7) % 17;
    // Reach cycles between 0.2 m and the contact reach.
    const double contact_reach = distance / 2 - 0.04;
    const double phase = 0.5 - 0.5 * std::cos(2 * M_PI * i / 100.0);
    const double reach = 0.2 + (contact_reach - 0.2) * std::min(1.0, phase * 1.6);
    const bool left_arm = (i / 50) % 2 == 0;
    std::array<Vec3, kNuitrackNumJoints> a = StandingSkeleton(reach, 0.0);
    std::array<Vec3, kNuitrackNumJoints> b = StandingSkeleton(reach, 0.0);
    for (Vec3& q : b) q = turn * q + Vec3(offset, 0, distance);
    p1 += FormatLine(i, time_ms, a, sensor1, false, left_arm);
    p2 += FormatLine(i, time_ms, b, sensor2, false, !left_arm);
  }
  WriteFileAtomic(dir / "Rocket_p1.txt", p1);
  WriteFileAtomic(dir / "Rocket_p2.txt", p2);
  return {std::hypot(offset, distance)};
}

TEST(Nuisi, SyntheticFistBumpIsPlacedFaceToFaceAtTheTrueDistance) {
  testing::TempDir dir;
  const Scene scene = WriteFistBumpScene(dir.path(), 0.9, 7.0);
  const NuisiRecording recording = ReadNuisiRecording(dir / "Rocket_p1.txt", dir / "Rocket_p2.txt");
  EXPECT_EQ(recording.action, "Rocket");
  EXPECT_EQ(recording.num_frames, 400);
  const NuisiWorld world = NuisiPlaceFaceToFace(recording, NuisiMap());
  EXPECT_NEAR(world.placement.level_degrees[0], 7.0, 0.2);
  EXPECT_NEAR(world.placement.level_degrees[1], 7.0, 0.2);
  EXPECT_EQ(world.placement.contact_hand[0], "right");
  EXPECT_EQ(world.placement.contact_hand[1], "right");
  EXPECT_NEAR(world.placement.pelvis_distance_median_m, scene.pelvis_distance, 0.02);
  // The fist centres end 8 cm apart at contact (the modelled gap).
  EXPECT_NEAR(world.placement.fist_distance_median_m, 0.08, 0.02);
  // The feet were never tracked: filled near the floor, marked invalid.
  const int T = world.num_frames;
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < T; t += 37) {
      EXPECT_FALSE(
          world.valid[(static_cast<size_t>(p) * T + t) * kSmpl22NumJoints + kSmpl22LeftFoot]);
      EXPECT_TRUE(world.valid[(static_cast<size_t>(p) * T + t) * kSmpl22NumJoints + kSmpl22Head]);
      const float* foot =
          world.joints.data() +
          ((static_cast<size_t>(p) * T + t) * kSmpl22NumJoints + kSmpl22LeftFoot) * 3;
      EXPECT_NEAR(foot[1], 0.0, 0.03);
    }
  }
}

TEST(Nuisi, RealRocketRecordingPutsThemFaceToFaceWithFistsTogether) {
  INTERSYNTH_REQUIRE_SHARED_DATA(nuisi, "mocap/nuisi");
  const NuisiRecording recording =
      ReadNuisiRecording(nuisi / "Rocket_p1.txt", nuisi / "Rocket_p2.txt");
  const NuisiWorld world = NuisiPlaceFaceToFace(recording, NuisiMap());
  const NuisiPlacement& placement = world.placement;
  std::printf(
      "NuiSI Rocket: %d frames (%d dropped), level %.1f / %.1f deg, hands %s / %s, %d "
      "contact frames, fist distance median %.3f m p90 %.3f m, pelvis distance %.3f m\n",
      recording.num_frames, recording.dropped_frames, placement.level_degrees[0],
      placement.level_degrees[1], placement.contact_hand[0].c_str(),
      placement.contact_hand[1].c_str(), placement.contact_frames, placement.fist_distance_median_m,
      placement.fist_distance_p90_m, placement.pelvis_distance_median_m);
  EXPECT_LT(placement.fist_distance_median_m, 0.15);
  EXPECT_GT(placement.pelvis_distance_median_m, 0.4);
  EXPECT_LT(placement.pelvis_distance_median_m, 1.2);
}

TEST(Nuisi, MalformedLinesNameFileAndLine) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "Rocket_p1.txt", "0,100,0\n1,130,25,1,2,3\n");
  WriteFileAtomic(dir / "Rocket_p2.txt", "0,100,0\n1,130,0\n");
  EXPECT_ERROR_CONTAINS(ReadNuisiRecording(dir / "Rocket_p1.txt", dir / "Rocket_p2.txt"),
                        {"Rocket_p1.txt:2", "expected 3 fields"});
  WriteFileAtomic(dir / "Rocket_p1.txt", "0,100,0\n1,abc,0\n");
  EXPECT_ERROR_CONTAINS(ReadNuisiRecording(dir / "Rocket_p1.txt", dir / "Rocket_p2.txt"),
                        {"Rocket_p1.txt:2", "'abc'"});
  WriteFileAtomic(dir / "Rocket_p1.txt", "0,100,0\n1,131,0\n");
  EXPECT_ERROR_CONTAINS(ReadNuisiRecording(dir / "Rocket_p1.txt", dir / "Rocket_p2.txt"),
                        {"frame 2 differs"});
  WriteFileAtomic(dir / "Rocket_p1.txt", "0,100,0\n1,130,0\n");
  EXPECT_ERROR_CONTAINS(ReadNuisiRecording(dir / "Rocket_p1.txt", dir / "Rocket_p2.txt"),
                        {"no frame in which both persons were tracked"});
  EXPECT_ERROR_CONTAINS(ReadNuisiRecording(dir / "Missing_p1.txt", dir / "Rocket_p2.txt"),
                        {"Missing_p1.txt"});
}

TEST(Nuisi, UnknownActionListsTheKnownOnes) {
  EXPECT_ERROR_CONTAINS(FindNuisiAction("Dance"), {"'Dance'", "Rocket", "Handshake"});
  EXPECT_EQ(FindNuisiAction("Rocket").texts.front(),
            "two people bump fists, then raise them together");
  EXPECT_EQ(FindNuisiAction("Rocket").segments.size(), 12u);
}

}  // namespace
}  // namespace intersynth
