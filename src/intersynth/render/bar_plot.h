#pragma once
// A PNG of small bar charts with error bars, one panel per metric: how
// `intersynth evaluate` shows each metric of every set (generated, real,
// baselines) with its 95% interval. OpenCV drawing only, like line_plot.h.
//
// Layout: panels in a grid of `columns` columns, each panel_width x
// panel_height pixels, under a title line and above a legend row naming the
// bars (one colour per bar index, LinePlotPaletteColour). In a panel:
//   * the metric's name on top, ~4 "nice" ticks (NiceTicks) on the left,
//     spanning the bars' values and their intervals and always 0, so bar
//     heights compare;
//   * bar b as a filled rectangle from 0 to value[b], a black whisker from
//     value - error to value + error (when the error is finite and > 0) and
//     the value printed above it (3 significant digits);
//   * a bar whose value is not finite is left out with "n/a" at its place.
// Pixel mapping per panel: py = bottom - (v - lo) / (hi - lo) * (bottom -
// top), with lo and hi the first and last tick.

#include <filesystem>
#include <string>
#include <vector>

namespace intersynth {

/// One metric's panel: a value and an error half-width per bar.
struct BarPanel {
  std::string title;
  /// As many as the plot's bar names; NaN = not measured.
  std::vector<double> values, errors;
};

/// Options of WriteBarPlot.
struct BarPlotOptions {
  /// The output image; must end in .png, its folder must exist.
  std::filesystem::path output;
  /// The title line; empty = none.
  std::string title;
  /// Panels per row (1..16) and each panel's size in pixels (120..2000).
  int columns = 4;
  int panel_width = 300;
  int panel_height = 220;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Draws the panels (see the file comment) into options.output, written
/// under a temporary name and renamed on success. Throws OptionError for bad
/// options (a size out of range, an extension other than .png); Error naming
/// the output when there are no panels or no bar names, when a panel's values
/// or errors do not number as many as the bar names, when the folder is
/// missing, or when OpenCV cannot write the image.
void WriteBarPlot(const std::vector<BarPanel>& panels,
                  const std::vector<std::string>& bar_names,
                  const BarPlotOptions& options);

}  // namespace intersynth
