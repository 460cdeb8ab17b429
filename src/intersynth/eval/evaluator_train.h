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

#include "intersynth/diffusion/training_run.h"

namespace intersynth {

/// Options of TrainEvaluator: the run folder's (diffusion/training_run.h).
/// Its `config` is "cpu" or a config file, ignored on resume (the folder's
/// config is used).
struct EvaluatorTrainOptions : TrainingRunOptions {
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What TrainEvaluator did.
struct EvaluatorTrainReport : TrainingRunReport {
  /// Last validation R-precision top-1 and top-3 (NaN when there were none).
  double val_top1 = 0.0;
  double val_top3 = 0.0;
};

/// Trains (see the header comment). Throws OptionError for bad options or a
/// folder in the wrong state, and Error for a bad dataset.
EvaluatorTrainReport TrainEvaluator(const EvaluatorTrainOptions& options);

}  // namespace intersynth
