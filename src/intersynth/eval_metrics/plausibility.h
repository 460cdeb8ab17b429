#pragma once
// Physical plausibility of a motion clip (joint positions only; world frame,
// metres, Y up, floor at y = 0, DESIGN.md). Plain C++/Eigen.
//
// Per person, with h_j(t) the height of joint j at frame t, dt = 1 / fps and
// only the joints its `valid` mask marks (all when there is none):
//   foot contact   toe joint (left_foot 10, right_foot 11) below
//                  contact_height_m at frames t and t + 1
//   foot skate     mean horizontal speed |(dx, dz)| / dt of toes in contact,
//                  m/s; skate ratio = fraction of contact steps faster than
//                  skate_speed_m_s (GMD's "foot skating ratio", Karunratanakul
//                  et al. 2023: 2.5 cm per frame at 20 fps = 0.5 m/s)
//   floating       mean over frames of max(0,  min_j h_j(t)), mm
//   penetration    mean over frames of max(0, -min_j h_j(t)), mm; and its max
//                  (jumps count as floating: the metric cannot tell them apart)
//   jitter         mean over joints and frames of |third difference| / dt^3,
//                  m/s^3 (mean jerk)
//   bone drift     mean over the 21 bones of the standard deviation (ddof 0)
//                  of the bone's length over the frames, mm
// Between persons a and b: each bone parent(j) -> j is a capsule of radius
// kBodyCapsuleRadii[j]; the penetration of a frame is the deepest overlap
// max(0, r_i + r_k - d(segment_i, segment_k)) over a's and b's capsules. The
// group's interpenetration is its mean over frames and pairs (mm), and the max.
// The radii are a coarse adult body (torso 12 cm, limbs 4-7 cm), not a fitted
// body model: the numbers compare models with each other and with real data.

#include <Eigen/Core>
#include <array>
#include <vector>

#include "intersynth/motion/motion_clip.h"

namespace intersynth {

/// Capsule radius of the bone that ends at each smpl22 joint, metres (entry 0,
/// the pelvis, has no bone).
inline constexpr std::array<double, kNumJoints> kBodyCapsuleRadii = {
    0.0,  0.09, 0.09, 0.12, 0.07, 0.07, 0.12, 0.05,  0.05,  0.12, 0.04,
    0.04, 0.06, 0.06, 0.06, 0.09, 0.05, 0.05, 0.045, 0.045, 0.04, 0.04};

/// Options of MeasurePlausibility.
struct PlausibilityOptions {
  /// A toe lower than this (m) at two consecutive frames is in contact.
  double contact_height_m = 0.05;
  /// Contact steps faster than this (m/s, >= 0) count as skating in the ratio.
  double skate_speed_m_s = 0.5;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The per-person figures (see the header comment for definitions).
struct PersonPlausibility {
  double foot_skate_m_s = 0.0;
  double foot_skate_ratio = 0.0;
  /// Toe steps in contact that the two foot figures rest on.
  int contact_steps = 0;
  double floating_mm = 0.0;
  double penetration_mm = 0.0;
  double max_penetration_mm = 0.0;
  double jitter_m_s3 = 0.0;
  double bone_drift_mm = 0.0;
};

struct ClipPlausibility {
  /// One entry per person.
  std::vector<PersonPlausibility> persons;
  /// Mean over persons (foot figures weighted by their contact steps).
  PersonPlausibility person_mean;
  /// Mean and max inter-person penetration over frames and unordered pairs,
  /// mm (0 for one person).
  double interpenetration_mm = 0.0;
  double max_interpenetration_mm = 0.0;
  int num_pairs = 0;
};

/// Measures one clip (P >= 1, T >= 4, fps > 0; throws intersynth::Error
/// otherwise, or when a joint position is not finite; OptionError for bad
/// options).
ClipPlausibility MeasurePlausibility(const MotionClip& clip,
                                     const PlausibilityOptions& options = {});

/// Means of many clips' figures: person figures over every person of every
/// clip (foot figures weighted by contact steps), inter-person figures over
/// the clips with two or more persons (max: the largest).
ClipPlausibility AveragePlausibility(const std::vector<ClipPlausibility>& clips);

/// Distance between segments [p0, p1] and [q0, q1] (either may be a point).
double SegmentDistance(const Eigen::Vector3d& p0,
                       const Eigen::Vector3d& p1,
                       const Eigen::Vector3d& q0,
                       const Eigen::Vector3d& q1);

/// Overlap depth of two capsules: max(0, ra + rb - SegmentDistance).
double CapsulePenetration(const Eigen::Vector3d& a0,
                          const Eigen::Vector3d& a1,
                          double ra,
                          const Eigen::Vector3d& b0,
                          const Eigen::Vector3d& b1,
                          double rb);

}  // namespace intersynth
