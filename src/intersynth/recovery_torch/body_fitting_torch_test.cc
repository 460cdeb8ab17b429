#include "intersynth/recovery_torch/body_fitting_torch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "intersynth/body/smpl22.h"
#include "intersynth/eval_metrics/pose_error.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/recovery/assignment.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/recovery_torch/body_fit_smoothing_torch.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

std::filesystem::path Asset(const std::string& name) {
  return testing::SourceDir() / "assets" / name;
}

TEST(BodyFitting, ZeroPriorPoseGivesThePriorsRestBoneDirections) {
  const BodyModelData data = LoadBodyModel(Asset("body/open_body.npz"));
  const BodyModelTorch model(data);
  const PosePrior prior = LoadPosePrior(Asset("priors/pose_gmm8.npz"));
  const torch::Tensor root6d = torch::tensor(std::vector<float>{1, 0, 0, 0, 1, 0}).view({1, 6});
  const torch::Tensor rotations =
      PriorPoseToModelRotations(data, model, prior, root6d, torch::zeros({1, 17, 3}));
  const BodyModelOutput out = model.ForwardRotations(
      torch::zeros({1, 0}), rotations, torch::zeros({1, 3}), torch::zeros({0}, torch::kInt64));
  const torch::Tensor joints = model.Smpl22Joints(out.joints)[0];
  // A joint with one child turns its bone exactly onto the prior's rest
  // direction; joints with several children (pelvis, spine3) get the best
  // rotation, which cannot match bones whose angles differ between the two
  // skeletons, so only single-child joints are checked.
  std::array<int, kSmpl22NumJoints> children{};
  for (int j = 1; j < kSmpl22NumJoints; ++j) ++children[kSmpl22Parents[j]];
  int checked = 0;
  for (int j = 1; j < kSmpl22NumJoints; ++j) {
    const int p = kSmpl22Parents[j];
    if (children[p] != 1) continue;
    Eigen::Vector3d bone;
    for (int i = 0; i < 3; ++i) bone[i] = (joints[j][i] - joints[p][i]).item<double>();
    const Eigen::Vector3d rest = prior.rest_joints[j] - prior.rest_joints[p];
    const double angle = std::acos(std::clamp(bone.normalized().dot(rest.normalized()), -1.0, 1.0));
    EXPECT_LT(angle, 0.01) << "bone ending at smpl22 joint " << j;
    ++checked;
  }
  EXPECT_GE(checked, 14);
}

// A synthetic walk (its skeleton is the prior's rest skeleton, not the open
// body's) seen by the simulated camera: the temporal fit must reproduce the
// keypoints and land near the true joints. The fit is sensitive to local
// minima (the same clip went from 64.8 to 72.9 mm PA-MPJPE between two
// versions whose 12-clip benchmark improved), so the bounds are for gross
// failures: a broken convention (a left / right swap, a wrong camera
// transform) gives errors of metres. Accuracy is measured by
// scripts/recovery_accuracy.sh (docs/recovery.md).
// One person's synthetic walk seen by the simulated camera (2.5 m high,
// 30 degrees down), with the floor known.
struct SimulatedWalk {
  MotionClip truth;
  KeypointSimulation sim;
  KeypointTrack track;
  PinholeCamera camera;
  RigidTransformd camera_from_world;
};

// The fit's options for a walk: the floor is the world's y = 0.
BodyFitOptions WalkOptions() {
  BodyFitOptions options;
  options.floor = Plane{};
  return options;
}

SimulatedWalk SimulateWalk(int frames, double noise_px, double drop_probability) {
  SimulatedWalk walk;
  walk.truth = SyntheticSmpl22Motion(1, frames, 3);
  KeypointSimulationOptions simulation;
  simulation.noise_px = noise_px;
  simulation.drop_probability = drop_probability;
  walk.sim = SimulateKeypoints(walk.truth, simulation);
  const std::vector<KeypointTrack> tracks = GroupKeypointTracks(walk.sim.keypoints);
  EXPECT_EQ(tracks.size(), 1u);
  walk.track = tracks.at(0);
  walk.camera = walk.sim.camera.camera;
  walk.camera_from_world = walk.sim.camera.world_from_camera.Inverse();
  return walk;
}

