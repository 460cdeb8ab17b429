#pragma once
// Test-only helpers (header-only, included by npy_test.cc and npz_test.cc) for
// the NumPy interoperability tests: the outside python3 + numpy and the
// scripts under testdata/scripts/ that write or check files with it.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "intersynth/testing/testing.h"

namespace intersynth::testing {

/// The committed files that testdata/scripts/npy_make_fixtures.py wrote.
inline std::filesystem::path NumpyFixtureDir() { return SourceDir() / "testdata/npy"; }

/// Runs testdata/scripts/<script> with `python`, passing `dir` as its one
/// argument. Success when it exits 0; otherwise a failure that carries the
/// exit code and the script's output.
inline ::testing::AssertionResult RunNumpyScript(const std::string& python,
                                                 const std::string& script,
                                                 const std::filesystem::path& dir) {
  const std::string path = (SourceDir() / "testdata/scripts" / script).string();
  std::string output;
  const int code = RunCommand(python + " '" + path + "' '" + dir.string() + "'", &output);
  if (code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << script << " exited with " << code << ":\n" << output;
}

}  // namespace intersynth::testing

/// Skips the current test with a printed reason when /usr/bin/python3 with
/// numpy is absent; otherwise binds `var` (a std::string) to the interpreter.
#define INTERSYNTH_REQUIRE_NUMPY(var)                                            \
  const auto var##_optional = ::intersynth::testing::PythonWithNumpy();          \
  if (!var##_optional) {                                                         \
    GTEST_SKIP() << "no /usr/bin/python3 with numpy: NumPy interop not checked"; \
  }                                                                              \
  const std::string var = *var##_optional
