#include "intersynth/io/text_parse.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "intersynth/util/error.h"

namespace intersynth::internal {
namespace {

// std::from_chars over the whole token. It rejects a leading '+' (strtod
// does not), so that sign is dropped first; a lone "+" stays an error.
template <typename T>
bool ParseWholeToken(std::string_view token, T* value) {
  if (!token.empty() && token[0] == '+') token.remove_prefix(1);
  if (token.empty()) return false;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, *value);
  return ec == std::errc() && ptr == end;
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return IsBlank(c); });
}

bool LineReader::Next(std::string_view* line) {
  if (pos_ >= text_.size()) return false;
  const size_t end = text_.find('\n', pos_);
  const size_t stop = end == std::string_view::npos ? text_.size() : end;
  *line = text_.substr(pos_, stop - pos_);
  pos_ = end == std::string_view::npos ? text_.size() : end + 1;
  ++line_number_;
  return true;
}

bool ParseDouble(std::string_view token, double* value) { return ParseWholeToken(token, value); }

bool ParseInt(std::string_view token, int64_t* value) { return ParseWholeToken(token, value); }

std::string QuoteToken(std::string_view token) {
  if (token.size() > 40) return fmt::format("'{}...'", token.substr(0, 40));
  return fmt::format("'{}'", token);
}

void FailAtLine(const std::string& source, int line, const std::string& what) {
  throw Error(fmt::format("{}:{}: {}", source, line, what));
}

double ParseFiniteNumber(std::string_view token,
                         std::string_view what,
                         const std::string& source,
                         int line,
                         std::string (*quote)(std::string_view)) {
  double value = 0.0;
  if (!ParseDouble(token, &value)) {
    FailAtLine(source, line, fmt::format("expected a number for {}, found {}", what, quote(token)));
  }
  if (!std::isfinite(value)) {
    FailAtLine(source, line, fmt::format("{} is {}, expected a finite number", what, token));
  }
  return value;
}

}  // namespace intersynth::internal
