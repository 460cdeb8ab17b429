#pragma once
// Reverse diffusion: DDPM (every step) and DDIM (a spaced subset, eta = 0)
// with classifier-free guidance and inpainting. Torch header
// (diffusion-internal); `intersynth generate` reaches it through generate.h.
//
// Per step, with c the text condition and the learned null embedding u:
//   x0_c = model(x_t, t, c), x0_u = model(x_t, t, u)          (one batch of 2N)
//   x0   = x0_u + g (x0_c - x0_u)                              (GuidedX0)
//   x0   = known ? x0_known : x0                               (inpainting, MDM's
//          replacement of the x_0 prediction; the sampler then moves x_t
//          towards the known values at every step)
//   x_{t-1} = DdpmStep(...) or x_{t'} = DdimStep(...)
// g = 1 skips the unconditional half; g = 0 skips the conditional half.
// Noise: sample i draws from its own generator seeded MixSeed(seed, i, 0),
// so sample i is the same whether it is generated alone or in a batch of N.

#include <torch/torch.h>

#include <functional>
#include <string>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/motion_model.h"
#include "intersynth/diffusion/noise_schedule.h"

namespace intersynth {

struct SamplerOptions {
  SamplerKind kind = SamplerKind::kDdim;
  /// DDIM steps (DDPM always runs every step of the schedule).
  int steps = 50;
  /// Classifier-free guidance scale g.
  double guidance = 2.5;
  /// Seed of the initial noise (and of DDPM's per-step noise).
  uint64_t seed = 0;

  /// Throws OptionError naming the first bad field (DDIM steps are checked
  /// against the schedule by SampleX0).
  void Check() const;
};

/// Known values for inpainting (both [N, P, T, C]; `known` bool). Undefined
/// tensors: nothing is known.
struct Inpainting {
  torch::Tensor known;
  torch::Tensor values;
};

/// Called after each reverse step with (steps done, total steps).
using SamplerProgress = std::function<void(int, int)>;

/// Samples x_0 [N, P, T, C] (normalised features). cond and uncond hold N
/// rows each; token_mask [N, P, T] bool; person_ids [N, P].
torch::Tensor SampleX0(MotionDiffusion& model,
                       const NoiseSchedule& schedule,
                       const TextCondition& cond,
                       const TextCondition& uncond,
                       const torch::Tensor& token_mask,
                       const torch::Tensor& person_ids,
                       const SamplerOptions& options,
                       const Inpainting& inpainting = {},
                       const SamplerProgress& progress = nullptr);

/// The guided x_0 prediction of one step (exposed for tests).
torch::Tensor GuidedPrediction(MotionDiffusion& model,
                               const torch::Tensor& x_t,
                               int t,
                               const TextCondition& cond,
                               const TextCondition& uncond,
                               const torch::Tensor& token_mask,
                               const torch::Tensor& person_ids,
                               double guidance);

/// Standard normal noise [N, ...shape] where row i comes from
/// Rng-independent generator MixSeed(seed, i, salt).
torch::Tensor PerSampleNoise(int64_t samples, at::IntArrayRef shape, uint64_t seed, uint64_t salt);

}  // namespace intersynth
