#include "intersynth/util/file_util.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

TEST(FileUtil, WriteAtomicThenRead) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "a.txt", "hello");
  EXPECT_EQ(ReadFileToString(dir / "a.txt"), "hello");
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // no temp file left
}

TEST(FileUtil, ReadMissingFileNamesIt) {
  try {
    ReadFileToString("/nonexistent/x.bvh");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.bvh"), std::string::npos);
  }
}

TEST(FileUtil, ReadDirectoryIsAnError) {
  testing::TempDir dir;
  EXPECT_THROW(ReadFileToString(dir.path()), Error);
}

TEST(AtomicFileWriter, UncommittedLeavesNothing) {
  testing::TempDir dir;
  {
    AtomicFileWriter writer(dir / "out.npz");
    WriteFileAtomic(writer.temp_path(), "partial");  // content, never committed
  }
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(AtomicFileWriter, CommitReplacesExisting) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "out.txt", "old");
  WriteFileAtomic(dir / "out.txt", "new");
  EXPECT_EQ(ReadFileToString(dir / "out.txt"), "new");
}

TEST(AtomicFileWriter, MissingFolderIsAnError) {
  EXPECT_THROW(WriteFileAtomic("/nonexistent-folder/out.txt", "x"), Error);
}

TEST(ScratchFolder, RemovedWithItsContent) {
  std::filesystem::path kept;
  {
    ScratchFolder scratch("intersynth-test");
    kept = scratch.path();
    ASSERT_TRUE(std::filesystem::is_directory(kept));
    std::filesystem::create_directories(kept / "a" / "b");
    WriteFileAtomic(kept / "a" / "b" / "c.txt", "x");
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(AtomicFolderWriter, UncommittedLeavesNothing) {
  testing::TempDir dir;
  {
    AtomicFolderWriter writer(dir / "dataset", /*overwrite=*/false);
    WriteFileAtomic(writer.temp_path() / "index.jsonl", "{}");
  }
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(AtomicFolderWriter, CommitMovesTheFolderIntoPlace) {
  testing::TempDir dir;
  AtomicFolderWriter writer(dir / "dataset", /*overwrite=*/false);
  WriteFileAtomic(writer.temp_path() / "index.jsonl", "new");
  EXPECT_FALSE(std::filesystem::exists(dir / "dataset"));
  writer.Commit();
  EXPECT_EQ(ReadFileToString(dir / "dataset" / "index.jsonl"), "new");
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);
}

TEST(AtomicFolderWriter, ExistingFolderNeedsOverwrite) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "dataset");
  WriteFileAtomic(dir / "dataset" / "old.txt", "old");
  EXPECT_ERROR_CONTAINS(AtomicFolderWriter(dir / "dataset", false),
                        {"dataset", "already exists (pass overwrite to replace it)"});
  // The field the CLI shows as its flag (--overwrite).
  try {
    AtomicFolderWriter(dir / "dataset", false);
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"overwrite"});
  }
  AtomicFolderWriter writer(dir / "dataset", /*overwrite=*/true);
  WriteFileAtomic(writer.temp_path() / "new.txt", "new");
  writer.Commit();
  EXPECT_FALSE(std::filesystem::exists(dir / "dataset" / "old.txt"));
  EXPECT_EQ(ReadFileToString(dir / "dataset" / "new.txt"), "new");
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // the old folder is gone too
}

TEST(AtomicFolderWriter, MissingParentIsAnError) {
  EXPECT_ERROR_CONTAINS(AtomicFolderWriter("/nonexistent-folder/dataset", false),
                        {"/nonexistent-folder", "does not exist"});
}

TEST(FileUtil, LowerExtension) {
  EXPECT_EQ(LowerExtension("a/b.NPZ"), "npz");
  EXPECT_EQ(LowerExtension("a/b"), "");
}

}  // namespace
}  // namespace intersynth
