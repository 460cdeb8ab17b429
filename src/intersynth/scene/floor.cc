#include "intersynth/scene/floor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>

#include "intersynth/geometry/rotation.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr double kDegrees = 180.0 / EIGEN_PI;

/// The plane with its normal turned towards the camera centre (the origin).
Plane FacingCamera(const Plane& plane) { return plane.offset >= 0.0 ? plane : plane.Flipped(); }

/// Angle between an upward normal and the camera's up axis (0, -1, 0), degrees.
double TiltDeg(const Plane& up) {
  return std::acos(std::clamp(-up.normal.y(), -1.0, 1.0)) * kDegrees;
}

/// The result of fitting one plane to a subset of the cloud.
struct SubsetFit {
  bool success = false;
  std::string message;
  Plane plane;                   // upward
  std::vector<int64_t> inliers;  // cloud indices, within the subset
  double rms = 0.0;
  int iterations = 0;
};

/// Subset indices within `threshold` of `plane`, and their RMS distance.
std::vector<int64_t> SubsetInliers(const PointCloud& cloud,
                                   const std::vector<int64_t>& subset,
                                   const Plane& plane,
                                   double threshold,
                                   double* rms) {
  std::vector<int64_t> inliers;
  double sum_sq = 0.0;
  for (int64_t i : subset) {
    const double d = plane.SignedDistance(cloud.points[static_cast<size_t>(i)]);
    if (std::abs(d) <= threshold) {
      inliers.push_back(i);
      sum_sq += d * d;
    }
  }
  *rms = inliers.empty() ? 0.0 : std::sqrt(sum_sq / static_cast<double>(inliers.size()));
  return inliers;
}

/// MSAC cost of a plane over the subset: sum min(d^2, threshold^2).
double TruncatedCost(const PointCloud& cloud,
                     const std::vector<int64_t>& subset,
                     const Plane& plane,
                     double threshold) {
  double cost = 0.0;
  for (int64_t i : subset) {
    const double d = plane.SignedDistance(cloud.points[static_cast<size_t>(i)]);
    cost += std::min(d * d, threshold * threshold);
  }
  return cost;
}

/// RANSAC on a random sample of `subset`, then least-squares refits on the
/// inliers among all of `subset` (twice: the inlier set settles).
SubsetFit FitSubset(const PointCloud& cloud,
                    const std::vector<int64_t>& subset,
                    const FloorSearchOptions& options,
                    const std::function<bool(const Plane&)>& accept,
                    uint64_t seed) {
  SubsetFit fit;
  // The sample RANSAC scores hypotheses on.
  Rng rng(seed);
  std::vector<Eigen::Vector3d> sample;
  const int64_t n = static_cast<int64_t>(subset.size());
  if (n <= options.max_ransac_points) {
    sample.reserve(static_cast<size_t>(n));
    for (int64_t i : subset) sample.push_back(cloud.points[static_cast<size_t>(i)]);
  } else {
    sample.reserve(static_cast<size_t>(options.max_ransac_points));
    for (int64_t k = 0; k < options.max_ransac_points; ++k) {
      sample.push_back(cloud.points[static_cast<size_t>(subset[rng.UniformInt(0, n - 1)])]);
    }
  }
  RansacPlaneOptions ransac;
  ransac.inlier_threshold = options.inlier_threshold;
  ransac.confidence = options.confidence;
  ransac.min_iterations = options.min_iterations;
  ransac.max_iterations = options.max_iterations;
  ransac.seed = rng.NextSeed();
  ransac.accept = accept;
  ransac.truncated_quadratic = true;
  const PlaneFitReport report = FitPlaneRansac(sample, ransac);
  fit.iterations = report.iterations;
  if (!report.success) {
    fit.message = report.message;
    return fit;
  }

  // Refit on the inliers among every subset point, while the MSAC cost drops.
  // When the inliers' own least-squares plane fails the plane test, the
  // hypothesis was an oblique cut through a larger surface of another
  // orientation (a steep floor seen through a level-only test): no plane.
  Plane plane = FacingCamera(report.plane);
  std::vector<int64_t> inliers =
      SubsetInliers(cloud, subset, plane, options.inlier_threshold, &fit.rms);
  double cost = TruncatedCost(cloud, subset, plane, options.inlier_threshold);
  for (int round = 0; round < 3; ++round) {
    const PlaneFitReport refit = FitPlaneLeastSquares(cloud.points, inliers);
    if (!refit.success) break;
    const Plane candidate = FacingCamera(refit.plane);
    if (!accept(candidate)) {
      if (round > 0) break;
      fit.message = fmt::format(
          "the best plane's {} inliers lie on a plane that fails the plane test (normal {:.1f} "
          "degrees from the camera's up axis, {:.2f} m from the camera): an oblique cut through a "
          "larger surface",
          inliers.size(), TiltDeg(candidate), candidate.offset);
      return fit;
    }
    const double candidate_cost = TruncatedCost(cloud, subset, candidate, options.inlier_threshold);
    if (candidate_cost >= cost) break;
    double rms = 0.0;
    plane = candidate;
    inliers = SubsetInliers(cloud, subset, candidate, options.inlier_threshold, &rms);
    cost = candidate_cost;
    fit.rms = rms;
  }
  fit.success = true;
  fit.plane = plane;
  fit.inliers = std::move(inliers);
  return fit;
}

