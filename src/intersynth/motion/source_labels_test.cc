#include "intersynth/motion/source_labels.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

using Labels = std::vector<std::string>;

TEST(SourceLabels, BandaiContentAndStyleFromRealNames) {
  // Names from both Bandai archives (samples/ and bandai_namco.tar.xz).
  const SourceLabels wave = ParseBandaiName(
      "Bandai-Namco-Research-Motiondataset-2/data/dataset-2_wave-right-hand_normal_001.bvh");
  EXPECT_EQ(wave.source, "bandai");
  EXPECT_EQ(wave.take, "dataset-2_wave-right-hand_normal_001");
  EXPECT_EQ(wave.labels, Labels({"wave-right-hand", "normal"}));
  EXPECT_EQ(wave.actor, "");
  EXPECT_EQ(wave.split_hint, "");

  EXPECT_EQ(ParseBandaiName("dataset-1_kick_normal_001.bvh").labels, Labels({"kick", "normal"}));
  EXPECT_EQ(ParseBandaiName("dataset-1_walk-right_not-confident_001.bvh").labels,
            Labels({"walk-right", "not-confident"}));
  EXPECT_EQ(ParseBandaiName("/x/dataset-2_raise-up-both-hands_exhausted_011.bvh").labels,
            Labels({"raise-up-both-hands", "exhausted"}));
  EXPECT_EQ(ParseBandaiName("dataset-1_dance-short_normal_001.BVH").labels,
            Labels({"dance-short", "normal"}));
}

TEST(SourceLabels, BandaiBadNamesNameTheFile) {
  // Missing style, wrong prefix, missing id, the JSON annotation beside a BVH,
  // an empty word, an upper-case word.
  for (const std::string name :
       {"dataset-1_walk_001.bvh", "dataset_walk_normal_001.bvh", "dataset-1_walk_normal.bvh",
        "dataset-1_bow_masculinity_001.json", "dataset-1__normal_001.bvh",
        "dataset-1_Walk_normal_001.bvh", "dataset-1_walk-_normal_001.bvh"}) {
    EXPECT_ERROR_CONTAINS(ParseBandaiName("data/" + name), {"data/" + name, "dataset-N_"});
  }
}

TEST(SourceLabels, Hdm05ClassActorAndSplitFromTheFolder) {
  const SourceLabels grab =
      ParseHdm05Name("hdm05_jointlearning/test/3/HDM_mm_grabHighR_018_120.amc");
  EXPECT_EQ(grab.source, "hdm05");
  EXPECT_EQ(grab.take, "HDM_mm_grabHighR_018_120");
  EXPECT_EQ(grab.labels, Labels({"grabHighR"}));
  EXPECT_EQ(grab.actor, "mm");
  EXPECT_EQ(grab.split_hint, "test");

  // An upper-case extension occurs in the real archive.
  const SourceLabels sneak =
      ParseHdm05Name("hdm05_jointlearning/train/9/HDM_bk_sneak2StepsLStart_006_120.AMC");
  EXPECT_EQ(sneak.labels, Labels({"sneak2StepsLStart"}));
  EXPECT_EQ(sneak.actor, "bk");
  EXPECT_EQ(sneak.split_hint, "train");

  EXPECT_EQ(ParseHdm05Name("train/2/HDM_dg_elbowToKnee1RepsLelbowStart_003_120.amc").labels,
            Labels({"elbowToKnee1RepsLelbowStart"}));
  EXPECT_EQ(ParseHdm05Name("test/8/HDM_tr_rotateArmsBothBackward1Reps_015_120.amc").labels,
            Labels({"rotateArmsBothBackward1Reps"}));
}

