// Motion recovery costs (issue 14), on the bundled open body model
// (13,380 vertices, 31 joints, 16 betas) and pose prior:
//   BM_OpenBodyForward  posed vertices per second, batch 1 and 256, forward
//                       only and with the backward pass that fitting needs;
//   BM_FitTrack         fitting one person's simulated keypoint track
//                       (a synthetic walk seen by the simulated camera,
//                       3 px noise, 20 % dropped): seconds per frame per
//                       person for temporal and per-frame fitting at the
//                       defaults of `intersynth recover`, with Adam (the
//                       default) and L-BFGS.
//   build/bench/recovery_bench --benchmark_counters_tabular=true
// (one fit takes seconds: BM_FitTrack runs each case once).

#include <benchmark/benchmark.h>

#include <string>

#include "body_forward_bench.h"
#include "intersynth/body_torch/body_model_torch.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/recovery_torch/body_fitting_torch.h"

namespace intersynth {
namespace {

const std::filesystem::path kAssets = std::filesystem::path(INTERSYNTH_BENCH_SOURCE_DIR) / "assets";

const BodyModelData& OpenBody() {
  static const BodyModelData data = LoadBodyModel(kAssets / "body/open_body.npz");
  return data;
}

const BodyModelTorch& OpenBodyTorch() {
  static const BodyModelTorch model(OpenBody());
  return model;
}

void BM_OpenBodyForward(benchmark::State& state) { RunBodyForward(state, OpenBodyTorch()); }
BENCHMARK(BM_OpenBodyForward)
    ->Args({1, 0})
    ->Args({256, 0})
    ->Args({1, 1})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond);

void BM_FitTrack(benchmark::State& state) {
  const int frames = static_cast<int>(state.range(0));
  const bool temporal = state.range(1) != 0;
  const bool adam = state.range(2) != 0;
  const PosePrior prior = LoadPosePrior(kAssets / "priors/pose_gmm32.npz");
  KeypointSimulationOptions simulation;
  simulation.noise_px = 3.0;
  simulation.drop_probability = 0.2;
  const KeypointSimulation sim = SimulateKeypoints(SyntheticSmpl22Motion(1, frames, 3), simulation);
  const KeypointTrack track = GroupKeypointTracks(sim.keypoints).at(0);
  const RigidTransformd camera_from_world = sim.camera.world_from_camera.Inverse();
  BodyFitOptions options;
  options.floor = Plane{};  // the simulated room's floor, y = 0
  options.method = temporal ? BodyFitMethod::kTemporal : BodyFitMethod::kPerFrame;
  options.optimizer = adam ? BodyFitOptimizer::kAdam : BodyFitOptimizer::kLbfgs;
  double reprojection = 0.0;
  for (auto _ : state) {
    const BodyFit fit = FitBodyToTrack(OpenBody(), OpenBodyTorch(), prior, sim.camera.camera,
                                       camera_from_world, track, options);
    reprojection = fit.mean_reprojection_px;
  }
  state.counters["s/frame/person"] = benchmark::Counter(
      static_cast<double>(frames),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["reprojection_px"] = reprojection;
  state.SetLabel(std::string(temporal ? "temporal" : "per-frame") + (adam ? ", adam" : ", lbfgs"));
}
BENCHMARK(BM_FitTrack)
    ->Args({60, 1, 1})
    ->Args({60, 0, 1})
    ->Args({60, 1, 0})
    ->Args({60, 0, 0})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
