#include "intersynth/diffusion/trainer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/motion_model.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/diffusion/training_loop.h"
#include "intersynth/diffusion/training_step.h"
#include "intersynth/io/json.h"
#include "intersynth/text/tokenizer.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/interrupt.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/progress.h"

namespace intersynth {
namespace {

// The fixed validation set: sample i drawn as step -1 - i of the val seed,
// text never dropped.
std::vector<TrainingSample> ValidationSamples(const TrainingCorpus& corpus,
                                              const DiffusionConfig& config) {
  std::vector<TrainingSample> samples;
  const uint64_t seed = MixSeed(config.train.seed, 0x5EEDULL, 0x7A1ULL);
  for (int i = 0; i < config.train.val_samples; ++i) {
    const StepPlan plan = PlanStep(corpus, config.train, seed, -1 - i);
    TrainingSample sample = DrawSample(corpus, config, plan, seed, -1 - i, 0);
    sample.drop_text = false;
    samples.push_back(std::move(sample));
  }
  return samples;
}

// The config of a new or resumed run.
DiffusionConfig ResolveConfig(const TrainOptions& options, const RunPaths& paths) {
  DiffusionConfig config;
  if (options.resume) {
    const DiffusionConfig saved =
        DiffusionConfigFromJson(ReadJson(paths.config()), paths.config().string());
    config = saved;
    if (!options.config.empty()) {
      config = LoadDiffusionConfig(options.config);
      if (ArchitectureSignature(config) != ArchitectureSignature(saved)) {
        throw OptionError(
            fmt::format("{}: the run was trained with another architecture than {{config}} {} "
                        "(model, text and diffusion "
                        "sections differ); resume without {{config}}, or start a new run",
                        paths.dir.string(), options.config));
      }
    }
  } else {
    config = LoadDiffusionConfig(options.config.empty() ? "cpu" : options.config);
  }
  if (options.steps > 0) config.train.steps = options.steps;
  if (options.batch > 0) config.train.batch = options.batch;
  config.Check();
  if (config.train.batch % options.distributed.world_size != 0) {
    throw OptionError(fmt::format("{{batch}} {} must be divisible by the number of processes ({})",
                                  config.train.batch, options.distributed.world_size));
  }
  return config;
}

std::string FormatTerms(const std::vector<std::pair<std::string, double>>& terms) {
  static const std::map<std::string, std::string> kShort = {
      {"mse", "mse"},           {"velocity", "vel"},           {"foot_contact", "foot"},
      {"bone_length", "bone"},  {"local_pose", "pose"},        {"distance_map", "dm"},
      {"joint_affinity", "ja"}, {"relative_orientation", "ro"}};
  std::string out;
  for (size_t i = 1; i < terms.size(); ++i) {
    out += fmt::format("{}{} {:.4g}", out.empty() ? "" : " ", kShort.at(terms[i].first),
                       terms[i].second);
  }
  return out;
}

}  // namespace

double LearningRate(const TrainConfig& c, int64_t step) {
  if (step < c.warmup_steps) return c.lr * static_cast<double>(step + 1) / c.warmup_steps;
  const double progress = std::min(1.0, static_cast<double>(step - c.warmup_steps) /
                                            std::max<int64_t>(1, c.steps - c.warmup_steps));
  const double pi = 3.14159265358979323846;
  return c.lr * (c.min_lr_ratio + (1.0 - c.min_lr_ratio) * 0.5 * (1.0 + std::cos(pi * progress)));
}

void TrainOptions::Check() const {
  TrainingRunOptions::Check();
  CheckNested("distributed", [&] { distributed.Check(); });
}

TrainReport Train(const TrainOptions& options) {
  options.Check();
  const RunPaths paths(options.out_dir);
  const DistributedOptions& dist = options.distributed;
  const bool leader = dist.rank == 0;
  // Rendezvous first: every process checks the run folder before the leader
  // writes into it (the barrier below).
  ProcessGroup group(dist);
  CheckRunFolder(options, paths, "run");
  DiffusionConfig config = ResolveConfig(options, paths);
  group.Barrier();
  const torch::Device device = ToTorchDevice(options.device, dist.rank);
  const int threads =
      options.threads > 0
          ? options.threads
          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / dist.world_size);
  torch::set_num_threads(threads);

