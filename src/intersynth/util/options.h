#pragma once
// The options convention (STYLE.md rule 7, after COLMAP's RANSACOptions):
//
//  * Every options or config struct has `void Check() const` that throws
//    OptionError for the first bad field; the message names the field in
//    braces, "{fit.adam_learning_rate} must be > 0, got -1", never a CLI flag.
//  * A struct that holds another checks it with CheckNested("fit", ...), so
//    the inner struct's fields are reported with the outer field's prefix.
//  * Choices are enums with a table of names (EnumName) and two helpers per
//    enum: ToString(value) and ParseX(text, field), which throws OptionError.
//  * OptionError::what() shows each field by its name ("fit.adam_learning_rate
//    must be > 0, got -1"); the CLI re-renders the message with each field's
//    flag (--adam-lr must be > 0, got -1; apps/intersynth/field_flags.h).
//
//   void LiftSceneOptions::Check() const {
//     CheckAtLeast(max_points, 1, "max_points");
//     CheckNested("floor", [&] { floor.Check(); });
//   }

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/util/error.h"

namespace intersynth {

/// A bad option value. The message names fields in braces ("{field}" or
/// "{outer.inner}": lower-case letters, digits, '_' and '.'); what() shows
/// them as plain names, Render() as whatever the caller calls them.
class OptionError : public Error {
 public:
  /// `message` with its fields in braces, e.g. "{steps} must be >= 1, got 0".
  explicit OptionError(std::string message);

  /// The message as given, fields in braces.
  const std::string& message_with_fields() const { return message_; }

  /// The fields the message names, in order of appearance.
  std::vector<std::string> fields() const;

  /// The message with each {field} replaced by name(field).
  std::string Render(const std::function<std::string(const std::string& field)>& name) const;

  /// The same error for a struct nested at `prefix`: {a} becomes {prefix.a}.
  OptionError Nested(std::string_view prefix) const;

 private:
  std::string message_;
};

/// Runs `check` (a nested struct's Check()) and re-throws its OptionError
/// with the fields prefixed by `prefix`.
void CheckNested(std::string_view prefix, const std::function<void()>& check);

/// "{field} must be > 0, got VALUE" unless value > 0 (NaN fails).
template <typename T>
void CheckPositive(T value, std::string_view field) {
  if (!(value > T(0))) throw OptionError(fmt::format("{{{}}} must be > 0, got {}", field, value));
}

/// "{field} must be >= MIN, got VALUE" unless value >= min (NaN fails).
template <typename T>
void CheckAtLeast(T value, T min, std::string_view field) {
  if (!(value >= min))
    throw OptionError(fmt::format("{{{}}} must be >= {}, got {}", field, min, value));
}

/// "{field} must be in [LO, HI], got VALUE" unless lo <= value <= hi.
template <typename T>
void CheckInRange(T value, T lo, T hi, std::string_view field) {
  if (!(value >= lo && value <= hi))
    throw OptionError(fmt::format("{{{}}} must be in [{}, {}], got {}", field, lo, hi, value));
}

/// "{field} must be finite, got VALUE" for NaN or infinity.
void CheckFinite(double value, std::string_view field);

/// "{field} is required" when `value` is empty.
void CheckRequired(std::string_view value, std::string_view field);

/// One enum value and its name in files and on the command line.
template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

/// The name of `value` in `names` (a programmer error when absent).
template <typename E, size_t N>
std::string_view EnumToString(E value, const EnumName<E> (&names)[N]) {
  for (const EnumName<E>& n : names)
    if (n.value == value) return n.name;
  INTERSYNTH_CHECK(false) << "enum value " << static_cast<int>(value) << " has no name";
  return {};
}

/// "a, b or c": the names of `names`, for messages and help texts.
template <typename E, size_t N>
std::string EnumChoices(const EnumName<E> (&names)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += names[i].name;
  }
  return out;
}

/// The value named `text`; throws OptionError "{field} must be a, b or c,
/// got 'text'" otherwise.
template <typename E, size_t N>
E EnumFromString(std::string_view text, const EnumName<E> (&names)[N], std::string_view field) {
  for (const EnumName<E>& n : names)
    if (n.name == text) return n.value;
  throw OptionError(fmt::format("{{{}}} must be {}, got '{}'", field, EnumChoices(names), text));
}

}  // namespace intersynth
