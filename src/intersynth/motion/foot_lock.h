#pragma once
// Foot locking: a foot that rests on the floor stays where it is. Generated
// motion lets planted feet glide (foot skating); this pins them and bends the
// leg to follow, keeping every bone's length. Plain C++.
//
// Per person and side (hip, knee, ankle, toe: 1, 4, 7, 10 left; 2, 5, 8, 11
// right), on the toe (the joint MeasurePlausibility reads):
//   contact   frame t rests when the toe is below contact_height_m and its
//             horizontal speed to the neighbouring frames is below
//             max_speed_m_s; runs of at least min_frames resting frames are
//             the contacts
//   target    each contact's toe (x, z) is the mean over its frames
//   shift     s(t) = target - toe(t) inside a contact; outside, it fades to 0
//             over blend_frames frames (a smoothstep), and between two
//             contacts closer than 2 blend_frames it goes from one shift to
//             the other
//   legs      ankle and toe move by s(t) (horizontal only); the knee follows
//             by two-bone inverse kinematics from the unchanged hip, in the
//             plane of hip, new ankle and the old knee (its bend kept), so
//             thigh and shin keep their lengths. Where the whole shift is
//             out of the leg's reach (a straight standing leg cannot plant
//             its foot anywhere else without lowering the hips), the foot
//             moves as far along it as the leg reaches.
// Heights and every other joint are left alone; rotations (if any) no longer
// match and are cleared.

#include "intersynth/motion/motion_clip.h"

namespace intersynth {

struct FootLockOptions {
  /// A toe below this (m) whose horizontal speed is below max_speed_m_s
  /// rests (InterGen's contact height for the toe).
  double contact_height_m = 0.05;
  double max_speed_m_s = 1.0;
  /// Shortest contact, frames.
  int min_frames = 2;
  /// Frames over which the shift fades in and out.
  int blend_frames = 3;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What LockFeet did.
struct FootLockStats {
  /// Contacts locked (over persons and sides) and their frames.
  int contacts = 0;
  int locked_frames = 0;
  /// Largest horizontal shift of a toe, metres.
  double max_shift_m = 0.0;
  /// Frames whose foot could not reach its whole shift.
  int unreachable_frames = 0;
};

/// Locks the feet of every person of `clip` in place (see the file comment).
/// Clips of fewer than 2 frames are left alone. Throws Error for a joint that
/// is not finite (naming person, frame and joint) and OptionError for bad
/// options.
FootLockStats LockFeet(MotionClip& clip, const FootLockOptions& options = {});

}  // namespace intersynth
