#include "intersynth/diffusion/model_folder.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <fstream>

#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

int64_t CountLines(const std::filesystem::path& path) {
  std::ifstream in(path);
  int64_t count = 0;
  for (std::string line; std::getline(in, line);) count += line.empty() ? 0 : 1;
  return count;
}

}  // namespace

ModelSummary DescribeModelFolder(const std::filesystem::path& dir) {
  const RunPaths paths(dir);
  LoadedModel loaded = LoadModelFolder(dir, torch::kCPU);
  ModelSummary summary;
  summary.dir = dir;
  summary.config = loaded.config;
  summary.parameters = CountParameters(*loaded.model);
  summary.vocabulary = loaded.tokenizer->vocab_size();
  const std::filesystem::path state_path = paths.checkpoint() / RunPaths::kState;
  const nlohmann::json state = ReadJson(state_path);
  summary.step = JsonRequire<int64_t>(state, "step", state_path.string());
  summary.samples = state.value("samples", int64_t{0});
  summary.elapsed_s = state.value("elapsed_s", 0.0);
  if (std::filesystem::exists(paths.run())) {
    const nlohmann::json run = ReadJson(paths.run());
    summary.dataset = run.value("dataset", std::string());
  }
  summary.train_clips = CountLines(paths.train_clips());
  const std::filesystem::path ema = paths.checkpoint() / RunPaths::kEma;
  summary.weights_bytes = std::filesystem::file_size(ema);
  torch::serialize::InputArchive archive;
  archive.load_from(ema.string());
  torch::Tensor null_text;
  summary.weights_dtype =
      archive.try_read("null_text", null_text) && null_text.scalar_type() == torch::kHalf
          ? "float16"
          : "float32";
  summary.resumable = std::filesystem::exists(paths.checkpoint() / RunPaths::kModel) &&
                      std::filesystem::exists(paths.checkpoint() / RunPaths::kOptimizer);
  return summary;
}

std::string FormatModelSummary(const ModelSummary& s) {
  const DiffusionConfig& c = s.config;
  std::string out =
      fmt::format("{}: motion diffusion model, {:.2f} M parameters ({} weights, {:.1f} MB)\n",
                  s.dir.string(), s.parameters / 1e6, s.weights_dtype, s.weights_bytes / 1e6);
  out += fmt::format(
      "  denoiser: d_model {}, {} layers, {} heads, ff {}, up to {} persons x {} frames\n",
      c.model.d_model, c.model.layers, c.model.heads, c.model.ff_dim, c.model.max_persons,
      c.model.max_frames);
  out +=
      c.text.torchscript.empty()
          ? fmt::format(
                "  text: learned encoder, d_model {}, {} layers, vocabulary {} words, {} tokens\n",
                c.text.d_model, c.text.layers, s.vocabulary, c.text.max_tokens)
          : fmt::format("  text: TorchScript encoder {} + learned projection to {}\n",
                        c.text.torchscript, c.text.d_model);
  out += fmt::format("  diffusion: {} steps, cosine s = {}, x0 prediction\n", c.diffusion.steps,
                     c.diffusion.cosine_s);
  out +=
      fmt::format("  trained: {} of {} steps, {} samples, {:.1f} h of training ({} clips of {})\n",
                  s.step, c.train.steps, s.samples, s.elapsed_s / 3600.0, s.train_clips,
                  s.dataset.empty() ? "an unnamed dataset" : s.dataset);
  out += s.resumable ? "  resumable: yes (model.pt and optimizer.pt present)\n"
                     : "  resumable: no (an exported model: generation only)\n";
  return out;
}

TrainingCurves ReadTrainingCurves(const std::filesystem::path& dir) {
  TrainingCurves curves;
  const std::filesystem::path path = RunPaths(dir).metrics();
  std::ifstream in(path);
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    const nlohmann::json record = ParseJson(line, fmt::format("{}:{}", path.string(), line_number));
    if (!record.contains("step")) continue;
    const double step = record["step"].get<double>();
    for (const auto& [key, value] : record.items()) {
      if (!value.is_number() || (key.rfind("loss_", 0) != 0 && key.rfind("val_", 0) != 0)) continue;
      auto& [steps, values] = curves.series[key];
      steps.push_back(step);
      values.push_back(value.get<double>());
    }
  }
  return curves;
}

void ExportModelFolder(const std::filesystem::path& run_dir,
                       const std::filesystem::path& out_dir,
                       bool half,
                       bool overwrite) {
  const RunPaths from(run_dir);
  LoadedModel loaded = LoadModelFolder(run_dir, torch::kCPU);  // checks the folder first
  AtomicFolderWriter out(out_dir, overwrite);
  const RunPaths to(out.temp_path());
  std::filesystem::create_directories(to.checkpoint());
  for (const std::filesystem::path& file :
       {from.config(), from.tokenizer(), from.mean(), from.std(), from.train_clips(), from.run(),
        from.metrics()}) {
    if (std::filesystem::exists(file)) std::filesystem::copy_file(file, to.dir / file.filename());
  }
  if (!loaded.config.text.torchscript.empty()) {
    std::filesystem::copy_file(from.dir / loaded.config.text.torchscript,
                               to.dir / loaded.config.text.torchscript);
  }
  std::filesystem::copy_file(from.checkpoint() / RunPaths::kState,
                             to.checkpoint() / RunPaths::kState);
  if (half) loaded.model->to(torch::kHalf);
  torch::save(loaded.model, (to.checkpoint() / RunPaths::kEma).string());
  out.Commit();
}

}  // namespace intersynth
