#pragma once
// Batches for the evaluator: the generator's padded training batches
// (diffusion/training_data.h) as the tensors the evaluator reads, and
// embeddings back as Eigen matrices for the metrics. Torch header
// (eval-internal).

#include <torch/torch.h>

#include <Eigen/Core>
#include <string>
#include <vector>

#include "intersynth/diffusion/training_data.h"

namespace intersynth {

struct EvaluatorBatch {
  torch::Tensor features;    ///< [B, P, T, 258] normalised, foot contacts dropped
  torch::Tensor token_mask;  ///< [B, P, T] bool
  torch::Tensor person_ids;  ///< [B, P] int64
  std::vector<std::string> texts;
  /// [B]: equal ids for equal captions (exact text), numbered in order of
  /// first appearance.
  std::vector<int64_t> caption_ids;
};

/// The batch's tensors on `device`.
EvaluatorBatch ToEvaluatorBatch(const TrainingBatch& batch, const torch::Device& device);

/// A float [N, D] tensor (any device) as an Eigen matrix of doubles.
Eigen::MatrixXd ToEigen(const torch::Tensor& embeddings);

}  // namespace intersynth
