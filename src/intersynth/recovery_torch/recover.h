#pragma once
// `intersynth recover`: each tracked person's 3D body motion from 2D
// keypoints, written as a motion file. Torch-free header of the Torch target
// recovery_torch (as diffusion/generate.h is of diffusion).
//
//   keypoint JSON ─► tracks (recovery/keypoint_tracks.h) ─► fit jobs
//   camera: scene folder | intrinsics JSON | each image's field of view
//   starts: a pose regressor's predictions on crops of the frames (the
//           hybrid path) | a motion file's joints | none
//   ─► FitBodyToTrack per job (body_fitting_torch.h) [─► SmoothBodyFit]
//   ─► motion .npz: smpl22 joints in world, `valid` where seen, the body
//      parameters and world_from_camera; overlays of the fits (optional)
//
// Methods: temporal (one fit per track over its frames), per-frame (each
// frame of a track on its own), per-image (each person in each image on its
// own, with the image's own camera: for independent photos such as COCO).
//
// The output's arrays besides the motion file's own (motion/motion_file.h):
//   body_betas [P, B], body_pose [P, T, J, 3] (axis-angle, the model's
//   convention, root in the camera frame), body_transl [P, T, 3] (camera
//   frame), body_joint_offsets [P, J, 3] (the temporal fit's changes to the
//   rest joints), world_from_camera float64 [4, 4], track_ids int64 [P].
// Persons are the tracks in track-id order; frames outside a track's span
// repeat its first or last fitted frame with valid = 0.

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "intersynth/recovery_torch/body_fit.h"
#include "intersynth/util/options.h"

namespace intersynth {

/// How people are fitted (see the file comment).
enum class RecoverMethod { kTemporal, kPerFrame, kPerImage };
inline constexpr EnumName<RecoverMethod> kRecoverMethodNames[] = {
    {RecoverMethod::kTemporal, "temporal"},
    {RecoverMethod::kPerFrame, "per-frame"},
    {RecoverMethod::kPerImage, "per-image"}};
inline std::string_view ToString(RecoverMethod method) {
  return EnumToString(method, kRecoverMethodNames);
}
/// "temporal", "per-frame" or "per-image"; throws OptionError naming `field`.
inline RecoverMethod ParseRecoverMethod(std::string_view text, std::string_view field = "method") {
  return EnumFromString(text, kRecoverMethodNames, field);
}

/// Options of RecoverMotion.
struct RecoverOptions {
  /// Keypoint JSON: COCO ground truth, COCO results or PoseTrack18.
  std::filesystem::path keypoints;
  /// The camera, one of: intrinsics JSON (or a scene.json), or a scene
  /// folder of lift-scene (camera, floor and world frame). Neither: only
  /// kPerImage, each image's camera from kDefaultHorizontalFovDeg.
  std::filesystem::path intrinsics;
  std::filesystem::path scene;
  /// The frames: a folder (image names as in the keypoint file) or a video
  /// (frames in the keypoint file's order). For previews and the regressor.
  std::filesystem::path frames;
  /// Folder for one overlay PNG per frame (frame_NNNNNN.png); empty: none.
  std::filesystem::path preview;
  /// TorchScript pose regressor (torchscript_pose_regressor.h): each frame's
  /// fit starts from its prediction on a crop around the person. Needs frames.
  std::filesystem::path regressor;
  /// Motion file whose joints the fits start from (persons in track-id
  /// order), with Gaussian noise of start_noise_mm on every joint (seeded).
  std::filesystem::path start_from;
  double start_noise_mm = 0.0;
  uint64_t start_seed = 0;
  /// Body model (.npz, body/body_model.h) and pose prior (body/pose_prior.h).
  std::filesystem::path body = "assets/body/open_body.npz";
  std::filesystem::path prior = "assets/priors/pose_gmm32.npz";
  /// The motion file to write (.npz), and whether it may replace one.
  std::filesystem::path out;
  bool overwrite = false;
  RecoverMethod method = RecoverMethod::kTemporal;
  /// Smooth each fit afterwards (not per-image): Whittaker-Henderson with
  /// smooth_lambda (frames^4; body_fit_smoothing_torch.h).
  bool smooth = false;
  double smooth_lambda = 50.0;
  /// Frame rate recorded in the motion file.
  float fps = 20.0f;
  /// The fit's options. Its method, floor and progress are set from
  /// `method` and `scene` (a scene's floor is y = 0 of its world).
  BodyFitOptions fit;

  /// Throws OptionError naming the first bad field (values only; the files
  /// are checked when RecoverMotion opens them).
  void Check() const;
};

/// Where the fits started.
enum class RecoverStarts { kNone, kRegressor, kStartFrom };

/// What RecoverMotion did.
struct RecoverReport {
  int persons = 0;
  int frames = 0;
  float fps = 0.0f;
  RecoverMethod method = RecoverMethod::kTemporal;
  /// Whether the fits were smoothed (never per-image).
  bool smoothed = false;
  /// Fits run: one per track, or per person and image.
  int fits = 0;
  RecoverStarts starts = RecoverStarts::kNone;
  /// Frames that started from a prediction or from start_from.
  int started_frames = 0;
  /// Mean over fits of their mean reprojection error (pixels).
  double mean_reprojection_px = 0.0;
  /// Overlay images written.
  int preview_images = 0;
  double seconds = 0.0;
};

/// Runs the pipeline (see the file comment), writes options.out atomically
/// (and the previews), and reports progress on stderr. Throws OptionError
/// for bad options and for files that do not fit them (a missing frames
/// folder, an existing output without overwrite, a start_from motion of
/// other persons or frames), and Error for unreadable or malformed files.
RecoverReport RecoverMotion(const RecoverOptions& options);

}  // namespace intersynth
