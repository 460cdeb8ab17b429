#pragma once
// A small PNG line-plot writer for training curves (loss vs step) and metric
// plots: no plotting library, only OpenCV drawing.
//
// What is drawn, on a white background:
//   * the plot frame, a light grid and ~5 tick values a side ("nice" numbers
//     1, 2, 5 x 10^k, see NiceTicks) with their labels; the axes span exactly
//     from the first to the last tick, so they start and end on round numbers;
//   * every series as an anti-aliased polyline in data order (x need not be
//     sorted, points are joined as given). A point whose x or y is not finite
//     (or whose y <= 0 on a log axis) is skipped and breaks the line there; a
//     point with no drawable neighbour (a one-point series) is a filled disc;
//   * with options.smooth, each series' exponential moving average in the
//     series colour on top of the raw line drawn lighter (see below);
//   * the title centred at the top, the x label under the x ticks, the y label
//     turned 90 degrees left of the y ticks, and a legend box in the top-right
//     corner of the plot listing every series with a non-empty name (a
//     piece of its line, or its marker when no two of its points join).
//
// Mapping from data to pixels (pixel y grows downwards, as in OpenCV):
//   v  = y, or log10(y) when options.log_y
//   px = left + (x - x_lo) / (x_hi - x_lo) * (right - left)
//   py = bottom - (v - v_lo) / (v_hi - v_lo) * (bottom - top)
// with [left, right] x [top, bottom] the plot frame in pixels and
// [x_lo, x_hi], [v_lo, v_hi] the first and last ticks.
//
// Log axis ticks: when the drawable y values reach over at least two decades
// (ceil(log10 y_max) - floor(log10 y_min) >= 2) the ticks are powers of ten
// (every decade up to 8 ticks, with faint minor lines at 2..9 x 10^k; beyond
// that every 2, 5, 10, ... decades as NiceTicks of the exponents); within
// one decade the ticks are NiceTicks of the values themselves (the
// non-positive ones replaced by the decade below), so a short log axis still
// has labels.
//
// Smoothing (TensorBoard-style, over the drawable points in data order, one
// step per point whatever the x spacing):
//   s_0 = y_0,   s_i = s_{i-1} + alpha (y_i - s_{i-1}),   alpha = 0.1
// A skipped point breaks the smoothed line too, but the average carries over
// the gap.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace intersynth {

/// One curve of a line plot.
struct PlotSeries {
  /// The legend entry; an empty name leaves the series out of the legend.
  std::string name;
  /// The points (x[i], y[i]); both vectors have the same length. NaN or
  /// infinite values are skipped and break the line.
  std::vector<double> x, y;
  /// The colour as (red, green, blue) bytes; {0, 0, 0} picks
  /// LinePlotPaletteColour(index of the series).
  std::array<uint8_t, 3> rgb = {0, 0, 0};
};

/// How WriteLinePlot draws and where it writes.
struct LinePlotOptions {
  /// The output image; must end in .png, its folder must exist.
  std::filesystem::path output;
  /// Image size in pixels (100..8192 a side).
  int width = 900;
  int height = 500;
  /// Printed at the top, under the x axis and left of the y axis; empty = none.
  /// Characters outside ASCII print as '?' (OpenCV's Hershey fonts).
  std::string title, x_label, y_label;
  /// A log10 y axis; points with y <= 0 are skipped.
  bool log_y = false;
  /// Also draw each series' exponential moving average (alpha 0.1, see the
  /// file comment) in the series colour, the raw line lighter behind it;
  /// series with fewer than 50 drawable points stay raw (the average would
  /// lag far behind them).
  bool smooth = false;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Ticks on "nice" numbers: multiples of a step 1, 2 or 5 x 10^k chosen so
/// that the ticks from the last multiple <= lo to the first multiple >= hi
/// number as close to `target` as possible (on a tie the larger step). For
/// example NiceTicks(0, 97, 5) = {0, 20, 40, 60, 80, 100}. Tick i is computed
/// as an integer times the step (no accumulated rounding; 0 is exactly 0).
/// lo == hi (or a range narrower than 1e-9 of its magnitude) is widened
/// around its middle by 10% of |middle| (or by 1 when it is 0) each way. Checks
/// (programmer error) that lo and hi are finite, lo <= hi and target >= 2.
std::vector<double> NiceTicks(double lo, double hi, int target);

/// The colour of series `index` when it sets none, as (red, green, blue)
/// bytes: a fixed palette of 10 colours (matplotlib's "tab10"), repeating for
/// index >= 10.
std::array<uint8_t, 3> LinePlotPaletteColour(int index);

/// Draws `series` (see the file comment) into options.output as a PNG,
/// written beside the target under a temporary name and renamed on success,
/// so no partial file stays behind. Throws OptionError for bad options (a
/// size out of range, an extension other than .png); Error naming
/// options.output when there is no series, when a series has x and y of
/// different lengths or no drawable point (finite x and y, and y > 0 on a log
/// axis), when the output folder does not exist or when OpenCV cannot write
/// the image.
void WriteLinePlot(const std::vector<PlotSeries>& series, const LinePlotOptions& options);

}  // namespace intersynth