  // Data (the train split, and the val split when it has clips) and the
  // run's tokenizer and feature statistics.
  TrainingSplits splits = LoadTrainingSplits(options, leader);
  const Tokenizer tokenizer =
      RunTokenizer(options, paths, "run", static_cast<int>(config.model.max_persons), &splits);
  const TrainingCorpus& train = splits.train;
  const std::optional<TrainingCorpus>& val = splits.val;
  if (!options.resume && !config.text.torchscript.empty()) {
    // The run keeps its own copy of the user's text encoder, so that the run
    // folder alone can generate; every process reads the original until then.
    const std::filesystem::path source = std::filesystem::absolute(config.text.torchscript);
    if (!std::filesystem::is_regular_file(source)) {
      throw Error(fmt::format("text.torchscript: {}: no such file", source.string()));
    }
    if (leader) {
      std::filesystem::create_directories(paths.dir);
      std::filesystem::copy_file(source, paths.dir / "text_encoder.pt",
                                 std::filesystem::copy_options::overwrite_existing);
      config.text.torchscript = "text_encoder.pt";
    } else {
      config.text.torchscript = source.string();
    }
  }
  if (leader && !options.resume) {
    std::filesystem::create_directories(paths.dir);
    WriteJson(paths.config(), DiffusionConfigToJson(config));
    WriteRunData(paths, tokenizer, splits);
  }

  // Model, EMA copy and optimiser; the seed fixes the initial weights.
  torch::manual_seed(config.train.seed);
  MotionDiffusion model(config, tokenizer, paths.dir);
  MotionDiffusion ema(config, tokenizer, paths.dir);
  model->to(device);
  ema->to(device);
  CopyWeights(*model, *ema);
  for (auto& p : ema->parameters()) p.set_requires_grad(false);
  torch::optim::AdamW optimizer = MakeAdamW(model->parameters(), config.train);
  TrainingLoop loop(options, paths, config.train.steps, leader);
  int64_t step = 0;
  int64_t samples_before = 0;
  if (options.resume) {
    const nlohmann::json state = loop.Resume();
    step = loop.first_step();
    samples_before = state.value("samples", int64_t{0});
    LoadModuleWeights(*model, paths.checkpoint() / RunPaths::kModel);
    LoadModuleWeights(*ema, paths.checkpoint() / RunPaths::kEma);
    LoadOptimizerState(optimizer, paths.checkpoint() / RunPaths::kOptimizer);
  }
  if (leader) {
    WriteJson(paths.run(), {{"dataset", std::filesystem::absolute(options.data_dir).string()},
                            {"fps", train.fps},
                            {"train_clips", train.clips.size()},
                            {"val_clips", val ? val->clips.size() : 0},
                            {"parameters", CountParameters(*model)},
                            {"vocabulary", tokenizer.vocab_size()},
                            {"processes", dist.world_size},
                            {"device", std::string(ToString(options.device))}});
  }
  const NoiseSchedule schedule =
      NoiseSchedule::Cosine(config.diffusion.steps, config.diffusion.cosine_s);
  const auto [mean, std] = NormalizerTensors(train.normalizer, device);
  const std::vector<TrainingSample> val_samples =
      val ? ValidationSamples(*val, config) : std::vector<TrainingSample>{};

