#pragma once
// JSON files through nlohmann-json, with intersynth's error channels: a
// missing file or a syntax error is an intersynth::Error naming the file,
// line and column; writing is atomic.
//
//   const nlohmann::json config = ReadJson("model/config.json");
//   const int layers = JsonRequire<int>(config, "layers", "model/config.json");

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "intersynth/util/error.h"

namespace intersynth {

/// Parses JSON text; `source` names it in errors ("a.json:3:14: ...").
nlohmann::json ParseJson(std::string_view text, const std::string& source);

/// Reads and parses a JSON file.
nlohmann::json ReadJson(const std::filesystem::path& path);

/// Writes `value` pretty-printed (`indent` spaces; -1 for one line), atomically.
void WriteJson(const std::filesystem::path& path, const nlohmann::json& value, int indent = 2);

/// The value of `key` in object `object` converted to T. Throws Error naming
/// the source, the key and the expected type when it is missing or of another type.
template <typename T>
T JsonRequire(const nlohmann::json& object, const std::string& key, const std::string& source) {
  if (!object.is_object() || !object.contains(key)) {
    throw Error(source + ": missing key '" + key + "'");
  }
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": key '" + key + "' has the wrong type (" +
                std::string(object.at(key).type_name()) + "): " + e.what());
  }
}

}  // namespace intersynth
