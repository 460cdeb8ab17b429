#pragma once
// The forward (noising) process of a Gaussian diffusion model and the
// per-step coefficients its samplers need. Plain C++ doubles; the tensor code
// (gaussian_diffusion.h) reads them.
//
// Cosine schedule (Nichol & Dhariwal 2021, "Improved DDPM", eq. 17), as MDM
// uses it (--noise_schedule cosine, 1000 steps):
//   f(u)      = cos^2( (u + s) / (1 + s) * pi / 2 ),       u in [0, 1]
//   beta_t    = min(1 - f((t + 1) / T) / f(t / T), 0.999),  t = 0 .. T-1
//   abar_t    = prod_{i <= t} (1 - beta_i)                  (alphas_cumprod)
//   q(x_t | x_0) = N( sqrt(abar_t) x_0, (1 - abar_t) I )
// The clip at 0.999 keeps the last steps from dividing by zero (f(1) = 0).
//
// Posterior q(x_{t-1} | x_t, x_0) (Ho et al. 2020, eq. 6-7):
//   mean = c0_t x_0 + ct_t x_t,
//   c0_t = beta_t sqrt(abar_{t-1}) / (1 - abar_t),
//   ct_t = (1 - abar_{t-1}) sqrt(1 - beta_t) / (1 - abar_t),
//   var_t = beta_t (1 - abar_{t-1}) / (1 - abar_t),   abar_{-1} = 1
// var_0 = 0, so its log is clipped to log var_1 (as guided-diffusion does).

#include <vector>

namespace intersynth {

class NoiseSchedule {
 public:
  /// The cosine schedule with `steps` steps and offset `s`. steps >= 2, s > 0.
  static NoiseSchedule Cosine(int steps, double s = 0.008);

  int steps() const { return static_cast<int>(betas_.size()); }
  double beta(int t) const { return betas_.at(t); }
  /// abar_t.
  double alpha_bar(int t) const { return alpha_bars_.at(t); }
  /// abar_{t-1} (1 for t = 0).
  double alpha_bar_prev(int t) const { return t == 0 ? 1.0 : alpha_bars_.at(t - 1); }
  /// Coefficient of x_0 in the posterior mean.
  double posterior_coef_x0(int t) const;
  /// Coefficient of x_t in the posterior mean.
  double posterior_coef_xt(int t) const;
  /// Posterior variance var_t (0 at t = 0).
  double posterior_variance(int t) const;
  /// log var_t with var_0 replaced by var_1.
  double posterior_log_variance_clipped(int t) const;

  /// `count` timesteps for DDIM, evenly spaced over [0, T-1], descending,
  /// first T-1 and last 0 (count in [1, T]; count = T gives every step).
  std::vector<int> SpacedTimesteps(int count) const;

 private:
  std::vector<double> betas_;
  std::vector<double> alpha_bars_;
};

}  // namespace intersynth
