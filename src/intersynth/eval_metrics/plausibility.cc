#include "intersynth/eval_metrics/plausibility.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "intersynth/body/smpl22.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr std::array<int, 2> kToeJoints = {kSmpl22LeftFoot, kSmpl22RightFoot};

// Read access to one person of a clip, honouring its valid mask.
class PersonView {
 public:
  PersonView(const MotionClip& clip, int person) : clip_(clip), person_(person) {}

  Eigen::Vector3d At(int t, int j) const {
    const float* p = clip_.joint(person_, t, j);
    return {p[0], p[1], p[2]};
  }
  bool Valid(int t, int j) const {
    if (clip_.valid.empty()) return true;
    return clip_.valid[(static_cast<size_t>(person_) * clip_.num_frames + t) * kNumJoints + j] != 0;
  }

 private:
  const MotionClip& clip_;
  int person_;
};

// Foot skating over consecutive frame pairs with both toe heights below the
// contact height.
void MeasureFeet(const PersonView& person,
                 int num_frames,
                 double fps,
                 const PlausibilityOptions& options,
                 PersonPlausibility& out) {
  double speed_sum = 0.0;
  int skating = 0;
  for (int t = 0; t + 1 < num_frames; ++t) {
    for (int joint : kToeJoints) {
      if (!person.Valid(t, joint) || !person.Valid(t + 1, joint)) continue;
      const Eigen::Vector3d a = person.At(t, joint);
      const Eigen::Vector3d b = person.At(t + 1, joint);
      if (a.y() >= options.contact_height_m || b.y() >= options.contact_height_m) continue;
      const double speed = std::hypot(b.x() - a.x(), b.z() - a.z()) * fps;
      speed_sum += speed;
      skating += speed > options.skate_speed_m_s ? 1 : 0;
      ++out.contact_steps;
    }
  }
  if (out.contact_steps > 0) {
    out.foot_skate_m_s = speed_sum / out.contact_steps;
    out.foot_skate_ratio = static_cast<double>(skating) / out.contact_steps;
  }
}

// Floating and ground penetration from the lowest valid joint of each frame.
void MeasureFloor(const PersonView& person, int num_frames, PersonPlausibility& out) {
  int frames = 0;
  for (int t = 0; t < num_frames; ++t) {
    double lowest = INFINITY;
    for (int j = 0; j < kNumJoints; ++j) {
      if (person.Valid(t, j)) lowest = std::min(lowest, person.At(t, j).y());
    }
    if (!std::isfinite(lowest)) continue;
    out.floating_mm += std::max(0.0, lowest) * 1000.0;
    out.penetration_mm += std::max(0.0, -lowest) * 1000.0;
    out.max_penetration_mm = std::max(out.max_penetration_mm, -lowest * 1000.0);
    ++frames;
  }
  if (frames > 0) {
    out.floating_mm /= frames;
    out.penetration_mm /= frames;
  }
}

// Mean jerk: x[t+3] - 3 x[t+2] + 3 x[t+1] - x[t], scaled by fps^3.
void MeasureJitter(const PersonView& person, int num_frames, double fps, PersonPlausibility& out) {
  double sum = 0.0;
  int count = 0;
  for (int t = 0; t + 3 < num_frames; ++t) {
    for (int j = 0; j < kNumJoints; ++j) {
      if (!person.Valid(t, j) || !person.Valid(t + 1, j) || !person.Valid(t + 2, j) ||
          !person.Valid(t + 3, j)) {
        continue;
      }
      const Eigen::Vector3d jerk = person.At(t + 3, j) - 3.0 * person.At(t + 2, j) +
                                   3.0 * person.At(t + 1, j) - person.At(t, j);
      sum += jerk.norm();
      ++count;
    }
  }
  if (count > 0) out.jitter_m_s3 = sum / count * fps * fps * fps;
}

// Standard deviation of each bone's length over the frames where both its
// ends are valid, averaged over the bones.
void MeasureBones(const PersonView& person, int num_frames, PersonPlausibility& out) {
  double sum = 0.0;
  int bones = 0;
  for (int j = 1; j < kNumJoints; ++j) {
    const int parent = kSmpl22Parents[j];
    double length_sum = 0.0;
    double square_sum = 0.0;
    int frames = 0;
    for (int t = 0; t < num_frames; ++t) {
      if (!person.Valid(t, j) || !person.Valid(t, parent)) continue;
      const double length = (person.At(t, j) - person.At(t, parent)).norm();
      length_sum += length;
      square_sum += length * length;
      ++frames;
    }
    if (frames == 0) continue;
    const double mean = length_sum / frames;
    sum += std::sqrt(std::max(0.0, square_sum / frames - mean * mean));
    ++bones;
  }
  if (bones > 0) out.bone_drift_mm = sum / bones * 1000.0;
}

