#include "intersynth/diffusion/gaussian_diffusion.h"

#include <cmath>

namespace intersynth {
namespace {

// One schedule quantity per step, so GatherScheduleValue can look them up.
std::vector<double> PerStep(const NoiseSchedule& schedule,
                            double (NoiseSchedule::*value)(int) const) {
  std::vector<double> out(schedule.steps());
  for (int t = 0; t < schedule.steps(); ++t) out[t] = (schedule.*value)(t);
  return out;
}

std::vector<double> Map(std::vector<double> values, double (*f)(double)) {
  for (double& v : values) v = f(v);
  return values;
}

double OneMinus(double v) { return 1.0 - v; }
double Sqrt(double v) { return std::sqrt(v); }

}  // namespace

torch::Tensor GatherScheduleValue(const std::vector<double>& values,
                                  const torch::Tensor& t,
                                  const torch::Tensor& like) {
  TORCH_CHECK(t.dim() == 1 && t.size(0) == like.size(0), "t must be [B] with B = ", like.size(0));
  TORCH_CHECK(t.numel() == 0 || (t.min().item<int64_t>() >= 0 &&
                                 t.max().item<int64_t>() < static_cast<int64_t>(values.size())),
              "timestep out of range [0, ", values.size(), ")");
  // One lookup on the device (no per-sample host round trips on CUDA).
  std::vector<float> table(values.begin(), values.end());
  const torch::Tensor on_device = torch::tensor(table, like.options().dtype(torch::kFloat32));
  std::vector<int64_t> shape(like.dim(), 1);
  shape[0] = t.size(0);
  return on_device.index_select(0, t.to(like.device(), torch::kLong)).view(shape);
}

torch::Tensor QSample(const NoiseSchedule& schedule,
                      const torch::Tensor& x0,
                      const torch::Tensor& t,
                      const torch::Tensor& noise) {
  const std::vector<double> abar = PerStep(schedule, &NoiseSchedule::alpha_bar);
  return GatherScheduleValue(Map(abar, Sqrt), t, x0) * x0 +
         GatherScheduleValue(Map(Map(abar, OneMinus), Sqrt), t, x0) * noise;
}

torch::Tensor EpsilonFromX0(const NoiseSchedule& schedule,
                            const torch::Tensor& x_t,
                            const torch::Tensor& t,
                            const torch::Tensor& x0) {
  const std::vector<double> abar = PerStep(schedule, &NoiseSchedule::alpha_bar);
  return (x_t - GatherScheduleValue(Map(abar, Sqrt), t, x_t) * x0) /
         GatherScheduleValue(Map(Map(abar, OneMinus), Sqrt), t, x_t);
}

torch::Tensor X0FromEpsilon(const NoiseSchedule& schedule,
                            const torch::Tensor& x_t,
                            const torch::Tensor& t,
                            const torch::Tensor& eps) {
  const std::vector<double> abar = PerStep(schedule, &NoiseSchedule::alpha_bar);
  return (x_t - GatherScheduleValue(Map(Map(abar, OneMinus), Sqrt), t, x_t) * eps) /
         GatherScheduleValue(Map(abar, Sqrt), t, x_t);
}

torch::Tensor DdpmStep(const NoiseSchedule& schedule,
                       const torch::Tensor& x_t,
                       const torch::Tensor& t,
                       const torch::Tensor& x0_hat,
                       const torch::Tensor& noise) {
  const torch::Tensor mean =
      GatherScheduleValue(PerStep(schedule, &NoiseSchedule::posterior_coef_x0), t, x_t) * x0_hat +
      GatherScheduleValue(PerStep(schedule, &NoiseSchedule::posterior_coef_xt), t, x_t) * x_t;
  std::vector<double> sigma = PerStep(schedule, &NoiseSchedule::posterior_log_variance_clipped);
  for (double& v : sigma) v = std::exp(0.5 * v);
  // No noise on the last step (t = 0): the sample is the posterior mean.
  const torch::Tensor nonzero = (t != 0).to(torch::kFloat32).to(x_t.device());
  std::vector<int64_t> shape(x_t.dim(), 1);
  shape[0] = x_t.size(0);
  return mean + nonzero.view(shape) * GatherScheduleValue(sigma, t, x_t) * noise;
}

torch::Tensor DdimStep(const NoiseSchedule& schedule,
                       const torch::Tensor& x_t,
                       int t,
                       int t_prev,
                       const torch::Tensor& x0_hat) {
  TORCH_CHECK(t >= 0 && t < schedule.steps() && t_prev < t && t_prev >= -1, "bad DDIM step ", t,
              " -> ", t_prev);
  const double abar_t = schedule.alpha_bar(t);
  const double abar_prev = t_prev < 0 ? 1.0 : schedule.alpha_bar(t_prev);
  const torch::Tensor eps = (x_t - std::sqrt(abar_t) * x0_hat) / std::sqrt(1.0 - abar_t);
  return std::sqrt(abar_prev) * x0_hat + std::sqrt(1.0 - abar_prev) * eps;
}

torch::Tensor GuidedX0(const torch::Tensor& x0_cond,
                       const torch::Tensor& x0_uncond,
                       double guidance) {
  return x0_uncond + guidance * (x0_cond - x0_uncond);
}

}  // namespace intersynth
