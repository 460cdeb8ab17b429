#include "intersynth/body/inverse_kinematics.h"

#include <algorithm>
#include <cmath>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using Quat = Quaternion<double>;  // (w, x, y, z)
using Vec3 = Vector3<double>;
constexpr int kJ = kSmpl22NumJoints;

// Joint j of frame t of a [T, 22, 3] array, in double.
Vec3 JointAt(const float* joints, int t, int j) {
  const float* p = joints + (static_cast<size_t>(t) * kJ + j) * 3;
  return Vec3(p[0], p[1], p[2]);
}

}  // namespace

void SwingIkOptions::Check() const {
  // Every value of every field is valid.
}

std::vector<Quaternion<double>> SwingInverseKinematics(
    const float* joints,
    int num_frames,
    const std::vector<Quaternion<double>>& root_rotations,
    const SwingIkOptions& options) {
  options.Check();
  INTERSYNTH_CHECK(static_cast<int>(root_rotations.size()) == num_frames)
      << root_rotations.size() << " root rotations for " << num_frames << " frames";
  std::vector<Quat> local(static_cast<size_t>(num_frames) * kJ, QuaternionIdentity<double>());
  std::vector<Quat> accumulated(kJ);
  for (int t = 0; t < num_frames; ++t) {
    Quat* out = local.data() + static_cast<size_t>(t) * kJ;
    out[0] = root_rotations[t];
    accumulated[0] = root_rotations[t];
    // The spine chain comes before the arm chains, so spine3's accumulated
    // rotation is known when an arm chain starts from it.
    for (const KinematicChain& chain : kHumanML3DKinematicChains) {
      const int base = chain.joints[0];
      Quat r = options.arm_chains_from_root ? root_rotations[t] : accumulated[base];
      for (int i = 1; i < chain.length; ++i) {
        const int child = chain.joints[i];
        const int parent = chain.joints[i - 1];
        // Swing the rest direction onto the observed bone; the parent's
        // accumulated rotation is divided out to make it local.
        const Vec3 bone = JointAt(joints, t, child) - JointAt(joints, t, parent);
        const double length = bone.norm();
        const auto& o = kHumanML3DRawOffsets[child];
        const Quat swing = length > 0.0
                               ? QuaternionBetween(Vec3(o[0], o[1], o[2]), Vec3(bone / length))
                               : QuaternionIdentity<double>();
        out[child] = QuaternionMultiply(QuaternionConjugate(r), swing);
        r = QuaternionMultiply(r, out[child]);
        accumulated[child] = r;
      }
    }
  }
  return local;
}

std::array<Vec3, kJ> Smpl22RestOffsets(const float* joints, int num_frames) {
  INTERSYNTH_CHECK(num_frames > 0) << "no frames";
  std::array<Vec3, kJ> offsets;
  offsets[0] = Vec3::Zero();
  std::vector<double> lengths(num_frames);
  for (int j = 1; j < kJ; ++j) {
    // The median is robust to a few frames where tracking stretched a bone.
    for (int t = 0; t < num_frames; ++t) {
      lengths[t] = (JointAt(joints, t, j) - JointAt(joints, t, kSmpl22Parents[j])).norm();
    }
    std::nth_element(lengths.begin(), lengths.begin() + num_frames / 2, lengths.end());
    const auto& d = kHumanML3DRawOffsets[j];
    offsets[j] = lengths[num_frames / 2] * Vec3(d[0], d[1], d[2]);
  }
  return offsets;
}

std::vector<float> Smpl22ForwardKinematics(const std::vector<Quat>& local_rotations,
                                           const std::vector<Vec3>& root_positions,
                                           const std::array<Vec3, kJ>& rest_offsets) {
  const int num_frames = static_cast<int>(root_positions.size());
  INTERSYNTH_CHECK(local_rotations.size() == static_cast<size_t>(num_frames) * kJ)
      << local_rotations.size() << " rotations for " << num_frames << " frames";
  std::vector<float> joints(static_cast<size_t>(num_frames) * kJ * 3);
  std::array<Quat, kJ> global;
  std::array<Vec3, kJ> position;
  for (int t = 0; t < num_frames; ++t) {
    const Quat* local = local_rotations.data() + static_cast<size_t>(t) * kJ;
    // R_0 = r_0, p_0 = root; R_j = R_parent r_j, p_j = p_parent + R_j o_j.
    global[0] = local[0];
    position[0] = root_positions[t];
    for (int j = 1; j < kJ; ++j) {
      const int parent = kSmpl22Parents[j];
      global[j] = QuaternionMultiply(global[parent], local[j]);
      position[j] = position[parent] + QuaternionRotate(global[j], rest_offsets[j]);
    }
    for (int j = 0; j < kJ; ++j) {
      for (int c = 0; c < 3; ++c) {
        joints[(static_cast<size_t>(t) * kJ + j) * 3 + c] = static_cast<float>(position[j][c]);
      }
    }
  }
  return joints;
}

std::vector<float> UniformBoneLengths(const float* joints, int num_frames) {
  INTERSYNTH_CHECK(num_frames > 0) << "no frames";
  // With every local rotation relative to its smpl22 parent, FK rebuilds each
  // observed bone direction whatever the root rotation is; the identity will do.
  const std::vector<Quat> identity(num_frames, QuaternionIdentity<double>());
  SwingIkOptions options;
  options.arm_chains_from_root = false;
  const std::vector<Quat> local = SwingInverseKinematics(joints, num_frames, identity, options);
  std::vector<Vec3> roots(num_frames);
  for (int t = 0; t < num_frames; ++t) roots[t] = JointAt(joints, t, 0);
  return Smpl22ForwardKinematics(local, roots, Smpl22RestOffsets(joints, num_frames));
}

std::array<double, kJ> BoneLengthStd(const float* joints, int num_frames) {
  INTERSYNTH_CHECK(num_frames > 0) << "no frames";
  std::array<double, kJ> spread{};
  for (int j = 1; j < kJ; ++j) {
    double sum = 0.0, sum_sq = 0.0;
    for (int t = 0; t < num_frames; ++t) {
      const double length = (JointAt(joints, t, j) - JointAt(joints, t, kSmpl22Parents[j])).norm();
      sum += length;
      sum_sq += length * length;
    }
    const double mean = sum / num_frames;
    spread[j] = std::sqrt(std::max(0.0, sum_sq / num_frames - mean * mean));
  }
  return spread;
}

}  // namespace intersynth
