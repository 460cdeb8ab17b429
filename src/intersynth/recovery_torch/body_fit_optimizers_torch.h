#pragma once
// The two optimisers of body fitting (body_fitting_torch.h), each running one
// stage's minimisation of a scalar loss over a set of leaf tensors. Torch
// target only.

#include <torch/torch.h>

#include <functional>
#include <vector>

namespace intersynth {

/// What one minimisation did: the loss before and after, the evaluations made.
struct StageReport {
  double before = 0.0, after = 0.0;
  int evaluations = 0;
};

/// L-BFGS with a strong Wolfe line search (history 20), `iterations` at most.
StageReport RunLbfgs(std::vector<torch::Tensor> params,
                     int iterations,
                     const std::function<torch::Tensor()>& loss_fn);

/// Adam, `steps` steps of `learning_rate`.
StageReport RunAdam(std::vector<torch::Tensor> params,
                    int steps,
                    double learning_rate,
                    const std::function<torch::Tensor()>& loss_fn);

}  // namespace intersynth
