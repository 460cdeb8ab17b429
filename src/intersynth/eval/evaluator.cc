#include "intersynth/eval/evaluator.h"

#include <cmath>

#include "intersynth/diffusion/denoiser.h"
#include "intersynth/diffusion/motion_model.h"
#include "intersynth/motion/features_262.h"

namespace intersynth {

MotionTextEvaluatorImpl::MotionTextEvaluatorImpl(const EvaluatorConfig& config, Tokenizer tokenizer)
    : config_(config), tokenizer_(std::move(tokenizer)) {
  const DenoiserConfig& m = config.base.model;
  const int64_t embed = config.evaluator.embed_dim;
  input_ = register_module("input", torch::nn::Linear(kEvaluatorFeatureDim, m.d_model));
  person_embedding_ =
      register_module("person_embedding", torch::nn::Embedding(m.max_persons, m.d_model));
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < m.layers; ++i) {
    layers_->push_back(internal::PreNormEncoderLayer(m.d_model, m.heads, m.ff_dim, m.dropout));
  }
  final_norm_ =
      register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({m.d_model})));
  motion_projection_ = register_module("motion_projection", torch::nn::Linear(m.d_model, embed));
  text_encoder_ = register_module(
      "text_encoder", TextEncoder(MakeTextEncoderOptions(config.base.text, tokenizer_.vocab_size(),
                                                         config.base.text.d_model)));
  text_projection_ =
      register_module("text_projection", torch::nn::Linear(config.base.text.d_model, embed));
  log_scale_ =
      register_parameter("log_scale", torch::tensor(std::log(1.0 / config.evaluator.temperature)));
}

torch::Tensor MotionTextEvaluatorImpl::EncodeMotion(const torch::Tensor& features,
                                                    const torch::Tensor& token_mask,
                                                    const torch::Tensor& person_ids) {
  TORCH_CHECK(features.dim() == 4 && features.size(3) == kEvaluatorFeatureDim,
              "features [B, P, T, 258], got ", features.sizes());
  const int64_t B = features.size(0), P = features.size(1), T = features.size(2);
  const int64_t d = config_.base.model.d_model;
  TORCH_CHECK(token_mask.sizes() == torch::IntArrayRef({B, P, T}), "token_mask [B, P, T]");
  TORCH_CHECK(person_ids.sizes() == torch::IntArrayRef({B, P}), "person_ids [B, P]");
  TORCH_CHECK(T <= config_.base.model.max_frames, "more frames (", T, ") than model.max_frames (",
              config_.base.model.max_frames, ")");

  // Tokens: features + frame position + person identity.
  const torch::Tensor frames =
      SinusoidalEncoding(torch::arange(T, features.options().dtype(torch::kLong)), d);
  torch::Tensor x =
      input_(features) + frames.view({1, 1, T, d}) + person_embedding_(person_ids).unsqueeze(2);
  x = x.reshape({B, P * T, d});
  const torch::Tensor real = token_mask.reshape({B, P * T});
  TORCH_CHECK(real.any(1).all().item<bool>(), "every sample needs a real token");

  // Full attention over every person's frames, padding masked as keys.
  const torch::Tensor padding = real.logical_not();
  for (const auto& layer : *layers_)
    x = layer->as<internal::PreNormEncoderLayer>()->forward(x, padding);
  x = final_norm_(x);

  // Masked mean over the real tokens, projected onto the unit sphere.
  const torch::Tensor weights = real.to(x.dtype()).unsqueeze(-1);
  const torch::Tensor pooled = (x * weights).sum(1) / weights.sum(1);
  return torch::nn::functional::normalize(motion_projection_(pooled),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

torch::Tensor MotionTextEvaluatorImpl::EncodeText(const std::vector<std::string>& texts) {
  TORCH_CHECK(!texts.empty(), "EncodeText needs at least one caption");
  std::vector<std::vector<int64_t>> ids;
  const int max_tokens = static_cast<int>(config_.base.text.max_tokens);
  for (const std::string& text : texts) ids.push_back(tokenizer_.Encode(text, max_tokens));
  const torch::Device device = log_scale_.device();
  const torch::Tensor encoded = text_encoder_(PadTokenBatch(ids, max_tokens).to(device));
  return torch::nn::functional::normalize(text_projection_(encoded),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

torch::Tensor MotionTextEvaluatorImpl::LogitScale() const {
  return log_scale_.exp().clamp(1.0, 100.0);
}

torch::Tensor DropFootContacts(const torch::Tensor& features) {
  TORCH_CHECK(features.size(-1) == InterGenLayout::kDim, "features [..., 262], got ",
              features.sizes());
  return features.narrow(-1, 0, InterGenLayout::kFootContacts);
}

torch::Tensor ContrastiveLoss(const torch::Tensor& text,
                              const torch::Tensor& motion,
                              const torch::Tensor& logit_scale,
                              const std::vector<int64_t>& caption_ids) {
  const int64_t B = text.size(0);
  TORCH_CHECK(B >= 2 && motion.size(0) == B && static_cast<int64_t>(caption_ids.size()) == B,
              "text [B, E], motion [B, E] and caption_ids [B] with B >= 2");
  // Pairs that share a caption are no negatives of each other: their
  // similarities leave the softmax (the diagonal stays).
  const torch::Tensor ids = torch::tensor(caption_ids, torch::kLong).to(text.device());
  const torch::Tensor same = ids.unsqueeze(0).eq(ids.unsqueeze(1));
  const torch::Tensor diagonal =
      torch::eye(B, torch::TensorOptions().dtype(torch::kBool).device(text.device()));
  const torch::Tensor excluded = same.logical_and(diagonal.logical_not());
  const torch::Tensor logits = (logit_scale * torch::matmul(text, motion.t()))
                                   .masked_fill(excluded, -std::numeric_limits<float>::infinity());
  const torch::Tensor targets = torch::arange(B, ids.options());
  return 0.5 * (torch::nn::functional::cross_entropy(logits, targets) +
                torch::nn::functional::cross_entropy(logits.t(), targets));
}

}  // namespace intersynth
