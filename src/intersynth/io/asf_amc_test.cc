#include "intersynth/io/asf_amc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "intersynth/io/text_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

using ::testing::HasSubstr;

std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / "asf_amc" / name;
}

// A small skeleton in code (LF line ends); line numbers matter below.
//  1 :units               7 :bonedata           13 end         19 end
//  2   angle deg          8 begin               14 begin       20 :hierarchy
//  3 :root                9   name spine        15   name arm  21 begin
//  4   order TX TY TZ ... 10  direction 0 1 0   16   direction 22   root spine
//  5   axis XYZ           11  length 2          17   length 1  23   spine arm
//  6   position 0 0 0     12  dof rx ry rz      18   dof rz    24 end
const char kAsf[] =
    ":units\n"
    "  angle deg\n"
    ":root\n"
    "  order TX TY TZ RX RY RZ\n"
    "  axis XYZ\n"
    "  position 0 0 0\n"
    ":bonedata\n"
    "begin\n"
    "  name spine\n"
    "  direction 0 1 0\n"
    "  length 2\n"
    "  dof rx ry rz\n"
    "end\n"
    "begin\n"
    "  name arm\n"
    "  direction 1 0 0\n"
    "  length 1\n"
    "  dof rz\n"
    "end\n"
    ":hierarchy\n"
    "begin\n"
    "  root spine\n"
    "  spine arm\n"
    "end\n";

// Two frames for kAsf; line 4 is frame 1's root line.
const char kAmc[] =
    ":FULLY-SPECIFIED\n"
    ":DEGREES\n"
    "1\n"
    "root 0 1 2 3 4 5\n"
    "spine 10 20 30\n"
    "arm 7\n"
    "2\n"
    "root 0 1 2 3 4 5\n"
    "arm 8\n"
    "spine 11 21 31\n";

