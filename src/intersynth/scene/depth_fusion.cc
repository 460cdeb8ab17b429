#include "intersynth/scene/depth_fusion.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// One pixel pair on a metric grid: disparity d and metric depth m.
struct PixelPair {
  double d;
  double m;
};

/// e = m (alpha d + beta) - 1.
double Residual(const PixelPair& p, double alpha, double beta) {
  return p.m * (alpha * p.d + beta) - 1.0;
}

/// Weighted least squares of sum w (m d alpha + m beta - 1)^2 through its 2x2
/// normal equations. False when the system is singular (one disparity value).
bool SolveWeighted(const std::vector<PixelPair>& pairs,
                   const std::vector<double>& weights,
                   double* alpha,
                   double* beta) {
  // Rows a = (m d, m), target 1:  [Saa Sab; Sab Sbb] (alpha, beta) = (Sa, Sb).
  double saa = 0.0, sab = 0.0, sbb = 0.0, sa = 0.0, sb = 0.0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const double w = weights[i];
    if (w <= 0.0) continue;
    const double a0 = pairs[i].m * pairs[i].d;
    const double a1 = pairs[i].m;
    saa += w * a0 * a0;
    sab += w * a0 * a1;
    sbb += w * a1 * a1;
    sa += w * a0;
    sb += w * a1;
  }
  const double det = saa * sbb - sab * sab;
  // Relative to the scale of the entries: a rank-1 system leaves det at rounding level.
  if (!(std::abs(det) > 1e-12 * saa * sbb) || !std::isfinite(det)) return false;
  *alpha = (sa * sbb - sb * sab) / det;
  *beta = (saa * sb - sab * sa) / det;
  return std::isfinite(*alpha) && std::isfinite(*beta);
}

/// 1.4826 * median(|e|): the standard deviation of Gaussian residuals, robust to outliers.
double RobustSigma(const std::vector<PixelPair>& pairs,
                   double alpha,
                   double beta,
                   std::vector<double>* scratch) {
  scratch->resize(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i)
    (*scratch)[i] = std::abs(Residual(pairs[i], alpha, beta));
  auto mid = scratch->begin() + static_cast<std::ptrdiff_t>(scratch->size() / 2);
  std::nth_element(scratch->begin(), mid, scratch->end());
  return 1.4826 * *mid;
}

/// Collects the valid pixel pairs of one key frame on the metric grid.
void CollectPairs(const DepthMap& metric,
                  const DepthMap& disparity,
                  std::vector<PixelPair>* pairs) {
  const DepthMap d_on_m =
      (disparity.width == metric.width && disparity.height == metric.height)
          ? disparity
          : Resample(disparity, metric.width, metric.height, ResampleMethod::kArea);
  for (int64_t i = 0; i < metric.size(); ++i) {
    const float m = metric.values[i];
    const float d = d_on_m.values[i];
    if (IsValidDepth(m) && std::isfinite(d)) pairs->push_back({d, m});
  }
}

/// RANSAC over pixel pairs: the (alpha, beta) through two pixels with the most
/// pairs within `threshold`. Returns false when no pair of distinct disparities was drawn.
bool RansacFit(const std::vector<PixelPair>& pairs,
               const DisparityFitOptions& options,
               double* alpha,
               double* beta,
               int* iterations) {
  Rng rng(options.seed);
  // Hypotheses are scored on a random subset (enough to rank them; the later
  // stages use every pair).
  constexpr int64_t kScoredPairs = 10000;
  std::vector<PixelPair> scored;
  if (static_cast<int64_t>(pairs.size()) <= kScoredPairs) {
    scored = pairs;
  } else {
    scored.reserve(kScoredPairs);
    for (int64_t i = 0; i < kScoredPairs; ++i) {
      scored.push_back(pairs[rng.UniformInt(0, static_cast<int64_t>(pairs.size()) - 1)]);
    }
  }
  const int64_t n = static_cast<int64_t>(scored.size());
  const double log_miss = std::log(1.0 - options.ransac_confidence);
  int64_t best = -1;
  int needed = options.ransac_max_iterations;
  int it = 0;
  for (; it <
         std::max(options.ransac_min_iterations, std::min(needed, options.ransac_max_iterations));
       ++it) {
    const PixelPair& p = scored[rng.UniformInt(0, n - 1)];
    const PixelPair& q = scored[rng.UniformInt(0, n - 1)];
    // alpha d_p + beta = 1/m_p, alpha d_q + beta = 1/m_q.
    const double dd = p.d - q.d;
    if (!(std::abs(dd) > 1e-12 * (std::abs(p.d) + std::abs(q.d)))) continue;
    const double a = (1.0 / p.m - 1.0 / q.m) / dd;
    const double b = 1.0 / p.m - a * p.d;
    int64_t count = 0;
    for (const PixelPair& x : scored)
      count += std::abs(Residual(x, a, b)) <= options.ransac_threshold;
    if (count > best) {
      best = count;
      *alpha = a;
      *beta = b;
      const double w = static_cast<double>(count) / static_cast<double>(n);
      const double miss = 1.0 - w * w;
      needed = miss <= 0.0 ? 1
                           : static_cast<int>(std::min<double>(std::ceil(log_miss / std::log(miss)),
                                                               options.ransac_max_iterations));
    }
  }
  *iterations = it;
  return best >= 0;
}

}  // namespace

