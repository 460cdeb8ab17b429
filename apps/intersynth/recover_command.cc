// intersynth recover --keypoints KP.json [--intrinsics K.json | --scene DIR] --out MOTION.npz
//   [--method temporal|per-frame|per-image] [--frames DIR|VIDEO --preview DIR]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "apps/intersynth/commands.h"
#include "intersynth/body/body_model.h"
#include "intersynth/body/body_model_torch.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/recovery/body_fitting_torch.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/render/fit_overlay.h"
#include "intersynth/render/image_write.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth::cli {
namespace {

struct RecoverArgs {
  std::string keypoints;
  std::string intrinsics;
  std::string scene;
  std::string frames;
  std::string preview;
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

BodyFitCamera FitCamera(const PinholeCamera& k) {
  BodyFitCamera camera;
  camera.fx = k.fx, camera.fy = k.fy, camera.cx = k.cx, camera.cy = k.cy;
  return camera;
}

// The cameras of the frames: one for every frame, or (per-image) one per
// frame from its own size. `pinholes` keep the image sizes for previews.
struct Cameras {
  std::vector<BodyFitCamera> fit;
  std::vector<PinholeCamera> pinholes;
  std::vector<int> of_frame;
  std::string described;
};

Cameras MakeCameras(const RecoverArgs& args, const KeypointSet& set, bool per_image) {
  Cameras cameras;
  const int T = static_cast<int>(set.frames.size());
  if (!args.scene.empty()) {
    const SceneDescription scene = ReadSceneDescription(args.scene);
    BodyFitCamera camera = FitCamera(scene.camera);
    const RigidTransformd camera_from_world = scene.world_from_camera.Inverse();
    camera.rotation = camera_from_world.rotation;
    camera.translation = camera_from_world.translation;
    camera.has_floor = true;
    cameras.fit = {camera};
    cameras.pinholes = {scene.camera};
    cameras.of_frame.assign(T, 0);
    cameras.described = args.scene;
    return cameras;
  }
  for (int t = 0; t < (per_image ? T : 1); ++t) {
    const KeypointFrame& frame = set.frames[t];
    if (per_image && (frame.width < 1 || frame.height < 1) && args.intrinsics.empty())
      throw Error(fmt::format(
          "{}: image {} ({}) has no size, so its camera cannot be derived from a field of view; "
          "give --intrinsics with fx, fy, cx, cy",
          args.keypoints, frame.id, frame.file_name));
    const PinholeCamera k =
        args.intrinsics.empty()
            ? PinholeCamera::FromHorizontalFov(frame.width, frame.height,
                                               kDefaultHorizontalFovDeg * EIGEN_PI / 180.0)
            : ReadIntrinsicsJson(args.intrinsics, frame.width, frame.height);
    cameras.fit.push_back(FitCamera(k));
    cameras.pinholes.push_back(k);
  }
  cameras.of_frame.assign(T, 0);
  if (per_image) std::iota(cameras.of_frame.begin(), cameras.of_frame.end(), 0);
  cameras.described = args.intrinsics.empty()
                          ? fmt::format("each image's own, {:.0f} degrees horizontal field of view",
                                        kDefaultHorizontalFovDeg)
                          : args.intrinsics;
  return cameras;
}

// One fit to run: a person's track (temporal, per-frame) or one person in
// one image (per-image), with the camera it was seen by.
struct FitJob {
  KeypointTrack track;
  int person = 0;  // index into the output's persons (distinct track ids)
  int camera = 0;
};

int SeenFrames(const KeypointTrack& track, int min_visible) {
  int seen = 0;
  for (int f = 0; f < track.num_frames(); ++f) {
    int visible = 0;
    for (int k = 0; k < kCoco17NumKeypoints; ++k)
      visible += track.confidence[static_cast<size_t>(f) * kCoco17NumKeypoints + k] > 0.0f;
    seen += visible >= min_visible;
  }
  return seen;
}

std::vector<FitJob> MakeJobs(const std::vector<KeypointTrack>& tracks,
                             const Cameras& cameras,
                             bool per_image,
                             int min_visible) {
  std::vector<FitJob> jobs;
  for (size_t p = 0; p < tracks.size(); ++p) {
    const KeypointTrack& track = tracks[p];
    if (!per_image) {
      if (SeenFrames(track, min_visible) == 0) {
        std::fprintf(stderr, "warning: skipped track %lld: no frame shows %d keypoints\n",
                     static_cast<long long>(track.track_id), min_visible);
        continue;
      }
      jobs.push_back({track, static_cast<int>(p), 0});
      continue;
    }
    for (int f = 0; f < track.num_frames(); ++f) {
      KeypointTrack one;
      one.track_id = track.track_id;
      one.first_frame = track.first_frame + f;
      constexpr size_t K = kCoco17NumKeypoints;
      one.xy.assign(track.xy.begin() + f * K * 2, track.xy.begin() + (f + 1) * K * 2);
      one.confidence.assign(track.confidence.begin() + f * K,
                            track.confidence.begin() + (f + 1) * K);
      if (std::none_of(one.confidence.begin(), one.confidence.end(),
                       [](float c) { return c > 0.0f; }))
        continue;  // not in this image
      if (SeenFrames(one, min_visible) == 0) {
        std::fprintf(stderr, "warning: skipped person %lld in frame %d: fewer than %d keypoints\n",
                     static_cast<long long>(one.track_id), one.first_frame, min_visible);
        continue;
      }
      jobs.push_back({std::move(one), static_cast<int>(p), cameras.of_frame[one.first_frame]});
    }
  }
  return jobs;
}

// Frames for previews: a folder the keypoint file's image names are
// relative to, or a video whose frames are the keypoint file's in order.
class FrameSource {
 public:
  FrameSource(const std::string& path, const KeypointSet& set) : path_(path), set_(set) {
    if (path_.empty()) return;
    if (!std::filesystem::exists(path_)) throw Error(fmt::format("--frames {}: not found", path_));
    if (!std::filesystem::is_directory(path_)) {
      video_.open(path_);
      if (!video_.isOpened())
        throw Error(fmt::format("--frames {}: not a folder, and OpenCV cannot open it as a video",
                                path_));
    }
  }
  // Frame t (BGR), or empty without --frames.
  cv::Mat Read(int t, const PinholeCamera& camera) {
    if (path_.empty()) return {};
    cv::Mat image;
    std::string shown;
    if (video_.isOpened()) {
      shown = fmt::format("{} frame {}", path_, t);
      video_.set(cv::CAP_PROP_POS_FRAMES, t);
      if (!video_.read(image) || image.empty())
        throw Error(fmt::format("{}: cannot be read (the keypoints have {} frames)", shown,
                                set_.frames.size()));
    } else {
      const std::filesystem::path file = std::filesystem::path(path_) / set_.frames[t].file_name;
      shown = file.string();
      image = cv::imread(shown, cv::IMREAD_COLOR);
      if (image.empty()) throw Error(fmt::format("{}: missing or not an image", shown));
    }
    if (image.cols != camera.width || image.rows != camera.height)
      throw Error(fmt::format("{}: {}x{} pixels, but the keypoint file says {}x{}", shown,
                              image.cols, image.rows, camera.width, camera.height));
    return image;
  }

