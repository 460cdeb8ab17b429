#pragma once
// The multi-person denoiser: ONE transformer encoder over the tokens of all
// persons and frames of a scene. Torch header: include it only from Torch
// targets (diffusion, eval).
//
// Shapes (B samples, P person slots, T frames, C = 262 feature channels):
//   x_t          [B, P, T, C]  noisy normalised features (features_262.h)
//   t            [B]           int64 diffusion steps in [0, steps)
//   cond         [B, D]        text condition (already the null embedding where dropped)
//   token_mask   [B, P, T]     bool, true for real tokens; false = padding (short
//                              clip) or an absent person slot
//   person_ids   [B, P]        int64 identity-embedding index of each slot, in
//                              [0, max_persons); distinct within a sample
//   returns      [B, P, T, C]  predicted x_0 (MDM predicts the clean signal)
//
// Token of person p at frame t:
//   h = W_in x_t[p, t] + PE(t) + E_person[person_ids[p]]
// PE is the sinusoidal encoding of the frame index (Vaswani et al. 2017).
// The P*T tokens go through `layers` pre-norm blocks with full attention
// between every pair of real tokens (so persons see each other at every
// frame; this replaces InterGen's two cross-attending towers and works for any
// P with one set of weights). Padded keys are masked out of every softmax, and
// every other operation is per token, so padded tokens never change the
// output of real ones (tested).
//
// Conditioning by adaptive layer norm (AdaLN-Zero, Peebles & Xie 2023 "DiT";
// InterGen conditions the same way), not a prefix token: c = MLP(SinPE(t)) +
// cond modulates every token in every block,
//   a = LN(h) * (1 + scale_1(c)) + shift_1(c);  h += gate_1(c) * Attn(a)
//   b = LN(h) * (1 + scale_2(c)) + shift_2(c);  h += gate_2(c) * FF(b)
// with the modulation layers zero-initialised, so each block starts as the
// identity. Why: a prefix token is one key among up to P*T = 1568 tokens and
// its influence thins out as scenes grow; the modulation reaches every token
// with the same strength for every P and T and needs no change to the mask.
//
// Word tokens (config.word_tokens): the pooled caption says which action but
// carries a side ("left"/"right") only weakly, so the caption's L words also
// join the sequence, w_l = W_word e_l + PE(l) (e_l the text encoder's output
// for word l), in front of the motion tokens; masked words (padding, a
// dropped caption) are keys no token attends to. The words go through the
// blocks like any token and are dropped at the output. They add L <= 32
// tokens to P*T.

#include <torch/torch.h>

#include "intersynth/diffusion/config.h"

namespace intersynth {

/// Sinusoidal encoding [N, dim] of positions [N] (float or int):
///   PE[n, 2i] = sin(pos_n / 10000^(2i/dim)), PE[n, 2i+1] = cos(...). dim even.
torch::Tensor SinusoidalEncoding(const torch::Tensor& positions, int64_t dim);

/// Multi-head self-attention with a key mask: the module that owns the
/// projections under the checkpoint's names ("qkv", "out"); the attention
/// itself is nn_torch/attention.h's MultiHeadSelfAttention.
class MaskedSelfAttentionImpl : public torch::nn::Module {
 public:
  MaskedSelfAttentionImpl(int64_t d_model, int64_t heads, double dropout);
  /// x [B, L, d], key_mask [B, L] bool (true = attend) -> [B, L, d].
  /// Every row of key_mask needs at least one true entry.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_mask);

 private:
  int64_t heads_;
  torch::nn::Linear qkv_{nullptr}, out_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(MaskedSelfAttention);

/// One AdaLN-Zero transformer block (see the header comment).
class AdaLnBlockImpl : public torch::nn::Module {
 public:
  AdaLnBlockImpl(int64_t d_model, int64_t heads, int64_t ff_dim, double dropout);
  /// h [B, L, d], c [B, d], key_mask [B, L] -> [B, L, d].
  torch::Tensor forward(const torch::Tensor& h,
                        const torch::Tensor& c,
                        const torch::Tensor& key_mask);

 private:
  torch::nn::LayerNorm norm1_{nullptr}, norm2_{nullptr};
  MaskedSelfAttention attention_{nullptr};
  torch::nn::Sequential feed_forward_{nullptr};
  torch::nn::Linear modulation_{nullptr};
};
TORCH_MODULE(AdaLnBlock);

class DenoiserImpl : public torch::nn::Module {
 public:
  /// `feature_dim` is 262 for the InterGen layout; cond_dim is the width of `cond`.
  DenoiserImpl(const DenoiserConfig& config, int64_t feature_dim, int64_t cond_dim);
  /// See the header comment for shapes.
  /// With config.word_tokens, `words` [B, L, cond_dim] and `word_mask`
  /// [B, L] bool (true = a real word) join the sequence; without, they must
  /// be undefined.
  torch::Tensor forward(const torch::Tensor& x_t,
                        const torch::Tensor& t,
                        const torch::Tensor& cond,
                        const torch::Tensor& token_mask,
                        const torch::Tensor& person_ids,
                        const torch::Tensor& words = {},
                        const torch::Tensor& word_mask = {});

  const DenoiserConfig& config() const { return config_; }

 private:
  DenoiserConfig config_;
  int64_t feature_dim_;
  torch::nn::Linear input_{nullptr};
  torch::nn::Embedding person_embedding_{nullptr};
  torch::nn::Sequential time_mlp_{nullptr};
  torch::nn::Linear cond_projection_{nullptr};
  torch::nn::Linear word_projection_{nullptr};  // word_tokens only
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear final_modulation_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(Denoiser);

}  // namespace intersynth
