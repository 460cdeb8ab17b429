#include "intersynth/motion/feature_augment.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

using L = InterGenLayout;
constexpr int D = L::kDim;
constexpr int kJ = kSmpl22NumJoints;

// Signs of M R M in InterGen's 6D order (R00, R01, R10, R11, R20, R21) for
// M = diag(-1, 1, 1): (M R M)_ab = s_a s_b R_ab with s = (-1, 1, 1), so the
// entries with exactly one index 0 flip: R01, R10, R20 (elements 1, 2, 4).
constexpr std::array<float, 6> kMirrorRotationSigns = {1.0f, -1.0f, -1.0f, 1.0f, -1.0f, 1.0f};

// Foot-contact channel of each contact channel's mirror image: (left ankle,
// left foot, right ankle, right foot) -> (right ankle, right foot, left
// ankle, left foot).
constexpr std::array<int, 4> kMirrorContact = {2, 3, 0, 1};

// Mirrors one 66-float block of 22 points: p'[j] = M p[mirror(j)].
void MirrorPoints(const float* in, float* out) {
  for (int j = 0; j < kJ; ++j) {
    const float* source = in + 3 * kSmpl22MirrorJoint[j];
    out[3 * j + 0] = -source[0];
    out[3 * j + 1] = source[1];
    out[3 * j + 2] = source[2];
  }
}

// ASCII lower-case copy of a word.
std::string Lower(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool IsLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsUpper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }

// `replacement` (lower case) in the case pattern of `original`: all upper
// when every letter of a word longer than one letter is upper, else the
// first letter's case.
std::string MatchCase(std::string_view original, std::string replacement) {
  bool all_upper = original.size() > 1;
  for (char c : original) all_upper = all_upper && (!IsLetter(c) || IsUpper(c));
  if (all_upper) {
    for (char& c : replacement) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else if (!original.empty() && IsUpper(original[0]) && !replacement.empty()) {
    replacement[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(replacement[0])));
  }
  return replacement;
}

// The mirror word of a lower-case whole word, or std::nullopt when it has none.
std::optional<std::string> MirrorWord(const std::string& lower) {
  // One-way map: every direction is listed ("anticlockwise" has no inverse).
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kMirror = {{
      {"left", "right"},
      {"right", "left"},
      {"leftward", "rightward"},
      {"rightward", "leftward"},
      {"leftwards", "rightwards"},
      {"rightwards", "leftwards"},
      {"lefthand", "righthand"},
      {"righthand", "lefthand"},
      {"clockwise", "counterclockwise"},
      {"counterclockwise", "clockwise"},
      {"anticlockwise", "clockwise"},
  }};
  for (const auto& [word, mirror] : kMirror) {
    if (lower == word) return std::string(mirror);
  }
  return std::nullopt;
}

}  // namespace

// Mirror through x = 0, M = diag(-1, 1, 1), m(j) = kSmpl22MirrorJoint[j].
//
// Positions and velocities: the mirror body's joint j sits where the
// original's partner joint m(j) was, reflected: p'_j = M p_m(j) (and
// v'_j = M v_m(j), the difference of two mirrored points).
//
// Rotations (motion_clip.h convention: R_j = R_parent(j) r_j and
// p_j = p_parent(j) + R_j o_j with rest offsets o_j). For a symmetric
// skeleton, o_j = M o_m(j), and m commutes with the parent map. Then
//   p'_j - p'_parent(j) = M R_m(j) o_m(j) = (M R_m(j) M) (M o_m(j)) = (M R_m(j) M) o_j,
// so the mirror body has R'_j = M R_m(j) M (a proper rotation: det M^2 = 1)
// and its local rotations are
//   r'_j = R'_parent^T R'_j = M R_m(parent)^T M M R_m(j) M = M r_m(j) M.
// Rotations computed by swing IK (features_262.h) obey the same rule: the
// shortest arc from M u to M v is M (arc u -> v) M, HumanML3D's raw offsets
// are mirror-symmetric, and the facing root R_y(yaw) mirrors to
// R_y(-yaw) = M R_y(yaw) M. (Exception: a bone exactly opposite its rest
// direction, where the arc's axis is arbitrary.) Element-wise the conjugation
// negates R01, R10 and R20 (kMirrorRotationSigns). The root rotation is not
// stored in the layout.
//
// Contacts: left foot <-> right foot (kMirrorContact).
void MirrorInterGenFeatures(float* values, int64_t num_rows) {
  INTERSYNTH_CHECK(num_rows >= 0) << "num_rows " << num_rows;
  INTERSYNTH_CHECK(num_rows == 0 || values != nullptr) << "null values";
  std::array<float, D> mirrored;
  for (int64_t n = 0; n < num_rows; ++n) {
    float* row = values + n * D;
    MirrorPoints(row + L::kPositions, mirrored.data() + L::kPositions);
    MirrorPoints(row + L::kVelocities, mirrored.data() + L::kVelocities);
    for (int j = 1; j < kJ; ++j) {
      const float* source = row + L::kRotations + 6 * (kSmpl22MirrorJoint[j] - 1);
      float* out = mirrored.data() + L::kRotations + 6 * (j - 1);
      for (int c = 0; c < 6; ++c) out[c] = kMirrorRotationSigns[c] * source[c];
    }
    for (int k = 0; k < 4; ++k) {
      mirrored[L::kFootContacts + k] = row[L::kFootContacts + kMirrorContact[k]];
    }
    std::copy(mirrored.begin(), mirrored.end(), row);
  }
}

