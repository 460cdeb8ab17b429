#include "intersynth/nn_torch/attention.h"

#include <cmath>
#include <limits>
#include <vector>

namespace intersynth {

torch::Tensor MultiHeadSelfAttention(const torch::Tensor& x,
                                     const torch::Tensor& key_padding,
                                     int64_t heads,
                                     torch::nn::Linear& qkv,
                                     torch::nn::Linear& out,
                                     torch::nn::Dropout& dropout) {
  TORCH_CHECK(x.dim() == 3, "MultiHeadSelfAttention: x must be [B, L, d], got ", x.sizes());
  const int64_t batch = x.size(0), length = x.size(1), d_model = x.size(2);
  TORCH_CHECK(heads > 0 && d_model % heads == 0, "MultiHeadSelfAttention: heads (", heads,
              ") must divide d (", d_model, ")");
  TORCH_CHECK(key_padding.sizes() == torch::IntArrayRef({batch, length}),
              "MultiHeadSelfAttention: key_padding must be [B, L] = [", batch, ", ", length,
              "], got ", key_padding.sizes());
  const int64_t d_head = d_model / heads;
  // Q, K, V per head: [B, L, 3 d] -> 3 x [B, H, L, d_h].
  const std::vector<torch::Tensor> qkv_heads =
      qkv(x).view({batch, length, 3, heads, d_head}).permute({2, 0, 3, 1, 4}).unbind(0);
  const torch::Tensor& q = qkv_heads[0];
  const torch::Tensor& k = qkv_heads[1];
  const torch::Tensor& v = qkv_heads[2];
  // Scaled dot products; padded keys get -inf, so their softmax weight is
  // exactly 0.
  torch::Tensor scores =
      torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d_head));
  scores = scores.masked_fill(key_padding.view({batch, 1, 1, length}),
                              -std::numeric_limits<float>::infinity());
  const torch::Tensor weights = dropout(torch::softmax(scores, -1));
  // Heads joined again: [B, H, L, d_h] -> [B, L, d].
  return out(torch::matmul(weights, v).transpose(1, 2).reshape({batch, length, d_model}));
}

}  // namespace intersynth
