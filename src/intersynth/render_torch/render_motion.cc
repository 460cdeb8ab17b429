#include "intersynth/render_torch/render_motion.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "intersynth/body/body_model.h"
#include "intersynth/body/pose_prior.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/render/image_write.h"
#include "intersynth/render/mp4_writer.h"
#include "intersynth/render_gl/offscreen_renderer.h"
#include "intersynth/scene/depth_map.h"
#include "intersynth/scene/scene_folder.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"
#include "intersynth/util/timer.h"

namespace intersynth {
namespace {

// One camera to render: the scene's own, or a virtual one.
struct Camera {
  std::string name;
  PinholeCamera camera;
  RigidTransformd world_from_camera;
  bool virtual_view = false;
  SimulatedCamera sensor;
  double hfov_deg = 0.0;
};

// A clothing colour: a random hue at moderate saturation and value.
std::array<uint8_t, 3> ClothingColour(Rng& rng) {
  cv::Mat hsv(
      1, 1, CV_8UC3,
      cv::Scalar(rng.UniformInt(0, 179), rng.UniformInt(90, 200), rng.UniformInt(110, 220)));
  cv::Mat rgb;
  cv::cvtColor(hsv, rgb, cv::COLOR_HSV2RGB);
  const cv::Vec3b c = rgb.at<cv::Vec3b>(0, 0);
  return {c[0], c[1], c[2]};
}

cv::Mat Bgr(const RgbImage& image) {
  cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

nlohmann::json CameraJson(const Camera& c) {
  const Eigen::Matrix4d m = c.world_from_camera.ToMatrix4();
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < 4; ++r) rows.push_back({m(r, 0), m(r, 1), m(r, 2), m(r, 3)});
  nlohmann::json json = {{"name", c.name},
                         {"virtual", c.virtual_view},
                         {"intrinsics",
                          {{"fx", c.camera.fx},
                           {"fy", c.camera.fy},
                           {"cx", c.camera.cx},
                           {"cy", c.camera.cy},
                           {"width", c.camera.width},
                           {"height", c.camera.height}}},
                         {"world_from_camera", rows}};
  if (c.virtual_view) {
    json["height_m"] = c.sensor.camera_height;
    json["pitch_down_deg"] = c.sensor.pitch_down_deg;
    json["yaw_deg"] = c.sensor.yaw_deg;
    json["hfov_deg"] = c.hfov_deg;
  }
  return json;
}

}  // namespace

void RenderMotionOptions::Check() const {
  CheckRequired(motion.string(), "motion");
  CheckRequired(scene_dir.string(), "scene_dir");
  CheckRequired(out_dir.string(), "out_dir");
  CheckRequired(body.string(), "body");
  CheckRequired(prior.string(), "prior");
  CheckInRange(views, 0, 64, "views");
  CheckNested("fit", [&] { fit.Check(); });
  CheckNested("cameras", [&] { cameras.Check(); });
  CheckNested("labels", [&] { labels.Check(); });
}

RenderMotionReport RenderMotion(const RenderMotionOptions& o) {
  o.Check();
  RenderMotionReport report;
  if (std::filesystem::exists(o.out_dir) && !o.overwrite) {
    throw OptionError(
        fmt::format("{}: already exists (pass {{overwrite}} to replace it)", o.out_dir.string()));
  }

  // 1. The motion and the scene.
  const MotionClip motion = ReadMotionFile(o.motion);
  const SceneDescription scene = ReadSceneDescription(o.scene_dir);
  if (scene.depth.empty()) {
    throw Error(
        fmt::format("{}: scene.json names no depth map; placing people needs the room's "
                    "metric depth (lift-scene writes depth.npy)",
                    o.scene_dir.string()));
  }
  const DepthMap depth = ReadDepthMap(scene.depth);
  const RgbImage key_frame = ReadRgbImage(scene.image);
  if (depth.width != scene.camera.width || depth.height != scene.camera.height ||
      key_frame.width != scene.camera.width || key_frame.height != scene.camera.height) {
    throw Error(
        fmt::format("{}: the key frame ({}x{}) and the depth ({}x{}) must be the camera's "
                    "size ({}x{})",
                    o.scene_dir.string(), key_frame.width, key_frame.height, depth.width,
                    depth.height, scene.camera.width, scene.camera.height));
  }
  const RoomMap room(scene.camera, scene.world_from_camera, depth);

  // 2. Placement.
  PlacementOptions placement;
  placement.place = o.place;
  placement.seed = MixSeed(o.seed, 1, 0);
  const PlacementResult placed = PlaceMotion(motion, room, placement);
  report.placement = placed.placement;
  report.placement_attempts = placed.attempts;

  // 3. Bodies.
  const BodyModelData model = LoadBodyModel(o.body);
  const PosePrior prior = LoadPosePrior(o.prior);
  if (model.coco17_face_vertices.size() != 5) {
    throw Error(
        fmt::format("{}: the body model names no COCO face vertices; rendered keypoints "
                    "need them",
                    o.body.string()));
  }
  JointFitOptions fit_options = o.fit;
  fit_options.seed = MixSeed(o.seed, 2, 0);
  fit_options.threads = o.threads;
  const Timer fit_timer;
  const std::vector<JointFit> fits = FitBodiesToJoints(placed.placed, model, prior, fit_options);
  std::vector<std::vector<float>> vertices;
  for (const JointFit& fit : fits) {
    vertices.push_back(PosedVertices(model, fit, 0, fit.num_frames));
    report.fit_mean_mm.push_back(fit.mean_error_mm);
    report.fit_max_mm.push_back(fit.max_error_mm);
  }
  report.fit_seconds = fit_timer.Seconds();

  // 4. Cameras.
  std::vector<Camera> cameras = {
      {"scene", scene.camera, scene.world_from_camera, false, SimulatedCamera{}, 0.0}};
  for (int k = 1; k <= o.views; ++k) {
    const MonitoringCamera m =
        SampleMonitoringCamera(placed.placed, &room, o.cameras, MixSeed(o.seed, 3, k));
    cameras.push_back({fmt::format("view_{}", k), m.camera.camera, m.camera.world_from_camera, true,
                       m.camera, m.hfov_deg});
  }
  const RenderPoints splats =
      o.views > 0 ? RoomSplats(scene.camera, scene.world_from_camera, depth, &key_frame)
                  : RenderPoints{};

  // 5. Frames.
  Rng rng(MixSeed(o.seed, 4, 0));
  std::vector<RenderMesh> meshes(fits.size());
  for (size_t p = 0; p < fits.size(); ++p) {
    meshes[p].triangles.assign(model.faces.begin(), model.faces.end());
    meshes[p].instance = static_cast<int>(p) + 1;
    meshes[p].color = ClothingColour(rng);
  }
  const int T = placed.placed.num_frames;
  const size_t frame_values = static_cast<size_t>(model.num_vertices) * 3;
  AtomicFolderWriter out(o.out_dir, o.overwrite);
  WriteMotionFile(out.temp_path() / "motion.npz", placed.placed);
  MotionClip bodies = placed.placed;
  for (size_t p = 0; p < fits.size(); ++p)
    std::copy(fits[p].joints22.begin(), fits[p].joints22.end(), bodies.person(static_cast<int>(p)));
  bodies.rotations.clear();
  bodies.valid.clear();
  WriteMotionFile(out.temp_path() / "bodies.npz", bodies);

  std::unique_ptr<ProgressBar> bar;
  if (o.progress)
    bar = std::make_unique<ProgressBar>("render", static_cast<int64_t>(cameras.size()) * T);
  const Timer render_timer;
  nlohmann::json cameras_json = nlohmann::json::array();
  for (const Camera& camera : cameras) {
    const std::filesystem::path dir = out.temp_path() / camera.name;
    std::filesystem::create_directories(dir / (o.frames_png ? "frames" : ""));
    OffscreenRenderer renderer(camera.camera.width, camera.camera.height);
    RenderView view;
    view.camera = camera.camera;
    view.world_from_camera = camera.world_from_camera;
    if (camera.virtual_view) {
      view.splats = &splats;
    } else {
      view.scene_depth = &depth;
      view.background = &key_frame;
    }
    view.light_direction = {rng.Uniform(-0.6, 0.6), rng.Uniform(0.2, 0.8), 1.0};
    view.ambient = rng.Uniform(0.25, 0.45);
    Mp4Writer video(dir / "video.mp4", placed.placed.fps, camera.camera.width,
                    camera.camera.height);
    KeypointSet set;
    set.format = "coco";
    RenderedCamera rendered;
    rendered.name = camera.name;
    for (int t = 0; t < T; ++t) {
      for (size_t p = 0; p < meshes.size(); ++p) {
        const float* v = vertices[p].data() + static_cast<size_t>(t) * frame_values;
        meshes[p].vertices.assign(v, v + frame_values);
      }
      const RenderOutput frame = renderer.Render(view, meshes);
      const cv::Mat bgr = Bgr(frame.rgb);
      video.Write(bgr);
      const std::string name = fmt::format("frame_{:06d}.png", t);
      if (o.frames_png) {
        WriteImageOrThrow(bgr, dir / "frames" / name, (dir / "frames" / name).string());
        cv::Mat mask(frame.rgb.height, frame.rgb.width, CV_16UC1,
                     const_cast<uint16_t*>(frame.instance.data()));
        const std::string mask_name = fmt::format("mask_{:06d}.png", t);
        WriteImageOrThrow(mask, dir / "frames" / mask_name, mask_name);
        cv::Mat depth_mm(frame.rgb.height, frame.rgb.width, CV_16UC1);
        for (int i = 0; i < frame.depth.size(); ++i) {
          depth_mm.at<uint16_t>(i / frame.depth.width, i % frame.depth.width) =
              static_cast<uint16_t>(
                  std::clamp(std::lround(frame.depth.values[i] * 1000.0), 0L, 65535L));
        }
        const std::string depth_name = fmt::format("depth_{:06d}.png", t);
        WriteImageOrThrow(depth_mm, dir / "frames" / depth_name, depth_name);
      }
      set.frames.push_back({t, "frames/" + name, camera.camera.width, camera.camera.height});
      for (size_t p = 0; p < fits.size(); ++p) {
        const CocoPoints3d points =
            Coco17Points(fits[p].joints22.data() + static_cast<size_t>(t) * kNumJoints * 3,
                         meshes[p].vertices.data(), model.coco17_face_vertices);
        PersonKeypoints person =
            LabelKeypoints(points, camera.camera, camera.world_from_camera, frame.depth,
                           frame.instance, meshes[p].instance, o.labels);
        person.frame = t;
        person.track_id = static_cast<int64_t>(p);
        for (int k = 0; k < kCoco17NumKeypoints; ++k) {
          if (person.confidence[k] == 0.0f)
            ++rendered.outside;
          else if (person.hidden[k])
            ++rendered.hidden;
          else
            ++rendered.seen;
        }
        set.people.push_back(person);
      }
      ++rendered.frames;
      if (bar) bar->Tick();
    }
    video.Commit();
    WriteKeypointsJson(dir / "keypoints.json", set);
    if (camera.virtual_view) WriteSimulatedSceneFolder(dir / "scene", camera.sensor, false);
    nlohmann::json json = CameraJson(camera);
    json["keypoints"] = {
        {"seen", rendered.seen}, {"hidden", rendered.hidden}, {"outside", rendered.outside}};
    cameras_json.push_back(json);
    report.cameras.push_back(rendered);
  }
  if (bar) bar->Finish();
  report.render_seconds = render_timer.Seconds();

  nlohmann::json fits_json = nlohmann::json::array();
  for (size_t p = 0; p < fits.size(); ++p) {
    fits_json.push_back({{"person", p},
                         {"betas", fits[p].betas},
                         {"mean_joint_error_mm", fits[p].mean_error_mm},
                         {"max_joint_error_mm", fits[p].max_error_mm},
                         {"colour", meshes[p].color}});
  }
  WriteJson(out.temp_path() / "render.json",
            {{"format", "intersynth-render-v1"},
             {"motion", std::filesystem::absolute(o.motion).string()},
             {"scene", std::filesystem::absolute(o.scene_dir).string()},
             {"text", placed.placed.text},
             {"labels", placed.placed.labels},
             {"seed", o.seed},
             {"placement",
              {{"x", report.placement.x},
               {"z", report.placement.z},
               {"yaw_deg", report.placement.yaw_deg},
               {"attempts", report.placement_attempts},
               {"given", o.place.has_value()}}},
             {"body", std::filesystem::absolute(o.body).string()},
             {"bodies", fits_json},
             {"cameras", cameras_json},
             {"fit_seconds", report.fit_seconds},
             {"render_seconds", report.render_seconds}});
  out.Commit();

  double worst = 0.0;
  for (double e : report.fit_mean_mm) worst = std::max(worst, e);
  report.summary = fmt::format(
      "placed {} person(s) at x {:.2f}, z {:.2f}, yaw {:.0f} deg ({} tries); bodies fitted in "
      "{:.1f} s (mean joint error up to {:.1f} mm); rendered {} frames x {} camera(s) in {:.1f} s; "
      "wrote {}",
      placed.placed.num_persons, report.placement.x, report.placement.z, report.placement.yaw_deg,
      report.placement_attempts, report.fit_seconds, worst, T, cameras.size(),
      report.render_seconds, o.out_dir.string());
  return report;
}

}  // namespace intersynth
