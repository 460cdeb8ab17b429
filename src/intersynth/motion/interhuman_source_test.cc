#include "intersynth/motion/interhuman_source.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <limits>

#include "intersynth/io/npy.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {
namespace fs = std::filesystem;

// Motion rows [T, columns] with distinct values: element (t, c) of person p
// is 10 p + t + 0.001 c, so every coordinate of every joint can be traced.
std::vector<float> Rows(int person, int frames, int columns) {
  std::vector<float> rows(static_cast<size_t>(frames) * columns);
  for (int t = 0; t < frames; ++t) {
    for (int c = 0; c < columns; ++c) rows[t * columns + c] = 10.0f * person + t + 0.001f * c;
  }
  return rows;
}

fs::path MotionPath(const fs::path& root, int person, const std::string& id) {
  return root / "motions_processed" / fmt::format("person{}", person) / (id + ".npy");
}

void WriteMotion(const fs::path& root, int person, const std::string& id, const NpyArray& array) {
  fs::create_directories(MotionPath(root, person, id).parent_path());
  WriteNpy(MotionPath(root, person, id), array);
}

// A corpus in InterGen's layout: clip "1" (float32 [3, 492], in train.txt,
// captions with CRLF, a blank line and UTF-8), clip "2" (float64 [2, 66],
// position-only, in test.txt, no captions), clip "3" (person1 only, on the
// ignore list). The last lines of test.txt and ignore_list.txt have no
// newline, which InterGen's loader would skip.
void MakeCorpus(const fs::path& root) {
  std::vector<float> person1 = Rows(1, 3, kInterHumanRowWidth);
  person1[0] = 1.0f;  // frame 0, pelvis at (1, 2, 3) Z up
  person1[1] = 2.0f;
  person1[2] = 3.0f;
  WriteMotion(root, 1, "1", NpyArray::Float32({3, kInterHumanRowWidth}, person1));
  WriteMotion(root, 2, "1",
              NpyArray::Float32({3, kInterHumanRowWidth}, Rows(2, 3, kInterHumanRowWidth)));

  const auto as_double = [](const std::vector<float>& v) {
    return std::vector<double>(v.begin(), v.end());
  };
  WriteMotion(root, 1, "2", NpyArray::Float64({2, 66}, as_double(Rows(1, 2, 66))));
  WriteMotion(root, 2, "2", NpyArray::Float64({2, 66}, as_double(Rows(2, 2, 66))));
  WriteMotion(root, 1, "3", NpyArray::Float32({2, 66}, Rows(1, 2, 66)));

  fs::create_directories(root / "annots");
  WriteFileAtomic(root / "annots/1.txt",
                  "Two people shake hands.\r\n"
                  "\r\n"
                  "  one waves, the other waves back \t\r\n"
                  "na\xC3\xAFve caf\xC3\xA9\n");
  WriteFileAtomic(root / "train.txt", "1\r\n");
  WriteFileAtomic(root / "test.txt", "\n2");
  WriteFileAtomic(root / "ignore_list.txt", "3");
}

TEST(InterHumanSource, ListsClipsWithoutIgnoredOnes) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  // "3" has no person2 file, but being ignored it is not checked.
  EXPECT_EQ(ListInterHumanClips(dir.path()), (std::vector<std::string>{"1", "2"}));
}

TEST(InterHumanSource, SplitsFromTrimmedLinesIncludingUnterminatedLast) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  const std::map<std::string, std::string> expected = {{"1", "train"}, {"2", "test"}};
  EXPECT_EQ(ReadInterHumanSplits(dir.path()), expected);

  testing::TempDir empty;
  EXPECT_TRUE(ReadInterHumanSplits(empty.path()).empty());  // no lists at all
}

TEST(InterHumanSource, ReadsBothPersonsConvertedToYUp) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  const InterHumanClip clip = ReadInterHumanClip(dir.path(), "1");
  EXPECT_EQ(clip.id, "1");
  EXPECT_EQ(clip.num_frames, 3);
  EXPECT_EQ(clip.fps, 30.0f);
  ASSERT_EQ(clip.joints.size(), 2u * 3 * kNumJoints * 3);

  // The known point: (1, 2, 3) Z up is (1, 3, -2) Y up.
  EXPECT_EQ(clip.joints[0], 1.0f);
  EXPECT_EQ(clip.joints[1], 3.0f);
  EXPECT_EQ(clip.joints[2], -2.0f);

  // Every other joint: person p (0 = person1/) frame t joint j is
  // (x, y, z) = file columns 3j .. 3j+2 mapped to (x, z, -y).
  for (int p = 0; p < 2; ++p) {
    const std::vector<float> rows = Rows(p + 1, 3, kInterHumanRowWidth);
    for (int t = 0; t < 3; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        if (p == 0 && t == 0 && j == 0) continue;
        const float* in = rows.data() + t * kInterHumanRowWidth + 3 * j;
        const float* out = clip.joints.data() + ((p * 3 + t) * kNumJoints + j) * 3;
        SCOPED_TRACE(fmt::format("person {} frame {} joint {}", p, t, j));
        EXPECT_EQ(out[0], in[0]);
        EXPECT_EQ(out[1], in[2]);
        EXPECT_EQ(out[2], -in[1]);
      }
    }
  }
}

