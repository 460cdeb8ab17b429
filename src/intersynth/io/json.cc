#include "intersynth/io/json.h"

#include <fmt/format.h>

#include <algorithm>

#include "intersynth/util/file_util.h"

namespace intersynth {

nlohmann::json ParseJson(std::string_view text, const std::string& source) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into line:column for the user.
    const size_t offset = std::min(e.byte, text.size());
    const size_t line = 1 + std::count(text.begin(), text.begin() + offset, '\n');
    const size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    const size_t column = line_start == std::string_view::npos ? offset : offset - line_start - 1;
    throw Error(fmt::format("{}:{}:{}: invalid JSON: {}", source, line, column, e.what()));
  }
}

nlohmann::json ReadJson(const std::filesystem::path& path) {
  return ParseJson(ReadFileToString(path), path.string());
}

void WriteJson(const std::filesystem::path& path, const nlohmann::json& value, int indent) {
  WriteFileAtomic(path, value.dump(indent) + "\n");
}

}  // namespace intersynth
