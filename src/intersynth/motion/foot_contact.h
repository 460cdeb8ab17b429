#pragma once
// Foot-contact detection shared by the HumanML3D (263) and InterGen (262)
// feature layouts.
//
// For frames t = 0 .. T-2 and each of four foot joints j_k (k = 0..3):
//
//   d2[t, k]      = |p[t+1, j_k] - p[t, j_k]|^2          (m^2 per frame^2)
//   contact[t, k] = 1  if d2[t, k] < max_squared_displacement
//                      and p[t, j_k].y < max_height[k]   (both strict)
//                   0  otherwise
//
// The height is that of the first frame of the pair (as InterGen); an infinite
// max_height switches the height test off (as HumanML3D, which tests only the
// displacement). Heights are in the frame of the given joints: y is the height
// above the floor only when the floor is the plane y = 0 (DESIGN.md).

#include <array>
#include <limits>
#include <vector>

#include "intersynth/body/smpl22.h"

namespace intersynth {

/// Options of DetectFootContacts.
struct FootContactOptions {
  /// The four joints, in output-channel order (default: left ankle 7, left
  /// foot 10, right ankle 8, right foot 11).
  std::array<int, 4> joints = kSmpl22FootJoints;
  /// Threshold on the squared per-frame displacement, m^2 (strict <).
  /// HumanML3D uses 0.002, InterGen 0.001.
  float max_squared_displacement = 0.002f;
  /// Threshold on each joint's height at frame t, m (strict <); infinity
  /// disables it. InterGen uses 0.12 for the ankles and 0.05 for the feet.
  std::array<float, 4> max_height = {
      std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity(),
      std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Contacts of one person. `joints` is [T, 22, 3] (C order, metres, Y up);
/// returns [T - 1, 4] values, each exactly 0.0f or 1.0f, channels in the
/// order of options.joints. Returns an empty vector when num_frames < 2.
/// Throws OptionError for bad options (a joint index outside [0, 22), ...).
std::vector<float> DetectFootContacts(const float* joints,
                                      int num_frames,
                                      const FootContactOptions& options = {});

/// As above, writing row t's four values to out[t * out_stride + k], so that
/// a feature encoder can fill its contact channels in place.
void DetectFootContactsInto(const float* joints,
                            int num_frames,
                            const FootContactOptions& options,
                            float* out,
                            int out_stride);

}  // namespace intersynth
