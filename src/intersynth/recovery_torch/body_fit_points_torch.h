#pragma once
// Tensor helpers that body fitting (body_fitting_torch.h) and its smoothing
// step (body_fit_smoothing_torch.h) share: 6D rotations, a model's COCO-17
// points and their pinhole projection. Torch target only.

#include <torch/torch.h>

#include <Eigen/Core>
#include <array>

#include "intersynth/recovery/keypoints.h"

namespace intersynth {

/// Rotation matrices [..., 3, 3] from 6D rotations [..., 6] (Zhou et al.
/// 2019: the first two columns, Gram-Schmidt orthonormalised).
torch::Tensor Rot6dToMatrixTorch(const torch::Tensor& d);

/// A float tensor [3, 3] of `m`.
torch::Tensor Matrix3dToTensor(const Eigen::Matrix3d& m);

/// COCO-17 points [N, 17, 3] from smpl22 joints [N, 22, 3] and the face
/// vertices [N, 5, 3] (nose, eyes, ears), or the head joint in their place
/// when `face` is undefined (a model without face points; those points are
/// then never used).
torch::Tensor CocoPointsFromSmpl22(const torch::Tensor& joints22, const torch::Tensor& face);

/// Pinhole projection [..., 2] of camera-frame points [..., 3] (OpenCV axes;
/// depth clamped at 5 cm so that points behind the camera stay finite).
torch::Tensor ProjectPointsTorch(
    const torch::Tensor& points, double fx, double fy, double cx, double cy);

}  // namespace intersynth
