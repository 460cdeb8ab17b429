#pragma once
// The motion clip: P persons over T frames on the canonical smpl22 skeleton,
// in one world frame (metres, Y up, floor at y = 0; DESIGN.md).
//
// Tensor layouts (C order, float32 unless said):
//   joints            [P, T, 22, 3]  joint positions in world (joints_in_world)
//   rotations         [P, T, 22, 6]  optional local 6D rotations, column 0 then
//                                    column 1 of the local rotation matrix r_j
//                                    (convention below)
//   root_translation  [P, T, 3]      optional
//   valid             [P, T, 22]     optional, 1 where a sensor saw the joint
// Joint order: smpl22 (intersynth/body/smpl22.h).
//
// Rotation convention (HumanML3D's, so that rotations computed from positions
// and rotations stored in files mean the same): joint 0 holds the root
// orientation; joint j >= 1 holds the rotation of the bone that ENDS at j,
// relative to its parent's accumulated frame. Forward kinematics with rest
// offsets o_j (the bone parent(j) -> j at rest):
//   R_0 = r_0,   R_j = R_parent(j) * r_j,   p_j = p_parent(j) + R_j * o_j
// (SMPL's pose parameters instead rotate the bones that START at a joint; a
// body model's parameters are stored under their own keys.)

#include <cstdint>
#include <string>
#include <vector>

namespace intersynth {

/// Number of joints of the canonical smpl22 skeleton.
inline constexpr int kNumJoints = 22;

struct MotionClip {
  int num_persons = 0;
  int num_frames = 0;
  /// Frames per second.
  float fps = 20.0f;
  /// Captions (any number, often one per annotator).
  std::vector<std::string> text;
  /// Class labels (action, style...), any number.
  std::vector<std::string> labels;
  /// JSON text saying how the clip was made (e.g. `intersynth generate`'s
  /// model, prompt, seed and sampler); empty when nothing is recorded.
  std::string metadata;
  /// [P, T, 22, 3]
  std::vector<float> joints;
  /// [P, T, 22, 6] or empty.
  std::vector<float> rotations;
  /// [P, T, 3] or empty.
  std::vector<float> root_translation;
  /// [P, T, 22] or empty (then every joint is valid).
  std::vector<uint8_t> valid;

  /// Allocates zeroed joints for P persons and T frames.
  static MotionClip Zeros(int num_persons, int num_frames, float fps = 20.0f) {
    MotionClip clip;
    clip.num_persons = num_persons;
    clip.num_frames = num_frames;
    clip.fps = fps;
    clip.joints.assign(static_cast<size_t>(num_persons) * num_frames * kNumJoints * 3, 0.0f);
    return clip;
  }

  /// Pointer to joint j of person p at frame t (3 floats).
  float* joint(int p, int t, int j) { return joints.data() + JointIndex(p, t, j); }
  const float* joint(int p, int t, int j) const { return joints.data() + JointIndex(p, t, j); }
  /// Pointer to person p's [T, 22, 3] block.
  float* person(int p) { return joint(p, 0, 0); }
  const float* person(int p) const { return joint(p, 0, 0); }

  size_t JointIndex(int p, int t, int j) const {
    return ((static_cast<size_t>(p) * num_frames + t) * kNumJoints + j) * 3;
  }
};

}  // namespace intersynth
