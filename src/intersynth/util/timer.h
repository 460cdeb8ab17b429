#pragma once
// Wall-clock timing of a step (steady clock: never jumps with the date).

#include <chrono>

namespace intersynth {

/// Seconds since construction or the last Restart().
///
///   Timer timer;
///   ... work ...
///   fmt::print("{:.1f} s\n", timer.Seconds());
class Timer {
 public:
  using Clock = std::chrono::steady_clock;

  Timer() : start_(Clock::now()) {}

  /// Seconds since the start.
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  /// Starts again from now.
  void Restart() { start_ = Clock::now(); }

 private:
  Clock::time_point start_;
};

}  // namespace intersynth
