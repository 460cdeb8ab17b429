#include "intersynth/motion/feature_augment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using L = InterGenLayout;
constexpr int D = L::kDim;

// The mirror image of a clip through x = 0: x negated and left/right joints
// swapped; stored rotations (column-order 6D) conjugated by M = diag(-1, 1, 1)
// with the joints swapped the same way.
MotionClip MirrorClip(const MotionClip& clip) {
  MotionClip mirrored = clip;
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < clip.num_frames; ++t) {
      for (int j = 0; j < 22; ++j) {
        const float* source = clip.joint(p, t, kSmpl22MirrorJoint[j]);
        float* out = mirrored.joint(p, t, j);
        out[0] = -source[0];
        out[1] = source[1];
        out[2] = source[2];
        if (clip.rotations.empty()) continue;
        Rotation6d<double> d;
        const float* r = clip.rotations.data() + clip.JointIndex(p, t, kSmpl22MirrorJoint[j]) * 2;
        for (int c = 0; c < 6; ++c) d[c] = r[c];
        const Matrix3<double> m = Vector3<double>(-1, 1, 1).asDiagonal();
        const Rotation6d<double> e =
            MatrixToRotation6d(Matrix3<double>(m * Rotation6dToMatrix(d) * m));
        float* w = mirrored.rotations.data() + mirrored.JointIndex(p, t, j) * 2;
        for (int c = 0; c < 6; ++c) w[c] = static_cast<float>(e[c]);
      }
    }
  }
  return mirrored;
}

// Frames first..T-1 of a clip.
MotionClip CropClip(const MotionClip& clip, int first) {
  MotionClip cropped = MotionClip::Zeros(clip.num_persons, clip.num_frames - first, clip.fps);
  if (!clip.rotations.empty()) cropped.rotations.assign(cropped.joints.size() * 2, 0.0f);
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < cropped.num_frames; ++t) {
      std::copy(clip.joint(p, first + t, 0), clip.joint(p, first + t, 0) + 66,
                cropped.joint(p, t, 0));
      if (clip.rotations.empty()) continue;
      const float* r = clip.rotations.data() + clip.JointIndex(p, first + t, 0) * 2;
      std::copy(r, r + 22 * 6, cropped.rotations.data() + cropped.JointIndex(p, t, 0) * 2);
    }
  }
  return cropped;
}

// Largest absolute difference over channels [begin, end) of every row.
double WorstDifference(const InterGenFeatures& a, const InterGenFeatures& b, int begin, int end) {
  EXPECT_EQ(a.values.size(), b.values.size());
  double worst = 0.0;
  for (size_t row = 0; row * D < std::min(a.values.size(), b.values.size()); ++row) {
    for (int c = begin; c < end; ++c) {
      worst = std::max(worst, std::abs(double(a.values[row * D + c]) - b.values[row * D + c]));
    }
  }
  return worst;
}

TEST(MirrorInterGenFeatures, MirroringTwiceIsTheIdentityBitForBit) {
  // Arbitrary values, not only valid features: the map is a signed permutation.
  Rng rng(5);
  std::vector<float> values(7 * D);
  for (float& v : values) v = static_cast<float>(rng.Normal());
  std::vector<float> twice = values;
  MirrorInterGenFeatures(twice.data(), 7);
  EXPECT_NE(twice, values);
  MirrorInterGenFeatures(twice.data(), 7);
  EXPECT_EQ(twice, values);
}

TEST(MirrorInterGenFeatures, SwapsTheDocumentedChannels) {
  std::vector<float> row(D);
  for (int c = 0; c < D; ++c) row[c] = static_cast<float>(c + 1);
  MirrorInterGenFeatures(row.data(), 1);
  // Left hip (1) takes the negated x of the right hip (2); the pelvis stays.
  EXPECT_EQ(row[3 * 1 + 0], -(3 * 2 + 0 + 1));
  EXPECT_EQ(row[3 * 1 + 1], 3 * 2 + 1 + 1);
  EXPECT_EQ(row[3 * 0 + 0], -1.0f);
  EXPECT_EQ(row[3 * 0 + 2], 3.0f);
  EXPECT_EQ(row[L::kVelocities + 3 * 21 + 2], L::kVelocities + 3 * 20 + 2 + 1);
  // Rotation slot of joint 20 (slot 19) takes joint 21's (slot 20), with
  // elements 1, 2, 4 negated.
  const int from = L::kRotations + 6 * 20, to = L::kRotations + 6 * 19;
  const float expected[6] = {from + 1.0f, -(from + 2.0f), -(from + 3.0f),
                             from + 4.0f, -(from + 5.0f), from + 6.0f};
  for (int c = 0; c < 6; ++c) EXPECT_EQ(row[to + c], expected[c]) << c;
  // Spine3 (slot 8) keeps its slot.
  EXPECT_EQ(row[L::kRotations + 6 * 8 + 3], L::kRotations + 6 * 8 + 3 + 1);
  // Contacts: (L ankle, L foot, R ankle, R foot) <- (R ankle, R foot, L ankle, L foot).
  EXPECT_EQ(row[258], 261.0f);
  EXPECT_EQ(row[259], 262.0f);
  EXPECT_EQ(row[260], 259.0f);
  EXPECT_EQ(row[261], 260.0f);
}

