#include "intersynth/body/forward_kinematics.h"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

Eigen::Vector3d Position(const NamedJointPositions& p, int t, const std::string& name) {
  const auto it = std::find(p.names.begin(), p.names.end(), name);
  EXPECT_NE(it, p.names.end()) << "no joint " << name;
  if (it == p.names.end()) return Eigen::Vector3d::Constant(std::nan(""));
  const double* x = p.at(t, static_cast<int>(it - p.names.begin()));
  return Eigen::Vector3d(x[0], x[1], x[2]);
}

void ExpectNear(const Eigen::Vector3d& actual, const Eigen::Vector3d& expected, double tol) {
  EXPECT_LT((actual - expected).norm(), tol)
      << "actual " << actual.transpose() << " expected " << expected.transpose();
}

// Root with 6 channels, two 3-channel joints and an End Site. Frame 0: root
// at (1, 2, 3), Chest Zrotation 90. Frame 1: root at 0 with Yrotation 90,
// Chest Zrotation 90.
constexpr char kThreeJointBvh[] = R"(HIERARCHY
ROOT Hips
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Chest
  {
    OFFSET 0 10 0
    CHANNELS 3 Zrotation Xrotation Yrotation
    JOINT Neck
    {
      OFFSET 0 5 0
      CHANNELS 3 Zrotation Xrotation Yrotation
      End Site
      {
        OFFSET 0 2 0
      }
    }
  }
}
MOTION
Frames: 2
Frame Time: 0.04
1 2 3 0 0 0 90 0 0 0 0 0
0 0 0 0 0 90 90 0 0 0 0 0
)";

TEST(BvhForwardKinematics, ThreeJointsNinetyDegreesMatchHandValues) {
  const BvhMotion motion = ParseBvh(kThreeJointBvh, "three.bvh");
  const NamedJointPositions p = BvhForwardKinematics(motion, 1.0);
  ASSERT_EQ(p.names, (std::vector<std::string>{"Hips", "Chest", "Neck", "Neck_End"}));
  EXPECT_EQ(p.parents, (std::vector<int>{-1, 0, 1, 2}));
  EXPECT_EQ(p.num_frames, 2);
  EXPECT_DOUBLE_EQ(p.fps, 25.0);
  ASSERT_EQ(p.positions.size(), 2u * 4u * 3u);
  // Frame 0: Rz(90) maps (0, y, 0) to (-y, 0, 0); the Chest's own rotation
  // moves its children, not the Chest.
  ExpectNear(Position(p, 0, "Hips"), {1, 2, 3}, 1e-12);
  ExpectNear(Position(p, 0, "Chest"), {1, 12, 3}, 1e-12);
  ExpectNear(Position(p, 0, "Neck"), {-4, 12, 3}, 1e-12);
  ExpectNear(Position(p, 0, "Neck_End"), {-6, 12, 3}, 1e-12);
  // Frame 1: Ry(90) maps (x, y, z) to (z, y, -x): Ry Rz (0, 5, 0) = Ry (-5, 0, 0) = (0, 0, 5).
  ExpectNear(Position(p, 1, "Hips"), {0, 0, 0}, 1e-12);
  ExpectNear(Position(p, 1, "Chest"), {0, 10, 0}, 1e-12);
  ExpectNear(Position(p, 1, "Neck"), {0, 10, 5}, 1e-12);
  ExpectNear(Position(p, 1, "Neck_End"), {0, 10, 7}, 1e-12);

  // Scaling by metres_per_unit scales every coordinate and nothing else.
  const NamedJointPositions scaled = BvhForwardKinematics(motion, 0.01);
  ASSERT_EQ(scaled.positions.size(), p.positions.size());
  for (size_t i = 0; i < p.positions.size(); ++i) {
    EXPECT_NEAR(scaled.positions[i], 0.01 * p.positions[i], 1e-15) << i;
  }
  ExpectNear(Position(scaled, 0, "Neck_End"), {-0.06, 0.12, 0.03}, 1e-14);
}

TEST(BvhForwardKinematics, WithoutEndSitesDropsThemAndKeepsParents) {
  const BvhMotion motion = ParseBvh(kThreeJointBvh, "three.bvh");
  BvhFkOptions options;
  options.include_end_sites = false;
  const NamedJointPositions p = BvhForwardKinematics(motion, 1.0, options);
  ASSERT_EQ(p.names, (std::vector<std::string>{"Hips", "Chest", "Neck"}));
  EXPECT_EQ(p.parents, (std::vector<int>{-1, 0, 1}));
  ExpectNear(Position(p, 1, "Neck"), {0, 10, 5}, 1e-12);
}

