#pragma once
// Putting a motion into a lifted room (issue 31, `intersynth render`): where
// on the floor its people may stand, seen by the room's camera for the whole
// clip, and not through walls or furniture.
//
// The room as the camera saw it (RoomMap, from the scene's metric depth):
//   every valid depth pixel is a scene point p = world_from_camera *
//   Unproject(u, v, z). On a grid of cell_m x cell_m columns over the floor
//   (x, z):
//     floor     a point with |y| <= floor_tolerance_m lies in the column
//     occupied  a point with occupied_low_m < y < occupied_high_m lies in it
//               (walls, furniture; the 5 cm .. 1.8 m band)
//   hidden    a column without floor points whose centre at probe_height_m
//             the camera sees (the scene's depth at its pixel is not nearer):
//             its floor is hidden by something lower than that (a table, a
//             bed), not by a wall, so it is floor
//   A column is walkable when it is within floor_reach_m of a floor or
//   hidden-floor column (the floor hidden behind a chair leg is still floor)
//   and no occupied column is within clearance_m of it. Floor hidden behind
//   a wall, or outside what the camera saw, is unknown and never walkable: a
//   person is never put behind a wall.
//
// A placement (x, z, yaw) moves the motion so that the centre of its pelvis
// trajectory (the mean over persons and frames of the pelvis's x and z) goes
// to (x, 0, z), turned by yaw about the vertical axis: the persons keep their
// layout, heights are untouched (the motion's floor is y = 0 already).
// It is accepted when, for every person and frame:
//   in view     every joint is at least min_depth_m in front of the camera
//               and projects at least image_margin_px inside the image
//   walkable    every joint's (x, z) falls in a walkable column
// Automatic placement draws (x, z) uniformly over the walkable columns and
// yaw uniformly, seeded, until one is accepted or `attempts` are spent.
// Plain C++.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/scene/depth_map.h"

namespace intersynth {

struct RoomMapOptions {
  /// Column size, metres.
  double cell_m = 0.1;
  /// Height band of obstacles, metres above the floor.
  double occupied_low_m = 0.05;
  double occupied_high_m = 1.8;
  /// A floor point is within this of y = 0, metres.
  double floor_tolerance_m = 0.05;
  /// Walkable: within this of a floor column, metres.
  double floor_reach_m = 0.3;
  /// Hidden floor counts as floor where the camera sees the space this high
  /// above it, metres (0: never).
  double probe_height_m = 1.2;
  /// Walkable: no obstacle column within this, metres (about a body's
  /// half-width around a joint).
  double clearance_m = 0.15;
  /// Every `stride`-th pixel in each direction becomes a scene point.
  int stride = 2;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The walkable floor of a lifted room (see the file comment).
class RoomMap {
 public:
  /// Builds the map from the scene's metric depth (camera-frame z per pixel;
  /// invalid pixels are skipped) of an image `camera` describes. Throws
  /// Error when the depth's size is not the camera's, or when no pixel sees
  /// the floor ("a scene without a floor").
  RoomMap(const PinholeCamera& camera,
          const RigidTransformd& world_from_camera,
          const DepthMap& depth,
          const RoomMapOptions& options = {});

  const PinholeCamera& camera() const { return camera_; }
  const RigidTransformd& world_from_camera() const { return world_from_camera_; }
  const RoomMapOptions& options() const { return options_; }

  /// Whether the column holding (x, z) is walkable / holds floor points /
  /// holds obstacle points (false outside the grid).
  bool Walkable(double x, double z) const;
  bool Floor(double x, double z) const;
  bool Occupied(double x, double z) const;
  /// Whether the column's floor is hidden under something low (see the file
  /// comment).
  bool HiddenFloor(double x, double z) const;

  /// Centres of the walkable columns.
  std::vector<Eigen::Vector2d> WalkableCells() const;
  /// Walkable area, square metres.
  double WalkableArea() const;

 private:
  // Column index of (x, z), or -1 outside the grid.
  int64_t Cell(double x, double z) const;

  PinholeCamera camera_;
  RigidTransformd world_from_camera_;
  RoomMapOptions options_;
  // Grid origin (x, z of the corner of column 0) and size.
  double x0_ = 0.0;
  double z0_ = 0.0;
  int nx_ = 0;
  int nz_ = 0;
  std::vector<uint8_t> floor_;
  std::vector<uint8_t> occupied_;
  std::vector<uint8_t> hidden_floor_;
  std::vector<uint8_t> walkable_;
};

/// Where a motion goes: the centre of its pelvis trajectory at (x, 0, z),
/// turned by yaw_deg about +Y (counter-clockwise seen from above).
struct Placement {
  double x = 0.0;
  double z = 0.0;
  double yaw_deg = 0.0;
};

/// Why a world point is not in view of a camera (camera_from_world): less
/// than min_depth_m in front of it ("is 0.12 m in front of the camera (at
/// least 0.3 m)") or less than margin_px inside its image ("leaves the image
/// (pixel 655.2, 210.0 of 640x480)"); "" when it is in view.
std::string OutOfView(const Eigen::Vector3d& world,
                      const PinholeCamera& camera,
                      const RigidTransformd& camera_from_world,
                      double margin_px,
                      double min_depth_m);

/// "x,z,yaw" (metres, metres, degrees) as `--place` takes it; throws
/// OptionError naming `field` for anything else.
Placement ParsePlacement(const std::string& text, const std::string& field = "place");

struct PlacementOptions {
  /// A given placement (checked, never moved); none: drawn from `seed`.
  std::optional<Placement> place;
  uint64_t seed = 0;
  /// Automatic placement: candidates to try.
  int attempts = 2000;
  /// Joints at least this far inside the image, pixels, and in front of the
  /// camera, metres.
  double image_margin_px = 4.0;
  double min_depth_m = 0.3;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Why candidates were turned down (automatic placement), or why the given
/// one was.
struct PlacementRejections {
  int outside_image = 0;
  int not_walkable = 0;
  /// The first reason, in words ("person 1's left_wrist leaves the image at
  /// frame 37 (pixel 655.2, 210.0)").
  std::string first;
};

struct PlacementResult {
  Placement placement;
  /// The motion in the room's world frame.
  MotionClip placed;
  /// Candidates tried (1 for a given placement) and what was turned down.
  int attempts = 0;
  PlacementRejections rejected;
};

/// The pelvis-trajectory centre (x, z) of a motion (see the file comment).
Eigen::Vector2d PelvisCentre(const MotionClip& motion);

/// `motion` moved by `placement` (see the file comment).
MotionClip ApplyPlacement(const MotionClip& motion, const Placement& placement);

/// Places `motion` in `room` (see the file comment). Throws Error for a
/// motion with no frames or a non-finite joint (naming person, frame and
/// joint), for a given placement that is not accepted (saying why), and
/// when no candidate is accepted (with the counts of each reason).
PlacementResult PlaceMotion(const MotionClip& motion,
                            const RoomMap& room,
                            const PlacementOptions& options = {});

}  // namespace intersynth
