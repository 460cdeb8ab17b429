#pragma once
// Gaussian smoothing of per-frame signals along time: scipy's
// ndimage.gaussian_filter1d(x, sigma, axis=0, mode="nearest", truncate).
//
//   w_k = exp(-k^2 / (2 sigma^2)) / sum_j exp(-j^2 / (2 sigma^2)),  k in [-r, r]
//   r   = int(truncate * sigma + 0.5)
//   y_t = sum_k w_k x_clamp(t + k, 0, T - 1)       (the edge sample repeats)
//
// Used by HumanML3D's facing (features_263.cc, sigma 20 frames) and by the
// generator's optional smoothing of sampled features (generate.h,
// smooth_frames), which removes the frame-to-frame jitter a diffusion model
// leaves in its samples.

#include <vector>

namespace intersynth {

/// The filter's weights w_{-r..r} (sum 1). sigma > 0 and truncate > 0, both
/// finite (checked with an OptionError naming the field).
std::vector<double> GaussianWeights(double sigma, double truncate = 4.0);

/// Smooths `rows` rows of `cols` floats (row-major [rows, cols], each column
/// one signal) in place. sigma 0 leaves them as they are; rows 0 is fine.
void GaussianFilterRows(float* values, int rows, int cols, double sigma, double truncate = 4.0);

}  // namespace intersynth
