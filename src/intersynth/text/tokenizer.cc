#include "intersynth/text/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

constexpr const char* kFormat = "intersynth-tokenizer";
constexpr int kVersion = 1;

// Byte length of the non-ASCII separator or apostrophe starting at text[i], 0
// when there is none. Separators: U+00A0..U+00BF (no-break space, « » ° ...;
// UTF-8 C2 A0..C2 BF) and the General Punctuation block U+2000..U+206F (en and
// em spaces and dashes, quotes, ellipsis; E2 80 80..E2 81 AF). U+2019 (E2 80
// 99) is reported through `apostrophe` instead.
size_t SpecialAt(const std::string& text, size_t i, bool* apostrophe) {
  *apostrophe = false;
  const auto byte = [&](size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  if (byte(i) == 0xC2 && byte(i + 1) >= 0xA0 && byte(i + 1) <= 0xBF) return 2;
  if (byte(i) == 0xE2 && (byte(i + 1) == 0x80 || byte(i + 1) == 0x81) && byte(i + 2) >= 0x80 &&
      byte(i + 2) <= 0xBF) {
    *apostrophe = byte(i + 1) == 0x80 && byte(i + 2) == 0x99;
    return 3;
  }
  return 0;
}

// Shortens `text` for an error message without cutting a UTF-8 character.
std::string Excerpt(const std::string& text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return text;
  size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

}  // namespace

std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  // A finished run loses its outer apostrophes ("'walks'" quotes a word).
  const auto flush = [&] {
    const size_t first = word.find_first_not_of('\'');
    if (first != std::string::npos) {
      const size_t last = word.find_last_not_of('\'');
      words.push_back(word.substr(first, last - first + 1));
    }
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    // Non-ASCII: punctuation and spaces separate, other bytes are letters of
    // some script and stay in the word byte for byte.
    if (c >= 0x80) {
      bool apostrophe = false;
      const size_t length = SpecialAt(text, i, &apostrophe);
      if (length == 0) {
        word.push_back(static_cast<char>(c));
        ++i;
        continue;
      }
      if (apostrophe) {
        word.push_back('\'');
      } else {
        flush();
      }
      i += length;
      continue;
    }
    // ASCII: letters (lower-cased), digits and "'" build words.
    if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
      word.push_back(static_cast<char>(c));
    } else {
      flush();
    }
    ++i;
  }
  flush();
  return words;
}

std::string UnknownWordsWarning(const std::vector<std::string>& unknown) {
  if (unknown.empty()) return "";
  std::string quoted;
  for (const std::string& word : unknown) {
    if (!quoted.empty()) quoted += ", ";
    quoted += "\"" + word + "\"";
  }
  if (unknown.size() == 1) {
    return "1 word never seen in training maps to <unk>: " + quoted;
  }
  return fmt::format("{} words never seen in training map to <unk>: {}", unknown.size(), quoted);
}

Tokenizer::Tokenizer(std::vector<std::string> words) : words_(std::move(words)) {
  for (size_t id = 0; id < words_.size(); ++id) {
    ids_.emplace(words_[id], static_cast<int64_t>(id));
  }
}

Tokenizer Tokenizer::Build(const std::vector<std::string>& captions, int min_count) {
  if (min_count < 1) {
    throw Error(fmt::format("tokenizer: min_count must be >= 1, got {}", min_count));
  }
  // Count every word over all captions.
  std::unordered_map<std::string, int> counts;
  for (const std::string& caption : captions) {
    for (std::string& word : SplitWords(caption)) ++counts[std::move(word)];
  }

  // Frequent words first; ties alphabetically so that the ids never depend
  // on hash order or caption order.
  std::vector<std::pair<std::string, int>> kept;
  for (auto& [word, count] : counts) {
    if (count >= min_count) kept.emplace_back(word, count);
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });

  std::vector<std::string> words = {kPadWord, kUnknownWord};
  words.reserve(kept.size() + 2);
  for (auto& [word, count] : kept) words.push_back(std::move(word));
  return Tokenizer(std::move(words));
}

Tokenizer Tokenizer::Load(const std::filesystem::path& path) {
  const std::string source = path.string();
  const nlohmann::json json = ReadJson(path);
  if (!json.is_object()) {
    throw Error(source + ": expected a JSON object (an intersynth tokenizer)");
  }

  // Header: refuse other files early, with what was found.
  const std::string format = JsonRequire<std::string>(json, "format", source);
  if (format != kFormat) {
    throw Error(fmt::format("{}: format is \"{}\", expected \"{}\"", source, format, kFormat));
  }
  const int version = JsonRequire<int>(json, "version", source);
  if (version != kVersion) {
    throw Error(
        fmt::format("{}: version {} is not supported (expected {})", source, version, kVersion));
  }
  if (!JsonRequire<bool>(json, "lowercase", source)) {
    throw Error(source + ": \"lowercase\" is false; only lower-casing tokenizers are supported");
  }

  // Words: the special tokens first, then each word exactly once and in the
  // form SplitWords produces (anything else could never be looked up).
  const std::vector<std::string> words =
      JsonRequire<std::vector<std::string>>(json, "words", source);
  if (words.size() < 2 || words[0] != kPadWord || words[1] != kUnknownWord) {
    throw Error(fmt::format("{}: \"words\" must start with \"{}\" (id 0) and \"{}\" (id 1)", source,
                            kPadWord, kUnknownWord));
  }
  std::unordered_set<std::string> seen = {kPadWord, kUnknownWord};
  for (size_t id = 2; id < words.size(); ++id) {
    const std::string& word = words[id];
    if (!seen.insert(word).second) {
      throw Error(fmt::format("{}: word \"{}\" appears twice (again at id {})", source, word, id));
    }
    const std::vector<std::string> split = SplitWords(word);
    if (split.size() != 1 || split[0] != word) {
      throw Error(fmt::format(
          "{}: word \"{}\" at id {} is not a single lower-case word as the tokenizer splits text",
          source, word, id));
    }
  }
  return Tokenizer(words);
}

void Tokenizer::Save(const std::filesystem::path& path) const {
  nlohmann::json json;
  json["format"] = kFormat;
  json["version"] = kVersion;
  json["lowercase"] = true;
  json["words"] = words_;
  WriteJson(path, json);
}

int64_t Tokenizer::IdOf(const std::string& word) const {
  const auto it = ids_.find(word);
  return it == ids_.end() ? kUnknownId : it->second;
}

std::vector<int64_t> Tokenizer::Encode(const std::string& text,
                                       int max_tokens,
                                       std::vector<std::string>* unknown_words) const {
  INTERSYNTH_CHECK(max_tokens >= 1) << "max_tokens " << max_tokens;
  std::vector<std::string> words = SplitWords(text);
  if (words.empty()) {
    throw Error(fmt::format(
        "empty text: \"{}\" has no words (a word is a run of letters, digits and apostrophes)",
        Excerpt(text)));
  }
  if (static_cast<int>(words.size()) > max_tokens) words.resize(max_tokens);

  // Look up each kept word; report unknown ones once, in reading order.
  std::vector<int64_t> ids;
  ids.reserve(words.size());
  for (const std::string& word : words) {
    const int64_t id = IdOf(word);
    ids.push_back(id);
    if (id == kUnknownId && unknown_words != nullptr &&
        std::find(unknown_words->begin(), unknown_words->end(), word) == unknown_words->end()) {
      unknown_words->push_back(word);
    }
  }
  return ids;
}

int Tokenizer::CountWords(const std::string& text) {
  return static_cast<int>(SplitWords(text).size());
}

}  // namespace intersynth
