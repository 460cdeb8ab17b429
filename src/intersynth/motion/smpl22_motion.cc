#include "intersynth/motion/smpl22_motion.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "intersynth/geometry/rotation.h"
#include "intersynth/util/error.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using Joints3 = std::array<Matrix3<double>, kSmpl22NumJoints>;
using Points3 = std::array<Vector3<double>, kSmpl22NumJoints>;

// Forward kinematics along the smpl22 parents on kSmpl22SyntheticRestOffsets:
//   G_0 = L_0, p_0 = root;  G_j = G_parent L_j, p_j = p_parent + G_parent offset_j.
void SyntheticForwardKinematics(const Joints3& local,
                                const Vector3<double>& root,
                                Joints3* global,
                                Points3* position) {
  (*global)[0] = local[0];
  (*position)[0] = root;
  for (int j = 1; j < kSmpl22NumJoints; ++j) {
    const int parent = kSmpl22Parents[j];
    const auto& o = kSmpl22SyntheticRestOffsets[j];
    (*global)[j] = (*global)[parent] * local[j];
    (*position)[j] = (*position)[parent] + (*global)[parent] * Vector3<double>(o[0], o[1], o[2]);
  }
}

}  // namespace

void CheckJointsFinite(const float* joints, int num_frames, int person, std::string_view what) {
  for (int t = 0; t < num_frames; ++t) {
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      const float* p = joints + (static_cast<size_t>(t) * kSmpl22NumJoints + j) * 3;
      if (std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2])) continue;
      const std::string who = person >= 0 ? fmt::format("person {}, ", person) : std::string();
      throw Error(fmt::format(
          "{}: {}frame {}, joint {} ({}): expected finite joint positions, got ({}, {}, {})", what,
          who, t, j, kSmpl22JointNames[j], p[0], p[1], p[2]));
    }
  }
}

MotionClip SyntheticActionMotion(SyntheticAction action, int num_frames, uint64_t seed) {
  INTERSYNTH_CHECK(num_frames >= 0) << num_frames << " frames";
  using Mat = Matrix3<double>;
  using Vec = Vector3<double>;
  const auto rx = [](double a) { return AxisAngleToMatrix(Vec(a, 0.0, 0.0)); };
  const auto ry = [](double a) { return AxisAngleToMatrix(Vec(0.0, a, 0.0)); };
  const auto rz = [](double a) { return AxisAngleToMatrix(Vec(0.0, 0.0, a)); };
  Rng rng(seed);
  const double heading = rng.Uniform(-EIGEN_PI, EIGEN_PI);
  const double speed = rng.Uniform(0.04, 0.065);  // m/frame when walking
  const double phase0 = rng.Uniform(0.0, 2.0 * EIGEN_PI);
  // The movement of the standing actions: up from `start` over `ramp`
  // frames, held, down again before the end.
  const double start = rng.Uniform(0.1, 0.3) * num_frames;
  const double ramp = rng.Uniform(0.15, 0.25) * num_frames;
  const double hold = rng.Uniform(0.15, 0.3) * num_frames;
  const double amplitude = rng.Uniform(0.85, 1.0);
  const double sway = rng.Uniform(0.01, 0.03);  // m
  auto level = [&](int t) {                     // 0 -> 1 -> 0, smooth
    auto smooth = [](double x) {
      x = std::clamp(x, 0.0, 1.0);
      return x * x * (3.0 - 2.0 * x);
    };
    return amplitude * (smooth((t - start) / ramp) - smooth((t - start - ramp - hold) / ramp));
  };

  MotionClip clip = MotionClip::Zeros(1, num_frames, 20.0f);
  Vec root(0.0, 0.93, 0.0);
  std::array<Mat, kSmpl22NumJoints> local, global;
  std::array<Vec, kSmpl22NumJoints> position;
  for (int t = 0; t < num_frames; ++t) {
    for (Mat& m : local) m.setIdentity();
    const double s = level(t);
    double gait = 0.0;
    local[0] = ry(heading);
    local[16] = rz(-1.3);  // arms hanging
    local[17] = rz(1.3);
    local[18] = ry(0.3);
    local[19] = ry(-0.3);
    local[12] = rx(0.05 * std::sin(0.1 * t + phase0));  // a slight nod
    switch (action) {
      case SyntheticAction::kWalk:
        gait = 1.0;
        if (t > 0) {
          root.x() += speed * std::sin(heading);
          root.z() += speed * std::cos(heading);
        }
        break;
      case SyntheticAction::kRaiseLeftHand:  // the shoulder swings the arm up to the side
        local[16] = rz(-1.3 + 2.7 * s);
        local[18] = ry(0.3 * (1.0 - s));
        break;
      case SyntheticAction::kRaiseRightHand:
        local[17] = rz(1.3 - 2.7 * s);
        local[19] = ry(-0.3 * (1.0 - s));
        break;
      case SyntheticAction::kSquat:
        local[1] = rx(-1.2 * s);  // hips flex, knees bend, ankles take the shin forward
        local[2] = rx(-1.2 * s);
        local[4] = rx(1.9 * s);
        local[5] = rx(1.9 * s);
        local[7] = rx(-0.7 * s);
        local[8] = rx(-0.7 * s);
        local[3] = rx(0.5 * s);  // the trunk leans forward
        break;
    }
    if (gait > 0.0) {
      const double phi = phase0 + 0.35 * t;
      local[0] = ry(heading) * rx(0.04 * std::sin(2.0 * phi));
      local[1] = rx(-0.45 * std::sin(phi));
      local[2] = rx(0.45 * std::sin(phi));
      local[4] = rx(0.7 * 0.5 * (1.0 + std::sin(phi + 1.0)));
      local[5] = rx(0.7 * 0.5 * (1.0 + std::sin(phi + 1.0 + EIGEN_PI)));
      local[16] = rz(-1.3) * rx(0.4 * std::sin(phi));
      local[17] = rz(1.3) * rx(-0.4 * std::sin(phi));
      root.y() = 0.93 + 0.015 * std::cos(2.0 * phi);
    } else {
      // Standing people sway a little (a few cm at ~0.3 Hz), as real ones do.
      root.x() = sway * std::sin(0.09 * t + phase0);
      root.z() = 0.5 * sway * std::sin(0.07 * t + 2.0 * phase0);
      root.y() = 0.93 - (action == SyntheticAction::kSquat ? 0.42 * s : 0.0);
    }
    SyntheticForwardKinematics(local, root, &global, &position);
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      float* out = clip.joint(0, t, j);
      for (int c = 0; c < 3; ++c) out[c] = static_cast<float>(position[j][c]);
    }
  }
  return clip;
}

