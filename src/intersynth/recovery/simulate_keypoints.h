#pragma once
// Simulated 2D keypoints of a known motion, for measuring motion recovery
// (issue 14): the motion's smpl22 joints seen by a fixed pinhole camera, with
// pixel noise and dropped points, written as COCO-17 keypoint JSON plus a
// scene folder that `intersynth recover --scene` reads.
//
// The camera (PlaceSimulatedCamera). World: metres, Y up, floor y = 0;
// camera frame OpenCV (x right, y down, z forward); DESIGN.md. The camera
// looks along world -Z turned by phi = yaw_deg about +Y (counter-clockwise
// seen from above; 0: along -Z), pitched down by theta = pitch_down_deg, no
// roll; with R = R_y(phi):
//   z_cam (forward) = R (0, -sin theta, -cos theta)
//   x_cam (right)   = R (1, 0, 0)
//   y_cam (down)    = z_cam x x_cam
//   world_from_camera.rotation = [x_cam y_cam z_cam] (columns)
// Its optical axis passes through the aim point A = (c_x, aim_height, c_z),
// where (c_x, c_z) is the centre of the horizontal (x, z) bounding box of the
// pelvis (smpl22 joint 0) over every frame and person (valid pelvises only).
// With the camera centre at height h:
//   C = A - L z_cam,   L = (h - aim_height) / sin theta   (so C.y = h)
// i.e. the camera stands L cos theta behind A (towards +Z for phi = 0), h
// above the floor.
// The clip is not moved: people who walk far from A leave the image.
//
// The keypoints (SimulateKeypoints). One KeypointFrame per motion frame t
// (id t, file_name "frame_%06d.png", the image size) and one PersonKeypoints
// per person p per frame (track_id p), body points from smpl22 joints:
//   COCO  5 left_shoulder  <- 16    6 right_shoulder <- 17
//         7 left_elbow     <- 18    8 right_elbow    <- 19
//         9 left_wrist     <- 20   10 right_wrist    <- 21
//        11 left_hip       <-  1   12 right_hip      <-  2
//        13 left_knee      <-  4   14 right_knee     <-  5
//        15 left_ankle     <-  7   16 right_ankle    <-  8
// The face points 0-4 (nose, eyes, ears) have no smpl22 source: always
// confidence 0 (xy 0). (SMPL's hip joints sit inside the pelvis, higher and
// closer together than COCO's annotated hips; the simulation does not
// correct for that, so a recovery that maps COCO hips back onto smpl22 hips
// sees the same points it would be scored on.)
// For each body point: x_in_camera = world_from_camera^-1 * joint; the pixel
// is PinholeCamera::Project plus N(0, noise_px^2) independently in u and v.
// Confidence is 1, or 0 (with xy = 0) when, in this order,
//   * the joint is not `valid` in the motion,
//   * it is behind or on the camera plane (z <= 1 cm),
//   * the noisy pixel is outside the image: u < 0, u > width - 1, v < 0 or
//     v > height - 1 (COCO coordinates must be non-negative),
//   * it is dropped, with probability drop_probability, independently.
// bbox = the box of the seen points (x, y, width, height), 0 when none.
// Random numbers: one std::mt19937_64 (util/random.h Rng) seeded with `seed`;
// every body point of every (frame, person) draws, in that order, u-noise,
// v-noise and the drop coin whether or not it is seen, so one point's fate
// never shifts another's noise. Same seed, same build: same keypoints.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/recovery/keypoints.h"

