#pragma once
// Inverse and forward kinematics on the smpl22 skeleton, in the motion file's
// rotation convention (motion/motion_clip.h, docs/conventions.md): joint 0
// holds the root orientation, joint j >= 1 the rotation of the bone that ENDS
// at j relative to its parent's accumulated frame:
//   R_0 = r_0,   R_j = R_parent(j) * r_j,   p_j = p_parent(j) + R_j * o_j
// with rest offsets o_j = length_j * d_j along HumanML3D's rest directions d_j
// (kHumanML3DRawOffsets). Inverse kinematics is swing-only (no twist about a
// bone), as in HumanML3D (Guo et al., CVPR 2022).

#include <array>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/rotation.h"

namespace intersynth {

/// Options of SwingInverseKinematics.
struct SwingIkOptions {
  /// HumanML3D compatibility: the arm chains (13, 14, ...) start from the root
  /// rotation instead of spine3's (joint 9) accumulated rotation. false makes
  /// every local rotation relative to its smpl22 parent.
  bool arm_chains_from_root = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Swing-only inverse kinematics on HumanML3D's kinematic chains
/// (body/smpl22.h kHumanML3DKinematicChains, rest directions kHumanML3DRawOffsets).
///
/// For each chain (base b, then c1, c2, ...), with R = root_rotations[t] at the
/// chain's start (or spine3's accumulated rotation, see SwingIkOptions):
///   v            = normalize(p[t,c_i] - p[t,c_{i-1}])
///   local[t,c_i] = R^-1 * QuaternionBetween(offset[c_i], v)
///   R            = R * local[t,c_i]
/// so that FK, R_accum(c_i) * offset[c_i], gives the observed bone direction.
/// local[t, 0] = root_rotations[t]. The rotation stored at a joint turns the
/// bone that ENDS at that joint (HumanML3D convention, not SMPL's), and has
/// no twist about the bone (swing only). A zero-length bone gets the identity
/// swing; a bone antiparallel to its rest direction a 180-degree turn about an
/// axis perpendicular to it.
///
/// `joints` is [T, 22, 3]; root_rotations has T unit quaternions (w, x, y, z).
/// Returns local quaternions [T * 22] (w, x, y, z), index t * 22 + j.
std::vector<Quaternion<double>> SwingInverseKinematics(
    const float* joints,
    int num_frames,
    const std::vector<Quaternion<double>>& root_rotations,
    const SwingIkOptions& options = {});

/// Rest offsets o_j [22] (metres) of a clip's skeleton: the median length of
/// each bone parent(j) -> j over the frames of `joints` [T, 22, 3], along
/// HumanML3D's rest direction of that bone. o_0 is zero.
std::array<Vector3<double>, kSmpl22NumJoints> Smpl22RestOffsets(const float* joints,
                                                                int num_frames);

/// Forward kinematics along kSmpl22Parents (see the formula above): joints
/// [T, 22, 3] from local rotations [T * 22] (w, x, y, z), the root positions
/// [T, 3] and rest offsets. Inverse of SwingInverseKinematics with
/// arm_chains_from_root = false when the offsets are the clip's own bones.
std::vector<float> Smpl22ForwardKinematics(
    const std::vector<Quaternion<double>>& local_rotations,
    const std::vector<Vector3<double>>& root_positions,
    const std::array<Vector3<double>, kSmpl22NumJoints>& rest_offsets);

/// Skeleton uniformisation: the same motion with every bone at one length.
/// Each frame's bone DIRECTIONS are kept and each bone is set to its median
/// length over the clip (Smpl22RestOffsets), by swing IK relative to the
/// smpl22 parents followed by Smpl22ForwardKinematics from the observed
/// pelvis positions:
///   p'_0 = p_0,   p'_j = p'_parent(j) + median_length_j * normalize(p_j - p_parent(j))
/// Resampling by linear interpolation shortens bones that turn between two
/// frames, and sensors (Kinect) measure them differently each frame; this
/// undoes both. A zero-length bone keeps its parent's orientation applied to
/// the rest direction. Returns [T, 22, 3]; num_frames must be > 0 (checked).
std::vector<float> UniformBoneLengths(const float* joints, int num_frames);

/// Spread of every bone: the population standard deviation over the frames
/// of `joints` [T, 22, 3] of |p_j - p_parent(j)| in metres, for j >= 1
/// (entry 0 is 0). num_frames must be > 0 (checked).
std::array<double, kSmpl22NumJoints> BoneLengthStd(const float* joints, int num_frames);

}  // namespace intersynth
