#include "intersynth/motion/temporal_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

TEST(GaussianWeights, AreScipysNormalisedKernel) {
  // sigma 1, truncate 4: radius 4; w_0 = 1 / sum_k exp(-k^2 / 2) = 0.398943...
  const std::vector<double> w = GaussianWeights(1.0);
  ASSERT_EQ(w.size(), 9u);
  EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.0), 1.0, 1e-12);
  EXPECT_NEAR(w[4], 0.3989434693, 1e-9);
  EXPECT_NEAR(w[5] / w[4], std::exp(-0.5), 1e-12);
  EXPECT_DOUBLE_EQ(w[3], w[5]);
  // radius = int(truncate * sigma + 0.5).
  EXPECT_EQ(GaussianWeights(0.75, 4.0).size(), 7u);
  EXPECT_ERROR_CONTAINS(GaussianWeights(0.0), {"sigma", "> 0"});
  EXPECT_ERROR_CONTAINS(GaussianWeights(1.0, -1.0), {"truncate"});
  EXPECT_ERROR_CONTAINS(GaussianWeights(INFINITY), {"sigma"});
}

TEST(GaussianFilterRows, SmoothsEachColumnWithRepeatedEdges) {
  // Column 0: an impulse in the middle (gives the weights back); column 1: a
  // ramp (kept in the interior, where the kernel is symmetric); column 2: a
  // constant (kept everywhere, edges included).
  const int rows = 21;
  std::vector<float> x(rows * 3);
  for (int t = 0; t < rows; ++t) {
    x[t * 3 + 0] = t == 10 ? 1.0f : 0.0f;
    x[t * 3 + 1] = 0.5f * t;
    x[t * 3 + 2] = 7.0f;
  }
  std::vector<float> y = x;
  GaussianFilterRows(y.data(), rows, 3, 1.0);
  const std::vector<double> w = GaussianWeights(1.0);
  for (int k = -4; k <= 4; ++k) EXPECT_NEAR(y[(10 + k) * 3], w[k + 4], 1e-6) << k;
  EXPECT_FLOAT_EQ(y[0], 0.0f);
  for (int t = 4; t < rows - 4; ++t) EXPECT_NEAR(y[t * 3 + 1], 0.5f * t, 1e-5) << t;
  // At the first row the repeated edge pulls the ramp up: sum_k w_k max(k, 0) / 2.
  double edge = 0.0;
  for (int k = 1; k <= 4; ++k) edge += w[k + 4] * 0.5 * k;
  EXPECT_NEAR(y[1], edge, 1e-6);
  for (int t = 0; t < rows; ++t) EXPECT_FLOAT_EQ(y[t * 3 + 2], 7.0f);

  // sigma 0 and a single row are left alone; a negative sigma is an error.
  std::vector<float> z = x;
  GaussianFilterRows(z.data(), rows, 3, 0.0);
  EXPECT_EQ(z, x);
  GaussianFilterRows(z.data(), 1, 3, 2.0);
  EXPECT_EQ(z, x);
  EXPECT_ERROR_CONTAINS(GaussianFilterRows(z.data(), rows, 3, -1.0), {"sigma", ">= 0"});
}

}  // namespace
}  // namespace intersynth
