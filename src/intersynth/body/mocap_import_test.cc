#include "intersynth/body/mocap_import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <limits>

#include "intersynth/body/retarget.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/io/npy.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / name;
}

float LowestY(const ImportedTake& take) {
  float lowest = take.joints[1];
  for (size_t i = 1; i < take.joints.size(); i += 3) lowest = std::min(lowest, take.joints[i]);
  return lowest;
}

TEST(GuessMetresPerUnit, PicksTheOnePlausibleUnit) {
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(1.38, "a.bvh"), 1.0);            // metres
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(136.0, "a.bvh"), 0.01);          // Bandai, cm
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(1450.0, "a.bvh"), 0.001);        // mm
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(57.0, "a.bvh"), 0.0254);         // inch
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(25.7, "a.bvh"), 0.0254 / 0.45);  // CMU, ASF unit
}

TEST(GuessMetresPerUnit, ImplausibleHeightAsksForTheFlag) {
  EXPECT_ERROR_CONTAINS(GuessMetresPerUnit(5.0, "tiny.bvh"), {"tiny.bvh", "(metres_per_unit)"});
  EXPECT_ERROR_CONTAINS(GuessMetresPerUnit(-1.0, "neg.bvh"), {"neg.bvh"});
}

TEST(MocapImport, ReActIdleFixtureInMetresOnTheFloor) {
  const ImportedTake take = ImportMocapTake(Fixture("bvh/reactidle_001_acted_first4.bvh"));
  EXPECT_EQ(take.joint_map, "reactidle");
  EXPECT_TRUE(take.unit_guessed);
  EXPECT_DOUBLE_EQ(take.metres_per_unit, 1.0);
  EXPECT_EQ(take.num_frames, 4);
  EXPECT_EQ(take.joints.size(), 4u * kSmpl22NumJoints * 3);
  EXPECT_NEAR(LowestY(take), 0.0f, 0.03f);
}

TEST(MocapImport, GivenUnitIsUsedAsIs) {
  MocapImportOptions options;
  options.metres_per_unit = 0.5;
  const ImportedTake take = ImportMocapTake(Fixture("bvh/reactidle_001_acted_first4.bvh"), options);
  EXPECT_FALSE(take.unit_guessed);
  EXPECT_DOUBLE_EQ(take.metres_per_unit, 0.5);
}

TEST(MocapImport, FpsOverrideReplacesTheHeader) {
  MocapImportOptions options;
  options.fps_override = 120.0;
  EXPECT_DOUBLE_EQ(ImportMocapTake(Fixture("bvh/reactidle_001_acted_first4.bvh"), options).fps,
                   120.0);
  options.fps_override = -1.0;
  EXPECT_ERROR_CONTAINS(ImportMocapTake(Fixture("bvh/reactidle_001_acted_first4.bvh"), options),
                        {"fps_override must be >= 0, got -1"});
}

TEST(MocapImport, AmcWithItsAsfUsesTheAsfUnit) {
  MocapImportOptions options;
  options.asf = Fixture("asf_amc/HDM_tr.asf");
  const ImportedTake take =
      ImportMocapTake(Fixture("asf_amc/HDM_tr_grabHighR_023_120_first10.amc"), options);
  EXPECT_EQ(take.joint_map, "hdm05");
  EXPECT_FALSE(take.unit_guessed);
  EXPECT_NEAR(take.metres_per_unit, 0.0254 / 0.45, 1e-12);
  EXPECT_DOUBLE_EQ(take.fps, 120.0);
  EXPECT_EQ(take.num_frames, 10);
}

TEST(MocapImport, AmcWithTwoAsfFilesBesideAsksForAsf) {
  EXPECT_ERROR_CONTAINS(ImportMocapTake(Fixture("asf_amc/HDM_tr_grabHighR_023_120_first10.amc")),
                        {"HDM_tr_grabHighR_023_120_first10.amc", "pass asf"});
}

TEST(MocapImport, UnknownSkeletonPointsToJointMapFlag) {
  EXPECT_ERROR_CONTAINS(ImportMocapTake(Fixture("bvh/bandai_like.bvh")),
                        {"bandai_like.bvh", "joint_Root", "joint_map"});
}

TEST(MocapImport, UserJointMapIsTriedFirst) {
  testing::TempDir dir;
  std::string map = ReadFileToString(testing::SourceDir() / "data/joint_maps/reactidle.json");
  map.replace(map.find("\"reactidle\""), 11, "\"my-rig\"");
  WriteFileAtomic(dir / "mine.json", map);
  MocapImportOptions options;
  options.joint_map = dir / "mine.json";
  EXPECT_EQ(ImportMocapTake(Fixture("bvh/reactidle_001_acted_first4.bvh"), options).joint_map,
            "my-rig");
}

