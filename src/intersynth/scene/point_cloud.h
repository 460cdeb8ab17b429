#pragma once
// Back-projection of a depth map into a coloured point cloud.
//
// Pixel (u, v) = (col, row) with depth z (camera-frame z, metres) becomes
//   x_in_camera = ((u - cx) z / fx, (v - cy) z / fy, z)
// (PinholeCamera::Unproject; OpenCV camera frame: x right, y down, z forward).
// Invalid depths (IsValidDepth false) give no point.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/scene/depth_map.h"

namespace intersynth {

/// Points with their colours and the pixels they came from. The frame of
/// `points` is the caller's to name (camera after BackProject, world after
/// Transform).
struct PointCloud {
  std::vector<Eigen::Vector3d> points;
  /// R, G, B per point (grey 128 when no image was given).
  std::vector<std::array<uint8_t, 3>> colors;
  /// row * width + col of the source pixel, per point.
  std::vector<int64_t> pixels;

  int64_t size() const { return static_cast<int64_t>(points.size()); }
  /// Applies b_from_a to every point (in place).
  void Transform(const RigidTransformd& b_from_a);
};

/// The point cloud of `depth` seen by `camera` (sizes must match, checked),
/// coloured from `image` when given (same size, checked), every
/// `stride`-th pixel in each direction.
PointCloud BackProject(const DepthMap& depth,
                       const PinholeCamera& camera,
                       const RgbImage* image = nullptr,
                       int stride = 1);

}  // namespace intersynth
