#include "intersynth/eval/evaluator_train.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <torch/torch.h>

#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/diffusion/trainer.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/eval/embedding_metrics.h"
#include "intersynth/eval/evaluator.h"
#include "intersynth/eval/evaluator_batch.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/interrupt.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/progress.h"

namespace intersynth {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// The config of a new or resumed evaluator; the folder must suit the mode.
EvaluatorConfig ResolveConfig(const EvaluatorTrainOptions& options, const RunPaths& paths) {
  EvaluatorConfig config;
  if (options.resume) {
    if (!std::filesystem::exists(paths.config())) {
      throw Error(fmt::format("{}: no evaluator to resume here (config.json is missing)", paths.dir.string()));
    }
    config = EvaluatorConfigFromJson(ReadJson(paths.config()), paths.config().string());
  } else {
    if (std::filesystem::exists(paths.dir) && !std::filesystem::is_empty(paths.dir)) {
      throw Error(fmt::format("{}: already exists; pass --resume to continue that evaluator, or choose another --out",
                              paths.dir.string()));
    }
    config = LoadEvaluatorConfig(options.config.empty() ? "cpu" : options.config);
  }
  if (options.steps > 0) config.base.train.steps = options.steps;
  if (options.batch > 0) config.base.train.batch = options.batch;
  if (config.base.train.batch < 2) throw Error("--batch: a contrastive loss needs at least 2 samples per batch");
  ValidateDiffusionConfig(config.base, "evaluator train options");
  // The evaluator always sees the caption.
  config.base.train.cond_drop = 0.0;
  return config;
}

// Validation: fixed samples of the val split (step -1 - i of the val seed).
std::vector<TrainingSample> ValidationSamples(const TrainingCorpus& corpus, const DiffusionConfig& config) {
  std::vector<TrainingSample> samples;
  const uint64_t seed = MixSeed(config.train.seed, 0xE7A1ULL, 0x7A1ULL);
  for (int i = 0; i < config.train.val_samples; ++i) {
    const StepPlan plan = PlanStep(corpus, config.train, seed, -1 - i);
    samples.push_back(DrawSample(corpus, config, plan, seed, -1 - i, 0));
  }
  return samples;
}

struct ValidationFigures {
  double loss = std::nan("");
  double top1 = std::nan("");
  double top3 = std::nan("");
};

// Loss over chunks of one batch, R-precision over all val samples.
ValidationFigures Validate(MotionTextEvaluator& model,
                           const std::vector<TrainingSample>& samples,
                           const EvaluatorConfig& config,
                           const torch::Device& device) {
  torch::NoGradGuard no_grad;
  model->eval();
  ValidationFigures figures;
  std::vector<torch::Tensor> texts, motions;
  std::vector<int> caption_ids;
  double loss_sum = 0.0;
  int64_t loss_count = 0;
  std::map<std::string, int> ids;
  for (size_t begin = 0; begin < samples.size(); begin += config.base.train.batch) {
    const size_t end = std::min(samples.size(), begin + config.base.train.batch);
    const EvaluatorBatch batch = ToEvaluatorBatch(
        CollateSamples({samples.begin() + begin, samples.begin() + end}, config.base.model.max_persons), device);
    const torch::Tensor text = model->EncodeText(batch.texts);
    const torch::Tensor motion = model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids);
    if (batch.texts.size() >= 2) {
      loss_sum += ContrastiveLoss(text, motion, model->LogitScale(), batch.caption_ids).item<double>() *
                  batch.texts.size();
      loss_count += static_cast<int64_t>(batch.texts.size());
    }
    texts.push_back(text.cpu());
    motions.push_back(motion.cpu());
    for (const std::string& caption : batch.texts) caption_ids.push_back(ids.emplace(caption, ids.size()).first->second);
  }
  if (loss_count > 0) figures.loss = loss_sum / loss_count;
  try {
    const RPrecisionResult r = RPrecision(ToEigen(torch::cat(texts)), ToEigen(torch::cat(motions)), caption_ids);
    figures.top1 = r.top_k[0];
    figures.top3 = r.top_k[2];
  } catch (const Error&) {
    // Fewer than 32 distinct val captions: no R-precision.
  }
  return figures;
}

}  // namespace

