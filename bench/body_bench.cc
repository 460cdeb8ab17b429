// Body model forward (body_torch/body_model_torch.h) at SMPL's size: V = 6890
// vertices, J = 24 joints, B = 10 betas, 207 pose correctives, with random
// arrays (SMPL itself cannot be shipped; the cost depends on the sizes only).
// "vertices/s" counts posed vertices; batch 1 and 256, with and without the
// backward pass that fitting needs.
//   build/bench/body_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>

#include "body_forward_bench.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/body_torch/body_model_torch.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

BodyModelData SmplSizedModel() {
  constexpr int V = 6890, J = 24, B = 10;
  Rng rng(1);
  BodyModelData m;
  m.num_vertices = V;
  m.num_joints = J;
  m.num_betas = B;
  m.source = "random SMPL-sized model";
  auto fill = [&](std::vector<float>* v, size_t n, double scale) {
    v->resize(n);
    for (float& x : *v) x = static_cast<float>(rng.Normal(0.0, scale));
  };
  fill(&m.v_template, V * 3, 0.3);
  fill(&m.shapedirs, V * 3 * B, 0.01);
  fill(&m.posedirs, 9 * (J - 1) * V * 3, 0.001);
  m.j_regressor.assign(static_cast<size_t>(J) * V, 1.0f / V);
  // Four joints per vertex, as SMPL's weights mostly are.
  m.weights.assign(static_cast<size_t>(V) * J, 0.0f);
  for (int v = 0; v < V; ++v) {
    for (int k = 0; k < 4; ++k) m.weights[static_cast<size_t>(v) * J + (v + 5 * k) % J] += 0.25f;
  }
  m.parents = {-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 21};
  return m;
}

void BM_BodyForward(benchmark::State& state) {
  static const BodyModelTorch model(SmplSizedModel());
  RunBodyForward(state, model);
}
BENCHMARK(BM_BodyForward)
    ->Args({1, 0})
    ->Args({256, 0})
    ->Args({1, 1})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
