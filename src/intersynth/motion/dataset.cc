#include "intersynth/motion/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace fs = std::filesystem;

std::string DatasetEntryToJson(const DatasetEntry& entry) {
  nlohmann::json line = {{"id", entry.id},
                         {"file", entry.file},
                         {"source", entry.source},
                         {"take", entry.take},
                         {"source_file", entry.source_file},
                         {"licence", entry.licence},
                         {"persons", entry.persons},
                         {"frames", entry.frames},
                         {"fps", entry.fps},
                         {"start_frame", entry.start_frame},
                         {"texts", entry.texts},
                         {"labels", entry.labels},
                         {"split", entry.split}};
  if (!entry.part.empty()) line["part"] = entry.part;
  return line.dump();
}

DatasetEntry DatasetEntryFromJson(const std::string& line, const std::string& where) {
  const nlohmann::json value = ParseJson(line, where);
  if (!value.is_object()) throw Error(fmt::format("{}: expected a JSON object per line", where));
  DatasetEntry entry;
  entry.id = JsonRequire<std::string>(value, "id", where);
  entry.file = JsonRequire<std::string>(value, "file", where);
  entry.source = JsonRequire<std::string>(value, "source", where);
  entry.take = JsonRequire<std::string>(value, "take", where);
  entry.source_file = JsonRequire<std::string>(value, "source_file", where);
  entry.licence = JsonRequire<std::string>(value, "licence", where);
  entry.persons = JsonRequire<int>(value, "persons", where);
  entry.frames = JsonRequire<int>(value, "frames", where);
  entry.fps = JsonRequire<float>(value, "fps", where);
  entry.start_frame = JsonRequire<int>(value, "start_frame", where);
  entry.texts = JsonRequire<std::vector<std::string>>(value, "texts", where);
  entry.labels = JsonRequire<std::vector<std::string>>(value, "labels", where);
  entry.split = JsonRequire<std::string>(value, "split", where);
  if (entry.split != "train" && entry.split != "val" && entry.split != "test") {
    throw Error(fmt::format("{}: split '{}' is not train, val or test", where, entry.split));
  }
  if (value.contains("part")) {
    entry.part = JsonRequire<std::string>(value, "part", where);
    if (entry.part != kUnseenCombinationPart || entry.split == "train") {
      throw Error(fmt::format("{}: part '{}' must be '{}', on a val or test clip", where,
                              entry.part, kUnseenCombinationPart));
    }
  }
  if (entry.id.empty() || entry.persons < 1 || entry.frames < 1 || !(entry.fps > 0.0f)) {
    throw Error(fmt::format("{}: clip '{}' needs an id, persons >= 1, frames >= 1 and fps > 0",
                            where, entry.id));
  }
  return entry;
}

std::vector<DatasetEntry> ReadDatasetIndex(const fs::path& dataset_dir) {
  std::error_code ec;
  if (!fs::is_directory(dataset_dir, ec)) {
    throw Error(fmt::format("{}: no such dataset folder", dataset_dir.string()));
  }
  const fs::path index = dataset_dir / "index.jsonl";
  if (!fs::is_regular_file(index, ec)) {
    throw Error(
        fmt::format("{}: not a dataset (no index.jsonl; build one with 'intersynth data "
                    "build')",
                    dataset_dir.string()));
  }
  std::istringstream lines(ReadFileToString(index));
  std::vector<DatasetEntry> entries;
  std::set<std::string> ids;
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", index.string(), number);
    DatasetEntry entry = DatasetEntryFromJson(line, where);
    if (!ids.insert(entry.id).second) {
      throw Error(fmt::format("{}: clip id '{}' repeats", where, entry.id));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

DatasetSummary SummarizeDataset(const std::vector<DatasetEntry>& entries) {
  DatasetSummary summary;
  for (const DatasetEntry& entry : entries) {
    const double minutes = entry.frames / entry.fps / 60.0;
    ++summary.clips;
    summary.frames += entry.frames;
    summary.minutes += minutes;
    ++summary.clips_by_persons[entry.persons];
    auto& source = summary.by_source[entry.source];
    ++source.first;
    source.second += minutes;
    auto& split = summary.by_split[entry.split];
    ++split.first;
    split.second += minutes;
    for (const std::string& label : entry.labels) ++summary.labels[label];
    if (entry.texts.empty()) ++summary.clips_without_text;
  }
  return summary;
}

std::string FormatDatasetSummary(const DatasetSummary& summary, int top_labels) {
  std::string out = fmt::format("{} clips, {:.1f} minutes ({} frames)\n", summary.clips,
                                summary.minutes, summary.frames);
  out += "persons:";
  for (const auto& [persons, clips] : summary.clips_by_persons) {
    out += fmt::format("  {} person{}: {} clips", persons, persons == 1 ? "" : "s", clips);
  }
  out += "\nsources:\n";
  for (const auto& [source, totals] : summary.by_source) {
    out += fmt::format("  {:<12} {:>6} clips  {:>7.1f} min\n", source, totals.first, totals.second);
  }
  out += "splits:\n";
  for (const char* split : {"train", "val", "test"}) {
    const auto it = summary.by_split.find(split);
    const int clips = it == summary.by_split.end() ? 0 : it->second.first;
    const double minutes = it == summary.by_split.end() ? 0.0 : it->second.second;
    out += fmt::format("  {:<12} {:>6} clips  {:>7.1f} min\n", split, clips, minutes);
  }
  if (summary.clips_without_text > 0) {
    out += fmt::format("without text: {} clips\n", summary.clips_without_text);
  }
  // Labels by count (ties by name), as a bar histogram.
  std::vector<std::pair<std::string, int>> labels(summary.labels.begin(), summary.labels.end());
  std::stable_sort(labels.begin(), labels.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const size_t shown = top_labels > 0 ? std::min<size_t>(labels.size(), top_labels) : labels.size();
  out += fmt::format("labels ({} distinct{}):\n", labels.size(),
                     shown < labels.size() ? fmt::format(", top {}", shown) : "");
  const int most = labels.empty() ? 1 : labels.front().second;
  size_t width = 0;
  for (size_t i = 0; i < shown; ++i) width = std::max(width, labels[i].first.size());
  for (size_t i = 0; i < shown; ++i) {
    const int bar = std::max(1, static_cast<int>(40.0 * labels[i].second / most + 0.5));
    out += fmt::format("  {:<{}} {:>6}  {}\n", labels[i].first, width, labels[i].second,
                       std::string(bar, '#'));
  }
  return out;
}

}  // namespace intersynth
