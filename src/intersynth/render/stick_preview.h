#pragma once
// A quick look at a motion clip: stick figures of every person over a floor
// grid, seen by a fixed 3/4 camera, written as an MP4 video (OpenCV
// VideoWriter, MPEG-4 Part 2 "mp4v") or as one PNG frame.
//
// What is drawn (back to front by depth):
//   * the floor y = 0 as a grid of 1 m squares covering the XZ extent of all
//     joints plus 1 m, and the world axes at the origin (x red, y green,
//     z blue, 0.5 m long);
//   * each person's bones (smpl22 parent -> child) as anti-aliased lines and
//     joints as small filled circles in the person's palette colour
//     (StickPreviewPersonColour). A joint that is not valid (clip.valid == 0:
//     no sensor saw it, its position was filled) is a hollow grey circle and
//     its bones are thin grey lines;
//   * a line at the top: time, frame index and person count with the person
//     colours; the caption (options.caption, else clip.text[0]) word-wrapped
//     at the bottom on a darkened band (up to 3 lines, "..." when cut;
//     characters outside ASCII print as '?').
//
// Camera (fixed for the clip, camera frame as OpenCV: x right, y down, z forward):
//   c  = centre of the bounding box of every finite joint of every person and frame
//   b  = (sin(az) cos(el), sin(el), cos(az) cos(el))   unit vector from c to the camera;
//        az = azimuth from +Z (the direction smpl22 people face at rest) towards
//        +X, el = elevation above the floor
//   C  = c + d b                                        camera centre, distance d
//   f  = -b,  r = normalize(f x Y),  u = f x r           forward, right, down
//   camera_from_world: x_cam = R (x - C),  R = [r^T; u^T; f^T]
//   pinhole: (px, py) = (F x_cam / z_cam + cx, F y_cam / z_cam + cy),
//            F = (H / 2) / tan(fov / 2) (vertical field of view), (cx, cy) = (W / 2, H / 2)
// Distance: with q = R (x - c) a joint's camera coordinates are
// (q_x, q_y, q_z + d), so it lies inside the box [m_l, W - m_r] x [m_t, H - m_b]
// (margins) iff q_x <= (q_z + d) a_r, -q_x <= (q_z + d) a_l, q_y <= (q_z + d) a_b,
// -q_y <= (q_z + d) a_t, with a_r = (W - m_r - cx) / F etc. Hence
//   d = max over joints of max(q_x / a_r, -q_x / a_l, q_y / a_b, -q_y / a_t) - q_z
// (at least 1 m, and every joint at least 0.1 m in front of the camera). The
// bottom margin leaves room for the caption, the top one for the info line.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "intersynth/motion/motion_clip.h"

namespace intersynth {

/// Options of RenderStickPreview.
struct StickPreviewOptions {
  /// The output: an .mp4 video, or with frame >= 0 a .png image.
  std::filesystem::path output;
  /// Image size in pixels (16..8192; even for a video).
  int width = 640;
  int height = 480;
  /// >= 0: render only this frame (0-based) into a PNG; -1: the whole clip as MP4.
  int frame = -1;
  /// The caption to print; empty optional = the clip's first caption (none
  /// when it has none). An empty string prints no caption.
  std::optional<std::string> caption;
  /// Camera azimuth from +Z towards +X and elevation above the floor, degrees.
  double azimuth_deg = 40.0;
  double elevation_deg = 25.0;
  /// Vertical field of view, degrees.
  double vertical_fov_deg = 45.0;
  /// Names the clip in error messages (e.g. the motion file it came from).
  std::string source = "motion";

  /// Throws OptionError naming the first bad field (the output's extension
  /// included: .mp4 for a video, .png or .jpg for a frame).
  void Check() const;
};

/// The fixed pinhole camera of a preview (see the file comment).
struct StickPreviewCamera {
  /// R: rows are the camera's right, down and forward axes in world.
  Eigen::Matrix3d camera_from_world_rotation = Eigen::Matrix3d::Identity();
  /// C, the camera centre in world (metres).
  Eigen::Vector3d centre_in_world = Eigen::Vector3d::Zero();
  /// c, the point the camera looks at.
  Eigen::Vector3d target_in_world = Eigen::Vector3d::Zero();
  /// F (pixels) and the principal point (cx, cy).
  double focal = 1.0;
  double cx = 0.0;
  double cy = 0.0;
  int width = 0;
  int height = 0;

  /// x_cam = R (x_in_world - C).
  Eigen::Vector3d ToCamera(const Eigen::Vector3d& x_in_world) const {
    return camera_from_world_rotation * (x_in_world - centre_in_world);
  }
  /// The pixel (px, py) of a point with z_cam > 0 (see the file comment).
  Eigen::Vector2d Project(const Eigen::Vector3d& x_in_world) const {
    const Eigen::Vector3d x = ToCamera(x_in_world);
    return Eigen::Vector2d(focal * x.x() / x.z() + cx, focal * x.y() / x.z() + cy);
  }
};

/// The camera RenderStickPreview uses for `clip` at options' size and angles
/// (the output is not used, and options are not checked). The clip must have
/// at least one finite joint (else the camera looks at the origin).
StickPreviewCamera MakeStickPreviewCamera(const MotionClip& clip,
                                          const StickPreviewOptions& options);

/// The colour of person p, as (blue, green, red) bytes (OpenCV's order): a
/// fixed palette of 10 colours, repeating for p >= 10.
std::array<uint8_t, 3> StickPreviewPersonColour(int person);

/// What RenderStickPreview wrote.
struct StickPreviewReport {
  std::filesystem::path output;
  int frames_written = 0;
  int width = 0;
  int height = 0;
  double fps = 0.0;
  /// One line for the CLI.
  std::string summary;
};

/// Renders the preview (see the file comment) into options.output: every
/// frame at the clip's fps into an MP4, or frame options.frame into a PNG.
/// The file is written beside the target under a temporary name and renamed
/// on success; no partial file stays behind. Throws OptionError for bad
/// options (a size out of range or odd for a video, an output extension that
/// does not fit); Error naming options.source when the clip has no persons or
/// frames or is inconsistent, or options.frame is past its end, or naming the
/// output when its folder does not exist or OpenCV cannot write it.
StickPreviewReport RenderStickPreview(const MotionClip& clip, const StickPreviewOptions& options);

}  // namespace intersynth