// A chain whose non-root joints carry 6 channels (Bandai-like); `child_xyz`
// are the Child's position-channel values.
std::string SixChannelBvh(const std::string& child_xyz) {
  return R"(HIERARCHY
ROOT Root
{
  OFFSET 0 0 0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Child
  {
    OFFSET 0 10 0
    CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0 4 0
    }
  }
}
MOTION
Frames: 1
Frame Time: 0.0333333
0 0 0 90 0 0 )" +
         child_xyz + " 0 0 0\n";
}

TEST(BvhForwardKinematics, PositionChannelsOnNonRootJointReplaceTheOffset) {
  // Values equal to the OFFSET: same result as a 3-channel joint.
  const NamedJointPositions same =
      BvhForwardKinematics(ParseBvh(SixChannelBvh("0 10 0"), "six.bvh"), 1.0);
  // Root Zrotation 90 turns the Child's translation (0, 10, 0) into (-10, 0, 0).
  ExpectNear(Position(same, 0, "Child"), {-10, 0, 0}, 1e-12);
  ExpectNear(Position(same, 0, "Child_End"), {-14, 0, 0}, 1e-12);

  // Values that differ from the OFFSET replace it (not added to it):
  // translation (3, 4, 0) -> Rz(90) (3, 4, 0) = (-4, 3, 0).
  const NamedJointPositions moved =
      BvhForwardKinematics(ParseBvh(SixChannelBvh("3 4 0"), "six.bvh"), 1.0);
  ExpectNear(Position(moved, 0, "Child"), {-4, 3, 0}, 1e-12);
  ExpectNear(Position(moved, 0, "Child_End"), {-8, 3, 0}, 1e-12);
}

TEST(BvhForwardKinematics, BandaiLikeFixtureEqualsOffsetsWherePositionsEqualOffsets) {
  // In the fixture, Spine's position values equal its OFFSET (15.7357 0 0 up
  // to ~5e-6): its distance to Hips is the offset length in every frame.
  const BvhMotion motion = ReadBvh(testing::SourceDir() / "testdata/bvh/bandai_like.bvh");
  const NamedJointPositions p = BvhForwardKinematics(motion, 0.01);
  for (int t = 0; t < p.num_frames; ++t) {
    EXPECT_NEAR((Position(p, t, "Spine") - Position(p, t, "Hips")).norm(), 0.157357, 1e-6) << t;
  }
}

TEST(BvhForwardKinematics, RejectsBadMetresPerUnit) {
  const BvhMotion motion = ParseBvh(kThreeJointBvh, "three.bvh");
  EXPECT_ERROR_CONTAINS(BvhForwardKinematics(motion, 0.0), {"metres_per_unit", "> 0"});
  EXPECT_ERROR_CONTAINS(BvhForwardKinematics(motion, -0.01), {"metres_per_unit"});
  EXPECT_ERROR_CONTAINS(BvhForwardKinematics(motion, std::nan("")), {"metres_per_unit"});
  EXPECT_ERROR_CONTAINS(BvhForwardKinematics(motion, std::numeric_limits<double>::infinity()),
                        {"metres_per_unit"});
}

TEST(BvhForwardKinematics, RejectsValuesOfWrongShape) {
  BvhMotion motion = ParseBvh(kThreeJointBvh, "three.bvh");
  motion.values.conservativeResize(2, 11);
  EXPECT_ERROR_CONTAINS(BvhForwardKinematics(motion, 1.0), {"values", "2x12"});
}

// Bone-length constancy (max std over bones, metres) and the standing
// height (see below). Joints whose
// translation is driven by position channels that change over the clip
// (the root, Bandai's Hips under its static joint_Root) are skipped: their
// distance to the parent is not a bone length.
struct BodyStats {
  double max_bone_std = 0.0;
  double height = 0.0;
  int bones = 0;
};

