#include "intersynth/motion/label_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

using Texts = std::vector<std::string>;

// The labels of every name in testdata/source_labels/<source>_names.txt,
// parsed with the real parsers.
std::vector<SourceLabels> LabelsOfListing(const std::string& source) {
  const std::string text = ReadFileToString(testing::SourceDir() / "testdata" / "source_labels" /
                                            (source + "_names.txt"));
  std::vector<SourceLabels> all;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) all.push_back(ParseSourceLabels(source, line));
  }
  return all;
}

SourceLabels Make(const std::string& source, std::vector<std::string> labels) {
  SourceLabels result;
  result.source = source;
  result.take = "take_001";
  result.labels = std::move(labels);
  return result;
}

// Caption form shared by all sources: non-empty, lower-case start, no final
// period, no leading/trailing/double spaces, and no raw label token (no '_',
// no '-', so "wave-right-hand" or "not-confident" cannot leak through, and no
// camel-case label such as "grabHighR" word-for-word).
void ExpectCaptions(const SourceLabels& labels, const Texts& texts, int max_texts) {
  SCOPED_TRACE(labels.take);
  ASSERT_GE(texts.size(), 1u);
  EXPECT_LE(static_cast<int>(texts.size()), max_texts);
  EXPECT_EQ(std::set<std::string>(texts.begin(), texts.end()).size(), texts.size())
      << "texts are not distinct";
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    ASSERT_FALSE(text.empty());
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(text.front())));
    EXPECT_NE(text.back(), '.');
    EXPECT_NE(text.back(), ' ');
    EXPECT_EQ(text.find("  "), std::string::npos);
    EXPECT_EQ(text.find('_'), std::string::npos);
    EXPECT_EQ(text.find('-'), std::string::npos);
    for (const std::string& label : labels.labels) {
      const bool camel_case =
          std::any_of(label.begin(), label.end(), [](unsigned char c) { return std::isupper(c); });
      if (camel_case) {
        EXPECT_EQ(text.find(label), std::string::npos) << label;
      }
    }
  }
}

TEST(LabelText, EveryBandaiContentAndStyleOfTheListingIsDescribed) {
  const std::vector<SourceLabels> all = LabelsOfListing("bandai");
  ASSERT_GT(all.size(), 100u);
  std::set<std::string> contents, styles;
  for (const SourceLabels& labels : all) {
    contents.insert(labels.labels[0]);
    styles.insert(labels.labels[1]);
    ExpectCaptions(labels, DescribeLabels(labels), 3);
    EXPECT_EQ(DescribeLabels(labels).size(), 3u);
  }
  // The tables hold exactly the labels of the archive: no typo'd, unused key.
  const std::vector<std::string> known_contents = KnownLabels("bandai", "content");
  const std::vector<std::string> known_styles = KnownLabels("bandai", "style");
  EXPECT_EQ(contents, std::set<std::string>(known_contents.begin(), known_contents.end()));
  EXPECT_EQ(styles, std::set<std::string>(known_styles.begin(), known_styles.end()));
}

TEST(LabelText, EveryHdm05ClassOfTheListingIsDescribed) {
  const std::vector<SourceLabels> all = LabelsOfListing("hdm05");
  ASSERT_GT(all.size(), 100u);
  std::set<std::string> classes;
  for (const SourceLabels& labels : all) {
    classes.insert(labels.labels[0]);
    ExpectCaptions(labels, DescribeLabels(labels), 3);
    EXPECT_EQ(DescribeLabels(labels).size(), 3u);
  }
  const std::vector<std::string> known = KnownLabels("hdm05", "class");
  EXPECT_EQ(classes, std::set<std::string>(known.begin(), known.end()));
  EXPECT_EQ(classes.size(), 11u);
}

TEST(LabelText, EveryReactIdleTakeOfTheListingIsDescribedAndModesDiffer) {
  const std::vector<SourceLabels> all = LabelsOfListing("reactidle");
  ASSERT_EQ(all.size(), 22u);
  std::set<std::string> acted_texts, genuine_texts;
  for (const SourceLabels& labels : all) {
    const Texts texts = DescribeLabels(labels);
    ExpectCaptions(labels, texts, 3);
    (labels.labels[1] == "acted" ? acted_texts : genuine_texts).insert(texts.begin(), texts.end());
  }
  ASSERT_FALSE(acted_texts.empty());
  ASSERT_FALSE(genuine_texts.empty());
  // An acted take never reads like a genuine one.
  for (const std::string& text : acted_texts) EXPECT_EQ(genuine_texts.count(text), 0u) << text;
}

