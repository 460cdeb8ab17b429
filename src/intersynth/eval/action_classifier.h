#pragma once
// The action classifier: which action (and which style) a motion shows, as
// a label of the dataset it was trained on. It is the interpretable
// text-following figure of `intersynth evaluate` for label-like captions (the
// "action accuracy" of ACTOR, Petrovich et al. 2021, and MDM's
// action-to-motion tables): generate "a person raises the left hand", and
// count how often the classifier says raise-up-left-hand. Torch-free header.
//
// Labels (ContentLabel, StyleLabel): Bandai's content and style, HDM05's
// class, ReActIdle's content ("idle") and its acted / genuine style. CMU's
// free-text trials, NuiSI pairs and corpora without labels are left out.
//
// Network (one person; eval/action_classifier.cc): the normalised 262
// features (motion/features_262.h, the dataset's statistics) without the 4
// foot contacts, canonical on the motion's first frame, [T, 258] ->
//   3 x (Conv1d kernel 5 -> GELU -> dropout), strides 1, 2, 2, width `width`
//   -> masked mean and max over time -> Linear -> GELU -> content head, style head
// trained with cross-entropy on random crops of min_crop..max_crop frames
// (AdamW, cosine learning rate); the style loss only where a style exists.
// Temporal convolutions with global pooling take any length, so a whole
// test clip (up to 196 frames) is classified at once.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "intersynth/motion/dataset.h"

namespace intersynth {

struct MotionClip;

/// The action label a clip is classified by: Bandai's content, HDM05's class,
/// ReActIdle's content; "" for sources without one (CMU, NuiSI, corpora).
std::string ContentLabel(const DatasetEntry& entry);

/// The style label: Bandai's style, ReActIdle's acted / genuine; "" otherwise.
std::string StyleLabel(const DatasetEntry& entry);

struct ActionClassifierTrainOptions {
  std::filesystem::path data_dir;
  /// Output folder (written whole at the end; must not exist unless overwrite).
  std::filesystem::path out_dir;
  int steps = 3000;
  int batch = 64;
  double lr = 1e-3;
  double weight_decay = 0.01;
  int width = 128;
  double dropout = 0.2;
  /// Training crops are min_crop..max_crop frames (clips shorter than
  /// min_crop are used whole).
  int min_crop = 40;
  int max_crop = 120;
  /// Joint noise of the training crops: each crop's joints get Gaussian
  /// noise of a standard deviation drawn uniformly from [0, noise_m] metres
  /// (then re-encoded), so that the classifier labels the action and not the
  /// noise level (generated motion jitters more than mocap; clean synthetic
  /// data otherwise teaches it that any velocity means walking). 0: none.
  double noise_m = 0.0;
  uint64_t seed = 1;
  /// LibTorch threads; <= 0: every core.
  int threads = 0;
  bool overwrite = false;
  bool progress = true;
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Accuracy of one label over a set of items.
struct LabelAccuracy {
  std::string label;
  int items = 0;
  int correct = 0;
  double accuracy() const { return items > 0 ? static_cast<double>(correct) / items : 0.0; }
};

/// Top-1 accuracy overall and per label, with chance (1 / labels that occur).
struct AccuracyReport {
  int items = 0;
  int correct = 0;
  std::vector<LabelAccuracy> labels;
  double accuracy() const { return items > 0 ? static_cast<double>(correct) / items : 0.0; }
  /// Mean of the per-label accuracies (classes count alike).
  double balanced_accuracy() const;
  /// 1 / number of distinct true labels (a uniform guess among them).
  double chance() const { return labels.empty() ? 0.0 : 1.0 / labels.size(); }
};

/// Scores predictions against truths (same length; "" truths are skipped).
AccuracyReport ScoreLabels(const std::vector<std::string>& truth,
                           const std::vector<std::string>& predicted);

/// A table of the report (per label, overall, balanced, chance).
std::string FormatAccuracy(const AccuracyReport& report, const std::string& title);

struct ActionClassifierTrainReport {
  int train_clips = 0;
  int val_clips = 0;
  int contents = 0;
  int styles = 0;
  AccuracyReport val_content;
  AccuracyReport val_style;
  double seconds = 0.0;
  std::string summary;
};

/// Trains on the train split and scores on val (or test when the dataset has
/// no val clip with a label; the summary says which). Throws Error for a
/// dataset without labelled clips and OptionError for bad options.
ActionClassifierTrainReport TrainActionClassifier(const ActionClassifierTrainOptions& options);

struct ActionPrediction {
  std::string content;
  double content_probability = 0.0;
  /// "" when the classifier knows no styles.
  std::string style;
};

/// A trained classifier folder: classifier.json (labels, architecture,
/// scores), weights.pt, mean_262.npy / std_262.npy, train_clips.txt.
class ActionClassifier {
 public:
  /// Throws Error naming the missing or malformed file.
  static ActionClassifier Load(const std::filesystem::path& dir);
  ActionClassifier(ActionClassifier&&) noexcept;
  ActionClassifier& operator=(ActionClassifier&&) noexcept;
  ~ActionClassifier();

  const std::vector<std::string>& contents() const;
  const std::vector<std::string>& styles() const;
  /// Clip ids it was trained on (for leakage checks).
  const std::vector<std::string>& train_clips() const;

  /// Person `person` of each motion (at least 2 frames; the classifier's
  /// frame rate): content and style. Throws Error for a motion without
  /// that person or with fewer than 2 frames.
  std::vector<ActionPrediction> Classify(const std::vector<MotionClip>& motions,
                                         int person = 0) const;

 private:
  struct Impl;
  explicit ActionClassifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace intersynth
