// Batched rotation conversions: rotations converted per second
// ("rotations/s"), float, over 100k rotations per call (about 4500 frames of
// 22 joints, nearly four minutes of motion at 20 fps).
//   build/bench/rotation_bench --benchmark_counters_tabular=true
// The inputs are the same seeded random rotations in every form: axis-angle,
// row-major matrices (from AxisAngleToMatrixBatch) and 6D (the first two
// columns of those matrices).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "intersynth/geometry/rotation.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr int64_t kRotations = 100000;

// kRotations rotations as axis-angle [n, 3]: axis uniform on the sphere,
// angle uniform in [0, pi).
std::vector<float> RandomAxisAngles() {
  Rng rng(1);
  std::vector<float> axis_angles(kRotations * 3);
  for (int64_t i = 0; i < kRotations; ++i) {
    Vector3<double> axis;
    do {
      axis = Vector3<double>(rng.Normal(), rng.Normal(), rng.Normal());
    } while (axis.norm() < 1e-3);
    const Vector3<double> aa = axis.normalized() * rng.Uniform(0.0, EIGEN_PI);
    for (int k = 0; k < 3; ++k) axis_angles[3 * i + k] = static_cast<float>(aa[k]);
  }
  return axis_angles;
}

// The same rotations as row-major matrices [n, 3, 3].
std::vector<float> RandomMatrices() {
  const std::vector<float> axis_angles = RandomAxisAngles();
  std::vector<float> matrices(kRotations * 9);
  AxisAngleToMatrixBatch(axis_angles.data(), kRotations, matrices.data());
  return matrices;
}

// The same rotations in the standard 6D form [n, 6].
std::vector<float> Random6d() {
  const std::vector<float> matrices = RandomMatrices();
  std::vector<float> rotations_6d(kRotations * 6);
  MatrixToRotation6dBatch(matrices.data(), kRotations, rotations_6d.data());
  return rotations_6d;
}

// Times convert(in, kRotations, out) with `out_size` output scalars per
// rotation; the output buffer is allocated once, outside the timed loop.
template <typename Convert>
void RunBatch(benchmark::State& state,
              const std::vector<float>& in,
              int out_size,
              Convert convert) {
  std::vector<float> out(kRotations * out_size);
  for (auto _ : state) {
    convert(in.data(), kRotations, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["rotations/s"] = benchmark::Counter(
      static_cast<double>(kRotations) * state.iterations(), benchmark::Counter::kIsRate);
}

// Rodrigues' formula (series below the small-angle threshold).
void BM_AxisAngleToMatrixBatch(benchmark::State& state) {
  RunBatch(state, RandomAxisAngles(), 9, AxisAngleToMatrixBatch<float>);
}
BENCHMARK(BM_AxisAngleToMatrixBatch);

// Shepperd's method: one square root and a branch per rotation.
void BM_MatrixToQuaternionBatch(benchmark::State& state) {
  RunBatch(state, RandomMatrices(), 4, MatrixToQuaternionBatch<float>);
}
BENCHMARK(BM_MatrixToQuaternionBatch);

// Gram-Schmidt of the two columns (Zhou et al. 2019), two square roots.
void BM_Rotation6dToMatrixBatch(benchmark::State& state) {
  RunBatch(state, Random6d(), 9, Rotation6dToMatrixBatch<float>);
}
BENCHMARK(BM_Rotation6dToMatrixBatch);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
