#include "intersynth/testing/testing.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace intersynth::testing {
namespace fs = std::filesystem;

fs::path SourceDir() {
  if (const char* env = std::getenv("INTERSYNTH_SOURCE_DIR"); env && *env) return env;
  return INTERSYNTH_CONFIGURED_SOURCE_DIR;
}

std::optional<fs::path> SharedData(const std::string& subpath) {
  fs::path root;
  if (const char* env = std::getenv("INTERSYNTH_DATA"); env && *env) {
    root = env;
  } else {
    root = SourceDir() / ".." / "shared" / "data";
  }
  const fs::path full = subpath.empty() ? root : root / subpath;
  std::error_code ec;
  if (!fs::exists(full, ec)) return std::nullopt;
  return full;
}

int RunCommand(const std::string& command, std::string* output) {
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer;
  std::string text;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::optional<std::string> PythonWithNumpy() {
  static const std::optional<std::string> python = []() -> std::optional<std::string> {
    const std::string candidate = "/usr/bin/python3";
    std::error_code ec;
    if (!fs::exists(candidate, ec)) return std::nullopt;
    if (RunCommand(candidate + " -c 'import numpy'", nullptr) != 0) return std::nullopt;
    return candidate;
  }();
  return python;
}

int CountEntries(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return 0;
  int count = 0;
  for (auto it = fs::directory_iterator(folder, ec); it != fs::directory_iterator(); ++it) ++count;
  return count;
}

}  // namespace intersynth::testing
