#include "intersynth/body/joint_map.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <unordered_set>

#include "intersynth/io/json.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

#ifndef INTERSYNTH_JOINT_MAP_DIR
#define INTERSYNTH_JOINT_MAP_DIR "data/joint_maps"
#endif

namespace intersynth {
namespace {

// nlohmann-json keeps no positions after parsing, so errors about a key
// locate it by searching the text for its quoted name: the 1-based line of
// the first occurrence at or after `from` (0 when absent). Good enough for
// hand-written maps where each key appears once.
size_t FindQuoted(const std::string& text, const std::string& key, size_t from) {
  return text.find("\"" + key + "\"", from);
}

int LineAt(const std::string& text, size_t pos) {
  if (pos == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

// "file:12: " or "file: " when the line is unknown.
std::string Where(const std::string& source, int line) {
  return line > 0 ? source + ":" + std::to_string(line) + ": " : source + ": ";
}

std::string ValidNames() {
  std::string names;
  for (const std::string_view name : kSmpl22JointNames) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

// One value under "joints": a source joint name, or
// {"between": [a, b], "t": x} with t in [0, 1].
JointSource ParseTarget(const nlohmann::json& value,
                        const std::string& where,
                        const std::string& key) {
  JointSource target;
  if (value.is_string()) {
    target.a = value.get<std::string>();
    if (target.a.empty()) throw Error(where + "joints." + key + ": empty source joint name");
    return target;
  }
  const std::string expected =
      "expected a source joint name or {\"between\": [\"a\", \"b\"], \"t\": 0.5}";
  if (!value.is_object()) {
    throw Error(where + "joints." + key + ": " + expected + ", got " + value.type_name());
  }
  for (const auto& item : value.items()) {
    if (item.key() != "between" && item.key() != "t") {
      throw Error(where + "joints." + key + ": unknown key '" + item.key() + "'; " + expected);
    }
  }
  if (!value.contains("between") || !value.contains("t")) {
    throw Error(where + "joints." + key + ": missing '" +
                (value.contains("between") ? "t" : "between") + "'; " + expected);
  }
  const nlohmann::json& between = value.at("between");
  if (!between.is_array() || between.size() != 2 || !between[0].is_string() ||
      !between[1].is_string() || between[0].get<std::string>().empty() ||
      between[1].get<std::string>().empty()) {
    throw Error(where + "joints." + key +
                ".between: expected two non-empty source joint names, got " + between.dump());
  }
  const nlohmann::json& t = value.at("t");
  if (!t.is_number()) {
    throw Error(where + "joints." + key + ".t: expected a number in [0, 1], got " + t.dump());
  }
  target.a = between[0].get<std::string>();
  target.b = between[1].get<std::string>();
  target.t = t.get<double>();
  // The negated test also rejects NaN (not representable in JSON, but cheap).
  if (!(target.t >= 0.0 && target.t <= 1.0)) {
    throw Error(where + "joints." + key + ".t: " + t.dump() + " is outside [0, 1]");
  }
  return target;
}

}  // namespace

std::vector<std::string> JointMap::RequiredSourceNames() const {
  std::vector<std::string> names;
  const auto add = [&names](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const JointSource& target : targets) {
    add(target.a);
    if (target.interpolated()) add(target.b);
  }
  return names;
}

JointMap ParseJointMap(const std::string& text, const std::string& source) {
  const nlohmann::json root = ParseJson(text, source);
  if (!root.is_object()) {
    throw Error(source + ": a joint map must be a JSON object with \"joints\", got " +
                root.type_name());
  }
  // Unknown top-level keys are typos more often than extensions.
  for (const auto& item : root.items()) {
    if (item.key() != "name" && item.key() != "description" && item.key() != "joints") {
      throw Error(Where(source, LineAt(text, FindQuoted(text, item.key(), 0))) + "unknown key '" +
                  item.key() + "' (expected name, description, joints)");
    }
  }

  JointMap map;
  map.source = source;
  map.name = root.contains("name") ? JsonRequire<std::string>(root, "name", source)
                                   : std::filesystem::path(source).stem().string();
  if (root.contains("description")) {
    map.description = JsonRequire<std::string>(root, "description", source);
  }
  if (!root.contains("joints") || !root.at("joints").is_object()) {
    throw Error(source + ": expected \"joints\": an object from each of the 22 smpl22 names (" +
                ValidNames() + ") to a source joint");
  }

  // Every key must be a smpl22 name; every smpl22 name must be present.
  const size_t joints_pos = FindQuoted(text, "joints", 0);
  const nlohmann::json& joints = root.at("joints");
  std::array<bool, kSmpl22NumJoints> seen{};
  for (const auto& item : joints.items()) {
    const std::string where = Where(source, LineAt(text, FindQuoted(text, item.key(), joints_pos)));
    const auto it = std::find(kSmpl22JointNames.begin(), kSmpl22JointNames.end(), item.key());
    if (it == kSmpl22JointNames.end()) {
      throw Error(where + "joints." + item.key() +
                  ": not a smpl22 joint name (valid: " + ValidNames() + ")");
    }
    const int j = static_cast<int>(it - kSmpl22JointNames.begin());
    map.targets[j] = ParseTarget(item.value(), where, item.key());
    seen[j] = true;
  }
  std::string missing;
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    if (seen[j]) continue;
    if (!missing.empty()) missing += ", ";
    missing += kSmpl22JointNames[j];
  }
  if (!missing.empty()) {
    throw Error(Where(source, LineAt(text, joints_pos)) + "joints: missing smpl22 joint(s) " +
                missing + " (every one of the 22 must be mapped)");
  }
  return map;
}

JointMap LoadJointMap(const std::filesystem::path& path) {
  return ParseJointMap(ReadFileToString(path), path.string());
}

std::vector<JointMap> LoadJointMaps(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) {
    throw Error(folder.string() + ": joint map folder not found");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (files.empty()) throw Error(folder.string() + ": no joint map (*.json) in the folder");
  std::sort(files.begin(), files.end());
  std::vector<JointMap> maps;
  maps.reserve(files.size());
  for (const auto& file : files) maps.push_back(LoadJointMap(file));
  return maps;
}

std::filesystem::path DefaultJointMapDir() {
  const char* env = std::getenv("INTERSYNTH_JOINT_MAPS");
  if (env != nullptr && env[0] != '\0') return env;
  return INTERSYNTH_JOINT_MAP_DIR;
}

const JointMap& FindJointMap(const NamedJointPositions& source,
                             const std::vector<JointMap>& maps,
                             const std::string& what) {
  const std::unordered_set<std::string> present(source.names.begin(), source.names.end());
  // The first map that fits wins; otherwise remember the closest one (fewest
  // missing names) so the error can say what a map would have needed.
  const JointMap* closest = nullptr;
  std::vector<std::string> closest_missing;
  for (const JointMap& map : maps) {
    std::vector<std::string> missing;
    for (const std::string& name : map.RequiredSourceNames()) {
      if (present.count(name) == 0) missing.push_back(name);
    }
    if (missing.empty()) return map;
    if (closest == nullptr || missing.size() < closest_missing.size()) {
      closest = &map;
      closest_missing = std::move(missing);
    }
  }

  std::string message = what + ": unknown skeleton (joints: ";
  for (size_t j = 0; j < source.names.size(); ++j) {
    message += (j > 0 ? ", " : "") + source.names[j];
  }
  message += "); no joint map fits";
  if (closest != nullptr) {
    message += " (closest: '" + closest->name + "' from " + closest->source + ", which needs ";
    for (size_t i = 0; i < closest_missing.size(); ++i) {
      message += (i > 0 ? ", " : "") + closest_missing[i];
    }
    message += ")";
  }
  message += ". A map must name, for each smpl22 joint (" + ValidNames() +
             "), a source joint (or End Site) or two joints to interpolate between; write one (see "
             "data/joint_maps/README.md) and pass it as {joint_map}";
  throw OptionError(message);
}

}  // namespace intersynth
