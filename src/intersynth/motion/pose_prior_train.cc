#include "intersynth/motion/pose_prior_train.h"

#include <fmt/format.h>

#include <vector>

#include "intersynth/body/smpl_pose.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// The T-pose rest joints of the synthetic skeleton, pelvis at the origin.
std::array<Vector3<double>, kSmpl22NumJoints> TPoseRestJoints() {
  std::array<Vector3<double>, kSmpl22NumJoints> rest;
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const auto& o = kSmpl22SyntheticRestOffsets[j];
    rest[j] = Vector3<double>(o[0], o[1], o[2]) +
              (j == 0 ? Vector3<double>::Zero() : rest[kSmpl22Parents[j]]);
  }
  return rest;
}

}  // namespace

void PosePriorTrainOptions::Check() const {
  CheckRequired(dataset.string(), "dataset");
  CheckRequired(out.string(), "out");
  CheckRequired(split, "split");
  CheckAtLeast(stride, 1, "stride");
  CheckAtLeast(max_samples, int64_t{1}, "max_samples");
  CheckNested("mixture", [&] { mixture.Check(); });
}

PosePriorTrainReport TrainPosePrior(const PosePriorTrainOptions& options) {
  options.Check();
  const std::vector<DatasetEntry> entries = ReadDatasetIndex(options.dataset);
  std::vector<const DatasetEntry*> chosen;
  for (const DatasetEntry& entry : entries) {
    if (entry.split == options.split) chosen.push_back(&entry);
  }
  if (chosen.empty()) {
    throw Error(
        fmt::format("{}: no clip in the '{}' split", options.dataset.string(), options.split));
  }

  // Samples: local axis-angles of the prior's joints, frame by frame.
  const auto rest = TPoseRestJoints();
  constexpr int kDim = 3 * static_cast<int>(kPosePriorJoints.size());
  std::vector<std::array<double, kDim>> samples;
  PosePriorTrainReport report;
  ProgressOptions progress_options;
  ProgressBar bar("poses", static_cast<int64_t>(chosen.size()), progress_options);
  for (const DatasetEntry* entry : chosen) {
    const MotionClip clip = ReadMotionFile(options.dataset / entry->file);
    for (int p = 0; p < clip.num_persons; ++p) {
      for (int t = 0; t < clip.num_frames; t += options.stride) {
        const auto local = SmplLocalRotationsFromJoints(clip.joint(p, t, 0), rest);
        std::array<double, kDim> sample;
        for (size_t i = 0; i < kPosePriorJoints.size(); ++i) {
          const Vector3<double> aa = MatrixToAxisAngle(local[kPosePriorJoints[i]]);
          for (int k = 0; k < 3; ++k) sample[3 * i + k] = aa[k];
        }
        samples.push_back(sample);
      }
    }
    ++report.clips;
    if (options.progress) bar.Tick();
  }
  bar.Finish();
  if (static_cast<int64_t>(samples.size()) > options.max_samples) {
    Rng rng(options.mixture.seed ^ 0x5eedULL);
    rng.Shuffle(samples);
    samples.resize(static_cast<size_t>(options.max_samples));
  }
  report.samples = static_cast<int64_t>(samples.size());

  // The mixture.
  Eigen::MatrixXd matrix(report.samples, kDim);
  for (int64_t i = 0; i < report.samples; ++i) {
    for (int k = 0; k < kDim; ++k) matrix(i, k) = samples[static_cast<size_t>(i)][k];
  }
  if (options.progress)
    std::printf("fitting %d Gaussians to %lld poses (%d dimensions)\n", options.mixture.components,
                static_cast<long long>(report.samples), kDim);
  const GaussianMixture mixture = FitGaussianMixture(matrix, options.mixture, &report.fit);

  // The file: the mixture, what its dimensions are, and how it was made.
  std::vector<int64_t> joints(kPosePriorJoints.begin(), kPosePriorJoints.end());
  std::vector<double> rest_values;
  for (const auto& r : rest) rest_values.insert(rest_values.end(), {r.x(), r.y(), r.z()});
  const std::string description = fmt::format(
      "intersynth pose prior: {} Gaussians over SMPL-convention local axis-angles of smpl22 joints "
      "{} relative to "
      "a T-pose rest, from {} poses of {} '{}' clips of {} (every {} frames)",
      mixture.components(), fmt::join(joints, ","), report.samples, report.clips, options.split,
      options.dataset.string(), options.stride);
  mixture.Write(options.out, description,
                {{"joints", NpyArray::Int64({static_cast<int64_t>(joints.size())}, joints)},
                 {"rest_joints", NpyArray::Float64({kSmpl22NumJoints, 3}, rest_values)}});
  report.summary = fmt::format(
      "wrote {}: {} Gaussians over {} dimensions from {} poses of {} clips; EM {} after {} "
      "iterations, mean "
      "log-likelihood {:.2f}",
      options.out.string(), mixture.components(), kDim, report.samples, report.clips,
      report.fit.converged ? "converged" : "stopped", report.fit.iterations,
      report.fit.mean_log_likelihood);
  return report;
}

}  // namespace intersynth
