// The recover pipeline through its one call (recover.h), as the CLI runs it:
// simulated keypoints of a synthetic walk and its scene folder in, a motion
// file with the body parameters out; bad options named by field.

#include "intersynth/recovery_torch/recover.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/io/npz.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

// A 12-frame synthetic walk seen by the simulated camera: kp.json and the
// scene folder under `dir`.
struct SimulatedInput {
  MotionClip truth;
  std::filesystem::path keypoints;
  std::filesystem::path scene;
};

SimulatedInput Simulate(const testing::TempDir& dir) {
  SimulatedInput input;
  input.truth = SyntheticSmpl22Motion(1, 12, 3);
  KeypointSimulationOptions simulation;
  simulation.noise_px = 1.0;
  simulation.drop_probability = 0.0;
  const KeypointSimulation sim = SimulateKeypoints(input.truth, simulation);
  input.keypoints = dir / "kp.json";
  input.scene = dir / "scene";
  WriteKeypointsJson(input.keypoints, sim.keypoints);
  WriteSimulatedSceneFolder(input.scene, sim.camera, /*overwrite=*/false);
  return input;
}

// Quick settings: the small prior, L-BFGS, few iterations.
RecoverOptions QuickOptions(const SimulatedInput& input, const std::filesystem::path& out) {
  RecoverOptions options;
  options.keypoints = input.keypoints;
  options.scene = input.scene;
  options.out = out;
  options.body = testing::SourceDir() / "assets/body/open_body.npz";
  options.prior = testing::SourceDir() / "assets/priors/pose_gmm8.npz";
  options.fit.optimizer = BodyFitOptimizer::kLbfgs;
  options.fit.stage_iterations = 10;
  options.fit.hypothesis_iterations = 10;
  options.fit.init_iterations = 20;
  return options;
}

TEST(RecoverMotion, TemporalFitWritesTheMotionAndBodyParametersInTheScenesWorld) {
  testing::TempDir dir;
  const SimulatedInput input = Simulate(dir);
  const RecoverOptions options = QuickOptions(input, dir / "r.npz");
  const RecoverReport report = RecoverMotion(options);
  EXPECT_EQ(report.persons, 1);
  EXPECT_EQ(report.frames, 12);
  EXPECT_EQ(report.fits, 1);
  EXPECT_EQ(report.method, RecoverMethod::kTemporal);
  EXPECT_EQ(report.starts, RecoverStarts::kNone);
  EXPECT_LT(report.mean_reprojection_px, 15.0);

  const MotionClip motion = ReadMotionFile(options.out);
  ASSERT_EQ(motion.num_persons, 1);
  ASSERT_EQ(motion.num_frames, 12);
  EXPECT_EQ(motion.labels, std::vector<std::string>{"recovered"});
  // Every frame was seen; the joints are in the scene's world, near the truth
  // (the open body is not the walk's skeleton: a gross bound).
  double error = 0.0;
  for (int t = 0; t < 12; ++t) {
    for (int j = 0; j < kNumJoints; ++j) {
      EXPECT_TRUE(motion.valid[static_cast<size_t>(t) * kNumJoints + j]);
      for (int a = 0; a < 3; ++a) {
        const double d = motion.joint(0, t, j)[a] - input.truth.joint(0, t, j)[a];
        error += d * d;
      }
    }
  }
  EXPECT_LT(std::sqrt(error / (12 * kNumJoints)), 0.5);

  // The body parameters and the camera, with their shapes.
  const NpzArchive archive = ReadNpz(options.out);
  const int64_t J = archive.at("body_joint_offsets").shape[1];
  EXPECT_EQ(archive.at("body_pose").shape, (std::vector<int64_t>{1, 12, J, 3}));
  EXPECT_EQ(archive.at("body_transl").shape, (std::vector<int64_t>{1, 12, 3}));
  EXPECT_EQ(archive.at("body_betas").shape, (std::vector<int64_t>{1, 10}));
  EXPECT_EQ(archive.at("track_ids").ToVector<int64_t>(), std::vector<int64_t>{0});
  const std::vector<double> m = archive.at("world_from_camera").ToVector<double>();
  ASSERT_EQ(m.size(), 16u);
  EXPECT_EQ(m[15], 1.0);
  EXPECT_NEAR(m[7], 2.5, 1e-9);  // the simulated camera is 2.5 m above the floor
}

TEST(RecoverMotion, ExistingOutputNeedsOverwrite) {
  testing::TempDir dir;
  const SimulatedInput input = Simulate(dir);
  RecoverOptions options = QuickOptions(input, dir / "r.npz");
  WriteMotionFile(options.out, input.truth);
  try {
    RecoverMotion(options);
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"overwrite"});
    EXPECT_NE(std::string(e.what()).find("r.npz exists"), std::string::npos) << e.what();
  }
}

TEST(RecoverOptions, CheckNamesTheFields) {
  RecoverOptions options;
  options.keypoints = "kp.json";
  options.out = "r.npz";
  options.scene = "scene";
  EXPECT_NO_THROW(options.Check());

  auto fields_of = [](const RecoverOptions& o) {
    try {
      o.Check();
    } catch (const OptionError& e) {
      return e.fields();
    }
    return std::vector<std::string>{};
  };
  RecoverOptions both = options;
  both.intrinsics = "K.json";
  EXPECT_EQ(fields_of(both), (std::vector<std::string>{"intrinsics", "scene"}));
  RecoverOptions no_camera = options;
  no_camera.scene.clear();
  EXPECT_EQ(fields_of(no_camera), (std::vector<std::string>{"intrinsics", "scene", "method"}));
  no_camera.method = RecoverMethod::kPerImage;
  EXPECT_NO_THROW(no_camera.Check());
  RecoverOptions regressor = options;
  regressor.regressor = "hmr.pt";
  EXPECT_EQ(fields_of(regressor), (std::vector<std::string>{"regressor", "frames"}));
  RecoverOptions noise = options;
  noise.start_noise_mm = -1.0;
  EXPECT_EQ(fields_of(noise), std::vector<std::string>{"start_noise_mm"});
  RecoverOptions adam = options;
  adam.fit.adam_learning_rate = 0.0;
  EXPECT_EQ(fields_of(adam), std::vector<std::string>{"fit.adam_learning_rate"});
}

TEST(RecoverMethod, NamesRoundTrip) {
  for (const EnumName<RecoverMethod>& n : kRecoverMethodNames)
    EXPECT_EQ(ParseRecoverMethod(ToString(n.value)), n.value);
  EXPECT_THROW(ParseRecoverMethod("per-person"), OptionError);
}

}  // namespace
}  // namespace intersynth
