#include "intersynth/diffusion/sampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include "intersynth/diffusion/gaussian_diffusion.h"
#include "intersynth/util/error.h"
#include "intersynth/util/random.h"

namespace intersynth {

torch::Tensor PerSampleNoise(int64_t samples, at::IntArrayRef shape, uint64_t seed, uint64_t salt) {
  std::vector<torch::Tensor> rows;
  for (int64_t i = 0; i < samples; ++i) {
    at::Generator generator =
        at::detail::createCPUGenerator(MixSeed(seed, static_cast<uint64_t>(i), salt));
    rows.push_back(torch::randn(shape, generator, torch::kFloat32));
  }
  return torch::stack(rows);
}

torch::Tensor GuidedPrediction(MotionDiffusion& model,
                               const torch::Tensor& x_t,
                               int t,
                               const TextCondition& cond,
                               const TextCondition& uncond,
                               const torch::Tensor& token_mask,
                               const torch::Tensor& person_ids,
                               double guidance) {
  const int64_t n = x_t.size(0);
  const torch::Tensor steps =
      torch::full({n}, t, torch::TensorOptions().dtype(torch::kLong).device(x_t.device()));
  if (guidance == 1.0) return model->forward(x_t, steps, cond, token_mask, person_ids);
  if (guidance == 0.0) return model->forward(x_t, steps, uncond, token_mask, person_ids);
  // One batch of 2N: conditional rows first, then unconditional.
  const torch::Tensor both = model->forward(
      torch::cat({x_t, x_t}), torch::cat({steps, steps}), CatTextConditions(cond, uncond),
      torch::cat({token_mask, token_mask}), torch::cat({person_ids, person_ids}));
  return GuidedX0(both.narrow(0, 0, n), both.narrow(0, n, n), guidance);
}

void SamplerOptions::Check() const {
  CheckAtLeast(steps, 1, "steps");
  CheckAtLeast(guidance, 0.0, "guidance");
}

torch::Tensor SampleX0(MotionDiffusion& model,
                       const NoiseSchedule& schedule,
                       const TextCondition& cond,
                       const TextCondition& uncond,
                       const torch::Tensor& token_mask,
                       const torch::Tensor& person_ids,
                       const SamplerOptions& options,
                       const Inpainting& inpainting,
                       const SamplerProgress& progress) {
  options.Check();
  torch::NoGradGuard no_grad;
  model->eval();
  const int64_t n = token_mask.size(0), persons = token_mask.size(1), rows = token_mask.size(2);
  const int64_t channels = 262;
  const torch::Device device = token_mask.device();
  const torch::Tensor mask = token_mask.unsqueeze(-1).to(torch::kFloat32);
  torch::Tensor x = PerSampleNoise(n, {persons, rows, channels}, options.seed, 0).to(device) * mask;

  // Replaces the known entries of an x_0 prediction.
  auto inpaint = [&](const torch::Tensor& x0) {
    return inpainting.known.defined() ? torch::where(inpainting.known, inpainting.values, x0) : x0;
  };

  torch::Tensor x0;
  if (options.kind == SamplerKind::kDdim) {
    const std::vector<int> timesteps = schedule.SpacedTimesteps(options.steps);
    for (size_t i = 0; i < timesteps.size(); ++i) {
      const int t = timesteps[i];
      const int t_prev = i + 1 < timesteps.size() ? timesteps[i + 1] : -1;
      x0 = inpaint(
          GuidedPrediction(model, x, t, cond, uncond, token_mask, person_ids, options.guidance));
      x = DdimStep(schedule, x, t, t_prev, x0) * mask;
      if (progress) progress(static_cast<int>(i) + 1, static_cast<int>(timesteps.size()));
    }
  } else {
    const int total = schedule.steps();
    for (int t = total - 1; t >= 0; --t) {
      x0 = inpaint(
          GuidedPrediction(model, x, t, cond, uncond, token_mask, person_ids, options.guidance));
      const torch::Tensor noise =
          PerSampleNoise(n, {persons, rows, channels}, options.seed, static_cast<uint64_t>(t) + 1)
              .to(device);
      const torch::Tensor steps =
          torch::full({n}, t, torch::TensorOptions().dtype(torch::kLong).device(device));
      x = DdpmStep(schedule, x, steps, x0, noise) * mask;
      if (progress) progress(total - t, total);
    }
  }
  // The last step returns x_0 itself (DDIM to abar = 1; DDPM's t = 0 step is
  // the posterior mean with coefficient 1 on x0); known entries exactly.
  return inpaint(x);
}

}  // namespace intersynth
