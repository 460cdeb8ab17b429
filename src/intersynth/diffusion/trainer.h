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

namespace intersynth {

struct TrainOptions {
  /// The dataset folder (data build output).
  std::filesystem::path data_dir;
  /// The run folder. Must not exist (or be empty) unless `resume`.
  std::filesystem::path run_dir;
  /// "cpu", "gpu" or a config file. On resume, empty means the run's own
  /// config; otherwise its model/text/diffusion sections must match the run's.
  std::string config = "cpu";
  /// Override train.steps (total steps of the run) when > 0.
  int64_t steps = 0;
  /// Override train.batch (global batch) when > 0.
  int batch = 0;
  /// "cpu" or "cuda".
  std::string device = "cpu";
  /// LibTorch intra-op threads; <= 0: the hardware cores divided by the processes.
  int threads = 0;
  /// Continue the run in run_dir from its checkpoint.
  bool resume = false;
  /// Threads that load and encode the dataset.
  int load_jobs = 2;
  /// This process's place in a data-parallel job (one process by default).
  DistributedOptions distributed;
  /// Stop (with a checkpoint) after this many steps of this call, when > 0;
  /// the learning-rate schedule still runs to train.steps.
  int64_t stop_after_steps = 0;
  /// Stop (with a checkpoint) after this many minutes of this call, when > 0.
  double max_minutes = 0.0;
  /// Print the progress line (rank 0 only).
  bool progress = true;
};

struct TrainReport {
  bool success = true;
  std::string message;
  /// The step the run reached (the checkpoint's step).
  int64_t step = 0;
  /// Steps this call trained.
  int64_t steps_trained = 0;
  /// Mean loss over the last log interval, and the last validation loss (NaN if none).
  double loss = 0.0;
  double val_loss = 0.0;
  /// Global samples per second over this call.
  double samples_per_s = 0.0;
  /// Stopped by Ctrl-C (a checkpoint was written).
  bool interrupted = false;
  /// Stopped by stop_after_steps or max_minutes before train.steps.
  bool paused = false;
};

/// The learning rate of step `step` (0-based): linear warm-up over the first
/// w = warmup_steps steps, then cosine decay from lr to lr * min_lr_ratio at
/// the last step S = steps:
///   s < w:  lr * (s + 1) / w
///   else:   lr * (m + (1 - m) * (1 + cos(pi * (s - w) / max(1, S - w))) / 2)
double LearningRate(const TrainConfig& config, int64_t step);

/// Trains (see the header comment). Throws Error for bad options, a bad
/// dataset, a run folder in the wrong state, or a checkpoint that does not
/// match the config.
TrainReport Train(const TrainOptions& options);

}  // namespace intersynth
