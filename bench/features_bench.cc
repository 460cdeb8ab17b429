// Feature encoding throughput: clip frames encoded per second ("frames/s";
// for the 2-person clip also "person-frames/s").
//   build/bench/features_bench --benchmark_counters_tabular=true
// Both encoders run on SyntheticSmpl22Motion clips of 196 frames (the
// canonical clip length), 2 persons for the InterGen layout, 1 for HumanML3D.

#include <benchmark/benchmark.h>

#include "intersynth/motion/features_262.h"
#include "intersynth/motion/features_263.h"
#include "intersynth/motion/smpl22_motion.h"

namespace intersynth {
namespace {

constexpr int kFrames = 196;

// Two persons; argument 0: rotations computed by IK, 1: stored rotations
// copied (no IK). The ratio of the two is the cost of the IK.
void BM_EncodeInterGenTwoPersons(benchmark::State& state) {
  const bool with_rotations = state.range(0) == 1;
  const MotionClip clip = SyntheticSmpl22Motion(2, kFrames, 1, with_rotations);
  for (auto _ : state) {
    InterGenFeatures features = EncodeInterGen(clip);
    benchmark::DoNotOptimize(features.values.data());
  }
  state.SetLabel(with_rotations ? "stored rotations" : "rotations by IK");
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(kFrames) * state.iterations(),
                                                  benchmark::Counter::kIsRate);
  state.counters["person-frames/s"] = benchmark::Counter(
      static_cast<double>(kFrames) * 2 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EncodeInterGenTwoPersons)->Arg(0)->Arg(1);

void BM_EncodeHumanML3D(benchmark::State& state) {
  const MotionClip clip = SyntheticSmpl22Motion(1, kFrames, 1);
  const std::vector<float> joints = CanonicalizeHumanML3DJoints(clip.person(0), kFrames);
  for (auto _ : state) {
    std::vector<float> features = EncodeHumanML3D(joints.data(), kFrames);
    benchmark::DoNotOptimize(features.data());
  }
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(kFrames) * state.iterations(),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EncodeHumanML3D);

void BM_DecodeHumanML3D(benchmark::State& state) {
  const MotionClip clip = SyntheticSmpl22Motion(1, kFrames, 1);
  const std::vector<float> joints = CanonicalizeHumanML3DJoints(clip.person(0), kFrames);
  const std::vector<float> features = EncodeHumanML3D(joints.data(), kFrames);
  for (auto _ : state) {
    std::vector<float> decoded = DecodeHumanML3D(features.data(), kFrames - 1);
    benchmark::DoNotOptimize(decoded.data());
  }
  state.counters["frames/s"] = benchmark::Counter(
      static_cast<double>(kFrames - 1) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecodeHumanML3D);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
