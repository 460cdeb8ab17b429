#pragma once
// The look of a body fit over its image (issue 14, `intersynth recover
// --preview`): each fitted person's mesh drawn into the camera that saw
// them, over the frame, with the keypoints it was fitted to.
//
// What is drawn, in this order:
//   * the frame (BGR), or a mid-grey canvas of the camera's size when there
//     is none;
//   * the meshes: every triangle of every person whose three vertices are at
//     least 5 cm in front of the camera, projected with the pinhole camera
//     (u = fx x / z + cx, v = fy y / z + cy), filled back to front by mean
//     depth (painter's algorithm), in the person's palette colour
//     (StickPreviewPersonColour) shaded by |cos| of the angle between the
//     triangle's normal and the ray to it (0.35 + 0.65 |cos|); blended over
//     the frame with `mesh_opacity`;
//   * per person, the COCO-17 skeleton of the fitted points (thin lines in
//     the person's colour) and, for each keypoint with confidence > 0, the
//     observed point (green dot), the fitted point (red dot) and a yellow
//     line between them (the residual);
//   * a line at the top: `caption`.

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "intersynth/geometry/pinhole_camera.h"

namespace intersynth {

struct FitOverlayPerson {
  /// [V, 3] mesh vertices in the camera frame (OpenCV axes, metres).
  std::vector<float> vertices;
  /// [17][x, y] observed keypoints (pixels) and their confidences.
  std::array<std::array<float, 2>, 17> observed{};
  std::array<float, 17> confidence{};
  /// [17][x, y] the fitted model's projected COCO-17 points.
  std::array<std::array<float, 2>, 17> fitted{};
  /// Palette index (StickPreviewPersonColour).
  int colour = 0;
};

/// Options of DrawFitOverlay.
struct FitOverlayOptions {
  /// Opacity of the meshes over the frame, in [0, 1].
  double mesh_opacity = 0.6;
  /// A line printed at the top; empty = none.
  std::string caption;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The overlay described in the file comment. `frame` is BGR 8-bit of the
/// camera's size, or empty. `faces` [T, 3] are vertex indices of every
/// person's mesh. Throws OptionError for bad options, Error for a frame of
/// another size, a vertex array that is not a multiple of 3 or a face index
/// outside a person's vertices.
cv::Mat DrawFitOverlay(const cv::Mat& frame,
                       const PinholeCamera& camera,
                       const std::vector<int32_t>& faces,
                       const std::vector<FitOverlayPerson>& people,
                       const FitOverlayOptions& options = {});

}  // namespace intersynth