// The deepest capsule overlap between persons a and b at frame t (0 when
// none, or when no bone of either is valid).
double PairPenetration(const PersonView& a, const PersonView& b, int t) {
  double deepest = 0.0;
  for (int i = 1; i < kNumJoints; ++i) {
    const int pi = kSmpl22Parents[i];
    if (!a.Valid(t, i) || !a.Valid(t, pi)) continue;
    const Eigen::Vector3d a0 = a.At(t, pi);
    const Eigen::Vector3d a1 = a.At(t, i);
    for (int k = 1; k < kNumJoints; ++k) {
      const int pk = kSmpl22Parents[k];
      if (!b.Valid(t, k) || !b.Valid(t, pk)) continue;
      deepest = std::max(deepest, CapsulePenetration(a0, a1, kBodyCapsuleRadii[i], b.At(t, pk),
                                                     b.At(t, k), kBodyCapsuleRadii[k]));
    }
  }
  return deepest;
}

// Adds person figures into a running mean (foot figures weighted by their
// contact steps, the others by person).
struct PersonAccumulator {
  PersonPlausibility sum;
  int persons = 0;

  void Add(const PersonPlausibility& p) {
    sum.foot_skate_m_s += p.foot_skate_m_s * p.contact_steps;
    sum.foot_skate_ratio += p.foot_skate_ratio * p.contact_steps;
    sum.contact_steps += p.contact_steps;
    sum.floating_mm += p.floating_mm;
    sum.penetration_mm += p.penetration_mm;
    sum.max_penetration_mm = std::max(sum.max_penetration_mm, p.max_penetration_mm);
    sum.jitter_m_s3 += p.jitter_m_s3;
    sum.bone_drift_mm += p.bone_drift_mm;
    ++persons;
  }
  PersonPlausibility Mean() const {
    PersonPlausibility mean = sum;
    if (sum.contact_steps > 0) {
      mean.foot_skate_m_s /= sum.contact_steps;
      mean.foot_skate_ratio /= sum.contact_steps;
    }
    if (persons > 0) {
      mean.floating_mm /= persons;
      mean.penetration_mm /= persons;
      mean.jitter_m_s3 /= persons;
      mean.bone_drift_mm /= persons;
    }
    return mean;
  }
};

}  // namespace

double SegmentDistance(const Eigen::Vector3d& p0,
                       const Eigen::Vector3d& p1,
                       const Eigen::Vector3d& q0,
                       const Eigen::Vector3d& q1) {
  // Closest points p0 + s d1 and q0 + u d2 with s, u in [0, 1]: minimise
  // |r + s d1 - u d2|^2 (r = p0 - q0); for a fixed s the best u is
  // clamp((b s + f) / e), and s follows from the unclamped optimum, clamped,
  // then re-derived when u had to be clamped. Degenerate segments (points)
  // and parallel segments (a e - b^2 = 0, any s is optimal: take 0) handled.
  constexpr double kTiny = 1e-12;
  const Eigen::Vector3d d1 = p1 - p0;
  const Eigen::Vector3d d2 = q1 - q0;
  const Eigen::Vector3d r = p0 - q0;
  const double a = d1.squaredNorm();
  const double e = d2.squaredNorm();
  const double f = d2.dot(r);
  double s = 0.0;
  double u = 0.0;
  if (a <= kTiny && e <= kTiny) return r.norm();
  if (a <= kTiny) {
    u = std::clamp(f / e, 0.0, 1.0);
  } else {
    const double c = d1.dot(r);
    if (e <= kTiny) {
      s = std::clamp(-c / a, 0.0, 1.0);
    } else {
      const double b = d1.dot(d2);
      const double denominator = a * e - b * b;
      s = denominator > kTiny * a * e ? std::clamp((b * f - c * e) / denominator, 0.0, 1.0) : 0.0;
      u = (b * s + f) / e;
      if (u < 0.0) {
        u = 0.0;
        s = std::clamp(-c / a, 0.0, 1.0);
      } else if (u > 1.0) {
        u = 1.0;
        s = std::clamp((b - c) / a, 0.0, 1.0);
      }
    }
  }
  return (p0 + s * d1 - q0 - u * d2).norm();
}

