#include "intersynth/io/bvh.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "intersynth/io/text_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using ::testing::HasSubstr;

std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / "bvh" / name;
}

// The parse the error tests run: messages name the source "a.bvh".
BvhMotion ParseABvh(const std::string& text) { return ParseBvh(text, "a.bvh"); }

// A small valid file; the line numbers matter to the error tests below.
//  1 HIERARCHY           8 OFFSET 0 10 0          15 }  (root)
//  2 ROOT hips           9 CHANNELS 3 (ZXY)       16 MOTION
//  3 {                  10 End Site               17 Frames: 2
//  4 OFFSET 0 0 0       11 {                      18 Frame Time: 0.05
//  5 CHANNELS 6 ...     12 OFFSET 0 5 0           19, 20: frames (9 values)
//  6 JOINT chest        13 }  (End Site)
//  7 {                  14 }  (chest)
const char kSmall[] =
    "HIERARCHY\n"
    "ROOT hips\n"
    "{\n"
    "\tOFFSET 0 0 0\n"
    "\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
    "\tJOINT chest\n"
    "\t{\n"
    "\t\tOFFSET 0 10 0\n"
    "\t\tCHANNELS 3 Zrotation Xrotation Yrotation\n"
    "\t\tEnd Site\n"
    "\t\t{\n"
    "\t\t\tOFFSET 0 5 0\n"
    "\t\t}\n"
    "\t}\n"
    "}\n"
    "MOTION\n"
    "Frames: 2\n"
    "Frame Time: 0.05\n"
    "1 2 3 4 5 6 7 8 9\n"
    "1 2 3 4 5 6 7 8 9\n";

// kSmall with the first occurrence of `from` replaced by `to`.
std::string SmallWith(const std::string& from, const std::string& to) {
  return testing::ReplaceFirst(kSmall, from, to);
}

// Each edit of kSmall must fail to parse with its fragments in the message.
void ExpectSmallErrors(const std::vector<testing::TextEdit>& edits) {
  testing::ExpectEditErrors(kSmall, ParseABvh, edits);
}

Eigen::Matrix3d Rx(double degrees) {
  return Eigen::AngleAxisd(degrees * M_PI / 180.0, Eigen::Vector3d::UnitX()).toRotationMatrix();
}
Eigen::Matrix3d Ry(double degrees) {
  return Eigen::AngleAxisd(degrees * M_PI / 180.0, Eigen::Vector3d::UnitY()).toRotationMatrix();
}
Eigen::Matrix3d Rz(double degrees) {
  return Eigen::AngleAxisd(degrees * M_PI / 180.0, Eigen::Vector3d::UnitZ()).toRotationMatrix();
}

// Same hierarchy (names, parents, channels, End Site flags) and offsets
// within `tolerance`.
void ExpectSameHierarchy(const BvhMotion& a, const BvhMotion& b, double tolerance) {
  ASSERT_EQ(a.joints.size(), b.joints.size());
  for (size_t j = 0; j < a.joints.size(); ++j) {
    SCOPED_TRACE(a.joints[j].name);
    EXPECT_EQ(a.joints[j].name, b.joints[j].name);
    EXPECT_EQ(a.joints[j].parent, b.joints[j].parent);
    EXPECT_EQ(a.joints[j].channels, b.joints[j].channels);
    EXPECT_EQ(a.joints[j].is_end_site, b.joints[j].is_end_site);
    EXPECT_LE((a.joints[j].offset - b.joints[j].offset).cwiseAbs().maxCoeff(), tolerance);
  }
}

