#include "intersynth/diffusion/denoiser.h"

#include <cmath>

#include "intersynth/nn_torch/attention.h"

namespace intersynth {

torch::Tensor SinusoidalEncoding(const torch::Tensor& positions, int64_t dim) {
  TORCH_CHECK(dim % 2 == 0, "SinusoidalEncoding: dim must be even, got ", dim);
  auto options = torch::TensorOptions().dtype(torch::kFloat32).device(positions.device());
  const torch::Tensor pos = positions.to(torch::kFloat32).reshape({-1, 1});
  // 1 / 10000^(2i/dim) for i = 0 .. dim/2 - 1.
  const torch::Tensor inv_freq = torch::exp(torch::arange(0, dim, 2, options) *
                                            (-std::log(10000.0) / static_cast<double>(dim)));
  const torch::Tensor angles = pos * inv_freq.unsqueeze(0);  // [N, dim/2]
  // Interleave sin (even channels) and cos (odd channels).
  return torch::stack({torch::sin(angles), torch::cos(angles)}, /*dim=*/2)
      .reshape({pos.size(0), dim});
}

MaskedSelfAttentionImpl::MaskedSelfAttentionImpl(int64_t d_model, int64_t heads, double dropout)
    : heads_(heads) {
  TORCH_CHECK(d_model % heads == 0, "d_model ", d_model, " not divisible by heads ", heads);
  qkv_ = register_module("qkv", torch::nn::Linear(d_model, 3 * d_model));
  out_ = register_module("out", torch::nn::Linear(d_model, d_model));
  dropout_ = register_module("dropout", torch::nn::Dropout(dropout));
}

torch::Tensor MaskedSelfAttentionImpl::forward(const torch::Tensor& x,
                                               const torch::Tensor& key_mask) {
  // The shared implementation (nn_torch/attention.h) takes padding, the
  // keys not to attend to.
  return MultiHeadSelfAttention(x, key_mask.logical_not(), heads_, qkv_, out_, dropout_);
}

AdaLnBlockImpl::AdaLnBlockImpl(int64_t d_model, int64_t heads, int64_t ff_dim, double dropout) {
  auto no_affine = torch::nn::LayerNormOptions({d_model}).elementwise_affine(false).eps(1e-6);
  norm1_ = register_module("norm1", torch::nn::LayerNorm(no_affine));
  norm2_ = register_module("norm2", torch::nn::LayerNorm(no_affine));
  attention_ = register_module("attention", MaskedSelfAttention(d_model, heads, dropout));
  feed_forward_ = register_module(
      "feed_forward",
      torch::nn::Sequential(torch::nn::Linear(d_model, ff_dim), torch::nn::GELU(),
                            torch::nn::Dropout(dropout), torch::nn::Linear(ff_dim, d_model)));
  modulation_ = register_module("modulation", torch::nn::Linear(d_model, 6 * d_model));
  // AdaLN-Zero: every gate starts at 0, so the block starts as the identity.
  torch::NoGradGuard no_grad;
  modulation_->weight.zero_();
  modulation_->bias.zero_();
}

torch::Tensor AdaLnBlockImpl::forward(const torch::Tensor& h,
                                      const torch::Tensor& c,
                                      const torch::Tensor& key_mask) {
  // Six [B, 1, d] modulations from the condition.
  const std::vector<torch::Tensor> m = modulation_(torch::silu(c)).unsqueeze(1).chunk(6, -1);
  const torch::Tensor &shift1 = m[0], &scale1 = m[1], &gate1 = m[2];
  const torch::Tensor &shift2 = m[3], &scale2 = m[4], &gate2 = m[5];
  torch::Tensor out = h + gate1 * attention_(norm1_(h) * (1 + scale1) + shift1, key_mask);
  out = out + gate2 * feed_forward_->forward(norm2_(out) * (1 + scale2) + shift2);
  return out;
}

DenoiserImpl::DenoiserImpl(const DenoiserConfig& config, int64_t feature_dim, int64_t cond_dim)
    : config_(config), feature_dim_(feature_dim) {
  const int64_t d = config.d_model;
  TORCH_CHECK(d % 2 == 0, "d_model must be even for the sinusoidal encodings");
  input_ = register_module("input", torch::nn::Linear(feature_dim, d));
  person_embedding_ =
      register_module("person_embedding", torch::nn::Embedding(config.max_persons, d));
  time_mlp_ = register_module(
      "time_mlp",
      torch::nn::Sequential(torch::nn::Linear(d, d), torch::nn::SiLU(), torch::nn::Linear(d, d)));
  cond_projection_ = register_module("cond_projection", torch::nn::Linear(cond_dim, d));
  if (config.word_tokens) {
    word_projection_ = register_module("word_projection", torch::nn::Linear(cond_dim, d));
  }
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.layers; ++i) {
    blocks_->push_back(AdaLnBlock(d, config.heads, config.ff_dim, config.dropout));
  }
  final_norm_ = register_module(
      "final_norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).elementwise_affine(false).eps(1e-6)));
  final_modulation_ = register_module("final_modulation", torch::nn::Linear(d, 2 * d));
  output_ = register_module("output", torch::nn::Linear(d, feature_dim));
  torch::NoGradGuard no_grad;
  // Identity embeddings on the scale of the rest of a token
  // (DenoiserConfig::person_embedding_init_std), and a zero final modulation
  // as in DiT.
  person_embedding_->weight.normal_(0.0, config.person_embedding_init_std);
  final_modulation_->weight.zero_();
  final_modulation_->bias.zero_();
}

torch::Tensor DenoiserImpl::forward(const torch::Tensor& x_t,
                                    const torch::Tensor& t,
                                    const torch::Tensor& cond,
                                    const torch::Tensor& token_mask,
                                    const torch::Tensor& person_ids,
                                    const torch::Tensor& words,
                                    const torch::Tensor& word_mask) {
  TORCH_CHECK(x_t.dim() == 4 && x_t.size(3) == feature_dim_, "x_t must be [B, P, T, ", feature_dim_,
              "], got ", x_t.sizes());
  const int64_t batch = x_t.size(0), persons = x_t.size(1), frames = x_t.size(2);
  const int64_t d = config_.d_model;
  TORCH_CHECK(persons <= config_.max_persons, "persons ", persons, " > max_persons ",
              config_.max_persons);
  TORCH_CHECK(frames <= config_.max_frames, "frames ", frames, " > max_frames ",
              config_.max_frames);
  TORCH_CHECK(token_mask.sizes() == torch::IntArrayRef({batch, persons, frames}),
              "token_mask must be [B, P, T]");
  TORCH_CHECK(person_ids.sizes() == torch::IntArrayRef({batch, persons}),
              "person_ids must be [B, P]");
  TORCH_CHECK(t.sizes() == torch::IntArrayRef({batch}), "t must be [B]");
  TORCH_CHECK(token_mask.reshape({batch, -1}).any(1).all().item<bool>(),
              "every sample needs a real token");

  // Tokens: features + frame position + person identity.
  const torch::Tensor frame_pe =
      SinusoidalEncoding(torch::arange(frames, x_t.options().dtype(torch::kLong)), d);
  torch::Tensor h = input_(x_t) + frame_pe.view({1, 1, frames, d}) +
                    person_embedding_(person_ids).view({batch, persons, 1, d});
  h = h.reshape({batch, persons * frames, d});
  torch::Tensor key_mask = token_mask.reshape({batch, persons * frames});
  TORCH_CHECK(words.defined() == config_.word_tokens && word_mask.defined() == words.defined(),
              config_.word_tokens ? "this denoiser reads word tokens: pass words and word_mask"
                                  : "this denoiser has no word tokens (model.word_tokens false)");
  int64_t num_words = 0;
  if (words.defined()) {
    num_words = words.size(1);
    TORCH_CHECK(words.dim() == 3 && words.size(0) == batch, "words must be [B, L, D], got ",
                words.sizes());
    TORCH_CHECK(word_mask.sizes() == torch::IntArrayRef({batch, num_words}),
                "word_mask must be [B, L]");
    const torch::Tensor word_pe =
        SinusoidalEncoding(torch::arange(num_words, x_t.options().dtype(torch::kLong)), d);
    const torch::Tensor w = word_projection_(words) + word_pe.unsqueeze(0);
    h = torch::cat({w, h}, 1);
    key_mask = torch::cat({word_mask, key_mask}, 1);
  }

  // Condition: diffusion step and text.
  const torch::Tensor c = time_mlp_->forward(SinusoidalEncoding(t, d)) + cond_projection_(cond);
  for (const auto& block : *blocks_) {
    h = block->as<AdaLnBlock>()->forward(h, c, key_mask);
  }
  if (num_words > 0) h = h.narrow(1, num_words, persons * frames);
  const std::vector<torch::Tensor> m = final_modulation_(torch::silu(c)).unsqueeze(1).chunk(2, -1);
  h = final_norm_(h) * (1 + m[1]) + m[0];
  return output_(h).reshape({batch, persons, frames, feature_dim_});
}

}  // namespace intersynth
