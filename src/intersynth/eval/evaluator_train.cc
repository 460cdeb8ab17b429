#include "intersynth/eval/evaluator_train.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <thread>

#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/diffusion/trainer.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/diffusion/training_loop.h"
#include "intersynth/eval/evaluator.h"
#include "intersynth/eval/evaluator_batch.h"
#include "intersynth/eval_metrics/embedding_metrics.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/interrupt.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/progress.h"

namespace intersynth {
namespace {

// The config of a new or resumed evaluator.
EvaluatorConfig ResolveConfig(const EvaluatorTrainOptions& options, const RunPaths& paths) {
  EvaluatorConfig config =
      options.resume ? EvaluatorConfigFromJson(ReadJson(paths.config()), paths.config().string())
                     : LoadEvaluatorConfig(options.config.empty() ? "cpu" : options.config);
  if (options.steps > 0) config.base.train.steps = options.steps;
  if (options.batch > 0) config.base.train.batch = options.batch;
  if (config.base.train.batch < 2)
    throw OptionError("{batch}: a contrastive loss needs at least 2 samples per batch");
  config.base.Check();
  // The evaluator always sees the caption.
  config.base.train.cond_drop = 0.0;
  return config;
}

// Validation: fixed samples of the val split (step -1 - i of the val seed).
std::vector<TrainingSample> ValidationSamples(const TrainingCorpus& corpus,
                                              const DiffusionConfig& config) {
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
    const EvaluatorBatch batch =
        ToEvaluatorBatch(CollateSamples({samples.begin() + begin, samples.begin() + end},
                                        config.base.model.max_persons),
                         device);
    const torch::Tensor text = model->EncodeText(batch.texts);
    const torch::Tensor motion =
        model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids);
    if (batch.texts.size() >= 2) {
      loss_sum +=
          ContrastiveLoss(text, motion, model->LogitScale(), batch.caption_ids).item<double>() *
          batch.texts.size();
      loss_count += static_cast<int64_t>(batch.texts.size());
    }
    texts.push_back(text.cpu());
    motions.push_back(motion.cpu());
    for (const std::string& caption : batch.texts)
      caption_ids.push_back(ids.emplace(caption, ids.size()).first->second);
  }
  if (loss_count > 0) figures.loss = loss_sum / loss_count;
  try {
    const RPrecisionResult r =
        RPrecision(ToEigen(torch::cat(texts)), ToEigen(torch::cat(motions)), caption_ids);
    figures.top1 = r.top_k[0];
    figures.top3 = r.top_k[2];
  } catch (const Error&) {
    // Fewer than 32 distinct val captions: no R-precision.
  }
  return figures;
}

}  // namespace

void EvaluatorTrainOptions::Check() const { TrainingRunOptions::Check(); }

