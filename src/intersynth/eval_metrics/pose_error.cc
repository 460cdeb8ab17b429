#include "intersynth/eval_metrics/pose_error.h"

#include <fmt/format.h>

#include <Eigen/LU>
#include <Eigen/SVD>
#include <cmath>

#include "intersynth/motion/motion_file.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr int kRoot = 0;  // smpl22 pelvis
constexpr double kMillimetres = 1000.0;

/// Running sums of one metric.
struct Mean {
  double sum = 0.0;
  int64_t count = 0;
  void Add(double value) {
    sum += value;
    ++count;
  }
  void Add(const Mean& other) {
    sum += other.sum;
    count += other.count;
  }
  double value() const {
    return count > 0 ? kMillimetres * sum / static_cast<double>(count)
                     : std::numeric_limits<double>::quiet_NaN();
  }
};

/// The sums of the four metrics of one person.
struct Sums {
  Mean w_mpjpe, mpjpe, pa_mpjpe, accel;
  int64_t frames = 0;

  void Add(const Sums& other) {
    w_mpjpe.Add(other.w_mpjpe);
    mpjpe.Add(other.mpjpe);
    pa_mpjpe.Add(other.pa_mpjpe);
    accel.Add(other.accel);
    frames += other.frames;
  }
  PoseError Result() const {
    PoseError e;
    e.w_mpjpe_mm = w_mpjpe.value();
    e.mpjpe_mm = mpjpe.value();
    e.pa_mpjpe_mm = pa_mpjpe.value();
    e.accel_error_mm = accel.value();
    e.w_mpjpe_count = w_mpjpe.count;
    e.mpjpe_count = mpjpe.count;
    e.pa_mpjpe_count = pa_mpjpe.count;
    e.accel_count = accel.count;
    e.frames = frames;
    return e;
  }
};

Eigen::Vector3d Joint(const MotionClip& clip, int p, int t, int j) {
  const float* x = clip.joint(p, t, j);
  return Eigen::Vector3d(x[0], x[1], x[2]);
}

bool Valid(const MotionClip& clip, int p, int t, int j) {
  return clip.valid.empty() ||
         clip.valid[(static_cast<size_t>(p) * clip.num_frames + t) * kNumJoints + j] != 0;
}

/// The sums of person p (see the file comment for what counts).
Sums PersonSums(const MotionClip& truth,
                const MotionClip& estimate,
                int p,
                const std::vector<int>& joints) {
  const auto both = [&](int t, int j) { return Valid(truth, p, t, j) && Valid(estimate, p, t, j); };
  Sums sums;
  std::vector<Eigen::Vector3d> from, to;
  for (int t = 0; t < truth.num_frames; ++t) {
    // W-MPJPE and MPJPE.
    const bool root = both(t, kRoot);
    const Eigen::Vector3d e_root = Joint(estimate, p, t, kRoot);
    const Eigen::Vector3d g_root = Joint(truth, p, t, kRoot);
    from.clear();
    to.clear();
    for (int j : joints) {
      if (!both(t, j)) continue;
      const Eigen::Vector3d e = Joint(estimate, p, t, j);
      const Eigen::Vector3d g = Joint(truth, p, t, j);
      sums.w_mpjpe.Add((e - g).norm());
      if (root) sums.mpjpe.Add(((e - e_root) - (g - g_root)).norm());
      from.push_back(e);
      to.push_back(g);
    }
    if (!from.empty()) ++sums.frames;

    // PA-MPJPE.
    if (from.size() >= 3) {
      const Similarity similarity = UmeyamaSimilarity(from, to);
      for (size_t i = 0; i < from.size(); ++i)
        sums.pa_mpjpe.Add((similarity * from[i] - to[i]).norm());
    }

    // Acceleration error, centred on frame t.
    if (t < 1 || t + 1 >= truth.num_frames) continue;
    if (!both(t - 1, kRoot) || !root || !both(t + 1, kRoot)) continue;
    const auto second_difference = [&](const MotionClip& clip, int j) {
      Eigen::Vector3d a = Eigen::Vector3d::Zero();
      for (int dt = -1; dt <= 1; ++dt) {
        const double weight = dt == 0 ? -2.0 : 1.0;
        a += weight * (Joint(clip, p, t + dt, j) - Joint(clip, p, t + dt, kRoot));
      }
      return a;
    };
    for (int j : joints) {
      if (!both(t - 1, j) || !both(t, j) || !both(t + 1, j)) continue;
      sums.accel.Add((second_difference(estimate, j) - second_difference(truth, j)).norm());
    }
  }
  return sums;
}

}  // namespace

