#include "intersynth/recovery_torch/recover.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/body/body_model.h"
#include "intersynth/body/pose_prior.h"
#include "intersynth/body_torch/body_model_torch.h"
#include "intersynth/io/frame_source.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/recovery/assignment.h"
#include "intersynth/recovery/crop_camera.h"
#include "intersynth/recovery/crop_image.h"
#include "intersynth/recovery/fit_start.h"
#include "intersynth/recovery/keypoint_tracks.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery_torch/body_fit_smoothing_torch.h"
#include "intersynth/recovery_torch/body_fitting_torch.h"
#include "intersynth/recovery_torch/torchscript_pose_regressor.h"
#include "intersynth/render/fit_overlay.h"
#include "intersynth/render/image_write.h"
#include "intersynth/scene/scene_folder.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/random.h"
#include "intersynth/util/timer.h"

namespace intersynth {

void RecoverOptions::Check() const {
  CheckRequired(keypoints.string(), "keypoints");
  CheckRequired(out.string(), "out");
  if (!scene.empty() && !intrinsics.empty())
    throw OptionError(
        "give the camera with one of {intrinsics} K.json and {scene} SCENE_DIR, not both");
  if (method != RecoverMethod::kPerImage && scene.empty() && intrinsics.empty())
    throw OptionError(
        "give the camera with {intrinsics} K.json or {scene} SCENE_DIR (only {method} per-image "
        "may guess it from each image's size)");
  if (!regressor.empty() && frames.empty())
    throw OptionError(
        "{regressor} needs the frames to crop the people from: give {frames} DIR|VIDEO");
  if (!regressor.empty() && !start_from.empty())
    throw OptionError("give one of {regressor} and {start_from}, not both");
  CheckAtLeast(start_noise_mm, 0.0, "start_noise_mm");
  CheckPositive(smooth_lambda, "smooth_lambda");
  CheckPositive(fps, "fps");
  CheckNested("fit", [&] { fit.Check(); });
}

namespace {

// The cameras of the frames: one for every frame, or (per-image) one per
// frame from its own size; all share camera_from_world.
struct Cameras {
  std::vector<PinholeCamera> cameras;
  RigidTransformd camera_from_world = CameraFromCameraCentredWorld();
  std::vector<int> of_frame;
  std::string described;
};

Cameras MakeCameras(const RecoverOptions& options, const KeypointSet& set, bool per_image) {
  Cameras cameras;
  const int T = static_cast<int>(set.frames.size());
  if (!options.scene.empty()) {
    const SceneDescription scene = ReadSceneDescription(options.scene);
    cameras.cameras = {scene.camera};
    cameras.camera_from_world = scene.world_from_camera.Inverse();
    cameras.of_frame.assign(T, 0);
    cameras.described = options.scene.string();
    return cameras;
  }
  for (int t = 0; t < (per_image ? T : 1); ++t) {
    const KeypointFrame& frame = set.frames[t];
    if (per_image && (frame.width < 1 || frame.height < 1) && options.intrinsics.empty())
      throw OptionError(fmt::format(
          "{}: image {} ({}) has no size, so its camera cannot be derived from a field of view; "
          "give {{intrinsics}} with fx, fy, cx, cy",
          options.keypoints.string(), frame.id, frame.file_name));
    cameras.cameras.push_back(
        options.intrinsics.empty()
            ? PinholeCamera::FromHorizontalFov(frame.width, frame.height,
                                               kDefaultHorizontalFovDeg * EIGEN_PI / 180.0)
            : ReadIntrinsicsJson(options.intrinsics, frame.width, frame.height));
  }
  cameras.of_frame.assign(T, 0);
  if (per_image) std::iota(cameras.of_frame.begin(), cameras.of_frame.end(), 0);
  cameras.described = options.intrinsics.empty()
                          ? fmt::format("each image's own, {:.0f} degrees horizontal field of view",
                                        kDefaultHorizontalFovDeg)
                          : options.intrinsics.string();
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

// Frame t of `frames`, checked against the size of its camera.
cv::Mat ReadFrame(FrameSource& frames, int t, const PinholeCamera& camera) {
  const cv::Mat image = frames.Read(t);
  if (image.cols != camera.width || image.rows != camera.height)
    throw Error(fmt::format("{}: {}x{} pixels, but the keypoint file says {}x{}",
                            frames.Describe(t), image.cols, image.rows, camera.width,
                            camera.height));
  return image;
}

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

// What the fits share: the model, the prior and the camera.
struct FitContext {
  const BodyModelData& body;
  const BodyModelTorch& model;
  const PosePrior& prior;
  const Cameras& cameras;
};

// The hybrid path: per job, the regressor's starts for its frames. Each
// frame's people are cropped around their keypoints and regressed in one
// batch; the predictions are matched to the people by keypoint distance
// (Hungarian), so that a crop that saw an occluder gives its prediction to
// the occluder and duplicates are dropped.
std::vector<std::vector<BodyFitStart>> RegressorStarts(const RecoverOptions& options,
                                                       const KeypointSet& set,
                                                       const FitContext& fit,
                                                       const std::vector<FitJob>& jobs,
                                                       FrameSource& frames) {
  const TorchScriptPoseRegressor regressor = TorchScriptPoseRegressor::Load(options.regressor);
  const int S = regressor.input_size();
  std::fprintf(stderr, "recover: regressor %s (%d x %d crops, %d body joints)\n",
               options.regressor.c_str(), S, S, regressor.num_body_joints());
  std::vector<std::vector<BodyFitStart>> starts(jobs.size());
  const int T = static_cast<int>(set.frames.size());
  int crops = 0, own = 0, other = 0, unmatched = 0, unusable = 0;
  const Timer timer;
  double last_report = 0.0;
  for (int t = 0; t < T; ++t) {
    std::vector<size_t> who;
    std::vector<PersonKeypoints> people;
    std::vector<PersonCrop> boxes;
    for (size_t j = 0; j < jobs.size(); ++j) {
      const std::optional<PersonKeypoints> person = JobPerson(jobs[j], t, options.fit.min_visible);
      if (!person) continue;
      const std::optional<PersonCrop> box = CropAroundKeypoints(*person);
      if (!box) continue;
      who.push_back(j);
      people.push_back(*person);
      boxes.push_back(*box);
    }
    if (people.empty()) continue;
    const PinholeCamera& camera = fit.cameras.cameras[fit.cameras.of_frame[t]];
    const cv::Mat image = ReadFrame(frames, t, camera);
    std::vector<RgbCrop> images;
    for (const PersonCrop& box : boxes) images.push_back(CutPersonCrop(image, box, S));
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
      frame_starts.push_back(StartFromRegression(predictions[i], boxes[i], camera, t));
      from_crop.push_back(i);
    }
    const auto predicted = BodyFitStartKeypoints(fit.body, fit.model, fit.prior, camera,
                                                 fit.cameras.camera_from_world, frame_starts);
    const std::vector<int> match = MatchPredictionsToPeople(people, predicted);
    for (size_t i = 0; i < people.size(); ++i) {
      if (match[i] < 0) {
        ++unmatched;
        continue;
      }
      starts[who[i]].push_back(frame_starts[match[i]]);
      (from_crop[match[i]] == i ? own : other)++;
    }
    if (timer.Seconds() - last_report > 5.0 || t + 1 == T) {
      last_report = timer.Seconds();
      const double rate = (t + 1) / std::max(last_report, 1e-9);
      std::fprintf(stderr, "  regressor: frame %d/%d, %d crops, %.1f frames/s, ETA %.0f s\n", t + 1,
                   T, crops, rate, (T - t - 1) / rate);
    }
  }
  std::fprintf(stderr,
               "recover: regressor: %d crops, %d people start from their own crop's prediction, "
               "%d from another crop's (an occluder), %d from none (no prediction close to "
               "their keypoints)%s\n",
               crops, own, other, unmatched,
               unusable > 0
                   ? fmt::format(", {} predictions without a positive scale", unusable).c_str()
                   : "");
  return starts;
}

// Starts from a motion file's joints (start_from; e.g. a previous recovery,
// or the truth in experiments, with start_noise_mm of Gaussian noise on
// every joint): SMPL-convention rotations on the prior's rest skeleton, in
// the camera. Persons are the tracks in track-id order.
std::vector<std::vector<BodyFitStart>> MotionStarts(const RecoverOptions& options,
                                                    const KeypointSet& set,
                                                    const FitContext& fit,
                                                    const std::vector<FitJob>& jobs,
                                                    int num_tracks) {
  const MotionClip motion = ReadMotionFile(options.start_from);
  const int T = static_cast<int>(set.frames.size());
  if (motion.num_persons != num_tracks || motion.num_frames < T)
    throw OptionError(fmt::format(
        "{{start_from}} {}: {} persons and {} frames, but the keypoints have {} tracks (matched "
        "in track-id order) and {} frames",
        options.start_from.string(), motion.num_persons, motion.num_frames, num_tracks, T));
  Rng rng(options.start_seed);
  const double sigma = options.start_noise_mm / 1000.0;
  const RigidTransformd& camera_from_world = fit.cameras.camera_from_world;
  std::vector<std::vector<BodyFitStart>> starts(jobs.size());
  for (size_t j = 0; j < jobs.size(); ++j) {
    const KeypointTrack& track = jobs[j].track;
    const int p = jobs[j].person;
    for (int f = 0; f < track.num_frames(); ++f) {
      const int t = track.first_frame + f;
      const size_t valid_at = (static_cast<size_t>(p) * motion.num_frames + t) * kNumJoints;
      if (!motion.valid.empty() && !std::all_of(motion.valid.begin() + valid_at,
                                                motion.valid.begin() + valid_at + kNumJoints,
                                                [](uint8_t v) { return v != 0; }))
        continue;
      std::array<float, kNumJoints * 3> joints;
      std::copy_n(motion.joint(p, t, 0), joints.size(), joints.begin());
      if (sigma > 0.0)
        for (float& v : joints) v += static_cast<float>(rng.Normal(0.0, sigma));
      starts[j].push_back(
          StartFromJoints(joints.data(), fit.prior.rest_joints, camera_from_world, t));
    }
  }
  return starts;
}

// Writes one overlay PNG per frame in which a fitted person was seen;
// returns how many.
int WritePreviews(const RecoverOptions& options,
                  const KeypointSet& set,
                  const FitContext& fit_context,
                  const std::vector<FitJob>& jobs,
                  const std::vector<BodyFit>& fits,
                  FrameSource& frames) {
  namespace fs = std::filesystem;
  fs::create_directories(options.preview);
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
      person.vertices = BodyFitVertices(fit, fit_context.model, f);
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
    const PinholeCamera& camera = fit_context.cameras.cameras[fit_context.cameras.of_frame[t]];
    if (camera.width < 1 || camera.height < 1)
      throw OptionError(fmt::format("{{preview}}: frame {} ({}) has no image size in {}", t,
                                    set.frames[t].file_name, options.keypoints.string()));
    FitOverlayOptions overlay;
    overlay.caption =
        fmt::format("frame {} ({}): {} people, reprojection {:.1f} px", t, set.frames[t].file_name,
                    people.size(), error_sum / std::max(error_count, 1));
    const cv::Mat image = DrawFitOverlay(ReadFrame(frames, t, camera), camera,
                                         fit_context.body.faces, people, overlay);
    const fs::path out = options.preview / fmt::format("frame_{:06d}.png", t);
    AtomicFileWriter writer(out);
    WriteImageOrThrow(image, writer.temp_path(), out.string());
    writer.Commit();
    ++written;
  }
  std::fprintf(stderr, "recover: %d preview images in %s\n", written, options.preview.c_str());
  return written;
}

// The motion clip and body arrays of the fits, persons = tracks.
struct RecoveredArrays {
  MotionClip clip;
  int num_betas = 0;
  std::vector<float> betas, pose, transl, offsets;
};

RecoveredArrays CollectFits(const std::vector<FitJob>& jobs,
                            const std::vector<BodyFit>& fits,
                            int num_tracks,
                            int num_frames,
                            int num_joints,
                            int num_betas,
                            bool per_image,
                            float fps) {
  const int P = num_tracks, T = num_frames, J = num_joints, B = num_betas;
  RecoveredArrays out;
  out.clip = MotionClip::Zeros(P, T, fps);
  out.clip.valid.assign(static_cast<size_t>(P) * T * kNumJoints, 0);
  out.num_betas = B;
  out.betas.assign(static_cast<size_t>(P) * B, 0.0f);
  out.pose.assign(static_cast<size_t>(P) * T * J * 3, 0.0f);
  out.transl.assign(static_cast<size_t>(P) * T * 3, 0.0f);
  out.offsets.assign(static_cast<size_t>(P) * J * 3, 0.0f);
  std::vector<int> beta_count(P, 0);
  for (size_t j = 0; j < jobs.size(); ++j) {
    const BodyFit& fit = fits[j];
    const int p = jobs[j].person;
    // Per-image fits fill their own frame; a track's fit fills every frame,
    // frames outside its span repeating its first / last fitted frame (valid 0).
    const int t_begin = per_image ? fit.first_frame : 0;
    const int t_end = per_image ? fit.first_frame + 1 : T;
    for (int t = t_begin; t < t_end; ++t) {
      const int f = std::clamp(t - fit.first_frame, 0, fit.num_frames - 1);
      const bool valid = t - fit.first_frame == f && fit.seen[f];
      std::copy_n(fit.joints_world.begin() + static_cast<size_t>(f) * kNumJoints * 3,
                  kNumJoints * 3, out.clip.joint(p, t, 0));
      std::fill_n(out.clip.valid.begin() + (static_cast<size_t>(p) * T + t) * kNumJoints,
                  kNumJoints, valid ? 1 : 0);
      std::copy_n(fit.pose.begin() + static_cast<size_t>(f) * J * 3, J * 3,
                  out.pose.begin() + (static_cast<size_t>(p) * T + t) * J * 3);
      std::copy_n(fit.transl.begin() + static_cast<size_t>(f) * 3, 3,
                  out.transl.begin() + (static_cast<size_t>(p) * T + t) * 3);
    }
    std::copy(fit.joint_offsets.begin(), fit.joint_offsets.end(),
              out.offsets.begin() + static_cast<size_t>(p) * J * 3);
    // One shape per person: the mean over seen frames (all rows agree for a temporal fit).
    for (int f = 0; f < fit.num_frames; ++f) {
      if (!fit.seen[f]) continue;
      ++beta_count[p];
      for (int b = 0; b < B; ++b)
        out.betas[static_cast<size_t>(p) * B + b] += fit.betas[static_cast<size_t>(f) * B + b];
    }
  }
  for (int p = 0; p < P; ++p)
    for (int b = 0; b < B; ++b)
      out.betas[static_cast<size_t>(p) * B + b] /= std::max(beta_count[p], 1);
  return out;
}

}  // namespace

