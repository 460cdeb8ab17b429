#include "intersynth/diffusion/noise_schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

TEST(NoiseSchedule, CosineAlphaBarFallsFromOneToZero) {
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000, 0.008);
  ASSERT_EQ(schedule.steps(), 1000);
  // abar_0 = 1 - beta_0, just below 1; the last one is ~0 (f(1) = 0, beta clipped).
  EXPECT_GT(schedule.alpha_bar(0), 0.9999);
  EXPECT_LT(schedule.alpha_bar(0), 1.0);
  EXPECT_LT(schedule.alpha_bar(999), 1e-6);
  for (int t = 1; t < 1000; ++t) {
    EXPECT_LT(schedule.alpha_bar(t), schedule.alpha_bar(t - 1)) << t;
    EXPECT_GT(schedule.beta(t), 0.0);
    EXPECT_LE(schedule.beta(t), 0.999);
  }
  // The closed form abar_t = f(t+1)/f(0) holds where no beta was clipped.
  const double pi = 3.14159265358979323846;
  auto f = [&](double u) { return std::pow(std::cos((u + 0.008) / 1.008 * pi / 2), 2); };
  for (int t : {0, 10, 250, 500, 900}) {
    EXPECT_NEAR(schedule.alpha_bar(t), f((t + 1) / 1000.0) / f(0.0), 1e-9) << t;
  }
  // Half the signal power is gone near the middle (cosine schedule's design).
  EXPECT_NEAR(schedule.alpha_bar(499), 0.5, 0.02);
}

TEST(NoiseSchedule, PosteriorCoefficientsAtTheEnds) {
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  // At t = 0 the posterior is x_0 itself: coefficient 1 on x_0, 0 on x_t, no variance.
  EXPECT_NEAR(schedule.posterior_coef_x0(0), 1.0, 1e-12);
  EXPECT_NEAR(schedule.posterior_coef_xt(0), 0.0, 1e-12);
  EXPECT_EQ(schedule.posterior_variance(0), 0.0);
  EXPECT_EQ(schedule.posterior_log_variance_clipped(0), std::log(schedule.posterior_variance(1)));
  // The posterior variance never exceeds beta_t.
  for (int t = 1; t < 1000; ++t)
    EXPECT_LE(schedule.posterior_variance(t), schedule.beta(t) + 1e-15);
}

TEST(NoiseSchedule, SpacedTimestepsDescendFromLastToZero) {
  const NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
  const std::vector<int> steps = schedule.SpacedTimesteps(50);
  ASSERT_EQ(steps.size(), 50u);
  EXPECT_EQ(steps.front(), 999);
  EXPECT_EQ(steps.back(), 0);
  for (size_t i = 1; i < steps.size(); ++i) EXPECT_LT(steps[i], steps[i - 1]);
  EXPECT_EQ(schedule.SpacedTimesteps(1000).size(), 1000u);
  EXPECT_THROW(schedule.SpacedTimesteps(0), Error);
  EXPECT_THROW(schedule.SpacedTimesteps(1001), Error);
}

TEST(NoiseSchedule, RejectsBadArguments) {
  EXPECT_THROW(NoiseSchedule::Cosine(1), Error);
  EXPECT_THROW(NoiseSchedule::Cosine(100, 0.0), Error);
}

}  // namespace
}  // namespace intersynth
