#pragma once
// Leakage between what a network trained on and the split it is measured
// on, at the three levels that can leak (clips, takes, performers), for
// every network an evaluation rests on (the generator, the evaluator, the
// action classifier). Clip ids alone say little: splits keep clips disjoint
// by construction, while the cuts of one take or the takes of one performer
// can still straddle them when a network trained on another dataset's split.
// Torch-free.

#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/motion/dataset.h"

namespace intersynth {

/// The performer of a clip, prefixed with its source ("hdm05:bd", "cmu:13",
/// "reactidle:007"), or "" where the source does not name one (Bandai,
/// NuiSI, corpora). Throws Error when a source that names performers has a
/// file name that does not parse.
std::string PerformerOf(const DatasetEntry& entry);

/// The clips one network trained on.
struct TrainedOn {
  /// "generator", "evaluator", "action classifier".
  std::string network;
  std::vector<std::string> clip_ids;
};

/// What one network shares with the evaluated split.
struct LeakageFinding {
  std::string network;
  /// Training clips found in the dataset's index (takes and performers are
  /// only known for these) and those that are not.
  int known_clips = 0;
  int unknown_clips = 0;
  /// Split clips that are training clips, that come from a training take,
  /// that show a training performer.
  int shared_clips = 0;
  int shared_takes = 0;
  int shared_performers = 0;
  /// Up to three examples of what is shared ("clip X", "take Y", "performer Z").
  std::vector<std::string> examples;

  bool leaks() const { return shared_clips + shared_takes + shared_performers > 0; }
  /// One line: "generator: 0 of 468 test clips share a clip, take or performer
  /// with its 2455 training clips".
  std::string Summary(const std::string& split, int split_clips) const;
};

/// Compares each network's training clips with the clips of `split` in
/// `index` (the dataset's index). Takes and performers are compared within a
/// source.
std::vector<LeakageFinding> FindLeakage(const std::vector<DatasetEntry>& index,
                                        const std::string& split,
                                        const std::vector<TrainedOn>& networks);

/// Adds the clips listed in `list` (a train_clips.txt) as `network`'s, or,
/// where there is no such file, a note that its leakage was not checked.
void AddTrainedOn(const std::string& network,
                  const std::filesystem::path& list,
                  std::vector<TrainedOn>& networks,
                  std::vector<std::string>& notes);

/// FindLeakage as a gate: throws Error naming the first network that shares
/// a clip, take or performer with `split` (`split_clips` clips), else
/// returns one Summary line per network.
std::vector<std::string> CheckNoLeakage(const std::vector<DatasetEntry>& index,
                                        const std::string& split,
                                        int split_clips,
                                        const std::vector<TrainedOn>& networks);

}  // namespace intersynth
