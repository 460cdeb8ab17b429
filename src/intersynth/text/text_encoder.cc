#include "intersynth/text/text_encoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/nn_torch/attention.h"

namespace intersynth {
namespace internal {

PreNormEncoderLayerImpl::PreNormEncoderLayerImpl(int64_t d_model,
                                                 int64_t heads,
                                                 int64_t ff_dim,
                                                 double dropout)
    : heads_(heads) {
  TORCH_CHECK(heads > 0 && d_model % heads == 0, "heads (", heads, ") must divide d_model (",
              d_model, ")");
  attention_norm_ = register_module("attention_norm",
                                    torch::nn::LayerNorm(torch::nn::LayerNormOptions({d_model})));
  qkv_ = register_module("qkv", torch::nn::Linear(d_model, 3 * d_model));
  attention_out_ = register_module("attention_out", torch::nn::Linear(d_model, d_model));
  feed_forward_norm_ = register_module(
      "feed_forward_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d_model})));
  feed_forward_in_ = register_module("feed_forward_in", torch::nn::Linear(d_model, ff_dim));
  feed_forward_out_ = register_module("feed_forward_out", torch::nn::Linear(ff_dim, d_model));
  attention_dropout_ = register_module("attention_dropout", torch::nn::Dropout(dropout));
  residual_dropout_ = register_module("residual_dropout", torch::nn::Dropout(dropout));
}

torch::Tensor PreNormEncoderLayerImpl::forward(const torch::Tensor& x,
                                               const torch::Tensor& padding) {
  // Self-attention on the normalised stream; padded keys get no weight
  // (nn_torch/attention.h).
  const torch::Tensor attended = MultiHeadSelfAttention(attention_norm_(x), padding, heads_, qkv_,
                                                        attention_out_, attention_dropout_);
  const torch::Tensor h = x + residual_dropout_(attended);

  // Position-wise feed-forward block on the normalised residual stream.
  const torch::Tensor hidden =
      residual_dropout_(torch::gelu(feed_forward_in_(feed_forward_norm_(h))));
  return h + residual_dropout_(feed_forward_out_(hidden));
}

}  // namespace internal

void TextEncoderOptions::Check() const {
  CheckPositive(vocab_size, "vocab_size");
  CheckPositive(d_model, "d_model");
  CheckPositive(ff_dim, "ff_dim");
  CheckPositive(max_tokens, "max_tokens");
  CheckPositive(out_dim, "out_dim");
  CheckAtLeast<int64_t>(layers, 0, "layers");
  CheckPositive(heads, "heads");
  if (d_model % heads != 0)
    throw OptionError(fmt::format("{{heads}} ({}) must divide {{d_model}} ({})", heads, d_model));
  if (!(dropout >= 0.0 && dropout < 1.0))
    throw OptionError(fmt::format("{{dropout}} must be in [0, 1), got {}", dropout));
}

TextEncoderImpl::TextEncoderImpl(const TextEncoderOptions& options) : options_(options) {
  options.Check();

  token_embedding_ = register_module(
      "token_embedding",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(options.vocab_size, options.d_model).padding_idx(0)));
  position_embedding_ = register_module("position_embedding",
                                        torch::nn::Embedding(options.max_tokens, options.d_model));
  layers_ = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < options.layers; ++i) {
    layers_->push_back(internal::PreNormEncoderLayer(options.d_model, options.heads, options.ff_dim,
                                                     options.dropout));
  }
  final_norm_ = register_module(
      "final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.d_model})));
  output_ = register_module("output", torch::nn::Linear(options.d_model, options.out_dim));

  // Small embeddings (std 0.02, as GPT-2 and CLIP) keep the residual stream
  // of a fresh model near the embedding scale instead of N(0, 1) per entry;
  // re-initialising overwrites the zero "<pad>" row, so zero it again.
  torch::NoGradGuard no_grad;
  torch::nn::init::normal_(token_embedding_->weight, 0.0, 0.02);
  torch::nn::init::normal_(position_embedding_->weight, 0.0, 0.02);
  token_embedding_->weight[0].zero_();
}

torch::Tensor TextEncoderImpl::forward(const torch::Tensor& ids) {
  return Encode(ids, /*with_words=*/false).first;
}

std::pair<torch::Tensor, torch::Tensor> TextEncoderImpl::ForwardWithWords(
    const torch::Tensor& ids) {
  return Encode(ids, /*with_words=*/true);
}

std::pair<torch::Tensor, torch::Tensor> TextEncoderImpl::Encode(const torch::Tensor& ids,
                                                                bool with_words) {
  // Contract checks: they guard against ids from another tokenizer or a
  // batch built without PadTokenBatch.
  TORCH_CHECK(ids.dim() == 2, "TextEncoder: ids must be [B, L], got ", ids.sizes());
  TORCH_CHECK(ids.scalar_type() == torch::kLong, "TextEncoder: ids must be int64, got ",
              ids.scalar_type());
  const int64_t batch = ids.size(0);
  const int64_t length = ids.size(1);
  TORCH_CHECK(batch >= 1 && length >= 1, "TextEncoder: empty batch ", ids.sizes());
  TORCH_CHECK(length <= options_.max_tokens, "TextEncoder: ", length,
              " tokens exceed max_tokens = ", options_.max_tokens);
  TORCH_CHECK(ids.min().item<int64_t>() >= 0 && ids.max().item<int64_t>() < options_.vocab_size,
              "TextEncoder: ids must lie in [0, ", options_.vocab_size, ")");
  const torch::Tensor padding = ids.eq(0);  // [B, L], true at "<pad>"
  const torch::Tensor real = padding.logical_not().to(torch::kFloat);
  const torch::Tensor real_count = real.sum(1, /*keepdim=*/true);  // [B, 1]
  TORCH_CHECK(real_count.min().item<float>() > 0.0f,
              "TextEncoder: a row of ids is all padding (every caption needs a word)");

  // Token + position embeddings, then the encoder layers.
  const torch::Tensor positions = torch::arange(length, ids.options());
  torch::Tensor x = token_embedding_(ids) + position_embedding_(positions).unsqueeze(0);
  for (const auto& layer : *layers_) {
    x = layer->as<internal::PreNormEncoderLayer>()->forward(x, padding);
  }

  // Masked mean over real tokens: padded positions get weight 0.
  const torch::Tensor pooled = (x * real.unsqueeze(-1)).sum(1) / real_count;
  return {output_(final_norm_(pooled)), with_words ? final_norm_(x) : torch::Tensor()};
}

torch::Tensor PadTokenBatch(const std::vector<std::vector<int64_t>>& ids, int64_t max_tokens) {
  TORCH_CHECK(max_tokens >= 1, "PadTokenBatch: max_tokens must be >= 1, got ", max_tokens);
  TORCH_CHECK(!ids.empty(), "PadTokenBatch: no token lists");
  size_t longest = 0;
  for (size_t b = 0; b < ids.size(); ++b) {
    TORCH_CHECK(!ids[b].empty(), "PadTokenBatch: token list ", b, " is empty");
    TORCH_CHECK(static_cast<int64_t>(ids[b].size()) <= max_tokens, "PadTokenBatch: token list ", b,
                " has ", ids[b].size(), " ids, more than max_tokens = ", max_tokens);
    longest = std::max(longest, ids[b].size());
  }

  // Fill row by row in a zero ("<pad>") tensor.
  torch::Tensor batch =
      torch::zeros({static_cast<int64_t>(ids.size()), static_cast<int64_t>(longest)}, torch::kLong);
  auto access = batch.accessor<int64_t, 2>();
  for (size_t b = 0; b < ids.size(); ++b) {
    for (size_t l = 0; l < ids[b].size(); ++l) access[b][l] = ids[b][l];
  }
  return batch;
}

}  // namespace intersynth
