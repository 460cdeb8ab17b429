#include "intersynth/eval/evaluator_io.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/eval/evaluator.h"
#include "intersynth/eval/evaluator_batch.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// Clips embedded per forward pass.
constexpr size_t kChunk = 32;

// A TorchScript evaluator's integer or float attribute (see the header).
c10::IValue ScriptAttribute(const torch::jit::Module& module,
                            const std::string& name,
                            const std::string& path) {
  if (!module.hasattr(name)) {
    throw Error(fmt::format(
        "{}: the TorchScript evaluator has no attribute '{}' (the contract: fps, max_persons, "
        "max_frames, encode_motion, encode_text)",
        path, name));
  }
  return module.attr(name);
}

// [B, E] float embeddings from a TorchScript method, checked.
torch::Tensor CheckedEmbeddings(const c10::IValue& value, int64_t rows, const std::string& what) {
  if (!value.isTensor())
    throw Error(fmt::format("the TorchScript evaluator's {} returned no tensor", what));
  torch::Tensor t = value.toTensor();
  if (t.dim() != 2 || t.size(0) != rows) {
    throw Error(fmt::format("the TorchScript evaluator's {} returned shape {}; expected [{}, E]",
                            what, fmt::format("{}", fmt::join(t.sizes().vec(), "x")), rows));
  }
  t = t.to(torch::kCPU, torch::kFloat64);
  if (!torch::isfinite(t).all().item<bool>()) {
    throw Error(
        fmt::format("the TorchScript evaluator's {} returned NaN or infinite values", what));
  }
  return t;
}

}  // namespace

struct Evaluator::Impl {
  torch::Device device{torch::kCPU};
  float fps = 20.0f;
  int max_persons = 0, max_frames = 0, crop_frames = 0;
  // The intersynth evaluator.
  EvaluatorConfig config;
  FeatureNormalizer normalizer;
  mutable MotionTextEvaluator model{nullptr};
  // A TorchScript evaluator.
  std::optional<torch::jit::Module> script;
  std::string script_path;

  void LoadScript(const std::filesystem::path& path);
  torch::Tensor EmbedScriptedChunk(const std::vector<const MotionClip*>& clips) const;
  torch::Tensor EmbedNativeChunk(const std::vector<const MotionClip*>& clips) const;
};

void Evaluator::Impl::LoadScript(const std::filesystem::path& path) {
  script_path = path.string();
  try {
    script = torch::jit::load(script_path, device);
  } catch (const c10::Error& e) {
    throw Error(fmt::format("{}: not a TorchScript evaluator: {}", script_path,
                            e.what_without_backtrace()));
  }
  script->eval();
  try {
    fps = static_cast<float>(ScriptAttribute(*script, "fps", script_path).toDouble());
    max_persons = static_cast<int>(ScriptAttribute(*script, "max_persons", script_path).toInt());
    max_frames = static_cast<int>(ScriptAttribute(*script, "max_frames", script_path).toInt());
  } catch (const c10::Error& e) {
    throw Error(fmt::format(
        "{}: the attributes fps (float), max_persons and max_frames (int) are required: {}",
        script_path, e.what_without_backtrace()));
  }
  std::vector<std::string> missing;
  for (const char* method : {"encode_motion", "encode_text"}) {
    if (!script->find_method(method)) missing.push_back(fmt::format("'{}'", method));
  }
  if (!missing.empty()) {
    throw Error(
        fmt::format("{}: the TorchScript evaluator lacks the method(s) {} (export them with "
                    "@torch.jit.export; see docs/evaluation.md)",
                    script_path, fmt::join(missing, " and ")));
  }
  if (!(fps > 0.0f) || max_persons < 1 || max_frames < 2) {
    throw Error(fmt::format(
        "{}: fps {}, max_persons {}, max_frames {}: expected fps > 0, max_persons >= 1 and "
        "max_frames >= 2",
        script_path, fps, max_persons, max_frames));
  }
  crop_frames = max_frames;
}

