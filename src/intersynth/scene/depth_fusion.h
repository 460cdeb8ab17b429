#pragma once
// Depth fusion (source method, section 5.1): a low-resolution METRIC depth map
// m (metres; e.g. a metric depth network at 384x512, or a depth sensor) and a
// high-resolution RELATIVE disparity map d (inverse depth up to an unknown
// scale and shift, e.g. an affine-invariant monocular network at any size)
// are combined into metric depth at d's resolution:
//
//   fit alpha, beta with   alpha * d + beta ~= 1 / m        (over valid pixels
//                                                             of all K key frames
//                                                             of one camera),
//   m*(u, v) = 1 / (alpha * d(u, v) + beta)   where alpha d + beta > 0, else invalid.
//
// d is first resampled onto m's grid (the mean of the valid d values under
// each m pixel, Resample kArea), so that the fit compares the same patches.
//
// The residual is measured relative to 1/m:
//   e_i = m_i (alpha d_i + beta) - 1,
// i.e. the fit minimises sum_i w_i (m_i d_i alpha + m_i beta - 1)^2, a
// weighted least squares on the relation above with weights m_i^2. With
// depth noise proportional to depth (monocular and sensor depth alike), e_i
// has the same spread near and far, so one threshold fits all pixels, and e_i
// reads as a relative depth error (e ~= -(m* - m) / m* to first order).
//
// Robustness (monocular predictions have outliers: windows, mirrors, thin
// structures, sky), in three stages:
//   1. RANSAC: (alpha, beta) from two random pixels, scored by the count of
//      |e_i| <= ransac_threshold; seeded, adaptive iteration count.
//   2. Huber IRLS from the RANSAC fit: w_i = 1 for |e_i| <= k s, k s / |e_i|
//      otherwise, with s = 1.4826 MAD(e) (a robust spread) measured at the
//      RANSAC fit and then held (re-measuring it at each iteration lets
//      one-sided outliers run away with the fit), k = huber_k.
//   3. Inlier refit: least squares on the pixels with |e_i| <= inlier_sigmas s
//      (Huber still lets every gross outlier pull with force k s; at 30%
//      outliers on one side that biases alpha and beta by ~1%), repeated until
//      the inlier set stops changing.
// Each stage solves the 2x2 normal equations; a degenerate system (all
// disparities equal) is a failed report, not a crash, and so is alpha < 0
// (a disparity must grow with inverse depth; a depth map passed as a
// disparity map gives alpha < 0).

#include <cstdint>
#include <string>
#include <vector>

#include "intersynth/scene/depth_map.h"

namespace intersynth {

/// Options of FitDisparityToMetric.
struct DisparityFitOptions {
  /// RANSAC inlier threshold on the relative residual |e| (0.05: 5% of depth).
  double ransac_threshold = 0.05;
  /// RANSAC: probability of drawing at least one all-inlier pair; bounds.
  double ransac_confidence = 0.999;
  int ransac_min_iterations = 50;
  int ransac_max_iterations = 2000;
  /// Huber constant k, in units of the robust spread s (1.345: 95%
  /// efficiency on Gaussian noise).
  double huber_k = 1.345;
  /// Inlier refit: pixels with |e| <= inlier_sigmas * s count.
  double inlier_sigmas = 3.0;
  /// Iteration caps of the Huber and refit stages.
  int max_iterations = 50;
  /// Pixel pairs used at most (a seeded uniform subsample beyond this; 0: all).
  int64_t max_pixels = 1000000;
  /// Seed of RANSAC and of the subsample.
  uint64_t seed = 0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What the fit found (an expected failure is reported, not thrown).
struct DisparityFitReport {
  bool success = false;
  /// Why it failed, or a one-line summary.
  std::string message;
  /// 1 / m ~= alpha * d + beta.
  double alpha = 0.0;
  double beta = 0.0;
  /// Key frames used.
  int frames = 0;
  /// Pixels (on the metric grids) where both m and the resampled d are valid.
  int64_t valid_pixels = 0;
  /// Pixels the fit used (valid_pixels or the subsample).
  int64_t used_pixels = 0;
  /// Share of used pixels that are inliers of the final fit (|e| within
  /// inlier_sigmas robust spreads), and their RMS and the median |e| over
  /// all used pixels (relative depth errors).
  double inlier_ratio = 0.0;
  /// Share of used pixels with |e| <= ransac_threshold: how many pixels
  /// agree with the fit to within 5% (by default), whatever the spread.
  double within_threshold_ratio = 0.0;
  double inlier_rms = 0.0;
  double median_abs_error = 0.0;
  /// The robust spread s of e at the end.
  double robust_sigma = 0.0;
  /// Iterations of each stage.
  int ransac_iterations = 0;
  int huber_iterations = 0;
  int refit_iterations = 0;
};

/// Fits alpha, beta over K key frames (metric[k] pairs with disparity[k]; the
/// sizes may differ within a pair, see the file comment). Throws OptionError
/// for bad options, Error when the lists are empty or of different lengths,
/// or a map is empty; returns
/// a failed report when fewer than 2 valid pixel pairs exist or the fit is
/// degenerate.
DisparityFitReport FitDisparityToMetric(const std::vector<DepthMap>& metric,
                                        const std::vector<DepthMap>& disparity,
                                        const DisparityFitOptions& options = {});

/// Metric depth from a disparity map and a fit: 1 / (alpha d + beta) where
/// that is positive and finite; 0 (invalid) elsewhere, counted in `invalid`.
struct FusedDepth {
  DepthMap depth;
  int64_t invalid = 0;
};
FusedDepth FuseDepth(const DepthMap& disparity, double alpha, double beta);

}  // namespace intersynth