void DisparityFitOptions::Check() const {
  CheckPositive(ransac_threshold, "ransac_threshold");
  CheckFinite(ransac_threshold, "ransac_threshold");
  if (!(ransac_confidence > 0.0 && ransac_confidence < 1.0)) {
    throw OptionError(
        fmt::format("{{ransac_confidence}} must be in (0, 1), got {}", ransac_confidence));
  }
  CheckAtLeast(ransac_min_iterations, 1, "ransac_min_iterations");
  if (ransac_max_iterations < ransac_min_iterations) {
    throw OptionError(
        fmt::format("{{ransac_max_iterations}} must be >= {{ransac_min_iterations}} ({}), got {}",
                    ransac_min_iterations, ransac_max_iterations));
  }
  CheckPositive(huber_k, "huber_k");
  CheckFinite(huber_k, "huber_k");
  CheckPositive(inlier_sigmas, "inlier_sigmas");
  CheckFinite(inlier_sigmas, "inlier_sigmas");
  CheckAtLeast(max_iterations, 1, "max_iterations");
  CheckAtLeast(max_pixels, int64_t{0}, "max_pixels");
}

DisparityFitReport FitDisparityToMetric(const std::vector<DepthMap>& metric,
                                        const std::vector<DepthMap>& disparity,
                                        const DisparityFitOptions& options) {
  options.Check();
  if (metric.empty() || metric.size() != disparity.size()) {
    throw Error(fmt::format(
        "depth fusion needs one disparity map per metric map, got {} metric and {} disparity",
        metric.size(), disparity.size()));
  }
  DisparityFitReport report;
  report.frames = static_cast<int>(metric.size());

  // Valid pixel pairs of every key frame on its metric grid.
  std::vector<PixelPair> pairs;
  for (size_t k = 0; k < metric.size(); ++k) {
    if (metric[k].empty() || disparity[k].empty()) {
      throw Error(fmt::format("depth fusion: key frame {} has an empty {} map", k,
                              metric[k].empty() ? "metric depth" : "disparity"));
    }
    CollectPairs(metric[k], disparity[k], &pairs);
  }
  report.valid_pixels = static_cast<int64_t>(pairs.size());
  if (pairs.size() < 2) {
    report.message = fmt::format(
        "{} pixel(s) where both the metric depth (finite, > 0) and the disparity (finite) are "
        "valid: need at least 2",
        pairs.size());
    return report;
  }
  if (options.max_pixels > 0 && report.valid_pixels > options.max_pixels) {
    Rng rng(options.seed ^ 0x9e3779b97f4a7c15ULL);
    rng.Shuffle(pairs);
    pairs.resize(static_cast<size_t>(options.max_pixels));
  }
  report.used_pixels = static_cast<int64_t>(pairs.size());

  // Stage 1: RANSAC.
  double alpha = 0.0, beta = 0.0;
  if (!RansacFit(pairs, options, &alpha, &beta, &report.ransac_iterations)) {
    report.message = "every disparity value is the same: alpha and beta cannot be separated";
    return report;
  }

  // Stage 2: Huber IRLS. The spread s is measured once, at the RANSAC fit:
  // re-measuring it each iteration feeds back (outliers on one side pull the
  // fit, the residuals of the inliers grow, s grows, the outliers pull harder).
  std::vector<double> weights(pairs.size(), 1.0);
  std::vector<double> scratch;
  double sigma = std::max(RobustSigma(pairs, alpha, beta, &scratch), 1e-9);
  const double delta = options.huber_k * sigma;
  for (int it = 0; it < options.max_iterations; ++it) {
    for (size_t i = 0; i < pairs.size(); ++i) {
      const double e = std::abs(Residual(pairs[i], alpha, beta));
      weights[i] = e <= delta ? 1.0 : delta / e;
    }
    double a = alpha, b = beta;
    if (!SolveWeighted(pairs, weights, &a, &b)) break;
    const double change = std::abs(a - alpha) / std::max(std::abs(alpha), 1e-300) +
                          std::abs(b - beta) / std::max(std::abs(beta) + std::abs(alpha), 1e-300);
    alpha = a;
    beta = b;
    report.huber_iterations = it + 1;
    if (change < 1e-10) break;
  }

  // Stage 3: least squares on the inliers until the inlier set is stable.
  int64_t previous_inliers = -1;
  for (int it = 0; it < options.max_iterations; ++it) {
    sigma = std::max(RobustSigma(pairs, alpha, beta, &scratch), 1e-9);
    const double limit = options.inlier_sigmas * sigma;
    int64_t inliers = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      weights[i] = std::abs(Residual(pairs[i], alpha, beta)) <= limit ? 1.0 : 0.0;
      inliers += weights[i] > 0.0;
    }
    report.refit_iterations = it + 1;
    if (inliers == previous_inliers) break;
    previous_inliers = inliers;
    double a = alpha, b = beta;
    if (!SolveWeighted(pairs, weights, &a, &b)) break;
    alpha = a;
    beta = b;
  }
  if (!std::isfinite(alpha) || !std::isfinite(beta) || alpha == 0.0) {
    report.message = "the fit is degenerate (alpha is zero or not finite)";
    return report;
  }
  // A disparity grows with inverse depth: alpha < 0 means the map falls
  // where things come nearer, as a depth map does.
  if (alpha < 0.0) {
    report.alpha = alpha;
    report.beta = beta;
    report.message = fmt::format(
        "alpha = {:.4g} < 0: the disparity map falls where the metric depth says things come "
        "nearer; is it a depth map rather than a disparity (inverse depth) map? Pass depth with "
        "{{metric}} or {{depth}}",
        alpha);
    return report;
  }

  // Statistics of the final fit.
  sigma = RobustSigma(pairs, alpha, beta, &scratch);
  const double limit = options.inlier_sigmas * std::max(sigma, 1e-9);
  int64_t inliers = 0;
  int64_t within = 0;
  double sum_sq = 0.0;
  for (const PixelPair& p : pairs) {
    const double e = Residual(p, alpha, beta);
    within += std::abs(e) <= options.ransac_threshold;
    if (std::abs(e) <= limit) {
      ++inliers;
      sum_sq += e * e;
    }
  }
  report.within_threshold_ratio = static_cast<double>(within) / static_cast<double>(pairs.size());
  report.success = true;
  report.alpha = alpha;
  report.beta = beta;
  report.robust_sigma = sigma;
  report.median_abs_error = sigma / 1.4826;
  report.inlier_ratio = static_cast<double>(inliers) / static_cast<double>(pairs.size());
  report.inlier_rms = inliers > 0 ? std::sqrt(sum_sq / static_cast<double>(inliers)) : 0.0;
  report.message = fmt::format(
      "1/m = {:.6g} d + {:.6g} over {} pixels of {} key frame(s): {:.1f}% inliers, {:.1f}% within "
      "{:.0f}%, median relative error {:.2f}%",
      alpha, beta, report.used_pixels, report.frames, 100.0 * report.inlier_ratio,
      100.0 * report.within_threshold_ratio, 100.0 * options.ransac_threshold,
      100.0 * report.median_abs_error);
  return report;
}

FusedDepth FuseDepth(const DepthMap& disparity, double alpha, double beta) {
  FusedDepth fused;
  fused.depth = DepthMap::Filled(disparity.width, disparity.height, 0.0f);
  for (int64_t i = 0; i < disparity.size(); ++i) {
    const double inverse = alpha * disparity.values[i] + beta;
    const float z = static_cast<float>(1.0 / inverse);
    if (inverse > 0.0 && IsValidDepth(z)) {
      fused.depth.values[i] = z;
    } else {
      ++fused.invalid;
    }
  }
  return fused;
}

}  // namespace intersynth