// The features of the mirror-image clip are the mirror of the clip's
// features, rotations computed by IK on both sides.
TEST(MirrorInterGenFeatures, CommutesWithEncodingWithIkRotations) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 120, 7);
  InterGenFeatures mirrored = EncodeInterGen(clip);
  MirrorInterGenFeatures(mirrored.values.data(), int64_t{2} * mirrored.num_rows);
  const InterGenFeatures expected = EncodeInterGen(MirrorClip(clip));
  EXPECT_LT(WorstDifference(mirrored, expected, L::kPositions, L::kRotations), 1e-5);
  EXPECT_LT(WorstDifference(mirrored, expected, L::kRotations, L::kFootContacts), 1e-4);
  EXPECT_EQ(WorstDifference(mirrored, expected, L::kFootContacts, D), 0.0);
  // The contacts are not trivially all zero (or one).
  int ones = 0;
  for (size_t row = 0; row * D < expected.values.size(); ++row) {
    for (int k = 0; k < 4; ++k) ones += expected.values[row * D + L::kFootContacts + k] > 0.5f;
  }
  EXPECT_GT(ones, 10);
  EXPECT_LT(ones, 2 * 119 * 4 - 10);
}

// The same with rotations stored in the clip (motion-file convention), which
// EncodeInterGen copies: M r M with joints swapped, to float precision.
TEST(MirrorInterGenFeatures, CommutesWithEncodingWithStoredRotations) {
  const MotionClip clip = SyntheticSmpl22Motion(3, 60, 8, /*with_rotations=*/true);
  InterGenFeatures mirrored = EncodeInterGen(clip);
  MirrorInterGenFeatures(mirrored.values.data(), int64_t{3} * mirrored.num_rows);
  const InterGenFeatures expected = EncodeInterGen(MirrorClip(clip));
  EXPECT_LT(WorstDifference(mirrored, expected, L::kPositions, L::kRotations), 1e-5);
  EXPECT_LT(WorstDifference(mirrored, expected, L::kRotations, L::kFootContacts), 1e-6);
  EXPECT_EQ(WorstDifference(mirrored, expected, L::kFootContacts, D), 0.0);
}

TEST(MirrorCaption, SwapsWholeWordsKeepingCaseAndPunctuation) {
  EXPECT_EQ(MirrorCaption("a person waves with the left hand"),
            "a person waves with the right hand");
  EXPECT_EQ(MirrorCaption("someone walks sideways to the right, looking angry."),
            "someone walks sideways to the left, looking angry.");
  EXPECT_EQ(MirrorCaption("Left foot first, then RIGHT; then Right."),
            "Right foot first, then LEFT; then Left.");
  EXPECT_EQ(MirrorCaption("the person walks while turning left"),
            "the person walks while turning right");
  EXPECT_EQ(MirrorCaption("turns left-hand side, kicks with the right-leg"),
            "turns right-hand side, kicks with the left-leg");
  EXPECT_EQ(MirrorCaption("drifts leftwards then rightward"), "drifts rightwards then leftward");
  EXPECT_EQ(MirrorCaption(""), "");
  EXPECT_EQ(MirrorCaption("a person jumps"), "a person jumps");
}

TEST(MirrorCaption, SwapsRotationSensesIncludingHyphenatedAndBritishForms) {
  EXPECT_EQ(MirrorCaption("spins clockwise"), "spins counterclockwise");
  EXPECT_EQ(MirrorCaption("spins counterclockwise"), "spins clockwise");
  EXPECT_EQ(MirrorCaption("spins counter-clockwise twice"), "spins clockwise twice");
  EXPECT_EQ(MirrorCaption("spins anticlockwise"), "spins clockwise");
  EXPECT_EQ(MirrorCaption("Anti-clockwise, then Clockwise"), "Clockwise, then Counterclockwise");
  // "counter-" before another word is left alone.
  EXPECT_EQ(MirrorCaption("a counter-attack to the left"), "a counter-attack to the right");
}

