#include "intersynth/render/line_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "intersynth/io/utf8.h"
#include "intersynth/render/image_write.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The smoothing factor of the moving average (see the header).
constexpr double kSmoothAlpha = 0.1;
// Ticks wanted per axis; a log axis labels every decade up to this many.
constexpr int kTargetTicks = 5;
constexpr double kMaxDecadeTicks = 8;
// Series with fewer drawable points are drawn raw even with options.smooth.
constexpr int kMinSmoothedPoints = 50;

// How far a raw line under its smoothed one is blended towards white.
constexpr double kLighten = 0.6;
// Image size limits: below 100 pixels the labels leave no room for a plot,
// above 8192 the image is no longer a quick look.
constexpr int kMinSize = 100;
constexpr int kMaxSize = 8192;
// A range narrower than this fraction of its magnitude is one value to
// NiceTicks: tick indices lo / step would otherwise exceed double precision.
constexpr double kRelativeSpanMin = 1e-9;

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

// Colours (B, G, R).
const cv::Scalar kWhite(255, 255, 255);
const cv::Scalar kText(30, 30, 30);
const cv::Scalar kFrame(90, 90, 90);
const cv::Scalar kGrid(222, 222, 222);
const cv::Scalar kMinorGrid(240, 240, 240);
const cv::Scalar kLegendBorder(170, 170, 170);

// matplotlib's "tab10" palette, (R, G, B).
constexpr std::array<std::array<uint8_t, 3>, 10> kPaletteRgb = {{{31, 119, 180},
                                                                 {255, 127, 14},
                                                                 {44, 160, 44},
                                                                 {214, 39, 40},
                                                                 {148, 103, 189},
                                                                 {140, 86, 75},
                                                                 {227, 119, 194},
                                                                 {127, 127, 127},
                                                                 {188, 189, 34},
                                                                 {23, 190, 207}}};

/// Ticks i * step for i in [first, last], step = m 10^k.
struct TickSet {
  std::vector<double> values;
  double step = 1.0;
  int exponent = 0;  // k
};

/// NiceTicks with the step at least `min_step` (1 for decades on a log axis).
TickSet NiceTickSet(double lo, double hi, int target, double min_step) {
  INTERSYNTH_CHECK(std::isfinite(lo) && std::isfinite(hi)) << "lo " << lo << ", hi " << hi;
  INTERSYNTH_CHECK(lo <= hi) << "lo " << lo << " > hi " << hi;
  INTERSYNTH_CHECK(target >= 2) << "target " << target;

  // A single value gets a range around it, so that it sits between two ticks.
  const double magnitude = std::max(std::abs(lo), std::abs(hi));
  if (hi - lo <= kRelativeSpanMin * magnitude) {
    const double mid = 0.5 * (lo + hi);
    const double half = mid == 0.0 ? 1.0 : 0.1 * std::abs(mid);
    lo = mid - half;
    hi = mid + half;
  }
  const double span = hi - lo;
  INTERSYNTH_CHECK(std::isfinite(span) && span > 0.0) << "lo " << lo << ", hi " << hi;

  // Try the steps m 10^k around span / target, smallest first, and keep the
  // one whose bracketing tick count is closest to the target (later = larger
  // wins a tie, which favours fewer, rounder labels).
  const int k0 = static_cast<int>(std::floor(std::log10(span / target)));
  int best_m = 0, best_k = 0;
  double best_miss = std::numeric_limits<double>::infinity();
  for (int k = k0 - 1; k <= k0 + 2; ++k) {
    for (int m : {1, 2, 5}) {
      const double step = k >= 0 ? m * std::pow(10.0, k) : m / std::pow(10.0, -k);
      if (step < min_step) continue;
      // The epsilon keeps a bound that is a multiple up to rounding
      // (0.3 / 0.1 = 2.9999999999999996) from adding a tick beyond it.
      const double first = std::floor(lo / step + 1e-9);
      const double last = std::ceil(hi / step - 1e-9);
      const double miss = std::abs(last - first + 1.0 - target);
      if (miss <= best_miss) {
        best_miss = miss;
        best_m = m;
        best_k = k;
      }
    }
  }
  if (best_m == 0) {  // every candidate below min_step: min_step is a power of ten here
    best_m = 1;
    best_k = static_cast<int>(std::lround(std::log10(min_step)));
  }

  // Each tick as an integer times m, then scaled by 10^|k|: one rounding per
  // tick, so 3 x 0.1 prints as 0.3 and no error accumulates along the axis.
  TickSet ticks;
  const double unit = std::pow(10.0, std::abs(best_k));
  ticks.step = best_k >= 0 ? best_m * unit : best_m / unit;
  ticks.exponent = best_k;
  const double first = std::floor(lo / ticks.step + 1e-9);
  const double last = std::ceil(hi / ticks.step - 1e-9);
  for (double i = first; i <= last; i += 1.0) {
    const double value = best_k >= 0 ? i * best_m * unit : i * best_m / unit;
    ticks.values.push_back(value == 0.0 ? 0.0 : value);  // no "-0"
  }
  return ticks;
}

