#pragma once
// Helpers shared by the test suites: where the project and the shared data
// are, scratch folders, and the outside Python used for interoperability checks.

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth::testing {

/// The project root (ctest sets INTERSYNTH_SOURCE_DIR; falls back to the
/// configure-time path).
std::filesystem::path SourceDir();

/// The shared data folder: $INTERSYNTH_DATA, else ../shared/data beside the
/// project root. std::nullopt when the folder (or `subpath` inside it) is absent.
std::optional<std::filesystem::path> SharedData(const std::string& subpath = "");

/// A fresh folder under the system temp dir, removed with its content when
/// the object dies (util/file_util.h ScratchFolder, with `dir / "name"`).
class TempDir {
 public:
  TempDir() : scratch_("intersynth_test") {}
  const std::filesystem::path& path() const { return scratch_.path(); }
  std::filesystem::path operator/(const std::string& name) const { return path() / name; }

 private:
  ScratchFolder scratch_;
};

/// /usr/bin/python3 when it exists and imports numpy; std::nullopt otherwise.
std::optional<std::string> PythonWithNumpy();

/// Runs `command` through the shell; returns its exit code and fills `output`
/// with stdout+stderr.
int RunCommand(const std::string& command, std::string* output);

/// Number of entries in a folder (0 when missing).
int CountEntries(const std::filesystem::path& folder);

/// Runs `fn` and expects an intersynth::Error whose message contains every
/// fragment (use EXPECT_ERROR_CONTAINS for the statement text in failures).
template <typename Fn>
void ExpectErrorContaining(Fn&& fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected an intersynth::Error, nothing was thrown";
  } catch (const ::intersynth::Error& e) {
    const std::string message = e.what();
    for (const std::string& fragment : fragments) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << "error message lacks '" << fragment << "': " << message;
    }
  }
}

}  // namespace intersynth::testing

/// EXPECT_ERROR_CONTAINS(ReadBvh(path), {"a.bvh", "line 3"}): the statement
/// must throw intersynth::Error with every fragment in its message.
#define EXPECT_ERROR_CONTAINS(statement, ...)                                      \
  do {                                                                             \
    SCOPED_TRACE("EXPECT_ERROR_CONTAINS(" #statement ")");                         \
    ::intersynth::testing::ExpectErrorContaining([&] { statement; }, __VA_ARGS__); \
  } while (0)

/// Skips the current test with a printed reason when the shared data (or a
/// path inside it) is absent; otherwise binds `var` to its path.
#define INTERSYNTH_REQUIRE_SHARED_DATA(var, subpath)                             \
  const auto var##_optional = ::intersynth::testing::SharedData(subpath);        \
  if (!var##_optional) {                                                         \
    GTEST_SKIP() << "shared data '" << (subpath)                                 \
                 << "' not found (set INTERSYNTH_DATA or place ../shared/data)"; \
  }                                                                              \
  const std::filesystem::path var = *var##_optional
