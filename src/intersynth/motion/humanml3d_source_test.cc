#include "intersynth/motion/humanml3d_source.h"

#include <gtest/gtest.h>

#include "intersynth/io/npy.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// A two-clip corpus in HumanML3D's layout, made from the bundled sample.
void MakeCorpus(const std::filesystem::path& root) {
  std::filesystem::create_directories(root / "new_joints");
  std::filesystem::create_directories(root / "texts");
  const NpyArray joints = ReadNpy(testing::SourceDir() / "assets/humanml3d/012314_joints.npy");
  WriteNpy(root / "new_joints/000001.npy", joints);
  WriteNpy(root / "new_joints/M000001.npy", joints);
  WriteFileAtomic(root / "texts/000001.txt",
                  "a person walks forward.#a/DET person/NOUN walk/VERB forward/ADV#0.0#0.0\n"
                  "someone steps ahead then stops#someone/PRON step/VERB ahead/ADV#1.5#6.0\r\n"
                  "\n");
  WriteFileAtomic(root / "train.txt", "000001\n");
  WriteFileAtomic(root / "test.txt", "M000001\n");
}

TEST(HumanML3DSource, ReadsClipsCaptionsAndSplits) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  EXPECT_EQ(ListHumanML3DClips(dir.path()), (std::vector<std::string>{"000001", "M000001"}));
  const auto splits = ReadHumanML3DSplits(dir.path());
  EXPECT_EQ(splits.at("000001"), "train");
  EXPECT_EQ(splits.at("M000001"), "test");

  const HumanML3DClip clip = ReadHumanML3DClip(dir.path(), "000001");
  EXPECT_EQ(clip.num_frames, 170);
  ASSERT_EQ(clip.captions.size(), 2u);
  EXPECT_EQ(clip.captions[0].text, "a person walks forward.");
  EXPECT_EQ(clip.captions[0].tokens.size(), 4u);
  EXPECT_EQ(clip.captions[0].end_s, 0.0);
  EXPECT_EQ(clip.captions[1].start_s, 1.5);
  EXPECT_EQ(clip.captions[1].end_s, 6.0);
  EXPECT_TRUE(ReadHumanML3DClip(dir.path(), "M000001").captions.empty());  // no texts file
}

TEST(HumanML3DSource, CaptionWithHashKeepsIt) {
  const auto captions = ParseHumanML3DTexts("a #1 hit#a/DET hit/NOUN#nan#nan\n", "t.txt");
  ASSERT_EQ(captions.size(), 1u);
  EXPECT_EQ(captions[0].text, "a #1 hit");
  EXPECT_EQ(captions[0].start_s, 0.0);
}

TEST(HumanML3DSource, MalformedLinesNameFileAndLine) {
  EXPECT_ERROR_CONTAINS(ParseHumanML3DTexts("ok#a/DET#0#0\nno separators here\n", "t.txt"),
                        {"t.txt:2", "caption#tokens#start#end"});
  EXPECT_ERROR_CONTAINS(ParseHumanML3DTexts("walk#walk/VERB#x#0\n", "t.txt"), {"t.txt:1", "'x'"});
  EXPECT_ERROR_CONTAINS(ParseHumanML3DTexts("walk#walk/VERB#3#2\n", "t.txt"), {"t.txt:1", "end"});
  EXPECT_ERROR_CONTAINS(ParseHumanML3DTexts("#a/DET#0#0\n", "t.txt"), {"t.txt:1", "empty caption"});
}

TEST(HumanML3DSource, IdInTwoSplitsIsAnError) {
  testing::TempDir dir;
  MakeCorpus(dir.path());
  WriteFileAtomic(dir / "val.txt", "000001\n");
  EXPECT_ERROR_CONTAINS(ReadHumanML3DSplits(dir.path()), {"val.txt:1", "000001", "train"});
}

TEST(HumanML3DSource, MissingFolderAndWrongShape) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ListHumanML3DClips(dir / "nothing"), {"nothing", "new_joints"});
  std::filesystem::create_directories(dir / "new_joints");
  WriteNpy(dir / "new_joints/bad.npy", NpyArray::Float32({4, 21, 3}, std::vector<float>(252, 0)));
  EXPECT_ERROR_CONTAINS(ReadHumanML3DClip(dir.path(), "bad"), {"bad.npy", "(4, 21, 3)"});
}

TEST(HumanML3DSource, SharedSampleReads) {
  INTERSYNTH_REQUIRE_SHARED_DATA(root, "humanml3d");
  EXPECT_EQ(ListHumanML3DClips(root), std::vector<std::string>{"012314"});
  const HumanML3DClip clip = ReadHumanML3DClip(root, "012314");
  EXPECT_EQ(clip.num_frames, 170);
  EXPECT_TRUE(clip.captions.empty());  // the fixture ships no texts/
}

}  // namespace
}  // namespace intersynth
