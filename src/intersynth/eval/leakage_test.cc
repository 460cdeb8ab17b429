#include "intersynth/eval/leakage.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

DatasetEntry Entry(const std::string& id,
                   const std::string& source,
                   const std::string& take,
                   const std::string& source_file,
                   const std::string& split) {
  DatasetEntry entry;
  entry.id = id;
  entry.source = source;
  entry.take = take;
  entry.source_file = source_file;
  entry.split = split;
  return entry;
}

TEST(Leakage, PerformersAreNamedWhereTheSourceNamesThem) {
  EXPECT_EQ(PerformerOf(Entry("a", "hdm05", "HDM_bd_squat1Reps_001_120",
                              "train/HDM_bd_squat1Reps_001_120.amc", "train")),
            "hdm05:bd");
  EXPECT_EQ(PerformerOf(Entry("b", "cmu", "13_14", "13/13_14.bvh", "train")), "cmu:13");
  EXPECT_EQ(PerformerOf(Entry("c", "reactidle", "007_acted", "007_acted.bvh", "train")),
            "reactidle:007");
  EXPECT_EQ(PerformerOf(Entry("d", "bandai", "dataset-1_bow_active_001",
                              "dataset-1_bow_active_001.bvh", "train")),
            "");
  EXPECT_ERROR_CONTAINS(PerformerOf(Entry("e", "hdm05", "x", "weird.amc", "train")), {"weird.amc"});
}

TEST(Leakage, FindsSharedClipsTakesAndPerformersPerNetwork) {
  const std::vector<DatasetEntry> index = {
      // A take cut into two clips that straddle the splits.
      Entry("bandai_take1_00", "bandai", "take1", "take1.bvh", "train"),
      Entry("bandai_take1_01", "bandai", "take1", "take1.bvh", "test"),
      // The same performer in both splits, in different takes.
      Entry("hdm_bd_1", "hdm05", "HDM_bd_squat1Reps_001_120", "HDM_bd_squat1Reps_001_120.amc",
            "train"),
      Entry("hdm_bd_2", "hdm05", "HDM_bd_grabHighR_001_120", "HDM_bd_grabHighR_001_120.amc",
            "test"),
      // A clean test clip.
      Entry("hdm_mm_1", "hdm05", "HDM_mm_squat1Reps_001_120", "HDM_mm_squat1Reps_001_120.amc",
            "test"),
      // The same take name in another source is another take.
      Entry("other_take1", "nuisi", "take1", "take1", "test")};

  const std::vector<LeakageFinding> findings =
      FindLeakage(index, "test",
                  {{"clean", {"hdm_bd_1"}},
                   {"straddling", {"bandai_take1_00", "hdm_bd_1", "not_in_index"}},
                   {"on the split", {"hdm_mm_1"}}});
  ASSERT_EQ(findings.size(), 3u);

  // hdm_bd_1 shares its performer with hdm_bd_2 (a test clip).
  EXPECT_EQ(findings[0].shared_performers, 1);
  EXPECT_EQ(findings[0].shared_takes, 0);
  EXPECT_TRUE(findings[0].leaks());

  EXPECT_EQ(findings[1].known_clips, 2);
  EXPECT_EQ(findings[1].unknown_clips, 1);
  EXPECT_EQ(findings[1].shared_clips, 0);
  EXPECT_EQ(findings[1].shared_takes, 1);
  EXPECT_EQ(findings[1].shared_performers, 1);
  const std::string summary = findings[1].Summary("test", 4);
  EXPECT_NE(summary.find("take take1"), std::string::npos) << summary;
  EXPECT_NE(summary.find("performer hdm05:bd"), std::string::npos) << summary;
  EXPECT_NE(summary.find("1 are not"), std::string::npos) << summary;

  EXPECT_EQ(findings[2].shared_clips, 1);
  EXPECT_EQ(findings[2].shared_takes, 1);
  EXPECT_EQ(findings[2].shared_performers, 1);

  const std::vector<LeakageFinding> none =
      FindLeakage(index, "test", {{"generator", {"bandai_take1_00"}}});
  EXPECT_EQ(none[0].shared_takes, 1);
  const std::vector<LeakageFinding> clean =
      FindLeakage({index[0], index[4]}, "test", {{"generator", {"bandai_take1_00"}}});
  EXPECT_FALSE(clean[0].leaks());
  EXPECT_NE(clean[0].Summary("test", 1).find("0 are training clips"), std::string::npos);
}

}  // namespace
}  // namespace intersynth