TEST(InterHumanSource, CaptionsTrimmedBlankLinesSkipped) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  EXPECT_EQ(ReadInterHumanClip(dir.path(), "1").captions,
            (std::vector<std::string>{"Two people shake hands.", "one waves, the other waves back",
                                      "na\xC3\xAFve caf\xC3\xA9"}));
  // A byte-order mark is not part of the first caption.
  WriteFileAtomic(dir / "annots/2.txt", "\xEF\xBB\xBFhug\n");
  EXPECT_EQ(ReadInterHumanClip(dir.path(), "2").captions, std::vector<std::string>{"hug"});
}

TEST(InterHumanSource, Float64PositionOnlyClipWithoutCaptions) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  const InterHumanClip clip = ReadInterHumanClip(dir.path(), "2");
  EXPECT_EQ(clip.num_frames, 2);
  ASSERT_EQ(clip.joints.size(), 2u * 2 * kNumJoints * 3);
  EXPECT_TRUE(clip.captions.empty());
  // Person 1 (person2/), frame 1, joint 21: columns 63..65 of row 1.
  const float* last = clip.joints.data() + ((1 * 2 + 1) * kNumJoints + 21) * 3;
  EXPECT_FLOAT_EQ(last[0], 21.063f);
  EXPECT_FLOAT_EQ(last[1], 21.065f);
  EXPECT_FLOAT_EQ(last[2], -21.064f);
}

TEST(InterHumanSource, MissingPartnerNamesBothPaths) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  WriteMotion(dir.path(), 1, "4", NpyArray::Float32({2, 66}, Rows(1, 2, 66)));
  EXPECT_ERROR_CONTAINS(ListInterHumanClips(dir.path()), {MotionPath(dir.path(), 1, "4").string(),
                                                          MotionPath(dir.path(), 2, "4").string()});
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "4"),
                        {MotionPath(dir.path(), 2, "4").string()});
}

TEST(InterHumanSource, NotAnInterHumanFolder) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ListInterHumanClips(dir.path()),
                        {dir.path().string(), "motions_processed/person1"});
}

TEST(InterHumanSource, MismatchedFrameCountsNameBothFiles) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  WriteMotion(dir.path(), 2, "1", NpyArray::Float32({4, 66}, Rows(2, 4, 66)));
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "1"),
                        {MotionPath(dir.path(), 2, "1").string(), "4 frames",
                         MotionPath(dir.path(), 1, "1").string(), "has 3"});
}

TEST(InterHumanSource, NanNamesFileFrameAndJoint) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  std::vector<float> rows = Rows(2, 3, 66);
  rows[1 * 66 + 3 * 5 + 2] = std::numeric_limits<float>::quiet_NaN();  // frame 1, right_knee z
  WriteMotion(dir.path(), 2, "1", NpyArray::Float32({3, 66}, rows));
  EXPECT_ERROR_CONTAINS(
      ReadInterHumanClip(dir.path(), "1"),
      {MotionPath(dir.path(), 2, "1").string(), "frame 1", "joint 5 (right_knee)"});

  // Values beyond the first 22 joints are not read, so they may be anything.
  rows = Rows(2, 3, 70);
  rows[2 * 70 + 68] = std::numeric_limits<float>::infinity();
  WriteMotion(dir.path(), 2, "1", NpyArray::Float32({3, 70}, rows));
  EXPECT_EQ(ReadInterHumanClip(dir.path(), "1").num_frames, 3);
}

TEST(InterHumanSource, IdInTwoSplitListsIsAnError) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  WriteFileAtomic(dir / "val.txt", "5\n1\n");
  EXPECT_ERROR_CONTAINS(ReadInterHumanSplits(dir.path()), {"val.txt:2", "'1'", "train"});
  // A repeat within one list is harmless.
  WriteFileAtomic(dir / "val.txt", "5\n5\n");
  EXPECT_EQ(ReadInterHumanSplits(dir.path()).at("5"), "val");
}

TEST(InterHumanSource, BadShapeOrDtypeNamesFile) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  const std::string file = MotionPath(dir.path(), 1, "1").string();
  WriteMotion(dir.path(), 1, "1", NpyArray::Float32({3, 65}, Rows(1, 3, 65)));
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "1"), {file, "(3, 65)", "(T, 492)", "66"});
  WriteMotion(dir.path(), 1, "1", NpyArray::Float32({3, 22, 3}, Rows(1, 3, 66)));
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "1"), {file, "(3, 22, 3)"});
  WriteMotion(dir.path(), 1, "1", NpyArray::Float32({0, 492}, {}));
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "1"),
                        {file, "(0, 492)", "at least one frame"});
  WriteMotion(dir.path(), 1, "1", NpyArray::Int32({3, 66}, std::vector<int32_t>(198, 0)));
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "1"), {file, "int32", "float32"});
}

TEST(InterHumanSource, CaptionsThatAreNotUtf8NameFile) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  WriteFileAtomic(dir / "annots/1.txt", "caf\xE9\n");  // Latin-1
  EXPECT_ERROR_CONTAINS(ReadInterHumanClip(dir.path(), "1"), {"1.txt", "UTF-8"});
}

}  // namespace
}  // namespace intersynth
