#include "intersynth/recovery_torch/body_fit_optimizers_torch.h"

namespace intersynth {

StageReport RunLbfgs(std::vector<torch::Tensor> params,
                     int iterations,
                     const std::function<torch::Tensor()>& loss_fn) {
  StageReport report;
  torch::optim::LBFGS optimizer(params, torch::optim::LBFGSOptions(1.0)
                                            .max_iter(iterations)
                                            .history_size(20)
                                            .tolerance_grad(1e-9)
                                            .tolerance_change(1e-12)
                                            .line_search_fn("strong_wolfe"));
  optimizer.step([&] {
    optimizer.zero_grad();
    torch::Tensor loss = loss_fn();
    loss.backward();
    if (report.evaluations++ == 0) report.before = loss.item<double>();
    return loss;
  });
  {
    torch::NoGradGuard guard;
    report.after = loss_fn().item<double>();
  }
  return report;
}

StageReport RunAdam(std::vector<torch::Tensor> params,
                    int steps,
                    double learning_rate,
                    const std::function<torch::Tensor()>& loss_fn) {
  StageReport report;
  torch::optim::Adam optimizer(params, torch::optim::AdamOptions(learning_rate));
  for (int step = 0; step < steps; ++step) {
    optimizer.zero_grad();
    torch::Tensor loss = loss_fn();
    loss.backward();
    if (report.evaluations++ == 0) report.before = loss.item<double>();
    optimizer.step();
  }
  torch::NoGradGuard guard;
  report.after = loss_fn().item<double>();
  return report;
}

}  // namespace intersynth
