#include "intersynth/motion/corpus_lists.h"

#include <fmt/format.h>

#include <sstream>
#include <string_view>

#include "intersynth/io/utf8.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kBlanks = " \t\r\v\f";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// `text` without leading and trailing blanks.
std::string_view Trim(std::string_view text) {
  const size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kBlanks);
  return text.substr(first, last - first + 1);
}

}  // namespace

std::vector<std::pair<int, std::string>> ReadTrimmedLines(const fs::path& path) {
  std::string text = ReadFileToString(path);
  if (std::string_view(text).substr(0, kUtf8Bom.size()) == kUtf8Bom) text.erase(0, kUtf8Bom.size());
  if (!internal::IsValidUtf8(text)) {
    throw Error(fmt::format("{}: not valid UTF-8 text", path.string()));
  }
  std::vector<std::pair<int, std::string>> lines;
  std::istringstream stream(text);
  std::string line;
  for (int number = 1; std::getline(stream, line); ++number) {
    const std::string_view trimmed = Trim(line);
    if (!trimmed.empty()) lines.emplace_back(number, std::string(trimmed));
  }
  return lines;
}

std::map<std::string, std::string> ReadSplitLists(const fs::path& root) {
  std::map<std::string, std::string> split_of;
  for (const char* split : {"train", "val", "test"}) {
    const fs::path list = root / (std::string(split) + ".txt");
    std::error_code ec;
    if (!fs::exists(list, ec)) continue;
    for (auto& [number, id] : ReadTrimmedLines(list)) {
      const auto [it, inserted] = split_of.emplace(id, split);
      if (!inserted && it->second != split) {
        throw Error(fmt::format("{}:{}: clip '{}' is already in the {} list", list.string(), number,
                                id, it->second));
      }
    }
  }
  return split_of;
}

}  // namespace intersynth
