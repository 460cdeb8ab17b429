#pragma once
// The floor of a room in a camera-frame point cloud, and the world frame it
// defines (DESIGN.md: Y up, floor on y = 0).
//
// "Below the camera" means: the plane's normal turned towards the camera
// lies within a largest tilt of the camera's up axis -y (a ceiling, or a wall
// in front of a camera that looks down, faces the camera from the other side).
//
// FindFloor, with a floor mask (pixels a segmenter or a person marked as
// floor, outliers allowed): RANSAC plane fit (geometry/plane.h) on the masked
// points, for planes below the camera within max_tilt_with_mask_deg (80), then
// a least-squares refit on the inliers of all masked points.
// Without a mask: sequential RANSAC over all points for up to max_candidates
// planes that are (a) below the camera and (b) nearly horizontal, i.e. whose
// upward normal is within max_tilt_deg of the camera's "up" axis -y (the
// camera is assumed to be mounted upright, tilted less than that); each
// candidate's inliers are removed before the next is drawn. The floor is the
// LOWEST candidate (largest camera height) among those with at least
// min_candidate_support times the support of the largest one, so that a bed,
// a table or a counter top seen larger than the floor is not taken for it.
//
// Orientation: the returned plane's normal points up, towards the camera:
// SignedDistance(camera centre = origin) = offset = the camera height > 0.
//
// Alignment (WorldFromCameraOnFloor): with n the floor's upward normal in the
// camera frame and p the foot of `origin_in_camera` on the floor,
//   R_level = AlignVectors(n, +Y)            (Rodrigues; the smallest turn)
//   R_yaw   = the turn about +Y that takes the horizontal part of the camera's
//             viewing direction R_level * (0, 0, 1) onto -Z (for a camera
//             looking straight down, its image "up" -y is used instead)
//   R = R_yaw R_level,   t = -R p,
// so world_from_camera = (R, t) puts the floor on y = 0 (for x on the floor,
// (R x).y = n . x = -offset = (R p).y), the camera at height `offset` above
// the origin's foot point, looking towards -Z: a person placed at the origin
// facing +Z (the canonical facing of generated motion) faces the camera.

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "intersynth/geometry/plane.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/scene/depth_map.h"
#include "intersynth/scene/point_cloud.h"

namespace intersynth {

/// Options of FindFloor.
struct FloorSearchOptions {
  /// RANSAC inlier threshold, metres.
  double inlier_threshold = 0.05;
  /// RANSAC confidence and iteration bounds (geometry/plane.h).
  double confidence = 0.999;
  int min_iterations = 50;
  int max_iterations = 2000;
  /// Seed of RANSAC and of the point subsample: the same seed, the same floor.
  uint64_t seed = 0;
  /// Hypotheses are scored on at most this many random points (the final
  /// refit and the reported inliers use every point).
  int64_t max_ransac_points = 50000;
  /// The floor lies at least this far below the camera centre, metres.
  double min_camera_height = 0.1;
  /// Without a mask: largest angle between the floor's normal and the
  /// camera's up axis (-y), degrees, in (0, 90).
  double max_tilt_deg = 30.0;
  /// With a mask: the same bound, loose (the mask says where the floor is;
  /// this only keeps ceilings and walls out), in (0, 90).
  double max_tilt_with_mask_deg = 80.0;
  /// Without a mask: planes drawn at most, and the support (inliers) a
  /// candidate needs relative to the best-supported one to be chosen.
  int max_candidates = 3;
  double min_candidate_support = 0.25;
  /// With a mask: the share of masked points that must be inliers.
  double min_inlier_ratio = 0.2;
  /// Fewest inliers for a floor.
  int64_t min_inliers = 50;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// A plane the no-mask search considered.
struct FloorCandidate {
  /// Upward normal (towards the camera).
  Plane plane;
  /// Inliers among the points left when it was drawn.
  int64_t support = 0;
  /// offset: distance from the camera centre, metres.
  double camera_height = 0.0;
  /// Angle between the normal and the camera's up axis, degrees.
  double tilt_deg = 0.0;
};

/// What FindFloor found (an expected failure is reported, not thrown).
struct FloorReport {
  bool success = false;
  /// Why it failed, or a one-line summary.
  std::string message;
  /// Whether a mask chose the candidate points.
  bool from_mask = false;
  /// The floor, upward normal, in the camera frame (valid when success).
  Plane plane_in_camera;
  /// Points the fit looked at: masked points with depth, or all points.
  int64_t candidate_points = 0;
  /// Indices into the cloud of the points within inlier_threshold of the floor
  /// (among ALL points of the cloud, masked or not).
  std::vector<int64_t> inliers;
  /// Inliers among the candidate points / candidate points.
  double inlier_ratio = 0.0;
  /// RMS distance of the inliers to the plane, metres.
  double rms_residual = 0.0;
  /// RANSAC draws in all.
  int iterations = 0;
  /// Distance of the camera centre above the floor, metres.
  double camera_height = 0.0;
  /// No-mask search: the planes considered, in the order drawn.
  std::vector<FloorCandidate> candidates;
};

/// Finds the floor in `cloud_in_camera` (see the file comment). `mask`, when
/// given, is indexed by the cloud's pixel indices (a map of the depth's size;
/// non-zero = floor). Throws OptionError for options out of range.
FloorReport FindFloor(const PointCloud& cloud_in_camera,
                      const DepthMap* mask,
                      const FloorSearchOptions& options = {});

/// How the camera sits in the world that a floor defines.
struct CameraOnFloor {
  RigidTransformd world_from_camera;
  /// Camera centre in the world frame: (x, camera_height, z).
  Eigen::Vector3d camera_in_world = Eigen::Vector3d::Zero();
  /// Height of the camera centre above the floor, metres.
  double camera_height = 0.0;
  /// Angle of the viewing direction below the horizon (positive: looking down), degrees.
  double pitch_down_deg = 0.0;
  /// Turn of the camera about its viewing axis after the pitch (positive:
  /// the right edge of the image points up), degrees.
  double roll_deg = 0.0;
};

/// world_from_camera for an upward-normal floor plane in the camera frame
/// (see the file comment); `origin_in_camera` (projected onto the floor)
/// becomes the world origin. Throws Error when the camera centre is not
/// above the floor (offset <= 0) or the plane is not finite.
CameraOnFloor WorldFromCameraOnFloor(const Plane& floor_in_camera,
                                     const Eigen::Vector3d& origin_in_camera);

}  // namespace intersynth
