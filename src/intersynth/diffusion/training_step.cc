#include "intersynth/diffusion/training_step.h"

#include <ATen/CPUGeneratorImpl.h>

#include "intersynth/diffusion/gaussian_diffusion.h"
#include "intersynth/motion/features_262.h"

namespace intersynth {

BatchTensors ToTensors(const TrainingBatch& batch, const torch::Device& device) {
  const int64_t B = batch.batch, P = batch.persons, T = batch.rows, C = InterGenLayout::kDim;
  BatchTensors out;
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  out.x0 = torch::from_blob(const_cast<float*>(batch.values.data()), {B, P, T, C}, f32).clone();
  out.token_mask =
      torch::from_blob(const_cast<uint8_t*>(batch.token_mask.data()), {B, P, T}, torch::kUInt8)
          .to(torch::kBool);
  out.joint_valid =
      torch::from_blob(const_cast<float*>(batch.joint_valid.data()), {B, P, T, 22}, f32).clone();
  out.person_ids =
      torch::from_blob(const_cast<int64_t*>(batch.person_ids.data()), {B, P}, torch::kLong).clone();
  out.t = torch::from_blob(const_cast<int64_t*>(batch.timesteps.data()), {B}, torch::kLong).clone();
  out.drop_text = torch::from_blob(const_cast<uint8_t*>(batch.drop_text.data()), {B}, torch::kUInt8)
                      .to(torch::kBool);

  // Each sample's noise from its own generator, so a sample's noise does not
  // depend on which shard or batch it lands in.
  out.noise = torch::zeros({B, P, T, C}, f32);
  for (int64_t b = 0; b < B; ++b) {
    at::Generator generator = at::detail::createCPUGenerator(batch.noise_seeds[b]);
    const int64_t persons = batch.sample_persons[b], rows = batch.sample_rows[b];
    out.noise[b]
        .narrow(0, 0, persons)
        .narrow(1, 0, rows)
        .copy_(torch::randn({persons, rows, C}, generator, f32));
  }

  out.texts = batch.texts;
  for (torch::Tensor* t : {&out.x0, &out.token_mask, &out.joint_valid, &out.person_ids, &out.t,
                           &out.drop_text, &out.noise}) {
    *t = t->to(device);
  }
  return out;
}

std::pair<torch::Tensor, torch::Tensor> NormalizerTensors(const FeatureNormalizer& normalizer,
                                                          const torch::Device& device) {
  std::vector<float> scale(normalizer.std);
  for (float& s : scale) s = s >= kMinFeatureStd ? s : 1.0f;
  return {torch::tensor(normalizer.mean).to(device), torch::tensor(scale).to(device)};
}

LossTerms TrainingLoss(MotionDiffusion& model,
                       const BatchTensors& batch,
                       const NoiseSchedule& schedule,
                       const torch::Tensor& mean,
                       const torch::Tensor& std,
                       const DiffusionConfig& config) {
  const torch::Tensor mask = batch.token_mask.unsqueeze(-1).to(torch::kFloat32);
  // Padding stays exactly zero in x_t (it is masked anyway).
  const torch::Tensor x_t = QSample(schedule, batch.x0, batch.t, batch.noise) * mask;
  const TextCondition cond = model->EncodeText(batch.texts, batch.drop_text);
  const torch::Tensor x0_hat =
      model->forward(x_t, batch.t, cond, batch.token_mask, batch.person_ids);
  return ComputeLosses(x0_hat, batch.x0, batch.token_mask, batch.joint_valid, batch.t, mean, std,
                       config.loss, config.diffusion.t_bar);
}

}  // namespace intersynth
