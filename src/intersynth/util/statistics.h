#pragma once
// Order statistics of samples, as NumPy computes them by default
// (np.percentile, method "linear"): with the values sorted,
//   position q = p / 100 * (n - 1),   lo = floor(q),   hi = min(lo + 1, n - 1)
//   percentile = v[lo] + (q - lo) * (v[hi] - v[lo])
// so the median of an even count is the mean of the two middle values.

#include <vector>

namespace intersynth {

/// The p-th percentile (p in [0, 100]) of `values` (see above). `values` must
/// not be empty and p must lie in [0, 100] (checked: callers validate user
/// input first).
double Percentile(std::vector<double> values, double p);

/// Percentile(values, 50).
inline double Median(std::vector<double> values) { return Percentile(std::move(values), 50.0); }

}  // namespace intersynth