/// Labels of linear ticks: fixed point with the decimals the step needs, or
/// "m e k" when the largest tick is >= 1e6 or below 1e-3, so labels stay short.
std::vector<std::string> LinearLabels(const TickSet& ticks) {
  double biggest = 0.0;
  for (double v : ticks.values) biggest = std::max(biggest, std::abs(v));
  const bool scientific = biggest >= 1e6 || (biggest > 0.0 && biggest < 1e-3);
  std::vector<std::string> labels;
  for (double v : ticks.values) {
    if (v == 0.0 && scientific) {
      labels.push_back("0");
    } else if (scientific) {
      const int e = static_cast<int>(std::floor(std::log10(std::abs(v)) + 1e-9));
      const int decimals = std::max(0, e - ticks.exponent);
      labels.push_back(fmt::format("{:.{}f}e{}", v / std::pow(10.0, e), decimals, e));
    } else {
      labels.push_back(fmt::format("{:.{}f}", v, std::max(0, -ticks.exponent)));
    }
  }
  return labels;
}

/// The label of 10^k: plain from 0.001 to 100000, else "1e<k>".
std::string DecadeLabel(int k) {
  if (k >= 0 && k <= 5) return fmt::format("{:.0f}", std::pow(10.0, k));
  if (k < 0 && k >= -3) return fmt::format("{:.{}f}", std::pow(10.0, k), -k);
  return fmt::format("1e{}", k);
}

/// One axis in its drawing space (v = log10 y on a log axis).
struct Axis {
  double lo = 0.0, hi = 1.0;  // the first and last tick
  std::vector<double> ticks;  // positions of the labelled ticks
  std::vector<std::string> labels;
  std::vector<double> minor;  // positions of the faint minor grid lines
};

Axis LinearAxis(double lo, double hi) {
  const TickSet ticks = NiceTickSet(lo, hi, kTargetTicks, 0.0);
  Axis axis;
  axis.ticks = ticks.values;
  axis.labels = LinearLabels(ticks);
  axis.lo = axis.ticks.front();
  axis.hi = axis.ticks.back();
  return axis;
}