TEST(MocapImport, OtherExtensionIsAnError) {
  EXPECT_ERROR_CONTAINS(ImportMocapTake("clip.fbx"), {"clip.fbx", ".bvh or .amc"});
}

TEST(MocapImport, RealBandaiAndCmuUnitsAreGuessed) {
  INTERSYNTH_REQUIRE_SHARED_DATA(mocap, "mocap");
  const ImportedTake bandai = ImportMocapTake(mocap / "samples/dataset-2_walk_normal_001.bvh");
  EXPECT_EQ(bandai.joint_map, "bandai");
  EXPECT_DOUBLE_EQ(bandai.metres_per_unit, 0.01);
  const ImportedTake cmu = ImportMocapTake(mocap / "cmu/131_01.bvh");
  EXPECT_NEAR(cmu.metres_per_unit, 0.0254 / 0.45, 1e-12);
  EXPECT_NEAR(LowestY(cmu), 0.0f, 0.05f);
}

// Two frames of the bundled HumanML3D sample; with `t_pose` frame 0 gets its
// arms stretched out level with the shoulders.
std::vector<float> TwoFrames(bool t_pose, bool jump) {
  std::vector<float> joints =
      ReadNpy(testing::SourceDir() / "assets/humanml3d/012314_joints.npy").ToVector<float>();
  joints.resize(2 * kSmpl22NumJoints * 3);
  if (t_pose) {
    for (int t = 0; t < (jump ? 1 : 2); ++t) {
      float* f = joints.data() + static_cast<size_t>(t) * kSmpl22NumJoints * 3;
      for (int side : {0, 1}) {
        const int shoulder = side == 0 ? kSmpl22LeftShoulder : kSmpl22RightShoulder;
        const int elbow = shoulder + 2, wrist = shoulder + 4;  // 16 -> 18 -> 20
        const float out = side == 0 ? 1.0f : -1.0f;            // left is +x here
        for (int k = 0; k < 3; ++k) {
          f[elbow * 3 + k] = f[shoulder * 3 + k] + (k == 0 ? 0.28f * out : 0.0f);
          f[wrist * 3 + k] = f[shoulder * 3 + k] + (k == 0 ? 0.55f * out : 0.0f);
        }
      }
    }
  }
  return joints;
}

TEST(IsAddedTPose, TPoseFollowedByAJumpIsAdded) {
  EXPECT_TRUE(IsAddedTPose(TwoFrames(/*t_pose=*/true, /*jump=*/true), 2));
}

TEST(IsAddedTPose, SmoothStartInATPoseIsKept) {
  EXPECT_FALSE(IsAddedTPose(TwoFrames(/*t_pose=*/true, /*jump=*/false), 2));
}

TEST(IsAddedTPose, OrdinaryStartIsKept) {
  EXPECT_FALSE(IsAddedTPose(TwoFrames(/*t_pose=*/false, /*jump=*/false), 2));
  EXPECT_FALSE(IsAddedTPose(TwoFrames(/*t_pose=*/true, /*jump=*/true), 1));
}

TEST(MocapImport, CmuAddedTPoseIsDropped) {
  INTERSYNTH_REQUIRE_SHARED_DATA(cmu, "mocap/cmu");
  // 13_14 starts with a T-pose 0.74 m away from frame 1; 131_01 does not.
  const ImportedTake with = ImportMocapTake(cmu / "13_14.bvh");
  EXPECT_TRUE(with.dropped_t_pose);
  EXPECT_EQ(with.num_frames, 2424);
  MocapImportOptions keep;
  keep.drop_added_t_pose = false;
  EXPECT_EQ(ImportMocapTake(cmu / "13_14.bvh", keep).num_frames, 2425);
  EXPECT_FALSE(ImportMocapTake(cmu / "131_01.bvh").dropped_t_pose);
}

TEST(MocapImportOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(MocapImportOptions{}.Check());
  MocapImportOptions options;
  options.amc_fps = 0.0;
  try {
    options.Check();
    ADD_FAILURE() << "amc_fps 0 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"amc_fps"});
  }
  options = {};
  options.metres_per_unit = -0.01;
  EXPECT_ERROR_CONTAINS(options.Check(), {"metres_per_unit must be >= 0, got -0.01"});
  options = {};
  options.fps_override = std::numeric_limits<double>::infinity();
  EXPECT_ERROR_CONTAINS(options.Check(), {"fps_override must be finite, got inf"});
}

}  // namespace
}  // namespace intersynth
