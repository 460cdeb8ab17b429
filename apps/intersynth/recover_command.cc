// intersynth recover --keypoints KP.json [--intrinsics K.json | --scene DIR] --out MOTION.npz

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "apps/intersynth/commands.h"
#include "intersynth/body/body_model.h"
#include "intersynth/body/body_model_torch.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/recovery/body_fitting_torch.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {
namespace {

struct RecoverArgs {
  std::string keypoints;
  std::string intrinsics;
  std::string scene;
  std::string body = "assets/body/open_body.npz";
  std::string prior = "assets/priors/pose_gmm8.npz";
  std::string out;
  std::string method = "temporal";
  bool smooth = false;
  double smooth_lambda = 50.0;
  float fps = 20.0f;
  bool overwrite = false;
  BodyFitOptions fit;
};

void Recover(const RecoverArgs& args) {
  namespace fs = std::filesystem;
  if (fs::exists(args.out) && !args.overwrite)
    throw Error(fmt::format("{} exists (pass --overwrite to replace it)", args.out));
  if (args.method != "temporal" && args.method != "per-frame")
    throw Error(fmt::format("--method must be temporal or per-frame, got '{}'", args.method));
  if (args.scene.empty() == args.intrinsics.empty())
    throw Error("give the camera with exactly one of --intrinsics K.json and --scene SCENE_DIR");
  const auto start = std::chrono::steady_clock::now();
  const KeypointSet set = ReadKeypointsJson(args.keypoints);
  if (set.frames.empty()) throw Error(fmt::format("{}: no frames", args.keypoints));

  BodyFitCamera camera;
  if (!args.scene.empty()) {
    const SceneDescription scene = ReadSceneDescription(args.scene);
    camera.fx = scene.camera.fx, camera.fy = scene.camera.fy;
    camera.cx = scene.camera.cx, camera.cy = scene.camera.cy;
    const RigidTransformd camera_from_world = scene.world_from_camera.Inverse();
    camera.rotation = camera_from_world.rotation;
    camera.translation = camera_from_world.translation;
    camera.has_floor = true;
  } else {
    const PinholeCamera k =
        ReadIntrinsicsJson(args.intrinsics, set.frames[0].width, set.frames[0].height);
    camera.fx = k.fx, camera.fy = k.fy, camera.cx = k.cx, camera.cy = k.cy;
  }

  std::vector<std::string> skipped;
  const std::vector<KeypointTrack> tracks = GroupKeypointTracks(set, &skipped);
  for (const std::string& s : skipped) std::fprintf(stderr, "warning: skipped %s\n", s.c_str());
  if (tracks.empty())
    throw Error(fmt::format("{}: no person has a visible keypoint", args.keypoints));

  const BodyModelData body = LoadBodyModel(args.body);
  const BodyModelTorch model(body);
  const PosePrior prior = LoadPosePrior(args.prior);
  BodyFitOptions options = args.fit;
  options.method = args.method == "temporal" ? BodyFitMethod::kTemporal : BodyFitMethod::kPerFrame;
  options.progress = true;

  const int T = static_cast<int>(set.frames.size());
  const int P = static_cast<int>(tracks.size());
  const int J = body.num_joints;
  MotionClip clip = MotionClip::Zeros(P, T, args.fps);
  clip.valid.assign(static_cast<size_t>(P) * T * kNumJoints, 0);
  const int B = std::min(options.num_betas, body.num_betas);
  std::vector<float> betas(static_cast<size_t>(P) * B, 0.0f);
  std::vector<float> pose(static_cast<size_t>(P) * T * J * 3, 0.0f);
  std::vector<float> transl(static_cast<size_t>(P) * T * 3, 0.0f);
  std::vector<int64_t> track_ids;
  double reprojection = 0.0;
  std::fprintf(stderr, "recover: %d frames, %d tracks, %s fitting%s\n", T, P, args.method.c_str(),
               args.smooth ? " then smoothing" : "");
  for (int p = 0; p < P; ++p) {
    const KeypointTrack& track = tracks[p];
    BodyFit fit = FitBodyToTrack(body, model, prior, camera, track, options);
    if (args.smooth) fit = SmoothBodyFit(fit, model, camera, args.smooth_lambda);
    reprojection += fit.mean_reprojection_px / P;
    track_ids.push_back(track.track_id);
    std::fprintf(
        stderr, "  track %lld: %d frames in %.1f s (%.2f s per frame), mean reprojection %.1f px\n",
        static_cast<long long>(track.track_id), fit.num_frames, fit.seconds,
        fit.seconds / fit.num_frames, fit.mean_reprojection_px);
    // Frames outside the track's span repeat its first / last fitted frame (valid 0).
    for (int t = 0; t < T; ++t) {
      const int f = std::clamp(t - fit.first_frame, 0, fit.num_frames - 1);
      const bool valid = t - fit.first_frame == f && fit.seen[f];
      std::copy_n(fit.joints_world.begin() + static_cast<size_t>(f) * kNumJoints * 3,
                  kNumJoints * 3, clip.joint(p, t, 0));
      std::fill_n(clip.valid.begin() + (static_cast<size_t>(p) * T + t) * kNumJoints, kNumJoints,
                  valid ? 1 : 0);
      std::copy_n(fit.pose.begin() + static_cast<size_t>(f) * J * 3, J * 3,
                  pose.begin() + (static_cast<size_t>(p) * T + t) * J * 3);
      std::copy_n(fit.transl.begin() + static_cast<size_t>(f) * 3, 3,
                  transl.begin() + (static_cast<size_t>(p) * T + t) * 3);
    }
    // One shape per person: the mean over seen frames (all rows agree for a temporal fit).
    int count = 0;
    for (int f = 0; f < fit.num_frames; ++f) {
      if (!fit.seen[f]) continue;
      ++count;
      for (int b = 0; b < B; ++b)
        betas[static_cast<size_t>(p) * B + b] += fit.betas[static_cast<size_t>(f) * B + b];
    }
    for (int b = 0; b < B; ++b) betas[static_cast<size_t>(p) * B + b] /= std::max(count, 1);
  }
  nlohmann::json metadata = {{"command", "intersynth recover"},
                             {"keypoints", args.keypoints},
                             {"body_model", args.body},
                             {"prior", args.prior},
                             {"method", args.method},
                             {"smooth", args.smooth},
                             {"camera", args.scene.empty() ? args.intrinsics : args.scene},
                             {"world", args.scene.empty() ? "camera-centred, Y up (no floor known)"
                                                          : "the scene's world (floor y = 0)"}};
  clip.metadata = metadata.dump();
  clip.labels = {"recovered"};
  MotionFileWriteOptions write;
  const Eigen::Matrix3d& r = camera.rotation;
  std::vector<double> world_from_camera(16, 0.0);
  {
    const Eigen::Matrix3d rt = r.transpose();
    const Eigen::Vector3d t = -rt * camera.translation;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) world_from_camera[4 * i + j] = rt(i, j);
      world_from_camera[4 * i + 3] = t[i];
    }
    world_from_camera[15] = 1.0;
  }
  write.extra = {{"body_betas", NpyArray::Float32({P, B}, betas)},
                 {"body_pose", NpyArray::Float32({P, T, J, 3}, pose)},
                 {"body_transl", NpyArray::Float32({P, T, 3}, transl)},
                 {"world_from_camera", NpyArray::Float64({4, 4}, world_from_camera)},
                 {"track_ids", NpyArray::Int64({P}, track_ids)}};
  WriteMotionFile(args.out, clip, write);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %d persons, %d frames at %.0f fps (%s%s), mean reprojection %.2f px, %.1f s\n",
              args.out.c_str(), P, T, args.fps, args.method.c_str(),
              args.smooth ? " + smoothing" : "", reprojection, seconds);
}

}  // namespace

