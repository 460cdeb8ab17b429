#include "intersynth/motion/features_263.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/foot_contact.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/motion/temporal_filter.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using Quat = Quaternion<double>;  // (w, x, y, z)
using Vec3 = Vector3<double>;

constexpr int kJ = kSmpl22NumJoints;

// q v q^-1 (geometry's QuaternionRotate, with Eigen expressions evaluated).
Vec3 Rotate(const Quat& q, const Vec3& v) { return QuaternionRotate(q, v); }

// Joint j of frame t of a [T, 22, 3] array, in double.
Vec3 JointAt(const float* joints, int t, int j) {
  const float* p = joints + (static_cast<size_t>(t) * kJ + j) * 3;
  return Vec3(p[0], p[1], p[2]);
}

// GaussianFilterRows (motion/temporal_filter.h) of 3-vectors, in double.
std::vector<Vec3> GaussianSmooth(const std::vector<Vec3>& x, double sigma, double truncate) {
  const std::vector<double> weights = GaussianWeights(sigma, truncate);
  const int radius = static_cast<int>(weights.size() / 2);
  const int n = static_cast<int>(x.size());
  std::vector<Vec3> y(x.size(), Vec3::Zero());
  for (int t = 0; t < n; ++t) {
    for (int k = -radius; k <= radius; ++k) {
      y[t] += weights[k + radius] * x[std::clamp(t + k, 0, n - 1)];
    }
  }
  return y;
}

void CheckEncoderInput(const float* joints, int num_frames, const char* what) {
  if (num_frames < 2) {
    throw Error(fmt::format(
        "{}: expected at least 2 frames (features describe frame-to-frame steps), got {}", what,
        num_frames));
  }
  CheckJointsFinite(joints, num_frames, /*person=*/-1, what);
}

}  // namespace

void HumanML3DOptions::Check() const {
  CheckAtLeast(foot_contact_threshold, 0.0f, "foot_contact_threshold");
  CheckFinite(foot_contact_threshold, "foot_contact_threshold");
  CheckFinite(facing_smooth_sigma, "facing_smooth_sigma");
  CheckAtLeast(facing_smooth_truncate, 0.0f, "facing_smooth_truncate");
  CheckFinite(facing_smooth_truncate, "facing_smooth_truncate");
}

