#include "intersynth/motion/foot_contact.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

// [T, 22, 3] zeros with the feet placed by the test.
std::vector<float> StillJoints(int frames) {
  return std::vector<float>(static_cast<size_t>(frames) * 22 * 3, 0.0f);
}

float* At(std::vector<float>& joints, int t, int j) { return joints.data() + (t * 22 + j) * 3; }

TEST(FootContact, DisplacementThresholdIsStrictAndChannelsFollowJointOrder) {
  std::vector<float> joints = StillJoints(3);
  // Steps of exactly representable lengths: 0.25^2 = 0.0625 (= threshold, no
  // contact), 0.125^2 = 0.015625 (contact), 0.5^2 = 0.25 (no contact).
  At(joints, 1, kSmpl22LeftAnkle)[0] = 0.25f;   // step 0: d2 = 0.0625
  At(joints, 2, kSmpl22LeftAnkle)[0] = 0.375f;  // step 1: d2 = 0.015625
  At(joints, 1, kSmpl22RightFoot)[2] = -0.5f;   // step 0: d2 = 0.25
  At(joints, 2, kSmpl22RightFoot)[2] = -0.5f;   // step 1: still
  FootContactOptions options;
  options.max_squared_displacement = 0.0625f;
  const std::vector<float> contacts = DetectFootContacts(joints.data(), 3, options);
  ASSERT_EQ(contacts.size(), 2u * 4);
  // Channels: left ankle, left foot, right ankle, right foot.
  EXPECT_EQ(contacts[0 * 4 + 0], 0.0f);  // d2 == threshold
  EXPECT_EQ(contacts[1 * 4 + 0], 1.0f);
  EXPECT_EQ(contacts[0 * 4 + 3], 0.0f);
  EXPECT_EQ(contacts[1 * 4 + 3], 1.0f);
  EXPECT_EQ(contacts[0 * 4 + 1], 1.0f);
  EXPECT_EQ(contacts[0 * 4 + 2], 1.0f);
}

TEST(FootContact, HeightTestUsesTheFirstFrameOfThePairAndIsStrict) {
  std::vector<float> joints = StillJoints(3);
  // The left foot is at the threshold height at frame 0, lower at frame 1;
  // the right ankle is high at frame 0 and at the floor at frames 1 and 2.
  At(joints, 0, kSmpl22LeftFoot)[1] = 0.0625f;
  At(joints, 1, kSmpl22LeftFoot)[1] = 0.0625f - 0.015625f;
  At(joints, 2, kSmpl22LeftFoot)[1] = 0.0625f - 0.015625f;
  At(joints, 0, kSmpl22RightAnkle)[1] = 0.5f;
  FootContactOptions options;
  options.max_squared_displacement = 1.0f;
  options.max_height = {0.125f, 0.0625f, 0.125f, 0.0625f};
  const std::vector<float> contacts = DetectFootContacts(joints.data(), 3, options);
  EXPECT_EQ(contacts[0 * 4 + 1], 0.0f);  // y[0] == 0.0625: not below
  EXPECT_EQ(contacts[1 * 4 + 1], 1.0f);
  EXPECT_EQ(contacts[0 * 4 + 2], 0.0f);  // y[0] = 0.5 although y[1] = 0
  EXPECT_EQ(contacts[1 * 4 + 2], 1.0f);
  // Infinite heights (the default) switch the height test off.
  options.max_height = FootContactOptions{}.max_height;
  const std::vector<float> no_height = DetectFootContacts(joints.data(), 3, options);
  for (float c : no_height) EXPECT_EQ(c, 1.0f);
}

TEST(FootContact, CustomJointsAndStridedOutput) {
  std::vector<float> joints = StillJoints(2);
  At(joints, 1, 15)[1] = 1.0f;  // the head jumps
  FootContactOptions options;
  options.joints = {15, 0, 15, 0};
  std::vector<float> out(10, -1.0f);
  DetectFootContactsInto(joints.data(), 2, options, out.data() + 3, 7);
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_EQ(out[4], 1.0f);
  EXPECT_EQ(out[5], 0.0f);
  EXPECT_EQ(out[6], 1.0f);
  EXPECT_EQ(out[2], -1.0f);
  EXPECT_EQ(out[7], -1.0f);
}

TEST(FootContact, FewerThanTwoFramesGiveNoRows) {
  std::vector<float> joints = StillJoints(1);
  EXPECT_TRUE(DetectFootContacts(joints.data(), 1).empty());
  EXPECT_TRUE(DetectFootContacts(joints.data(), 0).empty());
}

TEST(FootContactOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(FootContactOptions{}.Check());
  FootContactOptions options;
  options.joints = {7, 10, 8, 22};
  EXPECT_ERROR_CONTAINS(options.Check(), {"joints must be smpl22 joints (0-21), got 22"});
  const std::vector<float> joints = StillJoints(2);
  EXPECT_THROW(DetectFootContacts(joints.data(), 2, options), OptionError);
  options = {};
  options.max_height[1] = std::nanf("");
  try {
    options.Check();
    ADD_FAILURE() << "a NaN height was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"max_height"});
  }
}

}  // namespace
}  // namespace intersynth
