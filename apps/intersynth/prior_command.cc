// intersynth prior train --data DATASET --out PRIOR.npz | intersynth prior info PRIOR.npz
// prior train: flags into PosePriorTrainOptions, then one call: TrainPosePrior
// (motion/pose_prior_train.h).

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/body/gaussian_mixture.h"
#include "intersynth/io/npz.h"
#include "intersynth/motion/pose_prior_train.h"

namespace intersynth::cli {
namespace {

void SetupPriorTrain(CLI::App* command) {
  auto options = std::make_shared<PosePriorTrainOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto no_progress = std::make_shared<bool>(false);
  command->footer(
      "Fits SMPLify's pose prior, a mixture of Gaussians, to a dataset's poses:\n"
      "every --stride-th frame of the split's clips, its smpl22 joints turned into\n"
      "SMPL-convention local rotations (axis-angle) of the 16 joints that positions\n"
      "determine (smpl22 1-21 without the feet, head and wrists) relative to a T-pose\n"
      "rest; 48 dimensions. Writes weights, means, covariances, joints and\n"
      "rest_joints in one .npz.\n\n"
      "Examples (the bundled priors; pose_gmm32 is recover's default):\n"
      "  intersynth prior train --data data/mocap20 --out assets/priors/pose_gmm32.npz \\\n"
      "      --components 32 --reg-covar 0.001\n"
      "  intersynth prior train --data data/mocap20 --out assets/priors/pose_gmm8.npz");
  flags->Add("--data", "dataset", data.get(), "dataset folder (intersynth data build)")->required();
  flags->Add("--out", "out", out.get(), "prior file to write (.npz)")->required();
  flags->Add("--split", "split", &options->split, "split whose clips are used")
      ->capture_default_str();
  flags
      ->Add("--components", "mixture.components", &options->mixture.components,
            "Gaussians in the mixture")
      ->capture_default_str();
  flags->Add("--stride", "stride", &options->stride, "use every n-th frame")->capture_default_str();
  flags
      ->Add("--max-samples", "max_samples", &options->max_samples,
            "at most this many poses (random subset)")
      ->capture_default_str();
  flags
      ->Add("--iterations", "mixture.max_iterations", &options->mixture.max_iterations,
            "EM iterations at most")
      ->capture_default_str();
  flags
      ->Add("--reg-covar", "mixture.reg_covar", &options->mixture.reg_covar,
            "added to every covariance's diagonal (rad^2): the floor of each direction's spread")
      ->capture_default_str();
  flags->Add("--seed", "mixture.seed", &options->mixture.seed, "seed of the seeding and the subset")
      ->capture_default_str();
  command->add_flag("--no-progress", *no_progress, "no progress bar");
  command->callback([=] {
    flags->Run([&] {
      options->dataset = *data;
      options->out = *out;
      options->progress = !*no_progress;
      std::printf("%s\n", TrainPosePrior(*options).summary.c_str());
    });
  });
}

void SetupPriorInfo(CLI::App* command) {
  auto path = std::make_shared<std::string>();
  command->add_option("PRIOR", *path, "prior file (.npz)")->required();
  command->callback([=] {
    const GaussianMixture mixture = GaussianMixture::Read(*path);
    const NpzArchive archive = ReadNpz(*path);
    std::printf("%s: %d Gaussians over %d dimensions\n", path->c_str(), mixture.components(),
                mixture.dimension());
    if (archive.count("description") != 0 && !archive.at("description").strings.empty()) {
      std::printf("%s\n", archive.at("description").strings[0].c_str());
    }
    for (int k = 0; k < mixture.components(); ++k) {
      std::printf("  component %d: weight %.3f, mean |x| %.3f, trace of covariance %.3f\n", k,
                  mixture.weights()[k], mixture.means()[k].norm(),
                  mixture.covariances()[k].trace());
    }
  });
}

}  // namespace

void SetupPrior(CLI::App* command) {
  command->require_subcommand(1);
  SetupPriorTrain(
      command->add_subcommand("train", "Fit the pose prior (Gaussian mixture) to a dataset"));
  SetupPriorInfo(command->add_subcommand("info", "Describe a pose prior file"));
}

}  // namespace intersynth::cli