 private:
  std::string path_;
  const KeypointSet& set_;
  cv::VideoCapture video_;
};

// Writes one overlay PNG per frame in which a fitted person was seen.
void WritePreviews(const RecoverArgs& args,
                   const KeypointSet& set,
                   const Cameras& cameras,
                   const std::vector<FitJob>& jobs,
                   const std::vector<BodyFit>& fits,
                   const BodyModelData& body,
                   const BodyModelTorch& model,
                   FrameSource& frames) {
  namespace fs = std::filesystem;
  fs::create_directories(args.preview);
  const int T = static_cast<int>(set.frames.size());
  int written = 0;
  for (int t = 0; t < T; ++t) {
    std::vector<FitOverlayPerson> people;
    double error_sum = 0.0;
    int error_count = 0;
    for (size_t j = 0; j < jobs.size(); ++j) {
      const BodyFit& fit = fits[j];
      const int f = t - fit.first_frame;
      if (f < 0 || f >= fit.num_frames || !fit.seen[f]) continue;
      FitOverlayPerson person;
      person.vertices = BodyFitVertices(fit, model, f);
      person.colour = jobs[j].person;
      constexpr size_t K = kCoco17NumKeypoints;
      for (size_t k = 0; k < K; ++k) {
        const size_t at = static_cast<size_t>(f) * K + k;
        person.confidence[k] = jobs[j].track.confidence[at];
        for (int i = 0; i < 2; ++i) {
          person.observed[k][i] = jobs[j].track.xy[2 * at + i];
          person.fitted[k][i] = fit.keypoints_fitted[2 * at + i];
        }
        if (person.confidence[k] > 0.0f) {
          error_sum += std::hypot(person.observed[k][0] - person.fitted[k][0],
                                  person.observed[k][1] - person.fitted[k][1]);
          ++error_count;
        }
      }
      people.push_back(std::move(person));
    }
    if (people.empty()) continue;
    const PinholeCamera& camera = cameras.pinholes[cameras.of_frame[t]];
    if (camera.width < 1 || camera.height < 1)
      throw Error(fmt::format("--preview: frame {} ({}) has no image size in {}", t,
                              set.frames[t].file_name, args.keypoints));
    FitOverlayOptions overlay;
    overlay.caption = fmt::format("frame {} ({}): {} people, reprojection {:.1f} px", t,
                                  set.frames[t].file_name, people.size(),
                                  error_sum / std::max(error_count, 1));
    const cv::Mat image = DrawFitOverlay(frames.Read(t, camera), camera, body.faces, people, overlay);
    const fs::path out = fs::path(args.preview) / fmt::format("frame_{:06d}.png", t);
    AtomicFileWriter writer(out);
    WriteImageOrThrow(image, writer.temp_path(), out.string());
    writer.Commit();
    ++written;
  }
  std::fprintf(stderr, "recover: %d preview images in %s\n", written, args.preview.c_str());
}

void Recover(const RecoverArgs& args) {
  namespace fs = std::filesystem;
  if (fs::exists(args.out) && !args.overwrite)
    throw Error(fmt::format("{} exists (pass --overwrite to replace it)", args.out));
  if (args.method != "temporal" && args.method != "per-frame" && args.method != "per-image")
    throw Error(fmt::format("--method must be temporal, per-frame or per-image, got '{}'",
                            args.method));
  const bool per_image = args.method == "per-image";
  if (!args.scene.empty() && !args.intrinsics.empty())
    throw Error("give the camera with one of --intrinsics K.json and --scene SCENE_DIR, not both");
  if (!per_image && args.scene.empty() && args.intrinsics.empty())
    throw Error("give the camera with --intrinsics K.json or --scene SCENE_DIR (only "
                "--method per-image may guess it from each image's size)");
  if (!args.frames.empty() && args.preview.empty())
    std::fprintf(stderr, "warning: --frames is only used for --preview\n");
  if (!args.preview.empty() && fs::exists(args.preview) && !fs::is_directory(args.preview))
    throw Error(fmt::format("--preview {}: exists and is not a folder", args.preview));
  const auto start = std::chrono::steady_clock::now();
  const KeypointSet set = ReadKeypointsJson(args.keypoints);
  if (set.frames.empty()) throw Error(fmt::format("{}: no frames", args.keypoints));
  const Cameras cameras = MakeCameras(args, set, per_image);
  FrameSource frames(args.frames, set);
  if (per_image && args.scene.empty() && args.intrinsics.empty())
    std::fprintf(stderr, "recover: no intrinsics given: each image's camera has a %.0f degree "
                 "horizontal field of view\n", kDefaultHorizontalFovDeg);

  std::vector<std::string> skipped;
  const std::vector<KeypointTrack> tracks = GroupKeypointTracks(set, &skipped);
  for (const std::string& s : skipped) std::fprintf(stderr, "warning: skipped %s\n", s.c_str());
  const std::vector<FitJob> jobs = MakeJobs(tracks, cameras, per_image, args.fit.min_visible);
  if (jobs.empty())
    throw Error(fmt::format("{}: no person shows {} keypoints in any frame", args.keypoints,
                            args.fit.min_visible));

  const BodyModelData body = LoadBodyModel(args.body);
  const BodyModelTorch model(body);
  const PosePrior prior = LoadPosePrior(args.prior);
  BodyFitOptions options = args.fit;
  options.method = args.method == "temporal" ? BodyFitMethod::kTemporal : BodyFitMethod::kPerFrame;
  options.progress = !per_image;

  const int T = static_cast<int>(set.frames.size());
  const int P = static_cast<int>(tracks.size());
  const int J = body.num_joints;
  MotionClip clip = MotionClip::Zeros(P, T, args.fps);
  clip.valid.assign(static_cast<size_t>(P) * T * kNumJoints, 0);
  const int B = std::min(options.num_betas, body.num_betas);
  std::vector<float> betas(static_cast<size_t>(P) * B, 0.0f);
  std::vector<int> beta_count(P, 0);
  std::vector<float> pose(static_cast<size_t>(P) * T * J * 3, 0.0f);
  std::vector<float> transl(static_cast<size_t>(P) * T * 3, 0.0f);
  std::vector<float> offsets(static_cast<size_t>(P) * J * 3, 0.0f);
  std::vector<int64_t> track_ids;
  for (const KeypointTrack& track : tracks) track_ids.push_back(track.track_id);
  std::vector<BodyFit> fits;
  double reprojection_sum = 0.0;
  int reprojection_count = 0;
  std::fprintf(stderr, "recover: %d frames, %d tracks, %zu fits, %s fitting%s\n", T, P,
               jobs.size(), args.method.c_str(), args.smooth ? " then smoothing" : "");
  for (size_t j = 0; j < jobs.size(); ++j) {
    const FitJob& job = jobs[j];
    const BodyFitCamera& camera = cameras.fit[job.camera];
    BodyFit fit = FitBodyToTrack(body, model, prior, camera, job.track, options);
    if (args.smooth && !per_image) fit = SmoothBodyFit(fit, body, model, camera, args.smooth_lambda);
    reprojection_sum += fit.mean_reprojection_px;
    ++reprojection_count;
    const int p = job.person;
    if (per_image) {
      std::fprintf(stderr, "  [%zu/%zu] frame %d (%s), person %lld: %.1f s, reprojection %.1f px\n",
                   j + 1, jobs.size(), fit.first_frame,
                   set.frames[fit.first_frame].file_name.c_str(),
                   static_cast<long long>(fit.track_id), fit.seconds, fit.mean_reprojection_px);
    } else {
      std::fprintf(
          stderr, "  track %lld: %d frames in %.1f s (%.2f s per frame), mean reprojection %.1f px\n",
          static_cast<long long>(fit.track_id), fit.num_frames, fit.seconds,
          fit.seconds / fit.num_frames, fit.mean_reprojection_px);
    }
    // Per-image fits fill their own frame; a track's fit fills every frame,
    // frames outside its span repeating its first / last fitted frame (valid 0).
    const int t_begin = per_image ? fit.first_frame : 0;
    const int t_end = per_image ? fit.first_frame + 1 : T;
    for (int t = t_begin; t < t_end; ++t) {
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
    std::copy(fit.joint_offsets.begin(), fit.joint_offsets.end(),
              offsets.begin() + static_cast<size_t>(p) * J * 3);
    // One shape per person: the mean over seen frames (all rows agree for a temporal fit).
    for (int f = 0; f < fit.num_frames; ++f) {
      if (!fit.seen[f]) continue;
      ++beta_count[p];
      for (int b = 0; b < B; ++b)
        betas[static_cast<size_t>(p) * B + b] += fit.betas[static_cast<size_t>(f) * B + b];
    }
    fits.push_back(std::move(fit));
  }
  for (int p = 0; p < P; ++p)
    for (int b = 0; b < B; ++b) betas[static_cast<size_t>(p) * B + b] /= std::max(beta_count[p], 1);
  const double reprojection = reprojection_sum / std::max(reprojection_count, 1);

  nlohmann::json metadata = {
      {"command", "intersynth recover"},
      {"keypoints", args.keypoints},
      {"body_model", args.body},
      {"prior", args.prior},
      {"method", args.method},
      {"smooth", args.smooth && !per_image},
      {"camera", cameras.described},
      {"mean_reprojection_px", reprojection},
      {"world", !args.scene.empty() ? "the scene's world (floor y = 0)"
                : per_image         ? "each image's own camera-centred frame, Y up"
                                    : "camera-centred, Y up (no floor known)"}};
  clip.metadata = metadata.dump();
  clip.labels = {"recovered"};
  MotionFileWriteOptions write;
  std::vector<double> world_from_camera(16, 0.0);
  {
    const BodyFitCamera& camera = cameras.fit[0];
    const Eigen::Matrix3d rt = camera.rotation.transpose();
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
                 {"body_joint_offsets", NpyArray::Float32({P, J, 3}, offsets)},
                 {"world_from_camera", NpyArray::Float64({4, 4}, world_from_camera)},
                 {"track_ids", NpyArray::Int64({P}, track_ids)}};
  if (!args.preview.empty()) WritePreviews(args, set, cameras, jobs, fits, body, model, frames);
  WriteMotionFile(args.out, clip, write);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %d persons, %d frames at %.0f fps (%s%s), %zu fits, mean reprojection %.2f px, "
              "%.1f s\n",
              args.out.c_str(), P, T, args.fps, args.method.c_str(),
              args.smooth && !per_image ? " + smoothing" : "", fits.size(), reprojection, seconds);
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
      "in the camera frame, body_transl, body_joint_offsets: the temporal fit's changes\n"
      "to the rest joints) and world_from_camera.\n"
      "(src/intersynth/recovery/body_fitting_torch.h has the energy and the stages.)\n"
      "--method per-image fits each person in each image on its own, with each image's\n"
      "camera (from --intrinsics, or a 60 degree horizontal field of view at the image's\n"
      "size): for independent photos such as COCO. --preview DIR draws each fitted mesh,\n"
      "the keypoints and the fitted points over the frames of --frames (a folder the\n"
      "keypoint file's image names are relative to, or a video) as frame_NNNNNN.png.\n\n"
      "Examples:\n"
      "  intersynth recover --keypoints kp.json --scene scene/ --out motion.npz\n"
      "  intersynth recover --keypoints coco/person_keypoints.json --method per-image \\\n"
      "      --frames coco/ --preview fits/ --out coco_fits.npz");
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
  command->add_option("--method", args->method, "temporal | per-frame | per-image")
      ->capture_default_str();
  command->add_option("--frames", args->frames,
                      "the frames: a folder (image names as in the keypoint file) or a video");
  command->add_option("--preview", args->preview, "folder for overlay images of the fits");
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
  command->add_option("--hypotheses", args->fit.pose_hypotheses,
                      "start each frame from every prior component's mean and keep the best (0 / 1)")
      ->capture_default_str();
  command->add_flag("--overwrite", args->overwrite, "replace an existing output file");
  command->callback([=] { Recover(*args); });
}

}  // namespace intersynth::cli
