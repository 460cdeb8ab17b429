#pragma once
// Building blocks of the networks: multi-head self-attention with a key
// padding mask, the one implementation behind the text encoder's layers
// (text/text_encoder.h) and the denoiser's blocks (diffusion/denoiser.h).
// Torch header (Torch targets only).
//
// Scaled dot-product attention (Vaswani et al. 2017, eq. 1) over H heads of
// width d_h = d / H, for x [B, L, d]:
//   [q | k | v] = qkv(x),  each split into heads      [B, H, L, d_h]
//   s_ij = q_i . k_j / sqrt(d_h),   s_ij = -inf where key j is padding
//   w = dropout(softmax_j(s)),   y = out(concat_heads(w v))   [B, L, d]
// A padded key's weight is exactly 0, so padding never reaches a real
// token. Every row of key_padding needs at least one false entry (a row of
// -inf would give NaN).
//
// The calling module owns the projections and the dropout, registered under
// its own names (the checkpoints' keys: the text encoder's "qkv" and
// "attention_out", the denoiser's "attention.qkv" and "attention.out").

#include <torch/torch.h>

#include <cstdint>

namespace intersynth {

/// y [B, L, d] for x [B, L, d]; key_padding [B, L] bool, true where a key is
/// padding (PyTorch's key_padding_mask convention); qkv maps d -> 3 d (q, k,
/// v in that order), out maps d -> d; dropout acts on the attention weights.
/// `heads` must divide d.
torch::Tensor MultiHeadSelfAttention(const torch::Tensor& x,
                                     const torch::Tensor& key_padding,
                                     int64_t heads,
                                     torch::nn::Linear& qkv,
                                     torch::nn::Linear& out,
                                     torch::nn::Dropout& dropout);

}  // namespace intersynth
