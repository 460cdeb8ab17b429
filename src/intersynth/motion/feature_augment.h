#pragma once
// Augmentations of RAW (un-normalised) InterGen 262-float features
// (features_262.h) for the diffusion trainer: left/right mirroring of the
// features and of their captions, and re-canonicalising a crop.
//
// Layout reminder (features_262.h): a row is
//   0-65     positions of joints 0..21 (x, y, z at 3j + k)
//   66-131   velocities of joints 0..21 (same layout)
//   132-257  local 6D rotations of joints 1..21, joint j at 132 + 6 (j - 1),
//            InterGen order (R00, R01, R10, R11, R20, R21)
//   258-261  foot contacts: left ankle 7, left foot 10, right ankle 8, right foot 11
// and the features of P persons are [P, N, 262], C order, all persons in one
// world frame (Y up, floor y = 0). Every function here works in place on
// caller-owned buffers and never looks at normalisation statistics: apply
// them to raw rows, then normalise.

#include <cstdint>
#include <string>

#include "intersynth/motion/features_262.h"

namespace intersynth {

/// Mirrors `num_rows` consecutive 262-float rows in place through the plane
/// x = 0 (M = diag(-1, 1, 1)), so that each row describes the mirror-image
/// body: a left-handed wave becomes a right-handed one.
///
///   positions, velocities:  p'[j] = M p[mirror(j)]        (x negated, left/right
///                            swapped by kSmpl22MirrorJoint)
///   rotations:              r'[j] = M r[mirror(j)] M       (joints 1..21, slot j - 1)
///   contacts:               c' = (c[2], c[3], c[0], c[1])  (left <-> right foot)
///
/// An involution: mirroring twice restores the rows bit for bit. The rule for
/// rotations assumes a left/right-symmetric skeleton (smpl22 rest offsets and
/// HumanML3D's raw IK offsets are); see the .cc for the derivation. Pass
/// P * N for `num_rows` to mirror a whole [P, N, 262] block (the persons stay
/// in one world frame: x -> -x is applied to all of them alike).
void MirrorInterGenFeatures(float* values, int64_t num_rows);

/// The caption of the mirrored motion: swaps the whole words left <-> right,
/// leftward(s) <-> rightward(s), lefthand <-> righthand and clockwise <->
/// counterclockwise
/// ("counter-clockwise", "anticlockwise" and "anti-clockwise" become
/// "clockwise"). Words are maximal runs of ASCII letters, so "left-hand"
/// becomes "right-hand" while "upright", "bright" and "counterclockwise" are
/// never cut (InterGen's str.replace swaps substrings and writes "upleft").
/// A replaced word keeps the case of the original: first letter upper-case,
/// or all upper-case when the whole word was. Everything else (punctuation,
/// spaces, other bytes) is copied unchanged. "left" meaning "went away" is
/// swapped too: the rule cannot tell the senses apart.
std::string MirrorCaption(const std::string& text);

/// Where the rotation channels of a feature block came from, which decides
/// what a rigid yaw of the rows must do to them.
enum class FeatureRotations {
  /// Rotations of a kinematic model (MotionClip::rotations copied by
  /// EncodeInterGen): invariant to a yaw of the whole body, kept as they are.
  kKeep,
  /// Rotations computed by EncodeInterGen's swing IK (clips without stored
  /// rotations, e.g. every clip of the project's mocap dataset): NOT invariant
  /// to a yaw (HumanML3D measures each swing in the world frame, so a yaw adds
  /// a twist about each bone), so they are recomputed from the moved
  /// positions (RecomputeIkRotations).
  kRecomputeIk,
};

/// Applies the rigid motion `t` (x_out = R_y(t.yaw) x_in + (tx, 0, tz)) to
/// `num_rows` consecutive 262-float rows in place: positions are turned and
/// translated, velocities only turned (a difference of two points), the y
/// channels are unchanged. Rotation and contact channels are not touched:
/// contacts are invariant to the motion, and so are rotations of a kinematic
/// model, but IK rotations are not (see FeatureRotations; callers follow with
/// RecomputeIkRotations for those).
void ApplyYawToFeatureRows(float* values, int64_t num_rows, const YawTransform& t);

/// Rewrites the rotation channels of one person's `num_rows` consecutive rows
/// from their position channels exactly as EncodeInterGen computes them when
/// a clip has no stored rotations (features_262.h): swing IK from the facing
/// root R_y(HipFacingYaw of the row), arm chains relative to spine3; a row
/// with vertically aligned hips reuses the previous row's facing (row 0: +Z).
/// Positions, velocities and contacts are not touched. For rows that
/// EncodeInterGen produced by IK this is the identity up to float rounding;
/// after ApplyYawToFeatureRows it gives the rotations EncodeInterGen would
/// compute for the moved body. Call once per person (the facing fallback runs
/// along the rows).
void RecomputeIkRotations(float* values, int64_t num_rows);

/// Re-canonicalises raw features [P, N, 262] (`num_persons` P, `num_rows` N,
/// one world frame) on person 0 at row `first_row`: every row of every person
/// is moved by the rigid yaw + XZ translation that puts person 0's root at
/// that row over the origin (x = z = 0, height unchanged) facing +Z, with the
/// facing rule of features_262.h (HipFacingYaw of that row's 22 positions).
/// Rows before `first_row` are moved as well (a caller that crops copies
/// rows first_row.. afterwards). Velocities turn with the positions; foot
/// contacts are unchanged; rotations are kept or recomputed by IK per
/// `rotations` (see FeatureRotations: kRecomputeIk for features encoded
/// without stored rotations). Then rows first_row.. equal EncodeInterGen of
/// the clip cropped at frame first_row, up to float rounding (with
/// kRecomputeIk, except rows after a row with vertically aligned hips of a
/// person p >= 1 at or before first_row, whose facing fallback differs).
///
/// Returns the world_from_canonical transform that was removed (as
/// CanonicalizeClip does): x_in = R_y(yaw) x_out + (tx, 0, tz).
/// Throws Error when num_persons < 1, num_rows < 1, first_row is outside
/// [0, num_rows), a reference position is not finite, or person 0's hips are
/// vertically aligned at first_row (no facing direction).
YawTransform CanonicalizeFeatureRows(float* values,
                                     int num_persons,
                                     int64_t num_rows,
                                     int64_t first_row = 0,
                                     FeatureRotations rotations = FeatureRotations::kRecomputeIk);

}  // namespace intersynth
