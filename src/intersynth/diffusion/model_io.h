#pragma once
// Loading a trained model folder (diffusion/run_files.h) for generation,
// evaluation and benchmarks. Torch header (diffusion-internal).

#include <torch/torch.h>

#include <filesystem>
#include <optional>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/motion_model.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/text/tokenizer.h"
#include "intersynth/util/device.h"

namespace intersynth {

/// A model folder in memory: its config, tokenizer, normaliser and the EMA
/// weights in eval mode on `device`.
struct LoadedModel {
  DiffusionConfig config;
  std::optional<Tokenizer> tokenizer;
  FeatureNormalizer normalizer;
  /// Frame rate of the training data (run.json "fps"; 20 when absent).
  float fps = 20.0f;
  MotionDiffusion model{nullptr};
};

/// Loads config.json, tokenizer.json, mean/std and checkpoint/ema.pt. Throws
/// Error naming the file that is missing or does not fit the config.
LoadedModel LoadModelFolder(const std::filesystem::path& dir, const torch::Device& device);

/// torch::load with LibTorch's name/shape errors turned into an Error that
/// says the file does not fit the config.
void LoadModuleWeights(torch::nn::Module& module, const std::filesystem::path& path);

/// The same for an optimizer's state.
void LoadOptimizerState(torch::optim::Optimizer& optimizer, const std::filesystem::path& path);

/// The torch::Device of `device` (CUDA device `index` modulo the devices
/// there are); OptionError naming `device` when CUDA is asked for but absent.
torch::Device ToTorchDevice(ComputeDevice device, int index = 0);

}  // namespace intersynth
