#include "intersynth/nn_torch/attention.h"

#include <gtest/gtest.h>

#include <cmath>

namespace intersynth {
namespace {

struct Projections {
  torch::nn::Linear qkv{nullptr}, out{nullptr};
  torch::nn::Dropout dropout{nullptr};
};

Projections MakeProjections(int64_t d) {
  torch::manual_seed(3);
  return {torch::nn::Linear(d, 3 * d), torch::nn::Linear(d, d), torch::nn::Dropout(0.0)};
}

// The formula of the header written out head by head, key by key.
torch::Tensor Reference(const torch::Tensor& x,
                        const torch::Tensor& padding,
                        int64_t heads,
                        Projections& p) {
  const int64_t B = x.size(0), L = x.size(1), d = x.size(2), dh = d / heads;
  const torch::Tensor qkv = p.qkv(x);
  torch::Tensor joined = torch::zeros({B, L, d});
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t h = 0; h < heads; ++h) {
      for (int64_t i = 0; i < L; ++i) {
        const torch::Tensor q = qkv[b][i].narrow(0, h * dh, dh);
        std::vector<double> s(L, -INFINITY);
        double top = -INFINITY;
        for (int64_t j = 0; j < L; ++j) {
          if (padding[b][j].item<bool>()) continue;
          const torch::Tensor k = qkv[b][j].narrow(0, d + h * dh, dh);
          s[j] = (q * k).sum().item<double>() / std::sqrt(static_cast<double>(dh));
          top = std::max(top, s[j]);
        }
        double total = 0.0;
        for (int64_t j = 0; j < L; ++j) total += std::exp(s[j] - top);
        for (int64_t j = 0; j < L; ++j) {
          const double w = std::exp(s[j] - top) / total;
          joined[b][i].narrow(0, h * dh, dh) += w * qkv[b][j].narrow(0, 2 * d + h * dh, dh);
        }
      }
    }
  }
  return p.out(joined);
}

TEST(MultiHeadSelfAttention, MatchesTheFormulaHeadByHead) {
  torch::NoGradGuard no_grad;
  Projections p = MakeProjections(8);
  const torch::Tensor x = torch::randn({2, 5, 8});
  torch::Tensor padding = torch::zeros({2, 5}, torch::kBool);
  padding[1][3] = true;
  padding[1][4] = true;
  const torch::Tensor y = MultiHeadSelfAttention(x, padding, 2, p.qkv, p.out, p.dropout);
  ASSERT_EQ(y.sizes(), x.sizes());
  EXPECT_LT((y - Reference(x, padding, 2, p)).abs().max().item<double>(), 1e-5);
}

TEST(MultiHeadSelfAttention, PaddedKeysDoNotReachRealTokens) {
  torch::NoGradGuard no_grad;
  Projections p = MakeProjections(8);
  torch::Tensor x = torch::randn({1, 4, 8});
  torch::Tensor padding = torch::zeros({1, 4}, torch::kBool);
  padding[0][2] = true;
  const torch::Tensor before = MultiHeadSelfAttention(x, padding, 4, p.qkv, p.out, p.dropout);
  x[0][2] = x[0][2] * 100.0 + 7.0;  // whatever the padded token holds
  const torch::Tensor after = MultiHeadSelfAttention(x, padding, 4, p.qkv, p.out, p.dropout);
  for (int64_t i : {0, 1, 3}) EXPECT_TRUE(torch::equal(before[0][i], after[0][i])) << "token " << i;
}

TEST(MultiHeadSelfAttention, BadShapesAreProgrammerErrors) {
  Projections p = MakeProjections(8);
  const torch::Tensor x = torch::randn({1, 3, 8});
  EXPECT_THROW(
      MultiHeadSelfAttention(x, torch::zeros({1, 3}, torch::kBool), 3, p.qkv, p.out, p.dropout),
      c10::Error);
  EXPECT_THROW(
      MultiHeadSelfAttention(x, torch::zeros({1, 4}, torch::kBool), 2, p.qkv, p.out, p.dropout),
      c10::Error);
}

}  // namespace
}  // namespace intersynth
