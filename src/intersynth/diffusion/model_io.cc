#include "intersynth/diffusion/model_io.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "intersynth/diffusion/run_files.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

void RequireFile(const std::filesystem::path& path, const std::string& what) {
  if (!std::filesystem::exists(path))
    throw Error(fmt::format("{}: {} is missing", path.string(), what));
}

// Copies every parameter and buffer of `module` from `archive` (the nested
// layout torch::save writes: a sub-archive per child module), checking each
// name and shape first: Module::load alone would replace a tensor of another
// shape without a word and fail later in a matmul.
void LoadChecked(torch::nn::Module& module,
                 torch::serialize::InputArchive& archive,
                 const std::string& prefix,
                 const std::filesystem::path& path) {
  auto load = [&](const std::string& name, torch::Tensor& target, bool is_buffer) {
    torch::Tensor stored;
    if (!archive.try_read(name, stored, is_buffer)) {
      throw Error(
          fmt::format("{}: does not fit this model's config (a checkpoint of another config?): no "
                      "tensor '{}{}'",
                      path.string(), prefix, name));
    }
    if (stored.sizes() != target.sizes()) {
      throw Error(fmt::format(
          "{}: does not fit this model's config (a checkpoint of another config?): '{}{}' "
          "has shape {} in the file and {} in the config",
          path.string(), prefix, name, fmt::join(stored.sizes(), "x"),
          fmt::join(target.sizes(), "x")));
    }
    torch::NoGradGuard no_grad;
    target.copy_(stored);
  };
  for (auto& item : module.named_parameters(/*recurse=*/false))
    load(item.key(), item.value(), false);
  for (auto& item : module.named_buffers(/*recurse=*/false)) load(item.key(), item.value(), true);
  for (const auto& child : module.named_children()) {
    torch::serialize::InputArchive sub;
    if (!archive.try_read(child.key(), sub)) {
      throw Error(
          fmt::format("{}: does not fit this model's config (a checkpoint of another config?): no "
                      "module '{}{}'",
                      path.string(), prefix, child.key()));
    }
    LoadChecked(*child.value(), sub, prefix + child.key() + ".", path);
  }
}

}  // namespace

void LoadModuleWeights(torch::nn::Module& module, const std::filesystem::path& path) {
  RequireFile(path, "checkpoint file");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string());
  } catch (const c10::Error& e) {
    throw Error(
        fmt::format("{}: not a LibTorch checkpoint: {}", path.string(), FirstLine(e.msg())));
  }
  LoadChecked(module, archive, "", path);
}

void LoadOptimizerState(torch::optim::Optimizer& optimizer, const std::filesystem::path& path) {
  RequireFile(path, "optimizer state");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    optimizer.load(archive);
  } catch (const c10::Error& e) {
    throw Error(
        fmt::format("{}: does not fit this model's optimizer (a checkpoint of another config?): {}",
                    path.string(), FirstLine(e.msg())));
  }
}

torch::Device ToTorchDevice(ComputeDevice device, int index) {
  if (device == ComputeDevice::kCpu) return torch::Device(torch::kCPU);
  if (!torch::cuda::is_available()) {
    throw OptionError(
        "{device} cuda: LibTorch sees no CUDA device (this build or machine has none); use "
        "{device} cpu");
  }
  return torch::Device(torch::kCUDA, static_cast<int16_t>(index % torch::cuda::device_count()));
}

LoadedModel LoadModelFolder(const std::filesystem::path& dir, const torch::Device& device) {
  const RunPaths paths(dir);
  if (!std::filesystem::is_directory(dir)) {
    throw Error(fmt::format(
        "{}: no such model folder (a run from `intersynth train --out` or assets/models/NAME)",
        dir.string()));
  }
  RequireFile(paths.config(), "the model's config");
  LoadedModel loaded;
  loaded.config = DiffusionConfigFromJson(ReadJson(paths.config()), paths.config().string());
  loaded.tokenizer = Tokenizer::Load(paths.tokenizer());
  loaded.normalizer = FeatureNormalizer::Load(paths.mean(), paths.std());
  if (std::filesystem::exists(paths.run())) {
    loaded.fps = ReadJson(paths.run()).value("fps", 20.0f);
    if (!(loaded.fps > 0)) throw Error(paths.run().string() + ": fps must be positive");
  }
  loaded.model = MotionDiffusion(loaded.config, *loaded.tokenizer, dir);
  LoadModuleWeights(*loaded.model, paths.checkpoint() / RunPaths::kEma);
  loaded.model->to(device);
  loaded.model->eval();
  return loaded;
}

}  // namespace intersynth
