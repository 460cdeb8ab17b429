#include "intersynth/body/retarget.h"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "intersynth/body/forward_kinematics.h"
#include "intersynth/body/joint_map.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/io/asf_amc.h"
#include "intersynth/io/bvh.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

// Synthetic -------------------------------------------------------------------

// A source with joints "j0".."j<n-1>" at random positions over `frames` frames.
NamedJointPositions RandomSource(int num_joints, int frames, unsigned seed) {
  NamedJointPositions p;
  for (int j = 0; j < num_joints; ++j) {
    p.names.push_back("j" + std::to_string(j));
    p.parents.push_back(j - 1);
  }
  p.num_frames = frames;
  p.fps = 30;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  p.positions.resize(static_cast<size_t>(frames) * num_joints * 3);
  for (double& x : p.positions) x = u(rng);
  return p;
}

// smpl22 joint j <- source joint j + 1, except spine2 (6), between j3 and j9
// at t = 0.25, and the left foot (10), between j30 and j31 at t = 1.
JointMap SyntheticMap() {
  JointMap map;
  map.name = "synthetic";
  map.source = "synthetic.json";
  for (int j = 0; j < kSmpl22NumJoints; ++j) map.targets[j].a = "j" + std::to_string(j + 1);
  map.targets[6] = {"j3", "j9", 0.25};
  map.targets[10] = {"j30", "j31", 1.0};
  return map;
}

TEST(RetargetToSmpl22, PicksAndInterpolatesSourceJoints) {
  const NamedJointPositions source = RandomSource(32, 5, 7);
  const std::vector<float> joints = RetargetToSmpl22(source, SyntheticMap());
  ASSERT_EQ(joints.size(), 5u * 22u * 3u);
  for (int t = 0; t < 5; ++t) {
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      for (int k = 0; k < 3; ++k) {
        double expected = source.at(t, j + 1)[k];
        if (j == 6) expected = 0.75 * source.at(t, 3)[k] + 0.25 * source.at(t, 9)[k];
        if (j == 10) expected = source.at(t, 31)[k];
        EXPECT_FLOAT_EQ(joints[(t * 22 + j) * 3 + k], static_cast<float>(expected))
            << t << " " << j << " " << k;
      }
    }
  }
}

TEST(RetargetToSmpl22, MissingSourceJointNamesMapAndJoint) {
  const NamedJointPositions source = RandomSource(20, 2, 1);  // no j20 .. j31
  EXPECT_ERROR_CONTAINS(RetargetToSmpl22(source, SyntheticMap()),
                        {"synthetic.json", "joints.left_foot", "'j30'"});
}

TEST(RetargetToSmpl22, WrongPositionCountIsAnError) {
  NamedJointPositions source = RandomSource(32, 3, 1);
  source.positions.pop_back();
  EXPECT_ERROR_CONTAINS(RetargetToSmpl22(source, SyntheticMap()), {"3 frames x 32 joints"});
}

TEST(RetargetToSmpl22, ZeroFramesGiveEmptyOutput) {
  const NamedJointPositions source = RandomSource(32, 0, 1);
  EXPECT_TRUE(RetargetToSmpl22(source, SyntheticMap()).empty());
}

// Frames whose lowest foot joint is at `lows[t]`, every other joint 1 m higher.
std::vector<float> FeetAt(const std::vector<float>& lows) {
  std::vector<float> joints(lows.size() * 22 * 3);
  for (size_t t = 0; t < lows.size(); ++t) {
    for (int j = 0; j < 22; ++j) {
      const bool foot = j == 7 || j == 8 || j == 10 || j == 11;
      joints[(t * 22 + j) * 3 + 0] = 0.1f * j;
      joints[(t * 22 + j) * 3 + 1] = lows[t] + (foot ? (j == 11 ? 0.0f : 0.05f) : 1.0f);
      joints[(t * 22 + j) * 3 + 2] = -0.2f * j;
    }
  }
  return joints;
}

TEST(PutOnFloor, IgnoresAFewOutlierFramesBelowTheFloor) {
  // 100 frames on a floor at y = 0.3, three glitch frames 0.5 m lower and a
  // jump of 20 frames 0.4 m higher.
  std::vector<float> lows(100, 0.3f);
  lows[10] = lows[50] = lows[90] = -0.2f;
  for (int t = 60; t < 80; ++t) lows[t] = 0.7f;
  std::vector<float> joints = FeetAt(lows);
  const std::vector<float> before = joints;
  const double floor = PutOnFloor(joints, 100);
  EXPECT_NEAR(floor, 0.3, 1e-6);
  for (size_t i = 0; i < joints.size(); ++i) {
    // y shifted by the floor; x and z untouched.
    const double expected = i % 3 == 1 ? before[i] - 0.3 : before[i];
    EXPECT_NEAR(joints[i], expected, 1e-6) << i;
  }
  // The lowest foot (right_foot) touches y = 0 in a supported frame.
  EXPECT_NEAR(joints[(0 * 22 + 11) * 3 + 1], 0.0, 1e-6);
}

