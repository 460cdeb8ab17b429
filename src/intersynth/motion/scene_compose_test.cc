#include "intersynth/motion/scene_compose.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "intersynth/motion/feature_augment.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using L = InterGenLayout;
constexpr int D = L::kDim;
constexpr double kPi = 3.14159265358979323846;

// Raw canonical features [T - 1, 262] of one person in the rest pose of
// kSmpl22SyntheticRestOffsets gliding `distance` metres along +Z.
std::vector<float> StraightWalk(int num_frames, double distance) {
  MotionClip clip = MotionClip::Zeros(1, num_frames);
  for (int t = 0; t < num_frames; ++t) {
    const float z = static_cast<float>(distance * t / (num_frames - 1));
    float* pelvis = clip.joint(0, t, 0);
    pelvis[0] = 0.0f;
    pelvis[1] = 0.93f;
    pelvis[2] = z;
    for (int j = 1; j < 22; ++j) {
      const float* parent = clip.joint(0, t, kSmpl22Parents[j]);
      for (int c = 0; c < 3; ++c)
        clip.joint(0, t, j)[c] = parent[c] + kSmpl22SyntheticRestOffsets[j][c];
    }
  }
  return EncodeInterGen(clip).values;
}

// Smallest horizontal pelvis distance between two persons over all rows.
double ClosestPelvisApproach(const ComposedScene& scene, int a, int b) {
  double closest = 1e9;
  for (int64_t n = 0; n < scene.num_rows; ++n) {
    const float* pa = scene.row(a, n);
    const float* pb = scene.row(b, n);
    closest = std::min(closest, std::hypot(double(pa[0]) - pb[0], double(pa[2]) - pb[2]));
  }
  return closest;
}

std::vector<const float*> Pointers(const std::vector<std::vector<float>>& blocks) {
  std::vector<const float*> pointers;
  for (const auto& block : blocks) pointers.push_back(block.data());
  return pointers;
}

TEST(ComposeScene, SeparationHoldsAtEveryRowForTwoThreeAndFourPersons) {
  constexpr int T = 61;
  const std::vector<std::vector<float>> walks = {StraightWalk(T, 2.0), StraightWalk(T, 2.0),
                                                 StraightWalk(T, 1.0), StraightWalk(T, 0.0)};
  for (int persons = 2; persons <= 4; ++persons) {
    for (uint64_t seed = 0; seed < 20; ++seed) {
      SCOPED_TRACE(::testing::Message() << persons << " persons, seed " << seed);
      std::vector<const float*> inputs = Pointers(walks);
      inputs.resize(persons);
      Rng rng(seed);
      const ComposedScene scene = ComposeScene(inputs, T - 1, rng);
      ASSERT_TRUE(scene.success) << scene.message;
      EXPECT_TRUE(scene.message.empty());
      ASSERT_EQ(scene.num_persons, persons);
      ASSERT_EQ(scene.values.size(), static_cast<size_t>(persons) * (T - 1) * D);
      ASSERT_EQ(scene.placements.size(), static_cast<size_t>(persons));
      for (int a = 0; a < persons; ++a) {
        for (int b = a + 1; b < persons; ++b) EXPECT_GE(ClosestPelvisApproach(scene, a, b), 0.8);
      }
      for (int p = 0; p < persons; ++p) {
        // Row 0's pelvis lies in the placement disc; heights and contacts are
        // untouched; the rows are the input moved by the placement, IK
        // rotations recomputed.
        EXPECT_LE(std::hypot(scene.row(p, 0)[0], scene.row(p, 0)[2]), 3.0 + 1e-6);
        std::vector<float> expected(inputs[p], inputs[p] + (T - 1) * D);
        ApplyYawToFeatureRows(expected.data(), T - 1, scene.placements[p]);
        if (p > 0) RecomputeIkRotations(expected.data(), T - 1);
        for (int64_t n = 0; n < T - 1; ++n) {
          for (int c = 0; c < D; ++c) ASSERT_EQ(scene.row(p, n)[c], expected[n * D + c]);
          for (int j = 0; j < 22; ++j)
            ASSERT_EQ(scene.row(p, n)[3 * j + 1], inputs[p][n * D + 3 * j + 1]);
        }
      }
    }
  }
}

