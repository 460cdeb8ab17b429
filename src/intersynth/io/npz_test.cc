#include "intersynth/io/npz.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zip.h>

#include <chrono>
#include <limits>
#include <thread>

#include "intersynth/io/npy_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

// A zip with arbitrary members, written with libzip directly (stored).
void WriteRawZip(const fs::path& path,
                 const std::vector<std::pair<std::string, std::string>>& members) {
  int code = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  ASSERT_NE(zip, nullptr);
  for (const auto& [name, bytes] : members) {
    zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
    const zip_int64_t index = zip_file_add(zip, name.c_str(), source, 0);
    ASSERT_GE(index, 0);
    zip_set_file_compression(zip, index, ZIP_CM_STORE, 0);
  }
  ASSERT_EQ(zip_close(zip), 0);
}

// Member names and compression methods of a zip file.
std::vector<std::pair<std::string, int>> ZipMembers(const fs::path& path) {
  int code = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &code);
  std::vector<std::pair<std::string, int>> members;
  if (zip == nullptr) return members;
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    zip_stat_t stat;
    zip_stat_index(zip, i, 0, &stat);
    members.emplace_back(stat.name, stat.comp_method);
  }
  zip_discard(zip);
  return members;
}

// Every dtype, a 0-d scalar, an empty array and non-ASCII text.
NpzArchive EveryDTypeArchive() {
  NpzArchive archive;
  archive["f4"] = NpyArray::Float32({2, 3}, {0.5f, -1.25f, 3e-8f, 1e30f, -0.0f, 7.0f});
  archive["f8"] = NpyArray::Float64({2}, {1.0 / 3.0, -2.0});
  archive["i4"] = NpyArray::Int32({1, 2}, {std::numeric_limits<int32_t>::min(), 9});
  archive["i8"] = NpyArray::Int64({2}, {-1, std::numeric_limits<int64_t>::max()});
  archive["u1"] = NpyArray::UInt8({3}, {0, 128, 255});
  archive["b1"] = NpyArray::Bool({2, 2}, {true, false, false, true});
  archive["fps"] = NpyArray::ScalarFloat32(20.0f);
  archive["empty"] = NpyArray::Float32({0, 3}, {});
  archive["text"] = NpyArray::Unicode({3}, {"a person walks", "Ångström läuft", "🙂"});
  archive["label"] = NpyArray::Unicode({}, {"fall"});
  return archive;
}

TEST(Npz, RoundTripCompressedAndStored) {
  testing::TempDir dir;
  const NpzArchive archive = EveryDTypeArchive();
  for (bool compress : {true, false}) {
    SCOPED_TRACE(compress ? "compressed" : "stored");
    const fs::path path = dir / (compress ? "deflated.npz" : "stored.npz");
    NpzWriteOptions options;
    options.compress = compress;
    WriteNpz(path, archive, options);
    EXPECT_TRUE(ReadNpz(path) == archive);
    // Members are "<key>.npy", each with the requested method.
    const auto members = ZipMembers(path);
    ASSERT_EQ(members.size(), archive.size());
    for (const auto& [name, method] : members) {
      EXPECT_EQ(name.substr(name.size() - 4), ".npy");
      EXPECT_EQ(archive.count(name.substr(0, name.size() - 4)), 1u) << name;
      EXPECT_EQ(method, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE) << name;
    }
  }
  // Only the two archives: no temporary files left beside them.
  EXPECT_EQ(testing::CountEntries(dir.path()), 2);
}

TEST(Npz, EmptyArchiveRoundTrip) {
  testing::TempDir dir;
  WriteNpz(dir / "empty.npz", {});
  EXPECT_EQ(fs::file_size(dir / "empty.npz"), 22u);
  EXPECT_TRUE(ReadNpz(dir / "empty.npz").empty());
}

TEST(Npz, OverwritesAnExistingArchive) {
  testing::TempDir dir;
  WriteNpz(dir / "a.npz", EveryDTypeArchive());
  const NpzArchive small{{"x", NpyArray::Int64({1}, {3})}};
  WriteNpz(dir / "a.npz", small);
  EXPECT_TRUE(ReadNpz(dir / "a.npz") == small);
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);
}

TEST(Npz, SameArraysGiveTheSameBytesWhenever) {
  // Member times are fixed, so an archive written later is byte-identical.
  testing::TempDir dir;
  NpzArchive archive;
  archive["a"] = NpyArray::Float32({2, 3}, {1, 2, 3, 4, 5, 6});
  WriteNpz(dir / "first.npz", archive);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past a DOS time step (2 s)
  WriteNpz(dir / "second.npz", archive);
  EXPECT_EQ(ReadFileToString(dir / "first.npz"), ReadFileToString(dir / "second.npz"));
}