BodyStats Stats(const NamedJointPositions& p, const std::vector<bool>& skip) {
  BodyStats stats;
  for (int j = 0; j < p.num_joints(); ++j) {
    if (p.parents[j] < 0 || skip[j]) continue;
    double sum = 0.0, sum2 = 0.0;
    for (int t = 0; t < p.num_frames; ++t) {
      const Eigen::Map<const Eigen::Vector3d> a(p.at(t, j)), b(p.at(t, p.parents[j]));
      const double d = (a - b).norm();
      sum += d;
      sum2 += d * d;
    }
    const double mean = sum / p.num_frames;
    const double var = std::max(0.0, sum2 / p.num_frames - mean * mean);
    stats.max_bone_std = std::max(stats.max_bone_std, std::sqrt(var));
    ++stats.bones;
  }
  // Height per frame: the highest joint named like a head ("head" in any
  // case, End Sites included) minus the lowest joint; the median over frames
  // (robust to crouches, kicks and jumps in a part of the clip).
  std::vector<int> head_joints;
  for (int j = 0; j < p.num_joints(); ++j) {
    std::string lower = p.names[j];
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find("head") != std::string::npos) head_joints.push_back(j);
  }
  EXPECT_FALSE(head_joints.empty()) << "no joint named like a head";
  std::vector<double> heights;
  for (int t = 0; t < p.num_frames; ++t) {
    double top = -1e300, bottom = 1e300;
    for (int j : head_joints) top = std::max(top, p.at(t, j)[1]);
    for (int j = 0; j < p.num_joints(); ++j) bottom = std::min(bottom, p.at(t, j)[1]);
    heights.push_back(top - bottom);
  }
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  stats.height = heights.empty() ? 0.0 : heights[heights.size() / 2];
  return stats;
}

std::vector<bool> DrivenJoints(const BvhMotion& motion) {
  std::vector<bool> driven(motion.joints.size(), false);
  for (size_t j = 0; j < motion.joints.size(); ++j) {
    const Eigen::Vector3d first = BvhJointTranslation(motion, static_cast<int>(j), 0);
    for (int t = 1; t < motion.num_frames && !driven[j]; ++t) {
      driven[j] = (BvhJointTranslation(motion, static_cast<int>(j), t) - first).norm() > 1e-4;
    }
  }
  return driven;
}

// The rest pose of a BVH: every rotation channel zero, position channels as
// in frame 0 (for CMU this is the T-pose the OFFSETs describe).
BvhMotion RestPose(const BvhMotion& motion) {
  BvhMotion rest = motion;
  rest.num_frames = 1;
  rest.values = motion.values.topRows(1);
  for (size_t j = 0; j < motion.joints.size(); ++j) {
    const int first = motion.ChannelOffset(static_cast<int>(j));
    for (size_t c = 0; c < motion.joints[j].channels.size(); ++c) {
      if (IsBvhRotationChannel(motion.joints[j].channels[c])) {
        rest.values(0, first + static_cast<int>(c)) = 0.0;
      }
    }
  }
  return rest;
}

// Checks every .bvh of `folder`. The height measured from joints (head joint
// or head End Site down to the lowest ankle / toe joint) is shorter than the
// person's stature: the CMU subject-131 skeleton is 1.37 m tall even in its
// T-pose (24.27 units of 0.05644 m), so the lower bound is 1.25 m, not 1.4 m.
// With `compare_to_rest_pose` (T-pose OFFSETs, as in CMU files) the median
// height must also be 90-103 % of the rest-pose height: standing people,
// and no scale or axis error.
void CheckRealBvhFolder(const std::filesystem::path& folder,
                        double metres_per_unit,
                        bool compare_to_rest_pose) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".bvh") continue;
    ++files;
    SCOPED_TRACE(entry.path().string());
    const BvhMotion motion = ReadBvh(entry.path());
    const NamedJointPositions p = BvhForwardKinematics(motion, metres_per_unit);
    const BodyStats stats = Stats(p, DrivenJoints(motion));
    const BodyStats rest = Stats(BvhForwardKinematics(RestPose(motion), metres_per_unit),
                                 std::vector<bool>(motion.joints.size(), true));
    std::cout << entry.path().filename().string() << ": " << p.num_frames << " frames, "
              << stats.bones << " bones, max bone-length std " << stats.max_bone_std * 1000
              << " mm, median height " << stats.height << " m, rest-pose height " << rest.height
              << " m\n";
    EXPECT_GT(stats.bones, 15);
    EXPECT_LT(stats.max_bone_std, 1e-3);
    EXPECT_GT(stats.height, 1.25);
    EXPECT_LT(stats.height, 2.0);
    if (compare_to_rest_pose) {
      EXPECT_GT(stats.height, 0.90 * rest.height);
      EXPECT_LT(stats.height, 1.03 * rest.height);
    }
  }
  EXPECT_GT(files, 0) << "no .bvh in " << folder;
}