void SetupRecover(CLI::App* command) {
  auto args = std::make_shared<RecoverArgs>();
  command->footer(
      "Recovers each tracked person's 3D body motion from 2D keypoints (COCO-17 JSON,\n"
      "COCO results or PoseTrack18) by fitting the body model: Geman-McClure\n"
      "reprojection, the pose prior, a shape prior and, for --method temporal, one shape\n"
      "and a constant-velocity term over all frames; with --scene, the scene's floor\n"
      "(no penetration, contact when still) and its world frame. Writes a motion file\n"
      "(smpl22 joints in world, `valid` = frames where the person was seen) with the\n"
      "body parameters (body_betas, body_pose in the model's convention with the root\n"
      "in the camera frame, body_transl) and world_from_camera.\n"
      "(src/intersynth/recovery/body_fitting_torch.h has the energy and the stages.)\n\n"
      "Example:\n"
      "  intersynth recover --keypoints kp.json --scene scene/ --out motion.npz");
  command
      ->add_option("--keypoints", args->keypoints,
                   "keypoint JSON (COCO, COCO results, PoseTrack18)")
      ->required();
  command->add_option("--intrinsics", args->intrinsics, "camera intrinsics JSON (or a scene.json)");
  command->add_option("--scene", args->scene,
                      "scene folder of lift-scene: camera, floor, world frame");
  command->add_option("--body", args->body, "body model (.npz)")->capture_default_str();
  command->add_option("--prior", args->prior, "pose prior (.npz, intersynth prior train)")
      ->capture_default_str();
  command->add_option("--out", args->out, "motion file to write (.npz)")->required();
  command->add_option("--method", args->method, "temporal | per-frame")->capture_default_str();
  command->add_flag("--smooth", args->smooth, "smooth the fitted parameters afterwards");
  command
      ->add_option("--smooth-lambda", args->smooth_lambda,
                   "smoothing strength (Whittaker-Henderson lambda, frames^4)")
      ->capture_default_str();
  command->add_option("--fps", args->fps, "frame rate recorded in the motion file")
      ->capture_default_str();
  command->add_option("--betas", args->fit.num_betas, "shape directions fitted")
      ->capture_default_str();
  command->add_option("--iterations", args->fit.stage_iterations, "L-BFGS iterations per stage")
      ->capture_default_str();
  command->add_option("--pose-weight", args->fit.pose_weight, "pose prior weight (last stage)")
      ->capture_default_str();
  command
      ->add_option("--smooth-weight", args->fit.smooth_weight,
                   "constant-velocity weight of temporal fitting")
      ->capture_default_str();
  command
      ->add_option("--offset-weight", args->fit.offset_weight,
                   "weight of the temporal fit's per-person skeleton adaptation (0: off)")
      ->capture_default_str();
  command->add_flag("--overwrite", args->overwrite, "replace an existing output file");
  command->callback([=] { Recover(*args); });
}

}  // namespace intersynth::cli
