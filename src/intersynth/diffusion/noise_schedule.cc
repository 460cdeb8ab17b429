#include "intersynth/diffusion/noise_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "intersynth/util/error.h"

namespace intersynth {

NoiseSchedule NoiseSchedule::Cosine(int steps, double s) {
  if (steps < 2) throw Error(fmt::format("noise schedule: need at least 2 steps, got {}", steps));
  if (!(s > 0))
    throw Error(fmt::format("noise schedule: cosine offset s must be positive, got {}", s));
  const double pi = 3.14159265358979323846;
  auto f = [&](double u) {
    const double c = std::cos((u + s) / (1.0 + s) * pi / 2.0);
    return c * c;
  };
  NoiseSchedule schedule;
  schedule.betas_.resize(steps);
  schedule.alpha_bars_.resize(steps);
  double alpha_bar = 1.0;
  for (int t = 0; t < steps; ++t) {
    const double beta =
        std::min(1.0 - f((t + 1.0) / steps) / f(static_cast<double>(t) / steps), 0.999);
    schedule.betas_[t] = beta;
    alpha_bar *= 1.0 - beta;
    schedule.alpha_bars_[t] = alpha_bar;
  }
  return schedule;
}

double NoiseSchedule::posterior_coef_x0(int t) const {
  return beta(t) * std::sqrt(alpha_bar_prev(t)) / (1.0 - alpha_bar(t));
}

double NoiseSchedule::posterior_coef_xt(int t) const {
  return (1.0 - alpha_bar_prev(t)) * std::sqrt(1.0 - beta(t)) / (1.0 - alpha_bar(t));
}

double NoiseSchedule::posterior_variance(int t) const {
  return beta(t) * (1.0 - alpha_bar_prev(t)) / (1.0 - alpha_bar(t));
}

double NoiseSchedule::posterior_log_variance_clipped(int t) const {
  return std::log(posterior_variance(t == 0 ? 1 : t));
}

std::vector<int> NoiseSchedule::SpacedTimesteps(int count) const {
  const int total = steps();
  if (count < 1 || count > total) {
    throw Error(fmt::format("sampler steps must be in [1, {}], got {}", total, count));
  }
  std::vector<int> timesteps(count);
  for (int i = 0; i < count; ++i) {
    // Evenly spaced from T-1 down to 0, rounded to the nearest step.
    const double u = count == 1 ? 0.0 : static_cast<double>(count - 1 - i) / (count - 1);
    timesteps[i] = static_cast<int>(std::lround(u * (total - 1)));
  }
  return timesteps;
}

}  // namespace intersynth
