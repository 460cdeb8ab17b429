#include "intersynth/text/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

using Words = std::vector<std::string>;
using Ids = std::vector<int64_t>;

const Words kCaptions = {"A person walks forward.", "a person runs, then walks",
                         "someone walks in a circle"};

TEST(SplitWords, LowerCasesAndSplitsOnPunctuation) {
  EXPECT_EQ(SplitWords("A person WALKS, then-runs_fast!  (2 times)"),
            (Words{"a", "person", "walks", "then", "runs", "fast", "2", "times"}));
  EXPECT_TRUE(SplitWords("").empty());
  EXPECT_TRUE(SplitWords(" ,.;-- ").empty());
}

TEST(SplitWords, ApostrophesInsideWordsAreKeptOuterOnesDropped) {
  EXPECT_EQ(SplitWords("the person's arm, 'waving' ''"),
            (Words{"the", "person's", "arm", "waving"}));
  // U+2019 (typographic apostrophe) reads as "'".
  EXPECT_EQ(SplitWords("the person\u2019s arm"), (Words{"the", "person's", "arm"}));
}

TEST(SplitWords, MultiByteCharactersStayInsideWords) {
  EXPECT_EQ(SplitWords("Zwei Menschen umarmen sich sch\u00f6n"),
            (Words{"zwei", "menschen", "umarmen", "sich", "sch\u00f6n"}));
  EXPECT_EQ(SplitWords("caf\u00e9 \u4eba\u8d70"), (Words{"caf\u00e9", "\u4eba\u8d70"}));
  // Unicode dashes, no-break spaces and quotes separate like their ASCII forms.
  EXPECT_EQ(SplitWords("walks\u2014then\u00a0sits \u201cslowly\u201d"),
            (Words{"walks", "then", "sits", "slowly"}));
}

TEST(Tokenizer, IdsAreByCountThenAlphabetical) {
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions);
  // walks 3, a 3, person 2, then the single words alphabetically.
  EXPECT_EQ(tokenizer.words(), (Words{"<pad>", "<unk>", "a", "walks", "person", "circle", "forward",
                                      "in", "runs", "someone", "then"}));
  EXPECT_EQ(tokenizer.vocab_size(), 11);
  EXPECT_EQ(tokenizer.IdOf("<pad>"), Tokenizer::kPadId);
  EXPECT_EQ(tokenizer.IdOf("<unk>"), Tokenizer::kUnknownId);
}

TEST(Tokenizer, BuildIsIndependentOfCaptionOrder) {
  Words reversed = kCaptions;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(Tokenizer::Build(reversed).words(), Tokenizer::Build(kCaptions).words());
}

TEST(Tokenizer, MinCountDropsRareWords) {
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions, /*min_count=*/2);
  EXPECT_EQ(tokenizer.words(), (Words{"<pad>", "<unk>", "a", "walks", "person"}));
  EXPECT_EQ(tokenizer.IdOf("circle"), Tokenizer::kUnknownId);
  EXPECT_ERROR_CONTAINS(Tokenizer::Build(kCaptions, 0), {"min_count", ">= 1"});
}

TEST(Tokenizer, EncodeMapsWordsAndTruncatesSilently) {
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions);
  EXPECT_EQ(tokenizer.Encode("A person walks in a circle", 32), (Ids{2, 4, 3, 7, 2, 5}));
  EXPECT_EQ(tokenizer.Encode("A person walks in a circle", 3), (Ids{2, 4, 3}));
  EXPECT_EQ(Tokenizer::CountWords("A person walks in a circle"), 6);
}

TEST(Tokenizer, UnknownWordsAreReportedInOrder) {
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions);
  Words unknown = {"flibber"};  // from an earlier caption: not repeated
  const Ids ids = tokenizer.Encode("a zorbing person flibber zorbing quickly", 5, &unknown);
  EXPECT_EQ(ids, (Ids{2, 1, 4, 1, 1}));
  // "quickly" was truncated away, so it is not reported.
  EXPECT_EQ(unknown, (Words{"flibber", "zorbing"}));
}

