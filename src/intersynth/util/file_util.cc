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
#include "intersynth/util/options.h"

namespace intersynth {
namespace fs = std::filesystem;

namespace {

// "<prefix>-<pid>-<8 hex digits>": unique enough for temp files and folders of one process.
std::string UniqueName(const std::string& prefix) {
  std::random_device device;
  return fmt::format("{}-{}-{:08x}", prefix, static_cast<long>(getpid()), device());
}

}  // namespace

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
    throw Error(
        fmt::format("{}: cannot open for reading: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(fmt::format("{}: read error", path.string()));
  return buffer.str();
}

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)) {
  // A unique name in the same folder, so that rename() stays on one file system.
  const fs::path folder = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw Error(
        fmt::format("{}: output folder '{}' does not exist", path_.string(), folder.string()));
  }
  // The temp name keeps the extension: writers that pick a format from it
  // (OpenCV's imwrite and VideoWriter) see the same one as the final path.
  temp_path_ =
      folder / ("." + UniqueName(path_.filename().string() + ".tmp") + path_.extension().string());
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
    throw Error(
        fmt::format("{}: cannot move temporary file into place: {}", path_.string(), ec.message()));
  }
  committed_ = true;
}

void WriteFileAtomic(const fs::path& path, std::string_view bytes) {
  AtomicFileWriter writer(path);
  {
    std::ofstream out(writer.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(
          fmt::format("{}: cannot open for writing: {}", path.string(), std::strerror(errno)));
    }
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw Error(fmt::format("{}: write failed", path.string()));
  }
  writer.Commit();
}

ScratchFolder::ScratchFolder(const std::string& prefix) {
  std::error_code ec;
  const fs::path temp = fs::temp_directory_path(ec);
  if (ec) throw Error(fmt::format("no temp folder for '{}': {}", prefix, ec.message()));
  path_ = temp / UniqueName(prefix);
  if (!fs::create_directories(path_, ec) || ec) {
    throw Error(fmt::format("{}: cannot create scratch folder: {}", path_.string(),
                            ec ? ec.message() : "it already exists"));
  }
}

ScratchFolder::~ScratchFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

AtomicFolderWriter::AtomicFolderWriter(fs::path path, bool overwrite)
    : path_(std::move(path)), overwrite_(overwrite) {
  const fs::path parent = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    throw Error(
        fmt::format("{}: output folder '{}' does not exist", path_.string(), parent.string()));
  }
  if (fs::exists(path_, ec) && !overwrite_) {
    throw OptionError(
        fmt::format("{}: already exists (pass {{overwrite}} to replace it)", path_.string()));
  }
  if (fs::exists(path_, ec) && !fs::is_directory(path_, ec)) {
    throw Error(fmt::format("{}: exists and is not a folder", path_.string()));
  }
  temp_path_ = parent / ("." + UniqueName(path_.filename().string() + ".partial"));
  if (!fs::create_directory(temp_path_, ec) || ec) {
    throw Error(fmt::format("{}: cannot create temporary folder: {}", temp_path_.string(),
                            ec ? ec.message() : "it already exists"));
  }
}

AtomicFolderWriter::~AtomicFolderWriter() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(temp_path_, ec);
  }
}

void AtomicFolderWriter::Commit() {
  std::error_code ec;
  // rename() cannot replace a non-empty folder: move the old one aside first
  // and delete it only once the new one is in place.
  fs::path old_aside;
  if (fs::exists(path_, ec)) {
    if (!overwrite_) throw Error(fmt::format("{}: already exists", path_.string()));
    old_aside = path_.parent_path() / ("." + UniqueName(path_.filename().string() + ".old"));
    fs::rename(path_, old_aside, ec);
    if (ec) {
      throw Error(
          fmt::format("{}: cannot move the old folder aside: {}", path_.string(), ec.message()));
    }
  }
  fs::rename(temp_path_, path_, ec);
  if (ec) {
    const std::string why = ec.message();
    if (!old_aside.empty()) fs::rename(old_aside, path_, ec);
    throw Error(fmt::format("{}: cannot move the new folder into place: {}", path_.string(), why));
  }
  committed_ = true;
  if (!old_aside.empty()) fs::remove_all(old_aside, ec);
}

std::string LowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  if (!ext.empty() && ext[0] == '.') ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

void WriteLinesAtomic(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  WriteFileAtomic(path, text);
}

std::vector<std::string> ReadNonEmptyLines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace intersynth
