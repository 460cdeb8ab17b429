#include "intersynth/render/bar_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "intersynth/render/image_write.h"
#include "intersynth/render/line_plot.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr int kMinPanel = 120;
constexpr int kMaxPanel = 2000;
constexpr int kMaxColumns = 16;
// Pixel heights of the title line and the legend row.
constexpr int kTitleHeight = 40;
constexpr int kLegendHeight = 34;
// Ticks wanted on a panel's value axis (with 4, NiceTicks' tie rule picks
// a huge step for ranges around 0: -1, 0, 1 steps miss 4 by as much as 5
// ticks do).
constexpr int kTargetTicks = 5;

const cv::Scalar kWhite(255, 255, 255);
const cv::Scalar kText(30, 30, 30);
const cv::Scalar kFrame(90, 90, 90);
const cv::Scalar kGrid(225, 225, 225);

cv::Scalar BarColour(size_t index) {
  const std::array<uint8_t, 3> rgb = LinePlotPaletteColour(static_cast<int>(index));
  return cv::Scalar(rgb[2], rgb[1], rgb[0]);
}

void Text(
    cv::Mat& image, const std::string& text, cv::Point origin, double scale, int thickness = 1) {
  cv::putText(image, text, origin, kFont, scale, kText, thickness, cv::LINE_AA);
}

int TextWidth(const std::string& text, double scale, int thickness = 1) {
  int baseline = 0;
  return cv::getTextSize(text, kFont, scale, thickness, &baseline).width;
}

std::string Short(double v) { return fmt::format("{:.3g}", v); }

// One panel with its top-left corner at `origin`.
void DrawPanel(cv::Mat& image,
               const BarPanel& panel,
               cv::Point origin,
               const BarPlotOptions& options) {
  const int left = origin.x + 62, right = origin.x + options.panel_width - 10;
  const int top = origin.y + 40, bottom = origin.y + options.panel_height - 14;
  Text(image, panel.title,
       {origin.x + (options.panel_width - TextWidth(panel.title, 0.5)) / 2, origin.y + 20}, 0.5);

  // The value range: 0, every bar and its interval.
  double lo = 0.0, hi = 0.0;
  for (size_t b = 0; b < panel.values.size(); ++b) {
    if (!std::isfinite(panel.values[b])) continue;
    const double e = std::isfinite(panel.errors[b]) ? std::abs(panel.errors[b]) : 0.0;
    lo = std::min(lo, panel.values[b] - e);
    hi = std::max(hi, panel.values[b] + e);
  }
  const std::vector<double> ticks = NiceTicks(lo, hi, kTargetTicks);
  const double t0 = ticks.front(), t1 = ticks.back();
  auto py = [&](double v) {
    return static_cast<int>(std::lround(bottom - (v - t0) / (t1 - t0) * (bottom - top)));
  };
  for (double tick : ticks) {
    cv::line(image, {left, py(tick)}, {right, py(tick)}, kGrid, 1);
    const std::string label = fmt::format("{:.4g}", tick);
    Text(image, label, {left - 6 - TextWidth(label, 0.38), py(tick) + 4}, 0.38);
  }

  // Bars, whiskers and values.
  const size_t bars = panel.values.size();
  const double slot = static_cast<double>(right - left) / static_cast<double>(bars);
  for (size_t b = 0; b < bars; ++b) {
    const int x0 = left + static_cast<int>(std::lround(slot * (b + 0.18)));
    const int x1 = left + static_cast<int>(std::lround(slot * (b + 0.82)));
    const int centre = (x0 + x1) / 2;
    const double v = panel.values[b];
    if (!std::isfinite(v)) {
      Text(image, "n/a", {centre - TextWidth("n/a", 0.38) / 2, py(0.0) - 4}, 0.38);
      continue;
    }
    cv::rectangle(image, cv::Point(x0, std::min(py(0.0), py(v))),
                  cv::Point(x1, std::max(py(0.0), py(v))), BarColour(b), cv::FILLED);
    double label_at = v;
    const double e = panel.errors[b];
    if (std::isfinite(e) && e > 0.0) {
      const int half = std::max(2, (x1 - x0) / 4);
      cv::line(image, {centre, py(v - e)}, {centre, py(v + e)}, kText, 1, cv::LINE_AA);
      cv::line(image, {centre - half, py(v - e)}, {centre + half, py(v - e)}, kText, 1,
               cv::LINE_AA);
      cv::line(image, {centre - half, py(v + e)}, {centre + half, py(v + e)}, kText, 1,
               cv::LINE_AA);
      label_at = v >= 0.0 ? v + e : v - e;
    }
    const std::string label = Short(v);
    const int label_y = label_at >= 0.0 ? py(label_at) - 4 : py(label_at) + 12;
    Text(image, label, {centre - TextWidth(label, 0.35) / 2, std::max(top - 4, label_y)}, 0.35);
  }
  cv::line(image, {left, py(0.0)}, {right, py(0.0)}, kFrame, 1);
  cv::line(image, {left, top}, {left, bottom}, kFrame, 1);
}

}  // namespace

void BarPlotOptions::Check() const {
  if (LowerExtension(output) != "png")
    throw OptionError(fmt::format("{{output}} {}: a bar plot must be a .png", output.string()));
  CheckInRange(columns, 1, kMaxColumns, "columns");
  CheckInRange(panel_width, kMinPanel, kMaxPanel, "panel_width");
  CheckInRange(panel_height, kMinPanel, kMaxPanel, "panel_height");
}

void WriteBarPlot(const std::vector<BarPanel>& panels,
                  const std::vector<std::string>& bar_names,
                  const BarPlotOptions& options) {
  options.Check();
  const std::string output = options.output.string();
  if (panels.empty() || bar_names.empty())
    throw Error(fmt::format("{}: no panels or no bars to plot", output));
  for (const BarPanel& panel : panels) {
    if (panel.values.size() != bar_names.size() || panel.errors.size() != bar_names.size()) {
      throw Error(fmt::format("{}: panel \"{}\" has {} values and {} errors for {} bars", output,
                              panel.title, panel.values.size(), panel.errors.size(),
                              bar_names.size()));
    }
  }

  const int columns = std::min<int>(options.columns, static_cast<int>(panels.size()));
  const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
  cv::Mat image(kTitleHeight + rows * options.panel_height + kLegendHeight,
                columns * options.panel_width, CV_8UC3, kWhite);
  if (!options.title.empty()) {
    Text(image, options.title, {(image.cols - TextWidth(options.title, 0.65, 2)) / 2, 27}, 0.65, 2);
  }
  for (size_t k = 0; k < panels.size(); ++k) {
    const int row = static_cast<int>(k) / columns, column = static_cast<int>(k) % columns;
    DrawPanel(image, panels[k],
              {column * options.panel_width, kTitleHeight + row * options.panel_height}, options);
  }
  // The legend row, centred.
  int width = 0;
  for (const std::string& name : bar_names) width += 22 + TextWidth(name, 0.45) + 18;
  int x = std::max(4, (image.cols - width) / 2);
  const int y = image.rows - kLegendHeight / 2;
  for (size_t b = 0; b < bar_names.size(); ++b) {
    cv::rectangle(image, cv::Point(x, y - 7), cv::Point(x + 14, y + 7), BarColour(b), cv::FILLED);
    Text(image, bar_names[b], {x + 22, y + 5}, 0.45);
    x += 22 + TextWidth(bar_names[b], 0.45) + 18;
  }

  AtomicFileWriter temp(options.output);  // throws when the folder is missing
  WriteImageOrThrow(image, temp.temp_path(), output);
  temp.Commit();
}

}  // namespace intersynth