RecoverReport RecoverMotion(const RecoverOptions& options) {
  namespace fs = std::filesystem;
  options.Check();
  if (fs::exists(options.out) && !options.overwrite)
    throw OptionError(
        fmt::format("{} exists (pass {{overwrite}} to replace it)", options.out.string()));
  const bool per_image = options.method == RecoverMethod::kPerImage;
  if (!options.frames.empty() && options.preview.empty() && options.regressor.empty())
    std::fprintf(stderr, "warning: the frames are only used for previews and the regressor\n");
  if (!options.preview.empty() && fs::exists(options.preview) && !fs::is_directory(options.preview))
    throw OptionError(
        fmt::format("{{preview}} {}: exists and is not a folder", options.preview.string()));
  if (!options.frames.empty() && !fs::exists(options.frames))
    throw OptionError(fmt::format("{{frames}} {}: not found", options.frames.string()));
  const Timer timer;
  const KeypointSet set = ReadKeypointsJson(options.keypoints);
  if (set.frames.empty()) throw Error(fmt::format("{}: no frames", options.keypoints.string()));
  const Cameras cameras = MakeCameras(options, set, per_image);
  std::vector<std::string> file_names;
  for (const KeypointFrame& frame : set.frames) file_names.push_back(frame.file_name);
  FrameSource frames =
      options.frames.empty() ? FrameSource() : FrameSource(options.frames, std::move(file_names));
  if (per_image && options.scene.empty() && options.intrinsics.empty())
    std::fprintf(stderr,
                 "recover: no intrinsics given: each image's camera has a %.0f degree "
                 "horizontal field of view\n",
                 kDefaultHorizontalFovDeg);

  // Tracks, and the fits to run.
  std::vector<std::string> skipped;
  const std::vector<KeypointTrack> tracks = GroupKeypointTracks(set, &skipped);
  for (const std::string& s : skipped) std::fprintf(stderr, "warning: skipped %s\n", s.c_str());
  const std::vector<FitJob> jobs = MakeJobs(tracks, cameras, per_image, options.fit.min_visible);
  if (jobs.empty())
    throw Error(fmt::format("{}: no person shows {} keypoints in any frame",
                            options.keypoints.string(), options.fit.min_visible));

  const BodyModelData body = LoadBodyModel(options.body);
  const BodyModelTorch model(body);
  const PosePrior prior = LoadPosePrior(options.prior);
  const FitContext context{body, model, prior, cameras};
  BodyFitOptions fit_options = options.fit;
  fit_options.method = options.method == RecoverMethod::kTemporal ? BodyFitMethod::kTemporal
                                                                  : BodyFitMethod::kPerFrame;
  fit_options.progress = !per_image;
  fit_options.floor = options.scene.empty() ? std::nullopt : std::optional<Plane>(Plane{});

  const int T = static_cast<int>(set.frames.size());
  const int P = static_cast<int>(tracks.size());
  const bool smooth = options.smooth && !per_image;
  RecoverReport report;
  std::vector<std::vector<BodyFitStart>> starts(jobs.size());
  if (!options.regressor.empty()) {
    starts = RegressorStarts(options, set, context, jobs, frames);
    report.starts = RecoverStarts::kRegressor;
  }
  if (!options.start_from.empty()) {
    starts = MotionStarts(options, set, context, jobs, P);
    report.starts = RecoverStarts::kStartFrom;
  }

  // The fits, one job after another.
  std::vector<BodyFit> fits;
  double reprojection_sum = 0.0;
  std::fprintf(stderr, "recover: %d frames, %d tracks, %zu fits, %s fitting%s\n", T, P, jobs.size(),
               std::string(ToString(options.method)).c_str(),
               options.smooth ? " then smoothing" : "");
  for (size_t j = 0; j < jobs.size(); ++j) {
    const FitJob& job = jobs[j];
    const PinholeCamera& camera = cameras.cameras[job.camera];
    BodyFit fit = FitBodyToTrack(body, model, prior, camera, cameras.camera_from_world, job.track,
                                 fit_options, starts[j]);
    report.started_frames += fit.started_frames;
    if (smooth)
      fit =
          SmoothBodyFit(fit, body, model, camera, cameras.camera_from_world, options.smooth_lambda);
    reprojection_sum += fit.mean_reprojection_px;
    if (per_image) {
      std::fprintf(stderr, "  [%zu/%zu] frame %d (%s), person %lld: %.1f s, reprojection %.1f px\n",
                   j + 1, jobs.size(), fit.first_frame,
                   set.frames[fit.first_frame].file_name.c_str(),
                   static_cast<long long>(fit.track_id), fit.seconds, fit.mean_reprojection_px);
    } else {
      std::fprintf(
          stderr,
          "  track %lld: %d frames in %.1f s (%.2f s per frame), mean reprojection %.1f px\n",
          static_cast<long long>(fit.track_id), fit.num_frames, fit.seconds,
          fit.seconds / fit.num_frames, fit.mean_reprojection_px);
    }
    fits.push_back(std::move(fit));
  }

  // The motion file: joints in world, body parameters, the camera.
  const int B = std::min(options.fit.num_betas, body.num_betas);
  RecoveredArrays arrays =
      CollectFits(jobs, fits, P, T, body.num_joints, B, per_image, options.fps);
  report.mean_reprojection_px = reprojection_sum / std::max(static_cast<int>(jobs.size()), 1);
  std::vector<int64_t> track_ids;
  for (const KeypointTrack& track : tracks) track_ids.push_back(track.track_id);
  const nlohmann::json metadata = {
      {"command", "intersynth recover"},
      {"keypoints", options.keypoints.string()},
      {"body_model", options.body.string()},
      {"prior", options.prior.string()},
      {"method", ToString(options.method)},
      {"optimizer", ToString(options.fit.optimizer)},
      {"smooth", smooth},
      {"camera", cameras.described},
      {"mean_reprojection_px", report.mean_reprojection_px},
      {"regressor", options.regressor.string()},
      {"start_from", options.start_from.string()},
      {"start_noise_mm", options.start_noise_mm},
      {"started_frames", report.started_frames},
      {"world", !options.scene.empty() ? "the scene's world (floor y = 0)"
                : per_image            ? "each image's own camera-centred frame, Y up"
                                       : "camera-centred, Y up (no floor known)"}};
  MotionClip& clip = arrays.clip;
  clip.metadata = metadata.dump();
  clip.labels = {"recovered"};
  const int J = body.num_joints;
  const Eigen::Matrix4d world_from_camera = cameras.camera_from_world.Inverse().ToMatrix4();
  std::vector<double> world_from_camera_rows(16);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) world_from_camera_rows[4 * i + j] = world_from_camera(i, j);
  MotionFileWriteOptions write;
  write.extra = {{"body_betas", NpyArray::Float32({P, B}, arrays.betas)},
                 {"body_pose", NpyArray::Float32({P, T, J, 3}, arrays.pose)},
                 {"body_transl", NpyArray::Float32({P, T, 3}, arrays.transl)},
                 {"body_joint_offsets", NpyArray::Float32({P, J, 3}, arrays.offsets)},
                 {"world_from_camera", NpyArray::Float64({4, 4}, world_from_camera_rows)},
                 {"track_ids", NpyArray::Int64({P}, track_ids)}};
  if (!options.preview.empty())
    report.preview_images = WritePreviews(options, set, context, jobs, fits, frames);
  WriteMotionFile(options.out, clip, write);

  report.persons = P;
  report.frames = T;
  report.fps = options.fps;
  report.method = options.method;
  report.smoothed = smooth;
  report.fits = static_cast<int>(fits.size());
  report.seconds = timer.Seconds();
  return report;
}

}  // namespace intersynth
