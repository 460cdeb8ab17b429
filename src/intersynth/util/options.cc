#include "intersynth/util/options.h"

#include <regex>

namespace intersynth {
namespace {

// A field in braces: lower-case letters, digits, '_' and '.' (so that JSON or
// a set in a value, such as "{1, 2}", is not taken for a field).
const std::regex& FieldPattern() {
  static const std::regex pattern(R"(\{([a-z_][a-z0-9_.]*)\})");
  return pattern;
}

}  // namespace

OptionError::OptionError(std::string message)
    : Error(std::regex_replace(message, FieldPattern(), "$1")), message_(std::move(message)) {}

std::vector<std::string> OptionError::fields() const {
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(message_.begin(), message_.end(), FieldPattern());
       it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

std::string OptionError::Render(
    const std::function<std::string(const std::string& field)>& name) const {
  std::string out;
  auto last = message_.cbegin();
  for (auto it = std::sregex_iterator(message_.begin(), message_.end(), FieldPattern());
       it != std::sregex_iterator(); ++it) {
    out.append(last, message_.cbegin() + it->position());
    out += name((*it)[1].str());
    last = message_.cbegin() + it->position() + it->length();
  }
  out.append(last, message_.cend());
  return out;
}

OptionError OptionError::Nested(std::string_view prefix) const {
  return OptionError(
      Render([&](const std::string& field) { return fmt::format("{{{}.{}}}", prefix, field); }));
}

void CheckNested(std::string_view prefix, const std::function<void()>& check) {
  try {
    check();
  } catch (const OptionError& e) {
    throw e.Nested(prefix);
  }
}

void CheckFinite(double value, std::string_view field) {
  if (!std::isfinite(value))
    throw OptionError(fmt::format("{{{}}} must be finite, got {}", field, value));
}

void CheckRequired(std::string_view value, std::string_view field) {
  if (value.empty()) throw OptionError(fmt::format("{{{}}} is required", field));
}

}  // namespace intersynth
