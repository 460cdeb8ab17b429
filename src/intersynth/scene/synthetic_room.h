#pragma once
// A synthetic room with known geometry, ray-cast through a pinhole camera:
// the ground truth for tests and benchmarks of lift-scene (floor, camera
// height and tilt, depth fusion), and a way to try the command without data.
//
// World: Y up, floor y = 0 (DESIGN.md). The room is the box
// [-half_width, half_width] x [0, ceiling] x [-depth, back], the camera
// stands at (0, camera_height, 0) looking towards -Z, pitched down by
// pitch_down_deg and rolled by roll_deg (positive: the image's right edge
// points up). Inside: a bed (a box on the floor, 2.0 x 0.55 x 0.9 m) and a
// chair (seat and backrest boxes). Every pixel's ray hits the nearest surface;
// its depth is the camera-frame z. Surfaces are coloured (floor tiles with
// grout lines, walls, bed, chair) so previews read like a room.

#include <cstdint>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/scene/depth_map.h"

namespace intersynth {

/// Options of RenderSyntheticRoom.
struct SyntheticRoomOptions {
  /// Image size, pixels.
  int width = 640;
  int height = 480;
  /// Horizontal field of view, degrees, in (0, 180).
  double horizontal_fov_deg = 70.0;
  /// The camera (see the file comment): metres above the floor (below the
  /// ceiling), degrees.
  double camera_height = 1.8;
  double pitch_down_deg = 25.0;
  double roll_deg = 0.0;
  /// Room extent, metres (see the file comment).
  double half_width = 2.5;
  double depth = 6.0;
  double back = 0.5;
  double ceiling = 2.8;
  /// Whether the bed and the chair are in the room.
  bool furniture = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The rendered room and its truth.
struct SyntheticRoom {
  PinholeCamera camera;
  /// The true pose: floor on y = 0.
  RigidTransformd world_from_camera;
  RgbImage image;
  /// Camera-frame z of the nearest surface, metres (every pixel valid).
  DepthMap depth;
  /// 1 where the pixel sees the floor, else 0.
  DepthMap floor;
};

/// Renders the room (see the file comment). Throws OptionError for a camera
/// outside the room, a non-positive size or another bad option.
SyntheticRoom RenderSyntheticRoom(const SyntheticRoomOptions& options = {});

}  // namespace intersynth
