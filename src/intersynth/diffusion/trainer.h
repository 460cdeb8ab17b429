#pragma once
// `intersynth train`: trains the multi-person motion diffusion model on a
// dataset (motion/dataset.h) into a run folder (diffusion/run_files.h).
// Torch-free header; the work happens in trainer.cc.
//
// Each step: PlanStep + DrawSample for the B samples of the step (this
// process takes its shard, training_data.h), x_t = q_sample(x_0, t, eps), the
// model predicts x_0, ComputeLosses (losses.h), backward, gradients averaged
// over processes (distributed.h), global-norm clip, AdamW with linear warm-up
// and cosine decay, then the EMA update. Everything random is a function of
// (seed, step, sample), and dropout is reseeded every step, so a resumed run
// continues exactly as the uninterrupted one would have (CPU; CUDA kernels
// may differ in the last bits).
//
// Checkpoints every train.checkpoint_every steps, at the end, and when Ctrl-C
// (SIGINT/SIGTERM) arrives: the folder RUN/checkpoint is replaced atomically,
// so a crash mid-write leaves the previous checkpoint.

#include <cstdint>
#include <filesystem>
#include <string>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/distributed.h"
#include "intersynth/diffusion/training_run.h"

namespace intersynth {

/// Options of Train: the run folder's (training_run.h) and this process's
/// place in a data-parallel job.
struct TrainOptions : TrainingRunOptions {
  /// One process by default.
  DistributedOptions distributed;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What Train did.
struct TrainReport : TrainingRunReport {
  /// Global samples per second over this call.
  double samples_per_s = 0.0;
};

/// The learning rate of step `step` (0-based): linear warm-up over the first
/// w = warmup_steps steps, then cosine decay from lr to lr * min_lr_ratio at
/// the last step S = steps:
///   s < w:  lr * (s + 1) / w
///   else:   lr * (m + (1 - m) * (1 + cos(pi * (s - w) / max(1, S - w))) / 2)
double LearningRate(const TrainConfig& config, int64_t step);

/// Trains (see the header comment). Throws OptionError for bad options or a
/// run folder in the wrong state, and Error for a bad dataset or a
/// checkpoint that does not match the config.
TrainReport Train(const TrainOptions& options);

}  // namespace intersynth
