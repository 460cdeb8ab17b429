#pragma once
// Body-model pose parameters (SMPL's convention) from smpl22 joint positions,
// for training the pose prior on motion capture that has joints only.
//
// SMPL's local rotation R_k turns the bones that START at joint k (its
// children), relative to the rest skeleton; world rotations chain as
// G_k = G_parent(k) R_k (body_model.h). (The motion file's `rotations` use
// HumanML3D's convention instead: motion_clip.h.) From positions p and rest
// joints r, top-down:
//   o_c = G_parent(k)^T (p_c - p_k) / |p_c - p_k|   observed child directions
//                                                     in the parent's frame,
//   b_c = (r_c - r_k) / |r_c - r_k|                  rest child directions,
//   R_k = argmin_R sum_c |o_c - R b_c|^2            (Wahba's problem, solved
//                                                     by SVD, det +1; with one
//                                                     child, the shortest arc
//                                                     from b_c to o_c),
//   G_k = G_parent(k) R_k.
// Joints have no twist information: with one child the rotation is pure swing
// (no turn about the bone), as swing IK gives. Leaf joints (feet, head,
// wrists: no child in smpl22) get R_k = I; LeafJointsOfSmpl22 lists them so
// that a prior can leave them out. Joint 0's R_0 is the global orientation.

#include <array>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/rotation.h"

namespace intersynth {

/// smpl22 joints with no child (10, 11 feet; 15 head; 20, 21 wrists).
std::vector<int> LeafJointsOfSmpl22();

/// Local rotations [22] in SMPL's convention (see the file comment) of one
/// frame's joints [22][3], relative to the rest joints `rest` [22][3]
/// (positions, e.g. a body model's J_regressor v_template, or a T pose).
/// A zero-length bone keeps its joint's local rotation at identity.
std::array<Matrix3<double>, kSmpl22NumJoints> SmplLocalRotationsFromJoints(
    const float* joints, const std::array<Vector3<double>, kSmpl22NumJoints>& rest);

}  // namespace intersynth
