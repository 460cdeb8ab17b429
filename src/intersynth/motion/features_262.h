#pragma once
// intersynth's per-person diffusion features in InterGen's 262-float layout
// (Liang et al., "InterGen", IJCV 2024; shared/notes/intergen-format.md), for
// any number of persons sharing ONE canonical world frame.
//
// Canonical frame (world -> canonical), fixed by person 0 at frame 0:
//   f     = normalize((0,1,0) x (p[0,0,right_hip 2] - p[0,0,left_hip 1]))  (hips only,
//           InterGen step 4; horizontal by construction)
//   yaw   = atan2(f.x, f.z)                    (f = (sin yaw, 0, cos yaw))
//   o     = (p[0,0,0].x, 0, p[0,0,0].z)        (person 0's root at frame 0)
//   x_canonical = R_y(-yaw) (x_world - o),      R_y(a) = [cos a 0 sin a; 0 1 0; -sin a 0 cos a]
// so person 0's root is at the XZ origin at frame 0 and faces +Z. Heights are
// NOT shifted: the world floor y = 0 stays the floor (InterGen subtracts each
// person's own minimum y, which loses the partners' relative height; we keep it).
// Every person is expressed in this one frame, so inter-person distances are
// preserved exactly (a rigid motion).
//
// T frames give N = T - 1 rows per person; row t of person p (canonical p[t, j]):
//
//   ch        n    content
//   0-65     66    positions p[t, j], joints 0..21, (x, y, z) at 3j + k, metres
//   66-131   66    velocities p[t+1, j] - p[t, j], m/frame, same canonical frame
//   132-257 126    local 6D rotations of joints 1..21, InterGen order
//                  (R00, R01, R10, R11, R20, R21) = first two columns, row by row
//   258-261   4    foot contacts, left ankle 7, left foot 10, right ankle 8,
//                  right foot 11: 1 when |p[t+1,j] - p[t,j]|^2 < 0.001 and
//                  p[t,j].y < 0.12 (ankles) / 0.05 (feet), both strict; else 0
//
// Rotations: copied from MotionClip::rotations when present (column order ->
// InterGen order; local rotations of non-root joints do not change under the
// canonical yaw). Otherwise computed from the canonical positions by
// SwingInverseKinematics (features_263.h: HumanML3D's swing-only IK, each
// rotation turning the bone that ends at its joint), with the root rotation
// R_y(facing yaw of that frame, from the hips as above) and the arm chains
// relative to spine3 (SwingIkOptions::arm_chains_from_root = false), so that
// forward kinematics along kSmpl22Parents from the facing root rebuilds every
// bone direction. A frame whose hips are vertically aligned reuses the
// previous frame's facing (frame 0: +Z).
//
// InterGen normalises with (x - mean) / std over the 262 channels
// (normalization.h); persons are concatenated [A 262 | B 262] by its model.

#include <optional>
#include <string>
#include <vector>

#include "intersynth/motion/motion_clip.h"

namespace intersynth {

/// Channel offsets of the 262 layout (see the table above).
struct InterGenLayout {
  static constexpr int kDim = 262;
  static constexpr int kPositions = 0;       ///< 22 x 3 channels
  static constexpr int kVelocities = 66;     ///< 22 x 3 channels
  static constexpr int kRotations = 132;     ///< 21 x 6 channels (joints 1..21)
  static constexpr int kFootContacts = 258;  ///< 4 channels
};

/// Options of EncodeInterGen.
struct InterGenOptions {
  /// Contact when the squared per-frame displacement is below this, m^2 (strict <).
  float foot_contact_threshold = 0.001f;
  /// Contact only when the ankle (7, 8) is lower than this at frame t, m (strict <).
  float ankle_height_threshold = 0.12f;
  /// Contact only when the foot (10, 11) is lower than this at frame t, m (strict <).
  float foot_height_threshold = 0.05f;
  /// Copy MotionClip::rotations when present; false always computes them by IK.
  bool use_clip_rotations = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// A rotation about +Y followed by a horizontal translation:
///   x_out = R_y(yaw) x_in + (translation_x, 0, translation_z).
struct YawTransform {
  /// Radians, counter-clockwise about +Y (right-hand rule): R_y(yaw) (0,0,1) = (sin yaw, 0, cos
  /// yaw).
  double yaw = 0.0;
  double translation_x = 0.0;
  double translation_z = 0.0;