// InterGen's str.replace swaps substrings; whole words only here.
TEST(MirrorCaption, DoesNotSwapInsideWords) {
  EXPECT_EQ(MirrorCaption("stands upright"), "stands upright");
  EXPECT_EQ(MirrorCaption("a bright light, leftovers, copyright"),
            "a bright light, leftovers, copyright");
  EXPECT_EQ(MirrorCaption("counterclockwise"), "clockwise");
  EXPECT_EQ(MirrorCaption(MirrorCaption("turns clockwise to the left")),
            "turns clockwise to the left");
}

// EncodeInterGen of the clip cropped at frame k equals the full clip's
// features, rows k.., re-canonicalised on row k.
TEST(CanonicalizeFeatureRows, MatchesEncodingOfTheCroppedClip) {
  constexpr int T = 100;
  for (bool with_rotations : {false, true}) {
    const MotionClip clip = SyntheticSmpl22Motion(2, T, 31, with_rotations);
    const InterGenFeatures full = EncodeInterGen(clip);
    for (int k : {0, 1, 37, 90}) {
      SCOPED_TRACE(::testing::Message() << "k " << k << " rotations " << with_rotations);
      std::vector<float> values = full.values;
      const YawTransform world_from_canonical = CanonicalizeFeatureRows(
          values.data(), 2, full.num_rows, k,
          with_rotations ? FeatureRotations::kKeep : FeatureRotations::kRecomputeIk);
      const InterGenFeatures cropped = EncodeInterGen(CropClip(clip, k));
      ASSERT_EQ(cropped.num_rows, full.num_rows - k);

      // Rows k.. of both persons, in the cropped layout.
      InterGenFeatures recanonical = cropped;
      for (int p = 0; p < 2; ++p) {
        const float* begin = values.data() + (static_cast<size_t>(p) * full.num_rows + k) * D;
        std::copy(begin, begin + static_cast<size_t>(cropped.num_rows) * D, recanonical.row(p, 0));
      }
      EXPECT_LT(WorstDifference(recanonical, cropped, L::kPositions, L::kRotations), 1e-4);
      // Stored rotations are kept (copied on both sides); IK rotations are
      // recomputed from the moved positions.
      const double rotations =
          WorstDifference(recanonical, cropped, L::kRotations, L::kFootContacts);
      if (with_rotations) {
        EXPECT_EQ(rotations, 0.0);
      } else {
        EXPECT_LT(rotations, 1e-4);
      }
      // Contacts: equal except where float rounding of the two canonical
      // frames decides a threshold (none expected for this clip).
      EXPECT_EQ(WorstDifference(recanonical, cropped, L::kFootContacts, D), 0.0);

      // The removed transform is the frame-k pose in the full canonical frame:
      // facing yaw_k - yaw_0 (world yaws), the pelvis of row k.
      EXPECT_NEAR(std::remainder(world_from_canonical.yaw - (cropped.world_from_canonical.yaw -
                                                             full.world_from_canonical.yaw),
                                 2 * EIGEN_PI),
                  0.0, 1e-5);
      EXPECT_EQ(world_from_canonical.translation_x, full.row(0, k)[0]);
      EXPECT_EQ(world_from_canonical.translation_z, full.row(0, k)[2]);
    }
  }
}

// Why kRecomputeIk exists: HumanML3D-style swing IK measures each swing in
// the world frame, so the IK rotations of a turned body differ by a twist
// about each bone, while FK of either set rebuilds the same bone directions.
TEST(CanonicalizeFeatureRows, IkRotationsChangeWithYawAndAreRecomputed) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 40, 13);
  const InterGenFeatures full = EncodeInterGen(clip);
  std::vector<float> kept = full.values, recomputed = full.values;
  CanonicalizeFeatureRows(kept.data(), 1, full.num_rows, 25, FeatureRotations::kKeep);
  CanonicalizeFeatureRows(recomputed.data(), 1, full.num_rows, 25, FeatureRotations::kRecomputeIk);
  double worst = 0.0;
  for (size_t i = 0; i < kept.size(); ++i) {
    if (i % D < L::kRotations) {
      ASSERT_EQ(kept[i], recomputed[i]);
    } else {
      worst = std::max(worst, std::abs(double(kept[i]) - recomputed[i]));
    }
  }
  EXPECT_GT(worst, 0.05) << "the twist about the bones changed with the yaw";
}

TEST(RecomputeIkRotations, ReproducesTheEncodersIkRotations) {
  const InterGenFeatures features = EncodeInterGen(SyntheticSmpl22Motion(2, 50, 14));
  std::vector<float> values = features.values;
  for (int p = 0; p < 2; ++p)
    RecomputeIkRotations(values.data() + p * features.num_rows * D, features.num_rows);
  double worst = 0.0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i % D < L::kRotations || i % D >= L::kFootContacts) {
      ASSERT_EQ(values[i], features.values[i]);
    } else {
      worst = std::max(worst, std::abs(double(values[i]) - features.values[i]));
    }
  }
  EXPECT_LT(worst, 1e-6);
}