torch::Tensor Evaluator::Impl::EmbedScriptedChunk(
    const std::vector<const MotionClip*>& clips) const {
  int persons = 0, frames = 0;
  for (const MotionClip* clip : clips) {
    persons = std::max(persons, clip->num_persons);
    frames = std::max(frames, clip->num_frames);
  }
  const int64_t b = static_cast<int64_t>(clips.size());
  torch::Tensor joints = torch::zeros({b, persons, frames, kNumJoints, 3});
  torch::Tensor mask = torch::zeros({b, persons, frames}, torch::kBool);
  for (int64_t i = 0; i < b; ++i) {
    const MotionClip& clip = *clips[i];
    for (int p = 0; p < clip.num_persons; ++p) {
      joints[i][p]
          .narrow(0, 0, clip.num_frames)
          .copy_(torch::from_blob(const_cast<float*>(clip.joint(p, 0, 0)),
                                  {clip.num_frames, kNumJoints, 3}));
      mask[i][p].narrow(0, 0, clip.num_frames).fill_(true);
    }
  }
  c10::IValue out;
  try {
    out = script->get_method("encode_motion")({joints.to(device), mask.to(device)});
  } catch (const c10::Error& e) {
    throw Error(
        fmt::format("{}: encode_motion failed: {}", script_path, e.what_without_backtrace()));
  }
  return CheckedEmbeddings(out, b, "encode_motion");
}

torch::Tensor Evaluator::Impl::EmbedNativeChunk(const std::vector<const MotionClip*>& clips) const {
  std::vector<TrainingSample> samples;
  for (size_t i = 0; i < clips.size(); ++i) {
    // The clip as a training sample: canonical on person 0 at frame 0,
    // normalised, persons 0..P-1.
    MotionClip canonical = *clips[i];
    canonical.rotations.clear();
    canonical.root_translation.clear();
    CanonicalizeClip(canonical);
    TrainingClip encoded = MakeTrainingClip(std::to_string(i), canonical);
    TrainingSample sample;
    sample.persons = encoded.persons;
    sample.rows = encoded.rows;
    sample.values = std::move(encoded.features);
    normalizer.Normalize(sample.values.data(), static_cast<int64_t>(sample.persons) * sample.rows);
    sample.joint_valid.assign(encoded.joint_valid.begin(), encoded.joint_valid.end());
    for (int p = 0; p < sample.persons; ++p) sample.person_ids.push_back(p);
    sample.text = "-";
    samples.push_back(std::move(sample));
  }
  const EvaluatorBatch batch =
      ToEvaluatorBatch(CollateSamples(samples, config.base.model.max_persons), device);
  return model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids)
      .to(torch::kCPU, torch::kFloat64);
}

Evaluator::Evaluator(const std::filesystem::path& dir, ComputeDevice device)
    : impl_(std::make_unique<Impl>()) {
  const RunPaths paths(dir);
  impl_->device = ToTorchDevice(device);
  if (std::filesystem::is_regular_file(dir)) {
    impl_->LoadScript(dir);
    return;
  }
  if (!std::filesystem::is_directory(dir)) {
    throw Error(
        fmt::format("{}: no such evaluator folder (from `intersynth evaluator train --out`) or "
                    "TorchScript file",
                    dir.string()));
  }
  const std::filesystem::path description = dir / kEvaluatorDescriptionFile;
  if (!std::filesystem::exists(description)) {
    throw Error(fmt::format("{}: not an evaluator folder ({} is missing)", dir.string(),
                            kEvaluatorDescriptionFile));
  }
  impl_->fps =
      static_cast<float>(CheckEvaluatorDescription(ReadJson(description), description.string()));
  impl_->config = EvaluatorConfigFromJson(ReadJson(paths.config()), paths.config().string());
  impl_->normalizer = FeatureNormalizer::Load(paths.mean(), paths.std());
  if (impl_->normalizer.dim() != InterGenLayout::kDim) {
    throw Error(fmt::format("{}: {} feature channels, expected {}", paths.mean().string(),
                            impl_->normalizer.dim(), InterGenLayout::kDim));
  }
  impl_->model = MotionTextEvaluator(impl_->config, Tokenizer::Load(paths.tokenizer()));
  LoadModuleWeights(*impl_->model, paths.checkpoint() / RunPaths::kModel);
  impl_->model->to(impl_->device);
  impl_->model->eval();
  impl_->max_persons = static_cast<int>(impl_->config.base.model.max_persons);
  // Features have one row less than the motion has frames.
  impl_->max_frames = static_cast<int>(impl_->config.base.model.max_frames) + 1;
  impl_->crop_frames = std::min(impl_->max_frames, impl_->config.base.train.crop_frames + 1);
}

