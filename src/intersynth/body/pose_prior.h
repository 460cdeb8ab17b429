#pragma once
// The body pose prior as a file: SMPLify's Gaussian mixture over the
// SMPL-convention local axis-angle rotations of 16 smpl22 joints
// (body/gaussian_mixture.h), with the T-pose rest skeleton its rotations are
// relative to. `intersynth prior train` (motion/pose_prior_train.h) writes it;
// body fitting (recovery_torch/body_fitting_torch.h) reads it.
//
// The file: the mixture's .npz (weights, means, covariances) plus `joints`
// (int64 [16], the smpl22 index of each 3-dimension block: kPosePriorJoints),
// `rest_joints` (float64 [22, 3], metres, Y up, facing +Z, arms out) and a
// `description`. 48 dimensions, joint-major (x, y, z per joint).

#include <Eigen/Core>
#include <array>
#include <filesystem>

#include "intersynth/body/gaussian_mixture.h"
#include "intersynth/body/smpl22.h"

namespace intersynth {

/// The smpl22 joints a pose prior covers, in the order of its dimensions:
/// smpl22's 1..21 without the leaves (feet, head, wrists), whose rotations
/// joint positions cannot tell. The root's orientation is not part of a pose
/// prior.
inline constexpr std::array<int, 16> kPosePriorJoints = {1, 2,  3,  4,  5,  6,  7,  8,
                                                         9, 12, 13, 14, 16, 17, 18, 19};

/// The pose prior with its rest skeleton.
struct PosePrior {
  GaussianMixture mixture;
  /// The rest skeleton's smpl22 joints (metres) the rotations are relative to.
  std::array<Eigen::Vector3d, kSmpl22NumJoints> rest_joints;
};

/// Reads a pose prior file. Throws Error naming the file for a missing key,
/// `joints` other than kPosePriorJoints or `rest_joints` not [22, 3].
PosePrior LoadPosePrior(const std::filesystem::path& path);

}  // namespace intersynth
