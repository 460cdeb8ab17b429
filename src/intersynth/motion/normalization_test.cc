#include "intersynth/motion/normalization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "intersynth/io/npy.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// [rows, dim] values with channel c ~ N(c - 2, (0.5 + c)^2).
std::vector<float> RandomFeatures(int rows, int dim, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> values(static_cast<size_t>(rows) * dim);
  for (int n = 0; n < rows; ++n) {
    for (int c = 0; c < dim; ++c)
      values[n * dim + c] = static_cast<float>(rng.Normal(c - 2.0, 0.5 + c));
  }
  return values;
}

TEST(FeatureNormalizer, NormalizeThenDenormalizeIsIdentity) {
  const std::vector<float> original = RandomFeatures(200, 7, 1);
  const FeatureNormalizer normalizer = FeatureNormalizer::Compute(original.data(), 200, 7);
  std::vector<float> values = original;
  normalizer.Normalize(values.data(), 200, 7);
  EXPECT_NE(values, original);
  normalizer.Denormalize(values.data(), 200, 7);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_NEAR(values[i], original[i], 1e-6 * (1.0 + std::abs(original[i]))) << i;
  }
}

TEST(FeatureNormalizer, ComputedStatisticsNormalizeToZeroMeanUnitStd) {
  std::vector<float> values = RandomFeatures(500, 5, 2);
  const FeatureNormalizer normalizer = FeatureNormalizer::Compute(values.data(), 500, 5);
  ASSERT_EQ(normalizer.dim(), 5);
  normalizer.Normalize(values.data(), 500, 5);
  for (int c = 0; c < 5; ++c) {
    double sum = 0.0, sum2 = 0.0;
    for (int n = 0; n < 500; ++n) {
      sum += values[n * 5 + c];
      sum2 += double(values[n * 5 + c]) * values[n * 5 + c];
    }
    EXPECT_NEAR(sum / 500, 0.0, 1e-5);
    EXPECT_NEAR(sum2 / 500, 1.0, 1e-5);  // population variance (ddof = 0)
  }
}

TEST(FeatureNormalizer, DatasetStatisticsEqualStatisticsOfTheConcatenation) {
  const std::vector<float> a = RandomFeatures(30, 4, 3);
  const std::vector<float> b = RandomFeatures(70, 4, 4);
  FeatureStatistics statistics;
  statistics.Add(a.data(), 30, 4);
  statistics.Add(b.data(), 0, 4);
  statistics.Add(b.data(), 70, 4);
  EXPECT_EQ(statistics.num_rows(), 100);
  const FeatureNormalizer merged = statistics.Finish();
  std::vector<float> both = a;
  both.insert(both.end(), b.begin(), b.end());
  const FeatureNormalizer whole = FeatureNormalizer::Compute(both.data(), 100, 4);
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(merged.mean[c], whole.mean[c], 1e-6);
    EXPECT_NEAR(merged.std[c], whole.std[c], 1e-6);
  }
  // A known case: rows (0, 1) and (2, 1): mean (1, 1), std (1, 0).
  const float two_rows[] = {0.0f, 1.0f, 2.0f, 1.0f};
  const FeatureNormalizer known = FeatureNormalizer::Compute(two_rows, 2, 2);
  EXPECT_EQ(known.mean, (std::vector<float>{1.0f, 1.0f}));
  EXPECT_EQ(known.std, (std::vector<float>{1.0f, 0.0f}));
  EXPECT_THROW(statistics.Add(a.data(), 10, 3), Error);
  EXPECT_THROW(FeatureStatistics().Finish(), Error);
}

TEST(FeatureStatistics, MergedShardsEqualStatisticsOfTheConcatenation) {
  const std::vector<float> a = RandomFeatures(30, 4, 3);
  const std::vector<float> b = RandomFeatures(70, 4, 4);
  FeatureStatistics shard_a, shard_b, empty, merged;
  shard_a.Add(a.data(), 30, 4);
  shard_b.Add(b.data(), 70, 4);
  merged.Merge(empty);    // nothing
  merged.Merge(shard_a);  // into an empty one: a copy
  merged.Merge(empty);
  merged.Merge(shard_b);
  EXPECT_EQ(merged.num_rows(), 100);
  std::vector<float> both = a;
  both.insert(both.end(), b.begin(), b.end());
  const FeatureNormalizer whole = FeatureNormalizer::Compute(both.data(), 100, 4);
  const FeatureNormalizer result = merged.Finish();
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(result.mean[c], whole.mean[c], 1e-6);
    EXPECT_NEAR(result.std[c], whole.std[c], 1e-6);
  }
  FeatureStatistics other_dim;
  other_dim.Add(a.data(), 10, 3);
  EXPECT_ERROR_CONTAINS(merged.Merge(other_dim), {"3 channels into 4"});
}

