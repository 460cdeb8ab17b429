#pragma once
// Person crops and the weak-perspective camera of HMR-style regressors
// (HMR, Kanazawa et al. 2018; HMR 2.0 / 4D-Humans, Goel et al. 2023), and
// its conversion to a full-perspective translation in a real camera.
//
// A regressor sees a square crop of side b pixels centred at (c_x, c_y) and
// predicts a weak-perspective camera (s, tx, ty): a body point (X, Y, Z) in
// the camera-aligned body frame lands at normalised crop coordinates
//   x_n = s (X + tx),  y_n = s (Y + ty)       ([-1, 1] across the crop),
// i.e. at pixel  u = c_x + x_n b / 2,  v = c_y + y_n b / 2.
// A pinhole camera (fx, fy, cx, cy; geometry/pinhole_camera.h) sees the body
// translated by t at  u = fx (X + t_x) / (Z + t_z) + cx. Matching the two at
// the body's centre (X = Y = Z = 0) to first order in X / t_z:
//   t_z = 2 fx / (s b)
//   t_x = 2 (c_x - cx) / (s b) + tx
//   t_y = (2 (c_y - cy) / (s b) + ty) fx / fy
// (with fx = fy and the principal point at the image centre this is
// 4D-Humans' cam_crop_to_full with focal length fx). The match is exact at
// the centre; elsewhere it errs by the body's depth extent over t_z, the
// weak-perspective assumption itself.

#include <Eigen/Core>
#include <array>
#include <optional>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/recovery/keypoints.h"

namespace intersynth {

/// A square crop: centre in pixels (OpenCV 0-based) and side length.
struct PersonCrop {
  double center_x = 0.0;
  double center_y = 0.0;
  double size = 0.0;
};

/// The crop around a person's seen keypoints: their bounding box made square
/// (the longer side) and enlarged by `scale` (ViTDet / 4D-Humans enlarge
/// detection boxes by 1.2; keypoint boxes are tighter, hence 1.3 here).
/// std::nullopt when fewer than 2 keypoints are seen or they coincide.
std::optional<PersonCrop> CropAroundKeypoints(const PersonKeypoints& person, double scale = 1.3);

/// The camera-frame translation of a body whose weak-perspective camera in
/// `crop` is `weak` = (s, tx, ty) (see the file comment). Throws Error for
/// s <= 0 or a crop of non-positive size.
Eigen::Vector3d TranslationFromWeakPerspective(const std::array<double, 3>& weak,
                                               const PersonCrop& crop,
                                               const PinholeCamera& camera);

}  // namespace intersynth