TEST(BvhForwardKinematicsSharedData, BandaiSamplesRigidBonesAndHumanHeight) {
  INTERSYNTH_REQUIRE_SHARED_DATA(samples, "mocap/samples");
  CheckRealBvhFolder(samples, 0.01, /*compare_to_rest_pose=*/false);
}

TEST(BvhForwardKinematicsSharedData, CmuBvhRigidBonesAndHumanHeight) {
  INTERSYNTH_REQUIRE_SHARED_DATA(cmu, "mocap/cmu");
  CheckRealBvhFolder(cmu, 0.0254 / 0.45, /*compare_to_rest_pose=*/true);
}

// ASF/AMC --------------------------------------------------------------------

AsfSkeleton HdmSkeleton() { return ReadAsf(testing::SourceDir() / "testdata/asf_amc/HDM_tr.asf"); }

AmcMotion HdmMotion(const AsfSkeleton& skeleton) {
  return ReadAmc(testing::SourceDir() / "testdata/asf_amc/HDM_tr_grabHighR_023_120_first10.amc",
                 skeleton);
}

TEST(AmcForwardKinematics, AllZeroValuesGiveRestPose) {
  const AsfSkeleton skeleton = HdmSkeleton();
  AmcMotion motion = HdmMotion(skeleton);
  motion.values.setZero();
  const NamedJointPositions p = AmcForwardKinematics(skeleton, motion, 120.0);
  ASSERT_EQ(p.num_joints(), static_cast<int>(skeleton.bones.size()) + 1);
  EXPECT_EQ(p.names[0], "root");
  EXPECT_EQ(p.parents[0], -1);
  EXPECT_EQ(p.num_frames, motion.num_frames);
  EXPECT_DOUBLE_EQ(p.fps, 120.0);
  const double metres = AsfUnitMetres(skeleton);
  for (int t = 0; t < p.num_frames; ++t) {
    ExpectNear(Eigen::Map<const Eigen::Vector3d>(p.at(t, 0)), metres * skeleton.root.position,
               1e-12);
    for (size_t b = 0; b < skeleton.bones.size(); ++b) {
      const AsfBone& bone = skeleton.bones[b];
      SCOPED_TRACE(bone.name);
      EXPECT_EQ(p.names[b + 1], bone.name);
      EXPECT_EQ(p.parents[b + 1], bone.parent + 1);
      const Eigen::Map<const Eigen::Vector3d> end(p.at(t, static_cast<int>(b) + 1));
      const Eigen::Map<const Eigen::Vector3d> parent_end(p.at(t, bone.parent + 1));
      ExpectNear(end, parent_end + metres * bone.length * bone.direction, 1e-12);
    }
  }
}

// A two-bone chain with a rotated local frame: bone "a" has axis (0, 0, 90)
// so its local X is the world Y; its rx therefore turns about world Y.
constexpr char kTwoBoneAsf[] = R"(:version 1.10
:name two
:units
  mass 1.0
  length 0.0254
  angle deg
:root
   order TX TY TZ RX RY RZ
   axis XYZ
   position 0 0 0
   orientation 0 0 0
:bonedata
  begin
     id 1
     name a
     direction 1 0 0
     length 2
     axis 0 0 90 XYZ
    dof rx
  end
  begin
     id 2
     name b
     direction 1 0 0
     length 1
     axis 0 0 0 XYZ
  end
:hierarchy
  begin
    root a
    a b
  end
)";