TEST(ComposeScene, WorksOnRealisticEncodedMotionAndKeepsPersonZeroBitForBit) {
  constexpr int T = 120;
  std::vector<std::vector<float>> blocks;
  for (int p = 0; p < 4; ++p)
    blocks.push_back(EncodeInterGen(SyntheticSmpl22Motion(1, T, 50 + p)).values);
  Rng rng(3);
  const ComposedScene scene = ComposeScene(Pointers(blocks), T - 1, rng);
  ASSERT_TRUE(scene.success) << scene.message;
  EXPECT_EQ(std::vector<float>(scene.values.begin(), scene.values.begin() + (T - 1) * D),
            blocks[0]);
  EXPECT_EQ(scene.placements[0].yaw, 0.0);
  EXPECT_EQ(scene.placements[0].translation_x, 0.0);
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) EXPECT_GE(ClosestPelvisApproach(scene, a, b), 0.8);
  }
  // The facing of each added person at row 0 is its drawn heading (inputs face +Z).
  for (int p = 1; p < 4; ++p) {
    EXPECT_NEAR(std::remainder(*HipFacingYaw(scene.row(p, 0)) - scene.placements[p].yaw, 2 * kPi),
                0.0, 1e-5);
  }
}

// The scene is what EncodeInterGen gives for the composed world clip (IK
// rotations recomputed for the turned persons by default).
TEST(ComposeScene, EqualsTheEncodingOfTheComposedClip) {
  constexpr int T = 80, N = T - 1, P = 3;
  std::vector<std::vector<float>> blocks;
  for (int p = 0; p < P; ++p)
    blocks.push_back(EncodeInterGen(SyntheticSmpl22Motion(1, T, 70 + p)).values);
  Rng rng(8);
  const ComposedScene scene = ComposeScene(Pointers(blocks), N, rng);
  ASSERT_TRUE(scene.success) << scene.message;

  // Frames 0..N-1 from the position channels, frame N = last row + its velocity.
  MotionClip composed = MotionClip::Zeros(P, T);
  for (int p = 0; p < P; ++p) {
    for (int t = 0; t < T; ++t) {
      const float* row = scene.row(p, std::min(t, N - 1));
      for (int i = 0; i < 66; ++i) {
        composed.joint(p, t, 0)[i] = t < N ? row[i] : row[i] + row[L::kVelocities + i];
      }
    }
  }
  const InterGenFeatures encoded = EncodeInterGen(composed);
  ASSERT_EQ(encoded.values.size(), scene.values.size());
  double worst[3] = {0.0, 0.0, 0.0};  // positions + velocities, rotations, contacts
  for (size_t i = 0; i < scene.values.size(); ++i) {
    const int c = static_cast<int>(i % D);
    const int group = c < L::kRotations ? 0 : c < L::kFootContacts ? 1 : 2;
    worst[group] = std::max(worst[group], std::abs(double(scene.values[i]) - encoded.values[i]));
  }
  EXPECT_LT(worst[0], 1e-4);
  EXPECT_LT(worst[1], 1e-4);
  EXPECT_EQ(worst[2], 0.0);

  // Keeping the rotations instead leaves the input's IK rotations, which no
  // longer match the turned bodies.
  ComposeOptions keep;
  keep.rotations = FeatureRotations::kKeep;
  Rng same(8);
  const ComposedScene kept = ComposeScene(Pointers(blocks), N, same, keep);
  ASSERT_TRUE(kept.success);
  double rotation_change = 0.0;
  for (size_t i = 0; i < kept.values.size(); ++i) {
    const int c = static_cast<int>(i % D);
    if (c < L::kRotations || c >= L::kFootContacts) {
      ASSERT_EQ(kept.values[i], scene.values[i]);
    } else {
      rotation_change =
          std::max(rotation_change, std::abs(double(kept.values[i]) - scene.values[i]));
    }
  }
  EXPECT_GT(rotation_change, 0.05);
  EXPECT_EQ(std::vector<float>(kept.values.begin(), kept.values.begin() + N * D), blocks[0]);
}