  /// Applies the transform to the point (x, y, z), in place.
  void Apply(float* point) const;
  /// The inverse transform: x_in = R_y(-yaw) (x_out - t).
  YawTransform Inverse() const;
};

/// The features of a clip: [P, N, 262] plus the way back to the world.
struct InterGenFeatures {
  int num_persons = 0;
  /// Rows per person, N = T - 1.
  int num_rows = 0;
  /// Frame rate of the encoded clip.
  float fps = 20.0f;
  /// [P, N, 262], C order.
  std::vector<float> values;
  /// world_from_canonical: x_world = R_y(yaw) x_canonical + (tx, 0, tz).
  YawTransform world_from_canonical;

  /// Pointer to row n of person p (262 floats).
  float* row(int p, int n) {
    return values.data() + (static_cast<size_t>(p) * num_rows + n) * InterGenLayout::kDim;
  }
  const float* row(int p, int n) const {
    return values.data() + (static_cast<size_t>(p) * num_rows + n) * InterGenLayout::kDim;
  }
};

/// Facing yaw of one frame's joints [22, 3] from the hips:
/// f = (0,1,0) x (p[2] - p[1]) = (d.z, 0, -d.x), yaw = atan2(f.x, f.z).
/// std::nullopt when the hips are vertically aligned (|f| <= 1e-9 m).
std::optional<double> HipFacingYaw(const float* frame_joints);

/// world_from_canonical of a clip: the canonical frame of person 0 at frame 0
/// described above (yaw = HipFacingYaw of that frame, translation = its root's
/// XZ). Throws Error starting with `what` when the clip has no person or frame
/// or person 0's hips are vertically aligned at frame 0.
YawTransform WorldFromCanonical(const MotionClip& clip, const std::string& what);

/// Moves the whole clip rigidly into its canonical frame (x_canonical =
/// canonical_from_world x_world for every joint of every person, and for
/// root_translation when present; the root rotations, joint 0 of `rotations`,
/// are turned by the same yaw; local rotations of other joints do not change),
/// so that person 0's root is over the origin and faces +Z at frame 0, heights
/// and inter-person distances unchanged. Returns the world_from_canonical it
/// removed. Errors as WorldFromCanonical (with `what` "CanonicalizeClip").
YawTransform CanonicalizeClip(MotionClip& clip);

/// Encodes every person of `clip` (T >= 2 frames) into [P, T - 1, 262]
/// features in the canonical frame of person 0 at frame 0 (see above).
/// Throws OptionError for bad options; Error for no persons, fewer than 2
/// frames, array sizes that do not match the clip's sizes, a NaN or infinite
/// joint (naming person, frame and joint) or person 0's hips vertically
/// aligned at frame 0. MotionClip::valid is ignored: every joint must hold a
/// finite position.
InterGenFeatures EncodeInterGen(const MotionClip& clip, const InterGenOptions& options = {});

/// Decodes features into a clip of N frames: joints [P, N, 22, 3] from the
/// position channels (mapped to the world by world_from_canonical when
/// `to_world`, else left canonical) and rotations [P, N, 22, 6] in column
/// order: joints 1..21 from the rotation channels (Gram-Schmidt, so network
/// output becomes a valid rotation), the root the facing yaw R_y(HipFacingYaw)
/// of the decoded joints in the output frame (the identity, or the previous
/// frame's, where the hips are vertical). The root's pitch and roll are not
/// stored by the layout and are lost. Velocity and contact channels are not
/// read. fps is copied; text and labels stay empty.
/// Throws Error when the value count does not match [P, N, 262] or a position
/// or rotation channel is not finite.
MotionClip DecodeInterGen(const InterGenFeatures& features, bool to_world = true);

/// Rebuilds the joints of a decoded clip (DecodeInterGen's output: joints and
/// rotations [P, N, 22, 6]) as a rigid skeleton: forward kinematics
/// (body/inverse_kinematics.h, Smpl22ForwardKinematics) of its rotations from
/// its root positions (joint 0), with every bone of a person at the median
/// length of that bone in the clip's joints. Bone lengths are then constant
/// and bone directions are those of the rotation channels (which EncodeInterGen
/// computes by swing IK relative to the smpl22 parents, so a clip encoded and
/// decoded this way keeps its joints up to bone-length changes). Throws Error
/// when the clip has no rotations.
void RebuildJointsFromRotations(MotionClip& clip);

}  // namespace intersynth
