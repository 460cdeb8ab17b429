#include "intersynth/diffusion/gaussian_diffusion.h"

#include <gtest/gtest.h>

namespace intersynth {
namespace {

TEST(GaussianDiffusion, QSampleHasTheClosedFormMeanAndVariance) {
  torch::manual_seed(3);
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const int64_t n = 200000;
  const torch::Tensor x0 = torch::full({n, 1}, 0.7);
  for (int t : {0, 100, 500, 900}) {
    const torch::Tensor steps = torch::full({n}, t, torch::kLong);
    const torch::Tensor x_t = QSample(schedule, x0, steps, torch::randn({n, 1}));
    const double abar = schedule.alpha_bar(t);
    // mean sqrt(abar) x0, variance 1 - abar; sampling error ~ 1/sqrt(n).
    EXPECT_NEAR(x_t.mean().item<double>(), std::sqrt(abar) * 0.7, 0.005) << t;
    EXPECT_NEAR(x_t.var().item<double>(), 1.0 - abar, 0.01 * std::max(1.0 - abar, 0.01)) << t;
  }
}

TEST(GaussianDiffusion, X0AndEpsilonConvertBothWays) {
  torch::manual_seed(4);
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const torch::Tensor x0 = torch::randn({5, 3, 7});
  const torch::Tensor eps = torch::randn({5, 3, 7});
  const torch::Tensor t = torch::tensor({0, 10, 300, 700, 998}, torch::kLong);
  const torch::Tensor x_t = QSample(schedule, x0, t, eps);
  EXPECT_TRUE(torch::allclose(EpsilonFromX0(schedule, x_t, t, x0), eps, 1e-3, 1e-3));
  // x0 from eps divides by sqrt(abar) (~0.015 at t = 998): compare loosely there.
  EXPECT_TRUE(torch::allclose(X0FromEpsilon(schedule, x_t, t, eps), x0, 1e-3, 2e-3));
}

TEST(GaussianDiffusion, GuidanceCombinesLinearly) {
  const torch::Tensor cond = torch::tensor({1.0, 2.0}), uncond = torch::tensor({0.0, 4.0});
  EXPECT_TRUE(torch::equal(GuidedX0(cond, uncond, 1.0), cond));
  EXPECT_TRUE(torch::equal(GuidedX0(cond, uncond, 0.0), uncond));
  // x0 = u + g (c - u): g = 2.5 -> (2.5, -1).
  EXPECT_TRUE(torch::allclose(GuidedX0(cond, uncond, 2.5), torch::tensor({2.5, -1.0})));
}

TEST(GaussianDiffusion, LastStepsReturnTheX0Prediction) {
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const torch::Tensor x_t = torch::randn({2, 4}), x0 = torch::randn({2, 4});
  // DDIM to "step -1" (abar = 1) is x0_hat; DDPM at t = 0 adds no noise and
  // its posterior mean is x0_hat.
  EXPECT_TRUE(torch::allclose(DdimStep(schedule, x_t, 20, -1, x0), x0, 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(
      DdpmStep(schedule, x_t, torch::zeros({2}, torch::kLong), x0, torch::randn({2, 4})), x0, 1e-5,
      1e-5));
}

TEST(GaussianDiffusion, DdimStepKeepsTheImpliedNoise) {
  // With eta = 0 the step keeps eps_hat: eps at t_prev equals eps at t.
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const torch::Tensor x0 = torch::randn({3, 5}), eps = torch::randn({3, 5});
  const torch::Tensor x_t = QSample(schedule, x0, torch::full({3}, 600, torch::kLong), eps);
  const torch::Tensor x_prev = DdimStep(schedule, x_t, 600, 400, x0);
  EXPECT_TRUE(torch::allclose(
      EpsilonFromX0(schedule, x_prev, torch::full({3}, 400, torch::kLong), x0), eps, 1e-4, 1e-4));
}

}  // namespace
}  // namespace intersynth
