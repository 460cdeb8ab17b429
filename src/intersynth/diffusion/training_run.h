#pragma once
// What the training commands share: `intersynth train` (diffusion/trainer.h)
// and `intersynth evaluator train` (eval/evaluator_train.h) take these
// options and report these figures. Torch-free header; the loop's shared
// machinery is diffusion/training_loop.h.

#include <cstdint>
#include <filesystem>
#include <string>

#include "intersynth/util/device.h"

namespace intersynth {

/// Options of a training run folder (diffusion/run_files.h).
struct TrainingRunOptions {
  /// The dataset folder (data build output).
  std::filesystem::path data_dir;
  /// The run folder. Must not exist (or be empty) unless `resume`.
  std::filesystem::path out_dir;
  /// A config name ("cpu", "gpu") or file. Empty: "cpu" for a new run, the
  /// run's own config on resume.
  std::string config = "cpu";
  /// Override train.steps (total steps of the run) when > 0.
  int64_t steps = 0;
  /// Override train.batch (global batch) when > 0.
  int batch = 0;
  ComputeDevice device = ComputeDevice::kCpu;
  /// LibTorch intra-op threads; <= 0: the hardware cores (divided by the
  /// processes of a data-parallel run).
  int threads = 0;
  /// Continue the run in out_dir from its checkpoint.
  bool resume = false;
  /// Threads that load and encode the dataset.
  int load_jobs = 2;
  /// Stop (with a checkpoint) after this many steps of this call, when > 0;
  /// the learning-rate schedule still runs to train.steps.
  int64_t stop_after_steps = 0;
  /// Stop (with a checkpoint) after this many minutes of this call, when > 0.
  double max_minutes = 0.0;
  /// Print the progress lines.
  bool progress = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// How a training call ended.
struct TrainingRunReport {
  /// false when interrupted (Ctrl-C); `message` says how to continue.
  bool success = true;
  std::string message;
  /// The step the run reached (the checkpoint's step).
  int64_t step = 0;
  /// Steps this call trained.
  int64_t steps_trained = 0;
  /// Mean loss over the last log interval, and the last validation loss (NaN if none).
  double loss = 0.0;
  double val_loss = 0.0;
  /// Stopped by Ctrl-C (a checkpoint was written).
  bool interrupted = false;
  /// Stopped by stop_after_steps or max_minutes before train.steps.
  bool paused = false;
};

}  // namespace intersynth
