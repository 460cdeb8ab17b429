// Motion-capture import throughput: BVH parse + forward kinematics + joint-map
// lookup + retargeting onto smpl22 + floor, on the real ReActIdle hierarchy
// (testdata/bvh, 19 joints, mixed channel orders) with its 4 frames tiled to
// 2400 frames (100 s at 24 fps), written to a temp file once.
//   build/bench/retarget_bench --benchmark_counters_tabular=true
// BM_ParseOnly is the reference beside it: the share of the time that is
// text parsing.

#include <benchmark/benchmark.h>

#include <filesystem>

#include "intersynth/body/mocap_import.h"
#include "intersynth/io/bvh.h"

namespace intersynth {
namespace {

constexpr int kFrames = 2400;

std::filesystem::path SourceDir() { return std::filesystem::path(INTERSYNTH_BENCH_SOURCE_DIR); }

// The fixture with its frames repeated up to kFrames, as a temp file.
const std::filesystem::path& LongTake() {
  static const std::filesystem::path path = [] {
    BvhMotion motion = ReadBvh(SourceDir() / "testdata/bvh/reactidle_001_acted_first4.bvh");
    Eigen::MatrixXd values(kFrames, motion.values.cols());
    for (int f = 0; f < kFrames; ++f) values.row(f) = motion.values.row(f % motion.num_frames);
    motion.values = values;
    motion.num_frames = kFrames;
    const auto out = std::filesystem::temp_directory_path() / "intersynth_retarget_bench.bvh";
    WriteBvh(out, motion);
    return out;
  }();
  return path;
}

void BM_ParseOnly(benchmark::State& state) {
  for (auto _ : state) {
    BvhMotion motion = ReadBvh(LongTake());
    benchmark::DoNotOptimize(motion.values.data());
  }
  state.counters["frames/s"] =
      benchmark::Counter(double(kFrames) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseOnly)->Unit(benchmark::kMillisecond);

void BM_ParseAndRetarget(benchmark::State& state) {
  MocapImportOptions options;
  options.joint_map_dir = SourceDir() / "data/joint_maps";
  for (auto _ : state) {
    ImportedTake take = ImportMocapTake(LongTake(), options);
    benchmark::DoNotOptimize(take.joints.data());
  }
  state.counters["frames/s"] =
      benchmark::Counter(double(kFrames) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseAndRetarget)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
