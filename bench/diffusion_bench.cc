// Speed of the motion diffusion model in its CPU configuration
// (data/configs/diffusion_cpu.json: d_model 256, 4 layers):
//   * training: optimiser steps of a 32-sample batch, as `intersynth train`
//     runs them (forward, every loss term, backward, gradient clip, AdamW,
//     EMA), for the scene kinds the trainer draws: single persons with 120-row
//     crops, composed scenes of 2 persons x 120 rows and of 4 persons x 60
//     rows (the 240-token budget). Counter: samples/s.
//   * generation: DDIM with 50 steps and classifier-free guidance (two
//     network passes per step, batched), 2 persons x 120 frames, batch 1 and
//     16. Counter: motions/s; the time per iteration is the latency.
// Untrained weights (speed does not depend on them). Threads: all cores, or
// INTERSYNTH_BENCH_THREADS; device: INTERSYNTH_BENCH_DEVICE=cuda for a GPU.
//   OPENBLAS_CORETYPE=SkylakeX build/bench/diffusion_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdlib>
#include <thread>

#include "intersynth/body/retarget.h"
#include "intersynth/diffusion/losses.h"
#include "intersynth/diffusion/motion_model.h"
#include "intersynth/diffusion/sampler.h"
#include "intersynth/diffusion/training_step.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/smpl22_motion.h"

namespace intersynth {
namespace {

torch::Device BenchDevice() {
  const char* device = std::getenv("INTERSYNTH_BENCH_DEVICE");
  return device != nullptr && std::string(device) == "cuda" ? torch::Device(torch::kCUDA)
                                                            : torch::Device(torch::kCPU);
}

void SetThreads() {
  const char* threads = std::getenv("INTERSYNTH_BENCH_THREADS");
  torch::set_num_threads(threads != nullptr
                             ? std::atoi(threads)
                             : static_cast<int>(std::thread::hardware_concurrency()));
}

// 40 synthetic single-person clips of 150 frames and their statistics.
const TrainingCorpus& Corpus() {
  static const TrainingCorpus corpus = [] {
    std::vector<TrainingClip> clips;
    FeatureStatistics statistics;
    for (int i = 0; i < 40; ++i) {
      MotionClip clip = SyntheticSmpl22Motion(1, 150, 1000 + i);
      CanonicalizeClip(clip);
      PutOnFloor(clip.joints, 150);
      clip.text = {"a person walks in a circle"};
      clips.push_back(MakeTrainingClip("bench" + std::to_string(i), clip));
      statistics.Add(clips.back().features.data(), clips.back().rows, InterGenLayout::kDim);
    }
    return MakeTrainingCorpus(std::move(clips), statistics.Finish());
  }();
  return corpus;
}

// One training step per iteration; range(0) persons (1 = single clips).
void BM_TrainStep(benchmark::State& state) {
  SetThreads();
  const torch::Device device = BenchDevice();
  const TrainingCorpus& corpus = Corpus();
  DiffusionConfig config;  // the CPU configuration
  config.train.mirror_rate = 0.5;
  const int persons = static_cast<int>(state.range(0));
  StepPlan plan;
  if (persons > 1) {
    plan.kind = SceneKind::kComposed;
    plan.persons = persons;
  }
  const Tokenizer tokenizer =
      Tokenizer::Build({"one person walks in a circle while another a third and a fourth"});
  torch::manual_seed(1);
  MotionDiffusion model(config, tokenizer);
  MotionDiffusion ema(config, tokenizer);
  model->to(device);
  ema->to(device);
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-4));
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const auto [mean, std] = NormalizerTensors(corpus.normalizer, device);
  int64_t step = 0, rows = 0;
  for (auto _ : state) {
    std::vector<TrainingSample> samples;
    for (int i = 0; i < config.train.batch; ++i)
      samples.push_back(DrawSample(corpus, config, plan, 1, step, i));
    const TrainingBatch batch = CollateSamples(samples, config.model.max_persons);
    rows = batch.rows;
    const BatchTensors tensors = ToTensors(batch, device);
    optimizer.zero_grad();
    TrainingLoss(model, tensors, schedule, mean, std, config).total.backward();
    torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
    optimizer.step();
    UpdateEma(*model, *ema, 0.999);
    ++step;
  }
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * config.train.batch, benchmark::Counter::kIsRate);
  state.counters["tokens/sample"] = static_cast<double>(persons * rows);
}
BENCHMARK(BM_TrainStep)
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(20.0);

// DDIM-50 with guidance 2.5, 2 persons x 120 frames; range(0) samples.
void BM_GenerateDdim50(benchmark::State& state) {
  SetThreads();
  const torch::Device device = BenchDevice();
  DiffusionConfig config;
  const Tokenizer tokenizer = Tokenizer::Build({"two people shake hands"});
  torch::manual_seed(2);
  MotionDiffusion model(config, tokenizer);
  model->to(device);
  model->eval();
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const int64_t n = state.range(0);
  TextCondition cond, uncond;
  {
    torch::NoGradGuard no_grad;
    cond = model->EncodeText(std::vector<std::string>(n, "two people shake hands"),
                             torch::zeros({n}, torch::kBool));
    uncond = model->NullText(n);
  }
  const torch::Tensor mask =
      torch::ones({n, 2, 120}, torch::TensorOptions().dtype(torch::kBool).device(device));
  const torch::Tensor ids = torch::arange(2, torch::kLong).repeat({n, 1}).to(device);
  SamplerOptions options;  // ddim, 50 steps, guidance 2.5
  for (auto _ : state) {
    benchmark::DoNotOptimize(SampleX0(model, schedule, cond, uncond, mask, ids, options));
  }
  state.counters["motions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * n, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateDdim50)
    ->Arg(1)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(10.0);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