EvaluatorTrainReport TrainEvaluator(const EvaluatorTrainOptions& options) {
  options.Check();
  const RunPaths paths(options.out_dir);
  CheckRunFolder(options, paths, "evaluator");
  EvaluatorConfig config = ResolveConfig(options, paths);
  const DiffusionConfig& base = config.base;
  const torch::Device device = ToTorchDevice(options.device);
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);

  // Data (the train split, and the val split when it has clips) and the
  // folder's tokenizer and feature statistics.
  TrainingSplits splits = LoadTrainingSplits(options, /*warn=*/true);
  const Tokenizer tokenizer =
      RunTokenizer(options, paths, "evaluator", static_cast<int>(base.model.max_persons), &splits);
  const TrainingCorpus& train = splits.train;
  const std::optional<TrainingCorpus>& val = splits.val;
  if (!options.resume) {
    std::filesystem::create_directories(paths.dir);
    WriteJson(paths.config(), EvaluatorConfigToJson(config));
    WriteJson(paths.dir / kEvaluatorDescriptionFile, EvaluatorDescription(config, train.fps));
    WriteRunData(paths, tokenizer, splits);
  }

  // Model and optimiser; the seed fixes the initial weights.
  torch::manual_seed(base.train.seed);
  MotionTextEvaluator model(config, tokenizer);
  model->to(device);
  torch::optim::AdamW optimizer = MakeAdamW(model->parameters(), base.train);
  TrainingLoop loop(options, paths, base.train.steps, /*leader=*/true);
  int64_t step = 0;
  if (options.resume) {
    loop.Resume();
    step = loop.first_step();
    LoadModuleWeights(*model, paths.checkpoint() / RunPaths::kModel);
    LoadOptimizerState(optimizer, paths.checkpoint() / RunPaths::kOptimizer);
  }
  const std::vector<TrainingSample> val_samples =
      val ? ValidationSamples(*val, base) : std::vector<TrainingSample>{};

  auto save_checkpoint = [&](int64_t at_step) {
    loop.SaveCheckpoint(at_step, [&](const std::filesystem::path& folder) {
      torch::save(model, (folder / RunPaths::kModel).string());
      torch::save(optimizer, (folder / RunPaths::kOptimizer).string());
    });
  };
  if (!options.resume) save_checkpoint(step);

  EvaluatorTrainReport report;
  report.val_loss = report.val_top1 = report.val_top3 = std::nan("");
  const int64_t first_step = step;
  double interval_loss = 0.0;
  int64_t interval_steps = 0;
  Timer interval;
  if (options.progress) {
    fmt::print(
        "training the evaluator ({} parameters) on {} clips ({} val) from step {} to {}, batch {}, "
        "{} thread{}\n",
        CountParameters(*model), train.clips.size(), val ? val->clips.size() : 0, step,
        base.train.steps, base.train.batch, threads, threads == 1 ? "" : "s");
    std::fflush(stdout);
  }

  while (step < base.train.steps) {
    // Data and dropout are functions of (seed, step): exact resume.
    torch::manual_seed(MixSeed(base.train.seed, static_cast<uint64_t>(step), 0xE7DULL));
    model->train();
    const StepPlan plan = PlanStep(train, base.train, base.train.seed, step);
    std::vector<TrainingSample> samples;
    for (int i = 0; i < base.train.batch; ++i)
      samples.push_back(DrawSample(train, base, plan, base.train.seed, step, i));
    const EvaluatorBatch batch =
        ToEvaluatorBatch(CollateSamples(samples, base.model.max_persons), device);
    const torch::Tensor loss =
        ContrastiveLoss(model->EncodeText(batch.texts),
                        model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids),
                        model->LogitScale(), batch.caption_ids);
    optimizer.zero_grad();
    loss.backward();
    const double grad_norm =
        base.train.grad_clip > 0
            ? torch::nn::utils::clip_grad_norm_(model->parameters(), base.train.grad_clip)
            : 0.0;
    const double lr = LearningRate(base.train, step);
    SetLearningRate(optimizer, lr);
    optimizer.step();
    ++step;
    interval_loss += loss.item<double>();
    ++interval_steps;
    const TrainingLoop::StepEnd end = loop.EndOfStep(step, InterruptRequested(), loop.OutOfTime());

    // Progress line and metrics record.
    if (step % base.train.log_every == 0 || end.last || end.interrupted) {
      const double rate = interval_steps * base.train.batch / std::max(1e-9, interval.Seconds());
      report.loss = interval_loss / interval_steps;
      if (options.progress) {
        fmt::print(
            "step {}/{}  loss {:.4f}  scale {:.1f}  lr {:.2e}  |g| {:.3g}  {:.1f} samples/s  ETA "
            "{}\n",
            step, base.train.steps, report.loss, model->LogitScale().item<double>(), lr, grad_norm,
            rate,
            FormatDuration((base.train.steps - step) * base.train.batch / std::max(1e-9, rate)));
        std::fflush(stdout);
      }
      loop.Log({{"step", step},
                {"lr", lr},
                {"grad_norm", grad_norm},
                {"samples_per_s", rate},
                {"elapsed_s", loop.ElapsedSeconds()},
                {"loss_total", report.loss}});
      interval_loss = 0.0;
      interval_steps = 0;
      interval.Restart();
    }
    if (val && base.train.val_every > 0 && (step % base.train.val_every == 0 || end.last)) {
      const ValidationFigures v = Validate(model, val_samples, config, device);
      report.val_loss = v.loss;
      report.val_top1 = v.top1;
      report.val_top3 = v.top3;
      nlohmann::json record = {{"step", step}, {"split", "val"}, {"val_loss_total", v.loss}};
      if (std::isfinite(v.top1)) {
        record["val_r_precision_top1"] = v.top1;
        record["val_r_precision_top3"] = v.top3;
      }
      loop.Log(record);
      if (options.progress) {
        fmt::print("step {}  val loss {:.4f}  R-precision top-1 {:.3f} top-3 {:.3f}\n", step,
                   v.loss, v.top1, v.top3);
      }
    }
    if (step % base.train.checkpoint_every == 0 || end.last || end.interrupted)
      save_checkpoint(step);
    if (loop.Stop(end, step, &report)) break;
  }
  report.step = step;
  report.steps_trained = step - first_step;
  return report;
}

}  // namespace intersynth