std::vector<float> EncodeHumanML3D(const float* joints,
                                   int num_frames,
                                   const HumanML3DOptions& options) {
  options.Check();
  CheckEncoderInput(joints, num_frames, "EncodeHumanML3D");
  const int T = num_frames;
  const int N = T - 1;
  constexpr int D = HumanML3DLayout::kDim;

  // Facing per frame from hips and shoulders, with the format's across-vector
  // quirk (left - right hips + right - left shoulders; see the header).
  std::vector<Vec3> forward(T);
  for (int t = 0; t < T; ++t) {
    Vec3 across =
        (JointAt(joints, t, kSmpl22LeftHip) - JointAt(joints, t, kSmpl22RightHip)) +
        (JointAt(joints, t, kSmpl22RightShoulder) - JointAt(joints, t, kSmpl22LeftShoulder));
    const double n = across.norm();
    if (n > 0.0) across /= n;
    forward[t] = Vec3::UnitY().cross(across);
  }
  if (options.facing_smooth_sigma > 0.0f) {
    forward = GaussianSmooth(forward, options.facing_smooth_sigma, options.facing_smooth_truncate);
  }

  // root_from_world r[t] turns the (smoothed) facing onto +Z; frame 0 is the
  // identity by the format's definition. A vanishing facing (hips and
  // shoulders degenerate over the whole window) keeps the identity.
  std::vector<Quat> root(T, QuaternionIdentity<double>());
  for (int t = 1; t < T; ++t) {
    const double n = forward[t].norm();
    if (n > 1e-12) root[t] = QuaternionBetween(Vec3(forward[t] / n), Vec3(Vec3::UnitZ()));
    if (options.continuous_root_rotation && root[t].dot(root[t - 1]) < 0.0) root[t] = -root[t];
  }

  const std::vector<Quat> local = SwingInverseKinematics(joints, T, root, SwingIkOptions{});

  std::vector<float> features(static_cast<size_t>(N) * D);
  for (int t = 0; t < N; ++t) {
    float* row = features.data() + static_cast<size_t>(t) * D;
    const Vec3 root_now = JointAt(joints, t, 0);
    const Vec3 root_next = JointAt(joints, t + 1, 0);

    // Root: half the yaw step (asin of dq.y), the step in frame t+1's facing
    // frame, and the absolute height.
    const Quat dq = QuaternionMultiply(root[t + 1], QuaternionConjugate(root[t]));
    row[HumanML3DLayout::kRootAngularVelocity] =
        static_cast<float>(std::asin(std::clamp(dq[2], -1.0, 1.0)));
    const Vec3 velocity = Rotate(root[t + 1], root_next - root_now);
    row[HumanML3DLayout::kRootLinearVelocity + 0] = static_cast<float>(velocity.x());
    row[HumanML3DLayout::kRootLinearVelocity + 1] = static_cast<float>(velocity.z());
    row[HumanML3DLayout::kRootHeight] = static_cast<float>(root_now.y());

    // ric: joints 1..21 relative to the root in x and z only, in the facing frame.
    const Vec3 root_xz(root_now.x(), 0.0, root_now.z());
    for (int j = 1; j < kJ; ++j) {
      const Vec3 ric = Rotate(root[t], JointAt(joints, t, j) - root_xz);
      for (int c = 0; c < 3; ++c)
        row[HumanML3DLayout::kRic + 3 * (j - 1) + c] = static_cast<float>(ric[c]);
    }

    // Local rotations of joints 1..21: column 0 then column 1.
    for (int j = 1; j < kJ; ++j) {
      const Eigen::Matrix3d m = QuaternionToMatrix(local[static_cast<size_t>(t) * kJ + j]);
      float* out = row + HumanML3DLayout::kRotations + 6 * (j - 1);
      for (int c = 0; c < 3; ++c) {
        out[c] = static_cast<float>(m(c, 0));
        out[3 + c] = static_cast<float>(m(c, 1));
      }
    }

    // Per-joint displacement to the next frame, in frame t's facing frame.
    for (int j = 0; j < kJ; ++j) {
      const Vec3 v = Rotate(root[t], JointAt(joints, t + 1, j) - JointAt(joints, t, j));
      for (int c = 0; c < 3; ++c)
        row[HumanML3DLayout::kLocalVelocity + 3 * j + c] = static_cast<float>(v[c]);
    }
  }

  // Foot contacts: displacement only (no height test in HumanML3D).
  FootContactOptions contact_options;
  contact_options.max_squared_displacement = options.foot_contact_threshold;
  DetectFootContactsInto(joints, T, contact_options,
                         features.data() + HumanML3DLayout::kFootContacts, D);
  return features;
}

std::vector<float> DecodeHumanML3DRootRotation(const float* features, int num_rows) {
  constexpr int D = HumanML3DLayout::kDim;
  std::vector<float> rotations(static_cast<size_t>(std::max(num_rows, 0)) * 4);
  // a[t] = sum_{s<t} ch0[s]: the cumulative half yaw angle.
  double angle = 0.0;
  for (int t = 0; t < num_rows; ++t) {
    if (t > 0)
      angle += features[static_cast<size_t>(t - 1) * D + HumanML3DLayout::kRootAngularVelocity];
    rotations[4 * t + 0] = static_cast<float>(std::cos(angle));
    rotations[4 * t + 1] = 0.0f;
    rotations[4 * t + 2] = static_cast<float>(std::sin(angle));
    rotations[4 * t + 3] = 0.0f;
  }
  return rotations;
}

