#pragma once
// The body model forward benchmark shared by body_bench (a random SMPL-sized
// model) and recovery_bench (the bundled open body): range(0) people in one
// batch, range(1) != 0 adds the backward pass that fitting needs; counts
// posed vertices per second.

#include <benchmark/benchmark.h>

#include <optional>

#include "intersynth/body_torch/body_model_torch.h"

namespace intersynth {

inline void RunBodyForward(benchmark::State& state, const BodyModelTorch& model) {
  const int64_t n = state.range(0);
  const bool backward = state.range(1) != 0;
  torch::manual_seed(0);
  const torch::Tensor betas = torch::randn({n, model.num_betas()}).requires_grad_(backward);
  const torch::Tensor pose =
      (0.3 * torch::randn({n, model.num_joints(), 3})).requires_grad_(backward);
  const torch::Tensor transl = torch::randn({n, 3}).requires_grad_(backward);
  for (auto _ : state) {
    std::optional<torch::NoGradGuard> no_grad;
    if (!backward) no_grad.emplace();
    const BodyModelOutput out = model.Forward(betas, pose, transl);
    if (backward) out.vertices.sum().backward();
    benchmark::DoNotOptimize(out.vertices.data_ptr());
  }
  state.counters["vertices/s"] = benchmark::Counter(static_cast<double>(n) * model.num_vertices(),
                                                    benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(backward ? "forward + backward" : "forward");
}

}  // namespace intersynth
