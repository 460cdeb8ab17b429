#pragma once
// Forward kinematics: world positions of every joint of a BVH take or of an
// ASF/AMC (Acclaim) take, in metres, as NamedJointPositions.
//
// BVH (Biovision) semantics, joint j with parent p at frame t:
//
//   local_j = (R_j, t_j)  with  R_j = BvhJointRotation(motion, j, t)
//                                   = R_c0(a0) * R_c1(a1) * R_c2(a2)
//                                     (rotation channels in listed order)
//                               t_j = BvhJointTranslation(motion, j, t)
//                                   = OFFSET_j with each listed position
//                                     channel replacing its axis' component
//   world_from_j = world_from_p * local_j          (world_from_root = local_root)
//   position_j   = metres_per_unit * world_from_j.translation
//
// so a joint's own rotation moves its children, not itself. End Sites have
// no channels: R = I, t = OFFSET. Position channels on a non-root joint
// REPLACE its offset (Bandai writes 6 channels on every joint whose position
// values equal the offsets; a file whose position channels are meant to be
// added to the offset would come out wrong by the offset). The root's
// translation is its position channels (its OFFSET where it has none).
//
// ASF/AMC (Acclaim) semantics. Every bone b has
//   d_b  `direction` (unit, in WORLD coordinates at rest), l_b `length`,
//   C_b  the rotation its `axis` line gives: the bone's local frame relative
//        to the world at rest,
//   M_b  the rotation of its dofs at a frame, expressed in that local frame.
// An `axis` order such as "XYZ" names the order in which the rotations are
// applied to a vector (X first), so with angles (ax, ay, az) about X, Y, Z:
//   "XYZ" -> R = R_Z(az) * R_Y(ay) * R_X(ax);  generally order s0 s1 s2 ->
//   R = R_s2(a_s2) * R_s1(a_s1) * R_s0(a_s0).
// M_b uses the same order as C_b, with (ax, ay, az) = the bone's rx, ry, rz
// dof values (0 for a missing dof), whatever order the dof line lists them
// in (the dof order only fixes the AMC column order). This is the CMU /
// HDM05 convention (axis "XYZ": M = R_Z R_Y R_X).
// The bone's world rotation A_b (world_from_world-at-rest, i.e. what the
// motion does to the bone's rest vector) composes down the tree:
//
//   A_root = C_root * M_root * C_root^-1     (C_root from `orientation` in `axis` order)
//   A_b    = A_parent * C_b * M_b * C_b^-1
//   end_b  = end_parent + A_b * (l_b * d_b)   (end_root = root position)
//
// With every dof zero, M = I, A = I and end_b = end_parent + l_b * d_b: the
// ASF rest pose. The root position is its AMC tx ty tz (the ASF `position`
// for a translation the root order does not list). Angles are degrees unless
// the AMC says :RADIANS (AmcMotion::degrees) or, for `axis` / `orientation`,
// the ASF says `angle rad`. Positions are scaled by AsfUnitMetres.

#include "intersynth/body/joint_positions.h"
#include "intersynth/io/asf_amc.h"
#include "intersynth/io/bvh.h"

namespace intersynth {

/// Options of BvhForwardKinematics.
struct BvhFkOptions {
  /// Keep End Sites as joints ("<parent>_End"). When false they are dropped
  /// and the remaining joints keep file order (parents re-indexed).
  bool include_end_sites = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// World position of every joint of `motion` (End Sites included unless
/// options say otherwise) at every frame, in metres (file unit *
/// metres_per_unit; Bandai cm: 0.01, CMU BVH: 0.0254 / 0.45). Names and
/// parents as in motion.joints; fps = 1 / frame_time. See the file comment
/// for the formula. Throws Error when metres_per_unit is not a finite
/// positive number, when frame_time is not positive, or when `values` does
/// not have NumChannels() columns and num_frames rows.
NamedJointPositions BvhForwardKinematics(const BvhMotion& motion,
                                         double metres_per_unit,
                                         const BvhFkOptions& options = {});

/// World positions of an Acclaim take in metres (see the file comment).
/// Joint 0 is "root" (the root position); joint b + 1 is skeleton.bones[b]
/// at its END point (the tip of the bone, where its children start), named
/// after the bone; parents: -1 for the root, 0 for the root's children, else
/// the parent bone's index + 1 (bones keep :bonedata order, which need not
/// put parents first). `fps` is stored as given (AMC files do not say; CMU
/// and HDM05 record at 120). Throws Error when fps is not finite and
/// positive, when `motion` was not read against this skeleton (its block
/// names differ from "root" + the bone names), when a bone has translation
/// or length dofs (not supported), or when a bone's parent chain does not
/// reach the root.
NamedJointPositions AmcForwardKinematics(const AsfSkeleton& skeleton,
                                         const AmcMotion& motion,
                                         double fps);

}  // namespace intersynth
