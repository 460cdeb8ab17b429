#pragma once
// `intersynth evaluate`: measures a generator against a dataset split with a
// trained evaluator, beside the real data and two baselines. Torch-free
// header.
//
// Protocol (Guo et al. 2022, as MDM and InterGen run it), per replication r
// (each with its own seed, so the spread over replications is the
// interval):
//   items       `samples` clips of the split in a random order (at most all of
//               them), one random caption each, a random crop of
//               L = min(frames, evaluator crop, generator max_frames) frames
//   sets        generated   the generator's motion for the caption, the
//                           clip's persons and L frames
//               real        the split's crops (FID against as many crops of
//                           the train split: the floor a model is measured
//                           against)
//               random_clip a random train clip with the same person count
//                           for every prompt (baseline a)
//               mean_pose   the dataset's mean pose held still, persons 1 m
//                           apart (baseline b)
//   metrics     FID against the split's real crops (real: against train
//               crops), R-precision top-1/2/3 and MM-Dist against the items'
//               captions (batches of 32 distinct captions), diversity over
//               min(300, n) pairs, multimodality over mm_prompts prompts with
//               mm_samples motions each and mm_pairs pairs (HumanML3D's 100 x
//               30 x 10 at 4,384 test clips, prompts scaled to the split),
//               physical plausibility (eval_metrics/plausibility.h)
// Every figure is the mean over replications with its 95% interval.
// The generator's train_clips.txt must not name a clip of the split
// (leakage); when the model folder has no such file the report says so.

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
  /// Replications (each draws items, crops and samples anew).
  int replications = 20;
  /// Items per replication (capped at the split's clips).
  int samples = 1000;
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
  uint64_t seed = 0;
  /// Where the networks run; threads <= 0: every core.
  ComputeDevice device = ComputeDevice::kCpu;
  int threads = 0;
  /// Measure the two baselines too.
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
  /// "generated", "real", "random_clip", "mean_pose".
  std::string set;
  std::vector<MetricFigure> metrics;
};

struct EvaluateReport {
  std::vector<SetFigures> sets;
  /// Distinct captions and clips the numbers rest on (per replication).
  int items = 0;
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
