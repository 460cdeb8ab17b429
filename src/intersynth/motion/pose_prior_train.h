#pragma once
// `intersynth prior train`: SMPLify's pose prior (a Gaussian mixture over
// body-joint rotations; body/gaussian_mixture.h) fitted to a motion dataset's
// smpl22 joints.
//
// Samples: every `stride`-th frame of every person of the split's clips,
// joints turned into SMPL-convention local rotations relative to a T-pose rest
// skeleton (body/smpl_pose.h: the rest of motion/smpl22_motion.h's
// synthetic skeleton, arms out, as SMPL's rest is), as axis-angle, for the
// 16 joints kPosePriorJoints: smpl22's 1..21 without the leaves (feet, head,
// wrists), whose rotations positions cannot tell; the root's orientation is
// not part of a pose prior. 48 dimensions, joint-major (x, y, z per joint).
// No twist is in the data (joints only), so the prior says nothing about
// twists: a fit should keep them small by other means.
//
// The file is body/pose_prior.h's (LoadPosePrior reads it).

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "intersynth/body/gaussian_mixture.h"
#include "intersynth/body/pose_prior.h"

namespace intersynth {

/// Options of TrainPosePrior.
struct PosePriorTrainOptions {
  /// The dataset folder (motion/dataset.h) and the prior file to write.
  std::filesystem::path dataset;
  std::filesystem::path out;
  /// The split whose clips are used.
  std::string split = "train";
  /// Every n-th frame (neighbouring frames add little).
  int stride = 4;
  /// At most this many samples (a seeded random subset beyond it).
  int64_t max_samples = 50000;
  /// 8 Gaussians as SMPLify; reg_covar 0.01 rad^2 floors every direction's
  /// spread at 0.1 rad: joint data carry no twist, and with 1e-4 the prior
  /// pinned twists to 0.01 rad (a 0.3 rad turn of one joint of a held-out
  /// pose raised its energy from -89 to +426).
  GaussianMixtureOptions mixture = {8, 200, 1e-5, 1e-2, 0};
  /// Progress bar on a terminal.
  bool progress = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What TrainPosePrior did.
struct PosePriorTrainReport {
  int64_t clips = 0;
  int64_t samples = 0;
  GaussianMixtureReport fit;
  std::string summary;
};

/// Collects the samples, fits the mixture and writes `out`. Throws
/// OptionError for bad options, Error for a missing dataset, a split with no
/// clip, or fewer samples than components.
PosePriorTrainReport TrainPosePrior(const PosePriorTrainOptions& options);

}  // namespace intersynth