TEST(LabelText, ExamplePhrasingsFromTheIssue) {
  const Texts turn = DescribeLabels(Make("bandai", {"walk-turn-left", "exhausted"}));
  EXPECT_EQ(turn, Texts({"a person walks while turning left, looking exhausted",
                         "someone turns left as they walk, worn out",
                         "the person walks while turning left, looking exhausted"}));
  // "normal" adds nothing.
  EXPECT_EQ(DescribeLabels(Make("bandai", {"walk", "normal"}), 1), Texts({"a person walks"}));
  EXPECT_EQ(DescribeLabels(Make("hdm05", {"grabHighR"}), 1),
            Texts({"a person grabs something from a high shelf with the right hand"}));
  EXPECT_EQ(DescribeLabels(Make("reactidle", {"idle", "genuine"}), 1),
            Texts({"a person stands idle, waiting naturally"}));
}

TEST(LabelText, DeterministicAndShorterListsArePrefixes) {
  for (const std::string source : {"bandai", "hdm05", "reactidle"}) {
    for (const SourceLabels& labels : LabelsOfListing(source)) {
      const Texts many = DescribeLabels(labels, 20);
      EXPECT_EQ(DescribeLabels(labels, 20), many);
      for (int n = 1; n <= 4; ++n) {
        const Texts few = DescribeLabels(labels, n);
        ASSERT_LE(few.size(), many.size());
        EXPECT_TRUE(std::equal(few.begin(), few.end(), many.begin())) << labels.take << " n=" << n;
      }
    }
  }
}

TEST(LabelText, MaxTextsIsRespectedAndFilledWhenPhrasingsAllow) {
  // 3 subjects x 2 content phrasings x 2 style phrasings = 12 combinations;
  // "normal" has one (empty) style suffix: 6.
  const SourceLabels tired = Make("bandai", {"run", "tired"});
  const SourceLabels normal = Make("bandai", {"run", "normal"});
  for (int n = 1; n <= 15; ++n) {
    const Texts t = DescribeLabels(tired, n);
    EXPECT_EQ(static_cast<int>(t.size()), std::min(n, 12)) << n;
    ExpectCaptions(tired, t, n);
    EXPECT_EQ(static_cast<int>(DescribeLabels(normal, n).size()), std::min(n, 6)) << n;
  }
  // Every combination shows up once the limit is high enough.
  const Texts all = DescribeLabels(tired, 100);
  const std::set<std::string> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), 12u);
  EXPECT_EQ(unique.count("the person runs forward, tired"), 1u);
}

TEST(LabelText, CmuDescriptionIsUsedTrimmedAsTheOnlyText) {
  EXPECT_EQ(DescribeLabels(Make("cmu", {"  playground - forward jumps, turn around\t\r\n"})),
            Texts({"playground - forward jumps, turn around"}));
  EXPECT_EQ(DescribeLabels(Make("cmu", {"laugh"}), 1), Texts({"laugh"}));
}

// The message names the source, the take and the offending label.
void ExpectErrorNaming(const SourceLabels& labels, const std::vector<std::string>& words) {
  try {
    DescribeLabels(labels);
    ADD_FAILURE() << "no Error for " << labels.source << " " << labels.take;
  } catch (const Error& error) {
    const std::string message = error.what();
    for (const std::string& word : words) {
      EXPECT_NE(message.find(word), std::string::npos) << "'" << word << "' not in: " << message;
    }
  }
}

TEST(LabelText, UnknownLabelsThrowNamingLabelAndSource) {
  ExpectErrorNaming(Make("bandai", {"moonwalk", "normal"}), {"bandai", "take_001", "moonwalk"});
  ExpectErrorNaming(Make("bandai", {"walk", "sleepy"}), {"bandai", "take_001", "sleepy"});
  ExpectErrorNaming(Make("hdm05", {"cartwheelLHandStart1Reps"}),
                    {"hdm05", "take_001", "cartwheelLHandStart1Reps"});
  ExpectErrorNaming(Make("reactidle", {"idle", "faked"}), {"reactidle", "take_001", "faked"});
  ExpectErrorNaming(Make("reactidle", {"dance", "acted"}), {"reactidle", "take_001", "dance"});
  ExpectErrorNaming(Make("kit", {"walk"}), {"kit", "take_001"});
  // A label must match exactly: case and separators matter.
  ExpectErrorNaming(Make("bandai", {"Walk", "normal"}), {"bandai", "Walk"});
  ExpectErrorNaming(Make("hdm05", {"grabhighr"}), {"hdm05", "grabhighr"});
}

TEST(LabelText, WrongLabelCountOrMissingCmuDescriptionThrows) {
  ExpectErrorNaming(Make("bandai", {"walk"}), {"bandai", "take_001"});
  ExpectErrorNaming(Make("hdm05", {}), {"hdm05", "take_001"});
  ExpectErrorNaming(Make("reactidle", {"idle"}), {"reactidle", "take_001"});
  ExpectErrorNaming(Make("cmu", {}), {"cmu", "take_001"});
  ExpectErrorNaming(Make("cmu", {"   "}), {"cmu", "take_001"});
}

}  // namespace
}  // namespace intersynth