TEST(PutOnFloor, PercentileZeroIsTheMinimumAndInterpolatesBetweenFrames) {
  std::vector<float> joints = FeetAt({0.0f, 1.0f, 2.0f, 3.0f, 4.0f});
  PutOnFloorOptions options;
  options.percentile = 0.0;
  EXPECT_NEAR(PutOnFloor(joints, 5, options), 0.0, 1e-6);
  joints = FeetAt({4.0f, 3.0f, 2.0f, 1.0f, 0.0f});
  options.percentile = 10.0;  // q = 0.4 between the two lowest: 0.4
  EXPECT_NEAR(PutOnFloor(joints, 5, options), 0.4, 1e-6);
  // A second call finds the floor at 0 (idempotent).
  EXPECT_NEAR(PutOnFloor(joints, 5, options), 0.0, 1e-6);
}

TEST(LiftBodyAboveFloor, LiftsLyingFramesSmoothlyAndLeavesFootGlitchesAlone) {
  // 40 standing frames on y = 0; frames 15..24 lie with the pelvis 6 cm in
  // the floor; frame 35 has a foot glitch 5 cm under it.
  std::vector<float> lows(40, 0.0f);
  std::vector<float> joints = FeetAt(lows);
  auto y = [&](int t, int j) -> float& { return joints[(t * 22 + j) * 3 + 1]; };
  for (int t = 15; t < 25; ++t) y(t, 0) = -0.06f;
  y(35, 10) = -0.05f;
  const std::vector<float> before = joints;
  const double lift = LiftBodyAboveFloor(joints, 40, /*radius_frames=*/3);
  EXPECT_NEAR(lift, 0.06, 1e-6);
  double largest_step = 0.0;
  for (int t = 0; t < 40; ++t) {
    const double offset = y(t, 3) - before[(t * 22 + 3) * 3 + 1];
    // Every joint of a frame moves by the same amount, upwards, and only y.
    for (int j = 0; j < 22; ++j) {
      EXPECT_NEAR(y(t, j) - before[(t * 22 + j) * 3 + 1], offset, 1e-6) << t << " " << j;
      EXPECT_EQ(joints[(t * 22 + j) * 3], before[(t * 22 + j) * 3]);
    }
    // No non-foot joint stays in the floor.
    EXPECT_GE(y(t, 0), -1e-6) << t;
    // Far from the lying frames nothing moves, the foot glitch included.
    if (t < 9 || t > 30) EXPECT_EQ(offset, 0.0) << t;
    if (t > 0) {
      const double previous = y(t - 1, 3) - before[((t - 1) * 22 + 3) * 3 + 1];
      largest_step = std::max(largest_step, std::abs(offset - previous));
    }
  }
  EXPECT_NEAR(y(35, 10), -0.05f, 1e-7);
  // The lift fades in over 2 x radius + 1 frames: at most 6 cm / 7 a frame.
  EXPECT_LE(largest_step, 0.06 / 7 + 1e-6);
  EXPECT_GT(largest_step, 0.0);
}

TEST(LiftBodyAboveFloor, NothingToDoAndBadShapes) {
  std::vector<float> joints = FeetAt({0.0f, 0.1f, 0.0f});
  const std::vector<float> before = joints;
  EXPECT_EQ(LiftBodyAboveFloor(joints, 3), 0.0);
  EXPECT_EQ(joints, before);
  EXPECT_ERROR_CONTAINS(LiftBodyAboveFloor(joints, 4), {"4 frames x 22 x 3"});
  EXPECT_ERROR_CONTAINS(LiftBodyAboveFloor(joints, 3, -1), {"radius_frames must be >= 0"});
  std::vector<float> none;
  EXPECT_EQ(LiftBodyAboveFloor(none, 0), 0.0);
}

TEST(PutOnFloor, RejectsBadShapeAndPercentile) {
  std::vector<float> joints = FeetAt({0.0f, 1.0f});
  EXPECT_ERROR_CONTAINS(PutOnFloor(joints, 3), {"3 frames x 22 x 3"});
  PutOnFloorOptions options;
  options.percentile = 101;
  EXPECT_ERROR_CONTAINS(PutOnFloor(joints, 2, options),
                        {"percentile must be in [0, 100], got 101"});
  std::vector<float> none;
  EXPECT_EQ(PutOnFloor(none, 0), 0.0);
}

