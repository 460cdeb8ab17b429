#include "intersynth/motion/resample.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// [T, width] values that are linear in time: v[i, c] = offset_c + slope_c * t_i.
std::vector<float> LinearSignal(const std::vector<double>& times,
                                const std::vector<double>& offsets,
                                const std::vector<double>& slopes) {
  const size_t width = offsets.size();
  std::vector<float> values(times.size() * width);
  for (size_t i = 0; i < times.size(); ++i) {
    for (size_t c = 0; c < width; ++c) {
      values[i * width + c] = static_cast<float>(offsets[c] + slopes[c] * times[i]);
    }
  }
  return values;
}

std::vector<double> UniformTimes(int num_frames, double fps) {
  std::vector<double> times(num_frames);
  for (int i = 0; i < num_frames; ++i) times[i] = i / fps;
  return times;
}

// Random [T, width] values (no structure: exact copies are the only way to
// match them).
std::vector<float> RandomValues(int num_frames, int width, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> values(static_cast<size_t>(num_frames) * width);
  for (float& v : values) v = dist(rng);
  return values;
}

// Per-channel offsets and slopes of joints-like scale (metres, m/s).
void RandomLine(int width,
                unsigned seed,
                std::vector<double>* offsets,
                std::vector<double>* slopes) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-1.5, 1.5);
  offsets->resize(width);
  slopes->resize(width);
  for (int c = 0; c < width; ++c) {
    (*offsets)[c] = dist(rng);
    (*slopes)[c] = dist(rng);
  }
}

TEST(ResampleUniform, LinearSignalIsReproducedAt24To20) {
  constexpr int kWidth = 66;
  constexpr int kFrames = 97;
  std::vector<double> offsets, slopes;
  RandomLine(kWidth, 3, &offsets, &slopes);
  const std::vector<float> in = LinearSignal(UniformTimes(kFrames, 24.0), offsets, slopes);
  const std::vector<float> out = ResampleUniform(in.data(), kFrames, kWidth, 24.0, 20.0);
  // T' = floor(96 * 20 / 24) + 1 = 81; output k sits at k / 20 s.
  ASSERT_EQ(out.size(), 81u * kWidth);
  const std::vector<float> expected = LinearSignal(UniformTimes(81, 20.0), offsets, slopes);
  for (size_t n = 0; n < out.size(); ++n) EXPECT_NEAR(out[n], expected[n], 2e-6) << n;
}

TEST(ResampleUniform, LinearSignalIsReproducedWhenUpsampling) {
  constexpr int kWidth = 5;
  std::vector<double> offsets, slopes;
  RandomLine(kWidth, 4, &offsets, &slopes);
  const std::vector<float> in = LinearSignal(UniformTimes(30, 20.0), offsets, slopes);
  const std::vector<float> out = ResampleUniform(in.data(), 30, kWidth, 20.0, 50.0);
  // T' = floor(29 * 50 / 20) + 1 = 73.
  ASSERT_EQ(out.size(), 73u * kWidth);
  const std::vector<float> expected = LinearSignal(UniformTimes(73, 50.0), offsets, slopes);
  for (size_t n = 0; n < out.size(); ++n) EXPECT_NEAR(out[n], expected[n], 2e-6) << n;
}

TEST(ResampleUniform, From120To20TakesEverySixthFrameBitExactly) {
  constexpr int kWidth = 66;
  // 121 frames: T' = 21 and the last output is the last input; 126 frames: the
  // last five inputs are past the last output time; 127: one more output.
  for (const auto& [frames, expected_count] :
       std::vector<std::pair<int, int>>{{121, 21}, {126, 21}, {127, 22}}) {
    const std::vector<float> in = RandomValues(frames, kWidth, 11);
    const std::vector<float> out = ResampleUniform(in.data(), frames, kWidth, 120.0, 20.0);
    ASSERT_EQ(out.size(), static_cast<size_t>(expected_count) * kWidth) << frames;
    for (int k = 0; k < expected_count; ++k) {
      for (int c = 0; c < kWidth; ++c) {
        ASSERT_EQ(out[k * kWidth + c], in[(6 * k) * kWidth + c]) << "k " << k << " c " << c;
      }
    }
  }
}