// Throws OptionError "{field} must be in (lo, hi), got value" unless lo < value < hi.
void CheckInOpenRange(double value, double lo, double hi, std::string_view field) {
  if (!(value > lo && value < hi))
    throw OptionError(fmt::format("{{{}}} must be in ({}, {}), got {}", field, lo, hi, value));
}

}  // namespace

void FloorSearchOptions::Check() const {
  CheckPositive(inlier_threshold, "inlier_threshold");
  CheckFinite(inlier_threshold, "inlier_threshold");
  CheckInOpenRange(confidence, 0.0, 1.0, "confidence");
  CheckAtLeast(min_iterations, 1, "min_iterations");
  if (max_iterations < min_iterations) {
    throw OptionError(fmt::format("{{max_iterations}} must be >= {{min_iterations}} ({}), got {}",
                                  min_iterations, max_iterations));
  }
  CheckAtLeast(max_ransac_points, int64_t{3}, "max_ransac_points");
  CheckFinite(min_camera_height, "min_camera_height");
  CheckInOpenRange(max_tilt_deg, 0.0, 90.0, "max_tilt_deg");
  CheckInOpenRange(max_tilt_with_mask_deg, 0.0, 90.0, "max_tilt_with_mask_deg");
  CheckAtLeast(max_candidates, 1, "max_candidates");
  if (!(min_candidate_support > 0.0 && min_candidate_support <= 1.0)) {
    throw OptionError(
        fmt::format("{{min_candidate_support}} must be in (0, 1], got {}", min_candidate_support));
  }
  CheckInRange(min_inlier_ratio, 0.0, 1.0, "min_inlier_ratio");
  CheckAtLeast(min_inliers, int64_t{3}, "min_inliers");
}