MotionClip SyntheticSmpl22Motion(int num_persons,
                                 int num_frames,
                                 uint64_t seed,
                                 bool with_rotations) {
  INTERSYNTH_CHECK(num_persons >= 0 && num_frames >= 0)
      << num_persons << " persons, " << num_frames << " frames";
  using Mat = Matrix3<double>;
  using Vec = Vector3<double>;
  const auto rx = [](double a) { return AxisAngleToMatrix(Vec(a, 0.0, 0.0)); };
  const auto ry = [](double a) { return AxisAngleToMatrix(Vec(0.0, a, 0.0)); };
  const auto rz = [](double a) { return AxisAngleToMatrix(Vec(0.0, 0.0, a)); };

  MotionClip clip = MotionClip::Zeros(num_persons, num_frames, 20.0f);
  if (with_rotations)
    clip.rotations.assign(static_cast<size_t>(num_persons) * num_frames * kSmpl22NumJoints * 6,
                          0.0f);
  Rng rng(seed);
  for (int p = 0; p < num_persons; ++p) {
    // Per-person parameters.
    const double start_x = rng.Uniform(-2.0, 2.0), start_z = rng.Uniform(-2.0, 2.0);
    const double heading = rng.Uniform(-EIGEN_PI, EIGEN_PI);
    const double max_speed = rng.Uniform(0.03, 0.065);       // m/frame
    const double turn_rate = rng.Uniform(-0.03, 0.03);       // rad/frame
    const double phase0 = rng.Uniform(0.0, 2.0 * EIGEN_PI);  // gait phase
    const double stop_phase = rng.Uniform(0.0, 2.0 * EIGEN_PI);

    Vec root(start_x, 0.93, start_z);
    std::array<Mat, kSmpl22NumJoints> local, global;
    std::array<Vec, kSmpl22NumJoints> position;
    for (int t = 0; t < num_frames; ++t) {
      // Speed eases between a standstill and max_speed (period 120 frames);
      // the gait amplitude follows it.
      const double a = 0.5 * (1.0 - std::cos(2.0 * EIGEN_PI * t / 120.0 + stop_phase));
      const double speed = max_speed * a;
      const double yaw = heading + turn_rate * t;
      const double phi = phase0 + 0.35 * t;
      if (t > 0) {
        root.x() += speed * std::sin(yaw);
        root.z() += speed * std::cos(yaw);
      }
      root.y() = 0.93 + 0.015 * a * std::cos(2.0 * phi);

      for (Mat& m : local) m.setIdentity();
      local[0] = ry(yaw) * rx(0.04 * a * std::sin(2.0 * phi));
      local[1] = rx(-0.45 * a * std::sin(phi));                               // left hip
      local[2] = rx(0.45 * a * std::sin(phi));                                // right hip
      local[3] = ry(0.12 * a * std::sin(phi));                                // spine twist
      local[4] = rx(0.7 * a * 0.5 * (1.0 + std::sin(phi + 1.0)));             // left knee
      local[5] = rx(0.7 * a * 0.5 * (1.0 + std::sin(phi + 1.0 + EIGEN_PI)));  // right knee
      local[7] = rx(-0.2 * a * std::sin(phi + 0.5));                          // left ankle
      local[8] = rx(0.2 * a * std::sin(phi + 0.5));                           // right ankle
      local[12] = rx(0.1 * std::sin(0.05 * t + p));                           // neck nod
      local[16] = rz(-1.3) * rx(0.4 * a * std::sin(phi));                     // left shoulder
      local[17] = rz(1.3) * rx(-0.4 * a * std::sin(phi));                     // right shoulder
      local[18] = ry(0.3 + 0.2 * a * (1.0 + std::sin(phi)));                  // left elbow
      local[19] = ry(-0.3 - 0.2 * a * (1.0 - std::sin(phi)));                 // right elbow

      SyntheticForwardKinematics(local, root, &global, &position);
      for (int j = 0; j < kSmpl22NumJoints; ++j) {
        float* out = clip.joint(p, t, j);
        for (int c = 0; c < 3; ++c) out[c] = static_cast<float>(position[j][c]);
        if (with_rotations) {
          // Stored in the motion file's convention (motion_clip.h): joint j
          // holds the rotation of the bone that ends at j, i.e. the SMPL-style
          // rotation of its parent; bones leaving the root hold the identity.
          const int parent = kSmpl22Parents[j];
          const Mat stored = j == 0 ? local[0] : parent == 0 ? Mat::Identity() : local[parent];
          const Rotation6d<double> d = MatrixToRotation6d(stored);
          float* r = clip.rotations.data() + clip.JointIndex(p, t, j) * 2;
          for (int c = 0; c < 6; ++c) r[c] = static_cast<float>(d[c]);
        }
      }
    }
  }
  return clip;
}

}  // namespace intersynth
