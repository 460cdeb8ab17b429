#include "intersynth/body/pose_prior.h"

#include <fmt/format.h>

#include <vector>

#include "intersynth/io/npz.h"
#include "intersynth/util/error.h"

namespace intersynth {

PosePrior LoadPosePrior(const std::filesystem::path& path) {
  PosePrior prior;
  prior.mixture = GaussianMixture::Read(path);
  const NpzArchive archive = ReadNpz(path);
  const std::vector<int64_t> joints = NpzRequire(archive, "joints", path).ToVector<int64_t>();
  if (joints != std::vector<int64_t>(kPosePriorJoints.begin(), kPosePriorJoints.end())) {
    throw Error(fmt::format("{}: key 'joints' is not the 16 prior joints of intersynth prior train",
                            path.string()));
  }
  const NpyArray& rest = NpzRequire(archive, "rest_joints", path);
  NpzRequireShape(rest, {kSmpl22NumJoints, 3}, "rest_joints", path);
  const std::vector<double> values = rest.ToVector<double>();
  for (int j = 0; j < kSmpl22NumJoints; ++j)
    prior.rest_joints[j] = Eigen::Vector3d(values[3 * j], values[3 * j + 1], values[3 * j + 2]);
  return prior;
}

}  // namespace intersynth