  // The checkpoint: weights, EMA, optimiser, and the samples seen.
  const int64_t resumed_step = step;
  auto save_checkpoint = [&](int64_t at_step) {
    loop.SaveCheckpoint(
        at_step,
        [&](const std::filesystem::path& folder) {
          torch::save(model, (folder / RunPaths::kModel).string());
          torch::save(ema, (folder / RunPaths::kEma).string());
          torch::save(optimizer, (folder / RunPaths::kOptimizer).string());
        },
        {{"samples", samples_before + (at_step - resumed_step) * config.train.batch},
         {"architecture", nlohmann::json::parse(ArchitectureSignature(config))}});
  };

  // Validation loss of the EMA weights on the fixed val samples.
  auto validate = [&]() {
    torch::NoGradGuard no_grad;
    ema->eval();
    std::vector<std::pair<std::string, double>> sums;
    int64_t count = 0;
    for (size_t begin = 0; begin < val_samples.size(); begin += config.train.batch) {
      const size_t end = std::min(val_samples.size(), begin + config.train.batch);
      const std::vector<TrainingSample> chunk(val_samples.begin() + begin,
                                              val_samples.begin() + end);
      const BatchTensors tensors =
          ToTensors(CollateSamples(chunk, config.model.max_persons), device);
      const auto values = TrainingLoss(ema, tensors, schedule, mean, std, config).Values();
      if (sums.empty()) sums.assign(values.size(), {"", 0.0});
      for (size_t i = 0; i < values.size(); ++i)
        sums[i] = {values[i].first, sums[i].second + values[i].second * chunk.size()};
      count += static_cast<int64_t>(chunk.size());
    }
    for (auto& s : sums) s.second /= std::max<int64_t>(1, count);
    return sums;
  };

  // A new run starts with a checkpoint, so a failure in its first steps
  // still leaves a folder that --resume accepts.
  if (!options.resume) save_checkpoint(step);

  const int64_t shard = config.train.batch / dist.world_size;
  const int64_t first_step = step;
  TrainReport report;
  report.val_loss = std::nan("");
  std::vector<double> interval_sums;
  int64_t interval_steps = 0;
  double interval_data_s = 0.0;
  Timer interval;
  if (leader) {
    fmt::print(
        "training {} parameters on {} clips ({} val) from step {} to {}, batch {} on {} process{} "
        "x {} "
        "thread{} ({})\n",
        CountParameters(*model), train.clips.size(), val ? val->clips.size() : 0, step,
        config.train.steps, config.train.batch, dist.world_size, dist.world_size == 1 ? "" : "es",
        threads, threads == 1 ? "" : "s", ToString(options.device));
    std::fflush(stdout);
  }