std::string MirrorCaption(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  size_t i = 0;
  while (i < text.size()) {
    // Copy everything that is not a letter.
    if (!IsLetter(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    // A whole word: a maximal run of letters.
    size_t end = i;
    while (end < text.size() && IsLetter(text[end])) ++end;
    const std::string_view word(text.data() + i, end - i);
    const std::string lower = Lower(word);

    // "counter-clockwise" / "anti-clockwise": three tokens that mirror to one word.
    if ((lower == "counter" || lower == "anti") && end < text.size() && text[end] == '-') {
      size_t next_end = end + 1;
      while (next_end < text.size() && IsLetter(text[next_end])) ++next_end;
      if (Lower(std::string_view(text.data() + end + 1, next_end - end - 1)) == "clockwise") {
        out += MatchCase(std::string_view(text.data() + i, next_end - i), "clockwise");
        i = next_end;
        continue;
      }
    }

    const std::optional<std::string> mirror = MirrorWord(lower);
    if (mirror) {
      out += MatchCase(word, *mirror);
    } else {
      out.append(word);
    }
    i = end;
  }
  return out;
}

// x_out = R_y(yaw) x_in + (tx, 0, tz) with
// R_y(yaw) = [cos 0 sin; 0 1 0; -sin 0 cos] (YawTransform::Apply); velocities
// are differences of two points, so the translation cancels.
//
// Contacts depend on |p[t+1] - p[t]| and the height y only: invariant.
// Rotations of a kinematic model do not change: the local rotation of joint
// j >= 1 is r_j = R_parent(j)^T R_j, and a yaw Y of the whole body turns
// every global rotation to Y R_j (the root absorbs it), so
// r_j = (Y R_parent)^T (Y R_j). Swing-IK rotations (inverse_kinematics.h)
// are not of that kind: local = R^-1 Between(o, v) takes the shortest arc
// from the rest direction o to the WORLD bone direction v, and
// Between(o, Y v) != Y Between(o, v) (they differ by a twist about Y v), so
// the IK rotations of a turned body differ; RecomputeIkRotations redoes them.
void ApplyYawToFeatureRows(float* values, int64_t num_rows, const YawTransform& t) {
  INTERSYNTH_CHECK(num_rows >= 0) << "num_rows " << num_rows;
  INTERSYNTH_CHECK(num_rows == 0 || values != nullptr) << "null values";
  const double c = std::cos(t.yaw), s = std::sin(t.yaw);
  for (int64_t n = 0; n < num_rows; ++n) {
    float* row = values + n * D;
    for (int j = 0; j < kJ; ++j) {
      float* p = row + L::kPositions + 3 * j;
      const double px = p[0], pz = p[2];
      p[0] = static_cast<float>(c * px + s * pz + t.translation_x);
      p[2] = static_cast<float>(-s * px + c * pz + t.translation_z);
      float* v = row + L::kVelocities + 3 * j;
      const double vx = v[0], vz = v[2];
      v[0] = static_cast<float>(c * vx + s * vz);
      v[2] = static_cast<float>(-s * vx + c * vz);
    }
  }
}

void RecomputeIkRotations(float* values, int64_t num_rows) {
  INTERSYNTH_CHECK(num_rows >= 0) << "num_rows " << num_rows;
  if (num_rows == 0) return;
  INTERSYNTH_CHECK(values != nullptr) << "null values";
  using Quat = Quaternion<double>;

  // Gather the positions [N, 22, 3] and the facing roots R_y(yaw), as
  // EncodeInterGen does: yaw from the hips, else the previous row's (row 0: 0).
  std::vector<float> joints(static_cast<size_t>(num_rows) * kJ * 3);
  std::vector<Quat> roots(num_rows);
  double yaw = 0.0;
  for (int64_t n = 0; n < num_rows; ++n) {
    const float* row = values + n * D + L::kPositions;
    std::copy(row, row + kJ * 3, joints.begin() + n * kJ * 3);
    const std::optional<double> facing = HipFacingYaw(row);
    if (facing) yaw = *facing;
    roots[n] = Quat(std::cos(0.5 * yaw), 0.0, std::sin(0.5 * yaw), 0.0);
  }

  // Swing IK, every local rotation relative to its smpl22 parent, written in
  // InterGen's row-wise 6D order.
  SwingIkOptions ik_options;
  ik_options.arm_chains_from_root = false;
  const std::vector<Quat> local =
      SwingInverseKinematics(joints.data(), static_cast<int>(num_rows), roots, ik_options);
  for (int64_t n = 0; n < num_rows; ++n) {
    float* out = values + n * D + L::kRotations;
    for (int j = 1; j < kJ; ++j) {
      const Rotation6d<double> g =
          MatrixToRotation6dInterGen(QuaternionToMatrix(local[static_cast<size_t>(n) * kJ + j]));
      for (int c = 0; c < 6; ++c) out[6 * (j - 1) + c] = static_cast<float>(g[c]);
    }
  }
}

YawTransform CanonicalizeFeatureRows(float* values,
                                     int num_persons,
                                     int64_t num_rows,
                                     int64_t first_row,
                                     FeatureRotations rotations) {
  if (num_persons < 1 || num_rows < 1) {
    throw Error(fmt::format(
        "CanonicalizeFeatureRows: expected at least 1 person and 1 row, got {} persons and {} "
        "rows",
        num_persons, num_rows));
  }
  if (first_row < 0 || first_row >= num_rows) {
    throw Error(fmt::format("CanonicalizeFeatureRows: first_row {} is outside [0, {})", first_row,
                            num_rows));
  }
  INTERSYNTH_CHECK(values != nullptr) << "null values";

  // The reference: person 0 (the first N rows) at first_row.
  const float* reference = values + first_row * D + L::kPositions;
  for (int j : {kSmpl22Pelvis, kSmpl22LeftHip, kSmpl22RightHip}) {
    for (int k = 0; k < 3; ++k) {
      if (!std::isfinite(reference[3 * j + k])) {
        throw Error(fmt::format(
            "CanonicalizeFeatureRows: person 0, row {}, joint {} ({}): expected a finite "
            "position, got {}",
            first_row, j, kSmpl22JointNames[j], reference[3 * j + k]));
      }
    }
  }
  const std::optional<double> yaw = HipFacingYaw(reference);
  if (!yaw) {
    throw Error(fmt::format(
        "CanonicalizeFeatureRows: person 0, row {}: the hips (joints 1 and 2) are vertically "
        "aligned, so the facing direction that fixes the canonical frame is undefined; expected "
        "an upright body (Y up)",
        first_row));
  }

  // world_from_canonical = (R_y(yaw), root xz); every row moves by its inverse.
  YawTransform world_from_canonical;
  world_from_canonical.yaw = *yaw;
  world_from_canonical.translation_x = reference[3 * kSmpl22Pelvis + 0];
  world_from_canonical.translation_z = reference[3 * kSmpl22Pelvis + 2];
  ApplyYawToFeatureRows(values, static_cast<int64_t>(num_persons) * num_rows,
                        world_from_canonical.Inverse());
  if (rotations == FeatureRotations::kRecomputeIk) {
    for (int p = 0; p < num_persons; ++p) RecomputeIkRotations(values + p * num_rows * D, num_rows);
  }
  return world_from_canonical;
}

}  // namespace intersynth
