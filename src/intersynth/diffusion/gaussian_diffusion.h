#pragma once
// Tensor operations of the diffusion process: noising, the x_0 <-> epsilon
// conversions, one DDPM or DDIM reverse step and classifier-free guidance.
// Torch header (diffusion-internal). Coefficients come from noise_schedule.h;
// `t` is an int64 tensor [B] and every coefficient is broadcast over the
// remaining dimensions of x [B, ...].
//
//   q_sample:   x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
//   eps(x_0):   eps = (x_t - sqrt(abar_t) x_0) / sqrt(1 - abar_t)
//   x_0(eps):   x_0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)
//   DDPM step (Ho et al. 2020), fixed small variance as MDM:
//               x_{t-1} = c0_t x0_hat + ct_t x_t + [t > 0] sqrt(var_t) z
//   DDIM step (Song et al. 2021, eq. 12, eta = 0, from t to s < t):
//               x_s = sqrt(abar_s) x0_hat + sqrt(1 - abar_s) eps_hat(x_t, x0_hat)
//               (s = -1 means abar_s = 1: the step returns x0_hat)
//   CFG on the x_0 prediction (MDM's ClassifierFreeSampleModel):
//               x0 = x0_uncond + g (x0_cond - x0_uncond)
//     g = 1 is the conditional model, g = 0 the unconditional one.

#include <torch/torch.h>

#include "intersynth/diffusion/noise_schedule.h"

namespace intersynth {

/// Schedule values at steps t [B] as a float tensor [B, 1, ..., 1] shaped to
/// broadcast against `like`.
torch::Tensor GatherScheduleValue(const std::vector<double>& values,
                                  const torch::Tensor& t,
                                  const torch::Tensor& like);

/// sqrt(abar_t) x_0 + sqrt(1 - abar_t) noise.
torch::Tensor QSample(const NoiseSchedule& schedule,
                      const torch::Tensor& x0,
                      const torch::Tensor& t,
                      const torch::Tensor& noise);

/// The epsilon that turns x_0 into x_t at step t.
torch::Tensor EpsilonFromX0(const NoiseSchedule& schedule,
                            const torch::Tensor& x_t,
                            const torch::Tensor& t,
                            const torch::Tensor& x0);

/// The x_0 that x_t came from given its noise.
torch::Tensor X0FromEpsilon(const NoiseSchedule& schedule,
                            const torch::Tensor& x_t,
                            const torch::Tensor& t,
                            const torch::Tensor& eps);

/// One DDPM ancestral step from every sample's t to t - 1; `noise` is z
/// (ignored where t = 0).
torch::Tensor DdpmStep(const NoiseSchedule& schedule,
                       const torch::Tensor& x_t,
                       const torch::Tensor& t,
                       const torch::Tensor& x0_hat,
                       const torch::Tensor& noise);

/// One deterministic DDIM step from step t to step t_prev (-1: to x_0). All
/// samples share t and t_prev.
torch::Tensor DdimStep(const NoiseSchedule& schedule,
                       const torch::Tensor& x_t,
                       int t,
                       int t_prev,
                       const torch::Tensor& x0_hat);

/// x0_uncond + guidance * (x0_cond - x0_uncond).
torch::Tensor GuidedX0(const torch::Tensor& x0_cond,
                       const torch::Tensor& x0_uncond,
                       double guidance);

}  // namespace intersynth