// Real rigs -------------------------------------------------------------------

std::vector<JointMap> ShippedMaps() {
  return LoadJointMaps(testing::SourceDir() / "data/joint_maps");
}

Eigen::Vector3d J(const std::vector<float>& joints, int t, int j) {
  const float* x = joints.data() + (static_cast<size_t>(t) * 22 + j) * 3;
  return Eigen::Vector3d(x[0], x[1], x[2]);
}

// Retargets `source` with the shipped maps and checks that the expected map
// is picked and that the smpl22 skeleton is a rigid, plausible, upright
// person standing on y = 0. Prints the measured figures.
//
// `arm_tolerance`: the allowed difference (m) between the left and right arm
// lengths; the smpl22 arms inherit the source's own asymmetry, which is 2.1 cm
// in the OFFSETs of CMU subject 131 and 3.7 cm in 13_14.bvh (upper arm 0.305
// vs 0.345 m), so CMU gets 4 cm and every other rig 2 cm.
void CheckRealRetarget(const NamedJointPositions& source,
                       const std::string& expected_map,
                       const std::string& label,
                       double arm_tolerance = 0.02) {
  SCOPED_TRACE(label);
  const std::vector<JointMap> maps = ShippedMaps();
  const JointMap& map = FindJointMap(source, maps, label);
  EXPECT_EQ(map.name, expected_map);
  std::vector<float> joints = RetargetToSmpl22(source, map);
  const int frames = source.num_frames;
  ASSERT_GT(frames, 0);
  PutOnFloor(joints, frames);

  // Rigid bones: the std of every smpl22 bone length over the clip.
  double max_std = 0.0;
  int worst = 0;
  for (int j = 1; j < kSmpl22NumJoints; ++j) {
    double sum = 0.0, sum2 = 0.0;
    for (int t = 0; t < frames; ++t) {
      const double d = (J(joints, t, j) - J(joints, t, kSmpl22Parents[j])).norm();
      sum += d;
      sum2 += d * d;
    }
    const double mean = sum / frames;
    const double std = std::sqrt(std::max(0.0, sum2 / frames - mean * mean));
    EXPECT_GT(mean, 0.01) << "degenerate bone ending at " << kSmpl22JointNames[j];
    if (std > max_std) max_std = std, worst = j;
  }
  EXPECT_LT(max_std, 1e-3) << "bone ending at " << kSmpl22JointNames[worst];

  // Floor: the lowest foot joint per frame is within 8 cm of y = 0 in nearly
  // all frames and within 2 cm in many, and rarely below -2 cm. (Joint
  // centres, not soles: a CMU ball joint is ~2.5 cm up in a flat stance and
  // ~0 with the toes pointed down, so in 131_01.bvh, whose lowest 5 % of
  // frames have pointed toes, the median lowest foot is 2.7 cm; kneeling in
  // HDM_bk_depositFloorR_007 lifts the lowest foot joint to 6.7 cm in the
  // 95th percentile frame.)
  int touching = 0, near = 0, below = 0;
  std::vector<double> lows;
  for (int t = 0; t < frames; ++t) {
    double low = 1e9;
    for (const int j : {7, 8, 10, 11}) low = std::min(low, J(joints, t, j).y());
    touching += std::abs(low) < 0.02;
    near += std::abs(low) < 0.08;
    below += low < -0.02;
    lows.push_back(low);
  }
  std::sort(lows.begin(), lows.end());
  const double touching_share = static_cast<double>(touching) / frames;
  EXPECT_GT(touching_share, 0.25);
  EXPECT_GE(near, 0.95 * frames);
  EXPECT_LE(below, std::max(1, frames / 20));

  // Standing frame: the one with the highest head.
  int stand = 0;
  for (int t = 1; t < frames; ++t) {
    if (J(joints, t, 15).y() > J(joints, stand, 15).y()) stand = t;
  }
  const double head = J(joints, stand, 15).y();
  EXPECT_GT(J(joints, stand, 15).y(), J(joints, stand, 12).y());
  EXPECT_GT(J(joints, stand, 12).y(), J(joints, stand, 9).y());
  EXPECT_GT(J(joints, stand, 9).y(), J(joints, stand, 0).y());
  EXPECT_GT(J(joints, stand, 0).y(), J(joints, stand, 4).y());
  EXPECT_GT(J(joints, stand, 4).y(), J(joints, stand, 7).y());
  EXPECT_GT(head, 1.0);
  EXPECT_LT(head, 1.9);

  // Every frame: the pelvis lies between the hips; the facing from the hips,
  //   forward = up x (right_hip - left_hip) = (d.z, 0, -d.x),
  // agrees with the feet (ankle -> ball) in nearly all frames, and the
  // shoulders are not swapped against the hips.
  int feet_forward = 0, shoulders_agree = 0;
  for (int t = 0; t < frames; ++t) {
    const Eigen::Vector3d l = J(joints, t, 1), r = J(joints, t, 2), pelvis = J(joints, t, 0);
    const Eigen::Vector3d d = r - l;
    const double s = (pelvis - l).dot(d) / d.squaredNorm();
    EXPECT_GT(s, 0.3) << "frame " << t;
    EXPECT_LT(s, 0.7) << "frame " << t;
    EXPECT_LT((pelvis - 0.5 * (l + r)).norm(), 0.15) << "frame " << t;
    const Eigen::Vector3d forward(d.z(), 0.0, -d.x());
    const Eigen::Vector3d toes =
        (J(joints, t, 10) - J(joints, t, 7)) + (J(joints, t, 11) - J(joints, t, 8));
    feet_forward += toes.dot(forward) > 0.0;
    shoulders_agree += (J(joints, t, 17) - J(joints, t, 16)).dot(d) > 0.0;
  }
  EXPECT_GE(feet_forward, 0.8 * frames);
  EXPECT_EQ(shoulders_agree, frames);

  // Symmetric limbs (mean lengths over the clip).
  const auto limb = [&](int a, int b, int c) {
    double sum = 0.0;
    for (int t = 0; t < frames; ++t) {
      sum +=
          (J(joints, t, b) - J(joints, t, a)).norm() + (J(joints, t, c) - J(joints, t, b)).norm();
    }
    return sum / frames;
  };
  const double left_arm = limb(16, 18, 20), right_arm = limb(17, 19, 21);
  const double left_leg = limb(1, 4, 7), right_leg = limb(2, 5, 8);
  EXPECT_NEAR(left_arm, right_arm, arm_tolerance);
  EXPECT_NEAR(left_leg, right_leg, 0.03);

  std::cout << label << " [" << map.name << "]: " << frames << " frames, max bone-length std "
            << max_std * 1000 << " mm (" << kSmpl22JointNames[worst]
            << "), lowest foot within 2 cm of y=0 in " << touching_share * 100 << " % of frames ("
            << below << " below -2 cm), head " << head << " m at frame " << stand << ", arms "
            << left_arm << "/" << right_arm << " m, legs " << left_leg << "/" << right_leg
            << " m; lowest foot y percentiles 5/50/95: " << lows[frames / 20] << "/"
            << lows[frames / 2] << "/" << lows[frames * 19 / 20] << " m\n";
}

