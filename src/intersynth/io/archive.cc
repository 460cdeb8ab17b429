#include "intersynth/io/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <memory>

#include "intersynth/util/error.h"
#include "intersynth/util/interrupt.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The member path relative to the destination, or empty when it is unsafe
// (absolute, or a ".." component) or names nothing ("./" alone).
fs::path SafeRelativePath(const std::string& member) {
  const fs::path path(member);
  if (path.is_absolute() || member.empty() || member[0] == '/') return {};
  fs::path out;
  for (const fs::path& part : path) {
    const std::string name = part.string();
    if (name == "..") return {};
    if (name == "." || name.empty()) continue;
    out /= part;
  }
  return out;
}

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

}  // namespace

bool IsArchivePath(const fs::path& path) {
  const std::string name = Lower(path.filename().string());
  for (const char* suffix : {".tar.xz", ".txz", ".tar.gz", ".tgz", ".tar.bz2", ".tar", ".zip"}) {
    if (EndsWith(name, suffix)) return true;
  }
  return false;
}

ArchiveExtraction ExtractArchive(const fs::path& archive_path,
                                 const fs::path& destination,
                                 const std::function<bool(const std::string&)>& keep) {
  std::error_code ec;
  if (!fs::is_regular_file(archive_path, ec)) {
    throw Error(fmt::format("{}: no such archive", archive_path.string()));
  }
  if (!fs::is_directory(destination, ec)) {
    throw Error(fmt::format("{}: extraction folder does not exist", destination.string()));
  }
  std::unique_ptr<archive, ArchiveCloser> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  archive_read_support_format_zip(reader.get());
  if (archive_read_open_filename(reader.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw Error(fmt::format("{}: cannot open as an archive: {}", archive_path.string(),
                            archive_error_string(reader.get())));
  }

  ArchiveExtraction result;
  archive_entry* entry = nullptr;
  std::array<char, 1 << 16> buffer;
  while (true) {
    if (InterruptRequested()) {
      throw Error(fmt::format("{}: interrupted while unpacking", archive_path.string()));
    }
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      throw Error(fmt::format("{}: corrupt or truncated archive: {}", archive_path.string(),
                              archive_error_string(reader.get())));
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* raw_name = archive_entry_pathname(entry);
    const std::string member = raw_name ? raw_name : "";
    if (keep && !keep(member)) {
      ++result.skipped_by_filter;
      continue;
    }
    const fs::path relative = SafeRelativePath(member);
    if (relative.empty()) {
      ++result.skipped_unsafe;
      continue;
    }

    // Stream the member into its file.
    const fs::path target = destination / relative;
    fs::create_directories(target.parent_path(), ec);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error(fmt::format("{}: cannot write member '{}' to {}", archive_path.string(), member,
                              target.string()));
    }
    while (true) {
      const la_ssize_t n = archive_read_data(reader.get(), buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        throw Error(fmt::format("{}: member '{}': corrupt or truncated archive: {}",
                                archive_path.string(), member, archive_error_string(reader.get())));
      }
      out.write(buffer.data(), n);
      result.bytes += static_cast<uint64_t>(n);
    }
    out.close();
    if (!out) {
      throw Error(fmt::format("{}: write failed for member '{}' ({})", archive_path.string(),
                              member, target.string()));
    }
    result.files.push_back(target);
  }
  return result;
}

}  // namespace intersynth