TEST(ResampleUniform, From30To20AlternatesCopiesAndMidpoints) {
  // v[i] = i^2 is not linear, so the midpoint rule is visible; the values are
  // small integers, so the midpoints are exact in float.
  constexpr int kFrames = 10;
  std::vector<float> in(kFrames);
  for (int i = 0; i < kFrames; ++i) in[i] = static_cast<float>(i * i);
  const std::vector<float> out = ResampleUniform(in.data(), kFrames, 1, 30.0, 20.0);
  // T' = floor(9 * 20 / 30) + 1 = 7; output k at input position 1.5 k.
  ASSERT_EQ(out.size(), 7u);
  for (int k = 0; k < 7; ++k) {
    const int i = (3 * k) / 2;
    const float expected = (k % 2 == 0) ? in[i] : 0.5f * (in[i] + in[i + 1]);
    EXPECT_EQ(out[k], expected) << "k " << k;
  }
}

TEST(ResampleUniform, From24To20LastOutputLandsOnLastInput) {
  // 25 frames at 24 fps span exactly 1 s: 21 outputs at 20 fps, the last a copy.
  const std::vector<float> in = RandomValues(25, 3, 5);
  const std::vector<float> out = ResampleUniform(in.data(), 25, 3, 24.0, 20.0);
  ASSERT_EQ(out.size(), 21u * 3);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(out[0 * 3 + c], in[0 * 3 + c]);
    EXPECT_EQ(out[20 * 3 + c], in[24 * 3 + c]);
    EXPECT_EQ(out[5 * 3 + c], in[6 * 3 + c]);  // 5 / 20 s = 6 / 24 s
  }
  // 24 frames span 23 / 24 s: floor(19.17) + 1 = 20 outputs.
  EXPECT_EQ(ResampleUniform(in.data(), 24, 3, 24.0, 20.0).size(), 20u * 3);
}

TEST(ResampleUniform, EqualRatesCopyBitExactly) {
  const std::vector<float> in = RandomValues(17, 4, 6);
  for (double fps : {20.0, 29.97, 120.0}) {
    EXPECT_EQ(ResampleUniform(in.data(), 17, 4, fps, fps), in) << fps;
  }
}

TEST(ResampleUniform, UpsampleThenDownsampleByIntegerFactorIsIdentity) {
  const std::vector<float> in = RandomValues(40, 66, 7);
  const std::vector<float> up = ResampleUniform(in.data(), 40, 66, 20.0, 120.0);
  ASSERT_EQ(up.size(), (39u * 6 + 1) * 66);
  const std::vector<float> back = ResampleUniform(up.data(), 39 * 6 + 1, 66, 120.0, 20.0);
  EXPECT_EQ(back, in);
}

TEST(ResampleUniform, NonIntegerRateKeepsTheLastOutputWithinTheInput) {
  // 30000/1001 fps (29.97): T' = floor((T - 1) * 20 * 1001 / 30000) + 1.
  constexpr double kNtsc = 30000.0 / 1001.0;
  for (int frames : {2, 3, 31, 300, 1499, 1500, 1501}) {
    const std::vector<ResamplePoint> plan = PlanUniformResample(frames, kNtsc, 20.0);
    const int expected = static_cast<int>(std::floor((frames - 1) * 20.0 * 1001.0 / 30000.0)) + 1;
    EXPECT_EQ(static_cast<int>(plan.size()), expected) << frames;
    EXPECT_LE(plan.back().index1, frames - 1);
  }
}

TEST(ResampleUniform, SingleFrameGivesOneCopyAndNoFramesGiveNothing) {
  const std::vector<float> in = {1.5f, -2.0f, 3.25f};
  EXPECT_EQ(ResampleUniform(in.data(), 1, 3, 120.0, 20.0), in);
  EXPECT_EQ(ResampleUniform(in.data(), 1, 3, 20.0, 120.0), in);
  EXPECT_TRUE(ResampleUniform(in.data(), 0, 3, 30.0, 20.0).empty());
}

TEST(ResampleUniform, RejectsNonPositiveOrNonFiniteRates) {
  const std::vector<float> in(6, 0.0f);
  EXPECT_ERROR_CONTAINS(ResampleUniform(in.data(), 2, 3, 0.0, 20.0), {"source fps", "0"});
  EXPECT_ERROR_CONTAINS(ResampleUniform(in.data(), 2, 3, 30.0, -20.0), {"target fps", "-20"});
  EXPECT_ERROR_CONTAINS(
      ResampleUniform(in.data(), 2, 3, std::numeric_limits<double>::quiet_NaN(), 20.0),
      {"source fps", "nan"});
  EXPECT_ERROR_CONTAINS(
      ResampleUniform(in.data(), 2, 3, 30.0, std::numeric_limits<double>::infinity()),
      {"target fps", "inf"});
}