TEST(Npz, NonNpyMembersAreIgnored) {
  testing::TempDir dir;
  const NpyArray fps = NpyArray::ScalarFloat32(30.0f);
  WriteRawZip(dir / "mixed.npz", {{"readme.txt", "hello"}, {"fps.npy", SerializeNpy(fps)}});
  const NpzArchive archive = ReadNpz(dir / "mixed.npz");
  ASSERT_EQ(archive.size(), 1u);
  EXPECT_TRUE(archive.at("fps") == fps);
}

// ---------------------------------------------------------------------------
// Bad input: errors name the archive (and the member).

TEST(NpzBadFile, MissingFileOrDirectory) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ReadNpz(dir / "clip.npz"), {"clip.npz", "no such file"});
  EXPECT_ERROR_CONTAINS(ReadNpz(dir.path()), {dir.path().string(), "is a directory"});
}

TEST(NpzBadFile, NotAZipArchive) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "clip.npz", "this is not a zip file, just text that is long enough");
  EXPECT_ERROR_CONTAINS(ReadNpz(dir / "clip.npz"), {"clip.npz", "zip", "Not a zip archive"});
  // A real archive cut in half loses its central directory.
  WriteNpz(dir / "cut.npz", EveryDTypeArchive());
  const std::string bytes = ReadFileToString(dir / "cut.npz");
  WriteFileAtomic(dir / "cut.npz", bytes.substr(0, bytes.size() / 2));
  EXPECT_ERROR_CONTAINS(ReadNpz(dir / "cut.npz"), {"cut.npz", "zip"});
}

TEST(NpzBadFile, CorruptMemberFailsItsCrc) {
  testing::TempDir dir;
  const NpyArray joints = NpyArray::Float32({16}, std::vector<float>(16, 1.0f));
  NpzWriteOptions stored;
  stored.compress = false;
  WriteNpz(dir / "clip.npz", {{"joints", joints}}, stored);
  // Flip the last payload byte of the stored member.
  std::string bytes = ReadFileToString(dir / "clip.npz");
  const size_t start = bytes.find("\x93NUMPY");
  ASSERT_NE(start, std::string::npos);
  bytes[start + SerializeNpy(joints).size() - 1] ^= 0x55;
  WriteFileAtomic(dir / "clip.npz", bytes);
  EXPECT_ERROR_CONTAINS(ReadNpz(dir / "clip.npz"), {"clip.npz:joints.npy", "corrupt member"});
}

TEST(NpzBadFile, MemberThatIsNotNpy) {
  testing::TempDir dir;
  WriteRawZip(dir / "clip.npz", {{"joints.npy", "garbage"}});
  EXPECT_ERROR_CONTAINS(ReadNpz(dir / "clip.npz"), {"clip.npz:joints.npy", "not an npy file"});
}

TEST(NpzBadFile, MemberWithUnsupportedDType) {
  testing::TempDir dir;
  std::string npy = SerializeNpy(NpyArray::Int64({2}, {1, 2}));
  npy.replace(npy.find("'<i8'"), 5, "'|O' ");
  WriteRawZip(dir / "clip.npz", {{"objects.npy", npy}});
  EXPECT_ERROR_CONTAINS(ReadNpz(dir / "clip.npz"),
                        {"clip.npz:objects.npy", "unsupported dtype", "'|O'"});
}

TEST(NpzBadFile, FailedWritesLeaveNoFile) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(WriteNpz(dir / "missing" / "clip.npz", EveryDTypeArchive()),
                        {"clip.npz", "does not exist"});
  EXPECT_ERROR_CONTAINS(WriteNpz(dir / "missing" / "empty.npz", {}), {"empty.npz"});
  // A member that cannot be serialised: nothing is written at all.
  NpzArchive bad = EveryDTypeArchive();
  bad["text"] = NpyArray::Unicode({2}, {"ok", "\xFF"});
  EXPECT_ERROR_CONTAINS(WriteNpz(dir / "clip.npz", bad),
                        {"clip.npz:text.npy", "element 1", "not valid UTF-8"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
  // A failed write over an existing archive leaves it as it was.
  const NpzArchive good{{"fps", NpyArray::ScalarFloat32(20.0f)}};
  WriteNpz(dir / "clip.npz", good);
  EXPECT_THROW(WriteNpz(dir / "clip.npz", bad), Error);
  EXPECT_TRUE(ReadNpz(dir / "clip.npz") == good);
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);
}

// ---------------------------------------------------------------------------
// Require helpers.

TEST(NpzRequire, MissingKeyListsTheKeys) {
  const NpzArchive clip{{"fps", NpyArray::ScalarFloat32(20.0f)},
                        {"text", NpyArray::Unicode({1}, {"walk"})}};
  EXPECT_EQ(&NpzRequire(clip, "fps", "clip.npz"), &clip.at("fps"));
  EXPECT_ERROR_CONTAINS(NpzRequire(clip, "joints", "data/clip.npz"),
                        {"data/clip.npz: missing key 'joints' (has: fps, text)"});
  EXPECT_ERROR_CONTAINS(NpzRequire({}, "joints", "clip.npz"),
                        {"missing key 'joints' (has: no arrays)"});
}