/// A log10 axis over the positive values [lo, hi] (see the header).
Axis LogAxis(double lo, double hi) {
  Axis axis;
  const double f0 = std::floor(std::log10(lo));
  const double c1 = std::ceil(std::log10(hi));
  if (c1 - f0 >= 2.0) {
    // Two decades or more: ticks on powers of ten, every decade up to
    // kMaxDecadeTicks (a tie in NiceTicks would otherwise pick every second
    // decade and add an empty one), minor lines in between when every decade
    // has a tick.
    TickSet decades;
    if (c1 - f0 + 1.0 <= kMaxDecadeTicks) {
      for (double k = f0; k <= c1; k += 1.0) decades.values.push_back(k);
    } else {
      decades = NiceTickSet(f0, c1, kTargetTicks, 1.0);
    }
    axis.ticks = decades.values;
    for (double k : axis.ticks) axis.labels.push_back(DecadeLabel(static_cast<int>(k)));
    if (decades.step == 1.0) {
      for (size_t i = 0; i + 1 < axis.ticks.size(); ++i) {
        for (int m = 2; m <= 9; ++m) axis.minor.push_back(axis.ticks[i] + std::log10(m));
      }
    }
  } else {
    // Within one decade, powers of ten would give at most two ticks: take
    // nice ticks of the values, the decade below standing in for those <= 0.
    const TickSet linear = NiceTickSet(lo, hi, kTargetTicks, 0.0);
    const std::vector<std::string> labels = LinearLabels(linear);
    bool dropped = false;
    for (size_t i = 0; i < linear.values.size(); ++i) {
      if (linear.values[i] <= 0.0) {
        dropped = true;
        continue;
      }
      axis.ticks.push_back(std::log10(linear.values[i]));
      axis.labels.push_back(labels[i]);
    }
    // A dropped tick means lo < step, so the decade f0 <= lo lies below the
    // first kept tick.
    if (dropped) {
      axis.ticks.insert(axis.ticks.begin(), f0);
      axis.labels.insert(axis.labels.begin(), DecadeLabel(static_cast<int>(f0)));
    }
  }
  axis.lo = axis.ticks.front();
  axis.hi = axis.ticks.back();
  return axis;
}

/// The extent of a text line: width, height above and below the baseline.
struct TextSize {
  int width = 0, ascent = 0, descent = 0;
  int height() const { return ascent + descent; }
};

/// Sizes, in pixels and font scales, all proportional to the image (1 at the
/// default 900 x 500).
struct Style {
  double tick_font, label_font, title_font, legend_font;
  int thickness, title_thickness;
  int pad, tick_length, line_width, marker_radius, sample_length;

  explicit Style(int width, int height) {
    const double s = std::clamp(std::min(width / 900.0, height / 500.0), 0.5, 4.0);
    tick_font = 0.45 * s;
    label_font = 0.55 * s;
    title_font = 0.7 * s;
    legend_font = 0.5 * s;
    thickness = std::max(1, static_cast<int>(std::lround(s)));
    title_thickness = std::max(1, static_cast<int>(std::lround(1.6 * s)));
    pad = std::max(4, static_cast<int>(std::lround(10 * s)));
    tick_length = std::max(3, static_cast<int>(std::lround(5 * s)));
    line_width = std::max(1, static_cast<int>(std::lround(2 * s)));
    marker_radius = std::max(2, static_cast<int>(std::lround(4 * s)));
    sample_length = std::max(10, static_cast<int>(std::lround(24 * s)));
  }
};

TextSize Measure(const std::string& text, double scale, int thickness) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, kFont, scale, thickness, &baseline);
  return {size.width, size.height, baseline};
}

/// Text with its baseline starting at `origin`.
void PutText(cv::Mat& image,
             const std::string& text,
             cv::Point origin,
             double scale,
             int thickness,
             const cv::Scalar& colour) {
  cv::putText(image, text, origin, kFont, scale, colour, thickness, cv::LINE_AA);
}