double CapsulePenetration(const Eigen::Vector3d& a0,
                          const Eigen::Vector3d& a1,
                          double ra,
                          const Eigen::Vector3d& b0,
                          const Eigen::Vector3d& b1,
                          double rb) {
  return std::max(0.0, ra + rb - SegmentDistance(a0, a1, b0, b1));
}

void PlausibilityOptions::Check() const {
  CheckFinite(contact_height_m, "contact_height_m");
  CheckAtLeast(skate_speed_m_s, 0.0, "skate_speed_m_s");
  CheckFinite(skate_speed_m_s, "skate_speed_m_s");
}

ClipPlausibility MeasurePlausibility(const MotionClip& clip, const PlausibilityOptions& options) {
  options.Check();
  // Check the clip: the figures need four frames (jerk) and finite joints.
  if (clip.num_persons < 1 || clip.num_frames < 4) {
    throw Error(fmt::format("plausibility needs at least 1 person and 4 frames, got {} and {}",
                            clip.num_persons, clip.num_frames));
  }
  const size_t joint_count = static_cast<size_t>(clip.num_persons) * clip.num_frames * kNumJoints;
  if (clip.joints.size() != joint_count * 3 ||
      (!clip.valid.empty() && clip.valid.size() != joint_count)) {
    throw Error(
        fmt::format("plausibility: {} persons x {} frames need {} joint values and {} valid flags, "
                    "got {} and {}",
                    clip.num_persons, clip.num_frames, joint_count * 3, joint_count,
                    clip.joints.size(), clip.valid.size()));
  }
  if (!(clip.fps > 0.0f))
    throw Error(fmt::format("plausibility: fps must be positive, got {}", clip.fps));
  for (size_t i = 0; i < clip.joints.size(); ++i) {
    if (!std::isfinite(clip.joints[i])) {
      const size_t per_person = static_cast<size_t>(clip.num_frames) * kNumJoints * 3;
      throw Error(
          fmt::format("plausibility: joint position is not finite (person {}, frame {}, joint {})",
                      i / per_person, i % per_person / (kNumJoints * 3), i / 3 % kNumJoints));
    }
  }

  // Per-person figures.
  ClipPlausibility result;
  PersonAccumulator accumulator;
  for (int p = 0; p < clip.num_persons; ++p) {
    const PersonView person(clip, p);
    PersonPlausibility figures;
    MeasureFeet(person, clip.num_frames, clip.fps, options, figures);
    MeasureFloor(person, clip.num_frames, figures);
    MeasureJitter(person, clip.num_frames, clip.fps, figures);
    MeasureBones(person, clip.num_frames, figures);
    result.persons.push_back(figures);
    accumulator.Add(figures);
  }
  result.person_mean = accumulator.Mean();

  // Inter-person penetration over unordered pairs.
  double sum = 0.0;
  for (int a = 0; a < clip.num_persons; ++a) {
    for (int b = a + 1; b < clip.num_persons; ++b) {
      for (int t = 0; t < clip.num_frames; ++t) {
        const double depth_mm =
            PairPenetration(PersonView(clip, a), PersonView(clip, b), t) * 1000.0;
        sum += depth_mm;
        result.max_interpenetration_mm = std::max(result.max_interpenetration_mm, depth_mm);
      }
      ++result.num_pairs;
    }
  }
  if (result.num_pairs > 0) result.interpenetration_mm = sum / (result.num_pairs * clip.num_frames);
  return result;
}

ClipPlausibility AveragePlausibility(const std::vector<ClipPlausibility>& clips) {
  ClipPlausibility result;
  PersonAccumulator accumulator;
  int group_clips = 0;
  for (const ClipPlausibility& clip : clips) {
    for (const PersonPlausibility& person : clip.persons) accumulator.Add(person);
    if (clip.num_pairs > 0) {
      result.interpenetration_mm += clip.interpenetration_mm;
      result.max_interpenetration_mm =
          std::max(result.max_interpenetration_mm, clip.max_interpenetration_mm);
      result.num_pairs += clip.num_pairs;
      ++group_clips;
    }
  }
  result.person_mean = accumulator.Mean();
  if (group_clips > 0) result.interpenetration_mm /= group_clips;
  return result;
}

}  // namespace intersynth
