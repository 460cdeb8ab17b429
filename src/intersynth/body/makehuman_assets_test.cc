#include "intersynth/body/makehuman_assets.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

TEST(MakeHumanAssets, SharedBaseMeshAndItsBodyGroup) {
  INTERSYNTH_REQUIRE_SHARED_DATA(mpfb, "body/mpfb2/base.obj");
  const MakeHumanMesh mesh = ReadMakeHumanObj(*mpfb_optional);
  EXPECT_EQ(mesh.num_vertices(), 19158);
  EXPECT_EQ(mesh.faces.size(), 18486u);
  // shared/data/README.md: the skin is the `body` group, 13,380 vertices.
  EXPECT_EQ(GroupVertices(mesh, "body").size(), 13380u);
  EXPECT_ERROR_CONTAINS(GroupVertices(mesh, "skin"), {"no group 'skin'", "body"});
  // Decimetres: the body is about 17 units tall, Y up.
  double low = 1e9, high = -1e9;
  for (int v : GroupVertices(mesh, "body")) {
    low = std::min(low, mesh.vertices[3 * v + 1]);
    high = std::max(high, mesh.vertices[3 * v + 1]);
  }
  EXPECT_GT(high - low, 14.0);
  EXPECT_LT(high - low, 20.0);
}

TEST(MakeHumanAssets, SharedTargetsAndMacroWeights) {
  INTERSYNTH_REQUIRE_SHARED_DATA(macro, "body/mpfb2/targets/macrodetails");
  const std::vector<TargetOffset> african =
      ReadMakeHumanTarget(*macro_optional / "african-female-young.target.gz");
  ASSERT_FALSE(african.empty());
  EXPECT_EQ(african[0].vertex, 0);
  EXPECT_NEAR(african[0].offset.x(), 0.026, 1e-12);
  EXPECT_NEAR(african[0].offset.z(), -0.166, 1e-12);
  // The young average male is the base itself: an empty target.
  EXPECT_TRUE(ReadMakeHumanTarget(*macro_optional /
                                  "universal-male-young-averagemuscle-averageweight.target.gz")
                  .empty());

  const MacroModel model = ReadMacroModel(*macro_optional / "macro.json");
  EXPECT_EQ(model.variables.at("age").size(), 3u);
  EXPECT_DOUBLE_EQ(model.variables.at("age")[1].lo, 0.1875);
  EXPECT_DOUBLE_EQ(model.variables.at("age")[1].hi, 0.5);
  MacroParameters defaults;  // every variable 0.5, races 1/3 each
  EXPECT_DOUBLE_EQ(
      MacroTargetWeight(model, "universal-female-young-averagemuscle-averageweight", defaults),
      0.5);
  EXPECT_DOUBLE_EQ(
      MacroTargetWeight(model, "universal-female-old-averagemuscle-averageweight", defaults), 0.0);
  EXPECT_NEAR(MacroTargetWeight(model, "african-female-young", defaults), 0.5 / 3.0, 1e-12);
  // Height 0.5 sits in the dead zone between min and max height.
  EXPECT_DOUBLE_EQ(
      MacroTargetWeight(model, "female-young-averagemuscle-averageweight-maxheight", defaults),
      0.0);

  // An old, heavy man: age 0.75 is half young, half old; weight 1 is max.
  MacroParameters old;
  old.values = {{"gender", 1.0}, {"age", 0.75}, {"weight", 1.0}, {"height", 1.0}};
  EXPECT_DOUBLE_EQ(MacroTargetWeight(model, "universal-male-old-averagemuscle-maxweight", old),
                   0.5);
  EXPECT_DOUBLE_EQ(MacroTargetWeight(model, "universal-male-young-averagemuscle-maxweight", old),
                   0.5);
  EXPECT_DOUBLE_EQ(MacroTargetWeight(model, "universal-female-old-averagemuscle-maxweight", old),
                   0.0);
  EXPECT_DOUBLE_EQ(MacroTargetWeight(model, "male-old-averagemuscle-maxweight-maxheight", old),
                   0.5);
  // Child at age 0.1875 exactly, from the first part.
  MacroParameters child;
  child.values = {{"age", 0.1875}};
  EXPECT_DOUBLE_EQ(
      MacroTargetWeight(model, "universal-female-child-averagemuscle-averageweight", child), 0.5);
  EXPECT_ERROR_CONTAINS(MacroTargetWeight(model, "universal-female-teen", defaults), {"'teen'"});
}

TEST(MakeHumanAssets, BadFilesAreNamed) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "a.obj", "v 0 0 0\nv 1 0 0\nf 1 2 3\n");
  EXPECT_ERROR_CONTAINS(ReadMakeHumanObj(dir / "a.obj"), {"a.obj:3", "out of range"});
  WriteFileAtomic(dir / "t.target", "# comment\n0 1 2 3\n1 x 2 3\n");
  EXPECT_ERROR_CONTAINS(ReadMakeHumanTarget(dir / "t.target"), {"t.target:3", "vertex dx dy dz"});
  WriteFileAtomic(dir / "bad.target.gz", "not gzip at all");
  // zlib reads a non-gzip file as plain text: the lines are then checked.
  EXPECT_ERROR_CONTAINS(ReadMakeHumanTarget(dir / "bad.target.gz"), {"bad.target.gz"});
}

}  // namespace
}  // namespace intersynth
