#include "intersynth/io/ply.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

PlyPointCloud ThreePoints(bool colour) {
  PlyPointCloud cloud;
  cloud.xyz = {0.0f, 1.5f, -2.25f, 1e-3f, -7.0f, 3.0f, 100.125f, 0.0f, 0.5f};
  if (colour) cloud.rgb = {255, 0, 10, 1, 2, 3, 128, 64, 32};
  return cloud;
}

TEST(Ply, BinaryRoundTripWithColours) {
  testing::TempDir dir;
  const PlyPointCloud cloud = ThreePoints(true);
  WritePly(dir / "a.ply", cloud, {false, "frame: world"});
  const PlyPointCloud back = ReadPly(dir / "a.ply");
  EXPECT_EQ(back.xyz, cloud.xyz);
  EXPECT_EQ(back.rgb, cloud.rgb);
  // 3 points of 15 bytes after the header.
  const std::string bytes = ReadFileToString(dir / "a.ply");
  EXPECT_EQ(bytes.size() - (bytes.find("end_header\n") + 11), 45u);
  EXPECT_NE(bytes.find("comment frame: world"), std::string::npos);
}

TEST(Ply, AsciiRoundTripWithoutColours) {
  testing::TempDir dir;
  const PlyPointCloud cloud = ThreePoints(false);
  WritePly(dir / "a.ply", cloud, {true, ""});
  const PlyPointCloud back = ReadPly(dir / "a.ply");
  EXPECT_EQ(back.xyz, cloud.xyz);
  EXPECT_TRUE(back.rgb.empty());
}

TEST(Ply, EmptyCloud) {
  testing::TempDir dir;
  WritePly(dir / "e.ply", PlyPointCloud{});
  EXPECT_EQ(ReadPly(dir / "e.ply").size(), 0);
}

TEST(Ply, ReadsDoublesSkipsOtherPropertiesAndIgnoresFaces) {
  testing::TempDir dir;
  WriteFileAtomic(
      dir / "m.ply",
      "ply\nformat ascii 1.0\ncomment made by hand\nelement vertex 2\nproperty double x\n"
      "property float nx\nproperty double y\nproperty double z\nproperty uchar red\n"
      "property uchar green\nproperty uchar blue\nelement face 1\n"
      "property list uchar int vertex_indices\nend_header\n"
      "1 0 2 3 10 20 30\n4 0 5 6 40 50 60\n3 0 1 1\n");
  const PlyPointCloud cloud = ReadPly(dir / "m.ply");
  EXPECT_EQ(cloud.xyz, (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(cloud.rgb, (std::vector<uint8_t>{10, 20, 30, 40, 50, 60}));
}

TEST(Ply, BadFilesAreNamed) {
  testing::TempDir dir;
  const std::string not_ply = (dir / "x.ply").string();
  WriteFileAtomic(not_ply, "solid ascii stl\n");
  EXPECT_ERROR_CONTAINS(ReadPly(not_ply), {not_ply, "not a PLY"});

  const std::string big_endian = (dir / "b.ply").string();
  WriteFileAtomic(
      big_endian,
      "ply\nformat binary_big_endian 1.0\nelement vertex 0\nproperty float x\nend_header\n");
  EXPECT_ERROR_CONTAINS(ReadPly(big_endian), {big_endian, "binary_big_endian"});

  const std::string truncated = (dir / "t.ply").string();
  WriteFileAtomic(
      truncated,
      "ply\nformat binary_little_endian 1.0\nelement vertex 2\nproperty float x\nproperty float y\n"
      "property float z\nend_header\n0123456789ab");
  EXPECT_ERROR_CONTAINS(ReadPly(truncated), {truncated, "truncated", "24 bytes"});

  const std::string no_z = (dir / "z.ply").string();
  WriteFileAtomic(no_z,
                  "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float "
                  "y\nend_header\n1 2\n");
  EXPECT_ERROR_CONTAINS(ReadPly(no_z), {no_z, "x, y or z"});

  EXPECT_ERROR_CONTAINS(ReadPly(dir / "missing.ply"), {"missing.ply"});
}

TEST(PlyWriteOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(PlyWriteOptions{}.Check());
  PlyWriteOptions options;
  options.comment = "two\nlines";
  try {
    options.Check();
    ADD_FAILURE() << "a comment with a line break was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"comment"});
  }
}

}  // namespace
}  // namespace intersynth
