#pragma once
// Moving a motion clip rigidly from one frame to another, e.g. people
// recovered in a camera's frame into the room's world frame with
// world_from_camera (scene/floor.h).
//
// For b_from_a = (R, t), every person, frame:
//   joints:            p_b = R p_a + t                (points)
//   root_translation:  r_b = R r_a + t                (the root's position, a point)
//   root orientation:  G_b = R G_a                    (rotations[.., 0]: the
//                      root's rotation maps the body's rest frame into the
//                      world; the body frame is unchanged, the world turns, so
//                      R multiplies on the LEFT; both stored 6D columns
//                      c_k -> R c_k)
//   local rotations of joints 1..21: unchanged (relative to their parents).
// Local joint rotations stay valid because forward kinematics
// p_j = p_parent + R_j o_j with R_j = G r_1 ... r_j gives
// R p_j + t = (R p_parent + t) + (R G r_1 ... r_j) o_j.
//
// Caution for SMPL-family body parameters (issue 14): SMPL's `transl` is NOT
// the root position; the pelvis is at J_0(beta) + transl and rotates about
// J_0, so transl_b = R (J_0 + transl_a) + t - J_0. The clip holds joints,
// so this file needs no body model.

#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/motion/motion_clip.h"

namespace intersynth {

/// Applies b_from_a to `clip` in place (see the file comment). `valid` and
/// the captions are untouched. Throws Error when an optional array has a size
/// that does not match the clip's persons and frames.
void TransformClip(const RigidTransformd& b_from_a, MotionClip* clip);

}  // namespace intersynth
