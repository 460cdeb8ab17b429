#pragma once
// Motion-level helpers on the smpl22 skeleton (intersynth/body/smpl22.h):
// a synthetic walking motion for tests and benchmarks, and the finiteness
// check every encoder runs on its input.

#include <cstdint>
#include <string_view>

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/motion_clip.h"

namespace intersynth {

static_assert(kSmpl22NumJoints == kNumJoints, "motion clips hold smpl22 joints");

/// A rest skeleton for synthetic motion: the offset of each joint from its
/// parent (metres) with the body facing +Z, Y up, left = +X, arms out
/// sideways (T pose), pelvis 0.93 m and toes 0.01 m above the floor. Adult-like
/// proportions; not a fitted SMPL skeleton. Row 0 is zero.
inline constexpr std::array<std::array<float, 3>, kSmpl22NumJoints> kSmpl22SyntheticRestOffsets = {
    {{0.0f, 0.0f, 0.0f},    {0.07f, -0.09f, 0.0f},  {-0.07f, -0.09f, 0.0f},
     {0.0f, 0.11f, -0.01f}, {0.03f, -0.38f, 0.0f},  {-0.03f, -0.38f, 0.0f},
     {0.0f, 0.14f, 0.0f},   {0.0f, -0.40f, -0.03f}, {0.0f, -0.40f, -0.03f},
     {0.0f, 0.05f, 0.0f},   {0.01f, -0.05f, 0.12f}, {-0.01f, -0.05f, 0.12f},
     {0.0f, 0.21f, 0.0f},   {0.08f, 0.12f, 0.0f},   {-0.08f, 0.12f, 0.0f},
     {0.0f, 0.09f, 0.05f},  {0.12f, 0.03f, 0.0f},   {-0.12f, 0.03f, 0.0f},
     {0.26f, 0.0f, 0.0f},   {-0.26f, 0.0f, 0.0f},   {0.25f, 0.0f, 0.0f},
     {-0.25f, 0.0f, 0.0f}}};

/// A smooth synthetic motion for tests and benchmarks: `num_persons` people
/// on kSmpl22SyntheticRestOffsets, each walking with a periodic gait (hips,
/// knees, spine, arms hanging and swinging) along its facing direction while
/// turning at a constant rate, and slowing to a standstill and back every
/// ~6 s (so feet are both planted and moving). Start positions (within a few
/// metres of the origin), headings, speeds (up to ~1.3 m/s at 20 fps), turn
/// rates and phases are drawn from `seed`. Joints are FK of local rotations
/// along kSmpl22Parents; with `with_rotations` the rotations are stored in
/// clip.rotations (column-order 6D) in the motion file's convention
/// (motion_clip.h: joint j holds the rotation of the bone ending at j, the
/// root its world rotation), so FK of clip.rotations on
/// kSmpl22SyntheticRestOffsets rebuilds clip.joints.
/// fps = 20.
MotionClip SyntheticSmpl22Motion(int num_persons,
                                 int num_frames,
                                 uint64_t seed,
                                 bool with_rotations = false);

/// Actions of SyntheticActionMotion.
enum class SyntheticAction { kWalk, kRaiseLeftHand, kRaiseRightHand, kSquat };

/// One person doing one clearly recognisable action, for tests that need
/// known labels (the action classifier, the text-following check of the
/// generator): walking forward (the gait of SyntheticSmpl22Motion at a steady
/// speed), standing and raising the left or the right hand above the head
/// and lowering it, or squatting down and up (standing, the body sways by
/// 1-3 cm). Timing (when the movement
/// starts and how long it takes), amplitude, speed and heading vary with
/// `seed`. Joints only, on kSmpl22SyntheticRestOffsets, fps = 20, not
/// canonicalised, the feet near y = 0.
MotionClip SyntheticActionMotion(SyntheticAction action, int num_frames, uint64_t seed);

/// Throws Error when a value of `joints` [T, 22, 3] is NaN or infinite. The
/// message names `what` (e.g. a file or "EncodeInterGen"), the person (omitted
/// when person < 0), the frame, the joint by index and name, and the value.
void CheckJointsFinite(const float* joints, int num_frames, int person, std::string_view what);

}  // namespace intersynth