TEST(ComposeScene, SameSeedGivesTheSameSceneAndOtherSeedsOtherScenes) {
  constexpr int T = 41;
  const std::vector<std::vector<float>> walks = {StraightWalk(T, 2.0), StraightWalk(T, 1.5),
                                                 StraightWalk(T, 0.5)};
  Rng a(99), b(99), c(100);
  const ComposedScene first = ComposeScene(Pointers(walks), T - 1, a);
  const ComposedScene second = ComposeScene(Pointers(walks), T - 1, b);
  const ComposedScene other = ComposeScene(Pointers(walks), T - 1, c);
  ASSERT_TRUE(first.success && second.success && other.success);
  EXPECT_EQ(first.values, second.values);
  EXPECT_NE(first.values, other.values);
  // The generator advanced identically.
  EXPECT_EQ(a.NextSeed(), b.NextSeed());
}

TEST(ComposeScene, HeadingsCoverTheCircle) {
  constexpr int T = 11;
  const std::vector<std::vector<float>> walks = {StraightWalk(T, 0.0), StraightWalk(T, 0.0)};
  int quadrants[4] = {};
  Rng rng(1);
  for (int i = 0; i < 200; ++i) {
    const ComposedScene scene = ComposeScene(Pointers(walks), T - 1, rng);
    ASSERT_TRUE(scene.success);
    const double yaw = std::fmod(scene.placements[1].yaw, 2 * kPi);
    ASSERT_GE(yaw, 0.0);
    ++quadrants[static_cast<int>(yaw / (kPi / 2)) % 4];
  }
  for (int q : quadrants) EXPECT_GT(q, 25);
}

TEST(ComposeScene, ImpossiblePlacementIsAReportedFailure) {
  constexpr int T = 21;
  const std::vector<std::vector<float>> walks = {StraightWalk(T, 2.0), StraightWalk(T, 2.0)};
  ComposeOptions options;
  options.min_separation_m = 100.0;
  options.placement_radius_m = 3.0;
  options.max_attempts = 7;
  Rng rng(4);
  const ComposedScene scene = ComposeScene(Pointers(walks), T - 1, rng, options);
  EXPECT_FALSE(scene.success);
  EXPECT_NE(scene.message.find("person 1 of 2"), std::string::npos) << scene.message;
  EXPECT_NE(scene.message.find("7 attempts"), std::string::npos) << scene.message;
  EXPECT_TRUE(scene.values.empty());
  EXPECT_EQ(scene.num_persons, 2);
}

TEST(ComposeScene, OnePersonIsCopiedAndBadInputThrows) {
  constexpr int T = 11;
  const std::vector<float> walk = StraightWalk(T, 1.0);
  Rng rng(2);
  const ComposedScene one = ComposeScene({walk.data()}, T - 1, rng);
  ASSERT_TRUE(one.success);
  EXPECT_EQ(one.values, walk);

  EXPECT_THROW(ComposeScene({}, T - 1, rng), Error);
  EXPECT_ERROR_CONTAINS(ComposeScene({walk.data(), nullptr}, T - 1, rng), {"person 1", "null"});
  EXPECT_THROW(ComposeScene({walk.data()}, 0, rng), Error);
  ComposeOptions options;
  options.placement_radius_m = 0.0;
  EXPECT_ERROR_CONTAINS(ComposeScene({walk.data()}, T - 1, rng, options), {"placement_radius_m"});
  options = {};
  options.max_attempts = 0;
  EXPECT_ERROR_CONTAINS(ComposeScene({walk.data()}, T - 1, rng, options), {"max_attempts"});
  options = {};
  options.min_separation_m = -1.0;
  EXPECT_ERROR_CONTAINS(ComposeScene({walk.data()}, T - 1, rng, options), {"min_separation_m"});
  std::vector<float> broken = walk;
  broken[3 * D + 2] = std::nanf("");
  EXPECT_ERROR_CONTAINS(ComposeScene({walk.data(), broken.data()}, T - 1, rng),
                        {"person 1", "row 3", "pelvis"});
}

