#pragma once
// Test-only helpers (header-only, included by bvh_test.cc and asf_amc_test.cc)
// for the error tests of the text formats: break one spot of a valid text and
// check what the parse error says.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "intersynth/testing/testing.h"

namespace intersynth::testing {

/// `text` with its first `from` replaced by `to`. A test failure (and `text`
/// returned unchanged) when `from` does not occur.
inline std::string ReplaceFirst(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' is not in the text";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

/// One broken variant of a valid text: its first `from` replaced by `to`, and
/// the fragments that the parse error must contain.
struct TextEdit {
  std::string from;
  std::string to;
  std::vector<std::string> fragments;
};

/// For every edit, parse(ReplaceFirst(valid, from, to)) must throw an
/// intersynth::Error whose message contains each of the edit's fragments.
template <typename Parse>
void ExpectEditErrors(const std::string& valid, Parse&& parse, const std::vector<TextEdit>& edits) {
  for (const TextEdit& edit : edits) {
    SCOPED_TRACE("replacing '" + edit.from + "' with '" + edit.to + "'");
    const std::string text = ReplaceFirst(valid, edit.from, edit.to);
    EXPECT_ERROR_CONTAINS(parse(text), edit.fragments);
  }
}

}  // namespace intersynth::testing
