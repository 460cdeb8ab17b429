#pragma once
// The learned text encoder: token ids (tokenizer.h) -> one conditioning vector
// per caption. A small pre-LN transformer, trained with the motion model.
// Torch header: include it only from Torch targets (DESIGN.md).
//
// Shapes and conventions:
//   ids     int64 [B, L], 0 = "<pad>" (Tokenizer::kPadId), L <= max_tokens;
//           real tokens may be followed (or interleaved) by padding, and every
//           row needs at least one real token.
//   output  float32 [B, out_dim].
//
// Computation (x_b,l in R^d_model, m_b,l = 1 for a real token, 0 for "<pad>"):
//   x_0      = E_tok[ids] + E_pos[l]                       (E_tok row 0 is zero)
//   per layer (pre-LN, Xiong et al. 2020, "On Layer Normalization in the
//   Transformer Architecture", Fig. 1b):
//     h      = x + Dropout(MHA(LN_1(x), key_padding = 1 - m))
//     x'     = h + Dropout(W_2 Dropout(GELU(W_1 LN_2(h) + b_1)) + b_2)
//   MHA (Vaswani et al. 2017, eq. 1), per head with d_head = d_model / heads:
//     A      = softmax_over_keys(Q K^T / sqrt(d_head) + M),  M = -inf at padded keys
//     MHA(a) = W_o concat_heads(A V),   [Q K V] = W_qkv a
//   pooled_b = sum_l m_b,l x_b,l / sum_l m_b,l              (masked mean)
//   out_b    = W_out LN_f(pooled_b) + b_out
// Padding never reaches a real token (its keys are masked) nor the pooled
// vector (its weight is 0), so appending padding leaves the output unchanged
// up to float rounding. A padded query row still sees the real keys, so no
// softmax row is all -inf.

#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "intersynth/util/options.h"

namespace intersynth {

/// Size of the learned text encoder.
struct TextEncoderOptions {
  /// Number of token ids (Tokenizer::vocab_size()); required, > 0.
  int64_t vocab_size = 0;
  /// Width of the token vectors and of every layer's residual stream.
  int64_t d_model = 256;
  /// Number of transformer encoder layers (0 gives embeddings + pooling only).
  int64_t layers = 2;
  /// Attention heads per layer; must divide d_model.
  int64_t heads = 4;
  /// Hidden width of each layer's feed-forward block.
  int64_t ff_dim = 512;
  /// Longest id sequence accepted (size of the position table).
  int64_t max_tokens = 32;
  /// Dropout on attention weights and residual branches while training.
  double dropout = 0.1;
  /// Width of the output vector (the motion model's conditioning width).
  int64_t out_dim = 256;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

namespace internal {

/// One pre-LN transformer encoder layer with a key padding mask (see the top
/// of this file). Written out rather than torch::nn::TransformerEncoderLayer
/// because LibTorch 1.13's C++ layer is post-LN only (no norm_first).
class PreNormEncoderLayerImpl : public torch::nn::Module {
 public:
  /// Layer of width d_model with `heads` heads (dividing d_model), a
  /// feed-forward block of width ff_dim, and dropout probability `dropout`.
  PreNormEncoderLayerImpl(int64_t d_model, int64_t heads, int64_t ff_dim, double dropout);

  /// x: float [B, L, d_model]; padding: bool [B, L], true at "<pad>" tokens.
  /// Returns [B, L, d_model].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& padding);

 private:
  int64_t heads_;
  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::Linear qkv_{nullptr};
  torch::nn::Linear attention_out_{nullptr};
  torch::nn::LayerNorm feed_forward_norm_{nullptr};
  torch::nn::Linear feed_forward_in_{nullptr};
  torch::nn::Linear feed_forward_out_{nullptr};
  torch::nn::Dropout attention_dropout_{nullptr};
  torch::nn::Dropout residual_dropout_{nullptr};
};
TORCH_MODULE(PreNormEncoderLayer);

}  // namespace internal

/// Token ids [B, L] -> text embeddings [B, out_dim] (formulas at the top of
/// this file). Parameters are drawn from LibTorch's global generator: seed it
/// (torch::manual_seed) before construction for reproducible weights.
class TextEncoderImpl : public torch::nn::Module {
 public:
  /// Builds the layers. TORCH_CHECKs the options (vocab_size, d_model,
  /// heads, ff_dim, max_tokens, out_dim > 0, layers >= 0, heads divides
  /// d_model, 0 <= dropout < 1).
  explicit TextEncoderImpl(const TextEncoderOptions& options);

  /// ids: int64 [B, L] with B >= 1, 1 <= L <= max_tokens, values in
  /// [0, vocab_size), at least one non-zero id per row (TORCH_CHECKed).
  /// Returns float32 [B, out_dim] on the module's device.
  torch::Tensor forward(const torch::Tensor& ids);

  /// forward() and the per-word states it pools: {pooled [B, out_dim],
  /// words [B, L, d_model] (final layer norm applied per word; padded
  /// positions hold values that must be masked by ids != 0)}.
  std::pair<torch::Tensor, torch::Tensor> ForwardWithWords(const torch::Tensor& ids);

  /// The options the encoder was built with.
  const TextEncoderOptions& options() const { return options_; }

 private:
  // The pooled output and, when `with_words`, the per-word states.
  std::pair<torch::Tensor, torch::Tensor> Encode(const torch::Tensor& ids, bool with_words);

  TextEncoderOptions options_;
  torch::nn::Embedding token_embedding_{nullptr};
  torch::nn::Embedding position_embedding_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(TextEncoder);

/// Stacks token id lists (Tokenizer::Encode) into an int64 CPU tensor [B, L],
/// L = the longest list, shorter lists padded with 0 ("<pad>") at the end.
/// TORCH_CHECKs that there is at least one list, that no list is empty or
/// longer than max_tokens, and that max_tokens >= 1.
torch::Tensor PadTokenBatch(const std::vector<std::vector<int64_t>>& ids, int64_t max_tokens);

}  // namespace intersynth