void ReplaceAll(const std::string& from, const std::string& to, std::string* text) {
  for (size_t at = text->find(from); at != std::string::npos;
       at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

// Each edit of kAsf must fail to parse (as "s.asf") with its fragments in the message.
void ExpectAsfErrors(const std::vector<testing::TextEdit>& edits) {
  testing::ExpectEditErrors(
      kAsf, [](const std::string& text) { ParseAsf(text, "s.asf"); }, edits);
}

// Each edit of kAmc must fail to parse (as "m.amc", with kAsf's skeleton) with
// its fragments in the message.
void ExpectAmcErrors(const std::vector<testing::TextEdit>& edits) {
  const AsfSkeleton skeleton = ParseAsf(kAsf, "s.asf");
  testing::ExpectEditErrors(
      kAmc, [&](const std::string& text) { ParseAmc(text, skeleton, "m.amc"); }, edits);
}

TEST(Asf, TinyFixtureWithCrlfLatinOneAndRzRxRyDofs) {
  const AsfSkeleton skeleton = ReadAsf(Fixture("tiny.asf"));
  EXPECT_EQ(skeleton.version, "1.10");
  EXPECT_EQ(skeleton.name, "tiny");
  EXPECT_EQ(skeleton.units.mass, 1.0);
  EXPECT_EQ(skeleton.units.length, 0.45);
  EXPECT_TRUE(skeleton.units.angle_is_degrees);
  EXPECT_NEAR(AsfUnitMetres(skeleton), 0.0254 / 0.45, 1e-15);
  EXPECT_NEAR(AsfUnitMetres(skeleton), 0.056444, 1e-6);
  EXPECT_THAT(skeleton.documentation, HasSubstr("a head without dofs,\nand an arm"));

  EXPECT_EQ(skeleton.root.order, (std::vector<AsfDof>{AsfDof::kTx, AsfDof::kTy, AsfDof::kTz,
                                                      AsfDof::kRz, AsfDof::kRy, AsfDof::kRx}));
  EXPECT_EQ(skeleton.root.axis_order, "ZYX");
  EXPECT_EQ(skeleton.root.position, Eigen::Vector3d::Zero());

  ASSERT_EQ(skeleton.bones.size(), 3u);
  const AsfBone& spine = skeleton.bones[0];
  EXPECT_EQ(spine.id, 1);
  EXPECT_EQ(spine.name, "spine");
  EXPECT_EQ(spine.direction, Eigen::Vector3d(0, 1, 0));  // "0 2 0" normalised
  EXPECT_EQ(spine.length, 5.0);
  EXPECT_EQ(spine.axis_order, "XYZ");
  EXPECT_EQ(spine.dof, (std::vector<AsfDof>{AsfDof::kRz, AsfDof::kRx, AsfDof::kRy}));
  ASSERT_EQ(spine.limits.size(), 3u);
  EXPECT_EQ(spine.limits[0].min, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(spine.limits[0].max, std::numeric_limits<double>::infinity());
  EXPECT_EQ(spine.limits[1].min, -45.0);
  EXPECT_EQ(spine.limits[2].max, 30.0);
  EXPECT_EQ(spine.parent, -1);

  const AsfBone& head = skeleton.bones[1];
  EXPECT_TRUE(head.dof.empty());
  EXPECT_TRUE(head.limits.empty());
  EXPECT_EQ(head.parent, 0);

  const AsfBone& arm = skeleton.bones[2];
  EXPECT_EQ(arm.axis, Eigen::Vector3d(0, 0, 90));
  EXPECT_EQ(arm.axis_order, "ZYX");
  EXPECT_EQ(arm.dof, (std::vector<AsfDof>{AsfDof::kRx, AsfDof::kRz}));
  ASSERT_EQ(arm.limits.size(), 2u);  // both on one line
  EXPECT_EQ(arm.limits[1].min, 0.0);
  EXPECT_EQ(arm.limits[1].max, 180.0);
  EXPECT_EQ(arm.parent, 0);

  EXPECT_EQ(skeleton.FindBone("larm"), 2);
  EXPECT_EQ(skeleton.FindBone("root"), -1);
  EXPECT_EQ(skeleton.Children(-1), (std::vector<int>{0}));
  EXPECT_EQ(skeleton.Children(0), (std::vector<int>{1, 2}));
  EXPECT_EQ(AsfDofName(AsfDof::kTz), "tz");
}

TEST(Amc, TinyFixtureBonesInAnyOrderAndEmptyBlock) {
  const AsfSkeleton skeleton = ReadAsf(Fixture("tiny.asf"));
  const AmcMotion motion = ReadAmc(Fixture("tiny.amc"), skeleton);
  EXPECT_TRUE(motion.fully_specified);
  EXPECT_TRUE(motion.degrees);
  EXPECT_EQ(motion.first_frame, 1);
  EXPECT_EQ(motion.num_frames, 3);
  EXPECT_EQ(motion.bone_names, (std::vector<std::string>{"root", "spine", "head", "larm"}));
  EXPECT_EQ(motion.column_offset, (std::vector<int>{0, 6, 9, 9, 11}));
  EXPECT_EQ(motion.NumColumns(), 11);
  ASSERT_EQ(motion.values.rows(), 3);
  ASSERT_EQ(motion.values.cols(), 11);

  Eigen::VectorXd root(6);
  root << 1, 2, 3, 10, 20, 30;
  EXPECT_EQ(motion.RootValues(0), root);
  EXPECT_EQ(motion.BoneValues(0, 1), Eigen::Vector3d(-5, -6, -7));  // spine, listed last
  EXPECT_EQ(motion.BoneValues(2, 1), Eigen::Vector2d(8.5, 9.5));    // larm, listed first
  EXPECT_EQ(motion.BoneValues(1, 1).size(), 0);                     // head: no dofs
  EXPECT_EQ(motion.BoneValues(0, 2), Eigen::Vector3d(10, 2.5, 0));  // "1e1 +2.5 -0.0"
  // Row layout identity: the blocks tile each row in order.
  for (int f = 0; f < motion.num_frames; ++f) {
    Eigen::VectorXd row(11);
    row << motion.RootValues(f), motion.BoneValues(0, f), motion.BoneValues(1, f),
        motion.BoneValues(2, f);
    EXPECT_EQ(row, motion.values.row(f).transpose());
  }
}

TEST(Asf, LatinOneNameBecomesUtf8) {
  const std::string latin1 =
      "f\xFC"
      "r";  // "für" in Latin-1
  const std::string utf8 =
      "f\xC3\xBC"
      "r";
  std::string asf = kAsf;
  ReplaceAll("arm", latin1, &asf);
  const AsfSkeleton skeleton = ParseAsf(asf, "l.asf");
  EXPECT_EQ(skeleton.bones[1].name, utf8);
  EXPECT_EQ(skeleton.FindBone(utf8), 1);
  EXPECT_EQ(skeleton.bones[1].parent, 0);
  // AMC lines with the Latin-1 name find the same bone.
  std::string amc = kAmc;
  ReplaceAll("arm", latin1, &amc);
  const AmcMotion motion = ParseAmc(amc, skeleton, "l.amc");
  EXPECT_EQ(motion.bone_names[2], utf8);
  EXPECT_EQ(motion.BoneValues(1, 1)(0), 8.0);
}

TEST(Asf, Utf8ConversionKeepsValidUtf8) {
  EXPECT_EQ(ToUtf8FromLatin1IfNeeded("plain"), "plain");
  EXPECT_EQ(ToUtf8FromLatin1IfNeeded("f\xC3\xBC"
                                     "r"),
            "f\xC3\xBC"
            "r");  // already UTF-8
  EXPECT_EQ(ToUtf8FromLatin1IfNeeded("f\xFC"
                                     "r"),
            "f\xC3\xBC"
            "r");
  EXPECT_EQ(ToUtf8FromLatin1IfNeeded("\xC3"), "\xC3\x83");              // truncated sequence
  EXPECT_EQ(ToUtf8FromLatin1IfNeeded("\xC0\xAF"), "\xC3\x80\xC2\xAF");  // overlong form
}

TEST(Asf, DefaultsWithoutUnitsAndRadians) {
  const AsfSkeleton degrees = ParseAsf(kAsf, "s.asf");
  EXPECT_EQ(degrees.units.length, 1.0);
  EXPECT_NEAR(AsfUnitMetres(degrees), 0.0254, 1e-15);
  const AsfSkeleton radians =
      ParseAsf(testing::ReplaceFirst(kAsf, "angle deg", "angle rad"), "r.asf");
  EXPECT_FALSE(radians.units.angle_is_degrees);
  // An AMC without :DEGREES / :RADIANS follows the skeleton.
  const AmcMotion motion = ParseAmc("1\nroot 0 0 0 0 0 0\nspine 1 2 3\narm 4\n", radians, "r.amc");
  EXPECT_FALSE(motion.degrees);
  EXPECT_FALSE(motion.fully_specified);
}

TEST(AsfErrors, BadValuesNameTheLine) {
  ExpectAsfErrors({
      {"angle deg", "angle grad", {"s.asf:2: angle unit 'grad', expected deg or rad"}},
      {"dof rx ry rz",
       "dof rx rw rz",
       {"s.asf:12: unknown dof 'rw', expected rx ry rz tx ty tz or l"}},
      {"dof rx ry rz", "dof rx ry rx", {"s.asf:12: dof 'rx' listed twice"}},
      {"length 2", "length two", {"s.asf:11: expected a number for length, found 'two'"}},
      {"direction 0 1 0",
       "direction 0 nan 0",
       {"s.asf:10: direction y is nan, expected a finite number"}},
      {"direction 0 1 0", "direction 0 0 0", {"s.asf:13: bone 'spine' has a zero direction"}},
      {"  dof rx ry rz\n",
       "  dof rx ry rz\n  limits (-1 1) (-2 2)\n",
       {"s.asf:14: bone 'spine' has 2 limits for 3 dofs"}},
      {"  dof rz\n", "  dof rz\n  limits (5 -5)\n", {"s.asf:19: limit (5 -5) has min > max"}},
      {"  dof rz\n",
       "  dof rz\n  limits (5\n",
       {"s.asf:19: expected a number for the limit's max, found nothing"}},
      {"axis XYZ", "axis XYY", {"s.asf:5: axis order 'XYY', expected a permutation of XYZ"}},
  });
}

TEST(AsfErrors, StructureMistakes) {
  ExpectAsfErrors({
      {"name arm", "name spine", {"s.asf:14: second bone named 'spine' (first at line 8)"}},
      {"spine arm", "spine hand", {"s.asf:23: unknown bone 'hand' in :hierarchy"}},
      {"  spine arm\n", "", {"s.asf:20: bone 'arm' is missing from :hierarchy"}},
      {"  spine arm\n",
       "  spine arm\n  root arm\n",
       {"s.asf:24: bone 'arm' already has a parent (line 23)"}},
      {"  root spine\n  spine arm\n", "  spine arm\n  arm spine\n", {"is in a parent cycle"}},
      {"end\nbegin\n  name arm", "begin\n  name arm", {"s.asf:13: found 'begin'"}},
      {":root\n", ":bogus\n", {"no :root section"}},
      {"  order TX TY TZ RX RY RZ\n", "", {":root has no 'order' line"}},
      {"end\n:hierarchy",
       ":hierarchy",
       {"s.asf:19: ':hierarchy' inside a bone block (begin at line 14)"}},
  });
  const std::string no_hierarchy =
      std::string(kAsf).substr(0, std::string(kAsf).find(":hierarchy"));
  EXPECT_ERROR_CONTAINS(ParseAsf(no_hierarchy, "s.asf"), {"s.asf:19: no :hierarchy section"});
  EXPECT_ERROR_CONTAINS(ParseAsf("garbage\n", "s.asf"),
                        {"s.asf:1: found 'garbage' before any section"});
}

TEST(AmcErrors, UnknownBone) {
  ExpectAmcErrors({{"arm 7",
                    "tail 7",
                    {"m.amc:6: unknown bone 'tail', expected root or a bone of the skeleton"}}});
}

TEST(AmcErrors, WrongValueCount) {
  ExpectAmcErrors({
      {"arm 7", "arm 7 8", {"m.amc:6: bone 'arm' has 2 values, expected 1 (its dofs)"}},
      {"root 0 1 2 3 4 5", "root 0 1 2 3 4", {"m.amc:4: bone 'root' has 5 values, expected 6"}},
  });
}

TEST(AmcErrors, NonNumericAndNonFinite) {
  ExpectAmcErrors({
      {"spine 10 20 30",
       "spine 10 x 30",
       {"m.amc:5: expected a number for frame 1 bone 'spine' value 1, found 'x'"}},
      {"spine 11 21 31",
       "spine 11 21 inf",
       {"m.amc:10: frame 2 bone 'spine' value 2 is inf, expected a finite number"}},
  });
}

TEST(AmcErrors, FrameNumbersMustIncreaseByOne) {
  ExpectAmcErrors({
      {"\n2\n", "\n3\n", {"m.amc:7: frame number 3 after 1, expected 2"}},
      {"\n2\n", "\n1\n", {"m.amc:7: frame number 1 after 1, expected 2"}},
  });
}

TEST(AmcErrors, MissingOrRepeatedBoneInFrame) {
  ExpectAmcErrors({
      {"arm 7\n", "", {"m.amc:3: frame 1 lacks bone 'arm', expected every bone with dofs"}},
      {"arm 8\n", "", {"m.amc:7: frame 2 lacks bone 'arm'"}},
      {"arm 7\n",
       "arm 7\narm 7\n",
       {"m.amc:7: bone 'arm' given twice in frame 1 (first at line 6)"}},
  });
}

TEST(AmcErrors, HeaderAndFrameStructure) {
  const AsfSkeleton skeleton = ParseAsf(kAsf, "s.asf");
  EXPECT_ERROR_CONTAINS(ParseAmc("root 0 1 2 3 4 5\n", skeleton, "m.amc"),
                        {"m.amc:1: bone line 'root' before the first frame number"});
  EXPECT_ERROR_CONTAINS(ParseAmc(":FULLY-SPECIFIED\n:DEGREES\n", skeleton, "m.amc"),
                        {"m.amc:1: no frames"});
  ExpectAmcErrors(
      {{"\n2\n", "\n:DEGREES\n2\n", {"m.amc:7: header ':DEGREES' after the first frame"}}});
}

TEST(AsfAmcErrors, MissingFilesNameThePath) {
  EXPECT_ERROR_CONTAINS(ReadAsf("/nonexistent/x.asf"), {"/nonexistent/x.asf"});
}

// Real HDM05 data: the skeleton of actor "tr" and the first 10 frames of one
// take, cut from shared/data/mocap/hdm05.tar.xz (see testdata/asf_amc/README.md).
TEST(AsfAmc, RealHdm05CutWithLatinOneHeaderAndMixedLineEnds) {
  const AsfSkeleton skeleton = ReadAsf(Fixture("HDM_tr.asf"));
  EXPECT_EQ(skeleton.version, "1.10");
  EXPECT_EQ(skeleton.name, "VICON");
  EXPECT_EQ(skeleton.units.length, 0.45);
  EXPECT_TRUE(skeleton.units.angle_is_degrees);
  EXPECT_EQ(skeleton.root.order, (std::vector<AsfDof>{AsfDof::kTx, AsfDof::kTy, AsfDof::kTz,
                                                      AsfDof::kRx, AsfDof::kRy, AsfDof::kRz}));
  ASSERT_EQ(skeleton.bones.size(), 30u);
  EXPECT_EQ(skeleton.bones[0].name, "lhipjoint");
  EXPECT_EQ(skeleton.bones[0].parent, -1);
  EXPECT_TRUE(skeleton.bones[0].dof.empty());
  const int lfemur = skeleton.FindBone("lfemur");
  ASSERT_GE(lfemur, 0);
  EXPECT_EQ(skeleton.bones[lfemur].parent, 0);
  EXPECT_EQ(skeleton.bones[lfemur].axis, Eigen::Vector3d(0, 0, 20));
  EXPECT_EQ(skeleton.bones[lfemur].limits.size(), 3u);
  EXPECT_EQ(skeleton.bones[lfemur].limits[0].min, -160.0);
  EXPECT_EQ(skeleton.bones[skeleton.FindBone("lthumb")].parent, skeleton.FindBone("lwrist"));
  EXPECT_EQ(skeleton.Children(-1).size(), 3u);  // lhipjoint, rhipjoint, lowerback
  for (const AsfBone& bone : skeleton.bones) {
    EXPECT_NEAR(bone.direction.norm(), 1.0, 1e-12) << bone.name;
    EXPECT_EQ(bone.limits.size(), bone.dof.size()) << bone.name;
  }

  const AmcMotion motion = ReadAmc(Fixture("HDM_tr_grabHighR_023_120_first10.amc"), skeleton);
  EXPECT_TRUE(motion.fully_specified);
  EXPECT_TRUE(motion.degrees);
  EXPECT_EQ(motion.first_frame, 1);
  EXPECT_EQ(motion.num_frames, 10);
  EXPECT_EQ(motion.NumColumns(), 62);  // 6 root + 56 bone dofs, as in CMU
  Eigen::VectorXd root(6);
  root << -14.4945, 18.1897, -1.05502, -1014.07, -85.126, -794.031;
  EXPECT_EQ(motion.RootValues(9), root);
  EXPECT_EQ(motion.BoneValues(lfemur, 0), Eigen::Vector3d(0.345753, 16.8375, -4.48686));
  EXPECT_EQ(motion.BoneValues(skeleton.FindBone("lthumb"), 0), Eigen::Vector2d(7.04911, 15.8701));
  // Feet stand about a metre below the root: 18 units * 0.0564 m.
  EXPECT_NEAR(motion.RootValues(0)(1) * AsfUnitMetres(skeleton), 1.02, 0.05);
}

}  // namespace
}  // namespace intersynth
