#include "intersynth/motion/temporal_filter.h"

#include <algorithm>
#include <cmath>

#include "intersynth/util/options.h"

namespace intersynth {

std::vector<double> GaussianWeights(double sigma, double truncate) {
  CheckPositive(sigma, "sigma");
  CheckFinite(sigma, "sigma");
  CheckPositive(truncate, "truncate");
  CheckFinite(truncate, "truncate");
  const int radius = static_cast<int>(truncate * sigma + 0.5);
  std::vector<double> weights(2 * radius + 1);
  double sum = 0.0;
  for (int k = -radius; k <= radius; ++k) {
    weights[k + radius] = std::exp(-0.5 * k * k / (sigma * sigma));
    sum += weights[k + radius];
  }
  for (double& w : weights) w /= sum;
  return weights;
}

void GaussianFilterRows(float* values, int rows, int cols, double sigma, double truncate) {
  CheckAtLeast(sigma, 0.0, "sigma");
  CheckFinite(sigma, "sigma");
  if (sigma == 0.0 || rows <= 1 || cols <= 0) return;
  const std::vector<double> weights = GaussianWeights(sigma, truncate);
  const int radius = static_cast<int>(weights.size() / 2);
  const std::vector<float> in(values, values + static_cast<size_t>(rows) * cols);
  std::vector<double> sum(cols);
  for (int t = 0; t < rows; ++t) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int k = -radius; k <= radius; ++k) {
      const float* source = in.data() + static_cast<size_t>(std::clamp(t + k, 0, rows - 1)) * cols;
      const double w = weights[k + radius];
      for (int c = 0; c < cols; ++c) sum[c] += w * source[c];
    }
    float* target = values + static_cast<size_t>(t) * cols;
    for (int c = 0; c < cols; ++c) target[c] = static_cast<float>(sum[c]);
  }
}

}  // namespace intersynth