  while (step < config.train.steps) {
    // Dropout draws from the global generator: reseed it per step and rank.
    torch::manual_seed(
        MixSeed(config.train.seed, static_cast<uint64_t>(step), 0xD40ULL + dist.rank));
    model->train();
    const StepPlan plan = PlanStep(train, config.train, config.train.seed, step);
    const Timer draw;
    std::vector<TrainingSample> samples;
    for (int64_t i = dist.rank * shard; i < (dist.rank + 1) * shard; ++i) {
      samples.push_back(
          DrawSample(train, config, plan, config.train.seed, step, static_cast<int>(i)));
    }
    const BatchTensors tensors =
        ToTensors(CollateSamples(samples, config.model.max_persons), device);
    interval_data_s += draw.Seconds();
    const LossTerms loss = TrainingLoss(model, tensors, schedule, mean, std, config);
    optimizer.zero_grad();
    if (plan.kind == SceneKind::kComposed && config.train.composed_loss_weight != 1.0) {
      (loss.total * config.train.composed_loss_weight).backward();
    } else {
      loss.total.backward();
    }

    // Average the gradients over processes, clip, step, EMA.
    std::vector<torch::Tensor> grads;
    for (auto& p : model->parameters()) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.grad());
    }
    group.AllReduceMean(grads);
    double grad_norm = 0.0;
    if (config.train.grad_clip > 0) {
      grad_norm = torch::nn::utils::clip_grad_norm_(model->parameters(), config.train.grad_clip);
    }
    const double lr = LearningRate(config.train, step);
    SetLearningRate(optimizer, lr);
    optimizer.step();
    // EMA warm-up (as TensorFlow's ExponentialMovingAverage with num_updates):
    // the decay ramps up as (1 + s) / (10 + s) to ema_decay, so that a short
    // run's EMA is not mostly its initial weights.
    UpdateEma(*model, *ema, std::min(config.train.ema_decay, (1.0 + step) / (10.0 + step)));
    ++step;

    // Loss terms summed over processes (and the interrupt flag with them, so
    // every process stops at the same step).
    std::vector<std::pair<std::string, double>> terms = loss.Values();
    std::vector<double> values;
    for (const auto& term : terms) values.push_back(term.second);
    values.push_back(InterruptRequested() ? 1.0 : 0.0);
    // The time limit is the leader's clock, shared like the interrupt flag.
    values.push_back(leader && loop.OutOfTime() ? 1.0 : 0.0);
    values = group.AllReduceSum(values);
    const bool out_of_time = values.back() > 0;
    values.pop_back();
    const bool interrupted = values.back() > 0;
    values.pop_back();
    const TrainingLoop::StepEnd end = loop.EndOfStep(step, interrupted, out_of_time);
    if (interval_sums.empty()) interval_sums.assign(values.size(), 0.0);
    for (size_t i = 0; i < values.size(); ++i) interval_sums[i] += values[i] / dist.world_size;
    ++interval_steps;

    // Progress line and metrics record.
    if (leader && (step % config.train.log_every == 0 || end.last || interrupted)) {
      const double interval_s = interval.Seconds();
      const double rate = interval_steps * config.train.batch / std::max(1e-9, interval_s);
      std::vector<std::pair<std::string, double>> means = terms;
      for (size_t i = 0; i < means.size(); ++i) means[i].second = interval_sums[i] / interval_steps;
      const double eta = (config.train.steps - step) * config.train.batch / std::max(1e-9, rate);
      if (options.progress) {
        fmt::print(
            "step {}/{}  loss {:.4f} ({})  lr {:.2e}  |g| {:.3g}  {:.1f} samples/s (data {:.0f}%)  "
            "ETA {}\n",
            step, config.train.steps, means[0].second, FormatTerms(means), lr, grad_norm, rate,
            100.0 * interval_data_s / std::max(1e-9, interval_s), FormatDuration(eta));
        std::fflush(stdout);
      }
      nlohmann::json record = {{"step", step},
                               {"lr", lr},
                               {"grad_norm", grad_norm},
                               {"samples_per_s", rate},
                               {"elapsed_s", loop.ElapsedSeconds()}};
      for (const auto& [name, value] : means) record["loss_" + name] = value;
      loop.Log(record);
      report.loss = means[0].second;
      interval_sums.assign(interval_sums.size(), 0.0);
      interval_steps = 0;
      interval_data_s = 0.0;
      interval.Restart();
    }

    if (leader && val && config.train.val_every > 0 &&
        (step % config.train.val_every == 0 || end.last)) {
      const auto val_terms = validate();
      report.val_loss = val_terms[0].second;
      nlohmann::json record = {{"step", step}, {"split", "val"}};
      for (const auto& [name, value] : val_terms) record["val_" + name] = value;
      loop.Log(record);
      if (options.progress)
        fmt::print("step {}  val loss {:.4f} ({})\n", step, val_terms[0].second,
                   FormatTerms(val_terms));
    }

    if (step % config.train.checkpoint_every == 0 || end.last || interrupted) save_checkpoint(step);
    if (loop.Stop(end, step, &report)) break;
  }
  if (step == first_step) save_checkpoint(step);
  report.step = step;
  report.steps_trained = step - first_step;
  report.samples_per_s = report.steps_trained * config.train.batch / std::max(1e-9, loop.Seconds());
  return report;
}

}  // namespace intersynth