TEST(BodyFitting, TemporalFitOfASimulatedWalk) {
  const BodyModelData data = LoadBodyModel(Asset("body/open_body.npz"));
  const BodyModelTorch model(data);
  const PosePrior prior = LoadPosePrior(Asset("priors/pose_gmm8.npz"));
  const SimulatedWalk walk = SimulateWalk(40, 1.0, 0.1);
  const MotionClip& truth = walk.truth;
  const BodyFit fit = FitBodyToTrack(data, model, prior, walk.camera, walk.camera_from_world,
                                     walk.track, WalkOptions());
  ASSERT_EQ(fit.num_frames, 40);
  EXPECT_LT(fit.mean_reprojection_px, 8.0);
  MotionClip estimate = MotionClip::Zeros(1, 40, truth.fps);
  estimate.joints = fit.joints_world;
  const PoseErrorReport error = ComputePoseError(truth, estimate);
  std::printf(
      "simulated walk, temporal fit: reprojection %.2f px, W-MPJPE %.1f, PA-MPJPE %.1f mm, "
      "accel %.1f mm/frame^2\n",
      fit.mean_reprojection_px, error.all.w_mpjpe_mm, error.all.pa_mpjpe_mm,
      error.all.accel_error_mm);
  EXPECT_LT(error.all.w_mpjpe_mm, 350.0);
  EXPECT_LT(error.all.pa_mpjpe_mm, 110.0);
  // The written parameters (shape, pose, translation and the adapted
  // skeleton's joint offsets) give back the fitted joints and keypoints.
  const BodyFit same = SmoothBodyFit(fit, data, model, walk.camera, walk.camera_from_world, 0.0);
  ASSERT_EQ(same.keypoints_fitted.size(), fit.keypoints_fitted.size());
  float joint_gap = 0.0f, pixel_gap = 0.0f;
  for (size_t i = 0; i < fit.joints_world.size(); ++i)
    joint_gap = std::max(joint_gap, std::abs(same.joints_world[i] - fit.joints_world[i]));
  for (size_t i = 0; i < fit.keypoints_fitted.size(); ++i)
    pixel_gap = std::max(pixel_gap, std::abs(same.keypoints_fitted[i] - fit.keypoints_fitted[i]));
  EXPECT_LT(joint_gap, 1e-3f);
  EXPECT_LT(pixel_gap, 0.05f);
  // Smoothing keeps it there and lowers the acceleration error.
  const BodyFit smooth = SmoothBodyFit(fit, data, model, walk.camera, walk.camera_from_world, 50.0);
  estimate.joints = smooth.joints_world;
  const PoseErrorReport smoothed = ComputePoseError(truth, estimate);
  std::printf("  then smoothed: PA-MPJPE %.1f mm, accel %.1f mm/frame^2\n",
              smoothed.all.pa_mpjpe_mm, smoothed.all.accel_error_mm);
  EXPECT_LT(smoothed.all.pa_mpjpe_mm, 130.0);
  EXPECT_LE(smoothed.all.accel_error_mm, error.all.accel_error_mm + 1e-6);
}

// The start a perfect regressor would give for person p in frame t:
// SMPL-convention local rotations of the true joints on the prior's rest
// skeleton, the true root, in the camera.
BodyFitStart TruthStart(const MotionClip& truth,
                        int p,
                        int t,
                        const PosePrior& prior,
                        const RigidTransformd& camera_from_world) {
  return StartFromJoints(truth.joint(p, t, 0), prior.rest_joints, camera_from_world, t);
}

// Starts (the hybrid path) made from the truth, as a perfect regressor
// would predict: SMPL-convention local rotations of the true joints on the
// prior's rest skeleton. Posed, they must land on the keypoints (up to the
// open body's different skeleton), and a fit from them must keep them.
TEST(BodyFitting, StartsFromTheTruth) {
  const BodyModelData data = LoadBodyModel(Asset("body/open_body.npz"));
  const BodyModelTorch model(data);
  const PosePrior prior = LoadPosePrior(Asset("priors/pose_gmm8.npz"));
  const int F = 40;
  const SimulatedWalk walk = SimulateWalk(F, 1.0, 0.1);
  std::vector<BodyFitStart> starts;
  for (int t = 0; t < F; ++t)
    starts.push_back(TruthStart(walk.truth, 0, t, prior, walk.camera_from_world));
  const auto projected =
      BodyFitStartKeypoints(data, model, prior, walk.camera, walk.camera_from_world, starts);
  ASSERT_EQ(projected.size(), starts.size());
  double body_sum = 0.0;
  int body_count = 0;
  for (int t = 0; t < F; ++t) {
    for (int k = 5; k < kCoco17NumKeypoints; ++k) {  // body points: the skeletons' joints
      const size_t at = static_cast<size_t>(t) * kCoco17NumKeypoints + k;
      if (walk.track.confidence[at] <= 0.0f) continue;
      body_sum += std::hypot(projected[t][k][0] - walk.track.xy[2 * at],
                             projected[t][k][1] - walk.track.xy[2 * at + 1]);
      ++body_count;
    }
  }
  const double body_px = body_sum / body_count;
  BodyFitOptions options = WalkOptions();
  options.optimizer = BodyFitOptimizer::kLbfgs;  // the starts are under test, and L-BFGS is quick
  const BodyFit fit = FitBodyToTrack(data, model, prior, walk.camera, walk.camera_from_world,
                                     walk.track, options, starts);
  EXPECT_EQ(fit.started_frames, F);
  MotionClip estimate = MotionClip::Zeros(1, F, walk.truth.fps);
  estimate.joints = fit.joints_world;
  const PoseErrorReport error = ComputePoseError(walk.truth, estimate);
  std::printf(
      "starts from the truth: body points %.1f px from the keypoints; fit from them: "
      "reprojection %.2f px, W-MPJPE %.1f, PA-MPJPE %.1f mm\n",
      body_px, fit.mean_reprojection_px, error.all.w_mpjpe_mm, error.all.pa_mpjpe_mm);
  EXPECT_LT(body_px, 15.0);
  EXPECT_LT(fit.mean_reprojection_px, 8.0);
  EXPECT_LT(error.all.pa_mpjpe_mm, 60.0);
  // A start outside the track, or two for a frame, is a clear error.
  std::vector<BodyFitStart> bad = {starts[0]};
  bad[0].frame = F + 3;
  EXPECT_ERROR_CONTAINS(FitBodyToTrack(data, model, prior, walk.camera, walk.camera_from_world,
                                       walk.track, WalkOptions(), bad),
                        {"start for frame 43", "outside"});
  bad = {starts[2], starts[2]};
  EXPECT_ERROR_CONTAINS(FitBodyToTrack(data, model, prior, walk.camera, walk.camera_from_world,
                                       walk.track, WalkOptions(), bad),
                        {"two starts for frame 2"});
}