TEST(SourceLabels, Hdm05SplitFallsBackOnTheActorOutsideTrainOrTestFolders) {
  EXPECT_EQ(ParseHdm05Name("cuts/HDM_bd_squat1Reps_001_120.amc").split_hint, "train");
  EXPECT_EQ(ParseHdm05Name("cuts/HDM_tr_squat1Reps_001_120.amc").split_hint, "test");
  EXPECT_EQ(ParseHdm05Name("HDM_xx_squat1Reps_001_120.amc").split_hint, "");
  // The folder wins over the actor, and the innermost train/test folder counts.
  EXPECT_EQ(ParseHdm05Name("train/HDM_mm_squat1Reps_001_120.amc").split_hint, "train");
  EXPECT_EQ(ParseHdm05Name("test/copy/train/HDM_mm_squat1Reps_001_120.amc").split_hint, "train");
  // A folder merely containing the word does not count.
  EXPECT_EQ(ParseHdm05Name("pretrain/HDM_mm_squat1Reps_001_120.amc").split_hint, "test");
  for (const std::string actor : {"bd", "bk", "dg"}) EXPECT_EQ(Hdm05SplitOfActor(actor), "train");
  for (const std::string actor : {"mm", "tr"}) EXPECT_EQ(Hdm05SplitOfActor(actor), "test");
}

TEST(SourceLabels, Hdm05BadNamesNameTheFile) {
  // The skeleton file, a missing fps, a three-letter actor, a BVH.
  for (const std::string name :
       {"test/3/HDM_mm.asf", "HDM_mm_grabHighR_018.amc", "HDM_mmm_grabHighR_018_120.amc",
        "HDM_mm_grabHighR_018_120.bvh", "hdm_mm_grabHighR_018_120.amc"}) {
    EXPECT_ERROR_CONTAINS(ParseHdm05Name(name), {name, "HDM_{actor}_{class}"});
  }
}

TEST(SourceLabels, ReactIdleActedOrGenuineAndPerformer) {
  const SourceLabels acted = ParseReactIdleName("reactidle/acted/007_acted.bvh");
  EXPECT_EQ(acted.source, "reactidle");
  EXPECT_EQ(acted.take, "007_acted");
  EXPECT_EQ(acted.labels, Labels({"idle", "acted"}));
  EXPECT_EQ(acted.actor, "007");
  const SourceLabels genuine = ParseReactIdleName("reactidle/genuine/000_genuine.bvh");
  EXPECT_EQ(genuine.labels, Labels({"idle", "genuine"}));
  EXPECT_EQ(genuine.actor, "000");
  EXPECT_EQ(genuine.split_hint, "");
}

TEST(SourceLabels, ReactIdleBadNamesNameTheFile) {
  for (const std::string name :
       {"reactidle/README.md", "007_fake.bvh", "acted_007.bvh", "007_acted_2.bvh", "_acted.bvh"}) {
    EXPECT_ERROR_CONTAINS(ParseReactIdleName(name), {name, "_acted.bvh"});
  }
}

TEST(SourceLabels, CmuTrialFromFileName) {
  const CmuTrialId a = ParseCmuName("cmu/13_14.bvh");
  EXPECT_EQ(a.subject, 13);
  EXPECT_EQ(a.trial, 14);
  const CmuTrialId b = ParseCmuName("131_01.bvh");
  EXPECT_EQ(b.subject, 131);
  EXPECT_EQ(b.trial, 1);
  const CmuTrialId c = ParseCmuName("subjects/01/01_09.amc");
  EXPECT_EQ(c.subject, 1);
  EXPECT_EQ(c.trial, 9);
  for (const std::string name : {"cmu/cmu_trials.tsv", "cmu/13-14.bvh", "cmu/13_14_2.bvh",
                                 "cmu/a_14.bvh", "cmu/1234567_1.bvh", "cmu/13_.bvh"}) {
    EXPECT_ERROR_CONTAINS(ParseCmuName(name), {name, "{subject}_{trial}"});
  }
}

