#pragma once
// A terminal progress bar: count, rate and ETA on one line, redrawn in place.
// Silent when stdout is not a terminal (logs, CI, pipes), so that redirected
// output never fills with carriage returns.
//
//   ProgressBar bar("encode", clips.size());
//   for (...) { ...; bar.Tick(); }
//   bar.Finish();

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace intersynth {

/// Options of ProgressBar.
struct ProgressOptions {
  /// Draw even when stdout is not a terminal (tests, forced output).
  bool force = false;
  /// Minimum time between redraws, seconds.
  double min_interval_s = 0.1;
  /// Width of the bar itself in characters.
  int bar_width = 30;
  /// Stream to draw on; stdout by default.
  std::FILE* stream = stdout;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Formats one progress line, e.g.
/// "encode [=========>          ] 120/400  30.0/s  ETA 00:09".
/// `total` <= 0 means unknown: no bar and no ETA.
std::string FormatProgress(
    const std::string& label, int64_t count, int64_t total, double elapsed_s, int bar_width);

/// Formats seconds as MM:SS, or H:MM:SS from one hour on.
std::string FormatDuration(double seconds);

class ProgressBar {
 public:
  /// Throws OptionError for bad `options`.
  ProgressBar(std::string label, int64_t total, ProgressOptions options = {});
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Advances by `n` and redraws when the last draw is old enough.
  void Tick(int64_t n = 1);
  /// Draws the final state and ends the line. Called by the destructor too.
  void Finish();
  /// Whether this bar draws at all.
  bool enabled() const { return enabled_; }
  int64_t count() const { return count_; }

 private:
  void Draw();

  std::string label_;
  int64_t total_;
  ProgressOptions options_;
  bool enabled_;
  bool finished_ = false;
  int64_t count_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace intersynth
