// intersynth recover --keypoints KP.json [--intrinsics K.json | --scene DIR] --out MOTION.npz
//   [--method temporal|per-frame|per-image] [--frames DIR|VIDEO --preview DIR]

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "apps/intersynth/commands.h"
#include "intersynth/body/body_model.h"
#include "intersynth/body/body_model_torch.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/recovery/assignment.h"
#include "intersynth/recovery/body_fit_smoothing_torch.h"
#include "intersynth/recovery/body_fitting_torch.h"
#include "intersynth/recovery/crop_camera.h"
#include "intersynth/recovery/fit_start.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery/torchscript_pose_regressor.h"
#include "intersynth/render/fit_overlay.h"
#include "intersynth/render/image_write.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/random.h"

namespace intersynth::cli {
namespace {

struct RecoverArgs {
  std::string keypoints;
  std::string intrinsics;
  std::string scene;
  std::string frames;
  std::string preview;
  std::string regressor;
  std::string start_from;
  double start_noise_mm = 0.0;
  uint64_t start_seed = 0;
  std::string body = "assets/body/open_body.npz";
  std::string prior = "assets/priors/pose_gmm32.npz";
  std::string out;
  std::string method = "temporal";
  std::string optimizer = "adam";
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

// Job `job`'s person in frame t with enough keypoints, or nullopt.
std::optional<PersonKeypoints> JobPerson(const FitJob& job, int t, int min_visible) {
  const KeypointTrack& track = job.track;
  const int f = t - track.first_frame;
  if (f < 0 || f >= track.num_frames()) return std::nullopt;
  PersonKeypoints person;
  person.frame = t;
  person.track_id = track.track_id;
  constexpr size_t K = kCoco17NumKeypoints;
  for (size_t k = 0; k < K; ++k) {
    const size_t at = static_cast<size_t>(f) * K + k;
    person.confidence[k] = track.confidence[at];
    person.xy[k] = {track.xy[2 * at], track.xy[2 * at + 1]};
  }
  if (person.visible_count() < min_visible) return std::nullopt;
  return person;
}

// The crop of `image` (BGR) as the regressor takes it: `crop` resized to
// size x size, RGB, black outside the image (bilinear; crop pixel centres at
// (size - 1) / 2 +- ..., so the crop's centre is the person's).
RgbCrop CutCrop(const cv::Mat& image, const PersonCrop& crop, int size) {
  const double scale = size / crop.size;
  const double half = 0.5 * (size - 1);
  const cv::Mat warp = (cv::Mat_<double>(2, 3) << scale, 0.0, half - scale * crop.center_x, 0.0,
                        scale, half - scale * crop.center_y);
  cv::Mat bgr, rgb;
  cv::warpAffine(image, bgr, warp, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(0, 0, 0));
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  RgbCrop out;
  out.size = size;
  out.rgb.assign(rgb.data, rgb.data + static_cast<size_t>(size) * size * 3);
  return out;
}

// The hybrid path: per job, the regressor's starts for its frames. Each
// frame's people are cropped around their keypoints and regressed in one
// batch; the predictions are matched to the people by keypoint distance
// (Hungarian), so that a crop that saw an occluder gives its prediction to
// the occluder and duplicates are dropped.
std::vector<std::vector<BodyFitStart>> RegressorStarts(const RecoverArgs& args,
                                                       const KeypointSet& set,
                                                       const Cameras& cameras,
                                                       const std::vector<FitJob>& jobs,
                                                       FrameSource& frames,
                                                       const BodyModelData& body,
                                                       const BodyModelTorch& model,
                                                       const PosePrior& prior) {
  const TorchScriptPoseRegressor regressor = TorchScriptPoseRegressor::Load(args.regressor);
  const int S = regressor.input_size();
  std::fprintf(stderr, "recover: regressor %s (%d x %d crops, %d body joints)\n",
               args.regressor.c_str(), S, S, regressor.num_body_joints());
  std::vector<std::vector<BodyFitStart>> starts(jobs.size());
  const int T = static_cast<int>(set.frames.size());
  int crops = 0, own = 0, other = 0, unmatched = 0, unusable = 0;
  const auto start = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double last_report = 0.0;
  for (int t = 0; t < T; ++t) {
    std::vector<size_t> who;
    std::vector<PersonKeypoints> people;
    std::vector<PersonCrop> boxes;
    for (size_t j = 0; j < jobs.size(); ++j) {
      const std::optional<PersonKeypoints> person = JobPerson(jobs[j], t, args.fit.min_visible);
      if (!person) continue;
      const std::optional<PersonCrop> box = CropAroundKeypoints(*person);
      if (!box) continue;
      who.push_back(j);
      people.push_back(*person);
      boxes.push_back(*box);
    }
    if (people.empty()) continue;
    const int camera = cameras.of_frame[t];
    const cv::Mat image = frames.Read(t, cameras.pinholes[camera]);
    std::vector<RgbCrop> images;
    for (const PersonCrop& box : boxes) images.push_back(CutCrop(image, box, S));
    const std::vector<PoseRegression> predictions = regressor.Predict(images);
    crops += static_cast<int>(images.size());
    // Usable predictions (a positive weak-camera scale) and their keypoints.
    std::vector<BodyFitStart> frame_starts;
    std::vector<size_t> from_crop;
    for (size_t i = 0; i < predictions.size(); ++i) {
      if (!(predictions[i].weak_camera[0] > 0.0f)) {
        ++unusable;
        continue;
      }
      frame_starts.push_back(
          StartFromRegression(predictions[i], boxes[i], cameras.pinholes[camera], t));
      from_crop.push_back(i);
    }
    const auto predicted =
        BodyFitStartKeypoints(body, model, prior, cameras.fit[camera], frame_starts);
    const std::vector<int> match = MatchPredictionsToPeople(people, predicted);
    for (size_t i = 0; i < people.size(); ++i) {
      if (match[i] < 0) {
        ++unmatched;
        continue;
      }
      starts[who[i]].push_back(frame_starts[match[i]]);
      (from_crop[match[i]] == i ? own : other)++;
    }
    if (seconds() - last_report > 5.0 || t + 1 == T) {
      last_report = seconds();
      const double rate = (t + 1) / std::max(last_report, 1e-9);
      std::fprintf(stderr, "  regressor: frame %d/%d, %d crops, %.1f frames/s, ETA %.0f s\n",
                   t + 1, T, crops, rate, (T - t - 1) / rate);
    }
  }
  std::fprintf(stderr,
               "recover: regressor: %d crops, %d people start from their own crop's prediction, "
               "%d from another crop's (an occluder), %d from none (no prediction close to "
               "their keypoints)%s\n",
               crops, own, other, unmatched,
               unusable > 0 ? fmt::format(", {} predictions without a positive scale", unusable)
                                  .c_str()
                            : "");
  return starts;
}

// Starts from a motion file's joints (--start-from; e.g. a previous
// recovery, or the truth in experiments, with --start-noise-mm of Gaussian
// noise on every joint): SMPL-convention rotations on the prior's rest
// skeleton, in each job's camera. Persons are the tracks in track-id order.
std::vector<std::vector<BodyFitStart>> MotionStarts(const RecoverArgs& args,
                                                    const KeypointSet& set,
                                                    const Cameras& cameras,
                                                    const std::vector<FitJob>& jobs,
                                                    int num_tracks,
                                                    const PosePrior& prior) {
  const MotionClip motion = ReadMotionFile(args.start_from);
  const int T = static_cast<int>(set.frames.size());
  if (motion.num_persons != num_tracks || motion.num_frames < T)
    throw Error(fmt::format(
        "--start-from {}: {} persons and {} frames, but the keypoints have {} tracks (matched "
        "in track-id order) and {} frames",
        args.start_from, motion.num_persons, motion.num_frames, num_tracks, T));
  Rng rng(args.start_seed);
  const double sigma = args.start_noise_mm / 1000.0;
  std::vector<std::vector<BodyFitStart>> starts(jobs.size());
  for (size_t j = 0; j < jobs.size(); ++j) {
    const KeypointTrack& track = jobs[j].track;
    const BodyFitCamera& camera = cameras.fit[jobs[j].camera];
    const int p = jobs[j].person;
    for (int f = 0; f < track.num_frames(); ++f) {
      const int t = track.first_frame + f;
      const size_t valid_at = (static_cast<size_t>(p) * motion.num_frames + t) * kNumJoints;
      if (!motion.valid.empty() &&
          !std::all_of(motion.valid.begin() + valid_at,
                       motion.valid.begin() + valid_at + kNumJoints,
                       [](uint8_t v) { return v != 0; }))
        continue;
      std::array<float, kNumJoints * 3> joints;
      std::copy_n(motion.joint(p, t, 0), joints.size(), joints.begin());
      if (sigma > 0.0)
        for (float& v : joints) v += static_cast<float>(rng.Normal(0.0, sigma));
      starts[j].push_back(StartFromJoints(joints.data(), prior.rest_joints, camera.rotation,
                                          camera.translation, t));
    }
  }
  return starts;
}

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
  if (args.optimizer != "lbfgs" && args.optimizer != "adam")
    throw Error(fmt::format("--optimizer must be lbfgs or adam, got '{}'", args.optimizer));
  if (!(args.fit.adam_learning_rate > 0.0))
    throw Error(fmt::format("--adam-lr must be > 0, got {}", args.fit.adam_learning_rate));
  const bool per_image = args.method == "per-image";
  if (!args.scene.empty() && !args.intrinsics.empty())
    throw Error("give the camera with one of --intrinsics K.json and --scene SCENE_DIR, not both");
  if (!per_image && args.scene.empty() && args.intrinsics.empty())
    throw Error("give the camera with --intrinsics K.json or --scene SCENE_DIR (only "
                "--method per-image may guess it from each image's size)");
  if (!args.frames.empty() && args.preview.empty() && args.regressor.empty())
    std::fprintf(stderr, "warning: --frames is only used for --preview and --regressor\n");
  if (!args.regressor.empty() && args.frames.empty())
    throw Error("--regressor needs the frames to crop the people from: give --frames DIR|VIDEO");
  if (!args.regressor.empty() && !args.start_from.empty())
    throw Error("give one of --regressor and --start-from, not both");
  if (!(args.start_noise_mm >= 0.0))
    throw Error(fmt::format("--start-noise-mm must be >= 0, got {}", args.start_noise_mm));
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
  options.optimizer = args.optimizer == "adam" ? BodyFitOptimizer::kAdam : BodyFitOptimizer::kLbfgs;
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
  std::vector<std::vector<BodyFitStart>> starts(jobs.size());
  if (!args.regressor.empty())
    starts = RegressorStarts(args, set, cameras, jobs, frames, body, model, prior);
  if (!args.start_from.empty())
    starts = MotionStarts(args, set, cameras, jobs, P, prior);
  std::vector<BodyFit> fits;
  double reprojection_sum = 0.0;
  int started_frames = 0;
  int reprojection_count = 0;
  std::fprintf(stderr, "recover: %d frames, %d tracks, %zu fits, %s fitting%s\n", T, P,
               jobs.size(), args.method.c_str(), args.smooth ? " then smoothing" : "");
  for (size_t j = 0; j < jobs.size(); ++j) {
    const FitJob& job = jobs[j];
    const BodyFitCamera& camera = cameras.fit[job.camera];
    BodyFit fit = FitBodyToTrack(body, model, prior, camera, job.track, options, starts[j]);
    started_frames += fit.started_frames;
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
      {"optimizer", args.optimizer},
      {"smooth", args.smooth && !per_image},
      {"camera", cameras.described},
      {"mean_reprojection_px", reprojection},
      {"regressor", args.regressor},
      {"start_from", args.start_from},
      {"start_noise_mm", args.start_noise_mm},
      {"started_frames", started_frames},
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
  std::printf("%s: %d persons, %d frames at %.0f fps (%s%s), %zu fits, %d frames started from "
              "%s, mean reprojection %.2f px, %.1f s\n",
              args.out.c_str(), P, T, args.fps, args.method.c_str(),
              args.smooth && !per_image ? " + smoothing" : "", fits.size(), started_frames,
              !args.regressor.empty()    ? "the regressor"
              : !args.start_from.empty() ? "--start-from"
                                         : "no prediction",
              reprojection, seconds);
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
      "keypoint file's image names are relative to, or a video) as frame_NNNNNN.png.\n"
      "Hybrid path: --regressor MODEL.pt crops each person around their keypoints,\n"
      "regresses the body, matches predictions to people by keypoint distance\n"
      "(Hungarian; a crop that saw an occluder gives its prediction to the occluder,\n"
      "duplicates are dropped) and starts each frame's fit from its prediction.\n"
      "--start-from MOTION.npz starts from a motion file's joints instead.\n\n"
      "Examples:\n"
      "  intersynth recover --keypoints kp.json --scene scene/ --out motion.npz\n"
      "  intersynth recover --keypoints coco/person_keypoints.json --method per-image \\\n"
      "      --frames coco/ --preview fits/ --out coco_fits.npz\n"
      "  intersynth recover --keypoints kp.json --intrinsics K.json --frames video.mp4 \\\n"
      "      --regressor hmr2.pt --out motion.npz");
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
  command->add_option("--regressor", args->regressor,
                      "TorchScript pose regressor (HMR2.0-style; contract in "
                      "recovery/torchscript_pose_regressor.h): fits start from its "
                      "predictions (needs --frames)");
  command->add_option("--start-from", args->start_from,
                      "motion file whose joints the fits start from (persons in track-id order)");
  command->add_option("--start-noise-mm", args->start_noise_mm,
                      "Gaussian noise (mm) added to --start-from's joints (experiments)")
      ->capture_default_str();
  command->add_option("--start-seed", args->start_seed, "seed of --start-noise-mm")
      ->capture_default_str();
  command->add_flag("--smooth", args->smooth, "smooth the fitted parameters afterwards");
  command
      ->add_option("--smooth-lambda", args->smooth_lambda,
                   "smoothing strength (Whittaker-Henderson lambda, frames^4)")
      ->capture_default_str();
  command->add_option("--fps", args->fps, "frame rate recorded in the motion file")
      ->capture_default_str();
  command->add_option("--betas", args->fit.num_betas, "shape directions fitted")
      ->capture_default_str();
  command->add_option("--iterations", args->fit.stage_iterations, "iterations per stage")
      ->capture_default_str();
  command->add_option("--optimizer", args->optimizer,
                      "adam | lbfgs (adam: 10 steps of --adam-lr per iteration; lbfgs: about 9 "
                      "times faster, less accurate)")
      ->capture_default_str();
  command->add_option("--adam-lr", args->fit.adam_learning_rate, "Adam's learning rate")
      ->capture_default_str();
  command->add_option("--hypothesis-iterations", args->fit.hypothesis_iterations,
                      "iterations of each pose hypothesis' fit")
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
