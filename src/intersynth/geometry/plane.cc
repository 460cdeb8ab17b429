#include "intersynth/geometry/plane.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/geometry/rotation.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

PlaneFitReport Failure(std::string message) {
  PlaneFitReport report;
  report.message = std::move(message);
  return report;
}

/// Indices of the points within `threshold` of `plane`, and the RMS of their distances.
std::vector<int64_t> Inliers(const std::vector<Eigen::Vector3d>& points,
                             const Plane& plane,
                             double threshold,
                             double* rms) {
  std::vector<int64_t> inliers;
  double sum_sq = 0.0;
  for (int64_t i = 0; i < static_cast<int64_t>(points.size()); ++i) {
    const double d = plane.SignedDistance(points[i]);
    if (std::abs(d) <= threshold) {
      inliers.push_back(i);
      sum_sq += d * d;
    }
  }
  *rms = inliers.empty() ? 0.0 : std::sqrt(sum_sq / static_cast<double>(inliers.size()));
  return inliers;
}

/// The RANSAC inner loop: the inlier count and the score of a plane, lower
/// is better (-count, or the MSAC cost sum min(d^2, threshold^2)).
int64_t ScorePlane(const std::vector<Eigen::Vector3d>& points,
                   const Plane& plane,
                   double threshold,
                   bool truncated_quadratic,
                   double* score) {
  int64_t count = 0;
  double cost = 0.0;
  const double threshold_sq = threshold * threshold;
  for (const Eigen::Vector3d& x : points) {
    const double d = plane.SignedDistance(x);
    const double d_sq = d * d;
    count += d_sq <= threshold_sq;
    cost += std::min(d_sq, threshold_sq);
  }
  *score = truncated_quadratic ? cost : -static_cast<double>(count);
  return count;
}

}  // namespace

PlaneFitReport FitPlaneLeastSquares(const std::vector<Eigen::Vector3d>& points,
                                    const std::vector<int64_t>& indices) {
  const int64_t n = static_cast<int64_t>(indices.size());
  if (n < 3) return Failure(fmt::format("a plane needs at least 3 points, got {}", n));

  // Centroid and scatter matrix; the normal is the direction of least spread.
  Eigen::Vector3d centroid = Eigen::Vector3d::Zero();
  for (int64_t i : indices) {
    const Eigen::Vector3d& x = points.at(static_cast<size_t>(i));
    if (!x.allFinite()) return Failure(fmt::format("point {} is not finite", i));
    centroid += x;
  }
  centroid /= static_cast<double>(n);
  Eigen::Matrix3d scatter = Eigen::Matrix3d::Zero();
  for (int64_t i : indices) {
    const Eigen::Vector3d d = points[static_cast<size_t>(i)] - centroid;
    scatter += d * d.transpose();
  }
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> eigen(scatter);
  const Eigen::Vector3d values = eigen.eigenvalues();  // ascending

  // Points on a line (or one point) leave the middle eigenvalue at rounding level.
  if (values(1) <= 1e-12 * std::max(values(2), std::numeric_limits<double>::min())) {
    return Failure(fmt::format("the {} points lie on one line: no unique plane", n));
  }
  PlaneFitReport report;
  report.success = true;
  report.plane.normal = eigen.eigenvectors().col(0).normalized();
  report.plane.offset = -report.plane.normal.dot(centroid);
  report.inliers = indices;
  report.inlier_ratio =
      points.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(points.size());
  // From the distances themselves: sqrt(l0 / n) is equal in exact arithmetic,
  // but l0 carries the rounding of the whole scatter matrix.
  double sum_sq = 0.0;
  for (int64_t i : indices) {
    const double d = report.plane.SignedDistance(points[static_cast<size_t>(i)]);
    sum_sq += d * d;
  }
  report.rms_residual = std::sqrt(sum_sq / static_cast<double>(n));
  report.message = fmt::format("least-squares plane through {} points, RMS residual {:.4g}", n,
                               report.rms_residual);
  return report;
}

