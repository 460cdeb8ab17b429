#include "intersynth/util/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "intersynth/util/options.h"

namespace intersynth {

void ProgressOptions::Check() const {
  CheckAtLeast(min_interval_s, 0.0, "min_interval_s");
  CheckFinite(min_interval_s, "min_interval_s");
  CheckAtLeast(bar_width, 1, "bar_width");
  if (stream == nullptr) throw OptionError("{stream} is required (a stream to draw on)");
}

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 3600) {
    return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  }
  return fmt::format("{:02}:{:02}", s / 60, s % 60);
}

std::string FormatProgress(
    const std::string& label, int64_t count, int64_t total, double elapsed_s, int bar_width) {
  const double rate = elapsed_s > 0 ? count / elapsed_s : 0.0;
  std::string line = label;
  if (total > 0) {
    // The bar: '=' for done, '>' at the head, spaces for what is left.
    const double fraction = std::clamp(static_cast<double>(count) / total, 0.0, 1.0);
    const int filled = static_cast<int>(fraction * bar_width);
    std::string bar(bar_width, ' ');
    std::fill(bar.begin(), bar.begin() + filled, '=');
    if (filled < bar_width) bar[filled] = '>';
    line += fmt::format(" [{}] {}/{}", bar, count, total);
  } else {
    line += fmt::format(" {}", count);
  }
  line += fmt::format("  {:.1f}/s", rate);
  if (total > 0) {
    const double eta = rate > 0 ? (total - count) / rate : -1.0;
    line += "  ETA " + FormatDuration(eta);
  }
  return line;
}

ProgressBar::ProgressBar(std::string label, int64_t total, ProgressOptions options)
    : label_(std::move(label)),
      total_(total),
      options_(options),
      enabled_(options.force || isatty(fileno(stdout))),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  options_.Check();
}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Tick(int64_t n) {
  count_ += n;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_draw_).count() >= options_.min_interval_s) {
    last_draw_ = now;
    Draw();
  }
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw();
  std::fputc('\n', options_.stream);
  std::fflush(options_.stream);
}

void ProgressBar::Draw() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // \r returns to the line start; \033[K clears what a longer line left.
  std::fprintf(options_.stream, "\r%s\033[K",
               FormatProgress(label_, count_, total_, elapsed, options_.bar_width).c_str());
  std::fflush(options_.stream);
}

}  // namespace intersynth