TEST(CanonicalizeFeatureRows, PutsReferenceRowAtOriginFacingPlusZAndReturnsTheWayBack) {
  const MotionClip clip = SyntheticSmpl22Motion(3, 50, 12);
  const InterGenFeatures features = EncodeInterGen(clip);
  std::vector<float> values = features.values;
  const int64_t N = features.num_rows;
  const YawTransform world_from_canonical = CanonicalizeFeatureRows(values.data(), 3, N, 20);
  const float* reference = values.data() + 20 * D;
  EXPECT_NEAR(reference[0], 0.0f, 1e-6);
  EXPECT_NEAR(reference[2], 0.0f, 1e-6);
  EXPECT_EQ(reference[1], features.row(0, 20)[1]) << "heights are not shifted";
  EXPECT_NEAR(*HipFacingYaw(reference), 0.0, 1e-6);
  // Applying the returned transform (and redoing the IK rotations) restores
  // every row of every person.
  ApplyYawToFeatureRows(values.data(), 3 * N, world_from_canonical);
  for (int p = 0; p < 3; ++p) RecomputeIkRotations(values.data() + p * N * D, N);
  double worst = 0.0;
  for (size_t i = 0; i < values.size(); ++i) {
    worst = std::max(worst, std::abs(double(values[i]) - features.values[i]));
  }
  EXPECT_LT(worst, 1e-5);
}

TEST(CanonicalizeFeatureRows, RejectsVerticalHipsAndBadRows) {
  const InterGenFeatures features = EncodeInterGen(SyntheticSmpl22Motion(1, 10, 3));
  std::vector<float> values = features.values;
  // Stack the right hip above the left one at row 4.
  float* row = values.data() + 4 * D;
  std::copy(row + 3, row + 6, row + 6);
  row[7] += 0.2f;
  EXPECT_ERROR_CONTAINS(CanonicalizeFeatureRows(values.data(), 1, features.num_rows, 4),
                        {"row 4", "vertically aligned"});
  EXPECT_NO_THROW(CanonicalizeFeatureRows(values.data(), 1, features.num_rows, 3));
  EXPECT_ERROR_CONTAINS(CanonicalizeFeatureRows(values.data(), 1, features.num_rows, 9),
                        {"first_row 9"});
  EXPECT_THROW(CanonicalizeFeatureRows(values.data(), 1, features.num_rows, -1), Error);
  EXPECT_THROW(CanonicalizeFeatureRows(values.data(), 0, features.num_rows, 0), Error);
  values[0] = std::nanf("");
  EXPECT_ERROR_CONTAINS(CanonicalizeFeatureRows(values.data(), 1, features.num_rows, 0),
                        {"row 0", "joint 0 (pelvis)"});
}

TEST(ApplyYawToFeatureRows, MovesPositionsTurnsVelocitiesAndKeepsTheRest) {
  const InterGenFeatures features = EncodeInterGen(SyntheticSmpl22Motion(2, 30, 4));
  const int64_t rows = 2 * features.num_rows;
  std::vector<float> values = features.values;
  YawTransform t;
  t.yaw = 2.2;
  t.translation_x = 1.5;
  t.translation_z = -0.75;
  ApplyYawToFeatureRows(values.data(), rows, t);
  for (int64_t n = 0; n < rows; ++n) {
    const float* in = features.values.data() + n * D;
    const float* out = values.data() + n * D;
    for (int j = 0; j < 22; ++j) {
      float p[3] = {in[3 * j], in[3 * j + 1], in[3 * j + 2]};
      t.Apply(p);
      EXPECT_NEAR(out[3 * j + 0], p[0], 1e-6);
      EXPECT_EQ(out[3 * j + 1], in[3 * j + 1]);
      EXPECT_NEAR(out[3 * j + 2], p[2], 1e-6);
      // Velocities: the turn only, so |v| and v.y are kept.
      const float* v = in + L::kVelocities + 3 * j;
      const float* w = out + L::kVelocities + 3 * j;
      EXPECT_NEAR(std::hypot(w[0], w[2]), std::hypot(v[0], v[2]), 1e-6);
      EXPECT_EQ(w[1], v[1]);
    }
    for (int c = L::kRotations; c < D; ++c) ASSERT_EQ(out[c], in[c]) << "row " << n << " ch " << c;
  }
  // Velocities stay the finite differences of the moved positions.
  for (int64_t n = 0; n + 1 < features.num_rows; ++n) {
    for (int i = 0; i < 66; ++i) {
      EXPECT_NEAR(values[n * D + L::kVelocities + i], values[(n + 1) * D + i] - values[n * D + i],
                  1e-5);
    }
  }
}

}  // namespace
}  // namespace intersynth
