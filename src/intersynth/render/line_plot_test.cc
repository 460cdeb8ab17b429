#include "intersynth/render/line_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <random>

#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::array<uint8_t, 3> kRed = {220, 0, 0};

/// Whether a BGR pixel is clearly the plot's red (anti-aliased edges and
/// the black text and grey grid are not).
bool IsRed(const cv::Vec3b& c) { return c[2] > 150 && c[1] < 80 && c[0] < 80; }

/// The rows and columns that hold red pixels, and how many there are.
struct RedPixels {
  int count = 0;
  int min_row = 1 << 30, max_row = -1, min_col = 1 << 30, max_col = -1;
};

RedPixels FindRed(const cv::Mat& image) {
  RedPixels red;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      if (!IsRed(image.at<cv::Vec3b>(y, x))) continue;
      ++red.count;
      red.min_row = std::min(red.min_row, y);
      red.max_row = std::max(red.max_row, y);
      red.min_col = std::min(red.min_col, x);
      red.max_col = std::max(red.max_col, x);
    }
  }
  return red;
}

/// The mean row of the red pixels in column x; -1 when there are none.
double MeanRedRow(const cv::Mat& image, int x) {
  double sum = 0.0;
  int n = 0;
  for (int y = 0; y < image.rows; ++y) {
    if (IsRed(image.at<cv::Vec3b>(y, x))) {
      sum += y;
      ++n;
    }
  }
  return n == 0 ? -1.0 : sum / n;
}

/// x = 0, 1, ..., n - 1 and y = f(x), unnamed (no legend) and red.
template <typename F>
PlotSeries RedSeries(int n, F f) {
  PlotSeries s;
  s.rgb = kRed;
  for (int i = 0; i < n; ++i) {
    s.x.push_back(i);
    s.y.push_back(f(static_cast<double>(i)));
  }
  return s;
}

cv::Mat ReadBack(const std::filesystem::path& path) {
  return cv::imread(path.string(), cv::IMREAD_COLOR);
}

TEST(LinePlotNiceTicks, ZeroTo97GivesStepsOf20) {
  EXPECT_EQ(NiceTicks(0, 97, 5), (std::vector<double>{0, 20, 40, 60, 80, 100}));
}

TEST(LinePlotNiceTicks, DecimalsAreExactMultiples) {
  // 0.3 / 0.1 is 2.9999999999999996 in doubles: the bounds must still be
  // ticks, and each tick the double nearest to its decimal.
  EXPECT_EQ(NiceTicks(0.3, 0.9, 5), (std::vector<double>{0.2, 0.4, 0.6, 0.8, 1.0}));
  EXPECT_EQ(NiceTicks(0.1, 0.3, 5), (std::vector<double>{0.1, 0.15, 0.2, 0.25, 0.3}));
  EXPECT_EQ(NiceTicks(-3, 7, 5), (std::vector<double>{-5, 0, 5, 10}));
}

TEST(LinePlotNiceTicks, SingleValueIsBracketed) {
  const std::vector<double> one = NiceTicks(1.0, 1.0, 5);
  ASSERT_GE(one.size(), 3u);
  EXPECT_LT(one.front(), 1.0);
  EXPECT_GT(one.back(), 1.0);
  const std::vector<double> zero = NiceTicks(0.0, 0.0, 5);
  EXPECT_LT(zero.front(), 0.0);
  EXPECT_GT(zero.back(), 0.0);
  // Values equal up to the last bits count as one value, not as a range of 1e-16.
  const std::vector<double> near = NiceTicks(0.7, std::nextafter(0.7, 1.0), 5);
  EXPECT_GT(near.back() - near.front(), 0.01);
}

