#pragma once
// `intersynth evaluate`: measures a generator against a dataset split with a
// trained evaluator, beside the real data and two baselines. Torch-free
// header.
//
// Protocol, per replication r (each with its own seed, so the spread over
// replications is the interval):
//   halves      the split's clips in a random order, cut into two disjoint
//               halves A and B; n = min(samples, |split| / 2)
//   items       the first n clips of A, one random caption each, a random crop
//               of L = min(frames, evaluator crop, generator max_frames)
//   sets        real          the first n clips of B (own captions and crops):
//                             the floor, real against real at the same n
//               generated     the generator's motion for each item's caption,
//                             persons and L frames
//               caption_blind the same seeds at guidance 0 (the unconditional
//                             model): the text-following floor
//               random_clip   a random train clip with the item's persons,
//                             cut to the item's L frames
//               mean_pose     the dataset's mean pose held still for L frames,
//                             persons 1 m apart
//   metrics     FID and KID against the items' real crops (every set n vs n,
//               so FID's bias, which depends on n, is the same in every
//               column), R-precision top-1/2/3 and MM-Dist (batches of 32
//               pairs with distinct label sets: captions of one label set are
//               never each other's negatives), diversity, multimodality,
//               nearest training clip (memorisation), plausibility, and with
//               an action classifier content and style accuracy (overall, and
//               for the items of seen and of unseen content x style
//               combinations)
//   prompts     with an action classifier: for every content label of the
//               split, action_samples motions per replication generated from
//               its plain caption ("a person raises the left hand") and as many
//               at guidance 0, and as many real crops of the label, classified
//   scenes      the multi-person benchmark: `scenes` composed 2- and 3-person
//               prompts from the split's single-person captions ("one person A
//               while another B", motion/scene_compose.h JoinCaptions); the
//               model's scene beside the same clips composed as the trainer
//               composes them (the real column): per-person action accuracy
//               against its own clause, inter-person penetration, the closest
//               pelvis distance and the share of scenes where two pelvises
//               come within 0.3 m
// Every figure is the mean over replications with its Student-t 95%
// interval. Leakage (eval/leakage.h): the generator's, the evaluator's and
// the classifier's training clips, takes and performers must not meet the
// split; a network without a list of its training clips is named in a note.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/diffusion/config.h"
#include "intersynth/util/device.h"

namespace intersynth {

struct EvaluateOptions {
  /// The generator (a run or model folder).
  std::filesystem::path model_dir;
  /// The evaluator folder (`intersynth evaluator train --out`).
  std::filesystem::path evaluator_dir;
  /// The dataset and the split the generator is measured on.
  std::filesystem::path data_dir;
  std::string split = "test";
  /// Replications (each draws halves, items, crops and samples anew).
  int replications = 5;
  /// Items per replication (capped at half the split's clips).
  int samples = 1000;
  /// The action classifier folder (`intersynth classifier train`); empty:
  /// no action accuracy.
  std::filesystem::path classifier_dir;
  /// Motions per content label and replication from the label's plain
  /// caption (with a classifier).
  int action_samples = 2;
  /// Multi-person benchmark: composed scenes per replication (half of 2
  /// persons, half of 3; 0: none).
  int scenes = 20;
  /// The smallest pelvis distance of the composed real scenes (the
  /// trainer's composed_min_separation_m), metres.
  double scene_separation_m = 0.8;
  /// Multimodality: prompts (0: 100 scaled by split clips / 4,384, at least
  /// 2), motions per prompt and pairs per prompt.
  int mm_prompts = 0;
  int mm_samples = 30;
  int mm_pairs = 10;
  /// Diversity pairs (capped at the items per replication).
  int diversity_pairs = 300;
  /// Sampling of the generator.
  double guidance = 2.5;
  SamplerKind sampler = SamplerKind::kDdim;
  int sampler_steps = 50;
  JointDecoding decoding = JointDecoding::kPositions;
  /// Gaussian smoothing of every generated motion (GenerateOptions).
  double smooth_frames = 0.0;
  /// Foot locking of every generated motion (GenerateOptions).
  bool foot_lock = false;
  uint64_t seed = 0;
  /// Where the networks run; threads <= 0: every core.
  ComputeDevice device = ComputeDevice::kCpu;
  int threads = 0;
  /// Measure the baselines too (caption-blind, random clip, mean pose).
  bool baselines = true;
  /// The report folder (report.json, report.md, metrics.png); replaced
  /// atomically.
  std::filesystem::path out_dir;
  bool progress = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// One figure of one set: mean and 95% half-interval over replications (NaN
/// when it does not apply, e.g. multimodality of real data).
struct MetricFigure {
  std::string name;
  double mean = 0.0;
  double ci95 = 0.0;
};

struct SetFigures {
  /// "generated", "real", "caption_blind", "random_clip", "mean_pose".
  std::string set;
  std::vector<MetricFigure> metrics;
};

/// Plain-caption action accuracy of one content label, summed over
/// replications: correct / motions for each set.
struct PromptAccuracy {
  std::string label;
  std::string prompt;
  int motions = 0;
  int real_correct = 0;
  int generated_correct = 0;
  int caption_blind_correct = 0;
};

struct EvaluateReport {
  std::vector<SetFigures> sets;
  /// Per content label (with a classifier; empty otherwise), and the overall
  /// accuracies over replications in `sets` ("prompt_accuracy").
  std::vector<PromptAccuracy> prompts;
  /// Items per replication (the n of every FID and KID) and the clips and
  /// distinct captions and label sets the numbers rest on.
  int items = 0;
  int label_sets = 0;
  /// Items of the unseen content x style part per replication (mean).
  double unseen_items = 0.0;
  /// One line per network of the leakage check.
  std::vector<std::string> leakage;
  /// The first prompts of the multi-person benchmark (for the report).
  std::vector<std::string> scene_examples;
  int distinct_captions = 0;
  int split_clips = 0;
  /// Things a reader must know (caps that applied, missing leakage check).
  std::vector<std::string> notes;
  std::filesystem::path report_json;
  std::filesystem::path report_md;
};

/// Runs the protocol above and writes the report folder. Throws Error for
/// unreadable folders, an evaluator of another feature layout or frame
/// rate, an empty split, a split clip with more persons than the generator
/// or evaluator takes, or leakage.
EvaluateReport Evaluate(const EvaluateOptions& options);

}  // namespace intersynth
