#include "intersynth/util/statistics.h"

#include <algorithm>
#include <cmath>

#include "intersynth/util/error.h"

namespace intersynth {

double Percentile(std::vector<double> values, double p) {
  INTERSYNTH_CHECK(!values.empty()) << "percentile of no values";
  INTERSYNTH_CHECK(p >= 0.0 && p <= 100.0) << "percentile " << p << " outside [0, 100]";
  std::sort(values.begin(), values.end());
  const double q = p / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(q));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (q - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace intersynth