TEST(LinePlotNiceTicks, RandomRangesGiveEvenRoundSteps) {
  // Invariants over ranges of every magnitude: the ticks bracket [lo, hi]
  // by less than a step each side, are evenly spaced, the step is 1, 2 or 5
  // times a power of ten, and there are about `target` of them.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int trial = 0; trial < 2000; ++trial) {
    const double scale = std::pow(10.0, 8.0 * unit(rng));
    double lo = scale * unit(rng), hi = scale * unit(rng);
    if (lo > hi) std::swap(lo, hi);
    const int target = 3 + trial % 6;
    const std::vector<double> ticks = NiceTicks(lo, hi, target);
    ASSERT_GE(ticks.size(), 2u);
    const double step = ticks[1] - ticks[0];
    SCOPED_TRACE(::testing::Message() << "lo " << lo << " hi " << hi << " step " << step);
    EXPECT_LE(ticks.front(), lo + 1e-9 * step);
    EXPECT_GT(ticks.front(), lo - step);
    EXPECT_GE(ticks.back(), hi - 1e-9 * step);
    EXPECT_LT(ticks.back(), hi + step);
    for (size_t i = 1; i < ticks.size(); ++i) {
      EXPECT_NEAR(ticks[i] - ticks[i - 1], step, 1e-9 * step);
    }
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
                std::abs(mantissa - 5) < 1e-6)
        << mantissa;
    EXPECT_LE(std::abs(static_cast<int>(ticks.size()) - target), target / 2 + 1);
  }
}

TEST(LinePlot, WritesPngOfTheRequestedSize) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "loss.png";
  options.width = 640;
  options.height = 360;
  options.title = "training loss";
  options.x_label = "step";
  options.y_label = "loss";
  PlotSeries train{"train", {}, {}};
  PlotSeries val{"val", {}, {}};
  for (int i = 0; i <= 200; ++i) {
    train.x.push_back(10.0 * i);
    train.y.push_back(2.0 * std::exp(-i / 50.0) + 0.1);
    if (i % 20 == 0) {
      val.x.push_back(10.0 * i);
      val.y.push_back(2.2 * std::exp(-i / 60.0) + 0.15);
    }
  }
  WriteLinePlot({train, val}, options);
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // no temp file left
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, 640);
  EXPECT_EQ(image.rows, 360);
  // White background; the corners hold nothing.
  EXPECT_EQ(image.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
  EXPECT_EQ(image.at<cv::Vec3b>(359, 639), cv::Vec3b(255, 255, 255));
}

TEST(LinePlot, HorizontalLineIsOneRowBandAcrossThePlot) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "flat.png";
  WriteLinePlot({RedSeries(11, [](double) { return 1.0; })}, options);
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  const RedPixels red = FindRed(image);
  ASSERT_GT(red.count, 500);
  // A 2-pixel line: a band of a few rows, in the middle of the y range (the
  // single value sits between symmetric ticks), across most of the width.
  EXPECT_LE(red.max_row - red.min_row, 4);
  EXPECT_NEAR(0.5 * (red.min_row + red.max_row), 0.5 * options.height, 0.1 * options.height);
  EXPECT_GT(red.max_col - red.min_col, 0.75 * options.width);
}

TEST(LinePlot, NanBreaksTheLine) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "gap.png";
  PlotSeries s = RedSeries(11, [](double) { return 1.0; });
  s.y[5] = kNaN;
  WriteLinePlot({s}, options);
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  const RedPixels red = FindRed(image);
  ASSERT_GT(red.count, 300);
  // x = 5 lies halfway between the ends of the line; around it no red.
  const int middle = (red.min_col + red.max_col) / 2;
  for (int x = middle - 5; x <= middle + 5; ++x) EXPECT_LT(MeanRedRow(image, x), 0.0) << x;
  EXPECT_GE(MeanRedRow(image, red.min_col + 5), 0.0);
  EXPECT_GE(MeanRedRow(image, red.max_col - 5), 0.0);
}

TEST(LinePlot, LogAxisIgnoresNonPositiveValues) {
  // The same plot with and without points at y <= 0: the log axis drops them
  // (from the ranges too), so the images are identical.
  testing::TempDir dir;
  LinePlotOptions options;
  options.log_y = true;
  options.output = dir / "with.png";
  PlotSeries with{"loss", {0, 1, 2, 3, 4, 5, 6}, {-1, 0, 0.01, 0.1, 1, 10, 100}};
  WriteLinePlot({with}, options);
  options.output = dir / "without.png";
  PlotSeries without{"loss", {2, 3, 4, 5, 6}, {0.01, 0.1, 1, 10, 100}};
  WriteLinePlot({without}, options);
  const cv::Mat a = ReadBack(dir / "with.png"), b = ReadBack(dir / "without.png");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
}