EvaluatorTrainReport TrainEvaluator(const EvaluatorTrainOptions& options) {
  const RunPaths paths(options.out_dir);
  EvaluatorConfig config = ResolveConfig(options, paths);
  const DiffusionConfig& base = config.base;
  const torch::Device device = ParseDevice(options.device);
  const int threads =
      options.threads > 0 ? options.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);

  // Data: the train split, and the val split when it has clips.
  TrainingCorpus train = LoadTrainingCorpus(options.data_dir, "train", options.load_jobs);
  std::optional<TrainingCorpus> val;
  try {
    val = LoadTrainingCorpus(options.data_dir, "val", options.load_jobs);
  } catch (const Error& e) {
    LogWarn("no validation: {}", e.what());
  }
  std::vector<std::string> clip_ids;
  for (const TrainingClip& clip : train.clips) clip_ids.push_back(clip.id);

  // The folder: new files, or the saved ones checked against the data.
  std::optional<Tokenizer> tokenizer;
  if (options.resume) {
    tokenizer = Tokenizer::Load(paths.tokenizer());
    if (ReadNonEmptyLines(paths.train_clips()) != clip_ids) {
      throw Error(fmt::format("{}: the train split of {} differs from the clips this evaluator started on; resume "
                              "on the same dataset",
                              paths.dir.string(), options.data_dir.string()));
    }
    train.normalizer = FeatureNormalizer::Load(paths.mean(), paths.std());
    if (val) val->normalizer = train.normalizer;
  } else {
    tokenizer = Tokenizer::Build(TokenizerCaptions(train, static_cast<int>(base.model.max_persons)));
    std::filesystem::create_directories(paths.dir);
    WriteJson(paths.config(), EvaluatorConfigToJson(config));
    WriteJson(paths.dir / kEvaluatorDescriptionFile, EvaluatorDescription(config, train.fps));
    tokenizer->Save(paths.tokenizer());
    train.normalizer.Save(paths.mean(), paths.std());
    WriteLinesAtomic(paths.train_clips(), clip_ids);
  }

  // Model and optimiser; the seed fixes the initial weights.
  torch::manual_seed(base.train.seed);
  MotionTextEvaluator model(config, *tokenizer);
  model->to(device);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(base.train.lr)
                                                         .betas({base.train.adam_beta1, base.train.adam_beta2})
                                                         .weight_decay(base.train.weight_decay));
  int64_t step = 0;
  double elapsed_before = 0.0;
  if (options.resume) {
    const nlohmann::json state = ReadJson(paths.checkpoint() / RunPaths::kState);
    step = JsonRequire<int64_t>(state, "step", (paths.checkpoint() / RunPaths::kState).string());
    elapsed_before = state.value("elapsed_s", 0.0);
    LoadModuleWeights(*model, paths.checkpoint() / RunPaths::kModel);
    LoadOptimizerState(optimizer, paths.checkpoint() / RunPaths::kOptimizer);
  }
  const std::vector<TrainingSample> val_samples = val ? ValidationSamples(*val, base) : std::vector<TrainingSample>{};

  const auto start = Clock::now();
  auto save_checkpoint = [&](int64_t at_step) {
    AtomicFolderWriter out(paths.checkpoint(), /*overwrite=*/true);
    std::filesystem::create_directories(out.temp_path());
    torch::save(model, (out.temp_path() / RunPaths::kModel).string());
    torch::save(optimizer, (out.temp_path() / RunPaths::kOptimizer).string());
    WriteJson(out.temp_path() / RunPaths::kState, {{"step", at_step}, {"elapsed_s", elapsed_before + Seconds(start)}});
    out.Commit();
  };
  if (!options.resume) save_checkpoint(step);

  EvaluatorTrainReport report;
  report.val_loss = report.val_top1 = report.val_top3 = std::nan("");
  const int64_t first_step = step;
  double interval_loss = 0.0;
  int64_t interval_steps = 0;
  auto interval_start = Clock::now();
  InterruptGuard interrupt_guard;
  std::ofstream metrics(paths.metrics(), std::ios::app);
  if (options.progress) {
    fmt::print("training the evaluator ({} parameters) on {} clips ({} val) from step {} to {}, batch {}, {} thread{}\n",
               CountParameters(*model), train.clips.size(), val ? val->clips.size() : 0, step, base.train.steps,
               base.train.batch, threads, threads == 1 ? "" : "s");
    std::fflush(stdout);
  }

  while (step < base.train.steps) {
    // Data and dropout are functions of (seed, step): exact resume.
    torch::manual_seed(MixSeed(base.train.seed, static_cast<uint64_t>(step), 0xE7DULL));
    model->train();
    const StepPlan plan = PlanStep(train, base.train, base.train.seed, step);
    std::vector<TrainingSample> samples;
    for (int i = 0; i < base.train.batch; ++i) samples.push_back(DrawSample(train, base, plan, base.train.seed, step, i));
    const EvaluatorBatch batch = ToEvaluatorBatch(CollateSamples(samples, base.model.max_persons), device);
    const torch::Tensor loss =
        ContrastiveLoss(model->EncodeText(batch.texts),
                        model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids), model->LogitScale(),
                        batch.caption_ids);
    optimizer.zero_grad();
    loss.backward();
    const double grad_norm =
        base.train.grad_clip > 0 ? torch::nn::utils::clip_grad_norm_(model->parameters(), base.train.grad_clip) : 0.0;
    const double lr = LearningRate(base.train, step);
    for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    optimizer.step();
    ++step;
    interval_loss += loss.item<double>();
    ++interval_steps;

    const bool interrupted = InterruptRequested();
    const bool paused = !interrupted && step < base.train.steps &&
                        ((options.max_minutes > 0 && Seconds(start) > 60.0 * options.max_minutes) ||
                         (options.stop_after_steps > 0 && step - first_step >= options.stop_after_steps));
    const bool last = step == base.train.steps || paused;

    // Progress line and metrics record.
    if (step % base.train.log_every == 0 || last || interrupted) {
      const double rate = interval_steps * base.train.batch / std::max(1e-9, Seconds(interval_start));
      report.loss = interval_loss / interval_steps;
      if (options.progress) {
        fmt::print("step {}/{}  loss {:.4f}  scale {:.1f}  lr {:.2e}  |g| {:.3g}  {:.1f} samples/s  ETA {}\n", step,
                   base.train.steps, report.loss, model->LogitScale().item<double>(), lr, grad_norm, rate,
                   FormatDuration((base.train.steps - step) * base.train.batch / std::max(1e-9, rate)));
        std::fflush(stdout);
      }
      metrics << nlohmann::json({{"step", step},
                                 {"lr", lr},
                                 {"grad_norm", grad_norm},
                                 {"samples_per_s", rate},
                                 {"elapsed_s", elapsed_before + Seconds(start)},
                                 {"loss_total", report.loss}})
                     .dump()
              << "\n"
              << std::flush;
      interval_loss = 0.0;
      interval_steps = 0;
      interval_start = Clock::now();
    }
    if (val && base.train.val_every > 0 && (step % base.train.val_every == 0 || last)) {
      const ValidationFigures v = Validate(model, val_samples, config, device);
      report.val_loss = v.loss;
      report.val_top1 = v.top1;
      report.val_top3 = v.top3;
      nlohmann::json record = {{"step", step}, {"split", "val"}, {"val_loss_total", v.loss}};
      if (std::isfinite(v.top1)) {
        record["val_r_precision_top1"] = v.top1;
        record["val_r_precision_top3"] = v.top3;
      }
      metrics << record.dump() << "\n" << std::flush;
      if (options.progress) {
        fmt::print("step {}  val loss {:.4f}  R-precision top-1 {:.3f} top-3 {:.3f}\n", step, v.loss, v.top1, v.top3);
      }
    }
    if (step % base.train.checkpoint_every == 0 || last || interrupted) save_checkpoint(step);
    if (paused) {
      report.paused = true;
      report.message = fmt::format("paused at step {} of {}; checkpoint written, continue with --resume", step,
                                   base.train.steps);
      break;
    }
    if (interrupted) {
      report.interrupted = true;
      report.success = false;
      report.message = fmt::format("interrupted at step {}; checkpoint written, continue with --resume", step);
      break;
    }
  }
  report.step = step;
  report.steps_trained = step - first_step;
  return report;
}

}  // namespace intersynth
