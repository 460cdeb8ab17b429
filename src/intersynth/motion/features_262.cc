#include "intersynth/motion/features_262.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/features_263.h"
#include "intersynth/motion/foot_contact.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using Quat = Quaternion<double>;

constexpr int kJ = kSmpl22NumJoints;
constexpr int D = InterGenLayout::kDim;

// R_y(yaw) as a quaternion: (cos(yaw/2), 0, sin(yaw/2), 0).
Quat YawQuaternion(double yaw) { return Quat(std::cos(0.5 * yaw), 0.0, std::sin(0.5 * yaw), 0.0); }

// Facing yaw per frame of one person's joints [T, 22, 3]; a frame with
// vertically aligned hips keeps the previous frame's yaw (frame 0: 0 = +Z).
std::vector<double> FacingYaws(const float* joints, int num_frames) {
  std::vector<double> yaws(num_frames, 0.0);
  for (int t = 0; t < num_frames; ++t) {
    const std::optional<double> yaw = HipFacingYaw(joints + static_cast<size_t>(t) * kJ * 3);
    yaws[t] = yaw ? *yaw : (t > 0 ? yaws[t - 1] : 0.0);
  }
  return yaws;
}

void CheckClip(const MotionClip& clip) {
  if (clip.num_persons < 1) {
    throw Error(
        fmt::format("EncodeInterGen: expected at least 1 person, got {}", clip.num_persons));
  }
  if (clip.num_frames < 2) {
    throw Error(
        fmt::format("EncodeInterGen: expected at least 2 frames (features describe frame-to-frame "
                    "steps), got {}",
                    clip.num_frames));
  }
  const size_t frames = static_cast<size_t>(clip.num_persons) * clip.num_frames;
  if (clip.joints.size() != frames * kJ * 3) {
    throw Error(
        fmt::format("EncodeInterGen: joints hold {} values, expected [P={}, T={}, 22, 3] = {}",
                    clip.joints.size(), clip.num_persons, clip.num_frames, frames * kJ * 3));
  }
  if (!clip.rotations.empty() && clip.rotations.size() != frames * kJ * 6) {
    throw Error(
        fmt::format("EncodeInterGen: rotations hold {} values, expected [P={}, T={}, 22, 6] = {}",
                    clip.rotations.size(), clip.num_persons, clip.num_frames, frames * kJ * 6));
  }
  for (int p = 0; p < clip.num_persons; ++p) {
    CheckJointsFinite(clip.person(p), clip.num_frames, p, "EncodeInterGen");
  }
  for (size_t i = 0; i < clip.rotations.size(); ++i) {
    if (!std::isfinite(clip.rotations[i])) {
      const size_t joint = i / 6;
      throw Error(fmt::format(
          "EncodeInterGen: rotations: person {}, frame {}, joint {} ({}): expected finite "
          "values, got {}",
          joint / (static_cast<size_t>(clip.num_frames) * kJ), (joint / kJ) % clip.num_frames,
          joint % kJ, kSmpl22JointNames[joint % kJ], clip.rotations[i]));
    }
  }
}

}  // namespace

void YawTransform::Apply(float* point) const {
  const double c = std::cos(yaw), s = std::sin(yaw);
  const double x = point[0], z = point[2];
  point[0] = static_cast<float>(c * x + s * z + translation_x);
  point[2] = static_cast<float>(-s * x + c * z + translation_z);
}

YawTransform YawTransform::Inverse() const {
  // x_in = R_y(-yaw) x_out - R_y(-yaw) t.
  const double c = std::cos(yaw), s = std::sin(yaw);
  YawTransform inverse;
  inverse.yaw = -yaw;
  inverse.translation_x = -(c * translation_x - s * translation_z);
  inverse.translation_z = -(s * translation_x + c * translation_z);
  return inverse;
}

std::optional<double> HipFacingYaw(const float* frame_joints) {
  const float* left = frame_joints + 3 * kSmpl22LeftHip;
  const float* right = frame_joints + 3 * kSmpl22RightHip;
  // f = (0,1,0) x d = (d.z, 0, -d.x) for d = right - left.
  const double fx = static_cast<double>(right[2]) - left[2];
  const double fz = -(static_cast<double>(right[0]) - left[0]);
  if (std::hypot(fx, fz) <= 1e-9) return std::nullopt;
  return std::atan2(fx, fz);
}

YawTransform WorldFromCanonical(const MotionClip& clip, const std::string& what) {
  if (clip.num_persons < 1 || clip.num_frames < 1 ||
      clip.joints.size() < static_cast<size_t>(kJ) * 3) {
    throw Error(
        fmt::format("{}: the clip has no person or no frame to fix the canonical frame", what));
  }
  const std::optional<double> yaw0 = HipFacingYaw(clip.person(0));
  if (!yaw0) {
    throw Error(fmt::format(
        "{}: person 0, frame 0: the hips (joints 1 and 2) are vertically aligned, so the facing "
        "direction that fixes the canonical frame is undefined; expected an upright body (Y up)",
        what));
  }
  YawTransform world_from_canonical;
  world_from_canonical.yaw = *yaw0;
  world_from_canonical.translation_x = clip.joint(0, 0, 0)[0];
  world_from_canonical.translation_z = clip.joint(0, 0, 0)[2];
  return world_from_canonical;
}