TEST(LinePlot, LogAxisMakesAnExponentialStraight) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.log_y = true;
  options.output = dir / "exp.png";
  WriteLinePlot({RedSeries(41, [](double x) { return std::pow(10.0, x / 10.0); })}, options);
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  const RedPixels red = FindRed(image);
  ASSERT_GT(red.count, 300);
  // Rows at a quarter, half and three quarters along the line are collinear
  // (a linear axis would bend the middle far below the chord); up is larger.
  const int span = red.max_col - red.min_col;
  const double r1 = MeanRedRow(image, red.min_col + span / 4);
  const double r2 = MeanRedRow(image, red.min_col + span / 2);
  const double r3 = MeanRedRow(image, red.min_col + 3 * span / 4);
  ASSERT_GE(r1, 0.0);
  ASSERT_GE(r2, 0.0);
  ASSERT_GE(r3, 0.0);
  EXPECT_NEAR(r2, 0.5 * (r1 + r3), 2.0);
  EXPECT_GT(r1, r3 + 100.0);
}

TEST(LinePlot, OnePointSeriesIsAMarker) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "dot.png";
  PlotSeries s;
  s.rgb = kRed;
  s.x = {5.0};
  s.y = {2.0};
  WriteLinePlot({s}, options);
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  const RedPixels red = FindRed(image);
  // A disc of radius 4: about 50 pixels, as wide as high.
  EXPECT_GT(red.count, 25);
  EXPECT_LT(red.count, 120);
  EXPECT_NEAR(red.max_col - red.min_col, red.max_row - red.min_row, 1);
}

TEST(LinePlot, SmoothDrawsTheRawLineLighter) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.smooth = true;
  options.output = dir / "smooth.png";
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 0.3);
  WriteLinePlot({RedSeries(300, [&](double x) { return std::exp(-x / 80.0) + noise(rng); })},
                options);
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  // The smoothed curve in the series red; the raw one blended towards white
  // (220, 0, 0) -> (241, 153, 153).
  EXPECT_GT(FindRed(image).count, 300);
  int light = 0;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const cv::Vec3b& c = image.at<cv::Vec3b>(y, x);
      if (std::abs(c[2] - 241) <= 8 && std::abs(c[1] - 153) <= 8 && std::abs(c[0] - 153) <= 8) {
        ++light;
      }
    }
  }
  EXPECT_GT(light, 300);
}

TEST(LinePlot, SparseSeriesStayRawWhenSmoothing) {
  // 20 points: no smoothed curve, so the plot is pixel for pixel the one
  // without smoothing.
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "raw.png";
  const PlotSeries sparse = RedSeries(20, [](double x) { return std::exp(-x / 5.0); });
  WriteLinePlot({sparse}, options);
  options.smooth = true;
  options.output = dir / "sparse.png";
  WriteLinePlot({sparse}, options);
  const cv::Mat raw = ReadBack(dir / "raw.png"), smoothed = ReadBack(dir / "sparse.png");
  ASSERT_FALSE(raw.empty());
  ASSERT_EQ(raw.size(), smoothed.size());
  EXPECT_EQ(cv::countNonZero(raw.reshape(1) != smoothed.reshape(1)), 0);
  // A dense series is smoothed: the images then differ.
  const PlotSeries dense = RedSeries(200, [](double x) { return std::exp(-x / 50.0); });
  options.output = dir / "dense.png";
  WriteLinePlot({dense}, options);
  options.smooth = false;
  options.output = dir / "dense_raw.png";
  WriteLinePlot({dense}, options);
  EXPECT_GT(cv::countNonZero(ReadBack(dir / "dense.png").reshape(1) !=
                             ReadBack(dir / "dense_raw.png").reshape(1)),
            0);
}