TEST(Bvh, BandaiLikeSixChannelsEverywhere) {
  const BvhMotion motion = ReadBvh(Fixture("bandai_like.bvh"));
  ASSERT_EQ(motion.joints.size(), 4u);
  EXPECT_EQ(motion.joints[0].name, "joint_Root");
  EXPECT_EQ(motion.joints[1].name, "Hips");
  EXPECT_EQ(motion.joints[2].name, "Spine");
  EXPECT_EQ(motion.joints[3].name, "Spine_End");
  EXPECT_EQ(motion.joints[0].parent, -1);
  EXPECT_EQ(motion.joints[1].parent, 0);
  EXPECT_EQ(motion.joints[2].parent, 1);
  EXPECT_EQ(motion.joints[3].parent, 2);
  EXPECT_TRUE(motion.joints[3].is_end_site);
  EXPECT_TRUE(motion.joints[3].channels.empty());
  const std::vector<BvhChannel> six = {BvhChannel::kXposition, BvhChannel::kYposition,
                                       BvhChannel::kZposition, BvhChannel::kZrotation,
                                       BvhChannel::kXrotation, BvhChannel::kYrotation};
  for (int j = 0; j < 3; ++j) EXPECT_EQ(motion.joints[j].channels, six);
  EXPECT_EQ(motion.NumChannels(), 18);
  EXPECT_EQ(motion.NumJointsWithoutEndSites(), 3);
  EXPECT_EQ(motion.ChannelOffset(2), 12);
  EXPECT_EQ(motion.ChannelOffset(3), 18);
  EXPECT_EQ(motion.ChannelOffsets(), (std::vector<int>{0, 6, 12, 18, 18}));
  EXPECT_EQ(motion.FindJoint("Spine"), 2);
  EXPECT_EQ(motion.FindJoint("Spine_End"), 3);
  EXPECT_EQ(motion.FindJoint("spine"), -1);
  EXPECT_EQ(motion.num_frames, 3);
  EXPECT_DOUBLE_EQ(motion.frame_time, 0.0333333);
  EXPECT_EQ(motion.joints[1].offset, Eigen::Vector3d(0, 93.9241, -3));
  EXPECT_EQ(motion.joints[3].offset, Eigen::Vector3d(8.98455, -0.406207, 0));
  ASSERT_EQ(motion.values.rows(), 3);
  ASSERT_EQ(motion.values.cols(), 18);
  EXPECT_DOUBLE_EQ(motion.values(0, 6), -4.54261);
  EXPECT_DOUBLE_EQ(motion.values(0, 13), 5.1072e-06);
  EXPECT_DOUBLE_EQ(motion.values(2, 17), -108.9);
  EXPECT_DOUBLE_EQ(motion.values(1, 0), 1.5);

  // Hips' position channels replace its offset; its rotation is Z * X * Y.
  EXPECT_TRUE(
      BvhJointTranslation(motion, 1, 0).isApprox(Eigen::Vector3d(-4.54261, 86.5638, -1.5934)));
  const Eigen::Matrix3d expected = Rz(85.5079) * Rx(-46.3875) * Ry(-3.78785);
  EXPECT_TRUE(BvhJointRotation(motion, 1, 0).isApprox(expected, 1e-12));
}

TEST(Bvh, MixedChannelOrdersCrlfTabsBlankLines) {
  const BvhMotion motion = ReadBvh(Fixture("mixed_orders_crlf.bvh"));
  std::vector<std::string> names;
  for (const BvhJoint& joint : motion.joints) names.push_back(joint.name);
  EXPECT_EQ(names, (std::vector<std::string>{"pelvis", "spine", "neck", "neck_End", "thigh.L",
                                             "thigh.L_End", "thigh.R", "thigh.R_End"}));
  EXPECT_EQ(motion.joints[4].parent, 0);
  EXPECT_EQ(motion.joints[5].parent, 4);
  EXPECT_EQ(motion.joints[6].parent, 0);
  EXPECT_EQ(motion.joints[0].channels,
            (std::vector<BvhChannel>{BvhChannel::kXposition, BvhChannel::kYposition,
                                     BvhChannel::kZposition, BvhChannel::kZrotation,
                                     BvhChannel::kYrotation, BvhChannel::kXrotation}));
  EXPECT_EQ(motion.joints[1].channels,
            (std::vector<BvhChannel>{BvhChannel::kZrotation, BvhChannel::kXrotation,
                                     BvhChannel::kYrotation}));
  EXPECT_EQ(motion.joints[2].channels,
            (std::vector<BvhChannel>{BvhChannel::kYrotation, BvhChannel::kXrotation,
                                     BvhChannel::kZrotation}));
  EXPECT_EQ(motion.NumChannels(), 18);
  EXPECT_EQ(motion.num_frames, 2);
  EXPECT_DOUBLE_EQ(motion.frame_time, 0.041667);
  // Columns follow file order; tabs, repeated spaces and trailing blanks split values.
  EXPECT_DOUBLE_EQ(motion.values(0, 17), 13);
  EXPECT_DOUBLE_EQ(motion.values(1, 0), 0.2);
  EXPECT_DOUBLE_EQ(motion.values(1, 1), 0.71);
  EXPECT_DOUBLE_EQ(motion.values(1, 17), -13);

  // Each joint composes its own listed order.
  EXPECT_TRUE(BvhJointRotation(motion, 0, 0).isApprox(Rz(10) * Ry(20) * Rx(30), 1e-12));
  EXPECT_TRUE(BvhJointRotation(motion, 1, 0).isApprox(Rz(1) * Rx(2) * Ry(3), 1e-12));
  EXPECT_TRUE(BvhJointRotation(motion, 2, 0).isApprox(Ry(4) * Rx(5) * Rz(6), 1e-12));
  EXPECT_TRUE(BvhJointRotation(motion, 6, 1).isApprox(Ry(-11) * Rx(-12) * Rz(-13), 1e-12));
  EXPECT_TRUE(BvhJointRotation(motion, 3, 0).isIdentity());  // End Site
  EXPECT_TRUE(BvhJointTranslation(motion, 0, 1).isApprox(Eigen::Vector3d(0.2, 0.71, -0.25)));
  EXPECT_EQ(BvhJointTranslation(motion, 1, 1), Eigen::Vector3d(0, 0.1, 0.01));
  EXPECT_EQ(BvhJointTranslation(motion, 3, 1), Eigen::Vector3d(0, 0.176459, -0.00308));
}

