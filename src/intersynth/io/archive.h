#pragma once
// Archives of source data (.tar.xz, .tar.gz, .tar.bz2, .tar, .zip) unpacked
// through libarchive, so that `data build` can read the shared mocap archives
// directly, without the user unpacking them first.
//
// Only regular files are extracted; links, devices and folders are not (a
// folder appears when a file inside it is written). A member whose path is
// absolute or contains a ".." component is refused (an archive must not
// write outside the destination); it is skipped and counted, not an error.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace intersynth {

/// True for a path that names an archive ExtractArchive reads (by its
/// extension: .tar.xz, .txz, .tar.gz, .tgz, .tar.bz2, .tar, .zip; any case).
bool IsArchivePath(const std::filesystem::path& path);

/// What ExtractArchive did.
struct ArchiveExtraction {
  /// Extracted files (under the destination), in archive order.
  std::vector<std::filesystem::path> files;
  /// Bytes written.
  uint64_t bytes = 0;
  /// Regular-file members the filter declined.
  int skipped_by_filter = 0;
  /// Members refused because their path would leave the destination.
  int skipped_unsafe = 0;
};

/// Extracts the regular files of `archive` for which `keep(member_path)`
/// is true (member_path as stored, e.g. "reactidle/acted/001_acted.bvh";
/// an empty function keeps everything) into `destination`, which must exist.
/// Throws Error naming the archive (and the member) when the file is missing,
/// not an archive, truncated or corrupt, or a file cannot be written; files
/// written before the failure stay (the caller extracts into a temp folder).
ArchiveExtraction ExtractArchive(const std::filesystem::path& archive,
                                 const std::filesystem::path& destination,
                                 const std::function<bool(const std::string&)>& keep = {});

}  // namespace intersynth
