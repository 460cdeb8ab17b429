#pragma once
// A picture of a lifted scene (`intersynth preview --scene DIR`): the key
// frame with what lift-scene found drawn over it, so that a person sees at a
// glance whether the floor was found.
//
// Drawn over SCENE_DIR/image.png:
//   * the floor inliers (floor_inliers.png) tinted green;
//   * the world floor grid y = 0 (grid_step apart, out to grid_extent from
//     the world origin), each line cut to the part in front of the camera and
//     not hidden behind the measured surface (depth.npy), and projected
//     through the scene's intrinsics:
//       x_in_camera = camera_from_world * x_in_world,  (u, v) = Project(x_in_camera);
//   * the world axes at the origin, 1 m long (x red, y green, z blue);
//   * a caption with the camera height, pitch and roll.
// Where the floor was found right, the grid lies flat on the floor and its
// lines run along the tiles and into the walls' feet; a wrong floor shows as a
// grid that floats, tilts or cuts through furniture.

#include <filesystem>
#include <string>

namespace intersynth {

/// Options of RenderScenePreview.
struct ScenePreviewOptions {
  /// The folder lift-scene wrote.
  std::filesystem::path scene_dir;
  /// The PNG (or JPEG) to write.
  std::filesystem::path output;
  /// Grid spacing and half extent, metres.
  double grid_step = 0.5;
  double grid_extent = 5.0;
  /// Tint the floor inliers.
  bool show_inliers = true;
  /// Hide the grid where the scene's depth (depth.npy) is nearer than it.
  bool occlude = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What was drawn.
struct ScenePreviewReport {
  std::string summary;
};

/// Draws the preview (see the file comment) and writes it atomically.
/// Throws OptionError for bad options, Error naming the scene folder's file
/// that is missing or wrong.
ScenePreviewReport RenderScenePreview(const ScenePreviewOptions& options);

}  // namespace intersynth