PlaneFitReport FitPlaneLeastSquares(const std::vector<Eigen::Vector3d>& points) {
  std::vector<int64_t> all(points.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  return FitPlaneLeastSquares(points, all);
}

void RansacPlaneOptions::Check() const {
  CheckPositive(inlier_threshold, "inlier_threshold");
  CheckFinite(inlier_threshold, "inlier_threshold");
  if (!(confidence > 0.0 && confidence < 1.0))
    throw OptionError(fmt::format("{{confidence}} must be in (0, 1), got {}", confidence));
  CheckAtLeast(min_iterations, 1, "min_iterations");
  if (max_iterations < min_iterations) {
    throw OptionError(fmt::format("{{max_iterations}} must be >= {{min_iterations}} ({}), got {}",
                                  min_iterations, max_iterations));
  }
  CheckInRange(min_inlier_ratio, 0.0, 1.0, "min_inlier_ratio");
}

PlaneFitReport FitPlaneRansac(const std::vector<Eigen::Vector3d>& points,
                              const RansacPlaneOptions& options) {
  options.Check();
  const int64_t n = static_cast<int64_t>(points.size());
  if (n < 3) return Failure(fmt::format("a plane needs at least 3 points, got {}", n));
  for (int64_t i = 0; i < n; ++i) {
    if (!points[i].allFinite()) return Failure(fmt::format("point {} is not finite", i));
  }

  // Hypotheses through 3 random distinct points until the adaptive count is reached.
  Rng rng(options.seed);
  const double log_miss = std::log(1.0 - options.confidence);
  Plane best;
  int64_t best_count = -1;
  double best_score = std::numeric_limits<double>::infinity();
  int needed = options.max_iterations;
  int iterations = 0;
  int rejected = 0;
  for (; iterations < std::max(options.min_iterations, std::min(needed, options.max_iterations));
       ++iterations) {
    const int64_t a = rng.UniformInt(0, n - 1);
    const int64_t b = rng.UniformInt(0, n - 1);
    const int64_t c = rng.UniformInt(0, n - 1);
    if (a == b || b == c || a == c) continue;
    const Eigen::Vector3d cross = (points[b] - points[a]).cross(points[c] - points[a]);
    const double norm = cross.norm();
    // Collinear samples give no plane.
    if (!(norm > 1e-12 * (points[b] - points[a]).squaredNorm())) continue;
    Plane hypothesis{cross / norm, 0.0};
    hypothesis.offset = -hypothesis.normal.dot(points[a]);
    if (options.accept && !options.accept(hypothesis)) {
      ++rejected;
      continue;
    }
    double score = 0.0;
    const int64_t count = ScorePlane(points, hypothesis, options.inlier_threshold,
                                     options.truncated_quadratic, &score);
    if (score < best_score) {
      best_score = score;
      best_count = count;
      best = hypothesis;
      // N = log(1 - confidence) / log(1 - w^3); w = 1 needs one draw.
      const double w = static_cast<double>(count) / static_cast<double>(n);
      const double miss_all = 1.0 - w * w * w;
      needed = miss_all <= 0.0
                   ? 1
                   : static_cast<int>(std::min<double>(std::ceil(log_miss / std::log(miss_all)),
                                                       options.max_iterations));
    }
  }
  if (best_count < 0) {
    return Failure(
        fmt::format("no plane hypothesis in {} draws{}", iterations,
                    rejected > 0 ? fmt::format(" ({} rejected by the plane test)", rejected) : ""));
  }

  // Least-squares refit on the inliers, then the inliers of the refit plane.
  double rms = 0.0;
  std::vector<int64_t> inliers = Inliers(points, best, options.inlier_threshold, &rms);
  PlaneFitReport refit = FitPlaneLeastSquares(points, inliers);
  if (refit.success && (!options.accept || options.accept(refit.plane))) {
    double refit_rms = 0.0;
    std::vector<int64_t> refit_inliers =
        Inliers(points, refit.plane, options.inlier_threshold, &refit_rms);
    double refit_score = 0.0;
    ScorePlane(points, refit.plane, options.inlier_threshold, options.truncated_quadratic,
               &refit_score);
    if (refit_score <= best_score) {
      best = refit.plane;
      inliers = std::move(refit_inliers);
      rms = refit_rms;
    }
  }

  PlaneFitReport report;
  report.plane = best;
  report.inlier_ratio = static_cast<double>(inliers.size()) / static_cast<double>(n);
  report.rms_residual = rms;
  report.iterations = iterations;
  report.inliers = std::move(inliers);
  const int64_t count = static_cast<int64_t>(report.inliers.size());
  if (count < 3 || report.inlier_ratio < options.min_inlier_ratio) {
    report.message =
        fmt::format("best plane has {} inliers of {} ({:.1f}%), below the {:.1f}% asked for", count,
                    n, 100.0 * report.inlier_ratio, 100.0 * options.min_inlier_ratio);
    return report;
  }
  report.success = true;
  report.message = fmt::format(
      "plane with {} of {} points within {:.3g} ({:.1f}%), RMS residual {:.3g}, {} draws", count, n,
      options.inlier_threshold, 100.0 * report.inlier_ratio, rms, iterations);
  return report;
}

RigidTransformd WorldFromFloor(const Plane& floor, const Eigen::Vector3d& above) {
  const double side = floor.SignedDistance(above);
  if (!(std::abs(side) > 0.0) || !std::isfinite(side)) {
    throw Error(fmt::format(
        "the point ({}, {}, {}) that should lie above the floor lies on it (or is not finite)",
        above.x(), above.y(), above.z()));
  }
  const Plane up = side > 0.0 ? floor : floor.Flipped();
  RigidTransformd world_from_a;
  world_from_a.rotation = AlignVectors<double>(up.normal, Eigen::Vector3d::UnitY());
  world_from_a.translation = Eigen::Vector3d(0.0, up.offset, 0.0);
  return world_from_a;
}

}  // namespace intersynth
