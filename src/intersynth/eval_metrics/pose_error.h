#pragma once
// 3D pose errors of an estimated motion against the true one (motion
// recovery, issue 14), in millimetres, as the human-mesh-recovery papers
// report them (HMR, Kanazawa et al. 2018; VIBE, Kocabas et al. 2020; 4D-Humans,
// Goel et al. 2023). Both clips are smpl22 joints in metres (motion_clip.h);
// person p of the estimate is compared with person p of the truth, frame by
// frame. g = true joints, e = estimated joints, J = the joints measured
// (options.joints, all 22 by default), r = the root, smpl22 pelvis (joint 0,
// used whether or not it is in J). A joint counts at a frame where it is
// `valid` in both clips.
//
//   W-MPJPE   world frame, no alignment:  mean |e_tj - g_tj|
//   MPJPE     root-aligned:               mean |(e_tj - e_tr) - (g_tj - g_tr)|
//             (frames where the root is valid in both)
//   PA-MPJPE  per frame, the similarity (s, R, t) that best maps the frame's
//             measured estimated joints onto the true ones (Umeyama 1991,
//             below) is applied first:  mean |s R e_tj + t - g_tj|
//             (frames with at least 3 measured joints)
//   accel     VIBE's compute_error_accel, on root-aligned joints as VIBE's
//             evaluation computes it: with a_tj = x_{t-1,j} - 2 x_tj + x_{t+1,j}
//             of x_tj = x_tj - x_tr (a second difference, per frame, not per
//             second: mm/frame^2, whatever the clip's fps),
//                 mean |a_tj(e) - a_tj(g)|   over 1 <= t <= T - 2
//             (j and the root valid in both at t - 1, t and t + 1). At 20 fps
//             1 mm/frame^2 is 0.4 m/s^2.
// Means are pooled over every (frame, joint) that counts, so persons and
// frames weigh by their counted joints (with every joint valid this is the
// papers' mean over frames of the per-frame mean over joints). A metric with
// nothing to count is NaN.
//
// Umeyama (IEEE TPAMI 13(4), 1991, eqs. 34-43), mapping points x_i onto y_i,
// i = 1..n:
//   mu_x, mu_y = means;  sigma_x^2 = mean |x_i - mu_x|^2
//   Sigma = mean (y_i - mu_y)(x_i - mu_x)^T = U D V^T        (SVD)
//   S = diag(1, 1, -1) if det(U) det(V) < 0 else I          (a rotation, not a reflection)
//   R = U S V^T,  s = trace(D S) / sigma_x^2,  t = mu_y - s R mu_x
// When the estimated points coincide (sigma_x^2 = 0) s = 0: every point maps
// onto mu_y.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/options.h"

namespace intersynth {

/// The 12 smpl22 joints that COCO-17 keypoints see (shoulders, elbows,
/// wrists, hips, knees, ankles; recovery/simulate_keypoints.h).
inline constexpr std::array<int, 12> kCoco12Smpl22Joints = {16, 17, 18, 19, 20, 21,
                                                            1,  2,  4,  5,  7,  8};

/// A similarity transform y = scale * rotation * x + translation.
struct Similarity {
  double scale = 1.0;
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();

  Eigen::Vector3d operator*(const Eigen::Vector3d& x) const {
    return scale * (rotation * x) + translation;
  }
};

/// The similarity that best maps `from` onto `to` in the least-squares sense
/// (Umeyama; see the file comment). Same sizes, checked.
Similarity UmeyamaSimilarity(const std::vector<Eigen::Vector3d>& from,
                             const std::vector<Eigen::Vector3d>& to);

/// Options of ComputePoseError.
struct PoseErrorOptions {
  /// smpl22 joints measured (each in 0-21); empty: all 22.
  std::vector<int> joints;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The named sets of joints: all 22, or the 12 COCO sees (kCoco12Smpl22Joints).
enum class PoseErrorJoints { kAll, kCoco12 };
inline constexpr EnumName<PoseErrorJoints> kPoseErrorJointsNames[] = {
    {PoseErrorJoints::kAll, "all"}, {PoseErrorJoints::kCoco12, "coco12"}};
/// "all" or "coco12".
inline std::string_view ToString(PoseErrorJoints set) {
  return EnumToString(set, kPoseErrorJointsNames);
}
/// "all" or "coco12"; throws OptionError naming `field` otherwise.
inline PoseErrorJoints ParsePoseErrorJoints(std::string_view text,
                                            std::string_view field = "joints") {
  return EnumFromString(text, kPoseErrorJointsNames, field);
}

/// The smpl22 joints of a named set, for PoseErrorOptions::joints.
std::vector<int> PoseErrorJointSet(PoseErrorJoints set);

/// The four errors (mm; NaN when nothing counted) and how many (frame,
/// joint) pairs each averages.
struct PoseError {
  double w_mpjpe_mm = std::numeric_limits<double>::quiet_NaN();
  double mpjpe_mm = std::numeric_limits<double>::quiet_NaN();
  double pa_mpjpe_mm = std::numeric_limits<double>::quiet_NaN();
  double accel_error_mm = std::numeric_limits<double>::quiet_NaN();
  int64_t w_mpjpe_count = 0;
  int64_t mpjpe_count = 0;
  int64_t pa_mpjpe_count = 0;
  int64_t accel_count = 0;
  /// Frames with at least one joint counted (W-MPJPE).
  int64_t frames = 0;
};

/// Errors per person and over all persons (pooled).
struct PoseErrorReport {
  int num_frames = 0;
  std::vector<int> joints;
  std::vector<PoseError> persons;
  PoseError all;
};

/// Compares `estimate` with `truth` (see the file comment). The names are for
/// messages. Throws OptionError for bad options (a joint index that is not a
/// smpl22 joint); Error naming both when their frame or person counts
/// differ, or when a clip is empty or its arrays disagree with its sizes.
PoseErrorReport ComputePoseError(const MotionClip& truth,
                                 const MotionClip& estimate,
                                 const PoseErrorOptions& options = {},
                                 const std::string& truth_name = "truth",
                                 const std::string& estimate_name = "estimate");

/// A small table: one row per person and one for all (mm; accel mm/frame^2).
std::string FormatPoseErrorTable(const PoseErrorReport& report);

}  // namespace intersynth
