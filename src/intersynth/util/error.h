#pragma once
// The three error channels of intersynth (STYLE.md, rule 6):
//
//  1. Programmer error (a broken invariant inside the library):
//       INTERSYNTH_CHECK(index < size) << "index " << index;
//     prints file:line, the condition and the message, then aborts.
//  2. Bad user input or options (missing file, wrong shape, NaN, unknown name):
//       throw intersynth::Error(fmt::format("{}: line {}: expected ...", path, line));
//     The message names the file, the place and what was expected. The CLI
//     catches it once in apps/ and prints one line.
//  3. Expected runtime failure (no plane found, fit did not converge): return a
//     Report (or a struct that embeds one) with `success` and `message`.

#include <sstream>
#include <stdexcept>
#include <string>

namespace intersynth {

/// Bad user input or options. what() is a single line meant for the user.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Outcome of an operation that can fail for expected reasons.
struct Report {
  bool success = true;  ///< false when the operation did not reach its goal.
  std::string message;  ///< human-readable reason, empty on success.

  static Report Ok() { return {}; }
  static Report Failure(std::string why) { return {false, std::move(why)}; }
};

namespace internal {

/// Collects the message of a failed INTERSYNTH_CHECK and aborts when destroyed.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace internal
}  // namespace intersynth

/// Aborts with file, line, condition and the streamed message when `cond` is
/// false. For invariants only: never for user input (throw intersynth::Error).
#define INTERSYNTH_CHECK(cond) \
  if (cond) {                  \
  } else                       \
    ::intersynth::internal::CheckFailure(__FILE__, __LINE__, #cond).stream()
