#include "intersynth/render/bar_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "intersynth/render/line_plot.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

// The rows spanned by pixels of exactly one palette colour.
struct Extent {
  int count = 0, min_row = 1 << 30, max_row = -1;
  int height() const { return max_row - min_row + 1; }
};

Extent FindColour(const cv::Mat& image, int palette_index) {
  const std::array<uint8_t, 3> rgb = LinePlotPaletteColour(palette_index);
  Extent e;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const cv::Vec3b c = image.at<cv::Vec3b>(y, x);
      if (c[0] != rgb[2] || c[1] != rgb[1] || c[2] != rgb[0]) continue;
      ++e.count;
      e.min_row = std::min(e.min_row, y);
      e.max_row = std::max(e.max_row, y);
    }
  }
  return e;
}

TEST(BarPlot, BarHeightsAreProportionalToValues) {
  testing::TempDir dir;
  BarPlotOptions options;
  options.output = dir.path() / "bars.png";
  options.title = "two bars";
  WriteBarPlot({{"fid", {1.0, 2.0}, {0.0, 0.0}}}, {"a", "b"}, options);
  const cv::Mat image = cv::imread(options.output.string());
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, 300);
  const Extent a = FindColour(image, 0), b = FindColour(image, 1);
  ASSERT_GT(a.count, 0);
  ASSERT_GT(b.count, 0);
  // The legend squares are 15 px high; the bars stand on the same zero line.
  const Extent a_bar = [&] {
    Extent e = a;
    e.max_row = std::min(e.max_row, image.rows - 40);
    return e;
  }();
  const Extent b_bar = [&] {
    Extent e = b;
    e.max_row = std::min(e.max_row, image.rows - 40);
    return e;
  }();
  EXPECT_EQ(a_bar.max_row, b_bar.max_row);
  EXPECT_NEAR(static_cast<double>(a_bar.height()) / b_bar.height(), 0.5, 0.03);
}

// A range around 0 (a bar with a wide interval) keeps a scale near the data:
// the bar fills a good part of the panel instead of a sliver.
TEST(BarPlot, AnIntervalBelowZeroKeepsTheScaleNearTheData) {
  testing::TempDir dir;
  BarPlotOptions options;
  options.output = dir.path() / "bars.png";
  WriteBarPlot({{"diversity", {20.0}, {27.7}}}, {"a"}, options);
  const cv::Mat image = cv::imread(options.output.string());
  ASSERT_FALSE(image.empty());
  Extent bar = FindColour(image, 0);
  bar.max_row = std::min(bar.max_row, image.rows - 40);  // not the legend square
  // 166 px of axis for ticks -20..60: the bar of 20 is about 41 px high.
  EXPECT_GT(bar.height(), 30);
}

TEST(BarPlot, NotFiniteValuesAreLeftOutAndPanelsTile) {
  testing::TempDir dir;
  BarPlotOptions options;
  options.output = dir.path() / "bars.png";
  options.columns = 2;
  const double nan = std::nan("");
  WriteBarPlot({{"x", {1.0, nan}, {0.1, nan}},
                {"y", {-1.0, 3.0}, {0.5, 0.2}},
                {"z", {2.0, 2.0}, {nan, nan}}},
               {"a", "b"}, options);
  const cv::Mat image = cv::imread(options.output.string());
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, 600);      // 2 columns
  EXPECT_GT(image.rows, 2 * 220);  // 2 rows
}

TEST(BarPlot, BadInputIsAnError) {
  testing::TempDir dir;
  BarPlotOptions options;
  options.output = dir.path() / "bars.png";
  EXPECT_ERROR_CONTAINS(WriteBarPlot({}, {"a"}, options), {"no panels"});
  EXPECT_ERROR_CONTAINS(WriteBarPlot({{"x", {1.0}, {0.0}}}, {"a", "b"}, options),
                        {"1 values and 1 errors for 2 bars"});
  options.output = dir.path() / "bars.jpg";
  EXPECT_ERROR_CONTAINS(WriteBarPlot({{"x", {1.0}, {0.0}}}, {"a"}, options), {".png"});
  options.output = dir.path() / "missing" / "bars.png";
  EXPECT_THROW(WriteBarPlot({{"x", {1.0}, {0.0}}}, {"a"}, options), Error);
  EXPECT_FALSE(std::filesystem::exists(options.output));
}

TEST(BarPlotOptions, CheckNamesTheBadField) {
  BarPlotOptions options;
  options.output = "bars.png";
  EXPECT_NO_THROW(options.Check());
  options.columns = 17;
  EXPECT_ERROR_CONTAINS(options.Check(), {"columns must be in [1, 16], got 17"});
  options.columns = 4;
  options.panel_height = 100;
  EXPECT_ERROR_CONTAINS(options.Check(), {"panel_height must be in [120, 2000], got 100"});
  options.panel_height = 220;
  options.output = "bars.jpg";
  try {
    options.Check();
    ADD_FAILURE() << "a .jpg bar plot was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"output"});
  }
}

}  // namespace
}  // namespace intersynth
