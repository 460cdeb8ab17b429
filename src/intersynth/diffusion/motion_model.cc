#include "intersynth/diffusion/motion_model.h"

#include "intersynth/motion/features_262.h"

namespace intersynth {

MotionDiffusionImpl::MotionDiffusionImpl(const DiffusionConfig& config, int64_t vocab_size) : config_(config) {
  TextEncoderOptions text;
  text.vocab_size = vocab_size;
  text.d_model = config.text.d_model;
  text.layers = config.text.layers;
  text.heads = config.text.heads;
  text.ff_dim = config.text.ff_dim;
  text.max_tokens = config.text.max_tokens;
  text.dropout = config.text.dropout;
  text.out_dim = config.text.d_model;
  text_encoder_ = register_module("text_encoder", TextEncoder(text));
  null_text_ = register_parameter("null_text", torch::randn({config.text.d_model}) * 0.02);
  denoiser_ = register_module("denoiser", Denoiser(config.model, InterGenLayout::kDim, config.text.d_model));
}

torch::Tensor MotionDiffusionImpl::NullText(int64_t batch) {
  return null_text_.unsqueeze(0).expand({batch, null_text_.size(0)});
}

torch::Tensor MotionDiffusionImpl::EncodeText(const torch::Tensor& ids, const torch::Tensor& drop) {
  TORCH_CHECK(ids.dim() == 2 && drop.dim() == 1 && drop.size(0) == ids.size(0), "ids [B, L] and drop [B]");
  const int64_t batch = ids.size(0);
  const torch::Tensor keep = drop.logical_not();
  torch::Tensor cond = NullText(batch).clone();
  // Encode only the rows that keep their text (a dropped row may be empty).
  const torch::Tensor rows = keep.nonzero().squeeze(1);
  if (rows.numel() > 0) {
    const torch::Tensor encoded = text_encoder_(ids.index_select(0, rows));
    cond = cond.index_copy(0, rows, encoded);
  }
  return cond;
}

torch::Tensor MotionDiffusionImpl::forward(const torch::Tensor& x_t, const torch::Tensor& t,
                                           const torch::Tensor& cond, const torch::Tensor& token_mask,
                                           const torch::Tensor& person_ids) {
  return denoiser_(x_t, t, cond, token_mask, person_ids);
}

void CopyWeights(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard no_grad;
  const auto source = from.named_parameters();
  for (auto& item : to.named_parameters()) item.value().copy_(source[item.key()]);
  const auto source_buffers = from.named_buffers();
  for (auto& item : to.named_buffers()) item.value().copy_(source_buffers[item.key()]);
}

void UpdateEma(torch::nn::Module& model, torch::nn::Module& ema, double decay) {
  torch::NoGradGuard no_grad;
  const auto source = model.named_parameters();
  for (auto& item : ema.named_parameters()) item.value().mul_(decay).add_(source[item.key()], 1.0 - decay);
}

int64_t CountParameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

}  // namespace intersynth
