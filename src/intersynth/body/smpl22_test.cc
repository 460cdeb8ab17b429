#include "intersynth/body/smpl22.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

TEST(Smpl22, ParentsPrecedeChildrenAndMatchDesign) {
  const std::array<int, 22> expected = {-1, 0, 0, 0, 1,  2,  3,  4,  5,  6,  7,
                                        8,  9, 9, 9, 12, 13, 14, 16, 17, 18, 19};
  EXPECT_EQ(kSmpl22Parents, expected);
  for (int j = 1; j < kSmpl22NumJoints; ++j) EXPECT_LT(kSmpl22Parents[j], j) << "joint " << j;
}

TEST(Smpl22, JointIndexRoundTripsEveryName) {
  std::set<std::string_view> names(kSmpl22JointNames.begin(), kSmpl22JointNames.end());
  EXPECT_EQ(names.size(), 22u) << "names must be unique";
  for (int j = 0; j < kSmpl22NumJoints; ++j) EXPECT_EQ(Smpl22JointIndex(kSmpl22JointNames[j]), j);
  EXPECT_EQ(Smpl22JointIndex("left_ankle"), kSmpl22LeftAnkle);
  EXPECT_EQ(Smpl22JointIndex("right_foot"), kSmpl22RightFoot);
  EXPECT_EQ(Smpl22JointIndex("right_shoulder"), kSmpl22RightShoulder);
}

TEST(Smpl22, UnknownJointNameListsValidNames) {
  try {
    Smpl22JointIndex("left_toe");
    FAIL() << "expected Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'left_toe'"), std::string::npos) << message;
    for (std::string_view name : kSmpl22JointNames) {
      EXPECT_NE(message.find(std::string(name)), std::string::npos)
          << name << " missing in: " << message;
    }
  }
  EXPECT_THROW(Smpl22JointIndex("Pelvis"), Error) << "matching is case-sensitive";
  EXPECT_THROW(Smpl22JointIndex(""), Error);
}

TEST(Smpl22, MirrorIsAnInvolutionThatSwapsLeftAndRight) {
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const int m = kSmpl22MirrorJoint[j];
    EXPECT_EQ(kSmpl22MirrorJoint[m], j);
    const std::string name(kSmpl22JointNames[j]);
    const std::string mirrored(kSmpl22JointNames[m]);
    if (name.rfind("left_", 0) == 0) {
      EXPECT_EQ(mirrored, "right_" + name.substr(5));
    } else if (name.rfind("right_", 0) == 0) {
      EXPECT_EQ(mirrored, "left_" + name.substr(6));
    } else {
      EXPECT_EQ(m, j) << name;
    }
    // The mirror of the parent is the parent of the mirror.
    if (j > 0) {
      EXPECT_EQ(kSmpl22MirrorJoint[kSmpl22Parents[j]], kSmpl22Parents[m]) << name;
    }
  }
  for (const auto& [left, right] : kSmpl22MirrorPairs) {
    EXPECT_EQ(kSmpl22MirrorJoint[left], right);
    EXPECT_EQ(std::string(kSmpl22JointNames[left]).substr(0, 5), "left_");
  }
}

TEST(Smpl22, HumanML3DChainsCoverEveryJointOnceWithSmplParents) {
  std::array<int, 22> seen{};
  for (const KinematicChain& chain : kHumanML3DKinematicChains) {
    for (int i = 1; i < chain.length; ++i) {
      const int child = chain.joints[i];
      ++seen[child];
      EXPECT_EQ(kSmpl22Parents[child], chain.joints[i - 1]) << "joint " << child;
    }
  }
  EXPECT_EQ(seen[0], 0);
  for (int j = 1; j < kSmpl22NumJoints; ++j) EXPECT_EQ(seen[j], 1) << "joint " << j;
  // Raw offsets are unit axis directions, mirrored in x between left and right.
  for (int j = 1; j < kSmpl22NumJoints; ++j) {
    const auto& o = kHumanML3DRawOffsets[j];
    EXPECT_FLOAT_EQ(std::abs(o[0]) + std::abs(o[1]) + std::abs(o[2]), 1.0f) << j;
    const auto& m = kHumanML3DRawOffsets[kSmpl22MirrorJoint[j]];
    EXPECT_EQ(o[0], -m[0]) << j;
    EXPECT_EQ(o[1], m[1]) << j;
    EXPECT_EQ(o[2], m[2]) << j;
  }
}

TEST(Smpl22, FootJointsAreAnklesThenToesLeftFirst) {
  EXPECT_EQ(kSmpl22FootJoints, (std::array<int, 4>{7, 10, 8, 11}));
  EXPECT_EQ(kSmpl22JointNames[kSmpl22FootJoints[0]], "left_ankle");
  EXPECT_EQ(kSmpl22JointNames[kSmpl22FootJoints[3]], "right_foot");
}

}  // namespace
}  // namespace intersynth