TEST(SourceLabels, CmuTrialsTableFromSharedData) {
  INTERSYNTH_REQUIRE_SHARED_DATA(dir, "mocap/cmu");
  const CmuTrialIndex index = LoadCmuTrials((dir / "cmu_trials.tsv").string());
  EXPECT_EQ(index.size(), 2435u);  // 2436 lines, one of them the header
  EXPECT_EQ(index.Find(13, 14), std::optional<std::string>("laugh"));
  EXPECT_EQ(index.Find(131, 1), std::optional<std::string>("Start Walk Stop"));
  EXPECT_EQ(index.Find(18, 1),
            std::optional<std::string>("walk, shake hands (2 subjects - subject A)"));
  ASSERT_NE(index.FindTrial(1, 1), nullptr);
  EXPECT_EQ(index.FindTrial(1, 1)->subject_description,
            "climb, swing, hang on playground equipment");
  EXPECT_EQ(index.Find(999, 1), std::nullopt);
  EXPECT_EQ(index.Find(13, 99), std::nullopt);

  // Every BVH beside the table is listed, and its labels carry the text.
  const SourceLabels labels = ParseCmuLabels((dir / "13_14.bvh").string(), &index);
  EXPECT_EQ(labels.source, "cmu");
  EXPECT_EQ(labels.take, "13_14");
  EXPECT_EQ(labels.labels, Labels({"laugh"}));
  EXPECT_EQ(labels.actor, "13");
  for (const std::string name : {"131_01.bvh", "131_02.bvh", "131_03.bvh", "18_01.bvh"}) {
    EXPECT_EQ(ParseCmuLabels((dir / name).string(), &index).labels.size(), 1u) << name;
  }
}

TEST(SourceLabels, CmuTableColumnsInAnyOrderWithCrlfAndBlankLines) {
  testing::TempDir temp;
  const std::string path = (temp / "trials.tsv").string();
  WriteFileAtomic(path,
                  "description\ttrial\r\n"
                  "walk\t02_01\r\n"
                  "\r\n"
                  "jump, balance\t2_4\r\n");
  const CmuTrialIndex index = LoadCmuTrials(path);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.Find(2, 1), std::optional<std::string>("walk"));
  EXPECT_EQ(index.Find(2, 4), std::optional<std::string>("jump, balance"));
  EXPECT_EQ(index.FindTrial(2, 1)->subject_description, "");
  // Unlisted trials get no labels; a null index too.
  EXPECT_TRUE(ParseCmuLabels("02_02.bvh", &index).labels.empty());
  EXPECT_TRUE(ParseCmuLabels("02_01.bvh", nullptr).labels.empty());
  EXPECT_EQ(ParseCmuLabels("02_01.bvh", &index).labels, Labels({"walk"}));
}

TEST(SourceLabels, CmuTableErrorsNameFileAndLine) {
  testing::TempDir temp;
  const auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = (temp / name).string();
    WriteFileAtomic(path, text);
    return path;
  };
  const std::string header = "trial\tsubject\tdescription\tsubject_description\n";
  const std::string no_header = write("a.tsv", "01_01\t1\twalk\tx\n");
  EXPECT_ERROR_CONTAINS(LoadCmuTrials(no_header), {"a.tsv", "line 1", "'trial'"});
  const std::string bad_trial = write("b.tsv", header + "01_01\t1\twalk\tx\n1-2\t1\trun\tx\n");
  EXPECT_ERROR_CONTAINS(LoadCmuTrials(bad_trial), {"b.tsv", "line 3", "1-2"});
  const std::string mismatch = write("c.tsv", header + "01_01\t2\twalk\tx\n");
  EXPECT_ERROR_CONTAINS(LoadCmuTrials(mismatch), {"c.tsv", "line 2", "subject '2'"});
  const std::string twice = write("d.tsv", header + "01_01\t1\twalk\tx\n1_1\t1\trun\tx\n");
  EXPECT_ERROR_CONTAINS(LoadCmuTrials(twice), {"d.tsv", "line 3", "twice"});
  const std::string short_row = write("e.tsv", header + "01_01\t1\twalk\n");
  EXPECT_ERROR_CONTAINS(LoadCmuTrials(short_row), {"e.tsv", "line 2", "4 tab-separated"});
  const std::string empty = write("f.tsv", "\n\n");
  EXPECT_ERROR_CONTAINS(LoadCmuTrials(empty), {"f.tsv", "header"});
  EXPECT_THROW(LoadCmuTrials((temp / "missing.tsv").string()), Error);
}

