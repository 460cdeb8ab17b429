#include "intersynth/body/makehuman_assets.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

/// A whole file, gunzipped when its name ends in .gz. Throws Error naming it.
std::string ReadMaybeGzip(const std::filesystem::path& path) {
  if (LowerExtension(path) != "gz") return ReadFileToString(path);
  if (!std::filesystem::is_regular_file(path))
    throw Error(fmt::format("{}: no such file", path.string()));
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(fmt::format("{}: cannot open", path.string()));
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0)
    text.append(buffer, static_cast<size_t>(n));
  const bool failed = n < 0;
  gzclose(file);
  if (failed) throw Error(fmt::format("{}: not a readable gzip file", path.string()));
  return text;
}

/// Rounds to 4 decimals and clamps to [0, 1] (macro.json's part bounds).
double Bound(double value) { return std::clamp(std::round(value * 1e4) / 1e4, 0.0, 1.0); }

}  // namespace

MakeHumanMesh ReadMakeHumanObj(const std::filesystem::path& path) {
  const std::string text = ReadFileToString(path);
  std::istringstream lines(text);
  std::string line;
  MakeHumanMesh mesh;
  int group = -1;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::istringstream words(line);
    std::string keyword;
    words >> keyword;
    if (keyword == "v") {
      double x = 0, y = 0, z = 0;
      if (!(words >> x >> y >> z))
        throw Error(fmt::format("{}:{}: a vertex needs x y z", path.string(), number));
      mesh.vertices.insert(mesh.vertices.end(), {x, y, z});
    } else if (keyword == "g") {
      std::string name;
      words >> name;
      const auto it = std::find(mesh.group_names.begin(), mesh.group_names.end(), name);
      group = static_cast<int>(it - mesh.group_names.begin());
      if (it == mesh.group_names.end()) mesh.group_names.push_back(name);
    } else if (keyword == "f") {
      std::vector<int> face;
      std::string entry;
      while (words >> entry) {
        const int index = std::atoi(entry.substr(0, entry.find('/')).c_str());
        const int resolved = index < 0 ? mesh.num_vertices() + index : index - 1;
        if (index == 0 || resolved < 0 || resolved >= mesh.num_vertices()) {
          throw Error(fmt::format("{}:{}: face vertex '{}' is out of range (1..{})", path.string(),
                                  number, entry, mesh.num_vertices()));
        }
        face.push_back(resolved);
      }
      if (face.size() < 3)
        throw Error(fmt::format("{}:{}: a face needs 3 or more vertices", path.string(), number));
      mesh.faces.push_back(face);
      mesh.face_group.push_back(group);
    }
  }
  return mesh;
}

std::vector<int> GroupVertices(const MakeHumanMesh& mesh, const std::string& name) {
  const auto it = std::find(mesh.group_names.begin(), mesh.group_names.end(), name);
  if (it == mesh.group_names.end()) {
    std::string groups;
    for (size_t i = 0; i < mesh.group_names.size() && i < 12; ++i)
      groups += (i ? ", " : "") + mesh.group_names[i];
    throw Error(fmt::format("the mesh has no group '{}' (groups: {}{})", name, groups,
                            mesh.group_names.size() > 12 ? ", ..." : ""));
  }
  const int group = static_cast<int>(it - mesh.group_names.begin());
  std::set<int> vertices;
  for (size_t f = 0; f < mesh.faces.size(); ++f) {
    if (mesh.face_group[f] == group) vertices.insert(mesh.faces[f].begin(), mesh.faces[f].end());
  }
  return std::vector<int>(vertices.begin(), vertices.end());
}

std::vector<TargetOffset> ReadMakeHumanTarget(const std::filesystem::path& path) {
  const std::string text = ReadMaybeGzip(path);
  std::istringstream lines(text);
  std::string line;
  std::vector<TargetOffset> offsets;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream words(line);
    TargetOffset offset;
    if (!(words >> offset.vertex >> offset.offset.x() >> offset.offset.y() >> offset.offset.z()) ||
        offset.vertex < 0 || !offset.offset.allFinite()) {
      throw Error(
          fmt::format("{}:{}: expected 'vertex dx dy dz', got '{}'", path.string(), number, line));
    }
    offsets.push_back(offset);
  }
  return offsets;
}

MacroModel ReadMacroModel(const std::filesystem::path& path) {
  const std::string source = path.string();
  const nlohmann::json json = ReadJson(path);
  MacroModel model;
  // (Locals, not temporaries: items() refers to the object it iterates.)
  const nlohmann::json macrotargets = JsonRequire<nlohmann::json>(json, "macrotargets", source);
  for (const auto& item : macrotargets.items()) {
    const std::string where = source + ": " + item.key();
    const nlohmann::json parts = JsonRequire<nlohmann::json>(item.value(), "parts", where);
    for (const nlohmann::json& part : parts) {
      model.variables[item.key()].push_back({JsonRequire<std::string>(part, "low", where),
                                             JsonRequire<std::string>(part, "high", where),
                                             Bound(JsonRequire<double>(part, "lowest", where)),
                                             Bound(JsonRequire<double>(part, "highest", where))});
    }
  }
  const nlohmann::json combinations = JsonRequire<nlohmann::json>(json, "combinations", source);
  for (const auto& item : combinations.items()) {
    model.combinations[item.key()] = item.value().get<std::vector<std::string>>();
  }
  return model;
}

double MacroTargetWeight(const MacroModel& model,
                         const std::string& stem,
                         const MacroParameters& parameters) {
  const double race_total = parameters.african + parameters.asian + parameters.caucasian;
  double weight = 1.0;
  std::istringstream tokens(stem);
  std::string token;
  while (std::getline(tokens, token, '-')) {
    if (token == "universal") continue;
    if (token == "african" || token == "asian" || token == "caucasian") {
      const double share = token == "african" ? parameters.african
                           : token == "asian" ? parameters.asian
                                              : parameters.caucasian;
      weight *= race_total > 0.0 ? share / race_total : 0.0;
      continue;
    }
    // The variable that names this token, and its part that holds the value.
    bool known = false;
    for (const auto& [name, parts] : model.variables) {
      if (std::none_of(parts.begin(), parts.end(), [&](const MacroModel::Part& p) {
            return p.low == token || p.high == token;
          })) {
        continue;
      }
      known = true;
      const auto value = parameters.values.find(name);
      const double x = std::clamp(value == parameters.values.end() ? 0.5 : value->second, 0.0, 1.0);
      const auto part = std::find_if(parts.begin(), parts.end(),
                                     [x](const MacroModel::Part& p) { return x <= p.hi; });
      double w = 0.0;
      if (part != parts.end() && part->hi > part->lo) {
        const double high = std::clamp((x - part->lo) / (part->hi - part->lo), 0.0, 1.0);
        if (part->high == token) w += high;
        if (part->low == token) w += 1.0 - high;
      }
      weight *= w;
      break;
    }
    if (!known)
      throw Error(fmt::format("target '{}': no macro variable has the part '{}'", stem, token));
  }
  return weight;
}

}  // namespace intersynth
