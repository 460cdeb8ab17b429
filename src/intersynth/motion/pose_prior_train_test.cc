#include "intersynth/motion/pose_prior_train.h"

#include <gtest/gtest.h>

#include "intersynth/body/smpl_pose.h"
#include "intersynth/io/npz.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// A dataset folder of synthetic walks: `clips` clips in the train split.
void WriteWalkDataset(const std::filesystem::path& dir, int clips) {
  std::filesystem::create_directories(dir / "clips");
  std::vector<std::string> lines;
  for (int i = 0; i < clips; ++i) {
    DatasetEntry entry;
    entry.id = "walk" + std::to_string(i);
    entry.file = "clips/" + entry.id + ".npz";
    entry.source = "synthetic";
    entry.persons = 1;
    entry.frames = 120;
    entry.fps = 20.0f;
    entry.split = "train";
    WriteMotionFile(dir / entry.file, SyntheticSmpl22Motion(1, 120, 100 + i));
    lines.push_back(DatasetEntryToJson(entry));
  }
  WriteLinesAtomic(dir / "index.jsonl", lines);
}

TEST(PosePrior, TrainedOnWalksPrefersWalkingPosesToRandomOnes) {
  testing::TempDir dir;
  WriteWalkDataset(dir / "ds", 6);
  PosePriorTrainOptions options;
  options.dataset = dir / "ds";
  options.out = dir / "prior.npz";
  options.stride = 2;
  options.mixture.components = 3;
  options.progress = false;
  const PosePriorTrainReport report = TrainPosePrior(options);
  EXPECT_EQ(report.clips, 6);
  EXPECT_EQ(report.samples, 6 * 60);
  EXPECT_NE(report.summary.find("3 Gaussians over 48 dimensions"), std::string::npos)
      << report.summary;

  // The file: the mixture and what its dimensions are.
  const GaussianMixture prior = GaussianMixture::Read(options.out);
  ASSERT_EQ(prior.dimension(), 48);
  const NpzArchive archive = ReadNpz(options.out);
  EXPECT_EQ(archive.at("joints").ToVector<int64_t>(),
            std::vector<int64_t>(kPosePriorJoints.begin(), kPosePriorJoints.end()));

  // Held-out walks (another seed) cost far less than random poses.
  std::array<Vector3<double>, kSmpl22NumJoints> rest;
  const std::vector<double> rest_values = archive.at("rest_joints").ToVector<double>();
  for (int j = 0; j < kSmpl22NumJoints; ++j)
    rest[j] = Vector3<double>(rest_values[3 * j], rest_values[3 * j + 1], rest_values[3 * j + 2]);
  const MotionClip walk = SyntheticSmpl22Motion(1, 40, 999);
  Rng rng(3);
  double walk_energy = 0.0, random_energy = 0.0;
  for (int t = 0; t < 40; ++t) {
    const auto local = SmplLocalRotationsFromJoints(walk.joint(0, t, 0), rest);
    Eigen::VectorXd x(48), noise(48);
    for (size_t i = 0; i < kPosePriorJoints.size(); ++i) {
      x.segment<3>(3 * static_cast<int>(i)) = MatrixToAxisAngle(local[kPosePriorJoints[i]]);
    }
    for (int k = 0; k < 48; ++k) noise(k) = rng.Uniform(-0.5, 0.5);
    walk_energy += prior.MaxMixtureEnergy(x) / 40;
    random_energy += prior.MaxMixtureEnergy(noise) / 40;
  }
  EXPECT_LT(walk_energy + 100.0, random_energy)
      << "walk " << walk_energy << ", random " << random_energy;
}

TEST(PosePrior, BadInputsAreNamed) {
  testing::TempDir dir;
  PosePriorTrainOptions options;
  options.dataset = dir / "nowhere";
  options.out = dir / "p.npz";
  EXPECT_ERROR_CONTAINS(TrainPosePrior(options), {"nowhere"});
  WriteWalkDataset(dir / "ds", 1);
  options.dataset = dir / "ds";
  options.split = "test";
  EXPECT_ERROR_CONTAINS(TrainPosePrior(options), {"no clip in the 'test' split"});
  EXPECT_FALSE(std::filesystem::exists(options.out));
}

TEST(PosePriorTrainOptions, CheckNamesTheBadField) {
  PosePriorTrainOptions options;
  options.dataset = "ds";
  options.out = "prior.npz";
  EXPECT_NO_THROW(options.Check());
  options.stride = 0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"stride must be >= 1, got 0"});
  options.stride = 4;
  options.mixture.reg_covar = -1.0;
  try {
    TrainPosePrior(options);
    ADD_FAILURE() << "a negative reg_covar was accepted";
  } catch (const OptionError& e) {
    // The nested mixture's field, prefixed.
    EXPECT_EQ(e.fields(), std::vector<std::string>{"mixture.reg_covar"});
  }
  EXPECT_ERROR_CONTAINS(PosePriorTrainOptions{}.Check(), {"dataset is required"});
}

}  // namespace
}  // namespace intersynth
