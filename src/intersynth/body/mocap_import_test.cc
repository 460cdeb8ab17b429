#include "intersynth/body/mocap_import.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "intersynth/body/smpl22.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

std::filesystem::path Fixture(const std::string& name) { return testing::SourceDir() / "testdata" / name; }

float LowestY(const ImportedTake& take) {
  float lowest = take.joints[1];
  for (size_t i = 1; i < take.joints.size(); i += 3) lowest = std::min(lowest, take.joints[i]);
  return lowest;
}

TEST(GuessMetresPerUnit, PicksTheOnePlausibleUnit) {
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(1.38, "a.bvh"), 1.0);          // metres
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(136.0, "a.bvh"), 0.01);        // Bandai, cm
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(1450.0, "a.bvh"), 0.001);      // mm
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(57.0, "a.bvh"), 0.0254);       // inch
  EXPECT_DOUBLE_EQ(GuessMetresPerUnit(25.7, "a.bvh"), 0.0254 / 0.45);  // CMU, ASF unit
}

TEST(GuessMetresPerUnit, ImplausibleHeightAsksForTheFlag) {
  EXPECT_ERROR_CONTAINS(GuessMetresPerUnit(5.0, "tiny.bvh"), {"tiny.bvh", "--metres-per-unit"});
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
                        {"HDM_tr_grabHighR_023_120_first10.amc", "--asf"});
}

TEST(MocapImport, UnknownSkeletonPointsToJointMapFlag) {
  EXPECT_ERROR_CONTAINS(ImportMocapTake(Fixture("bvh/bandai_like.bvh")),
                        {"bandai_like.bvh", "joint_Root", "--joint-map"});
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

}  // namespace
}  // namespace intersynth
