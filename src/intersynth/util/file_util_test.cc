#include "intersynth/util/file_util.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

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

TEST(FileUtil, LowerExtension) {
  EXPECT_EQ(LowerExtension("a/b.NPZ"), "npz");
  EXPECT_EQ(LowerExtension("a/b"), "");
}

}  // namespace
}  // namespace intersynth