TEST(Tokenizer, UnknownWordsWarningCountsAndQuotes) {
  EXPECT_EQ(UnknownWordsWarning({}), "");
  EXPECT_EQ(UnknownWordsWarning({"zorbing"}),
            "1 word never seen in training maps to <unk>: \"zorbing\"");
  EXPECT_EQ(UnknownWordsWarning({"zorbing", "flibber"}),
            "2 words never seen in training map to <unk>: \"zorbing\", \"flibber\"");
}

TEST(Tokenizer, EmptyTextIsAnError) {
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions);
  EXPECT_ERROR_CONTAINS(tokenizer.Encode("", 8), {"empty text"});
  EXPECT_ERROR_CONTAINS(tokenizer.Encode("  ... !", 8), {"empty text", "\"  ... !\""});
}

TEST(Tokenizer, SaveLoadRoundTrip) {
  testing::TempDir dir;
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions);
  tokenizer.Save(dir / "tokenizer.json");
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // no temp file left behind

  const nlohmann::json json = ReadJson(dir / "tokenizer.json");
  EXPECT_EQ(json.at("format"), "intersynth-tokenizer");
  EXPECT_EQ(json.at("version"), 1);
  EXPECT_EQ(json.at("lowercase"), true);

  const Tokenizer loaded = Tokenizer::Load(dir / "tokenizer.json");
  EXPECT_EQ(loaded.words(), tokenizer.words());
  EXPECT_EQ(loaded.Encode("someone runs in a circle", 8),
            tokenizer.Encode("someone runs in a circle", 8));
}

TEST(Tokenizer, SaveLoadRoundTripKeepsUtf8Words) {
  testing::TempDir dir;
  const Tokenizer tokenizer = Tokenizer::Build({"zwei Menschen umarmen sich sch\u00f6n"});
  tokenizer.Save(dir / "tokenizer.json");
  const Tokenizer loaded = Tokenizer::Load(dir / "tokenizer.json");
  EXPECT_EQ(loaded.words(), tokenizer.words());
  EXPECT_NE(loaded.IdOf("sch\u00f6n"), Tokenizer::kUnknownId);
}

TEST(Tokenizer, LoadRejectsBadFiles) {
  testing::TempDir dir;
  const auto write = [&](const std::string& name, const std::string& text) {
    WriteFileAtomic(dir / name, text);
    return (dir / name).string();
  };
  const std::string header =
      R"("format": "intersynth-tokenizer", "version": 1, "lowercase": true, )";

  const std::string missing = (dir / "missing.json").string();
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(missing), {missing});
  const std::string not_json = write("not_json.json", "{\"format\": ");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(not_json), {not_json, "invalid JSON"});
  const std::string format =
      write("format.json", R"({"format": "intersynth-dataset", "version": 1, "lowercase": true,
                         "words": ["<pad>", "<unk>"]})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(format), {format, "intersynth-dataset"});
  const std::string version =
      write("version.json", R"({"format": "intersynth-tokenizer", "version": 2, "lowercase": true,
                          "words": ["<pad>", "<unk>"]})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(version), {version, "version 2"});
  const std::string no_words = write("no_words.json", "{" + header + R"("vocab": []})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(no_words), {no_words, "'words'"});
  const std::string duplicate =
      write("duplicate.json", "{" + header + R"("words": ["<pad>", "<unk>", "a", "walks", "a"]})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(duplicate), {duplicate, "\"a\"", "twice", "id 4"});
  const std::string no_pad =
      write("no_pad.json", "{" + header + R"("words": ["<unk>", "<pad>", "a"]})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(no_pad), {no_pad, "<pad>", "id 0"});
  const std::string no_unk = write("no_unk.json", "{" + header + R"("words": ["<pad>"]})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(no_unk), {no_unk, "<unk>", "id 1"});
  const std::string upper =
      write("upper.json", "{" + header + R"("words": ["<pad>", "<unk>", "Walks"]})");
  EXPECT_ERROR_CONTAINS(Tokenizer::Load(upper), {upper, "\"Walks\"", "id 2"});
}

TEST(Tokenizer, SaveIntoMissingFolderThrows) {
  testing::TempDir dir;
  const Tokenizer tokenizer = Tokenizer::Build(kCaptions);
  EXPECT_THROW(tokenizer.Save(dir / "no_such_folder" / "tokenizer.json"), Error);
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

}  // namespace
}  // namespace intersynth
