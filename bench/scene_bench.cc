// lift-scene time per key frame on synthetic rooms (scene/synthetic_room.h) at
// 640x480 and 1920x1080: the whole lift (depth on the image grid,
// back-projection, floor search or mask fit, alignment) in memory, for the
// three depth paths, and the stages alone. Files are not written (writing
// points.ply is disk-bound: ~15 bytes a point).
//   build/bench/scene_bench --benchmark_counters_tabular=true
// "pixels/s" counts key-frame pixels.

#include <benchmark/benchmark.h>

#include <cmath>

#include "intersynth/scene/depth_fusion.h"
#include "intersynth/scene/floor.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// A room at the benchmark's size with 1% depth noise, rendered once per size.
const SyntheticRoom& Room(int width, int height) {
  static SyntheticRoom small, large;
  SyntheticRoom& room = width == 640 ? small : large;
  if (room.depth.empty()) {
    SyntheticRoomOptions options;
    options.width = width;
    options.height = height;
    room = RenderSyntheticRoom(options);
    Rng rng(1);
    for (float& z : room.depth.values) z = static_cast<float>(z * (1.0 + rng.Normal(0.0, 0.01)));
  }
  return room;
}

enum Path { kDepth = 0, kMask = 1, kFusion = 2 };

void BM_LiftScene(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int height = static_cast<int>(state.range(1));
  const Path path = static_cast<Path>(state.range(2));
  const SyntheticRoom& room = Room(width, height);
  LiftSceneInputs inputs;
  inputs.image = room.image;
  inputs.camera = room.camera;
  if (path == kFusion) {
    // 1/z = 0.5 d + 0.1; metric depth at 512x384 as a metric network gives it.
    DepthMap disparity = room.depth;
    for (float& v : disparity.values) v = static_cast<float>((1.0 / v - 0.1) / 0.5);
    inputs.disparity = {disparity};
    inputs.metric = {Resample(room.depth, 512, 384, ResampleMethod::kArea)};
  } else {
    inputs.depth = room.depth;
  }
  if (path == kMask) inputs.mask = room.floor;
  for (auto _ : state) {
    const LiftSceneResult result = LiftScene(inputs);
    if (!result.success) state.SkipWithError(result.message.c_str());
    benchmark::DoNotOptimize(result.placement.camera_height);
  }
  state.counters["pixels/s"] = benchmark::Counter(static_cast<double>(width) * height,
                                                  benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(path == kDepth  ? "metric depth, floor search"
                 : path == kMask ? "metric depth, floor mask"
                                 : "fusion, floor search");
}
BENCHMARK(BM_LiftScene)
    ->Args({640, 480, kDepth})
    ->Args({640, 480, kMask})
    ->Args({640, 480, kFusion})
    ->Args({1920, 1080, kDepth})
    ->Args({1920, 1080, kMask})
    ->Args({1920, 1080, kFusion})
    ->Unit(benchmark::kMillisecond);

void BM_FindFloor(benchmark::State& state) {
  const SyntheticRoom& room =
      Room(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  const PointCloud cloud = BackProject(room.depth, room.camera);
  for (auto _ : state) benchmark::DoNotOptimize(FindFloor(cloud, nullptr).camera_height);
  state.counters["points/s"] = benchmark::Counter(static_cast<double>(cloud.size()),
                                                  benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FindFloor)->Args({640, 480})->Args({1920, 1080})->Unit(benchmark::kMillisecond);

void BM_FitDisparity(benchmark::State& state) {
  const SyntheticRoom& room =
      Room(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  DepthMap disparity = room.depth;
  for (float& v : disparity.values) v = static_cast<float>(1.0 / v);
  const DepthMap metric = Resample(room.depth, 512, 384, ResampleMethod::kArea);
  for (auto _ : state) benchmark::DoNotOptimize(FitDisparityToMetric({metric}, {disparity}).alpha);
}
BENCHMARK(BM_FitDisparity)->Args({640, 480})->Args({1920, 1080})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
