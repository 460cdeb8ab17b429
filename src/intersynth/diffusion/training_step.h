#pragma once
// One training step's tensors and loss, shared by the trainer and the tests
// (the data-parallel gradient test calls TrainingLoss on shards). Torch
// header (diffusion-internal).

#include <torch/torch.h>

#include "intersynth/diffusion/losses.h"
#include "intersynth/diffusion/motion_model.h"
#include "intersynth/diffusion/noise_schedule.h"
#include "intersynth/diffusion/training_data.h"

namespace intersynth {

/// A TrainingBatch as tensors on `device`.
struct BatchTensors {
  torch::Tensor x0;                ///< [B, P, T, 262] normalised
  torch::Tensor token_mask;        ///< [B, P, T] bool
  torch::Tensor joint_valid;       ///< [B, P, T, 22] float
  torch::Tensor person_ids;        ///< [B, P] int64
  torch::Tensor t;                 ///< [B] int64
  torch::Tensor drop_text;         ///< [B] bool
  torch::Tensor noise;             ///< [B, P, T, 262], each sample from its own seed, 0 in padding
  std::vector<std::string> texts;  ///< [B] captions (the model encodes them)
};

/// Builds the tensors on `device`.
BatchTensors ToTensors(const TrainingBatch& batch, const torch::Device& device);

/// The normaliser as tensors [262] on `device`, std guarded (normalization.h).
std::pair<torch::Tensor, torch::Tensor> NormalizerTensors(const FeatureNormalizer& normalizer,
                                                          const torch::Device& device);

/// Noises x0 at t, predicts x0 and returns the loss terms (losses.h).
LossTerms TrainingLoss(MotionDiffusion& model,
                       const BatchTensors& batch,
                       const NoiseSchedule& schedule,
                       const torch::Tensor& mean,
                       const torch::Tensor& std,
                       const DiffusionConfig& config);

}  // namespace intersynth