TEST(FeatureNormalizer, TinyStdChannelIsOnlyCentred) {
  FeatureNormalizer normalizer;
  normalizer.mean = {1.0f, 2.0f};
  normalizer.std = {0.0f, 1e-9f};
  float values[] = {1.5f, 2.25f, 0.5f, 2.0f};
  normalizer.Normalize(values, 2, 2);
  EXPECT_EQ(values[0], 0.5f);
  EXPECT_EQ(values[1], 0.25f);
  EXPECT_EQ(values[2], -0.5f);
  EXPECT_EQ(values[3], 0.0f);
  normalizer.Denormalize(values, 2, 2);
  EXPECT_EQ(values[0], 1.5f);
  EXPECT_EQ(values[1], 2.25f);
}

TEST(FeatureNormalizer, DimensionMismatchNamesSourceAndBothSizes) {
  FeatureNormalizer normalizer;
  normalizer.mean.assign(263, 0.0f);
  normalizer.std.assign(263, 1.0f);
  normalizer.source = "Mean.npy + Std.npy";
  std::vector<float> values(262 * 2, 0.0f);
  EXPECT_ERROR_CONTAINS(normalizer.Normalize(values.data(), 2, 262),
                        {"Mean.npy + Std.npy", "263", "262"});
  EXPECT_THROW(normalizer.Denormalize(values.data(), 2, 262), Error);
}

TEST(FeatureNormalizer, SaveLoadRoundTripAndFileErrors) {
  testing::TempDir dir;
  const std::vector<float> values = RandomFeatures(40, 6, 5);
  const FeatureNormalizer saved = FeatureNormalizer::Compute(values.data(), 40, 6);
  saved.Save(dir / "mean.npy", dir / "std.npy");
  const FeatureNormalizer loaded = FeatureNormalizer::Load(dir / "mean.npy", dir / "std.npy");
  EXPECT_EQ(loaded.mean, saved.mean);
  EXPECT_EQ(loaded.std, saved.std);
  EXPECT_NE(loaded.source.find("mean.npy"), std::string::npos);

  // Sizes differ: both files named.
  WriteNpy(dir / "std5.npy", NpyArray::Float32({5}, std::vector<float>(5, 1.0f)));
  EXPECT_ERROR_CONTAINS(FeatureNormalizer::Load(dir / "mean.npy", dir / "std5.npy"),
                        {"mean.npy", "std5.npy"});
  // Not 1-D, negative std, NaN, missing file.
  WriteNpy(dir / "matrix.npy", NpyArray::Float32({2, 3}, std::vector<float>(6, 1.0f)));
  EXPECT_THROW(FeatureNormalizer::Load(dir / "matrix.npy", dir / "std.npy"), Error);
  WriteNpy(dir / "negative.npy", NpyArray::Float32({6}, {1, 1, 1, -1, 1, 1}));
  EXPECT_THROW(FeatureNormalizer::Load(dir / "mean.npy", dir / "negative.npy"), Error);
  WriteNpy(dir / "nan.npy", NpyArray::Float32({6}, {1, 1, 1, NAN, 1, 1}));
  EXPECT_THROW(FeatureNormalizer::Load(dir / "nan.npy", dir / "std.npy"), Error);
  EXPECT_THROW(FeatureNormalizer::Load(dir / "missing.npy", dir / "std.npy"), Error);
}

TEST(FeatureNormalizer, LoadsHumanML3DStatisticsAndNormalizesTheSample) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "humanml3d");
  const FeatureNormalizer normalizer = FeatureNormalizer::Load(dir / "Mean.npy", dir / "Std.npy");
  ASSERT_EQ(normalizer.dim(), 263);
  for (float s : normalizer.std) EXPECT_GT(s, kMinFeatureStd);
  const NpyArray sample = ReadNpy(dir / "new_joint_vecs" / "012314.npy");
  std::vector<float> values = sample.ToVector<float>();
  const std::vector<float> original = values;
  normalizer.Normalize(values.data(), 170, 263);
  // Normalised real data stays in a few units of the dataset spread.
  double largest = 0.0;
  for (float v : values) largest = std::max(largest, double(std::abs(v)));
  EXPECT_LT(largest, 50.0);
  normalizer.Denormalize(values.data(), 170, 263);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(values[i], original[i], 1e-5);
  EXPECT_THROW(normalizer.Normalize(values.data(), 170, 262), Error);
}

TEST(FeatureNormalizer, LoadsInterGenStatistics) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "intergen/global_mean.npy");
  const FeatureNormalizer normalizer =
      FeatureNormalizer::Load(dir, dir.parent_path() / "global_std.npy");
  ASSERT_EQ(normalizer.dim(), 262);
  // The smallest InterGen std is 0.0074 (notes/intergen-format.md): no guard needed.
  float smallest = normalizer.std[0];
  for (float s : normalizer.std) smallest = std::min(smallest, s);
  EXPECT_NEAR(smallest, 0.0074f, 5e-4f);
}

}  // namespace
}  // namespace intersynth
