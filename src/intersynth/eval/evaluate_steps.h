#pragma once
// `intersynth evaluate-steps`: how many DDIM steps a generator needs. Quality
// against speed, paired: every step count generates the same items and
// plain prompts from the same seeds, so the differences to the reference
// step count are measured on the same motions' noise, not on two draws.
// Torch-free header.
//
// Protocol, per replication r:
//   items     n clips of the split in a random order, one random caption and
//             a random crop each (as `evaluate` draws them); the items' real
//             crops are the reference of KID
//   prompts   action_samples motions per content label from its plain
//             caption (as `evaluate`'s plain-prompt table)
//   per step count s: every item and prompt generated with the same seed;
//             KID_s against the items' crops, and per motion with a content
//             label whether the action classifier names it
// Paired differences to the reference step count (default 50):
//   KID       KID_s - KID_ref per replication; Student-t 95% interval over
//             replications
//   accuracy  correct_s - correct_ref per classified motion (items and
//             prompts, every replication); Student-t 95% interval over
//             motions
// A step count is within the margins when the interval's upper end of the
// KID difference is at most kid_margin x the reference's mean KID and its
// lower end of the accuracy difference is at least -accuracy_margin; the
// recommendation is the fewest steps within both.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/diffusion/config.h"
#include "intersynth/eval_metrics/embedding_metrics.h"
#include "intersynth/util/device.h"

namespace intersynth {

struct StepsStudyOptions {
  std::filesystem::path model_dir;
  std::filesystem::path evaluator_dir;
  /// The action classifier (required: accuracy is half of the question).
  std::filesystem::path classifier_dir;
  std::filesystem::path data_dir;
  /// Models are chosen on val, never on test.
  std::string split = "val";
  /// DDIM step counts to compare, and the one each is paired with (added
  /// to `steps` when missing).
  std::vector<int> steps = {10, 20, 50, 100};
  int reference_steps = 50;
  int replications = 5;
  /// Items per replication (capped at the split's clips).
  int samples = 200;
  /// Plain-caption motions per content label and replication (at least 1).
  int action_samples = 2;
  double guidance = 2.5;
  JointDecoding decoding = JointDecoding::kPositions;
  /// Gaussian smoothing of every generated motion (GenerateOptions).
  double smooth_frames = 0.0;
  /// Foot locking of every generated motion (GenerateOptions).
  bool foot_lock = false;
  /// Margins: the accuracy may fall by at most `accuracy_margin` (absolute)
  /// and KID may rise by at most `kid_margin` x the reference's KID, each
  /// at the end of its 95% interval.
  double accuracy_margin = 0.03;
  double kid_margin = 0.10;
  uint64_t seed = 0;
  ComputeDevice device = ComputeDevice::kCpu;
  int threads = 0;
  /// The report folder (report.json, report.md); replaced atomically.
  std::filesystem::path out_dir;
  bool progress = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// A paired difference: its mean and 95% interval [low, high].
struct PairedDifference {
  double mean = 0.0;
  double low = 0.0;
  double high = 0.0;
};

/// The Student-t 95% interval of the mean of `differences` (at least 2).
PairedDifference SummarizePaired(const std::vector<double>& differences);

struct StepsRow {
  int steps = 0;
  /// Mean wall time of one motion (one item's length, guidance included).
  double seconds_per_motion = 0.0;
  /// KID against the items' crops over replications.
  MeanInterval kid;
  /// Share of classified motions labelled with their content, over all
  /// replications.
  double accuracy = 0.0;
  int classified = 0;
  /// Against the reference step count (the reference's own row: 0).
  PairedDifference kid_difference;
  PairedDifference accuracy_difference;
  bool within_margins = false;
};

struct StepsStudyReport {
  /// In ascending step count.
  std::vector<StepsRow> rows;
  int reference_steps = 0;
  /// The fewest steps within both margins (the reference is).
  int recommended_steps = 0;
  /// The margins in absolute terms: accuracy and KID (kid_margin x the
  /// reference's mean KID).
  double accuracy_margin = 0.0;
  double kid_margin_absolute = 0.0;
  int items = 0;
  int prompts = 0;
  int split_clips = 0;
  std::vector<std::string> leakage;
  std::vector<std::string> notes;
  std::filesystem::path report_json;
  std::filesystem::path report_md;
};

/// Decides which rows are within the margins and the recommendation (the
/// fewest steps within both), and appends a note for each row left out by
/// an interval too wide to decide (wider than twice its margin). `rows`
/// ascending, one of them the reference; throws Error when none is.
void DecideSteps(StepsStudyReport& report, double kid_margin);

/// Runs the protocol above and writes the report folder. Throws Error as
/// Evaluate does (unreadable folders, layouts, leakage) and for a split
/// with fewer than 2 clips or no content label the classifier knows.
StepsStudyReport StudySteps(const StepsStudyOptions& options);

}  // namespace intersynth
