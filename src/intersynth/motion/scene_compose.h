#pragma once
// Composed multi-person training scenes. Real multi-person motion is scarce
// (DESIGN.md "Data we have"), so the diffusion trainer also draws scenes made
// of 2-4 single-person clips placed in one world, with a caption joined from
// theirs.
//
// Features are RAW InterGen 262-float rows (features_262.h), one world frame
// (Y up, floor y = 0). Placement of an added person p (p >= 1), from its own
// row-0 pelvis c_in = (x, z) of joint 0:
//   yaw   ~ U[0, 2 pi)                             heading, about +Y
//   c     ~ U(disc of radius placement_radius_m)   uniform by area, around the origin:
//           r = R sqrt(u), phi = 2 pi v, c = (r cos phi, r sin phi), u, v ~ U[0, 1)
//   x_scene = R_y(yaw) x_in + (c - R_y(yaw) c_in)  (YawTransform; row 0's pelvis lands on c)
// accepted when, at EVERY row n, the horizontal pelvis distance to every
// already placed person q is at least min_separation_m:
//   (x_p[n] - x_q[n])^2 + (z_p[n] - z_q[n])^2 >= min_separation_m^2,
// measured on the float rows that are returned. Heights and foot contacts are
// untouched; IK rotation channels are recomputed for the turned body
// (ComposeOptions::rotations, feature_augment.h FeatureRotations).

#include <cstdint>
#include <string>
#include <vector>

#include "intersynth/motion/feature_augment.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/util/random.h"

namespace intersynth {

/// How ComposeScene places the added persons.
struct ComposeOptions {
  /// Minimum horizontal (XZ) distance between the pelvis (joint 0) of any
  /// two persons at every row, metres. 0 accepts any placement.
  double min_separation_m = 0.8;
  /// Radius of the disc around the origin in which each added person's row-0
  /// pelvis is drawn, uniformly by area (a disc, not an annulus: positions
  /// too close to a placed person are rejected by the separation test, which
  /// also covers the later rows), metres. Must be > 0.
  double placement_radius_m = 3.0;
  /// Random placements tried per added person before the scene is reported
  /// as failed (success = false). Must be >= 1.
  int max_attempts = 50;
  /// What turning an added person does to its rotation channels
  /// (feature_augment.h): kRecomputeIk for features that EncodeInterGen
  /// computed by IK (clips without stored rotations, the default because the
  /// project's mocap clips store none), kKeep for copied clip rotations.
  FeatureRotations rotations = FeatureRotations::kRecomputeIk;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// A composed scene, or the reason why none was found.
struct ComposedScene {
  /// false when some person could not be placed within max_attempts (an
  /// expected runtime failure: draw other clips or relax the options).
  bool success = false;
  /// Why the placement failed; empty on success.
  std::string message;
  /// Number of persons P (the number of input clips, also on failure).
  int num_persons = 0;
  /// Rows per person N.
  int64_t num_rows = 0;
  /// [P, N, 262] raw features in the scene frame, C order; empty on failure.
  std::vector<float> values;
  /// scene_from_input of each person (person 0: the identity); empty on failure.
  std::vector<YawTransform> placements;

  /// Pointer to row n of person p (262 floats); only when success.
  const float* row(int p, int64_t n) const {
    return values.data() + (static_cast<size_t>(p) * num_rows + n) * InterGenLayout::kDim;
  }
};

/// Composes one scene from single-person raw feature blocks `persons` (each
/// [num_rows, 262], usually canonical: pelvis over the origin facing +Z at
/// row 0; not required). Person 0 is copied unchanged, bit for bit; every
/// other person in turn gets a random heading and row-0 pelvis position
/// (header comment), retried up to options.max_attempts times until its whole
/// pelvis trajectory keeps min_separation_m from every person placed before
/// it. The rows are moved with ApplyYawToFeatureRows (feature_augment.h) and
/// their rotations then recomputed with RecomputeIkRotations when
/// options.rotations is kRecomputeIk, so that the scene equals EncodeInterGen
/// of the composed world clip up to float rounding.
/// Deterministic given the state of `rng` (draw order per attempt: heading,
/// radius, angle). Returns success = false with a message naming the person
/// and the closest approach of its best attempt when a person cannot be
/// placed. Throws OptionError for bad options, Error for no persons, a null
/// block, num_rows < 1 or a pelvis position that is not finite.
ComposedScene ComposeScene(const std::vector<const float*>& persons,
                           int64_t num_rows,
                           Rng& rng,
                           const ComposeOptions& options = {});

/// One caption for a composed scene from the persons' captions, in person
/// order. Each caption is trimmed and loses one trailing period, then its
/// leading subject ("a person", "the person", "someone", "a man", "a woman",
/// "the man", "the woman", "person"; whole words, case-insensitive) is
/// stripped and the clauses are joined:
///   2: "one person A while another B"
///   3: "one person A, another B, and a third C"
///   4: "one person A, another B, a third C, and a fourth D"
/// Commas inside clauses ("walks forward, looking tired"): 2 clauses join
/// with ", while " when the first holds a comma (closing its trailing
/// phrase); 3 or 4 use "; " as the list separator when any holds one, so the
/// items stay apart. "One" is
/// capitalised when the first caption starts with a capital letter.
/// Fallback: when any caption has no recognised subject (or its subject is
/// plural, "a person and their partner ..."), the trimmed captions are joined
/// as they are: "A while B", "A, B, and C", "A, B, C, and D" (the same
/// comma rules). One caption is returned unchanged. Throws Error for 0 or
/// more than 4 captions.
std::string JoinCaptions(const std::vector<std::string>& captions);

}  // namespace intersynth