TEST(ResamplePlan, WeightsLieInUnitIntervalAndZeroWeightMeansOneFrame) {
  // Plan invariants over many rate pairs: indices in range and nondecreasing,
  // 0 <= weight1 < 1, index1 == index0 exactly when weight1 == 0, else index0 + 1.
  for (double source : {12.0, 20.0, 24.0, 25.0, 29.97, 30.0, 60.0, 120.0}) {
    for (double target : {10.0, 20.0, 30.0, 33.3, 120.0}) {
      const int frames = 53;
      const std::vector<ResamplePoint> plan = PlanUniformResample(frames, source, target);
      int previous = 0;
      for (const ResamplePoint& p : plan) {
        ASSERT_GE(p.index0, previous);
        ASSERT_LT(p.index1, frames);
        ASSERT_GE(p.weight1, 0.0);
        ASSERT_LT(p.weight1, 1.0);
        ASSERT_EQ(p.index1, p.weight1 == 0.0 ? p.index0 : p.index0 + 1);
        previous = p.index0;
      }
      // The last output time (T' - 1) / target does not pass (T - 1) / source.
      EXPECT_LE((plan.size() - 1) / target, (frames - 1) / source + 1e-9);
      EXPECT_GT(plan.size() / target, (frames - 1) / source);
    }
  }
}

TEST(ResampleByTimestamps, IrregularGapsReproduceALinearSignal) {
  // Gaps between 16 ms and 1228 ms, as in NuiSI.
  const std::vector<double> gaps = {0.016, 0.033, 0.1, 1.228, 0.05, 0.016, 0.4, 0.033, 0.7};
  std::vector<double> times = {12.5};
  for (double gap : gaps) times.push_back(times.back() + gap);
  constexpr int kWidth = 66;
  std::vector<double> offsets, slopes;
  RandomLine(kWidth, 8, &offsets, &slopes);
  const std::vector<float> in = LinearSignal(times, offsets, slopes);
  const std::vector<float> out = ResampleByTimestamps(in.data(), times, kWidth, 20.0);
  // Span 2.576 s: floor(51.52) + 1 = 52 outputs at 12.5 + k / 20 s.
  const int count = static_cast<int>(std::floor((times.back() - times[0]) * 20.0)) + 1;
  ASSERT_EQ(count, 52);
  ASSERT_EQ(out.size(), static_cast<size_t>(count) * kWidth);
  std::vector<double> out_times(count);
  for (int k = 0; k < count; ++k) out_times[k] = times[0] + k / 20.0;
  const std::vector<float> expected = LinearSignal(out_times, offsets, slopes);
  for (size_t n = 0; n < out.size(); ++n) EXPECT_NEAR(out[n], expected[n], 1e-5) << n;
  // The first output is the first input, bit for bit.
  for (int c = 0; c < kWidth; ++c) EXPECT_EQ(out[c], in[c]);
}

TEST(ResampleByTimestamps, EpochClockKeepsPrecision) {
  // Absolute times near 1.7e9 s (Unix epoch): relative times keep the grid exact.
  std::vector<double> times;
  for (int i = 0; i < 40; ++i) times.push_back(1.7e9 + 0.25 * i + (i % 3) * 0.01);
  std::vector<double> relative;
  for (double t : times) relative.push_back(t - times[0]);
  const std::vector<float> in = LinearSignal(relative, {0.5, -1.0}, {1.0, -0.25});
  const std::vector<float> out = ResampleByTimestamps(in.data(), times, 2, 20.0);
  const int count = static_cast<int>(out.size() / 2);
  // The count rule of the header: floor((span + 1e-6 s) * fps) + 1.
  EXPECT_EQ(count, static_cast<int>(std::floor((relative.back() + 1e-6) * 20.0)) + 1);
  EXPECT_EQ(count, 196);
  for (int k = 0; k < count; ++k) {
    EXPECT_NEAR(out[k * 2 + 0], 0.5 + k / 20.0, 1e-5) << k;
    EXPECT_NEAR(out[k * 2 + 1], -1.0 - 0.25 * k / 20.0, 1e-5) << k;
  }
}

TEST(ResampleByTimestamps, UniformTimestampsMatchResampleUniform) {
  const std::vector<float> in = RandomValues(61, 66, 9);
  const std::vector<float> uniform = ResampleUniform(in.data(), 61, 66, 30.0, 20.0);
  const std::vector<float> timed =
      ResampleByTimestamps(in.data(), UniformTimes(61, 30.0), 66, 20.0);
  ASSERT_EQ(timed.size(), uniform.size());
  for (size_t n = 0; n < timed.size(); ++n) EXPECT_NEAR(timed[n], uniform[n], 1e-6) << n;
}