YawTransform CanonicalizeClip(MotionClip& clip) {
  const YawTransform world_from_canonical = WorldFromCanonical(clip, "CanonicalizeClip");
  const YawTransform canonical_from_world = world_from_canonical.Inverse();
  for (size_t i = 0; i + 3 <= clip.joints.size(); i += 3) {
    canonical_from_world.Apply(clip.joints.data() + i);
  }
  for (size_t i = 0; i + 3 <= clip.root_translation.size(); i += 3) {
    canonical_from_world.Apply(clip.root_translation.data() + i);
  }
  // Root rotations: R' = R_y(-yaw) R, i.e. both stored columns turned (no translation).
  YawTransform turn = canonical_from_world;
  turn.translation_x = turn.translation_z = 0.0;
  const size_t frames = static_cast<size_t>(clip.num_persons) * clip.num_frames;
  if (clip.rotations.size() == frames * kJ * 6) {
    for (size_t f = 0; f < frames; ++f) {
      float* root = clip.rotations.data() + f * kJ * 6;
      turn.Apply(root);
      turn.Apply(root + 3);
    }
  }
  return world_from_canonical;
}

void InterGenOptions::Check() const {
  CheckAtLeast(foot_contact_threshold, 0.0f, "foot_contact_threshold");
  CheckFinite(foot_contact_threshold, "foot_contact_threshold");
  CheckFinite(ankle_height_threshold, "ankle_height_threshold");
  CheckFinite(foot_height_threshold, "foot_height_threshold");
}

InterGenFeatures EncodeInterGen(const MotionClip& clip, const InterGenOptions& options) {
  options.Check();
  CheckClip(clip);
  const int P = clip.num_persons;
  const int T = clip.num_frames;
  const int N = T - 1;

  // The canonical frame: person 0 at frame 0, root over the origin, facing +Z.
  InterGenFeatures features;
  features.num_persons = P;
  features.num_rows = N;
  features.fps = clip.fps;
  features.world_from_canonical = WorldFromCanonical(clip, "EncodeInterGen");
  const YawTransform canonical_from_world = features.world_from_canonical.Inverse();
  features.values.assign(static_cast<size_t>(P) * N * D, 0.0f);

  FootContactOptions contact_options;
  contact_options.max_squared_displacement = options.foot_contact_threshold;
  contact_options.max_height = {options.ankle_height_threshold, options.foot_height_threshold,
                                options.ankle_height_threshold, options.foot_height_threshold};
  const bool copy_rotations = options.use_clip_rotations && !clip.rotations.empty();

  std::vector<float> canonical(static_cast<size_t>(T) * kJ * 3);
  for (int p = 0; p < P; ++p) {
    // Every person moves rigidly into the one canonical frame (y unchanged).
    std::copy(clip.person(p), clip.person(p) + canonical.size(), canonical.begin());
    for (size_t i = 0; i < canonical.size(); i += 3) canonical_from_world.Apply(&canonical[i]);

    // Positions and velocities. The velocity is the float difference of the
    // stored positions, so that it equals the finite difference of the
    // position channels exactly.
    for (int t = 0; t < N; ++t) {
      float* row = features.row(p, t);
      const float* now = canonical.data() + static_cast<size_t>(t) * kJ * 3;
      const float* next = now + kJ * 3;
      for (int i = 0; i < kJ * 3; ++i) {
        row[InterGenLayout::kPositions + i] = now[i];
        row[InterGenLayout::kVelocities + i] = next[i] - now[i];
      }
    }

    // Local rotations of joints 1..21 in InterGen's row-wise 6D order.
    if (copy_rotations) {
      for (int t = 0; t < N; ++t) {
        float* row = features.row(p, t);
        for (int j = 1; j < kJ; ++j) {
          const float* d =
              clip.rotations.data() + (((static_cast<size_t>(p) * T + t) * kJ + j) * 6);
          float* out = row + InterGenLayout::kRotations + 6 * (j - 1);
          // (R00, R10, R20, R01, R11, R21) -> (R00, R01, R10, R11, R20, R21).
          const Rotation6d<float> g = Rotation6dStandardToInterGen(
              Rotation6d<float>(Eigen::Map<const Rotation6d<float>>(d)));
          for (int c = 0; c < 6; ++c) out[c] = g[c];
        }
      }
    } else {
      // Swing IK from the facing root (world_from_body = R_y(facing yaw)).
      const std::vector<double> yaws = FacingYaws(canonical.data(), T);
      std::vector<Quat> roots(T);
      for (int t = 0; t < T; ++t) roots[t] = YawQuaternion(yaws[t]);
      SwingIkOptions ik_options;
      ik_options.arm_chains_from_root = false;
      const std::vector<Quat> local =
          SwingInverseKinematics(canonical.data(), T, roots, ik_options);
      for (int t = 0; t < N; ++t) {
        float* row = features.row(p, t);
        for (int j = 1; j < kJ; ++j) {
          const Rotation6d<double> g = MatrixToRotation6dInterGen(
              QuaternionToMatrix(local[static_cast<size_t>(t) * kJ + j]));
          for (int c = 0; c < 6; ++c)
            row[InterGenLayout::kRotations + 6 * (j - 1) + c] = static_cast<float>(g[c]);
        }
      }
    }

    // Foot contacts (heights are world heights: y is not shifted).
    DetectFootContactsInto(canonical.data(), T, contact_options,
                           features.row(p, 0) + InterGenLayout::kFootContacts, D);
  }
  return features;
}

