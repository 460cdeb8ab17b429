#pragma once
// The scene folder's format as other stages read it: the camera and world of
// a lifted room (scene.json, written by lift_scene.h's WriteSceneFolder or by
// `keypoints simulate`), and intrinsics JSON files. Reading needs nothing of
// the lifting itself.

#include <filesystem>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/plane.h"
#include "intersynth/geometry/rigid_transform.h"

namespace intersynth {

/// Horizontal field of view assumed when no intrinsics are given, degrees.
inline constexpr double kDefaultHorizontalFovDeg = 60.0;

/// Reads intrinsics from JSON for an image of width x height:
///   {"fx": 518.86, "fy": 519.47, "cx": 284.58, "cy": 208.74}
/// with optional "width"/"height" (must equal the image's) and optional
/// "pixel_convention": "opencv" (0-based, default) or "one_based" (MATLAB:
/// cx and cy are reduced by 1); or {"horizontal_fov_deg": 60}; or a
/// scene.json, whose "intrinsics" object is read. Throws Error naming the file
/// and the key that is missing, of the wrong type or out of range.
PinholeCamera ReadIntrinsicsJson(const std::filesystem::path& path, int width, int height);

/// What a scene folder's scene.json says (enough to draw and to place people).
struct SceneDescription {
  PinholeCamera camera;
  RigidTransformd world_from_camera;
  Plane floor_in_camera;
  double camera_height = 0.0;
  std::filesystem::path image;
  /// depth.npy (metric depth on the image grid), or empty.
  std::filesystem::path depth;
  std::filesystem::path floor_inliers;
};

/// Reads SCENE_DIR/scene.json. Throws Error naming the file and key.
SceneDescription ReadSceneDescription(const std::filesystem::path& scene_dir);

}  // namespace intersynth
