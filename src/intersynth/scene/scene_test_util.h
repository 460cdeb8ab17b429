#pragma once
// Synthetic inputs shared by the scene tests: noisy depth, floor masks with
// outliers, and fusion cases (a low-resolution metric map with outlier blobs
// and a disparity map with a known alpha and beta) of a synthetic room.

#include <cstdint>
#include <vector>

#include "intersynth/scene/depth_map.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/util/random.h"

namespace intersynth::testing {

/// Multiplies every depth by (1 + noise), noise ~ N(0, sigma).
inline void AddRelativeNoise(DepthMap* depth, double sigma, uint64_t seed) {
  Rng rng(seed);
  for (float& z : depth->values) z = static_cast<float>(z * (1.0 + rng.Normal(0.0, sigma)));
}

/// The true floor mask with `outlier_share` of its pixels non-floor: as many
/// random non-floor pixels are switched on as make up that share of the mask.
inline DepthMap MaskWithOutliers(const DepthMap& floor, double outlier_share, uint64_t seed) {
  DepthMap mask = floor;
  int64_t floor_pixels = 0;
  std::vector<int64_t> others;
  for (int64_t i = 0; i < floor.size(); ++i) {
    if (floor.values[i] != 0.0f)
      ++floor_pixels;
    else
      others.push_back(i);
  }
  // outliers / (floor + outliers) = share.
  const int64_t outliers =
      static_cast<int64_t>(outlier_share / (1.0 - outlier_share) * floor_pixels);
  Rng rng(seed);
  rng.Shuffle(others);
  for (int64_t k = 0; k < outliers && k < static_cast<int64_t>(others.size()); ++k)
    mask.values[others[k]] = 1.0f;
  return mask;
}

/// What a fusion test feeds in: a low-resolution metric map and a
/// full-resolution disparity map of one synthetic room, and its true depth.
struct FusionCase {
  DepthMap metric;
  DepthMap disparity;
  DepthMap truth;
};

/// d = (1/z - beta) / alpha (+ relative noise on d); m = the true depth on a
/// coarser grid (+ relative noise, and blobs of gross outliers covering
/// `outlier_share` of its pixels: a monocular network's windows and mirrors).
inline FusionCase MakeFusionCase(const SyntheticRoom& room,
                                 double alpha,
                                 double beta,
                                 int metric_width,
                                 int metric_height,
                                 double outlier_share,
                                 uint64_t seed) {
  Rng rng(seed);
  FusionCase c;
  c.truth = room.depth;
  c.disparity = room.depth;
  for (float& v : c.disparity.values)
    v = static_cast<float>((1.0 / v - beta) / alpha * (1.0 + rng.Normal(0.0, 0.005)));
  c.metric = Resample(room.depth, metric_width, metric_height, ResampleMethod::kArea);
  for (float& v : c.metric.values) v = static_cast<float>(v * (1.0 + rng.Normal(0.0, 0.02)));
  // Outlier blobs: 8x8 squares whose depth is off by a factor of 1.5 to 3.
  const int64_t target = static_cast<int64_t>(outlier_share * c.metric.size());
  int64_t covered = 0;
  std::vector<uint8_t> hit(static_cast<size_t>(c.metric.size()), 0);
  while (covered < target) {
    const int r0 = static_cast<int>(rng.UniformInt(0, metric_height - 8));
    const int c0 = static_cast<int>(rng.UniformInt(0, metric_width - 8));
    const double factor = rng.Uniform(1.5, 3.0);
    for (int r = r0; r < r0 + 8; ++r) {
      for (int col = c0; col < c0 + 8; ++col) {
        const size_t i = static_cast<size_t>(r) * metric_width + col;
        if (hit[i]) continue;
        hit[i] = 1;
        ++covered;
        c.metric.values[i] = static_cast<float>(c.metric.values[i] * factor);
      }
    }
  }
  return c;
}

}  // namespace intersynth::testing