TEST(NpzRequire, DTypeMismatchNamesBoth) {
  const NpyArray joints = NpyArray::Int64({1}, {0});
  NpzRequireDType(joints, NpyDType::kInt64, "joints", "clip.npz");
  EXPECT_ERROR_CONTAINS(NpzRequireDType(joints, NpyDType::kFloat32, "joints", "clip.npz"),
                        {"clip.npz: key 'joints' has dtype int64, expected float32"});
  EXPECT_ERROR_CONTAINS(NpzRequireDType(joints, NpyDType::kUnicode, "text", "clip.npz"),
                        {"key 'text' has dtype int64, expected <U"});
}

TEST(NpzRequire, ShapePatternWithWildcards) {
  const NpyArray joints = NpyArray::Float32({2, 5, 22, 3}, std::vector<float>(2 * 5 * 22 * 3));
  NpzRequireShape(joints, {-1, -1, 22, 3}, "joints", "clip.npz");
  NpzRequireShape(joints, {2, 5, 22, 3}, "joints", "clip.npz");
  EXPECT_ERROR_CONTAINS(NpzRequireShape(joints, {-1, -1, 24, 3}, "joints", "clip.npz"),
                        {"clip.npz: key 'joints' has shape (2, 5, 22, 3), expected (*, *, 24, 3)"});
  // Rank mismatch, and the 0-d / 1-d spellings.
  EXPECT_ERROR_CONTAINS(NpzRequireShape(joints, {-1, 66}, "joints", "clip.npz"),
                        {"has shape (2, 5, 22, 3), expected (*, 66)"});
  EXPECT_ERROR_CONTAINS(NpzRequireShape(NpyArray::ScalarFloat32(1), {-1}, "fps", "clip.npz"),
                        {"key 'fps' has shape (), expected (*,)"});
  NpzRequireShape(NpyArray::ScalarFloat32(1), {}, "fps", "clip.npz");
}

// ---------------------------------------------------------------------------
// NumPy interoperability.

// The clip of the interop tests: joints (2, 4, 3) = 0, 1/8, ..., 23/8, a
// float32 fps scalar, `texts` and a (1, 4) bool mask.
NpzArchive NumpyClip(const std::vector<std::string>& texts) {
  std::vector<float> joints(24);
  for (int i = 0; i < 24; ++i) joints[i] = i / 8.0f;
  return {
      {"joints", NpyArray::Float32({2, 4, 3}, joints)},
      {"fps", NpyArray::ScalarFloat32(20.0f)},
      {"text", NpyArray::Unicode({3}, texts)},
      {"valid", NpyArray::Bool({1, 4}, {true, false, true, true})},
  };
}

// The archives npy_make_fixtures.py writes with np.savez / np.savez_compressed.
void ExpectNumpyArchives(const fs::path& dir) {
  const NpzArchive expected = NumpyClip({"a person walks", "Ängste", "🙂"});
  for (const std::string name : {"clip_stored.npz", "clip_compressed.npz"}) {
    SCOPED_TRACE(name);
    const NpzArchive archive = ReadNpz(dir / name);
    EXPECT_TRUE(archive == expected);
    EXPECT_THAT(ZipMembers(dir / name),
                ::testing::Each(::testing::Pair(
                    ::testing::_, name == "clip_stored.npz" ? ZIP_CM_STORE : ZIP_CM_DEFLATE)));
  }
  EXPECT_TRUE(ReadNpz(dir / "empty.npz").empty());
}

TEST(Npz, ReadsNumpyMadeFixtures) { ExpectNumpyArchives(testing::NumpyFixtureDir()); }

TEST(NpzNumpy, NumpyWritesIntersynthReads) {
  INTERSYNTH_REQUIRE_NUMPY(python);
  testing::TempDir dir;
  ASSERT_TRUE(testing::RunNumpyScript(python, "npy_make_fixtures.py", dir.path()));
  ExpectNumpyArchives(dir.path());
}

TEST(NpzNumpy, NumpyReadsIntersynthArchives) {
  INTERSYNTH_REQUIRE_NUMPY(python);
  testing::TempDir dir;
  // The clip npy_check_written.py expects.
  NpzArchive clip = NumpyClip({"a person walks", "Ångström läuft", "🙂 wave"});
  clip["frame"] = NpyArray::Int64({4}, {0, 1, 2, 3});
  NpzWriteOptions stored;
  stored.compress = false;
  WriteNpz(dir / "clip_compressed.npz", clip);
  WriteNpz(dir / "clip_stored.npz", clip, stored);
  EXPECT_TRUE(testing::RunNumpyScript(python, "npy_check_written.py", dir.path()));
}

TEST(NpzWriteOptions, CheckAcceptsEveryValue) {
  EXPECT_NO_THROW(NpzWriteOptions{}.Check());
  EXPECT_NO_THROW(NpzWriteOptions{.compress = false}.Check());
}

}  // namespace
}  // namespace intersynth
