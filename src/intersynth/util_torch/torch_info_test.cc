#include "intersynth/util_torch/torch_info.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace intersynth {
namespace {

TEST(Torch, VersionIsLinked) { EXPECT_EQ(TorchVersion().substr(0, 2), "1."); }

TEST(Torch, MatmulMatchesHandComputed) {
  const torch::Tensor a = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).reshape({2, 2});
  const torch::Tensor c = torch::matmul(a, a);  // [[7, 10], [15, 22]]
  EXPECT_FLOAT_EQ(c[0][0].item<float>(), 7.0f);
  EXPECT_FLOAT_EQ(c[1][1].item<float>(), 22.0f);
  EXPECT_GE(TorchMatmulSeconds(64), 0.0);
}

TEST(Torch, AutogradGradientOfSquare) {
  torch::Tensor x = torch::tensor({3.0}, torch::requires_grad());
  (x * x).sum().backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 6.0);
}

}  // namespace
}  // namespace intersynth