Similarity UmeyamaSimilarity(const std::vector<Eigen::Vector3d>& from,
                             const std::vector<Eigen::Vector3d>& to) {
  INTERSYNTH_CHECK(from.size() == to.size()) << from.size() << " vs " << to.size();
  Similarity result;
  if (from.empty()) return result;
  const double n = static_cast<double>(from.size());

  // Means, the spread of `from` and the cross-covariance.
  Eigen::Vector3d mu_x = Eigen::Vector3d::Zero(), mu_y = Eigen::Vector3d::Zero();
  for (size_t i = 0; i < from.size(); ++i) {
    mu_x += from[i];
    mu_y += to[i];
  }
  mu_x /= n;
  mu_y /= n;
  double sigma_x2 = 0.0;
  Eigen::Matrix3d sigma = Eigen::Matrix3d::Zero();
  for (size_t i = 0; i < from.size(); ++i) {
    sigma_x2 += (from[i] - mu_x).squaredNorm();
    sigma += (to[i] - mu_y) * (from[i] - mu_x).transpose();
  }
  sigma_x2 /= n;
  sigma /= n;

  // Rotation (no reflection), scale and translation.
  const Eigen::JacobiSVD<Eigen::Matrix3d> svd(sigma, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::Vector3d s = Eigen::Vector3d::Ones();
  if (svd.matrixU().determinant() * svd.matrixV().determinant() < 0.0) s.z() = -1.0;
  result.rotation = svd.matrixU() * s.asDiagonal() * svd.matrixV().transpose();
  result.scale = sigma_x2 > 0.0 ? svd.singularValues().dot(s) / sigma_x2 : 0.0;
  result.translation = mu_y - result.scale * (result.rotation * mu_x);
  return result;
}

void PoseErrorOptions::Check() const {
  for (int j : joints) {
    if (j < 0 || j >= kNumJoints)
      throw OptionError(fmt::format("{{joints}} must be smpl22 joints (0-21), got {}", j));
  }
}

std::vector<int> PoseErrorJointSet(PoseErrorJoints set) {
  if (set == PoseErrorJoints::kCoco12) {
    return {kCoco12Smpl22Joints.begin(), kCoco12Smpl22Joints.end()};
  }
  std::vector<int> all(kNumJoints);
  for (int j = 0; j < kNumJoints; ++j) all[static_cast<size_t>(j)] = j;
  return all;
}

PoseErrorReport ComputePoseError(const MotionClip& truth,
                                 const MotionClip& estimate,
                                 const PoseErrorOptions& options,
                                 const std::string& truth_name,
                                 const std::string& estimate_name) {
  // Options, then inputs that can be compared.
  options.Check();
  ValidateMotionClip(truth, truth_name);
  ValidateMotionClip(estimate, estimate_name);
  if (truth.num_frames != estimate.num_frames) {
    throw Error(fmt::format("{} has {} frames but {} has {}: the frame counts must match",
                            estimate_name, estimate.num_frames, truth_name, truth.num_frames));
  }
  if (truth.num_persons != estimate.num_persons) {
    throw Error(fmt::format("{} has {} person(s) but {} has {}: the person counts must match",
                            estimate_name, estimate.num_persons, truth_name, truth.num_persons));
  }
  if (truth.num_frames < 1 || truth.num_persons < 1) {
    throw Error(fmt::format("{}: no frames or no persons to compare", truth_name));
  }
  PoseErrorReport report;
  report.num_frames = truth.num_frames;
  report.joints =
      options.joints.empty() ? PoseErrorJointSet(PoseErrorJoints::kAll) : options.joints;

  // Per person, then pooled.
  Sums all;
  for (int p = 0; p < truth.num_persons; ++p) {
    const Sums sums = PersonSums(truth, estimate, p, report.joints);
    report.persons.push_back(sums.Result());
    all.Add(sums);
  }
  report.all = all.Result();
  return report;
}

std::string FormatPoseErrorTable(const PoseErrorReport& report) {
  const auto number = [](double v) {
    return std::isnan(v) ? fmt::format("{:>9}", "n/a") : fmt::format("{:9.1f}", v);
  };
  const auto row = [&](const std::string& who, const PoseError& e) {
    return fmt::format("{:<8}{:>7}{}{}{}{}\n", who, e.frames, number(e.w_mpjpe_mm),
                       number(e.mpjpe_mm), number(e.pa_mpjpe_mm), number(e.accel_error_mm));
  };
  std::string table = fmt::format("{:<8}{:>7}{:>9}{:>9}{:>9}{:>9}\n", "person", "frames", "W-MPJPE",
                                  "MPJPE", "PA-MPJPE", "accel");
  for (size_t p = 0; p < report.persons.size(); ++p) {
    table += row(std::to_string(p), report.persons[p]);
  }
  if (report.persons.size() > 1) table += row("all", report.all);
  table += "(mm; accel in mm/frame^2)\n";
  return table;
}

}  // namespace intersynth
