#pragma once
// `intersynth render`: people of a motion file placed, skinned and rendered
// into a lifted room's camera and into virtual monitoring cameras, as
// labelled camera data (issue 31). Torch-free header; the body fit runs in
// LibTorch (recovery_torch/body_fit_joints.h).
//
// Pipeline:
//   1. the scene folder (lift-scene's, or any with scene.json, a key frame
//      and metric depth): its camera, key frame and depth, and its room map
//      (render/placement.h)
//   2. placement of the motion on the walkable floor, given or seeded
//   3. a body per person fitted to the placed joints (shape drawn per
//      person from the seed), posed at every frame
//   4. cameras: the scene's own (the key frame and its depth behind the
//      people) and `views` monitoring cameras (render/virtual_camera.h; the
//      room's points as splats behind the people)
//   5. per camera and frame, offscreen OpenGL (render_gl/): RGB, instance
//      mask and depth; COCO-17 keypoints labelled 2/1/0 from the depth
//      (render/camera_keypoints.h)
// The output folder, written beside its target and renamed into place:
//   motion.npz          the placed motion (world frame of the scene)
//   render.json         settings, placement, body fits, cameras, counts
//   <camera>/video.mp4  the rendered frames
//   <camera>/keypoints.json  COCO keypoint JSON as `recover` reads it (one
//                       image per frame, track_id = person)
//   <camera>/frames/    with frames_png: frame_NNNNNN.png (RGB),
//                       mask_NNNNNN.png (16-bit instance ids),
//                       depth_NNNNNN.png (16-bit millimetres)
//   view_K/scene.json   each virtual camera as a scene folder, so `recover
//                       --scene` reads it like a real one
// Cameras are named "scene" and "view_1" .. "view_N".

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/recovery_torch/body_fit_joints.h"
#include "intersynth/render/camera_keypoints.h"
#include "intersynth/render/placement.h"
#include "intersynth/render/virtual_camera.h"

namespace intersynth {

struct RenderMotionOptions {
  std::filesystem::path motion;
  std::filesystem::path scene_dir;
  std::filesystem::path out_dir;
  bool overwrite = false;
  /// The body model (.npz) and pose prior (as `recover`'s defaults).
  std::filesystem::path body = "assets/body/open_body.npz";
  std::filesystem::path prior = "assets/priors/pose_gmm32.npz";
  /// Placement: given, or drawn from `seed` (which also draws body shapes,
  /// colours, light and virtual cameras).
  std::optional<Placement> place;
  uint64_t seed = 0;
  /// Virtual monitoring cameras besides the scene's own.
  int views = 0;
  /// Write PNGs of every frame (RGB, instance mask, depth) too.
  bool frames_png = false;
  JointFitOptions fit;
  MonitoringCameraOptions cameras;
  KeypointLabelOptions labels;
  int threads = 0;
  bool progress = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What one camera made.
struct RenderedCamera {
  std::string name;
  int frames = 0;
  /// Keypoints over frames and persons: seen (v = 2), hidden (1), outside (0).
  int64_t seen = 0;
  int64_t hidden = 0;
  int64_t outside = 0;
};

struct RenderMotionReport {
  Placement placement;
  int placement_attempts = 0;
  /// Per person: mean and max distance between the fitted body's joints and
  /// the motion's (mm).
  std::vector<double> fit_mean_mm;
  std::vector<double> fit_max_mm;
  double fit_seconds = 0.0;
  double render_seconds = 0.0;
  std::vector<RenderedCamera> cameras;
  std::string summary;
};

/// Runs the pipeline above. Throws Error for an unreadable motion or scene,
/// a scene without depth or floor, a placement that does not fit, a views
/// request no camera satisfies, a missing GL (saying what to install) or an
/// existing output folder without overwrite; nothing is left under out_dir
/// then.
RenderMotionReport RenderMotion(const RenderMotionOptions& options);

}  // namespace intersynth
