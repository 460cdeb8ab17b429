#include "intersynth/io/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;

// Writes a .tar.xz with the given (member path, content) pairs through
// libarchive's writer, so the test needs no outside tar.
void WriteTarXz(const fs::path& path,
                const std::vector<std::pair<std::string, std::string>>& files) {
  archive* writer = archive_write_new();
  ASSERT_EQ(archive_write_add_filter_xz(writer), ARCHIVE_OK);
  ASSERT_EQ(archive_write_set_format_pax_restricted(writer), ARCHIVE_OK);
  ASSERT_EQ(archive_write_open_filename(writer, path.c_str()), ARCHIVE_OK);
  for (const auto& [name, content] : files) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    ASSERT_EQ(archive_write_header(writer, entry), ARCHIVE_OK);
    ASSERT_EQ(archive_write_data(writer, content.data(), content.size()),
              static_cast<la_ssize_t>(content.size()));
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

TEST(Archive, RecognisesArchiveNames) {
  EXPECT_TRUE(IsArchivePath("a/bandai_namco.tar.xz"));
  EXPECT_TRUE(IsArchivePath("HDM05.TAR.XZ"));
  EXPECT_TRUE(IsArchivePath("x.tgz"));
  EXPECT_TRUE(IsArchivePath("x.zip"));
  EXPECT_FALSE(IsArchivePath("x.xz"));
  EXPECT_FALSE(IsArchivePath("folder"));
  EXPECT_FALSE(IsArchivePath("take.bvh"));
}

TEST(Archive, ExtractsTheFilteredFilesWithTheirFolders) {
  testing::TempDir dir;
  WriteTarXz(dir / "data.tar.xz", {{"top/a.bvh", "HIERARCHY a"},
                                   {"top/sub/b.bvh", "HIERARCHY b"},
                                   {"top/readme.md", "# not wanted"}});
  fs::create_directories(dir / "out");
  const ArchiveExtraction result =
      ExtractArchive(dir / "data.tar.xz", dir / "out",
                     [](const std::string& member) { return LowerExtension(member) == "bvh"; });
  ASSERT_EQ(result.files.size(), 2u);
  EXPECT_EQ(result.skipped_by_filter, 1);
  EXPECT_EQ(result.skipped_unsafe, 0);
  EXPECT_EQ(result.bytes, 22u);
  EXPECT_EQ(ReadFileToString(dir / "out" / "top" / "a.bvh"), "HIERARCHY a");
  EXPECT_EQ(ReadFileToString(dir / "out" / "top" / "sub" / "b.bvh"), "HIERARCHY b");
  EXPECT_FALSE(fs::exists(dir / "out" / "top" / "readme.md"));
}

TEST(Archive, RefusesMembersThatLeaveTheDestination) {
  testing::TempDir dir;
  WriteTarXz(dir / "evil.tar.xz",
             {{"../escape.txt", "x"}, {"ok/../../escape2.txt", "y"}, {"./fine.txt", "z"}});
  fs::create_directories(dir / "out");
  const ArchiveExtraction result = ExtractArchive(dir / "evil.tar.xz", dir / "out");
  EXPECT_EQ(result.skipped_unsafe, 2);
  ASSERT_EQ(result.files.size(), 1u);
  EXPECT_EQ(ReadFileToString(dir / "out" / "fine.txt"), "z");
  EXPECT_FALSE(fs::exists(dir / "escape.txt"));
}

TEST(Archive, TruncatedArchiveIsAnErrorNamingIt) {
  testing::TempDir dir;
  // Incompressible content, so that cutting the file cuts into member data.
  std::string content(200000, '\0');
  uint32_t state = 12345;
  for (char& c : content) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>(state >> 24);
  }
  WriteTarXz(dir / "full.tar.xz", {{"big.bin", content}});
  const std::string bytes = ReadFileToString(dir / "full.tar.xz");
  WriteFileAtomic(dir / "cut.tar.xz", bytes.substr(0, bytes.size() / 2));
  fs::create_directories(dir / "out");
  EXPECT_ERROR_CONTAINS(ExtractArchive(dir / "cut.tar.xz", dir / "out"), {"cut.tar.xz"});
}

TEST(Archive, MissingOrNonArchiveFilesAreErrors) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ExtractArchive(dir / "none.tar.xz", dir.path()),
                        {"none.tar.xz", "no such archive"});
  WriteFileAtomic(dir / "plain.tar.xz", "this is not an archive at all");
  EXPECT_ERROR_CONTAINS(ExtractArchive(dir / "plain.tar.xz", dir.path()), {"plain.tar.xz"});
}

}  // namespace
}  // namespace intersynth