TEST(ResampleByTimestamps, TwoSamplesSpanningLessThanOneStepGiveOneOutput) {
  const std::vector<float> in = {1.0f, 3.0f};
  const std::vector<float> out = ResampleByTimestamps(in.data(), {0.0, 0.016}, 1, 20.0);
  EXPECT_EQ(out, std::vector<float>({1.0f}));
}

TEST(ResampleByTimestamps, ErrorsNameTheIndex) {
  const std::vector<float> in(8, 0.0f);
  EXPECT_ERROR_CONTAINS(ResampleByTimestamps(in.data(), {0.0, 0.1, 0.1, 0.3}, 2, 20.0),
                        {"timestamp 2", "timestamp 1", "strictly increasing"});
  EXPECT_ERROR_CONTAINS(ResampleByTimestamps(in.data(), {0.0, 0.2, 0.1, 0.3}, 2, 20.0),
                        {"timestamp 2", "strictly increasing"});
  EXPECT_ERROR_CONTAINS(
      ResampleByTimestamps(in.data(), {0.0, 0.1, 0.2, std::nan("")}, 2, 20.0, "take.csv"),
      {"take.csv: ", "timestamp 3", "nan", "finite"});
  EXPECT_ERROR_CONTAINS(
      ResampleByTimestamps(in.data(), {std::numeric_limits<double>::infinity(), 1.0}, 2, 20.0),
      {"timestamp 0", "finite"});
  EXPECT_ERROR_CONTAINS(ResampleByTimestamps(in.data(), {0.5}, 2, 20.0),
                        {"1 timestamp", "at least 2"});
  EXPECT_ERROR_CONTAINS(ResampleByTimestamps(in.data(), {}, 2, 20.0),
                        {"0 timestamp", "at least 2"});
  EXPECT_ERROR_CONTAINS(ResampleByTimestamps(in.data(), {0.0, 0.1}, 2, 0.0, "take.csv"),
                        {"take.csv: ", "target fps"});
}

TEST(ResampleValidity, InterpolatedSampleNeedsBothNeighbours) {
  // 30 -> 20 fps: outputs at input positions 0, 1.5, 3, 4.5. Channel 0 loses
  // frame 2 (between outputs 1's neighbours 1 and 2); channel 1 loses frame 3
  // (output 2 falls exactly on it; outputs 1 and 3 do not touch it).
  constexpr int kFrames = 6;
  std::vector<uint8_t> valid(kFrames * 2, 1);
  valid[2 * 2 + 0] = 0;
  valid[3 * 2 + 1] = 0;
  const std::vector<uint8_t> out = ResampleValidityUniform(valid.data(), kFrames, 2, 30.0, 20.0);
  // T' = floor(5 * 20 / 30) + 1 = 4.
  ASSERT_EQ(out.size(), 4u * 2);
  EXPECT_EQ(out, std::vector<uint8_t>({1, 1, 0, 1, 1, 0, 1, 1}));
}

TEST(ResampleValidity, DecimationKeepsTheMaskOfTheKeptFrames) {
  std::mt19937 rng(10);
  std::vector<uint8_t> valid(121 * 3);
  for (uint8_t& v : valid) v = static_cast<uint8_t>(rng() % 2 ? 7 : 0);  // any nonzero = valid
  const std::vector<uint8_t> out = ResampleValidityUniform(valid.data(), 121, 3, 120.0, 20.0);
  ASSERT_EQ(out.size(), 21u * 3);
  for (int k = 0; k < 21; ++k) {
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ(out[k * 3 + c], valid[6 * k * 3 + c] != 0 ? 1 : 0) << k << " " << c;
    }
  }
}

TEST(ResampleValidity, ByTimestampsInvalidatesAcrossAGap) {
  // Frames at 0, 0.5, 0.55, 1.0 s; frame 1 untracked. Outputs at 0.1 s steps:
  // 0.0 (frame 0), 0.1..0.4 (frames 0-1: invalid), 0.5 (frame 1: invalid),
  // 0.6..0.9 (frames 2-3: valid), 1.0 (frame 3).
  const std::vector<double> times = {0.0, 0.5, 0.55, 1.0};
  const std::vector<uint8_t> valid = {1, 0, 1, 1};
  const std::vector<uint8_t> out = ResampleValidityByTimestamps(valid.data(), times, 1, 10.0);
  EXPECT_EQ(out, std::vector<uint8_t>({1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  // The values resampled with the same times have the same count.
  const std::vector<float> values = {0.0f, 1.0f, 2.0f, 3.0f};
  EXPECT_EQ(ResampleByTimestamps(values.data(), times, 1, 10.0).size(), out.size());
}

}  // namespace
}  // namespace intersynth