namespace intersynth {

/// Options of the simulation (camera and observation model).
struct KeypointSimulationOptions {
  /// Image size in pixels.
  int width = 640;
  int height = 480;
  /// Focal lengths in pixels.
  double fx = 525.0;
  double fy = 525.0;
  /// Principal point (OpenCV 0-based pixels); unset: the image centre
  /// ((width - 1) / 2, (height - 1) / 2), 319.5 and 239.5 at 640x480.
  std::optional<double> cx;
  std::optional<double> cy;
  /// Height of the camera centre above the floor, metres.
  double camera_height = 2.5;
  /// Angle of the optical axis below the horizon, degrees, in (0, 90).
  double pitch_down_deg = 30.0;
  /// Direction of view about +Y, degrees (0: along -Z; see the file comment).
  double yaw_deg = 0.0;
  /// Height above the floor at which the optical axis crosses the vertical
  /// through the centre of the pelvis trajectory, metres (< camera_height).
  double aim_height = 1.0;
  /// Standard deviation of the Gaussian pixel noise, per coordinate (>= 0).
  double noise_px = 3.0;
  /// Probability that a body point is dropped (confidence 0), in [0, 1].
  double drop_probability = 0.2;
  /// Seed of the noise and the drops.
  uint64_t seed = 0;

  /// Throws OptionError naming the first bad field (see the fields).
  void Check() const;
};

/// The simulated camera (see the file comment).
struct SimulatedCamera {
  PinholeCamera camera;
  /// x_in_world = world_from_camera * x_in_camera.
  RigidTransformd world_from_camera;
  /// Height of the camera centre above the floor, metres.
  double camera_height = 0.0;
  /// Angle of the optical axis below the horizon, degrees.
  double pitch_down_deg = 0.0;
  /// Direction of view about +Y, degrees.
  double yaw_deg = 0.0;
  /// The point the optical axis passes through (the aim point A).
  Eigen::Vector3d aim_in_world = Eigen::Vector3d::Zero();
};

/// What happened to the body points (12 per person per frame; the face
/// points are not counted). Each point is in exactly one class.
struct KeypointSimulationCounts {
  int64_t body_points = 0;
  int64_t seen = 0;
  int64_t invalid_in_motion = 0;
  int64_t behind_camera = 0;
  int64_t outside_image = 0;
  int64_t dropped = 0;
};

/// A simulation: the camera, the keypoints and what became of the points.
struct KeypointSimulation {
  SimulatedCamera camera;
  KeypointSet keypoints;
  KeypointSimulationCounts counts;
  /// A few lines for the terminal.
  std::string summary;
};

/// The camera for `clip` (see the file comment). Throws OptionError for bad
/// options, Error for an empty clip or a clip with no valid pelvis.
SimulatedCamera PlaceSimulatedCamera(const MotionClip& clip,
                                     const KeypointSimulationOptions& options = {});

/// The keypoints of `clip` seen by `camera` with the noise, drops and seed of
/// `options` (its camera fields are not used). `counts` may be null.
/// Throws OptionError for bad options, Error for a clip whose arrays disagree
/// with its sizes.
KeypointSet ProjectSimulatedKeypoints(const MotionClip& clip,
                                      const SimulatedCamera& camera,
                                      const KeypointSimulationOptions& options,
                                      KeypointSimulationCounts* counts = nullptr);

/// PlaceSimulatedCamera, then ProjectSimulatedKeypoints. `source` names the
/// clip in messages (not in OptionError's, which name the options' fields)
/// and in the keypoint set.
KeypointSimulation SimulateKeypoints(const MotionClip& clip,
                                     const KeypointSimulationOptions& options = {},
                                     const std::string& source = "motion");

/// Writes `camera` as a scene folder that ReadSceneDescription reads
/// (scene/lift_scene.h, written by its WriteSceneFolder): scene.json with the
/// intrinsics, world_from_camera, the floor y = 0 in the camera frame
///   normal = R^T (0, 1, 0),  offset = camera_height
/// and camera_height_m; image.png, a uniform grey key frame of the image size;
/// depth.npy, the depth of the floor plane where a pixel's ray meets it within
/// 30 m (0 elsewhere); points.ply, the floor points of every 4th pixel in each
/// direction (world frame), all of them floor inliers (floor_inliers.png).
/// Atomic; throws Error when `out` exists and `overwrite` is false.
void WriteSimulatedSceneFolder(const std::filesystem::path& out,
                               const SimulatedCamera& camera,
                               bool overwrite);

}  // namespace intersynth