TEST(Bvh, RealReActIdleCutWithEndSitesAndThreeChannelJoints) {
  const BvhMotion motion = ReadBvh(Fixture("reactidle_001_acted_first4.bvh"));
  EXPECT_EQ(motion.NumJointsWithoutEndSites(), 19);
  EXPECT_EQ(motion.joints.size(), 26u);
  EXPECT_EQ(motion.NumChannels(), 111);  // 18 joints x 6 + spine.001 x 3
  EXPECT_EQ(motion.num_frames, 4);
  EXPECT_DOUBLE_EQ(motion.frame_time, 0.041667);
  EXPECT_EQ(motion.joints[motion.FindJoint("spine.001")].channels.size(), 3u);
  // pelvis.L holds only an End Site.
  const int pelvis_l = motion.FindJoint("pelvis.L");
  ASSERT_GE(pelvis_l, 0);
  EXPECT_EQ(motion.FindJoint("pelvis.L_End"), pelvis_l + 1);
  EXPECT_EQ(motion.joints[pelvis_l + 1].parent, pelvis_l);
  EXPECT_EQ(motion.joints[motion.FindJoint("shoulder.L")].channels[3], BvhChannel::kYrotation);
  EXPECT_DOUBLE_EQ(motion.values(3, 0), 0.029879);
  EXPECT_DOUBLE_EQ(motion.values(3, 110), -1.211479);
}