MotionClip DecodeInterGen(const InterGenFeatures& features, bool to_world) {
  const int P = features.num_persons;
  const int N = features.num_rows;
  if (P < 1 || N < 1) {
    throw Error(fmt::format(
        "DecodeInterGen: expected at least 1 person and 1 row, got {} persons and {} rows", P, N));
  }
  if (features.values.size() != static_cast<size_t>(P) * N * D) {
    throw Error(fmt::format("DecodeInterGen: {} values, expected [P={}, N={}, 262] = {}",
                            features.values.size(), P, N, static_cast<size_t>(P) * N * D));
  }
  // Only the position and rotation channels are read; they must be finite.
  for (int p = 0; p < P; ++p) {
    for (int n = 0; n < N; ++n) {
      const float* row = features.row(p, n);
      for (int c = 0; c < InterGenLayout::kFootContacts; ++c) {
        if (c >= InterGenLayout::kVelocities && c < InterGenLayout::kRotations) continue;
        if (!std::isfinite(row[c])) {
          throw Error(fmt::format(
              "DecodeInterGen: person {}, row {}, channel {}: expected a finite value, got {}", p,
              n, c, row[c]));
        }
      }
    }
  }

  MotionClip clip = MotionClip::Zeros(P, N, features.fps);
  clip.rotations.assign(static_cast<size_t>(P) * N * kJ * 6, 0.0f);
  for (int p = 0; p < P; ++p) {
    // Positions, optionally back to the world.
    for (int n = 0; n < N; ++n) {
      const float* row = features.row(p, n);
      float* out = clip.joint(p, n, 0);
      std::copy(row + InterGenLayout::kPositions, row + InterGenLayout::kPositions + kJ * 3, out);
      if (to_world) {
        for (int j = 0; j < kJ; ++j) features.world_from_canonical.Apply(out + 3 * j);
      }
    }

    // Rotations: the root from the decoded hips, joints 1..21 from the channels.
    const std::vector<double> yaws = FacingYaws(clip.person(p), N);
    for (int n = 0; n < N; ++n) {
      const float* row = features.row(p, n);
      float* out = clip.rotations.data() + (static_cast<size_t>(p) * N + n) * kJ * 6;
      const Rotation6d<double> root =
          MatrixToRotation6d(QuaternionToMatrix(YawQuaternion(yaws[n])));
      for (int c = 0; c < 6; ++c) out[c] = static_cast<float>(root[c]);
      for (int j = 1; j < kJ; ++j) {
        Rotation6d<double> g;
        for (int c = 0; c < 6; ++c) g[c] = row[InterGenLayout::kRotations + 6 * (j - 1) + c];
        const Rotation6d<double> d = MatrixToRotation6d(Rotation6dInterGenToMatrix(g));
        for (int c = 0; c < 6; ++c) out[6 * j + c] = static_cast<float>(d[c]);
      }
    }
  }
  return clip;
}

void RebuildJointsFromRotations(MotionClip& clip) {
  const int P = clip.num_persons, N = clip.num_frames;
  if (clip.rotations.size() != static_cast<size_t>(P) * N * kJ * 6) {
    throw Error(fmt::format(
        "RebuildJointsFromRotations: the clip has {} rotation values, expected [P={}, N={}, 22, 6]",
        clip.rotations.size(), P, N));
  }
  for (int p = 0; p < P; ++p) {
    const std::array<Vector3<double>, kSmpl22NumJoints> offsets =
        Smpl22RestOffsets(clip.joint(p, 0, 0), N);
    std::vector<Quaternion<double>> local(static_cast<size_t>(N) * kJ);
    std::vector<Vector3<double>> roots(N);
    for (int n = 0; n < N; ++n) {
      const float* rotation = clip.rotations.data() + (static_cast<size_t>(p) * N + n) * kJ * 6;
      for (int j = 0; j < kJ; ++j) {
        Rotation6d<double> d;
        for (int c = 0; c < 6; ++c) d[c] = rotation[6 * j + c];
        local[static_cast<size_t>(n) * kJ + j] = Rotation6dToQuaternion(d);
      }
      const float* root = clip.joint(p, n, 0);
      roots[n] = Vector3<double>(root[0], root[1], root[2]);
    }
    const std::vector<float> joints = Smpl22ForwardKinematics(local, roots, offsets);
    std::copy(joints.begin(), joints.end(), clip.joint(p, 0, 0));
  }
}

}  // namespace intersynth