/// Text turned 90 degrees anticlockwise (read bottom to top), its left edge
/// at x_left and centred on y_centre. OpenCV cannot rotate text, so it is
/// drawn into a strip that is then turned; pasting keeps the darker pixel so
/// the strip's white does not cover what is already there.
void PutTextTurned(cv::Mat& image,
                   const std::string& text,
                   int x_left,
                   int y_centre,
                   double scale,
                   int thickness,
                   const cv::Scalar& colour) {
  const TextSize size = Measure(text, scale, thickness);
  cv::Mat strip(size.height() + 2, size.width + 2, CV_8UC3, kWhite);
  PutText(strip, text, cv::Point(1, 1 + size.ascent), scale, thickness, colour);
  cv::Mat turned;
  cv::rotate(strip, turned, cv::ROTATE_90_COUNTERCLOCKWISE);
  const cv::Rect target(x_left, y_centre - turned.rows / 2, turned.cols, turned.rows);
  const cv::Rect visible = target & cv::Rect(0, 0, image.cols, image.rows);
  if (visible.empty()) return;
  const cv::Mat source =
      turned(cv::Rect(visible.x - target.x, visible.y - target.y, visible.width, visible.height));
  cv::Mat destination = image(visible);
  cv::min(destination, source, destination);
}

/// Whether point i is drawn: finite, and positive on a log axis.
bool Drawable(const PlotSeries& series, size_t i, bool log_y) {
  return std::isfinite(series.x[i]) && std::isfinite(series.y[i]) && (!log_y || series.y[i] > 0.0);
}

/// The exponential moving average of the drawable points (see the header);
/// NaN where a point is not drawable, so the smoothed line breaks there too.
std::vector<double> Smoothed(const PlotSeries& series, bool log_y) {
  std::vector<double> out(series.y.size(), kNaN);
  bool started = false;
  double s = 0.0;
  for (size_t i = 0; i < series.y.size(); ++i) {
    if (!Drawable(series, i, log_y)) continue;
    s = started ? s + kSmoothAlpha * (series.y[i] - s) : series.y[i];
    started = true;
    out[i] = s;
  }
  return out;
}

/// The data-to-pixel map of the plot frame (see the header).
struct Frame {
  double left, right, top, bottom;  // pixels
  Axis x_axis, y_axis;
  bool log_y;

  double Px(double x) const {
    return left + (x - x_axis.lo) / (x_axis.hi - x_axis.lo) * (right - left);
  }
  /// v: y, or already log10 y on a log axis.
  double PyOfV(double v) const {
    return bottom - (v - y_axis.lo) / (y_axis.hi - y_axis.lo) * (bottom - top);
  }
  double Py(double y) const { return PyOfV(log_y ? std::log10(y) : y); }

  /// A point in cv's fixed point (shift 4: 1/16 pixel), for smooth lines.
  static cv::Point Fixed(double px, double py) {
    return cv::Point(static_cast<int>(std::lround(px * 16.0)),
                     static_cast<int>(std::lround(py * 16.0)));
  }
};

/// One curve: the runs of consecutive drawable points as polylines, a lone
/// drawable point (no drawable neighbour) as a disc so that it shows.
void DrawCurve(cv::Mat& image,
               const Frame& frame,
               const std::vector<double>& x,
               const std::vector<double>& y,  // NaN = not drawable
               const cv::Scalar& colour,
               int line_width,
               int marker_radius) {
  std::vector<std::vector<cv::Point>> runs(1);
  const auto close_run = [&]() {
    if (runs.back().size() == 1) {
      cv::circle(image, runs.back()[0], marker_radius * 16, colour, cv::FILLED, cv::LINE_AA, 4);
    }
    if (runs.back().size() > 1) {
      runs.emplace_back();
    } else {
      runs.back().clear();
    }
  };
  for (size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i])) {
      close_run();
      continue;
    }
    runs.back().push_back(Frame::Fixed(frame.Px(x[i]), frame.Py(y[i])));
  }
  close_run();
  runs.pop_back();  // close_run always leaves an empty run last
  if (!runs.empty()) cv::polylines(image, runs, false, colour, line_width, cv::LINE_AA, 4);
}

std::string SeriesName(const PlotSeries& series, size_t index) {
  return series.name.empty() ? fmt::format("series #{}", index)
                             : fmt::format("series #{} '{}'", index, series.name);
}

