#pragma once
// The intersynth motion dataset on disk, as `intersynth data build` writes it
// and every later stage (train, evaluate, prior) reads it:
//
//   DIR/dataset.json        manifest: format, version, fps, max_frames, the
//                           sources with their counts, skipped files, and the
//                           feature statistics' provenance
//   DIR/index.jsonl         one JSON object per clip (DatasetEntry), sorted by id
//   DIR/clips/<id>.npz      motion files (motion/motion_file.h): smpl22 joints
//                           [P, T, 22, 3], floor at y = 0, canonical (person 0's
//                           root over the origin facing +Z at frame 0), bones
//                           at constant length, `valid` where a sensor missed
//                           joints
//   DIR/mean_262.npy        per-channel mean and std [262] of the 262 features
//   DIR/std_262.npy         (motion/features_262.h) over the train split
//   DIR/{train,val,test}.txt  the clip ids of each split, one per line
//
// Splits: the source's own where it has one (HDM05 by actor, HumanML3D and
// InterHuman by their lists); otherwise deterministic from a hash of the
// take's split group (the take, or its performer where the source names one),
// so that the cuts of one take, and the takes of one performer, never
// straddle splits.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace intersynth {

/// Every clip's floor: this percentile of the per-frame lowest foot joint over
/// all its persons is put at y = 0 (body/retarget.h PutOnFloor). Generated
/// motions are put on the floor by the same rule. 10 ignores dips that last
/// under a tenth of the clip (a CMU 131_02 ankle sinks 5 cm for 8 of 104
/// frames) and keeps running and jumping clips, whose feet are down in more
/// than a tenth of the frames, on the ground.
inline constexpr double kDatasetFloorPercentile = 10.0;

/// The dataset format written here (dataset.json "version").
inline constexpr int kDatasetVersion = 1;

/// One line of index.jsonl.
struct DatasetEntry {
  /// Unique clip id, also the file stem under clips/.
  std::string id;
  /// Path of the motion file relative to the dataset folder ("clips/<id>.npz").
  std::string file;
  /// Source kind ("bandai", "hdm05", "cmu", "reactidle", "nuisi", "humanml3d",
  /// "interhuman", "recovered").
  std::string source;
  /// The take the clip was cut from (file stem, or NuiSI repetition).
  std::string take;
  /// The source file, relative to the source folder or archive.
  std::string source_file;
  /// Licence of the source.
  std::string licence;
  int persons = 0;
  int frames = 0;
  float fps = 0.0f;
  /// First frame of the clip within its take (at the dataset's fps).
  int start_frame = 0;
  std::vector<std::string> texts;
  std::vector<std::string> labels;
  /// "train", "val" or "test".
  std::string split;
  /// "" or kUnseenCombinationPart: a val or test clip whose content x style
  /// combination no training clip shows (DatasetBuildOptions::
  /// unseen_combination_fraction). Written only when not empty.
  std::string part;
};

/// DatasetEntry::part of held-out content x style combinations.
inline constexpr const char* kUnseenCombinationPart = "unseen-combination";

/// Serialises an entry as one JSON line (no newline).
std::string DatasetEntryToJson(const DatasetEntry& entry);

/// Parses one index line; `where` ("index.jsonl:12") names it in errors.
/// Throws Error for malformed JSON, a missing or mistyped field, or an
/// unknown split.
DatasetEntry DatasetEntryFromJson(const std::string& line, const std::string& where);

/// Reads DIR/index.jsonl. Throws Error when DIR or the index is missing, a
/// line is malformed or an id repeats.
std::vector<DatasetEntry> ReadDatasetIndex(const std::filesystem::path& dataset_dir);

/// Totals of a dataset for `intersynth data info`.
struct DatasetSummary {
  int clips = 0;
  int64_t frames = 0;
  double minutes = 0.0;
  /// Clips by number of persons.
  std::map<int, int> clips_by_persons;
  /// Per source: clips and minutes.
  std::map<std::string, std::pair<int, double>> by_source;
  /// Per split: clips and minutes.
  std::map<std::string, std::pair<int, double>> by_split;
  /// Clips per label, and clips without text.
  std::map<std::string, int> labels;
  int clips_without_text = 0;
};

/// Sums up index entries.
DatasetSummary SummarizeDataset(const std::vector<DatasetEntry>& entries);

/// The multi-line text `intersynth data info DIR` prints: clips, minutes,
/// persons, sources, splits and the `top_labels` most frequent labels as a
/// histogram (all of them when top_labels <= 0).
std::string FormatDatasetSummary(const DatasetSummary& summary, int top_labels = 30);

}  // namespace intersynth
