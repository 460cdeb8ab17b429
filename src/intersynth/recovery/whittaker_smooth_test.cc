#include "intersynth/recovery/whittaker_smooth.h"

#include <gtest/gtest.h>

#include <random>

namespace intersynth {
namespace {

TEST(WhittakerSmooth, KeepsLinesAndDampsNoise) {
  const int T = 200;
  Eigen::MatrixXd line(T, 2), noisy(T, 1);
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0.0, 1.0);
  for (int t = 0; t < T; ++t) {
    line(t, 0) = 0.5 * t - 3.0;
    line(t, 1) = 2.0;
    noisy(t, 0) = noise(rng);
  }
  EXPECT_LT((WhittakerSmooth(line, 100.0) - line).cwiseAbs().maxCoeff(), 1e-8);
  const Eigen::MatrixXd smooth = WhittakerSmooth(noisy, 100.0);
  EXPECT_LT(smooth.squaredNorm(), 0.1 * noisy.squaredNorm());
  EXPECT_EQ(WhittakerSmooth(noisy, 0.0), noisy);
}

}  // namespace
}  // namespace intersynth