// The floor is a plane of the world (BodyFitOptions::floor), not a property
// of the camera: the same keypoints fitted with the floor at y = 0 and with
// a floor 0.3 m higher (normal +Y, offset -0.3) put the feet on each, and
// the fitted ankles rise with the plane.
TEST(BodyFitting, FeetStandOnTheFloorPlaneGiven) {
  const BodyModelData data = LoadBodyModel(Asset("body/open_body.npz"));
  const BodyModelTorch model(data);
  const PosePrior prior = LoadPosePrior(Asset("priors/pose_gmm8.npz"));
  const SimulatedWalk walk = SimulateWalk(12, 1.0, 0.0);
  auto mean_ankle_height = [&](const Plane& floor) {
    BodyFitOptions options;
    options.optimizer = BodyFitOptimizer::kLbfgs;
    options.stage_iterations = 15;
    options.floor = floor;
    const BodyFit fit = FitBodyToTrack(data, model, prior, walk.camera, walk.camera_from_world,
                                       walk.track, options);
    double sum = 0.0;
    for (int t = 0; t < fit.num_frames; ++t)
      for (int ankle : {7, 8})
        sum += fit.joints_world[(static_cast<size_t>(t) * 22 + ankle) * 3 + 1];
    return sum / (2 * fit.num_frames);
  };
  const double on_ground = mean_ankle_height(Plane{});
  const double raised = mean_ankle_height(Plane{Eigen::Vector3d::UnitY(), -0.3});
  std::printf("mean ankle height: %.3f m on y = 0, %.3f m on a floor at y = 0.3\n", on_ground,
              raised);
  EXPECT_GT(raised, on_ground + 0.2);
  EXPECT_GT(raised, 0.3);
}

// The hybrid path's occlusion handling: predictions that come in another
// order than the people (a crop that saw its neighbour), with a duplicate,
// are matched back to their people by the keypoints of the posed starts,
// and the duplicate is left out.
TEST(BodyFitting, StartKeypointsMatchPredictionsToTheirPeople) {
  const BodyModelData data = LoadBodyModel(Asset("body/open_body.npz"));
  const BodyModelTorch model(data);
  const PosePrior prior = LoadPosePrior(Asset("priors/pose_gmm8.npz"));
  const MotionClip truth = SyntheticSmpl22Motion(3, 10, 5);  // 2 of 3 in view at frame 4
  const KeypointSimulation sim = SimulateKeypoints(truth, KeypointSimulationOptions{});
  const PinholeCamera& camera = sim.camera.camera;
  const RigidTransformd camera_from_world = sim.camera.world_from_camera.Inverse();
  // The people well in view in frame 4.
  const int t = 4;
  std::vector<PersonKeypoints> people;
  for (const PersonKeypoints& person : sim.keypoints.people)
    if (person.frame == t && person.visible_count() >= 10) people.push_back(person);
  const int n = static_cast<int>(people.size());
  ASSERT_GE(n, 2);
  // Predictions: the people in reverse order, then the last one again.
  std::vector<int> shown;
  for (int p = n - 1; p >= 0; --p) shown.push_back(p);
  shown.push_back(n - 1);
  std::vector<BodyFitStart> starts;
  for (int p : shown)
    starts.push_back(
        TruthStart(truth, static_cast<int>(people[p].track_id), t, prior, camera_from_world));
  const auto predicted =
      BodyFitStartKeypoints(data, model, prior, camera, camera_from_world, starts);
  const std::vector<int> match = MatchPredictionsToPeople(people, predicted);
  ASSERT_EQ(match.size(), static_cast<size_t>(n));
  for (int p = 0; p + 1 < n; ++p) EXPECT_EQ(match[p], n - 1 - p) << "person " << p;
  EXPECT_TRUE(match[n - 1] == 0 || match[n - 1] == n) << match[n - 1];
}

}  // namespace
}  // namespace intersynth
