#pragma once
// `intersynth evaluator train`: trains the contrastive motion-text evaluator
// (eval/evaluator.h) on a dataset's train split into an evaluator folder
// (eval/evaluator_config.h). Torch-free header.
//
// The batches are drawn exactly as the generator's (diffusion/training_data.h:
// single clips, composed 2-4 person scenes with joined captions, real
// multi-person clips; crops, mirroring), so the evaluator knows every kind of
// scene the generator is asked for. Each step: embed the B captions and the B
// motions, the symmetric InfoNCE loss with same-caption pairs kept out of
// each other's negatives, AdamW with warm-up and cosine decay, gradient
// clipping. Validation (every train.val_every steps) reports the loss and
// R-precision top-1/top-3 in batches of 32 on fixed val samples. Checkpoints
// every train.checkpoint_every steps, at the end and at Ctrl-C; --resume
// continues exactly (CPU).

#include <cstdint>
#include <filesystem>
#include <string>

namespace intersynth {

struct EvaluatorTrainOptions {
  /// The dataset folder (data build output).
  std::filesystem::path data_dir;
  /// The evaluator folder; must not exist (or be empty) unless `resume`.
  std::filesystem::path out_dir;
  /// "cpu" or a config file (ignored on resume: the folder's config is used).
  std::string config = "cpu";
  /// Override train.steps / train.batch when > 0.
  int64_t steps = 0;
  int batch = 0;
  /// "cpu" or "cuda".
  std::string device = "cpu";
  /// LibTorch threads; <= 0: every hardware core.
  int threads = 0;
  bool resume = false;
  /// Threads that load the dataset.
  int load_jobs = 2;
  /// Stop with a checkpoint after this many steps of this call / minutes, when > 0.
  int64_t stop_after_steps = 0;
  double max_minutes = 0.0;
  bool progress = true;
};

struct EvaluatorTrainReport {
  bool success = true;
  std::string message;
  int64_t step = 0;
  int64_t steps_trained = 0;
  /// Mean loss over the last log interval.
  double loss = 0.0;
  /// Last validation figures (NaN when there were none).
  double val_loss = 0.0;
  double val_top1 = 0.0;
  double val_top3 = 0.0;
  bool interrupted = false;
  bool paused = false;
};

/// Trains (see the header comment). Throws Error for bad options, a bad
/// dataset or a folder in the wrong state.
EvaluatorTrainReport TrainEvaluator(const EvaluatorTrainOptions& options);

}  // namespace intersynth