TEST(AmcForwardKinematics, LocalAxisFrameConjugatesTheDofRotation) {
  const AsfSkeleton skeleton = ParseAsf(kTwoBoneAsf, "two.asf");
  ASSERT_DOUBLE_EQ(AsfUnitMetres(skeleton), 1.0);
  const AmcMotion motion = ParseAmc(
      ":FULLY-SPECIFIED\n:DEGREES\n1\nroot 0 0 0 0 0 0\na 90\n"
      "2\nroot 1 0 0 0 90 0\na 0\n"
      "3\nroot 0 5 0 0 0 90\na 90\n",
      skeleton, "two.amc");
  const NamedJointPositions p = AmcForwardKinematics(skeleton, motion, 30.0);
  ASSERT_EQ(p.names, (std::vector<std::string>{"root", "a", "b"}));
  EXPECT_EQ(p.parents, (std::vector<int>{-1, 0, 1}));
  // Frame 1: A_a = C Rx(90) C^-1 = Ry(90), which maps (x, y, z) to (z, y, -x).
  ExpectNear(Position(p, 0, "a"), {0, 0, -2}, 1e-12);
  ExpectNear(Position(p, 0, "b"), {0, 0, -3}, 1e-12);
  // Frame 2: the root's ry = 90 turns the whole chain, root at (1, 0, 0).
  ExpectNear(Position(p, 1, "root"), {1, 0, 0}, 1e-12);
  ExpectNear(Position(p, 1, "a"), {1, 0, -2}, 1e-12);
  ExpectNear(Position(p, 1, "b"), {1, 0, -3}, 1e-12);
  // Frame 3: root rz = 90 (maps (x, y, z) to (-y, x, z)) after the bone's
  // Ry(90): Rz Ry (2, 0, 0) = Rz (0, 0, -2) = (0, 0, -2); root at (0, 5, 0).
  ExpectNear(Position(p, 2, "a"), {0, 5, -2}, 1e-12);
  ExpectNear(Position(p, 2, "b"), {0, 5, -3}, 1e-12);
}

TEST(AmcForwardKinematics, RealHdm05TakeRigidBonesAndHumanHeight) {
  const AsfSkeleton skeleton = HdmSkeleton();
  const AmcMotion motion = HdmMotion(skeleton);
  const NamedJointPositions p = AmcForwardKinematics(skeleton, motion, 120.0);
  const BodyStats stats = Stats(p, std::vector<bool>(p.num_joints(), false));
  std::cout << "HDM_tr grabHighR_023 first 10 frames: " << stats.bones
            << " bones, max bone-length std " << stats.max_bone_std * 1000 << " mm, median height "
            << stats.height << " m\n";
  EXPECT_EQ(stats.bones, static_cast<int>(skeleton.bones.size()));
  EXPECT_LT(stats.max_bone_std, 1e-3);
  EXPECT_GT(stats.height, 1.4);
  EXPECT_LT(stats.height, 2.0);
  // Every bone length equals the ASF length (the FK is rigid per bone).
  for (size_t b = 0; b < skeleton.bones.size(); ++b) {
    const Eigen::Map<const Eigen::Vector3d> end(p.at(5, static_cast<int>(b) + 1));
    const Eigen::Map<const Eigen::Vector3d> parent_end(p.at(5, skeleton.bones[b].parent + 1));
    EXPECT_NEAR((end - parent_end).norm(), AsfUnitMetres(skeleton) * skeleton.bones[b].length, 1e-9)
        << skeleton.bones[b].name;
  }
}

TEST(AmcForwardKinematics, RejectsMotionOfAnotherSkeleton) {
  const AsfSkeleton tiny = ReadAsf(testing::SourceDir() / "testdata/asf_amc/tiny.asf");
  const AmcMotion tiny_motion = ReadAmc(testing::SourceDir() / "testdata/asf_amc/tiny.amc", tiny);
  EXPECT_ERROR_CONTAINS(AmcForwardKinematics(HdmSkeleton(), tiny_motion, 120.0),
                        {"blocks", "expected 31"});
  // Same bone count, different names.
  const AsfSkeleton two = ParseAsf(kTwoBoneAsf, "two.asf");
  AmcMotion renamed = ParseAmc(":DEGREES\n1\nroot 0 0 0 0 0 0\na 0\n", two, "two.amc");
  renamed.bone_names[2] = "c";
  EXPECT_ERROR_CONTAINS(AmcForwardKinematics(two, renamed, 120.0), {"'c'", "expected 'b'"});
}

TEST(AmcForwardKinematics, RejectsBadFps) {
  const AsfSkeleton two = ParseAsf(kTwoBoneAsf, "two.asf");
  const AmcMotion motion = ParseAmc(":DEGREES\n1\nroot 0 0 0 0 0 0\na 0\n", two, "two.amc");
  EXPECT_ERROR_CONTAINS(AmcForwardKinematics(two, motion, 0.0), {"fps"});
  EXPECT_ERROR_CONTAINS(AmcForwardKinematics(two, motion, std::nan("")), {"fps"});
}

TEST(BvhFkOptions, CheckAcceptsEveryValue) {
  EXPECT_NO_THROW(BvhFkOptions{}.Check());
  EXPECT_NO_THROW(BvhFkOptions{.include_end_sites = false}.Check());
}

}  // namespace
}  // namespace intersynth