TEST(Bvh, SingleNinetyDegreeChannelMatchesHandMatrix) {
  BvhMotion motion;
  motion.joints.push_back({"root",
                           -1,
                           Eigen::Vector3d::Zero(),
                           {BvhChannel::kXrotation, BvhChannel::kYrotation, BvhChannel::kZrotation},
                           false});
  motion.num_frames = 4;
  motion.frame_time = 0.1;
  motion.values.resize(4, 3);
  motion.values << 0, 0, 90,  //
      90, 0, 0,               //
      0, 90, 0,               //
      90, 0, 90;              // X then Z: intrinsic, R = Rx * Rz
  // Rz(90): x -> y, y -> -x.
  Eigen::Matrix3d rz;
  rz << 0, -1, 0,  //
      1, 0, 0,     //
      0, 0, 1;
  Eigen::Matrix3d rx;
  rx << 1, 0, 0,  //
      0, 0, -1,   //
      0, 1, 0;
  Eigen::Matrix3d ry;
  ry << 0, 0, 1,  //
      0, 1, 0,    //
      -1, 0, 0;
  Eigen::Matrix3d rx_rz;  // rx * rz by hand
  rx_rz << 0, -1, 0,      //
      0, 0, -1,           //
      1, 0, 0;
  EXPECT_LT((BvhJointRotation(motion, 0, 0) - rz).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((BvhJointRotation(motion, 0, 1) - rx).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((BvhJointRotation(motion, 0, 2) - ry).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((BvhJointRotation(motion, 0, 3) - rx_rz).cwiseAbs().maxCoeff(), 1e-15);
  // The other order gives another matrix: the listed order matters.
  EXPECT_GT((BvhJointRotation(motion, 0, 3) - rz * rx).cwiseAbs().maxCoeff(), 0.5);
}

TEST(Bvh, RotationIsOrthonormalForRandomAngles) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> angle(-360.0, 360.0);
  BvhMotion motion;
  motion.joints.push_back({"root",
                           -1,
                           Eigen::Vector3d::Zero(),
                           {BvhChannel::kYrotation, BvhChannel::kZrotation, BvhChannel::kXrotation},
                           false});
  motion.num_frames = 50;
  motion.frame_time = 0.1;
  motion.values.resize(50, 3);
  for (int f = 0; f < 50; ++f) {
    for (int c = 0; c < 3; ++c) motion.values(f, c) = angle(rng);
    const Eigen::Matrix3d r = BvhJointRotation(motion, 0, f);
    EXPECT_TRUE((r * r.transpose()).isIdentity(1e-12));
    EXPECT_NEAR(r.determinant(), 1.0, 1e-12);
    EXPECT_TRUE(r.isApprox(
        Ry(motion.values(f, 0)) * Rz(motion.values(f, 1)) * Rx(motion.values(f, 2)), 1e-12));
  }
}

TEST(Bvh, WriteReadWriteIsByteStable) {
  for (const char* name :
       {"bandai_like.bvh", "mixed_orders_crlf.bvh", "reactidle_001_acted_first4.bvh"}) {
    SCOPED_TRACE(name);
    const BvhMotion original = ReadBvh(Fixture(name));
    const std::string first = SerializeBvh(original);
    const BvhMotion reread = ParseBvh(first, "first");
    const std::string second = SerializeBvh(reread);
    EXPECT_EQ(first, second);
    // Values survive within the printed precision (6 decimals: <= 0.5e-6).
    ExpectSameHierarchy(original, reread, 0.5e-6 + 1e-12);
    EXPECT_EQ(original.num_frames, reread.num_frames);
    EXPECT_EQ(original.frame_time, reread.frame_time);  // written exactly
    EXPECT_LE((original.values - reread.values).cwiseAbs().maxCoeff(), 0.5e-6 + 1e-12);
  }
}

TEST(Bvh, ShortestFormatRoundTripIsExact) {
  const BvhMotion original = ReadBvh(Fixture("bandai_like.bvh"));
  BvhWriteOptions options;
  options.decimals = -1;
  const std::string first = SerializeBvh(original, options);
  const BvhMotion reread = ParseBvh(first, "first");
  ExpectSameHierarchy(original, reread, 0.0);
  EXPECT_EQ(original.values, reread.values);
  EXPECT_EQ(first, SerializeBvh(reread, options));
}

TEST(Bvh, WriterFormatIsTabsAndFixedDecimals) {
  const BvhMotion motion = ParseBvh(kSmall, "small");
  const std::string text = SerializeBvh(motion);
  EXPECT_EQ(text,
            "HIERARCHY\n"
            "ROOT hips\n"
            "{\n"
            "\tOFFSET 0.000000 0.000000 0.000000\n"
            "\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
            "\tJOINT chest\n"
            "\t{\n"
            "\t\tOFFSET 0.000000 10.000000 0.000000\n"
            "\t\tCHANNELS 3 Zrotation Xrotation Yrotation\n"
            "\t\tEnd Site\n"
            "\t\t{\n"
            "\t\t\tOFFSET 0.000000 5.000000 0.000000\n"
            "\t\t}\n"
            "\t}\n"
            "}\n"
            "MOTION\n"
            "Frames: 2\n"
            "Frame Time: 0.05\n"
            "1.000000 2.000000 3.000000 4.000000 5.000000 6.000000 7.000000 8.000000 9.000000\n"
            "1.000000 2.000000 3.000000 4.000000 5.000000 6.000000 7.000000 8.000000 9.000000\n");
}

TEST(Bvh, NegativeZeroAndTinyNegativesWriteAsZero) {
  BvhMotion motion = ParseBvh(kSmall, "small");
  motion.values(0, 0) = -0.0;
  motion.values(0, 1) = -1e-9;
  motion.values(0, 2) = -0.0000005;  // rounds to -0.000001 (half away from zero) or -0.000000
  const std::string text = SerializeBvh(motion);
  EXPECT_THAT(text, HasSubstr("\n0.000000 0.000000 "));
  EXPECT_EQ(text.find("-0.000000"), std::string::npos);
  EXPECT_EQ(text, SerializeBvh(ParseBvh(text, "again")));
}

TEST(Bvh, RandomMotionFileRoundTrip) {
  // A random tree in depth-first order with random channel orders.
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> uniform(-200.0, 200.0);
  BvhMotion motion;
  motion.joints.push_back({"root",
                           -1,
                           Eigen::Vector3d::Zero(),
                           {BvhChannel::kXposition, BvhChannel::kYposition, BvhChannel::kZposition,
                            BvhChannel::kZrotation, BvhChannel::kYrotation, BvhChannel::kXrotation},
                           false});
  std::vector<BvhChannel> rotations = {BvhChannel::kXrotation, BvhChannel::kYrotation,
                                       BvhChannel::kZrotation};
  // Each new joint hangs off the path from the root to the last joint added,
  // which keeps the vector in depth-first (pre-order) file order.
  std::vector<int> path = {0};
  for (int j = 1; j < 12; ++j) {
    std::shuffle(rotations.begin(), rotations.end(), rng);
    path.resize(1 + rng() % path.size());
    const int index = static_cast<int>(motion.joints.size());
    const std::string name = "j" + std::to_string(j);
    motion.joints.push_back({name, path.back(),
                             Eigen::Vector3d(uniform(rng), uniform(rng), uniform(rng)), rotations,
                             false});
    path.push_back(index);
    if (rng() % 3 == 0) {
      motion.joints.push_back({name + "_End", index, Eigen::Vector3d(1, 2, 3), {}, true});
    }
  }
  motion.num_frames = 30;
  motion.frame_time = 1.0 / 120.0;
  motion.values.resize(30, motion.NumChannels());
  for (int f = 0; f < 30; ++f) {
    for (int c = 0; c < motion.NumChannels(); ++c) motion.values(f, c) = uniform(rng);
  }

  testing::TempDir dir;
  BvhWriteOptions exact;
  exact.decimals = -1;
  WriteBvh(dir / "random.bvh", motion, exact);
  const BvhMotion reread = ReadBvh(dir / "random.bvh");
  ExpectSameHierarchy(motion, reread, 0.0);
  EXPECT_EQ(reread.frame_time, 1.0 / 120.0);
  EXPECT_EQ(reread.values, motion.values);
  for (int j = 0; j < static_cast<int>(motion.joints.size()); ++j) {
    EXPECT_TRUE(BvhJointRotation(motion, j, 7).isApprox(BvhJointRotation(reread, j, 7)));
  }
}

TEST(Bvh, WriterRejectsInconsistentMotion) {
  const BvhMotion good = ParseBvh(kSmall, "small");
  BvhMotion wrong_shape = good;
  wrong_shape.values.conservativeResize(2, 8);
  EXPECT_THROW(SerializeBvh(wrong_shape), Error);
  BvhMotion nan_value = good;
  nan_value.values(1, 3) = std::nan("");
  EXPECT_THROW(SerializeBvh(nan_value), Error);
  BvhMotion bad_time = good;
  bad_time.frame_time = 0.0;
  EXPECT_THROW(SerializeBvh(bad_time), Error);
  BvhMotion end_site_channels = good;
  end_site_channels.joints[2].channels = {BvhChannel::kXrotation, BvhChannel::kYrotation,
                                          BvhChannel::kZrotation};
  end_site_channels.values.resize(2, 12);
  end_site_channels.values.setZero();
  EXPECT_THROW(SerializeBvh(end_site_channels), Error);
  // Two children of the root written in the wrong order: not depth-first.
  BvhMotion not_depth_first = good;
  not_depth_first.joints[2].is_end_site = false;
  not_depth_first.joints[2].name = "other";
  not_depth_first.joints[2].parent = 0;
  not_depth_first.joints.push_back({"leaf", 1, Eigen::Vector3d::Zero(), {}, false});
  EXPECT_THROW(SerializeBvh(not_depth_first), Error);
  // A failed write leaves no file behind.
  testing::TempDir dir;
  EXPECT_THROW(WriteBvh(dir / "x.bvh", nan_value), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.bvh"));
}

TEST(Bvh, TolerantLayoutBraceOnJointLineAndNameWithSpaces) {
  const std::string text =
      "\xEF\xBB\xBFHIERARCHY\r\n"
      "ROOT Left Hip {\r\n"
      "   OFFSET +1 2 3   CHANNELS 3 Xrotation Yrotation Zrotation\r\n"
      "\r\n"
      "}\r\n"
      "MOTION\r\n"
      "Frames:1\r\n"
      "Frame   Time:\t.5\r\n"
      "\t10 20 30\r\n"
      "\r\n";
  const BvhMotion motion = ParseBvh(text, "t.bvh");
  ASSERT_EQ(motion.joints.size(), 1u);
  EXPECT_EQ(motion.joints[0].name, "Left Hip");
  EXPECT_EQ(motion.joints[0].offset, Eigen::Vector3d(1, 2, 3));
  EXPECT_EQ(motion.frame_time, 0.5);
  EXPECT_EQ(motion.values(0, 2), 30);
}

TEST(Bvh, ZeroFramesAndZeroChannelJoint) {
  const std::string text =
      "HIERARCHY\nROOT r\n{\nOFFSET 0 0 0\nCHANNELS 6 Xposition Yposition Zposition Xrotation "
      "Yrotation Zrotation\nJOINT fixed\n{\nOFFSET 1 0 0\nCHANNELS 0\n}\n}\n"
      "MOTION\nFrames: 0\nFrame Time: 0.01\n";
  const BvhMotion motion = ParseBvh(text, "z.bvh");
  EXPECT_EQ(motion.num_frames, 0);
  EXPECT_EQ(motion.values.rows(), 0);
  EXPECT_EQ(motion.values.cols(), 6);
  EXPECT_EQ(motion.ChannelOffset(1), 6);
  const std::string written = SerializeBvh(motion);
  EXPECT_THAT(written, HasSubstr("\t\tCHANNELS 0\n"));
  EXPECT_EQ(written, SerializeBvh(ParseBvh(written, "again")));
}

TEST(Bvh, LatinOneJointNameBecomesUtf8) {
  const std::string text = SmallWith("JOINT chest", "JOINT K\xF6rper");
  const BvhMotion motion = ParseBvh(text, "l.bvh");
  EXPECT_EQ(motion.joints[1].name, "K\xC3\xB6rper");
  EXPECT_EQ(motion.joints[2].name, "K\xC3\xB6rper_End");
}

TEST(Bvh, EndSiteNamesStayUnique) {
  EXPECT_EQ(ParseBvh(kSmall, "u.bvh").joints[2].name, "chest_End");
  // A joint really called "chest_End" pushes the End Site to "chest_End2".
  const std::string clash =
      "HIERARCHY\nROOT chest\n{\nOFFSET 0 0 0\nCHANNELS 0\nJOINT chest_End\n{\nOFFSET 1 0 0\n}\n"
      "End Site\n{\nOFFSET 0 1 0\n}\n}\nMOTION\nFrames: 0\nFrame Time: 1\n";
  const BvhMotion clashing = ParseBvh(clash, "c.bvh");
  ASSERT_EQ(clashing.joints.size(), 3u);
  EXPECT_EQ(clashing.joints[2].name, "chest_End2");
  EXPECT_EQ(clashing.joints[2].parent, 0);
  // A joint called "hips_End" is a joint like any other.
  const BvhMotion renamed = ParseBvh(SmallWith("JOINT chest", "JOINT hips_End"), "h.bvh");
  EXPECT_EQ(renamed.joints[1].name, "hips_End");
  EXPECT_FALSE(renamed.joints[1].is_end_site);
  EXPECT_EQ(renamed.joints[2].name, "hips_End_End");
}

// --- Errors: each names the file, the line and what was expected. ---

TEST(BvhErrors, TruncatedFileFewerFramesThanDeclared) {
  std::string text = kSmall;
  text = text.substr(0, text.rfind("1 2 3"));  // drop the last frame line
  EXPECT_ERROR_CONTAINS(ParseABvh(text), {"a.bvh:19: expected 2 frames, file ends after 1"});
  ExpectSmallErrors(
      {{"Frames: 2", "Frames: 120", {"a.bvh:20: expected 120 frames, file ends after 2"}}});
}

TEST(BvhErrors, FrameWithWrongValueCount) {
  ExpectSmallErrors({
      {"1 2 3 4 5 6 7 8 9\n1 2 3 4 5 6 7 8 9",
       "1 2 3 4 5 6 7 8 9\n1 2 3 4 5 6 7 8",
       {"a.bvh:20: frame 1 has 8 values, expected 9 (2 joints' channels)"}},
      {"1 2 3 4 5 6 7 8 9",
       "1 2 3 4 5 6 7 8 9 10 11",
       {"a.bvh:19: frame 0 has 11 values, expected 9"}},
  });
}

TEST(BvhErrors, NonNumericValue) {
  ExpectSmallErrors({
      {"1 2 3 4 5 6 7 8 9",
       "1 2 3 4 abc 6 7 8 9",
       {"a.bvh:19: frame 0, value 4 (joint 'hips' Xrotation)", "expected a number, found 'abc'"}},
      {"1 2 3 4 5 6 7 8 9",
       "1 2 3 4 5 6 7 8 9x",
       {"a.bvh:19: frame 0, value 8 (joint 'chest' Yrotation)"}},
      {"OFFSET 0 10 0", "OFFSET 0 ten 0", {"a.bvh:8: expected a number for OFFSET y, found 'ten'"}},
  });
}

TEST(BvhErrors, NanAndInfinityValues) {
  ExpectSmallErrors({
      {"1 2 3 4 5 6 7 8 9",
       "1 2 nan 4 5 6 7 8 9",
       {"a.bvh:19: frame 0, value 2 (joint 'hips' Zposition) is nan, expected a finite number"}},
      {"1 2 3 4 5 6 7 8 9", "1 2 3 4 5 6 7 -inf 9", {"a.bvh:19: frame 0, value 7"}},
      {"OFFSET 0 5 0", "OFFSET 0 inf 0", {"a.bvh:12: OFFSET y is inf, expected a finite number"}},
  });
}

TEST(BvhErrors, UnknownChannelName) {
  ExpectSmallErrors({{"3 Zrotation Xrotation",
                      "3 Zrotation Wrotation",
                      {"a.bvh:9: unknown channel name 'Wrotation'"}}});
}

TEST(BvhErrors, ChannelCountNotZeroThreeOrSixOrNotMatchingNames) {
  const std::string channels = "CHANNELS 3 Zrotation Xrotation Yrotation";
  ExpectSmallErrors({
      {channels,
       "CHANNELS 2 Zrotation Xrotation",
       {"a.bvh:9: CHANNELS count '2', expected 0, 3 or 6"}},
      {channels, "CHANNELS 3 Zrotation Xrotation", {"a.bvh:9: CHANNELS says 3 but lists 2 names"}},
      {channels,
       "CHANNELS 3 Zrotation Xrotation Yrotation Xposition",
       {"a.bvh:9: CHANNELS says 3 but lists 4 names"}},
      {channels,
       "CHANNELS 3 Zrotation Xrotation Zrotation",
       {"a.bvh:9: channel Zrotation listed twice"}},
      {"CHANNELS 3 Z", "CHANNELS three Z", {"a.bvh:9: CHANNELS count 'three'"}},
  });
}

TEST(BvhErrors, MissingBraces) {
  ExpectSmallErrors({
      {"\tJOINT chest\n\t{\n",
       "\tJOINT chest\n",
       {"a.bvh:7: expected '{' after JOINT 'chest', found 'OFFSET'"}},
      // The root's closing brace is missing.
      {"\t}\n}\nMOTION",
       "\t}\nMOTION",
       {"a.bvh:15: expected '}' closing ROOT 'hips' (opened at line 2) before MOTION at line 15"}},
      {"\t\t}\n\t}\n",
       "\t\t}\n\t}\n}\n",
       {"a.bvh:16: unexpected '}' after the ROOT block, expected MOTION"}},
      {"\t\tEnd Site\n\t\t{\n", "\t\tEnd Site\n", {"a.bvh:11: expected '{' after End Site"}},
  });
}

TEST(BvhErrors, MissingMotionFramesOrFrameTime) {
  std::string no_motion = kSmall;
  no_motion = no_motion.substr(0, no_motion.find("MOTION"));
  EXPECT_ERROR_CONTAINS(ParseABvh(no_motion),
                        {"a.bvh:15: file ends after the hierarchy, expected MOTION"});
  ExpectSmallErrors({
      {"Frames: 2\n", "", {"a.bvh:17: found 'FrameTime:0.05', expected 'Frames: <count>'"}},
      {"Frame Time: 0.05\n", "", {"a.bvh:18: found '123456789', expected 'Frame Time: <seconds>'"}},
  });
  std::string only_header = kSmall;
  only_header = only_header.substr(0, only_header.find("Frames"));
  EXPECT_ERROR_CONTAINS(ParseABvh(only_header),
                        {"a.bvh:16: file ends after MOTION, expected 'Frames: <count>'"});
  ExpectSmallErrors(
      {{"Frames: 2", "Frames: -1", {"a.bvh:17: Frames: '-1', expected a count >= 0"}}});
  EXPECT_ERROR_CONTAINS(ParseABvh(""), {"a.bvh:1: expected HIERARCHY, found nothing"});
  EXPECT_ERROR_CONTAINS(ParseABvh("HIERARCHY\nJOINT x\n"),
                        {"a.bvh:2: expected ROOT after HIERARCHY, found 'JOINT' at line 2"});
}

TEST(BvhErrors, FrameTimeNotPositive) {
  ExpectSmallErrors({
      {"Frame Time: 0.05",
       "Frame Time: 0",
       {"a.bvh:18: Frame Time '0', expected a number of seconds > 0"}},
      {"Frame Time: 0.05", "Frame Time: -0.1", {"a.bvh:18: Frame Time '-0.1'"}},
      {"Frame Time: 0.05", "Frame Time: nan", {"a.bvh:18: Frame Time 'nan'"}},
  });
}

TEST(BvhErrors, SecondRootAndDuplicateNames) {
  const std::string two_roots = std::string(kSmall).insert(std::string(kSmall).find("MOTION"),
                                                           "ROOT other\n{\nOFFSET 0 0 0\n}\n");
  EXPECT_ERROR_CONTAINS(ParseABvh(two_roots),
                        {"a.bvh:16: second ROOT: only one ROOT (one skeleton) per file"});
  ExpectSmallErrors({
      {"JOINT chest", "JOINT hips", {"a.bvh:6: duplicate joint name 'hips'"}},
      {"JOINT chest", "ROOT chest", {"a.bvh:6: second ROOT inside the hierarchy"}},
  });
}

TEST(BvhErrors, MoreFrameLinesThanDeclared) {
  ExpectSmallErrors(
      {{"Frames: 2", "Frames: 1", {"a.bvh:20: more frame lines than 'Frames: 1' declares"}}});
}

TEST(BvhErrors, StructureMistakes) {
  ExpectSmallErrors({
      {"\t\t\tOFFSET 0 5 0\n",
       "",
       {"a.bvh:12: the End Site of 'chest' (opened at line 10) has no OFFSET"}},
      {"\t\t\tOFFSET 0 5 0\n",
       "\t\t\tOFFSET 0 5 0\nCHANNELS 3 Xrotation Yrotation Zrotation\n",
       {"a.bvh:13: CHANNELS inside an End Site"}},
      {"OFFSET 0 10 0", "OFFSET 0 10", {"a.bvh:8: OFFSET ends early, expected OFFSET z"}},
      {"OFFSET 0 10 0", "OFFSET 0 10 0 4", {"a.bvh:8: OFFSET has more than 3 numbers"}},
      {"\tJOINT chest",
       "\tBONE chest",
       {"a.bvh:6: unexpected 'BONE' in ROOT 'hips', expected OFFSET, CHANNELS, JOINT, End Site or "
        "'}'"}},
  });
}

TEST(BvhErrors, MissingFileNamesThePath) {
  EXPECT_ERROR_CONTAINS(ReadBvh("/nonexistent/walk.bvh"), {"/nonexistent/walk.bvh"});
}

// --- Integration: real files from the shared data. ---

TEST(BvhSharedData, BandaiSamples) {
  INTERSYNTH_REQUIRE_SHARED_DATA(samples, "mocap/samples");
  struct Expected {
    const char* file;
    int frames;
  };
  for (const Expected& e : {Expected{"dataset-1_kick_normal_001.bvh", 358},
                            Expected{"dataset-2_walk_normal_001.bvh", 273},
                            Expected{"dataset-2_wave-right-hand_normal_001.bvh", 187}}) {
    SCOPED_TRACE(e.file);
    const BvhMotion motion = ReadBvh(samples / e.file);
    EXPECT_EQ(motion.NumJointsWithoutEndSites(), 22);
    EXPECT_EQ(motion.joints.size(), 27u);  // + 5 End Sites
    EXPECT_EQ(motion.NumChannels(), 132);
    EXPECT_EQ(motion.num_frames, e.frames);
    EXPECT_DOUBLE_EQ(motion.frame_time, 0.0333333);
    EXPECT_EQ(motion.joints[0].name, "joint_Root");
    EXPECT_EQ(motion.joints[1].name, "Hips");
    for (const BvhJoint& joint : motion.joints) {
      EXPECT_EQ(joint.channels.size(), joint.is_end_site ? 0u : 6u) << joint.name;
    }
    // Centimetres: the hips stand about 93 cm above the root.
    EXPECT_NEAR(motion.joints[1].offset.y(), 93.5, 1.0);
    // Byte-stable re-write, values within the printed precision.
    const std::string first = SerializeBvh(motion);
    const BvhMotion reread = ParseBvh(first, "rewritten");
    EXPECT_EQ(first, SerializeBvh(reread));
    EXPECT_LE((motion.values - reread.values).cwiseAbs().maxCoeff(), 0.5e-6 + 1e-9);
  }
}

TEST(BvhSharedData, CmuFilesWithThreeNamingSchemes) {
  INTERSYNTH_REQUIRE_SHARED_DATA(cmu, "mocap/cmu");
  struct Expected {
    const char* file;
    int frames;
    double frame_time;
    const char* root;
    const char* left_thigh;  // the naming scheme
  };
  for (const Expected& e : {Expected{"131_01.bvh", 994, 0.0083333, "Hips", "LeftHip"},
                            Expected{"131_02.bvh", 1247, 0.0083333, "Hips", "LeftHip"},
                            Expected{"131_03.bvh", 1102, 0.0083333, "Hips", "LeftHip"},
                            Expected{"13_14.bvh", 2425, 0.0083333, "Hips", "LeftUpLeg"},
                            Expected{"18_01.bvh", 303, 0.033333, "hip", "lfemur"}}) {
    SCOPED_TRACE(e.file);
    const BvhMotion motion = ReadBvh(cmu / e.file);
    EXPECT_EQ(motion.NumJointsWithoutEndSites(), 31);
    EXPECT_EQ(motion.joints.size(), 38u);  // + 7 End Sites
    EXPECT_EQ(motion.NumChannels(), 96);   // 6 on the root, 3 on 30 joints
    EXPECT_EQ(motion.num_frames, e.frames);
    EXPECT_DOUBLE_EQ(motion.frame_time, e.frame_time);
    EXPECT_EQ(motion.joints[0].name, e.root);
    EXPECT_EQ(motion.joints[2].name, e.left_thigh);
    EXPECT_EQ(motion.joints[0].channels[3], BvhChannel::kZrotation);
    EXPECT_EQ(motion.joints[0].channels[5], BvhChannel::kXrotation);
  }
}

TEST(BvhWriteOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(BvhWriteOptions{}.Check());
  EXPECT_NO_THROW(BvhWriteOptions{.decimals = -1}.Check());
  EXPECT_NO_THROW(BvhWriteOptions{.decimals = 20}.Check());
  EXPECT_ERROR_CONTAINS(BvhWriteOptions{.decimals = 21}.Check(),
                        {"decimals must be -1 (shortest) or in [0, 20], got 21"});
  EXPECT_THROW(BvhWriteOptions{.decimals = -2}.Check(), OptionError);
}

}  // namespace
}  // namespace intersynth