FloorReport FindFloor(const PointCloud& cloud,
                      const DepthMap* mask,
                      const FloorSearchOptions& options) {
  options.Check();
  FloorReport report;
  report.from_mask = mask != nullptr;

  // The points the fit may use: masked ones, or all.
  std::vector<int64_t> subset;
  subset.reserve(static_cast<size_t>(cloud.size()));
  for (int64_t i = 0; i < cloud.size(); ++i) {
    if (mask != nullptr) {
      const int64_t pixel = cloud.pixels[static_cast<size_t>(i)];
      INTERSYNTH_CHECK(pixel >= 0 && pixel < mask->size())
          << "pixel " << pixel << " outside the mask";
      if (mask->values[static_cast<size_t>(pixel)] == 0.0f) continue;
    }
    subset.push_back(i);
  }
  report.candidate_points = static_cast<int64_t>(subset.size());
  if (report.candidate_points < options.min_inliers) {
    report.message =
        fmt::format("{} {} with valid depth: a floor needs at least {}", report.candidate_points,
                    mask != nullptr ? "floor-mask pixels" : "points", options.min_inliers);
    return report;
  }

  // The plane tests: below the camera (its camera-side normal within the
  // largest tilt of the camera's up axis -y; a ceiling, or a wall in front of
  // a camera that looks down, faces the camera from the other side).
  const double max_tilt = mask != nullptr ? options.max_tilt_with_mask_deg : options.max_tilt_deg;
  const double min_cos = std::cos(max_tilt / kDegrees);
  const std::function<bool(const Plane&)> accept = [&](const Plane& plane) {
    const Plane up = FacingCamera(plane);
    return up.offset >= options.min_camera_height && -up.normal.y() > min_cos;
  };

  SubsetFit chosen;
  if (mask != nullptr) {
    chosen = FitSubset(cloud, subset, options, accept, options.seed);
    report.iterations = chosen.iterations;
    if (!chosen.success) {
      report.message = fmt::format(
          "no plane below the camera (within {:.0f} degrees of its level) in the {} floor-mask "
          "points: {}",
          max_tilt, subset.size(), chosen.message);
      return report;
    }
  } else {
    // Sequential RANSAC: draw a plane, remove its inliers, draw the next.
    std::vector<SubsetFit> fits;
    std::vector<int64_t> remaining = subset;
    std::string last_failure;
    for (int c = 0; c < options.max_candidates; ++c) {
      if (static_cast<int64_t>(remaining.size()) < options.min_inliers) break;
      SubsetFit fit =
          FitSubset(cloud, remaining, options, accept, options.seed + static_cast<uint64_t>(c));
      report.iterations += fit.iterations;
      if (!fit.success || static_cast<int64_t>(fit.inliers.size()) < options.min_inliers) {
        last_failure = fit.success
                           ? fmt::format("the next plane has only {} inliers", fit.inliers.size())
                           : fit.message;
        break;
      }
      report.candidates.push_back({fit.plane, static_cast<int64_t>(fit.inliers.size()),
                                   fit.plane.offset, TiltDeg(fit.plane)});
      // Remove the plane's points (within twice the threshold: its noisy fringe too).
      const Plane& plane = fit.plane;
      std::vector<int64_t> rest;
      for (int64_t i : remaining) {
        if (std::abs(plane.SignedDistance(cloud.points[static_cast<size_t>(i)])) >
            2.0 * options.inlier_threshold) {
          rest.push_back(i);
        }
      }
      remaining = std::move(rest);
      fits.push_back(std::move(fit));
    }
    if (fits.empty()) {
      report.message = fmt::format(
          "no plane below the camera within {:.0f} degrees of level among {} points (is the camera "
          "tilted more, or is little floor visible? pass a floor mask, or raise the largest tilt): "
          "{}",
          options.max_tilt_deg, subset.size(), last_failure);
      return report;
    }
    // The lowest well-supported candidate.
    int64_t max_support = 0;
    for (const SubsetFit& fit : fits)
      max_support = std::max<int64_t>(max_support, fit.inliers.size());
    size_t best = 0;
    for (size_t c = 0; c < fits.size(); ++c) {
      const bool supported = static_cast<double>(fits[c].inliers.size()) >=
                             options.min_candidate_support * static_cast<double>(max_support);
      if (supported && fits[c].plane.offset > fits[best].plane.offset) best = c;
    }
    chosen = std::move(fits[best]);
  }

  // Report the inliers among ALL points, and the statistics among the candidates.
  std::vector<int64_t> all(static_cast<size_t>(cloud.size()));
  for (int64_t i = 0; i < cloud.size(); ++i) all[static_cast<size_t>(i)] = i;
  double rms_all = 0.0;
  report.inliers = SubsetInliers(cloud, all, chosen.plane, options.inlier_threshold, &rms_all);
  double rms = 0.0;
  const int64_t candidate_inliers = static_cast<int64_t>(
      SubsetInliers(cloud, subset, chosen.plane, options.inlier_threshold, &rms).size());
  report.plane_in_camera = chosen.plane;
  report.camera_height = chosen.plane.offset;
  report.inlier_ratio = static_cast<double>(candidate_inliers) / static_cast<double>(subset.size());
  report.rms_residual = rms;
  if (candidate_inliers < options.min_inliers ||
      (mask != nullptr && report.inlier_ratio < options.min_inlier_ratio)) {
    report.message = fmt::format(
        "the best floor plane has {} inliers ({:.1f}% of {} {}), below the {} inliers / {:.0f}% "
        "asked for",
        candidate_inliers, 100.0 * report.inlier_ratio, subset.size(),
        mask != nullptr ? "masked points" : "points", options.min_inliers,
        100.0 * (mask != nullptr ? options.min_inlier_ratio : 0.0));
    return report;
  }
  report.success = true;
  report.message = fmt::format(
      "floor from {}: {} of {} points within {:.0f} mm ({:.1f}%), RMS {:.1f} mm, camera {:.3f} m "
      "above it, normal {:.1f} degrees from the camera's up axis",
      mask != nullptr ? "the mask" : fmt::format("{} candidate plane(s)", report.candidates.size()),
      candidate_inliers, subset.size(), 1000.0 * options.inlier_threshold,
      100.0 * report.inlier_ratio, 1000.0 * rms, report.camera_height, TiltDeg(chosen.plane));
  return report;
}

