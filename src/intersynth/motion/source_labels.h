#pragma once
// The labels each motion-capture source carries in its file names (and, for
// CMU, in a table beside the files), parsed into one shape for the dataset
// builder's text generation and splits.
//
// Name patterns (the extension is matched case-insensitively; folders before
// the name are ignored unless stated):
//
//   bandai     dataset-{N}_{content}_{style}_{id}.bvh
//              e.g. dataset-2_wave-right-hand_exhausted_011.bvh
//              labels = {content, style}
//   hdm05      HDM_{actor}_{class}_{take}_{fps}.amc
//              e.g. train/3/HDM_bd_grabHighR_001_120.amc
//              labels = {class}; split_hint from a folder named train/ or test/
//              in the path, else from the actor (bd, bk, dg: train; mm, tr: test)
//   cmu        {subject}_{trial}.bvh (or .amc), e.g. 13_14.bvh
//              labels = {description} from cmu_trials.tsv when the trial is listed
//   reactidle  {person}_{acted|genuine}.bvh, e.g. 007_acted.bvh
//              labels = {"idle", "acted"} or {"idle", "genuine"}; the number is
//              the performer (the README: 000_acted and 000_genuine are one person)
//
// Every parser throws intersynth::Error naming the file and the expected
// pattern when a name does not match.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace intersynth {

/// Labels of one take, as its source states them (raw tokens, not sentences).
struct SourceLabels {
  std::string source;               ///< "bandai", "hdm05", "cmu" or "reactidle".
  std::string take;                 ///< file name without folder and extension.
  std::vector<std::string> labels;  ///< source-specific order, see the header comment.
  std::string actor;                ///< performer code when the source names one, else "".
  std::string split_hint;           ///< "train", "test" or "" (the source has no split).
};

/// Bandai Namco: `dataset-N_{content}_{style}_{id}.bvh` -> labels {content,
/// style} (e.g. {"wave-right-hand", "normal"}); actor "" (not in the name);
/// split_hint "". Throws Error naming the file when the name does not match.
SourceLabels ParseBandaiName(const std::string& path);

/// HDM05 (cut classes): `HDM_{actor}_{class}_{take}_{fps}.amc` -> labels
/// {class} (e.g. {"grabHighR"}), actor (e.g. "bd"), split_hint from a `train`
/// or `test` folder in `path`, else from the actor (see Hdm05SplitOfActor).
/// Throws Error naming the file when the name does not match.
SourceLabels ParseHdm05Name(const std::string& path);

/// HDM05's split by actor as used by the shared copy: "train" for bd, bk, dg;
/// "test" for mm, tr; "" for any other actor.
std::string Hdm05SplitOfActor(const std::string& actor);

/// ReActIdle: `{NNN}_{acted|genuine}.bvh` -> labels {"idle", "acted"} or
/// {"idle", "genuine"}, actor "NNN". Throws Error naming the file otherwise.
SourceLabels ParseReactIdleName(const std::string& path);

/// A CMU trial number: file `13_14.bvh` is subject 13, trial 14.
struct CmuTrialId {
  int subject = 0;  ///< subject number (>= 1 in the CMU database).
  int trial = 0;    ///< trial number within the subject.
};

/// Parses `{subject}_{trial}.bvh` (or `.amc`; leading zeros allowed). Throws
/// Error naming the file when the name does not match.
CmuTrialId ParseCmuName(const std::string& path);

/// One row of cmu_trials.tsv.
struct CmuTrial {
  CmuTrialId id;                    ///< from the `trial` column ("13_14").
  std::string description;          ///< what the trial shows, e.g. "laugh".
  std::string subject_description;  ///< what the subject's session is about ("" if no column).
};

/// The trial descriptions of cmu_trials.tsv, looked up by (subject, trial).
class CmuTrialIndex {
 public:
  /// Adds a trial; throws Error when (subject, trial) is already present.
  void Add(CmuTrial trial);
  /// The trial's description, std::nullopt when the trial is not listed.
  std::optional<std::string> Find(int subject, int trial) const;
  /// The whole row, nullptr when the trial is not listed.
  const CmuTrial* FindTrial(int subject, int trial) const;
  /// Number of trials.
  size_t size() const { return trials_.size(); }

 private:
  std::map<std::pair<int, int>, CmuTrial> trials_;
};

/// Reads a tab-separated table whose header names at least the columns
/// `trial` ("SS_TT") and `description`, optionally `subject` (checked against
/// the trial's subject) and `subject_description`, in any order. Blank lines
/// and CR line ends are accepted. Throws Error naming the file and line for a
/// missing column, a malformed trial, a subject mismatch or a duplicate trial.
CmuTrialIndex LoadCmuTrials(const std::string& path);

/// CMU: `{subject}_{trial}.bvh` -> labels {description} when `index` lists the
/// trial (no labels otherwise, or when index is nullptr), actor = the subject
/// number ("13"), split_hint "". Throws Error naming the file for a bad name.
SourceLabels ParseCmuLabels(const std::string& path, const CmuTrialIndex* index);

/// Dispatches on `source` ("bandai", "hdm05", "cmu", "reactidle"); `cmu_index`
/// is used for "cmu" only. Throws Error for an unknown source (listing the
/// known ones) or a name that does not match the source's pattern.
SourceLabels ParseSourceLabels(const std::string& source,
                               const std::string& path,
                               const CmuTrialIndex* cmu_index = nullptr);

}  // namespace intersynth