std::vector<float> DecodeHumanML3D(const float* features, int num_rows) {
  constexpr int D = HumanML3DLayout::kDim;
  if (num_rows < 1) {
    throw Error(fmt::format("DecodeHumanML3D: expected at least 1 feature row, got {}", num_rows));
  }
  // Only the root and ric channels are read; they must be finite.
  for (int t = 0; t < num_rows; ++t) {
    for (int c = 0; c < HumanML3DLayout::kRotations; ++c) {
      const float v = features[static_cast<size_t>(t) * D + c];
      if (!std::isfinite(v)) {
        throw Error(fmt::format(
            "DecodeHumanML3D: row {}, channel {}: expected a finite value, got {}", t, c, v));
      }
    }
  }

  std::vector<float> joints(static_cast<size_t>(num_rows) * kJ * 3);
  double angle = 0.0;
  Vec3 root = Vec3::Zero();
  for (int t = 0; t < num_rows; ++t) {
    const float* row = features + static_cast<size_t>(t) * D;
    // r[t] from the cumulative half angle; the root's xz integrates the
    // previous row's velocity, turned back to world by r[t]^-1.
    if (t > 0) {
      const float* prev = row - D;
      angle += prev[HumanML3DLayout::kRootAngularVelocity];
    }
    const Quat r(std::cos(angle), 0.0, std::sin(angle), 0.0);
    const Quat world_from_root = QuaternionConjugate(r);
    if (t > 0) {
      const float* prev = row - D;
      const Vec3 step =
          Rotate(world_from_root, Vec3(prev[HumanML3DLayout::kRootLinearVelocity + 0], 0.0,
                                       prev[HumanML3DLayout::kRootLinearVelocity + 1]));
      root.x() += step.x();
      root.z() += step.z();
    }
    root.y() = row[HumanML3DLayout::kRootHeight];

    float* out = joints.data() + static_cast<size_t>(t) * kJ * 3;
    for (int c = 0; c < 3; ++c) out[c] = static_cast<float>(root[c]);
    for (int j = 1; j < kJ; ++j) {
      const float* ric = row + HumanML3DLayout::kRic + 3 * (j - 1);
      const Vec3 p =
          Rotate(world_from_root, Vec3(ric[0], ric[1], ric[2])) + Vec3(root.x(), 0.0, root.z());
      for (int c = 0; c < 3; ++c) out[3 * j + c] = static_cast<float>(p[c]);
    }
  }
  return joints;
}

std::vector<float> CanonicalizeHumanML3DJoints(const float* joints, int num_frames) {
  CheckEncoderInput(joints, num_frames, "CanonicalizeHumanML3DJoints");
  const size_t count = static_cast<size_t>(num_frames) * kJ;

  // Floor: the lowest joint over all frames goes to y = 0.
  double floor = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < count; ++i)
    floor = std::min(floor, static_cast<double>(joints[3 * i + 1]));

  // Facing of frame 0 from hips and shoulders, right minus left for both
  // (this step does not have the encoder's quirk).
  const Vec3 across =
      (JointAt(joints, 0, kSmpl22RightHip) - JointAt(joints, 0, kSmpl22LeftHip)) +
      (JointAt(joints, 0, kSmpl22RightShoulder) - JointAt(joints, 0, kSmpl22LeftShoulder));
  if (across.norm() == 0.0) {
    throw Error(
        "CanonicalizeHumanML3DJoints: frame 0: hips and shoulders give no left-right direction; "
        "expected distinct left and right joints");
  }
  const Vec3 forward = Vec3::UnitY().cross(across.normalized());
  if (forward.norm() < 1e-9) {
    throw Error(
        "CanonicalizeHumanML3DJoints: frame 0: the left-right direction is vertical; "
        "expected an upright body (Y up)");
  }
  const Quat turn = QuaternionBetweenOrIdentity(Vec3(forward.normalized()), Vec3(Vec3::UnitZ()));

  // Move frame 0's root to the XZ origin, then turn everything about +Y.
  const Vec3 origin(joints[0], floor, joints[2]);
  std::vector<float> out(count * 3);
  for (size_t i = 0; i < count; ++i) {
    const Vec3 p = Rotate(turn, Vec3(joints[3 * i], joints[3 * i + 1], joints[3 * i + 2]) - origin);
    for (int c = 0; c < 3; ++c) out[3 * i + c] = static_cast<float>(p[c]);
  }
  return out;
}

}  // namespace intersynth