TEST(LinePlot, UnsetColourComesFromThePalette) {
  for (int a = 0; a < 10; ++a) {
    for (int b = a + 1; b < 10; ++b) {
      EXPECT_NE(LinePlotPaletteColour(a), LinePlotPaletteColour(b)) << a << " vs " << b;
    }
  }
  EXPECT_EQ(LinePlotPaletteColour(10), LinePlotPaletteColour(0));

  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "palette.png";
  PlotSeries s{"", {0, 1, 2, 3}, {0, 1, 0, 1}};  // rgb {0, 0, 0}: palette colour 0
  WriteLinePlot({s}, options);
  const cv::Mat image = ReadBack(options.output);
  ASSERT_FALSE(image.empty());
  const std::array<uint8_t, 3> rgb = LinePlotPaletteColour(0);
  int count = 0;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const cv::Vec3b& c = image.at<cv::Vec3b>(y, x);
      if (std::abs(c[2] - rgb[0]) <= 6 && std::abs(c[1] - rgb[1]) <= 6 &&
          std::abs(c[0] - rgb[2]) <= 6) {
        ++count;
      }
    }
  }
  EXPECT_GT(count, 300);
}

TEST(LinePlot, NoSeriesIsAnError) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "empty.png";
  EXPECT_ERROR_CONTAINS(WriteLinePlot({}, options), {"empty.png", "no series"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(LinePlot, SizeMismatchIsAnError) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "mismatch.png";
  PlotSeries ok{"a", {0, 1}, {0, 1}};
  PlotSeries bad{"b", {0, 1, 2}, {0, 1}};
  EXPECT_ERROR_CONTAINS(WriteLinePlot({ok, bad}, options),
                        {"mismatch.png", "series #1 'b'", "3 x values and 2 y values"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(LinePlot, SeriesWithoutFinitePointIsAnError) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "nan.png";
  const double inf = std::numeric_limits<double>::infinity();
  PlotSeries nan{"", {0, 1, kNaN}, {kNaN, inf, 1}};
  EXPECT_ERROR_CONTAINS(WriteLinePlot({nan}, options),
                        {"nan.png", "series #0", "no finite point", "3 points"});
  PlotSeries empty{"empty", {}, {}};
  EXPECT_ERROR_CONTAINS(WriteLinePlot({empty}, options), {"series #0 'empty'", "no finite point"});
  // On a log axis, values <= 0 do not count.
  options.log_y = true;
  PlotSeries negative{"neg", {0, 1}, {0, -2}};
  EXPECT_ERROR_CONTAINS(WriteLinePlot({negative}, options), {"'neg'", "y > 0", "log"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(LinePlot, SizeOutOfRangeIsAnError) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "size.png";
  const PlotSeries s{"", {0, 1}, {0, 1}};
  options.width = 99;
  EXPECT_ERROR_CONTAINS(WriteLinePlot({s}, options), {"width must be in [100, 8192], got 99"});
  options.width = 900;
  options.height = 8193;
  EXPECT_ERROR_CONTAINS(WriteLinePlot({s}, options), {"height must be in [100, 8192], got 8193"});
  // The smallest size still draws.
  options.width = 100;
  options.height = 100;
  options.title = "a title longer than the image";
  options.x_label = "x";
  options.y_label = "y";
  WriteLinePlot({s}, options);
  const cv::Mat image = ReadBack(options.output);
  EXPECT_EQ(image.cols, 100);
  EXPECT_EQ(image.rows, 100);
}

TEST(LinePlot, WrongExtensionIsAnError) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "plot.jpg";
  EXPECT_ERROR_CONTAINS(WriteLinePlot({PlotSeries{"", {0}, {0}}}, options), {"plot.jpg", ".png"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(LinePlot, MissingFolderIsAnError) {
  testing::TempDir dir;
  LinePlotOptions options;
  options.output = dir / "no/such/plot.png";
  EXPECT_ERROR_CONTAINS(WriteLinePlot({PlotSeries{"", {0}, {0}}}, options),
                        {"plot.png", "does not exist"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(LinePlotOptions, CheckNamesTheBadField) {
  LinePlotOptions options;
  options.output = "plot.png";
  EXPECT_NO_THROW(options.Check());
  options.height = 99;
  try {
    options.Check();
    ADD_FAILURE() << "a height of 99 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"height"});
  }
  options.height = 500;
  options.output = "plot.svg";
  EXPECT_ERROR_CONTAINS(options.Check(), {"output plot.svg: a line plot must be a .png"});
}

}  // namespace
}  // namespace intersynth