void CheckBvhFolder(const std::filesystem::path& folder,
                    double metres_per_unit,
                    const std::vector<std::pair<std::string, std::string>>& map_by_prefix,
                    double arm_tolerance) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".bvh") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    std::string expected;
    for (const auto& [prefix, map] : map_by_prefix) {
      if (name.rfind(prefix, 0) == 0) expected = map;
    }
    const NamedJointPositions p = BvhForwardKinematics(ReadBvh(entry.path()), metres_per_unit);
    CheckRealRetarget(p, expected, name, arm_tolerance);
  }
  EXPECT_GT(files, 0);
}

TEST(RetargetSharedData, BandaiSamples) {
  INTERSYNTH_REQUIRE_SHARED_DATA(samples, "mocap/samples");
  CheckBvhFolder(samples, 0.01, {{"dataset-", "bandai"}}, 0.02);
}

TEST(RetargetSharedData, CmuBvhThreeNamingSchemes) {
  INTERSYNTH_REQUIRE_SHARED_DATA(cmu, "mocap/cmu");
  CheckBvhFolder(cmu, 0.0254 / 0.45,
                 {{"131_", "cmu_lefthip"}, {"13_", "cmu_leftupleg"}, {"18_", "cmu_asf"}}, 0.04);
}

// Extracts `members` of a shared .tar.xz archive into `dir` (tar must exist;
// GTEST_SKIPs the caller through the returned false when it fails).
bool ExtractMembers(const std::filesystem::path& archive,
                    const std::filesystem::path& dir,
                    const std::vector<std::string>& members) {
  std::string command = "tar -xJf '" + archive.string() + "' -C '" + dir.string() + "'";
  for (const std::string& member : members) command += " '" + member + "'";
  std::string output;
  const int rc = testing::RunCommand(command + " 2>&1", &output);
  if (rc != 0) std::cout << "tar failed (" << rc << "): " << output << "\n";
  return rc == 0;
}

