#pragma once
// lift-scene: a metric 3D room from one key frame of a fixed monocular camera,
// with its floor on the world plane y = 0 (source method, section 5.1).
//
//   key frame RGB ─┐
//   depth ─────────┼─► metric depth on the image grid ─► back-projection ─►
//   (fusion of m, d│   (fusion.h: 1/m ~= alpha d + beta)  camera-frame cloud
//    or metric)    │                                          │
//   floor mask ────┴──────────────────────────────────► FindFloor (floor.h)
//                                                             │
//                               world_from_camera ◄───────────┘
//                               points.ply, scene.json, depth.npy, ...
//
// Depth sources, one of:
//   * `depth`: a metric depth map (a sensor, or a metric network's output at
//     any size: resampled to the image grid by nearest neighbour);
//   * `metric` alone: the same, K = 1;
//   * `metric` + `disparity`: K pairs of key frames of one camera; alpha and
//     beta are fitted over all K, and the first pair's disparity, fused to
//     metric depth, is the key frame's depth (resampled to the image grid by
//     nearest neighbour when its size differs).
// Depth networks run before this (scene_torch/torchscript_depth_model.h, in the
// Torch target) and hand their maps in here.
//
// The scene folder (WriteSceneFolder; scene_folder.h reads it), written atomically:
//   scene.json          intrinsics, world_from_camera (4x4 row-major), the
//                       floor plane in the camera frame, alpha and beta, the
//                       fit statistics, camera_height_m (see the keys there)
//   points.ply          the coloured point cloud in the WORLD frame (binary)
//   depth.npy           the fused metric depth on the image grid, float32
//                       [H, W], metres, 0 where invalid
//   image.png           the key frame (for previews)
//   floor_inliers.png   255 where a pixel's point is within the inlier
//                       threshold of the floor, else 0

#include <Eigen/Core>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/scene/depth_fusion.h"
#include "intersynth/scene/depth_map.h"
#include "intersynth/scene/floor.h"
#include "intersynth/scene/point_cloud.h"
#include "intersynth/scene/scene_folder.h"

namespace intersynth {

/// The inputs of LiftScene, in memory. Names (file paths) are for messages.
struct LiftSceneInputs {
  RgbImage image;
  std::string image_name = "image";
  /// Intrinsics; when absent, from horizontal_fov_deg.
  std::optional<PinholeCamera> camera;
  std::string camera_source = "intrinsics";
  double horizontal_fov_deg = kDefaultHorizontalFovDeg;
  /// A metric depth map of the key frame (exclusive with metric/disparity).
  std::optional<DepthMap> depth;
  std::string depth_name = "depth";
  /// K metric maps; K disparity maps or none (see the file comment).
  std::vector<DepthMap> metric;
  std::vector<std::string> metric_names;
  std::vector<DepthMap> disparity;
  std::vector<std::string> disparity_names;
  /// Floor mask of the image's size (non-zero = floor), or none.
  std::optional<DepthMap> mask;
  std::string mask_name = "mask";
};

/// Options of LiftScene.
struct LiftSceneOptions {
  /// The fit of the disparity to the metric depth, and the floor search.
  DisparityFitOptions fusion;
  FloorSearchOptions floor;
  /// Back-project every n-th pixel in each direction (1: all).
  int point_stride = 1;
  /// Called as each stage starts ("fitting the disparity to the metric
  /// depth", ...), for progress output; may be empty.
  std::function<void(const std::string& stage)> on_stage;

  /// Throws OptionError naming the first bad field ("floor.max_tilt_deg").
  void Check() const;
};

/// The lifted scene (success false, with the reason, when no floor was found).
struct LiftSceneResult {
  bool success = false;
  std::string message;
  PinholeCamera camera;
  std::string camera_source;
  /// Metric depth on the image grid (0 = invalid) and where it came from.
  DepthMap depth;
  std::string depth_source;
  int64_t valid_depth_pixels = 0;
  /// Pixels whose fused depth was invalid (alpha d + beta <= 0) before any resampling.
  int64_t invalid_fused_pixels = 0;
  /// The disparity fit, when fusion ran.
  std::optional<DisparityFitReport> fusion;
  FloorReport floor;
  CameraOnFloor placement;
  /// The point cloud in the world frame.
  PointCloud cloud_in_world;
  /// Floor inliers after alignment: the share within 3 cm of y = 0, and the
  /// centre of the floor inliers (the world origin lies below it).
  double floor_within_3cm = 0.0;
  /// A paragraph for the terminal.
  std::string summary;
};

/// Lifts the scene. Throws OptionError for bad options and for depth sources
/// that do not go together (both or neither; naming the inputs' fields
/// {depth}, {metric}, {disparity}), Error for bad inputs (sizes that
/// disagree, no valid depth, an empty mask, ...), naming the input; returns
/// success = false when the depth fit or the floor search fails, with the
/// reason in `message` (which may name those fields in braces too).
LiftSceneResult LiftScene(const LiftSceneInputs& inputs, const LiftSceneOptions& options = {});

/// Writes the scene folder (see the file comment) atomically; `inputs` gives
/// the key frame and the names recorded in scene.json. Throws Error when
/// `out` exists and `overwrite` is false, or on write failure (nothing is
/// then left behind).
void WriteSceneFolder(const std::filesystem::path& out,
                      const LiftSceneInputs& inputs,
                      const LiftSceneResult& result,
                      bool overwrite);

/// The file inputs of `intersynth lift-scene` (the CLI adds depth-network
/// outputs to the result of LoadLiftSceneInputs).
struct LiftSceneFiles {
  std::filesystem::path image;
  std::optional<std::filesystem::path> intrinsics;
  double horizontal_fov_deg = kDefaultHorizontalFovDeg;
  std::optional<std::filesystem::path> depth;
  std::vector<std::filesystem::path> metric;
  std::vector<std::filesystem::path> disparity;
  std::optional<std::filesystem::path> mask;
  DepthReadOptions depth_read;
};

/// Reads every file of `files`. Throws OptionError for bad depth_read
/// options, Error naming the file that is missing or unreadable.
LiftSceneInputs LoadLiftSceneInputs(const LiftSceneFiles& files);

}  // namespace intersynth
