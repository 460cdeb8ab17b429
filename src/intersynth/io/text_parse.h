#pragma once
// Line and token reading shared by the mocap text formats (BVH, ASF/AMC),
// internal to the io module.
//
// Conventions both readers rely on:
//  - lines end at '\n'; '\r' counts as a blank, so LF, CRLF and mixed files
//    read the same, and a lone '\r' at a line's end is ignored;
//  - tokens are runs of non-blank bytes (blanks: space, \t, \r, \v, \f);
//  - numbers are whole tokens: "1.5", "+2", "-3e-2"; "1.5x", "" and " 1" fail.
//    "nan" and "inf" parse, so that callers can say "is nan, expected a finite
//    number" instead of "not a number";
//  - every user error reads "<source>:<line>: <what went wrong, expected ...>".

#include <cstdint>
#include <string>
#include <string_view>

namespace intersynth::internal {

/// Whitespace inside a line: space, \t, \r, \v, \f ('\n' ends the line).
inline bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/// True when `line` holds only blanks (or nothing).
bool IsBlankLine(std::string_view line);

/// Splits text into lines at '\n' (the '\n' is dropped, a '\r' before it is
/// kept and reads as a blank) and numbers them from 1. The text must outlive
/// the reader and the lines it returns.
class LineReader {
 public:
  /// Reads `text` from its first line.
  explicit LineReader(std::string_view text) : text_(text) {}

  /// Next line without its '\n'; false at the end of the text (a final '\n'
  /// does not start another, empty, line).
  bool Next(std::string_view* line);

  /// 1-based number of the line last returned (0 before the first).
  int line_number() const { return line_number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_number_ = 0;
};

/// Calls fn(token) for each blank-separated token of `line`, left to right.
/// Tokens are views into `line`.
template <typename Fn>
void ForEachToken(std::string_view line, Fn&& fn) {
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    if (i > start) fn(line.substr(start, i - start));
  }
}

/// Parses the whole token as a double (a leading '+' is accepted; "nan",
/// "inf" parse). False for anything else, `value` then unspecified.
bool ParseDouble(std::string_view token, double* value);

/// Parses the whole token as a base-10 int64 (a leading '+' is accepted).
/// False for anything else, including values out of int64 range.
bool ParseInt(std::string_view token, int64_t* value);

/// The token as a message shows it: 'token', or its first 40 bytes and
/// "..." inside the quotes when longer. Bytes are copied as they are.
std::string QuoteToken(std::string_view token);

/// Throws intersynth::Error("<source>:<line>: <what>").
[[noreturn]] void FailAtLine(const std::string& source, int line, const std::string& what);

/// A finite number read from `token`, for the field `what` ("OFFSET y").
/// Throws Error "<source>:<line>: expected a number for <what>, found
/// <quote(token)>" when the token is not a number, and "<source>:<line>:
/// <what> is <token>, expected a finite number" for nan / inf. `quote` lets
/// a reader show tokens in its own way (ASF converts Latin-1 to UTF-8).
double ParseFiniteNumber(std::string_view token,
                         std::string_view what,
                         const std::string& source,
                         int line,
                         std::string (*quote)(std::string_view) = QuoteToken);

}  // namespace intersynth::internal