TEST(RetargetSharedData, ReActIdleArchiveActedAndGenuineTakes) {
  INTERSYNTH_REQUIRE_SHARED_DATA(archive, "mocap/reactidle.tar.xz");
  testing::TempDir dir;
  const std::vector<std::string> takes = {"reactidle/acted/001_acted.bvh",
                                          "reactidle/genuine/003_genuine.bvh"};
  if (!ExtractMembers(archive, dir.path(), takes)) GTEST_SKIP() << "cannot extract " << archive;
  for (const std::string& take : takes) {
    const NamedJointPositions p = BvhForwardKinematics(ReadBvh(dir / take), 1.0);
    CheckRealRetarget(p, "reactidle", take);
  }
}

TEST(RetargetSharedData, Hdm05ArchiveOneTakePerActor) {
  INTERSYNTH_REQUIRE_SHARED_DATA(archive, "mocap/hdm05.tar.xz");
  testing::TempDir dir;
  // depositFloorR (class 1): standing, crouching down to the floor and back.
  const std::vector<std::pair<std::string, std::string>> takes = {
      {"train/1/HDM_bd.asf", "train/1/HDM_bd_depositFloorR_001_120.amc"},
      {"train/1/HDM_bk.asf", "train/1/HDM_bk_depositFloorR_007_120.amc"},
      {"train/1/HDM_dg.asf", "train/1/HDM_dg_depositFloorR_013_120.amc"},
      {"test/1/HDM_mm.asf", "test/1/HDM_mm_depositFloorR_019_120.amc"},
      {"test/1/HDM_tr.asf", "test/1/HDM_tr_depositFloorR_027_120.amc"}};
  std::vector<std::string> members;
  for (const auto& [asf, amc] : takes) {
    members.push_back("hdm05_jointlearning/" + asf);
    members.push_back("hdm05_jointlearning/" + amc);
  }
  if (!ExtractMembers(archive, dir.path(), members)) GTEST_SKIP() << "cannot extract " << archive;
  for (const auto& [asf, amc] : takes) {
    const AsfSkeleton skeleton = ReadAsf(dir / ("hdm05_jointlearning/" + asf));
    const AmcMotion motion = ReadAmc(dir / ("hdm05_jointlearning/" + amc), skeleton);
    CheckRealRetarget(AmcForwardKinematics(skeleton, motion, 120.0), "hdm05", amc);
  }
}

TEST(Retarget, ReActIdleFixture) {
  const NamedJointPositions p = BvhForwardKinematics(
      ReadBvh(testing::SourceDir() / "testdata/bvh/reactidle_001_acted_first4.bvh"), 1.0);
  CheckRealRetarget(p, "reactidle", "reactidle_001_acted_first4.bvh");
}

TEST(Retarget, Hdm05Fixture) {
  const AsfSkeleton skeleton = ReadAsf(testing::SourceDir() / "testdata/asf_amc/HDM_tr.asf");
  const AmcMotion motion = ReadAmc(
      testing::SourceDir() / "testdata/asf_amc/HDM_tr_grabHighR_023_120_first10.amc", skeleton);
  CheckRealRetarget(AmcForwardKinematics(skeleton, motion, 120.0), "hdm05",
                    "HDM_tr_grabHighR_023_120_first10.amc");
}

TEST(Retarget, UnknownRealSkeletonListsItsJointsAndTheFlag) {
  const NamedJointPositions p = BvhForwardKinematics(
      ReadBvh(testing::SourceDir() / "testdata/bvh/reactidle_001_acted_first4.bvh"), 1.0);
  std::vector<JointMap> maps = ShippedMaps();
  maps.erase(std::remove_if(maps.begin(), maps.end(),
                            [](const JointMap& m) { return m.name == "reactidle"; }),
             maps.end());
  EXPECT_ERROR_CONTAINS(FindJointMap(p, maps, "reactidle_001.bvh"),
                        {"reactidle_001.bvh: unknown skeleton (joints: pelvis, spine, spine.001",
                         "foot.R_End", "pass it as joint_map"});
}

TEST(PutOnFloorOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(PutOnFloorOptions{}.Check());
  EXPECT_NO_THROW(PutOnFloorOptions{.percentile = 0.0}.Check());
  EXPECT_NO_THROW(PutOnFloorOptions{.percentile = 100.0}.Check());
  try {
    PutOnFloorOptions{.percentile = -1.0}.Check();
    ADD_FAILURE() << "percentile -1 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"percentile"});
  }
}

}  // namespace
}  // namespace intersynth