TEST(JoinCaptions, JoinsRealCaptionsIntoOneSentence) {
  EXPECT_EQ(JoinCaptions({"a person walks in a circle", "someone waves."}),
            "one person walks in a circle while another waves");
  EXPECT_EQ(JoinCaptions({"the person bows happily", "a person kicks forward with the left leg",
                          "someone tiptoes forward quietly"}),
            "one person bows happily, another kicks forward with the left leg, and a third "
            "tiptoes forward quietly");
  EXPECT_EQ(
      JoinCaptions({"someone lifts both hands up", "the person runs angrily",
                    "a person lies down on the floor", "the person walks while turning right"}),
      "one person lifts both hands up, another runs angrily, a third lies down on the "
      "floor, and a fourth walks while turning right");
  // Commas inside a clause: kept with "while"; "; " separates list items.
  EXPECT_EQ(JoinCaptions({"someone walks forward, looking angry", "the person waves goodbye"}),
            "one person walks forward, looking angry, while another waves goodbye");
  EXPECT_EQ(JoinCaptions({"someone walks forward, looking angry", "the person waves goodbye",
                          "someone waits, standing still, acting as if bored"}),
            "one person walks forward, looking angry; another waves goodbye; and a third waits, "
            "standing still, acting as if bored");
}

TEST(JoinCaptions, StripsEverySubjectCaseInsensitivelyAsWholeWords) {
  EXPECT_EQ(JoinCaptions({"A man jumps.", "THE WOMAN sits down"}),
            "One person jumps while another sits down");
  EXPECT_EQ(JoinCaptions({"a woman dances", "the man claps", "person crouches ", "someone kneels"}),
            "one person dances, another claps, a third crouches, and a fourth kneels");
  // "a personal trainer" is not the subject "a person".
  EXPECT_EQ(JoinCaptions({"a personal trainer claps", "someone kneels"}),
            "a personal trainer claps while someone kneels");
}

TEST(JoinCaptions, FallsBackToTheCaptionsAsTheyAreWithoutARecognisedSubject) {
  EXPECT_EQ(JoinCaptions({"laugh ", "a person bows"}), "laugh while a person bows");
  EXPECT_EQ(JoinCaptions({"Start Walk Stop", "Start Hop Stop", "someone jumps"}),
            "Start Walk Stop, Start Hop Stop, and someone jumps");
  // A plural subject is not one person.
  EXPECT_EQ(JoinCaptions({"a person and their partner fist bump", "someone waves"}),
            "a person and their partner fist bump while someone waves");
  EXPECT_EQ(JoinCaptions({"walk, shake hands (2 subjects - subject A)", "a person runs",
                          "two people bump fists"}),
            "walk, shake hands (2 subjects - subject A); a person runs; and two people bump fists");
}

TEST(JoinCaptions, OneCaptionIsUnchangedAndBadCountsThrow) {
  EXPECT_EQ(JoinCaptions({"A person waves."}), "A person waves.");
  EXPECT_THROW(JoinCaptions({}), Error);
  EXPECT_ERROR_CONTAINS(JoinCaptions({"a", "b", "c", "d", "e"}), {"1 to 4", "got 5"});
}

TEST(ComposeOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(ComposeOptions{}.Check());
  ComposeOptions options;
  options.min_separation_m = 0.0;  // any placement: valid
  EXPECT_NO_THROW(options.Check());
  options.placement_radius_m = std::numeric_limits<double>::infinity();
  try {
    options.Check();
    ADD_FAILURE() << "an infinite radius was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"placement_radius_m"});
  }
}

}  // namespace
}  // namespace intersynth