cv::Scalar SeriesColour(const PlotSeries& series, size_t index) {
  const std::array<uint8_t, 3> rgb =
      series.rgb == std::array<uint8_t, 3>{0, 0, 0}
          ? LinePlotPaletteColour(static_cast<int>(index % kPaletteRgb.size()))
          : series.rgb;
  return cv::Scalar(rgb[2], rgb[1], rgb[0]);
}

/// The whole image.
cv::Mat Render(const std::vector<PlotSeries>& series, const LinePlotOptions& options) {
  const int w = options.width, h = options.height;
  const Style style(w, h);
  cv::Mat image(h, w, CV_8UC3, kWhite);

  // The data ranges over every drawable point; the smoothed values are
  // averages of them, so they stay inside.
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min;
  double y_min = x_min, y_max = -x_min;
  for (const PlotSeries& s : series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!Drawable(s, i, options.log_y)) continue;
      x_min = std::min(x_min, s.x[i]);
      x_max = std::max(x_max, s.x[i]);
      y_min = std::min(y_min, s.y[i]);
      y_max = std::max(y_max, s.y[i]);
    }
  }
  Frame frame;
  frame.log_y = options.log_y;
  frame.x_axis = LinearAxis(x_min, x_max);
  frame.y_axis = options.log_y ? LogAxis(y_min, y_max) : LinearAxis(y_min, y_max);

  // Margins from the text they hold: the title above; the x tick labels and
  // the x label below; the y label and the widest y tick label on the left;
  // on the right half of the last x tick label, which is centred on the frame.
  const std::string title = internal::Utf8ToAscii(options.title);
  const std::string x_label = internal::Utf8ToAscii(options.x_label);
  const std::string y_label = internal::Utf8ToAscii(options.y_label);
  const TextSize tick_size = Measure("0123456789.-e", style.tick_font, style.thickness);
  const TextSize label_size = Measure("Ag", style.label_font, style.thickness);
  const TextSize title_size = Measure(title, style.title_font, style.title_thickness);
  int y_tick_width = 0;
  for (const std::string& label : frame.y_axis.labels) {
    y_tick_width = std::max(y_tick_width, Measure(label, style.tick_font, style.thickness).width);
  }
  const int last_x_width =
      Measure(frame.x_axis.labels.back(), style.tick_font, style.thickness).width;
  const int pad = style.pad, half_pad = style.pad / 2;
  const int top = title.empty() ? std::max(pad, tick_size.height() / 2 + half_pad)
                                : pad + title_size.height() + pad;
  const int bottom_margin = style.tick_length + half_pad + tick_size.height() +
                            (x_label.empty() ? 0 : half_pad + label_size.height()) + pad;
  const int left = pad + (y_label.empty() ? 0 : label_size.height() + half_pad) + y_tick_width +
                   half_pad + style.tick_length;
  const int right_margin = std::max(pad, last_x_width / 2 + half_pad);
  frame.left = left;
  frame.top = top;
  // At the smallest sizes the text may crowd the frame; keep it a few pixels
  // wide rather than inverted.
  frame.right = std::max(left + 10, w - 1 - right_margin);
  frame.bottom = std::max(top + 10, h - 1 - bottom_margin);
  const int frame_left = left, frame_right = static_cast<int>(frame.right);
  const int frame_top = top, frame_bottom = static_cast<int>(frame.bottom);

  // Grid: minor lines first so that the major ones cross over them.
  for (double v : frame.y_axis.minor) {
    const int py = static_cast<int>(std::lround(frame.PyOfV(v)));
    cv::line(image, {frame_left, py}, {frame_right, py}, kMinorGrid, 1);
  }
  for (double x : frame.x_axis.ticks) {
    const int px = static_cast<int>(std::lround(frame.Px(x)));
    cv::line(image, {px, frame_top}, {px, frame_bottom}, kGrid, 1);
  }
  for (double v : frame.y_axis.ticks) {
    const int py = static_cast<int>(std::lround(frame.PyOfV(v)));
    cv::line(image, {frame_left, py}, {frame_right, py}, kGrid, 1);
  }

  // The frame, tick marks and tick labels. The frame goes under the curves:
  // a curve along the first or last tick stays visible.
  cv::rectangle(image, {frame_left, frame_top}, {frame_right, frame_bottom}, kFrame, 1);
  for (size_t i = 0; i < frame.x_axis.ticks.size(); ++i) {
    const int px = static_cast<int>(std::lround(frame.Px(frame.x_axis.ticks[i])));
    cv::line(image, {px, frame_bottom}, {px, frame_bottom + style.tick_length}, kFrame, 1);
    const std::string& label = frame.x_axis.labels[i];
    const TextSize size = Measure(label, style.tick_font, style.thickness);
    PutText(image, label,
            {px - size.width / 2, frame_bottom + style.tick_length + half_pad + tick_size.ascent},
            style.tick_font, style.thickness, kText);
  }
  for (size_t i = 0; i < frame.y_axis.ticks.size(); ++i) {
    const int py = static_cast<int>(std::lround(frame.PyOfV(frame.y_axis.ticks[i])));
    cv::line(image, {frame_left - style.tick_length, py}, {frame_left, py}, kFrame, 1);
    const std::string& label = frame.y_axis.labels[i];
    const TextSize size = Measure(label, style.tick_font, style.thickness);
    PutText(image, label,
            {frame_left - style.tick_length - half_pad - size.width, py + tick_size.ascent / 2},
            style.tick_font, style.thickness, kText);
  }

  // Curves: every raw line first, then every smoothed one, so that no raw
  // line covers a smoothed curve. Only dense series are smoothed: on a sparse
  // one (a validation curve of 20 points) the average lags far behind.
  auto is_smoothed = [&](size_t k) {
    if (!options.smooth) return false;
    int drawable = 0;
    for (size_t i = 0; i < series[k].y.size(); ++i)
      drawable += Drawable(series[k], i, options.log_y) ? 1 : 0;
    return drawable >= kMinSmoothedPoints;
  };
  for (size_t k = 0; k < series.size(); ++k) {
    const PlotSeries& s = series[k];
    std::vector<double> y(s.y.size(), kNaN);
    for (size_t i = 0; i < s.y.size(); ++i) {
      if (Drawable(s, i, options.log_y)) y[i] = s.y[i];
    }
    cv::Scalar colour = SeriesColour(s, k);
    int width = style.line_width;
    if (is_smoothed(k)) {
      for (int c = 0; c < 3; ++c) colour[c] += (255.0 - colour[c]) * kLighten;
      width = std::max(1, style.line_width / 2);
    }
    DrawCurve(image, frame, s.x, y, colour, width, style.marker_radius);
  }
  if (options.smooth) {
    for (size_t k = 0; k < series.size(); ++k) {
      if (!is_smoothed(k)) continue;
      DrawCurve(image, frame, series[k].x, Smoothed(series[k], options.log_y),
                SeriesColour(series[k], k), style.line_width, style.marker_radius);
    }
  }

  // Legend, top-right inside the frame: a line sample and the name per named series.
  std::vector<size_t> named;
  int name_width = 0;
  for (size_t k = 0; k < series.size(); ++k) {
    if (series[k].name.empty()) continue;
    named.push_back(k);
    name_width = std::max(
        name_width,
        Measure(internal::Utf8ToAscii(series[k].name), style.legend_font, style.thickness).width);
  }
  if (!named.empty()) {
    const TextSize row_text = Measure("Ag", style.legend_font, style.thickness);
    const int row_height = row_text.height() + half_pad;
    const int box_width = pad + style.sample_length + half_pad + name_width + pad;
    const int box_height = half_pad + static_cast<int>(named.size()) * row_height + half_pad;
    const int box_left = frame_right - pad - box_width;
    const int box_top = frame_top + pad;
    const cv::Rect box(box_left, box_top, box_width, box_height);
    cv::rectangle(image, box, kWhite, cv::FILLED);
    cv::rectangle(image, box, kLegendBorder, 1);
    for (size_t r = 0; r < named.size(); ++r) {
      const PlotSeries& s = series[named[r]];
      const int centre = box_top + half_pad + static_cast<int>(r) * row_height + row_height / 2;
      // A series of lone points shows its marker, any other a piece of line.
      bool joined = false;
      for (size_t i = 0; i + 1 < s.x.size() && !joined; ++i) {
        joined = Drawable(s, i, options.log_y) && Drawable(s, i + 1, options.log_y);
      }
      if (joined) {
        cv::line(image, {box_left + pad, centre}, {box_left + pad + style.sample_length, centre},
                 SeriesColour(s, named[r]), style.line_width, cv::LINE_AA);
      } else {
        cv::circle(image, {box_left + pad + style.sample_length / 2, centre}, style.marker_radius,
                   SeriesColour(s, named[r]), cv::FILLED, cv::LINE_AA);
      }
      PutText(image, internal::Utf8ToAscii(s.name),
              {box_left + pad + style.sample_length + half_pad, centre + row_text.ascent / 2},
              style.legend_font, style.thickness, kText);
    }
  }

  // Title over the frame, x label under the x ticks, y label left of the y ticks.
  const int frame_centre = (frame_left + frame_right) / 2;
  if (!title.empty()) {
    PutText(image, title,
            {std::max(pad, frame_centre - title_size.width / 2), pad + title_size.ascent},
            style.title_font, style.title_thickness, kText);
  }
  if (!x_label.empty()) {
    const TextSize size = Measure(x_label, style.label_font, style.thickness);
    PutText(image, x_label,
            {std::max(pad, frame_centre - size.width / 2), h - 1 - pad - label_size.descent},
            style.label_font, style.thickness, kText);
  }
  if (!y_label.empty()) {
    PutTextTurned(image, y_label, pad, (frame_top + frame_bottom) / 2, style.label_font,
                  style.thickness, kText);
  }
  return image;
}

}  // namespace

