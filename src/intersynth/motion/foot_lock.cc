#include "intersynth/motion/foot_lock.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

struct Leg {
  int hip, knee, ankle, toe;
};
constexpr Leg kLegs[] = {{kSmpl22LeftHip, kSmpl22LeftKnee, kSmpl22LeftAnkle, kSmpl22LeftFoot},
                         {kSmpl22RightHip, kSmpl22RightKnee, kSmpl22RightAnkle, kSmpl22RightFoot}};

Eigen::Vector3d At(const MotionClip& clip, int p, int t, int j) {
  const float* q = clip.joint(p, t, j);
  return Eigen::Vector3d(q[0], q[1], q[2]);
}

void Set(MotionClip& clip, int p, int t, int j, const Eigen::Vector3d& x) {
  float* q = clip.joint(p, t, j);
  for (int c = 0; c < 3; ++c) q[c] = static_cast<float>(x[c]);
}

// 0 at x <= 0, 1 at x >= 1, smooth in between.
double Smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3.0 - 2.0 * x);
}

// The horizontal shift of one toe over the clip (see the header comment),
// as (dx, dz) per frame; counts contacts and frames.
std::vector<Eigen::Vector2d> ToeShifts(
    const MotionClip& clip, int p, int toe, const FootLockOptions& options, FootLockStats& stats) {
  const int frames = clip.num_frames;
  const double max_step = options.max_speed_m_s / clip.fps;
  auto xz = [&](int t) {
    const float* q = clip.joint(p, t, toe);
    return Eigen::Vector2d(q[0], q[2]);
  };
  std::vector<uint8_t> rests(frames, 0);
  for (int t = 0; t < frames; ++t) {
    double step = 0.0;
    if (t > 0) step = std::max(step, (xz(t) - xz(t - 1)).norm());
    if (t + 1 < frames) step = std::max(step, (xz(t + 1) - xz(t)).norm());
    rests[t] = clip.joint(p, t, toe)[1] < options.contact_height_m && step < max_step ? 1 : 0;
  }
  // Contacts: [first, last] runs of resting frames.
  std::vector<std::pair<int, int>> contacts;
  for (int t = 0; t < frames;) {
    if (!rests[t]) {
      ++t;
      continue;
    }
    int last = t;
    while (last + 1 < frames && rests[last + 1]) ++last;
    if (last - t + 1 >= options.min_frames) contacts.emplace_back(t, last);
    t = last + 1;
  }
  std::vector<Eigen::Vector2d> shift(frames, Eigen::Vector2d::Zero());
  if (contacts.empty()) return shift;
  std::vector<Eigen::Vector2d> first_shift, last_shift;
  for (const auto& [first, last] : contacts) {
    Eigen::Vector2d target = Eigen::Vector2d::Zero();
    for (int t = first; t <= last; ++t) target += xz(t);
    target /= static_cast<double>(last - first + 1);
    for (int t = first; t <= last; ++t) {
      shift[t] = target - xz(t);
      stats.max_shift_m = std::max(stats.max_shift_m, shift[t].norm());
    }
    first_shift.push_back(shift[first]);
    last_shift.push_back(shift[last]);
    ++stats.contacts;
    stats.locked_frames += last - first + 1;
  }
  // Fades before the first contact, between contacts and after the last.
  const int blend = options.blend_frames;
  for (size_t k = 0; k <= contacts.size(); ++k) {
    const int gap_first = k == 0 ? 0 : contacts[k - 1].second + 1;
    const int gap_last = k == contacts.size() ? frames - 1 : contacts[k].first - 1;
    if (gap_last < gap_first) continue;
    const bool before = k > 0;               // a contact ends at gap_first - 1
    const bool after = k < contacts.size();  // a contact starts at gap_last + 1
    const int gap = gap_last - gap_first + 1;
    for (int t = gap_first; t <= gap_last; ++t) {
      if (before && after && gap <= 2 * blend) {
        const double w = Smoothstep(static_cast<double>(t - gap_first + 1) / (gap + 1));
        shift[t] = (1.0 - w) * last_shift[k - 1] + w * first_shift[k];
        continue;
      }
      Eigen::Vector2d s = Eigen::Vector2d::Zero();
      if (before && blend > 0)
        s += (1.0 - Smoothstep(static_cast<double>(t - gap_first + 1) / (blend + 1))) *
             last_shift[k - 1];
      if (after && blend > 0)
        s += (1.0 - Smoothstep(static_cast<double>(gap_last + 1 - t) / (blend + 1))) *
             first_shift[k];
      shift[t] = s;
    }
  }
  return shift;
}

