#include "intersynth/eval/leakage.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "intersynth/motion/source_labels.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {

std::string PerformerOf(const DatasetEntry& entry) {
  if (entry.source != "hdm05" && entry.source != "cmu" && entry.source != "reactidle") return "";
  const SourceLabels labels = ParseSourceLabels(entry.source, entry.source_file, nullptr);
  return labels.actor.empty() ? "" : entry.source + ":" + labels.actor;
}

std::string LeakageFinding::Summary(const std::string& split, int split_clips) const {
  std::string line = fmt::format("{}: {} of its {} training clips", network, known_clips,
                                 known_clips + unknown_clips);
  line += unknown_clips > 0 ? fmt::format(
                                  " are in the dataset ({} are not: their takes and "
                                  "performers are unchecked);",
                                  unknown_clips)
                            : " are in the dataset;";
  line += fmt::format(
      " of the {} {} clips, {} are training clips, {} come from a training take, "
      "{} show a training performer",
      split_clips, split, shared_clips, shared_takes, shared_performers);
  if (!examples.empty()) {
    line += " (";
    for (size_t i = 0; i < examples.size(); ++i) line += (i ? ", " : "") + examples[i];
    line += ")";
  }
  return line;
}

std::vector<LeakageFinding> FindLeakage(const std::vector<DatasetEntry>& index,
                                        const std::string& split,
                                        const std::vector<TrainedOn>& networks) {
  std::map<std::string, const DatasetEntry*> by_id;
  for (const DatasetEntry& entry : index) by_id[entry.id] = &entry;
  std::vector<LeakageFinding> findings;
  for (const TrainedOn& network : networks) {
    LeakageFinding finding;
    finding.network = network.network;
    std::set<std::string> clips, takes, performers;
    for (const std::string& id : network.clip_ids) {
      const auto found = by_id.find(id);
      clips.insert(id);
      if (found == by_id.end()) {
        ++finding.unknown_clips;
        continue;
      }
      ++finding.known_clips;
      takes.insert(found->second->source + ":" + found->second->take);
      const std::string performer = PerformerOf(*found->second);
      if (!performer.empty()) performers.insert(performer);
    }
    auto example = [&](const std::string& text) {
      if (finding.examples.size() < 3) finding.examples.push_back(text);
    };
    for (const DatasetEntry& entry : index) {
      if (entry.split != split) continue;
      if (clips.count(entry.id)) {
        ++finding.shared_clips;
        example("clip " + entry.id);
      }
      if (takes.count(entry.source + ":" + entry.take)) {
        ++finding.shared_takes;
        example("take " + entry.take);
      }
      const std::string performer = PerformerOf(entry);
      if (!performer.empty() && performers.count(performer)) {
        ++finding.shared_performers;
        example("performer " + performer);
      }
    }
    findings.push_back(std::move(finding));
  }
  return findings;
}

void AddTrainedOn(const std::string& network,
                  const std::filesystem::path& list,
                  std::vector<TrainedOn>& networks,
                  std::vector<std::string>& notes) {
  if (std::filesystem::is_regular_file(list)) {
    networks.push_back({network, ReadNonEmptyLines(list)});
  } else {
    notes.push_back(
        fmt::format("{} has no {}: its leakage was not checked", network, list.string()));
  }
}

std::vector<std::string> CheckNoLeakage(const std::vector<DatasetEntry>& index,
                                        const std::string& split,
                                        int split_clips,
                                        const std::vector<TrainedOn>& networks) {
  std::vector<std::string> lines;
  for (const LeakageFinding& finding : FindLeakage(index, split, networks)) {
    const std::string line = finding.Summary(split, split_clips);
    if (finding.leaks()) {
      throw Error(
          fmt::format("leakage: {}; evaluate on another split or dataset, or retrain it", line));
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace intersynth
