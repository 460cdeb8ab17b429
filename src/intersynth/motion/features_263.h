#pragma once
// HumanML3D's 263-float motion features (Guo et al., "Generating Diverse and
// Natural 3D Human Motions from Text", CVPR 2022), one person, root-relative.
//
// Encoding T frames of smpl22 joints p[t, j] (metres, Y up, floor y = 0) gives
// N = T - 1 rows; row t describes frame t and the step t -> t+1:
//
//   ch        n    content
//   0         1    root angular velocity: asin(dq[t].y), dq[t] = r[t+1] * r[t]^-1,
//                  i.e. HALF the yaw step (r is a yaw quaternion, see below)
//   1-2       2    root linear velocity (x, z): r[t+1] * (p[t+1,0] - p[t,0]),
//                  in the facing frame of frame t+1, m/frame
//   3         1    root height p[t,0].y (absolute, above the floor)
//   4-66     63    "ric" positions of joints 1..21: r[t] * (p[t,j] - (p[t,0].x, 0, p[t,0].z));
//                  x, z root-relative, y the absolute height
//   67-192  126    local 6D rotations of joints 1..21 from swing-only inverse
//                  kinematics (SwingInverseKinematics, body/inverse_kinematics.h; the arm chains
//                  start from r[t], not from spine3's rotation, as the
//                  reference does): column 0 then column 1 of the local matrix
//   193-258  66    local velocities of joints 0..21: r[t] * (p[t+1,j] - p[t,j])
//   259-262   4    foot contacts, left ankle 7, left foot 10, right ankle 8,
//                  right foot 11: |p[t+1,j] - p[t,j]|^2 < 0.002 (strict), 0 or 1
//
// r[t] (root_from_world) is the yaw quaternion that turns the body's facing
// direction f[t] onto +Z: r[t] = QuaternionBetween(f[t], +Z), and r[0] is the
// identity (the format assumes frame 0 already faces +Z). Facing:
//
//   across[t] = normalize((p[t,1] - p[t,2]) + (p[t,17] - p[t,16]))   (*)
//   f[t]      = normalize(GaussianSmooth_t((0,1,0) x across[t]))
//
// GaussianSmooth is scipy's gaussian_filter1d(sigma = 20 frames, truncate 4,
// mode "nearest"): a +-80-frame window, the edge value repeated beyond the ends.
//
// (*) Compatibility quirk of the format: the hip term is left - right while the
//     shoulder term is right - left (the reference unpacks its face-joint list in
//     two different orders). The "face +Z" pre-processing step uses
//     (p2 - p1) + (p17 - p16) instead. Both are reproduced, because the stored
//     features depend on them (errors of 0.2-0.6 otherwise).
// Second quirk: r[t] always has w >= 0, so a facing that turns through -Z
// flips its sign and that row's ch0 gets the wrong sign (see
// HumanML3DOptions::continuous_root_rotation).
//
// Decoding (the reference's recover_from_ric) rebuilds, from the features only:
//   a[0] = 0, a[t] = sum_{s<t} ch0[s];  r[t] = (cos a[t], 0, sin a[t], 0)
//   root[0].xz = 0, root[t].xz = sum_{s<t} (r[s+1]^-1 * (ch1[s], 0, ch2[s])).xz
//   root[t].y  = ch3[t]
//   p[t,j] = r[t]^-1 * ric[t,j] + (root[t].x, 0, root[t].z)   for j = 1..21
// so N rows decode to N frames (the last frame of the encoded clip is lost).
//
// EncodeHumanML3D takes joints already processed like HumanML3D's
// `new_joints`: floor at y = 0, frame 0's root at the XZ origin, frame 0 facing
// +Z (CanonicalizeHumanML3DJoints does those steps). HumanML3D additionally
// rescales every skeleton to one reference skeleton ("uniform_skeleton");
// that step is not implemented here: the features keep the input's bone lengths.

#include <vector>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/geometry/rotation.h"

namespace intersynth {

/// Channel offsets of the 263 layout (see the table above).
struct HumanML3DLayout {
  static constexpr int kDim = 263;
  static constexpr int kRootAngularVelocity = 0;  ///< 1 channel
  static constexpr int kRootLinearVelocity = 1;   ///< 2 channels (x, z)
  static constexpr int kRootHeight = 3;           ///< 1 channel
  static constexpr int kRic = 4;                  ///< 21 x 3 channels
  static constexpr int kRotations = 67;           ///< 21 x 6 channels
  static constexpr int kLocalVelocity = 193;      ///< 22 x 3 channels
  static constexpr int kFootContacts = 259;       ///< 4 channels
};

/// Options of EncodeHumanML3D.
struct HumanML3DOptions {
  /// Foot contact when the squared per-frame displacement is below this, m^2
  /// (strict <).
  float foot_contact_threshold = 0.002f;
  /// Standard deviation of the Gaussian that smooths the facing direction,
  /// frames. <= 0 disables the smoothing.
  float facing_smooth_sigma = 20.0f;
  /// The Gaussian window reaches int(truncate * sigma + 0.5) frames each side.
  float facing_smooth_truncate = 4.0f;
  /// false (the reference): r[t] keeps w >= 0, so when the facing turns
  /// through -Z, r jumps to -r and asin(dq.y) of that step has the wrong sign
  /// (a second compatibility quirk: the decoded heading is then off by twice
  /// that step). true flips r[t+1] into r[t]'s hemisphere first (qfix), which
  /// gives the true step; decoding is unchanged.
  bool continuous_root_rotation = false;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Encodes one person's joints [T, 22, 3] (C order; processed like
/// HumanML3D's new_joints, see above) into [T - 1, 263] features.
/// Throws OptionError for bad options, Error when num_frames < 2 or a value
/// is not finite (naming frame and joint). Computed in double, returned as
/// float.
std::vector<float> EncodeHumanML3D(const float* joints,
                                   int num_frames,
                                   const HumanML3DOptions& options = {});

/// Decodes [N, 263] features into joints [N, 22, 3] from the root and ric
/// channels (recover_from_ric): the first frame's root at the XZ origin.
/// Throws Error when num_rows < 1 or a used channel is not finite.
std::vector<float> DecodeHumanML3D(const float* features, int num_rows);

/// The root_from_world rotation r[t] of each decoded frame, [N, 4]
/// quaternions (w, x, y, z) = (cos a[t], 0, sin a[t], 0), a[t] as above.
/// The decoded root's yaw (body -> world) is -2 a[t] about +Y.
std::vector<float> DecodeHumanML3DRootRotation(const float* features, int num_rows);

/// HumanML3D's pre-processing of raw joints [T, 22, 3] (without skeleton
/// rescaling): puts the lowest joint over all frames on y = 0, moves frame 0's
/// root to the XZ origin and turns every frame about +Y so that frame 0 faces
/// +Z, with across = (p2 - p1) + (p17 - p16) (hips and shoulders, right minus
/// left) and facing = (0,1,0) x normalize(across). Throws Error as EncodeHumanML3D.
std::vector<float> CanonicalizeHumanML3DJoints(const float* joints, int num_frames);

}  // namespace intersynth
