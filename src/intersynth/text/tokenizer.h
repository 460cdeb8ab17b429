#pragma once
// A word-level tokenizer built from the training captions. Plain C++ (no
// Torch), so dataset code and the CLI can tokenize without LibTorch.
//
// Words (SplitWords):
//   * ASCII letters are lower-cased; a word is a maximal run of [a-z0-9'],
//     every other ASCII byte (space, punctuation, '-', '_') separates words;
//   * bytes >= 0x80 (UTF-8 multi-byte characters) belong to words and are
//     kept as they are, so "schön" and "café" stay whole; non-ASCII letters
//     are not lower-cased;
//   * the typographic apostrophe U+2019 (’) is read as "'", so "person’s" and
//     "person's" are one word; apostrophes at the start or end of a word are
//     dropped ("'walks'" -> "walks"), and a run of apostrophes alone is no word.
//
// Vocabulary (ids, int64 to match torch::kLong):
//   0 = "<pad>", 1 = "<unk>", then the training words by descending count,
//   ties alphabetically (byte order), so the same captions always give the
//   same ids. "<pad>" and "<unk>" can never be words ('<' separates words).
//
// File (Save / Load), JSON:
//   {"format": "intersynth-tokenizer", "version": 1, "lowercase": true,
//    "words": ["<pad>", "<unk>", "walks", ...]}   // index = id

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace intersynth {

/// The words of `text` as described at the top of this file, in order.
/// Empty when the text has no words.
std::vector<std::string> SplitWords(const std::string& text);

/// The warning to show when `unknown` (from Tokenizer::Encode) is not empty,
/// e.g. `2 words never seen in training map to <unk>: "zorbing", "flibber"`.
/// Empty string when `unknown` is empty.
std::string UnknownWordsWarning(const std::vector<std::string>& unknown);

/// Maps captions to token ids. Immutable once built or loaded.
class Tokenizer {
 public:
  /// Id of the padding token (the text encoder ignores it).
  static constexpr int64_t kPadId = 0;
  /// Id every word outside the vocabulary maps to.
  static constexpr int64_t kUnknownId = 1;
  /// The spellings of the two special tokens, at ids 0 and 1.
  static constexpr const char* kPadWord = "<pad>";
  static constexpr const char* kUnknownWord = "<unk>";

  /// The vocabulary of `captions`: every word seen at least `min_count` times
  /// (over all captions), ordered as described at the top of this file.
  /// Captions without words add nothing. Throws Error when min_count < 1.
  static Tokenizer Build(const std::vector<std::string>& captions, int min_count = 1);

  /// Reads a file written by Save. Throws Error naming the file when it is
  /// missing or not JSON, its format, version or lowercase field is wrong,
  /// "words" is not a list of strings, ids 0/1 are not "<pad>"/"<unk>", a word
  /// repeats, or a word is not what SplitWords would make of it (it could
  /// never be matched).
  static Tokenizer Load(const std::filesystem::path& path);

  /// Writes the vocabulary as JSON, atomically (a failed write leaves `path`
  /// untouched). Throws Error on failure.
  void Save(const std::filesystem::path& path) const;

  /// Number of ids, including "<pad>" and "<unk>".
  int vocab_size() const { return static_cast<int>(words_.size()); }

  /// Every token spelling, index = id (words()[0] == "<pad>").
  const std::vector<std::string>& words() const { return words_; }

  /// The id of `word` (already split and lower-cased), kUnknownId when absent.
  int64_t IdOf(const std::string& word) const;

  /// The ids of the first `max_tokens` words of `text`; later words are
  /// dropped silently (CountWords(text) - max_tokens of them, when positive:
  /// a caller that wants to warn compares the two). Unknown words map to
  /// kUnknownId and, when `unknown_words` is given, are appended to it in
  /// order of first appearance unless already there (so one vector can
  /// collect the unknown words of many captions); only words that were kept
  /// are reported, since dropped ones never reach the model. Throws Error
  /// "empty text: ..." when the text has no words. max_tokens >= 1 (checked).
  std::vector<int64_t> Encode(const std::string& text,
                              int max_tokens,
                              std::vector<std::string>* unknown_words = nullptr) const;

  /// Number of words in `text` before truncation (SplitWords(text).size()).
  static int CountWords(const std::string& text);

 private:
  explicit Tokenizer(std::vector<std::string> words);

  std::vector<std::string> words_;                // id -> spelling
  std::unordered_map<std::string, int64_t> ids_;  // spelling -> id
};

}  // namespace intersynth