std::vector<double> NiceTicks(double lo, double hi, int target) {
  return NiceTickSet(lo, hi, target, 0.0).values;
}

std::array<uint8_t, 3> LinePlotPaletteColour(int index) {
  return kPaletteRgb[static_cast<size_t>(std::max(index, 0)) % kPaletteRgb.size()];
}

void LinePlotOptions::Check() const {
  CheckInRange(width, kMinSize, kMaxSize, "width");
  CheckInRange(height, kMinSize, kMaxSize, "height");
  if (LowerExtension(output) != "png")
    throw OptionError(fmt::format("{{output}} {}: a line plot must be a .png", output.string()));
}

void WriteLinePlot(const std::vector<PlotSeries>& series, const LinePlotOptions& options) {
  // Options and series before any file is touched.
  options.Check();
  const std::string output = options.output.string();
  if (series.empty()) {
    throw Error(fmt::format("{}: no series to plot", output));
  }
  for (size_t k = 0; k < series.size(); ++k) {
    const PlotSeries& s = series[k];
    if (s.x.size() != s.y.size()) {
      throw Error(fmt::format("{}: {} has {} x values and {} y values; expected as many of each",
                              output, SeriesName(s, k), s.x.size(), s.y.size()));
    }
    bool any = false;
    for (size_t i = 0; i < s.x.size() && !any; ++i) any = Drawable(s, i, options.log_y);
    if (!any) {
      throw Error(fmt::format("{}: {} has no finite point{} among its {} points", output,
                              SeriesName(s, k), options.log_y ? " with y > 0 (log y axis)" : "",
                              s.x.size()));
    }
  }

  // Draw, then write beside the target and rename.
  AtomicFileWriter temp(options.output);  // throws when the folder is missing
  const cv::Mat image = Render(series, options);
  WriteImageOrThrow(image, temp.temp_path(), output);
  temp.Commit();
}

}  // namespace intersynth
