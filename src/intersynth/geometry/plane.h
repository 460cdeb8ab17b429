#pragma once
// Planes in 3D and fitting them to points: a least-squares fit and a RANSAC
// fit that is robust to outliers (the floor of a room in a noisy, partly
// wrong depth map or floor mask).
//
// Convention: a plane is {x : normal . x + offset = 0} with |normal| = 1, so
// SignedDistance(x) = normal . x + offset is the distance in the plane's
// units (metres here), positive on the side the normal points to. (normal,
// offset) and (-normal, -offset) are the same plane; fits return either, and
// callers that care about the side (the camera above the floor) flip it.
//
// Least squares (total least squares: perpendicular distances):
//   c = mean(x_i),  C = sum (x_i - c)(x_i - c)^T,
//   normal = eigenvector of C with the smallest eigenvalue l0, offset = -normal . c,
//   RMS residual = sqrt(l0 / n).
// Degenerate when the points do not span a plane: fewer than 3, or the middle
// eigenvalue l1 is (relatively) zero (all points on one line or one point).
//
// RANSAC (Fischler and Bolles 1981): planes through 3 random points, scored by
// their inliers (|SignedDistance| <= threshold), keeping the best; the number
// of iterations adapts to the best inlier ratio w seen so far,
//   N = log(1 - confidence) / log(1 - w^3),
// clamped to [min_iterations, max_iterations]. The best plane is then refit
// by least squares on its inliers, and the inliers recomputed once (the
// refit plane is the reported one when it scores no worse). "Best" is the
// most inliers, or the lowest truncated quadratic cost with
// RansacPlaneOptions::truncated_quadratic (MSAC).

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "intersynth/geometry/rigid_transform.h"

namespace intersynth {

/// {x : normal . x + offset = 0}, |normal| = 1.
struct Plane {
  Eigen::Vector3d normal = Eigen::Vector3d::UnitY();
  double offset = 0.0;

  /// normal . x + offset: positive on the normal's side.
  double SignedDistance(const Eigen::Vector3d& x) const { return normal.dot(x) + offset; }
  /// The same plane with the normal reversed.
  Plane Flipped() const { return Plane{-normal, -offset}; }
};

/// What a plane fit found (expected failures are reported, not thrown).
struct PlaneFitReport {
  bool success = false;
  /// Why it failed, or a one-line summary when it succeeded.
  std::string message;
  Plane plane;
  /// Indices (into the input points) of the points within the threshold of
  /// `plane` (RANSAC), or of every point (least squares).
  std::vector<int64_t> inliers;
  /// inliers.size() / number of points.
  double inlier_ratio = 0.0;
  /// RMS of the inliers' distances to `plane`.
  double rms_residual = 0.0;
  /// RANSAC hypotheses drawn (0 for least squares).
  int iterations = 0;
};

/// Total-least-squares plane through `points`. Fails (success = false) for
/// fewer than 3 points, non-finite coordinates or points on one line.
PlaneFitReport FitPlaneLeastSquares(const std::vector<Eigen::Vector3d>& points);

/// The same on a subset, points[indices[k]].
PlaneFitReport FitPlaneLeastSquares(const std::vector<Eigen::Vector3d>& points,
                                    const std::vector<int64_t>& indices);

/// Options of FitPlaneRansac.
struct RansacPlaneOptions {
  /// A point is an inlier when its distance to the plane is at most this
  /// (metres for metric points).
  double inlier_threshold = 0.05;
  /// Probability that at least one hypothesis is drawn from inliers only;
  /// sets the adaptive iteration count. In (0, 1).
  double confidence = 0.999;
  /// Bounds of the iteration count.
  int min_iterations = 20;
  int max_iterations = 5000;
  /// Fewest inliers (as a fraction of the points) for success.
  double min_inlier_ratio = 0.0;
  /// Seed of the hypothesis sampler: the same seed gives the same fit.
  uint64_t seed = 0;
  /// How hypotheses are ranked: by inlier count (plain RANSAC), or by the
  /// truncated quadratic cost sum_i min(d_i^2, threshold^2), lower is better
  /// (MSAC, Torr and Zisserman 2000). With a wide threshold the count prefers
  /// a plane tilted to catch a few more points of nearby structures (the feet
  /// of walls next to a floor); MSAC prefers the plane the inliers lie on.
  bool truncated_quadratic = false;
  /// Optional test a hypothesis must pass to be scored (e.g. "normal within
  /// 30 degrees of down and below the camera"); hypotheses it rejects are not
  /// counted as found planes. Applied to the refit plane too.
  std::function<bool(const Plane&)> accept;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Robust plane fit. Fails (success = false, with the reason) for fewer than
/// 3 points, when no hypothesis passes `accept`, or when the best plane has
/// fewer inliers than min_inlier_ratio or than 3. Throws OptionError for
/// options out of range (a user option error, not a data failure).
PlaneFitReport FitPlaneRansac(const std::vector<Eigen::Vector3d>& points,
                              const RansacPlaneOptions& options);

/// The rigid transform world_from_a that puts `floor` (given in frame a,
/// e.g. the camera frame) on the world floor y = 0 with `above` (a point in
/// frame a on the side that must end up at y > 0, e.g. the camera centre,
/// the origin of the camera frame) above it:
///   n' = floor.normal turned towards `above` (n' . above + d' > 0),
///   R  = AlignVectors(n', +Y)     (Rodrigues; the antiparallel case is the
///                                  half turn about a perpendicular axis),
///   t  = (0, d', 0)               (a point x on the floor has n' . x = -d',
///                                  so (R x).y = n' . x = -d' and y + d' = 0).
/// Then y_in_world = SignedDistance'(x_in_a) for every point: heights above
/// the floor. The rotation about +Y is the smallest one (no extra yaw).
/// Throws Error when `above` lies on the plane (no side to choose).
RigidTransformd WorldFromFloor(const Plane& floor, const Eigen::Vector3d& above);

}  // namespace intersynth