CameraOnFloor WorldFromCameraOnFloor(const Plane& floor, const Eigen::Vector3d& origin_in_camera) {
  if (!floor.normal.allFinite() || !std::isfinite(floor.offset) || !origin_in_camera.allFinite() ||
      std::abs(floor.normal.norm() - 1.0) > 1e-6) {
    throw Error(
        "world_from_camera: the floor plane or the origin is not finite (or the normal is not "
        "unit)");
  }
  if (!(floor.offset > 0.0)) {
    throw Error(
        fmt::format("world_from_camera: the camera centre must lie above the floor (on its "
                    "normal's side), got height {}",
                    floor.offset));
  }
  const Eigen::Vector3d& n = floor.normal;

  // Level: the floor normal onto +Y (the camera centre, the origin, is above it).
  const Eigen::Matrix3d level = WorldFromFloor(floor, Eigen::Vector3d::Zero()).rotation;
  // Yaw: the horizontal part of the viewing direction onto -Z.
  Eigen::Vector3d forward = level * Eigen::Vector3d::UnitZ();
  if (std::hypot(forward.x(), forward.z()) < 1e-6) forward = level * -Eigen::Vector3d::UnitY();
  // R_y(psi) (x, z) = (x cos + z sin, -x sin + z cos) is (0, -|h|) for
  // sin = x / |h|, cos = -z / |h|.
  const double psi = std::atan2(forward.x(), -forward.z());
  Eigen::Matrix3d yaw;
  yaw << std::cos(psi), 0.0, std::sin(psi), 0.0, 1.0, 0.0, -std::sin(psi), 0.0, std::cos(psi);

  CameraOnFloor placement;
  const Eigen::Matrix3d rotation = yaw * level;
  const Eigen::Vector3d foot = origin_in_camera - floor.SignedDistance(origin_in_camera) * n;
  placement.world_from_camera.rotation = rotation;
  placement.world_from_camera.translation = -(rotation * foot);
  placement.camera_in_world = placement.world_from_camera.translation;
  placement.camera_height = floor.offset;
  placement.pitch_down_deg = std::asin(std::clamp(-n.z(), -1.0, 1.0)) * kDegrees;
  // Pitch then roll about the viewing axis: n = world up in the camera frame
  // = (sin r cos p, -cos r cos p, -sin p), so p = asin(-n_z), r = atan2(n_x, -n_y).
  placement.roll_deg = std::atan2(n.x(), -n.y()) * kDegrees;
  return placement;
}

}  // namespace intersynth
