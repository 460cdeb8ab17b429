#include "intersynth/util/file_util.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "intersynth/util/error.h"

namespace intersynth {
namespace fs = std::filesystem;

std::string ReadFileToString(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw Error(fmt::format("{}: no such file", path.string()));
  }
  if (fs::is_directory(path, ec)) {
    throw Error(fmt::format("{}: is a directory, expected a file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("{}: cannot open for reading: {}", path.string(),
                            std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: read error", path.string()));
  return buffer.str();
}

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)) {
  // A unique name in the same folder, so that rename() stays on one file system.
  std::random_device device;
  const fs::path folder = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw Error(fmt::format("{}: output folder '{}' does not exist", path_.string(),
                            folder.string()));
  }
  temp_path_ = folder / fmt::format(".{}.tmp{}.{:08x}", path_.filename().string(),
                                    static_cast<long>(getpid()), device());
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_path_, ec);
  }
}

void AtomicFileWriter::Commit() {
  std::error_code ec;
  if (!fs::exists(temp_path_, ec)) {
    throw Error(fmt::format("{}: nothing was written", path_.string()));
  }
  fs::rename(temp_path_, path_, ec);
  if (ec) {
    throw Error(fmt::format("{}: cannot move temporary file into place: {}",
                            path_.string(), ec.message()));
  }
  committed_ = true;
}

void WriteFileAtomic(const fs::path& path, std::string_view bytes) {
  AtomicFileWriter writer(path);
  {
    std::ofstream out(writer.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(fmt::format("{}: cannot open for writing: {}", path.string(),
                              std::strerror(errno)));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw Error(fmt::format("{}: write failed", path.string()));
  }
  writer.Commit();
}

std::string LowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  if (!ext.empty() && ext[0] == '.') ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace intersynth
