#include "intersynth/motion/source_labels.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace fs = std::filesystem;

namespace intersynth {
namespace {

// The file name without folders and extension.
std::string Stem(const std::string& path) { return fs::path(path).stem().string(); }

// Throws unless the (lower-cased) extension is one of `allowed`; `pattern` is
// the expected name shown to the user.
void RequireExtension(const std::string& path,
                      const std::vector<std::string>& allowed,
                      const std::string& source,
                      const std::string& pattern) {
  const std::string ext = LowerExtension(path);
  for (const std::string& a : allowed) {
    if (ext == a) return;
  }
  throw Error(fmt::format("{}: not a {} file name: expected {}", path, source, pattern));
}

// Matches the stem against `re` or throws naming the file and the pattern.
std::smatch MatchStem(const std::string& path,
                      const std::string& stem,
                      const std::regex& re,
                      const std::string& source,
                      const std::string& pattern) {
  std::smatch match;
  if (!std::regex_match(stem, match, re)) {
    throw Error(fmt::format("{}: not a {} file name: expected {}", path, source, pattern));
  }
  return match;
}

// Splits one line on tabs, keeping empty fields.
std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(
        line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

constexpr const char* kBandaiPattern = "dataset-N_{content}_{style}_{id}.bvh";
constexpr const char* kHdm05Pattern = "HDM_{actor}_{class}_{take}_{fps}.amc";
constexpr const char* kCmuPattern = "{subject}_{trial}.bvh or .amc (e.g. 13_14.bvh)";
constexpr const char* kReactIdlePattern = "{person}_acted.bvh or {person}_genuine.bvh";

}  // namespace

SourceLabels ParseBandaiName(const std::string& path) {
  RequireExtension(path, {"bvh"}, "Bandai Namco", kBandaiPattern);
  // Words are lower-case tokens joined by '-' ("wave-right-hand", "not-confident").
  static const std::regex re(
      "dataset-[0-9]+_([a-z0-9]+(?:-[a-z0-9]+)*)_([a-z0-9]+(?:-[a-z0-9]+)*)_[0-9]+");
  const std::string stem = Stem(path);
  const std::smatch match = MatchStem(path, stem, re, "Bandai Namco", kBandaiPattern);
  SourceLabels labels;
  labels.source = "bandai";
  labels.take = stem;
  labels.labels = {match[1].str(), match[2].str()};
  return labels;
}

std::string Hdm05SplitOfActor(const std::string& actor) {
  if (actor == "bd" || actor == "bk" || actor == "dg") return "train";
  if (actor == "mm" || actor == "tr") return "test";
  return "";
}

SourceLabels ParseHdm05Name(const std::string& path) {
  RequireExtension(path, {"amc"}, "HDM05", kHdm05Pattern);
  // Actor codes are two lower-case letters; classes are camelCase words (the
  // uncut HDM05 files use scene numbers such as "01-01" there instead).
  static const std::regex re("HDM_([a-z]{2})_([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)_[0-9]+_[0-9]+");
  const std::string stem = Stem(path);
  const std::smatch match = MatchStem(path, stem, re, "HDM05", kHdm05Pattern);
  SourceLabels labels;
  labels.source = "hdm05";
  labels.take = stem;
  labels.actor = match[1].str();
  labels.labels = {match[2].str()};

  // The folder layout is the split when there is one (the innermost train/ or
  // test/ folder wins); otherwise fall back on the actor.
  for (const fs::path& part : fs::path(path).parent_path()) {
    if (part == "train" || part == "test") labels.split_hint = part.string();
  }
  if (labels.split_hint.empty()) labels.split_hint = Hdm05SplitOfActor(labels.actor);
  return labels;
}

SourceLabels ParseReactIdleName(const std::string& path) {
  RequireExtension(path, {"bvh"}, "ReActIdle", kReactIdlePattern);
  static const std::regex re("([0-9]+)_(acted|genuine)");
  const std::string stem = Stem(path);
  const std::smatch match = MatchStem(path, stem, re, "ReActIdle", kReactIdlePattern);
  SourceLabels labels;
  labels.source = "reactidle";
  labels.take = stem;
  labels.actor = match[1].str();
  labels.labels = {"idle", match[2].str()};
  return labels;
}

CmuTrialId ParseCmuName(const std::string& path) {
  RequireExtension(path, {"bvh", "amc"}, "CMU", kCmuPattern);
  // At most six digits each keeps std::stoi in range.
  static const std::regex re("([0-9]{1,6})_([0-9]{1,6})");
  const std::string stem = Stem(path);
  const std::smatch match = MatchStem(path, stem, re, "CMU", kCmuPattern);
  return {std::stoi(match[1].str()), std::stoi(match[2].str())};
}

void CmuTrialIndex::Add(CmuTrial trial) {
  const std::pair<int, int> key(trial.id.subject, trial.id.trial);
  if (trials_.count(key)) {
    throw Error(fmt::format("CMU trial {:02d}_{:02d} is listed twice", key.first, key.second));
  }
  trials_.emplace(key, std::move(trial));
}

std::optional<std::string> CmuTrialIndex::Find(int subject, int trial) const {
  const CmuTrial* found = FindTrial(subject, trial);
  if (found == nullptr) return std::nullopt;
  return found->description;
}

const CmuTrial* CmuTrialIndex::FindTrial(int subject, int trial) const {
  const auto it = trials_.find({subject, trial});
  return it == trials_.end() ? nullptr : &it->second;
}

CmuTrialIndex LoadCmuTrials(const std::string& path) {
  const std::string text = ReadFileToString(path);
  std::istringstream stream(text);
  std::string line;
  int line_number = 0;

  // Locate the columns by their header names, so that their order is free.
  int trial_column = -1, subject_column = -1, description_column = -1,
      subject_description_column = -1;
  bool have_header = false;
  CmuTrialIndex index;
  static const std::regex trial_re("([0-9]{1,6})_([0-9]{1,6})");
  while (std::getline(stream, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::vector<std::string> fields = SplitTabs(line);

    if (!have_header) {
      for (int c = 0; c < static_cast<int>(fields.size()); ++c) {
        if (fields[c] == "trial") trial_column = c;
        if (fields[c] == "subject") subject_column = c;
        if (fields[c] == "description") description_column = c;
        if (fields[c] == "subject_description") subject_description_column = c;
      }
      if (trial_column < 0 || description_column < 0) {
        throw Error(
            fmt::format("{}: line {}: expected a tab-separated header with columns 'trial' and "
                        "'description' (optionally 'subject', 'subject_description')",
                        path, line_number));
      }
      have_header = true;
      continue;
    }

    // A row must reach every column the header named.
    const int needed =
        std::max({trial_column, subject_column, description_column, subject_description_column}) +
        1;
    if (static_cast<int>(fields.size()) < needed) {
      throw Error(fmt::format("{}: line {}: expected {} tab-separated fields, found {}", path,
                              line_number, needed, fields.size()));
    }
    std::smatch match;
    if (!std::regex_match(fields[trial_column], match, trial_re)) {
      throw Error(fmt::format("{}: line {}: trial '{}': expected SUBJECT_TRIAL (e.g. 13_14)", path,
                              line_number, fields[trial_column]));
    }
    CmuTrial trial;
    trial.id = {std::stoi(match[1].str()), std::stoi(match[2].str())};
    trial.description = fields[description_column];
    if (subject_description_column >= 0) {
      trial.subject_description = fields[subject_description_column];
    }

    // The subject column, when present, must agree with the trial's prefix.
    if (subject_column >= 0) {
      const std::string& subject = fields[subject_column];
      const bool digits = !subject.empty() && subject.size() <= 6 &&
                          subject.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoi(subject) != trial.id.subject) {
        throw Error(fmt::format("{}: line {}: subject '{}' does not match trial '{}'", path,
                                line_number, subject, fields[trial_column]));
      }
    }
    if (index.FindTrial(trial.id.subject, trial.id.trial) != nullptr) {
      throw Error(fmt::format("{}: line {}: trial '{}' is listed twice", path, line_number,
                              fields[trial_column]));
    }
    index.Add(std::move(trial));
  }
  if (!have_header) {
    throw Error(
        fmt::format("{}: empty: expected a tab-separated header with columns 'trial' "
                    "and 'description'",
                    path));
  }
  return index;
}

SourceLabels ParseCmuLabels(const std::string& path, const CmuTrialIndex* index) {
  const CmuTrialId id = ParseCmuName(path);
  SourceLabels labels;
  labels.source = "cmu";
  labels.take = Stem(path);
  labels.actor = std::to_string(id.subject);
  if (index != nullptr) {
    if (std::optional<std::string> description = index->Find(id.subject, id.trial)) {
      labels.labels = {*description};
    }
  }
  return labels;
}

SourceLabels ParseSourceLabels(const std::string& source,
                               const std::string& path,
                               const CmuTrialIndex* cmu_index) {
  if (source == "bandai") return ParseBandaiName(path);
  if (source == "hdm05") return ParseHdm05Name(path);
  if (source == "cmu") return ParseCmuLabels(path, cmu_index);
  if (source == "reactidle") return ParseReactIdleName(path);
  throw Error(
      fmt::format("{}: unknown source '{}' for file-name labels: expected one of "
                  "bandai, hdm05, cmu, reactidle",
                  path, source));
}

}  // namespace intersynth