Evaluator::~Evaluator() = default;

Eigen::MatrixXd Evaluator::EmbedMotions(const std::vector<MotionClip>& clips) const {
  if (clips.empty()) throw Error("no motions to embed");
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> chunks;
  std::vector<const MotionClip*> chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    chunks.push_back(impl_->script ? impl_->EmbedScriptedChunk(chunk)
                                   : impl_->EmbedNativeChunk(chunk));
    chunk.clear();
  };
  for (size_t i = 0; i < clips.size(); ++i) {
    const MotionClip& clip = clips[i];
    if (clip.num_persons < 1 || clip.num_persons > max_persons() || clip.num_frames < 2 ||
        clip.num_frames > max_frames()) {
      throw Error(fmt::format(
          "motion {}: {} persons and {} frames; the evaluator takes 1..{} persons and 2..{} frames",
          i, clip.num_persons, clip.num_frames, max_persons(), max_frames()));
    }
    if (std::abs(clip.fps - impl_->fps) > 1e-3f) {
      throw Error(fmt::format("motion {}: {} fps; the evaluator was trained at {} fps", i, clip.fps,
                              impl_->fps));
    }
    chunk.push_back(&clip);
    if (chunk.size() == kChunk) flush();
  }
  flush();
  return ToEigen(torch::cat(chunks));
}

Eigen::MatrixXd Evaluator::EmbedTexts(const std::vector<std::string>& texts) const {
  if (texts.empty()) throw Error("no captions to embed");
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> chunks;
  for (size_t begin = 0; begin < texts.size(); begin += kChunk) {
    const std::vector<std::string> chunk(texts.begin() + begin,
                                         texts.begin() + std::min(texts.size(), begin + kChunk));
    if (!impl_->script) {
      chunks.push_back(impl_->model->EncodeText(chunk).to(torch::kCPU, torch::kFloat64));
      continue;
    }
    c10::IValue out;
    try {
      out = impl_->script->get_method("encode_text")({c10::List<std::string>(chunk)});
    } catch (const c10::Error& e) {
      throw Error(fmt::format("{}: encode_text failed: {}", impl_->script_path,
                              e.what_without_backtrace()));
    }
    chunks.push_back(CheckedEmbeddings(out, static_cast<int64_t>(chunk.size()), "encode_text"));
  }
  return ToEigen(torch::cat(chunks));
}

std::vector<std::string> Evaluator::UnknownWords(const std::vector<std::string>& texts) const {
  std::vector<std::string> unknown;
  if (impl_->script) return unknown;
  for (const std::string& text : texts) {
    impl_->model->tokenizer().Encode(text, static_cast<int>(impl_->config.base.text.max_tokens),
                                     &unknown);
  }
  return unknown;
}

float Evaluator::fps() const { return impl_->fps; }
int Evaluator::max_persons() const { return impl_->max_persons; }
int Evaluator::max_frames() const { return impl_->max_frames; }
int Evaluator::crop_frames() const { return impl_->crop_frames; }
std::string Evaluator::kind() const { return impl_->script ? "torchscript" : "intersynth"; }

void ExportEvaluatorFolder(const std::filesystem::path& dir,
                           const std::filesystem::path& out_dir,
                           bool half,
                           bool overwrite) {
  const Evaluator loaded(dir);  // checks the folder first
  if (loaded.kind() != "intersynth")
    throw Error(fmt::format("{}: not an evaluator folder", dir.string()));
  const RunPaths from(dir);
  AtomicFolderWriter out(out_dir, overwrite);
  const RunPaths to(out.temp_path());
  std::filesystem::create_directories(to.checkpoint());
  for (const std::filesystem::path& file :
       {from.config(), dir / kEvaluatorDescriptionFile, from.tokenizer(), from.mean(), from.std(),
        from.train_clips(), from.metrics()}) {
    if (std::filesystem::exists(file)) std::filesystem::copy_file(file, to.dir / file.filename());
  }
  std::filesystem::copy_file(from.checkpoint() / RunPaths::kState,
                             to.checkpoint() / RunPaths::kState);
  MotionTextEvaluator model = loaded.impl_->model;
  if (half) model->to(torch::kHalf);
  torch::save(model, (to.checkpoint() / RunPaths::kModel).string());
  if (half) model->to(torch::kFloat);
  out.Commit();
}

}  // namespace intersynth