TEST(SourceLabels, DispatchBySourceName) {
  EXPECT_EQ(ParseSourceLabels("bandai", "dataset-2_walk_normal_001.bvh").labels,
            Labels({"walk", "normal"}));
  EXPECT_EQ(ParseSourceLabels("hdm05", "HDM_bd_squat1Reps_001_120.amc").actor, "bd");
  EXPECT_EQ(ParseSourceLabels("cmu", "13_14.bvh").actor, "13");
  EXPECT_EQ(ParseSourceLabels("reactidle", "001_acted.bvh").labels[1], "acted");
  EXPECT_ERROR_CONTAINS(ParseSourceLabels("nuisi", "take.csv"),
                        {"take.csv", "'nuisi'", "bandai, hdm05, cmu, reactidle"});
  // A name of another source is an error, not a silent empty label set.
  EXPECT_ERROR_CONTAINS(ParseSourceLabels("bandai", "13_14.bvh"), {"13_14.bvh", "Bandai"});
}

// The lines of a name listing under testdata/source_labels/ (made from the
// shared archives by testdata/scripts/source_labels_names.sh).
std::vector<std::string> NameListing(const std::string& file) {
  const std::string text =
      ReadFileToString(testing::SourceDir() / "testdata" / "source_labels" / file);
  std::vector<std::string> names;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) names.push_back(line);
  }
  return names;
}

TEST(SourceLabels, EveryBandaiContentAndStyleOfTheArchiveParses) {
  // One name per (dataset, content, style). cfg/*_label.txt lists 17 contents
  // and 15 styles for dataset-1 and 10 and 7 for dataset-2; the shared archive
  // has no dance-long file, so dataset-1's files show 16 contents.
  const std::vector<std::string> names = NameListing("bandai_names.txt");
  ASSERT_EQ(names.size(), 226u);
  std::map<std::string, std::set<std::string>> contents, styles;
  for (const std::string& name : names) {
    const SourceLabels labels = ParseBandaiName(name);
    ASSERT_EQ(labels.labels.size(), 2u) << name;
    const std::string dataset = name.substr(0, name.find('_'));
    contents[dataset].insert(labels.labels[0]);
    styles[dataset].insert(labels.labels[1]);
  }
  EXPECT_EQ(contents["dataset-1"].size(), 16u);
  EXPECT_EQ(contents["dataset-1"].count("dance-short"), 1u);
  EXPECT_EQ(styles["dataset-1"].size(), 15u);
  // Dataset-2's README lists raise-up-right-hand twice and omits
  // raise-up-left-hand; the files have all 10 contents of cfg/content_label.txt.
  EXPECT_EQ(contents["dataset-2"].size(), 10u);
  EXPECT_EQ(styles["dataset-2"].size(), 7u);
  EXPECT_EQ(contents["dataset-2"].count("raise-up-left-hand"), 1u);
}

TEST(SourceLabels, EveryHdm05FileOfTheArchiveParsesAndItsFolderSplitMatchesItsActor) {
  const std::vector<std::string> names = NameListing("hdm05_names.txt");
  ASSERT_EQ(names.size(), 288u);
  std::set<std::string> classes;
  std::map<std::string, int> split_counts;
  for (const std::string& name : names) {
    const SourceLabels labels = ParseHdm05Name(name);
    classes.insert(labels.labels.at(0));
    ++split_counts[labels.split_hint];
    // The folder split agrees with the actor split in the shared copy.
    EXPECT_EQ(labels.split_hint, Hdm05SplitOfActor(labels.actor)) << name;
  }
  EXPECT_EQ(classes.size(), 11u);
  EXPECT_EQ(split_counts["train"] + split_counts["test"], 288);
  EXPECT_GT(split_counts["test"], 0);
}

TEST(SourceLabels, EveryReactIdleFileOfTheArchiveParses) {
  const std::vector<std::string> names = NameListing("reactidle_names.txt");
  ASSERT_EQ(names.size(), 22u);
  std::map<std::string, int> kinds;
  for (const std::string& name : names) {
    const SourceLabels labels = ParseReactIdleName(name);
    ++kinds[labels.labels.at(1)];
    // The folder is the kind: reactidle/acted/NNN_acted.bvh.
    EXPECT_NE(name.find("/" + labels.labels[1] + "/"), std::string::npos) << name;
  }
  EXPECT_EQ(kinds["acted"], 12);
  EXPECT_EQ(kinds["genuine"], 10);
}

}  // namespace
}  // namespace intersynth