// Moves the ankle (and the toe with it) by `shift`, or by as much of it as
// the leg reaches, and bends the knee to follow (see the header comment).
// Returns false when the leg could not reach the whole shift.
bool MoveFoot(MotionClip& clip, int p, int t, const Leg& leg, const Eigen::Vector2d& shift) {
  const Eigen::Vector3d hip = At(clip, p, t, leg.hip);
  const Eigen::Vector3d knee = At(clip, p, t, leg.knee);
  const Eigen::Vector3d ankle = At(clip, p, t, leg.ankle);
  const Eigen::Vector3d toe = At(clip, p, t, leg.toe);
  const double thigh = (knee - hip).norm();
  const double shin = (ankle - knee).norm();
  const double reach_max = (thigh + shin) * (1.0 - 1e-6);
  const double reach_min = std::abs(thigh - shin) * (1.0 + 1e-6) + 1e-6;
  const Eigen::Vector3d step(shift.x(), 0.0, shift.y());
  const Eigen::Vector3d from_hip = ankle - hip;
  // The largest share of the step within the leg's reach: |from_hip + l
  // step| = reach_max, solved for l in [0, 1] (heights never change).
  double share = 1.0;
  if ((from_hip + step).norm() > reach_max) {
    const double a = step.squaredNorm();
    const double b = 2.0 * from_hip.dot(step);
    const double c = from_hip.squaredNorm() - reach_max * reach_max;
    share =
        c >= 0.0 ? 0.0 : std::clamp((-b + std::sqrt(b * b - 4.0 * a * c)) / (2.0 * a), 0.0, 1.0);
  }
  const Eigen::Vector3d target = ankle + share * step;
  const Eigen::Vector3d to_target = target - hip;
  const double d = to_target.norm();
  if (share == 0.0 || d < reach_min) return false;
  const Eigen::Vector3d axis = to_target / d;
  // The knee on the circle where the thigh and shin spheres meet, towards
  // the old bend.
  const double along = (thigh * thigh - shin * shin + d * d) / (2.0 * d);
  const double radius = std::sqrt(std::max(0.0, thigh * thigh - along * along));
  Eigen::Vector3d bend = (knee - hip) - (knee - hip).dot(axis) * axis;
  if (bend.norm() < 1e-9) {
    // A straight leg: bend the knee the way the foot points.
    bend = (toe - ankle) - (toe - ankle).dot(axis) * axis;
    if (bend.norm() < 1e-9) bend = Eigen::Vector3d::UnitZ() - axis.z() * axis;
  }
  bend.normalize();
  Set(clip, p, t, leg.knee, hip + along * axis + radius * bend);
  Set(clip, p, t, leg.ankle, target);
  Set(clip, p, t, leg.toe, toe + share * step);
  return share == 1.0;
}

}  // namespace

void FootLockOptions::Check() const {
  CheckPositive(contact_height_m, "contact_height_m");
  CheckPositive(max_speed_m_s, "max_speed_m_s");
  CheckAtLeast(min_frames, 1, "min_frames");
  CheckAtLeast(blend_frames, 0, "blend_frames");
}

FootLockStats LockFeet(MotionClip& clip, const FootLockOptions& options) {
  options.Check();
  FootLockStats stats;
  if (clip.num_frames < 2) return stats;
  for (int p = 0; p < clip.num_persons; ++p)
    CheckJointsFinite(clip.person(p), clip.num_frames, p, "foot locking");
  for (int p = 0; p < clip.num_persons; ++p) {
    for (const Leg& leg : kLegs) {
      const std::vector<Eigen::Vector2d> shift = ToeShifts(clip, p, leg.toe, options, stats);
      for (int t = 0; t < clip.num_frames; ++t) {
        if (shift[t].squaredNorm() == 0.0) continue;
        if (!MoveFoot(clip, p, t, leg, shift[t])) ++stats.unreachable_frames;
      }
    }
  }
  clip.rotations.clear();
  return stats;
}

}  // namespace intersynth
