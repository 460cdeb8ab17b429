#include "intersynth/body/retarget.h"

#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "intersynth/body/smpl22.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/statistics.h"

namespace intersynth {
namespace {

int SourceIndex(const NamedJointPositions& source,
                const JointMap& map,
                int target,
                const std::string& name) {
  const auto it = std::find(source.names.begin(), source.names.end(), name);
  if (it == source.names.end()) {
    throw Error(map.source + ": joints." + std::string(kSmpl22JointNames[target]) +
                ": source joint '" + name + "' is not in the skeleton (joint map '" + map.name +
                "' does not fit it)");
  }
  return static_cast<int>(it - source.names.begin());
}

}  // namespace

std::vector<float> RetargetToSmpl22(const NamedJointPositions& source, const JointMap& map) {
  const int num_frames = source.num_frames;
  const int num_source = source.num_joints();
  if (num_frames < 0 ||
      source.positions.size() != static_cast<size_t>(num_frames) * num_source * 3) {
    throw Error("RetargetToSmpl22: source positions hold " +
                std::to_string(source.positions.size()) + " values, expected " +
                std::to_string(num_frames) + " frames x " + std::to_string(num_source) +
                " joints x 3");
  }

  // Resolve names to indices once; a plain target reads b = a with weight 0.
  std::array<int, kSmpl22NumJoints> a{}, b{};
  std::array<double, kSmpl22NumJoints> t{};
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const JointSource& target = map.targets[j];
    a[j] = SourceIndex(source, map, j, target.a);
    b[j] = target.interpolated() ? SourceIndex(source, map, j, target.b) : a[j];
    t[j] = target.interpolated() ? target.t : 0.0;
  }

  // joints[f, j] = (1 - t) * P(f, a) + t * P(f, b), computed in double.
  std::vector<float> joints(static_cast<size_t>(num_frames) * kSmpl22NumJoints * 3);
  for (int f = 0; f < num_frames; ++f) {
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      const double* pa = source.at(f, a[j]);
      const double* pb = source.at(f, b[j]);
      float* out = joints.data() + (static_cast<size_t>(f) * kSmpl22NumJoints + j) * 3;
      for (int k = 0; k < 3; ++k) {
        out[k] = static_cast<float>((1.0 - t[j]) * pa[k] + t[j] * pb[k]);
      }
    }
  }
  return joints;
}

void PutOnFloorOptions::Check() const { CheckInRange(percentile, 0.0, 100.0, "percentile"); }

double PutOnFloor(std::vector<float>& joints, int num_frames, const PutOnFloorOptions& options) {
  options.Check();
  if (num_frames < 0 || joints.size() != static_cast<size_t>(num_frames) * kSmpl22NumJoints * 3) {
    throw Error("PutOnFloor: joints hold " + std::to_string(joints.size()) + " values, expected " +
                std::to_string(num_frames) + " frames x 22 x 3");
  }
  if (num_frames == 0) return 0.0;

  // Lowest foot joint per frame.
  constexpr std::array<int, 4> kFeet = {kSmpl22LeftAnkle, kSmpl22RightAnkle, kSmpl22LeftFoot,
                                        kSmpl22RightFoot};
  std::vector<double> lowest(num_frames);
  for (int f = 0; f < num_frames; ++f) {
    double m = HUGE_VAL;
    for (const int j : kFeet) {
      m = std::min(
          m, static_cast<double>(joints[(static_cast<size_t>(f) * kSmpl22NumJoints + j) * 3 + 1]));
    }
    lowest[f] = m;
  }

  // Percentile p with linear interpolation between order statistics.
  const double floor_height = Percentile(std::move(lowest), options.percentile);

  for (size_t i = 1; i < joints.size(); i += 3) {
    joints[i] = static_cast<float>(joints[i] - floor_height);
  }
  return floor_height;
}

double LiftBodyAboveFloor(std::vector<float>& joints, int num_frames, int radius_frames) {
  if (num_frames < 0 || joints.size() != static_cast<size_t>(num_frames) * kSmpl22NumJoints * 3) {
    throw Error(
        fmt::format("LiftBodyAboveFloor: joints hold {} values, expected {} frames x 22 x 3",
                    joints.size(), num_frames));
  }
  if (radius_frames < 0) {
    throw Error(
        fmt::format("LiftBodyAboveFloor: radius_frames must be >= 0, got {}", radius_frames));
  }
  auto is_foot = [](int j) {
    return j == kSmpl22LeftAnkle || j == kSmpl22RightAnkle || j == kSmpl22LeftFoot ||
           j == kSmpl22RightFoot;
  };
  // How far each frame's lowest non-foot joint is below the floor.
  std::vector<double> needed(num_frames, 0.0);
  for (int f = 0; f < num_frames; ++f) {
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      if (is_foot(j)) continue;
      const double y = joints[(static_cast<size_t>(f) * kSmpl22NumJoints + j) * 3 + 1];
      needed[f] = std::max(needed[f], -y);
    }
  }
  auto window = [&](int t) {
    return std::pair<int, int>(std::max(0, t - radius_frames),
                               std::min(num_frames - 1, t + radius_frames));
  };
  std::vector<double> widened(num_frames, 0.0);
  for (int t = 0; t < num_frames; ++t) {
    const auto [first, last] = window(t);
    for (int s = first; s <= last; ++s) widened[t] = std::max(widened[t], needed[s]);
  }
  double largest = 0.0;
  for (int t = 0; t < num_frames; ++t) {
    const auto [first, last] = window(t);
    double sum = 0.0;
    for (int s = first; s <= last; ++s) sum += widened[s];
    const double lift = sum / (last - first + 1);
    if (lift <= 0.0) continue;
    largest = std::max(largest, lift);
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      float& y = joints[(static_cast<size_t>(t) * kSmpl22NumJoints + j) * 3 + 1];
      y = static_cast<float>(y + lift);
    }
  }
  return largest;
}

bool IsAddedTPose(const std::vector<float>& joints, int num_frames) {
  if (num_frames < 2) return false;
  constexpr double kArmHeightTolerance = 0.15;  // m, wrist vs shoulder height
  constexpr double kMinWristSpan = 1.0;         // m, arms stretched out
  constexpr double kMinJump = 0.2;              // m in one frame: not motion
  auto at = [&](int t, int j) {
    const float* p = joints.data() + (static_cast<size_t>(t) * kSmpl22NumJoints + j) * 3;
    return Eigen::Vector3d(p[0], p[1], p[2]);
  };
  // Arms horizontal and stretched out at frame 0.
  const bool arms_level = std::abs(at(0, kSmpl22LeftWrist).y() - at(0, kSmpl22LeftShoulder).y()) <
                              kArmHeightTolerance &&
                          std::abs(at(0, kSmpl22RightWrist).y() - at(0, kSmpl22RightShoulder).y()) <
                              kArmHeightTolerance;
  const bool arms_out = (at(0, kSmpl22LeftWrist) - at(0, kSmpl22RightWrist)).norm() > kMinWristSpan;
  if (!arms_level || !arms_out) return false;
  // A jump to frame 1: the pose was not part of the recorded motion.
  double jump = 0.0;
  for (int j = 0; j < kSmpl22NumJoints; ++j) jump = std::max(jump, (at(1, j) - at(0, j)).norm());
  return jump > kMinJump;
}

}  // namespace intersynth
