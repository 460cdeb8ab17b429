#include "intersynth/scene/lift_scene.h"

#include <fmt/format.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "intersynth/io/json.h"
#include "intersynth/io/ply.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr double kDegrees = 180.0 / EIGEN_PI;

/// Number of valid values in a map.
int64_t CountValid(const DepthMap& map, bool (*valid)(float)) {
  int64_t count = 0;
  for (float v : map.values) count += valid(v);
  return count;
}

bool IsFinite(float v) { return std::isfinite(v); }

/// Throws Error unless `map` is non-empty and has at least one valid value.
void RequireSomeValid(const DepthMap& map, const std::string& name, bool metric) {
  if (map.empty()) throw Error(fmt::format("{}: the map is empty", name));
  if (CountValid(map, metric ? IsValidDepth : IsFinite) == 0) {
    throw Error(fmt::format("{}: no valid {} in {}x{} pixels (every value is {})", name,
                            metric ? "depth" : "disparity", map.width, map.height,
                            metric ? "NaN, infinite, zero or negative" : "NaN or infinite"));
  }
}

/// The name of the i-th entry, or a generic one.
std::string NameAt(const std::vector<std::string>& names, size_t i, const char* kind) {
  return i < names.size() ? names[i] : fmt::format("{} map {}", kind, i);
}

/// The key frame's metric depth at whatever resolution its source has.
/// Fills the fusion report and depth_source; may set success = false.
DepthMap KeyFrameDepth(const LiftSceneInputs& inputs,
                       const LiftSceneOptions& options,
                       LiftSceneResult* result) {
  if (inputs.depth && (!inputs.metric.empty() || !inputs.disparity.empty())) {
    throw OptionError(
        "give one depth source: a metric depth map ({depth}), or metric depth with optional "
        "disparity ({metric} [{disparity}]), not both");
  }
  if (inputs.depth) {
    RequireSomeValid(*inputs.depth, inputs.depth_name, true);
    result->depth_source = fmt::format("metric depth {}", inputs.depth_name);
    return *inputs.depth;
  }
  if (inputs.metric.empty()) {
    throw OptionError(
        inputs.disparity.empty()
            ? "no depth source: give {depth}, {metric} (and {disparity}), or a depth model"
            : "a disparity map has no scale or shift of its own: give a metric depth map "
              "({metric}) to fit them");
  }
  for (size_t k = 0; k < inputs.metric.size(); ++k)
    RequireSomeValid(inputs.metric[k], NameAt(inputs.metric_names, k, "metric"), true);
  for (size_t k = 0; k < inputs.disparity.size(); ++k) {
    RequireSomeValid(inputs.disparity[k], NameAt(inputs.disparity_names, k, "disparity"), false);
  }
  if (inputs.disparity.empty()) {
    if (inputs.metric.size() > 1) {
      throw Error(
          fmt::format("{} metric depth maps without disparity maps: only the key frame's is used; "
                      "give one disparity map per metric map to fuse them",
                      inputs.metric.size()));
    }
    result->depth_source = fmt::format("metric depth {}", NameAt(inputs.metric_names, 0, "metric"));
    return inputs.metric[0];
  }
  if (inputs.disparity.size() != inputs.metric.size()) {
    throw Error(fmt::format(
        "depth fusion pairs key frames: got {} metric depth map(s) and {} disparity map(s)",
        inputs.metric.size(), inputs.disparity.size()));
  }

  // Fusion over all key frames; the first disparity map is the key frame's.
  if (options.on_stage) options.on_stage("fitting the disparity to the metric depth");
  DisparityFitReport fit = FitDisparityToMetric(inputs.metric, inputs.disparity, options.fusion);
  result->fusion = fit;
  if (!fit.success) {
    result->message = "depth fusion failed: " + fit.message;
    return {};
  }
  FusedDepth fused = FuseDepth(inputs.disparity[0], fit.alpha, fit.beta);
  result->invalid_fused_pixels = fused.invalid;
  result->depth_source = fmt::format(
      "fusion of {} with {} ({} key frame(s))", NameAt(inputs.disparity_names, 0, "disparity"),
      NameAt(inputs.metric_names, 0, "metric"), inputs.metric.size());
  return std::move(fused.depth);
}

/// A paragraph on what was found, for the terminal.
std::string Summary(const LiftSceneResult& r) {
  std::string text = fmt::format(
      "Lifted a {}x{} key frame (camera fx {:.1f}, fy {:.1f}, cx {:.1f}, cy {:.1f} from {}; "
      "horizontal field of view {:.1f} degrees) with depth from {}: {} of {} pixels valid",
      r.camera.width, r.camera.height, r.camera.fx, r.camera.fy, r.camera.cx, r.camera.cy,
      r.camera_source, r.camera.HorizontalFov() * kDegrees, r.depth_source, r.valid_depth_pixels,
      r.depth.size());
  if (r.fusion) {
    text += fmt::format(" (fusion: {}; {} fused pixels invalid)", r.fusion->message,
                        r.invalid_fused_pixels);
  }
  text += fmt::format(
      ". The {} {} The camera stands {:.2f} m above the floor, looking {:.1f} degrees down with "
      "{:.1f} degrees of roll; {:.1f}% of the floor inliers lie within 3 cm of y = 0 after "
      "alignment. {} points in the world frame (Y up, the camera at ({:.2f}, {:.2f}, {:.2f}) "
      "looking towards -Z).",
      r.floor.from_mask ? "floor mask gave" : "floor search gave", r.floor.message + ".",
      r.placement.camera_height, r.placement.pitch_down_deg, r.placement.roll_deg,
      100.0 * r.floor_within_3cm, r.cloud_in_world.size(), r.placement.camera_in_world.x(),
      r.placement.camera_in_world.y(), r.placement.camera_in_world.z());
  return text;
}

nlohmann::json CameraJson(const PinholeCamera& c) {
  return {{"fx", c.fx},
          {"fy", c.fy},
          {"cx", c.cx},
          {"cy", c.cy},
          {"width", c.width},
          {"height", c.height},
          {"pixel_convention", "opencv"}};
}

nlohmann::json Matrix4Json(const Eigen::Matrix4d& m) {
  nlohmann::json rows = nlohmann::json::array();
  for (int r = 0; r < 4; ++r) rows.push_back({m(r, 0), m(r, 1), m(r, 2), m(r, 3)});
  return rows;
}

nlohmann::json VectorJson(const Eigen::Vector3d& v) { return {v.x(), v.y(), v.z()}; }

/// Writes an RgbImage as PNG (RGB to OpenCV's BGR).
void WriteRgbPng(const std::filesystem::path& path, const RgbImage& image) {
  cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  if (!cv::imwrite(path.string(), bgr))
    throw Error(fmt::format("{}: OpenCV cannot write the image", path.string()));
}

}  // namespace

void LiftSceneOptions::Check() const {
  CheckNested("fusion", [&] { fusion.Check(); });
  CheckNested("floor", [&] { floor.Check(); });
  CheckAtLeast(point_stride, 1, "point_stride");
}

LiftSceneResult LiftScene(const LiftSceneInputs& inputs, const LiftSceneOptions& options) {
  options.Check();
  LiftSceneResult result;
  const int width = inputs.image.width;
  const int height = inputs.image.height;
  if (width < 1 || height < 1)
    throw Error(fmt::format("{}: the key frame is empty", inputs.image_name));

  // Intrinsics.
  if (inputs.camera) {
    result.camera = *inputs.camera;
    result.camera.Validate(inputs.camera_source);
    if (result.camera.width != width || result.camera.height != height) {
      throw Error(fmt::format("{}: intrinsics are for {}x{} but {} is {}x{}", inputs.camera_source,
                              result.camera.width, result.camera.height, inputs.image_name, width,
                              height));
    }
    result.camera_source = inputs.camera_source;
  } else {
    result.camera =
        PinholeCamera::FromHorizontalFov(width, height, inputs.horizontal_fov_deg / kDegrees);
    result.camera_source =
        fmt::format("an assumed {:.0f}-degree horizontal field of view", inputs.horizontal_fov_deg);
  }

  // The floor mask: the image's size, with floor in it.
  if (inputs.mask) {
    if (inputs.mask->width != width || inputs.mask->height != height) {
      throw Error(fmt::format("{}: the mask is {}x{} but the key frame {} is {}x{}",
                              inputs.mask_name, inputs.mask->width, inputs.mask->height,
                              inputs.image_name, width, height));
    }
    if (CountValid(*inputs.mask, [](float v) { return v != 0.0f; }) == 0) {
      throw Error(
          fmt::format("{}: the floor mask is empty (every pixel is zero); mark the floor with "
                      "non-zero pixels, or leave the mask out to search for the floor",
                      inputs.mask_name));
    }
  }

  // Metric depth on the image grid.
  DepthMap depth = KeyFrameDepth(inputs, options, &result);
  if (!result.message.empty()) return result;
  if (depth.width != width || depth.height != height) {
    depth = Resample(depth, width, height, ResampleMethod::kNearest);
  }
  for (float& z : depth.values) {
    if (!IsValidDepth(z)) z = 0.0f;
  }
  result.valid_depth_pixels = CountValid(depth, IsValidDepth);
  if (result.valid_depth_pixels == 0) {
    throw Error(fmt::format("no valid depth in the key frame after {}", result.depth_source));
  }
  result.depth = std::move(depth);

  // Camera-frame cloud and the floor.
  if (options.on_stage) options.on_stage("back-projecting the depth");
  PointCloud cloud = BackProject(result.depth, result.camera, &inputs.image, options.point_stride);
  if (options.on_stage)
    options.on_stage(inputs.mask ? "fitting the floor in the mask" : "searching for the floor");
  result.floor = FindFloor(cloud, inputs.mask ? &*inputs.mask : nullptr, options.floor);
  if (!result.floor.success) {
    result.message = "no floor found: " + result.floor.message;
    return result;
  }

  // The world: floor on y = 0, origin below the centre of the floor inliers.
  if (options.on_stage) options.on_stage("aligning the floor with y = 0");
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  for (int64_t i : result.floor.inliers) centre += cloud.points[static_cast<size_t>(i)];
  centre /= static_cast<double>(result.floor.inliers.size());
  result.placement = WorldFromCameraOnFloor(result.floor.plane_in_camera, centre);
  cloud.Transform(result.placement.world_from_camera);
  int64_t within = 0;
  for (int64_t i : result.floor.inliers)
    within += std::abs(cloud.points[static_cast<size_t>(i)].y()) <= 0.03;
  result.floor_within_3cm =
      static_cast<double>(within) / static_cast<double>(result.floor.inliers.size());
  result.cloud_in_world = std::move(cloud);
  result.success = true;
  result.message = "ok";
  result.summary = Summary(result);
  return result;
}

void WriteSceneFolder(const std::filesystem::path& out,
                      const LiftSceneInputs& inputs,
                      const LiftSceneResult& result,
                      bool overwrite) {
  INTERSYNTH_CHECK(result.success) << "WriteSceneFolder on a failed lift: " << result.message;
  AtomicFolderWriter folder(out, overwrite);
  const std::filesystem::path dir = folder.temp_path();

  // The point cloud in the world frame.
  PlyPointCloud ply;
  const PointCloud& cloud = result.cloud_in_world;
  ply.xyz.reserve(static_cast<size_t>(cloud.size()) * 3);
  ply.rgb.reserve(static_cast<size_t>(cloud.size()) * 3);
  for (int64_t i = 0; i < cloud.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      ply.xyz.push_back(static_cast<float>(cloud.points[static_cast<size_t>(i)][k]));
      ply.rgb.push_back(cloud.colors[static_cast<size_t>(i)][k]);
    }
  }
  WritePly(dir / "points.ply", ply,
           {false, "intersynth lift-scene: world frame, metres, Y up, floor y = 0"});

  // Depth, key frame and floor inliers.
  WriteDepthMapNpy(dir / "depth.npy", result.depth);
  WriteRgbPng(dir / "image.png", inputs.image);
  cv::Mat inliers(result.depth.height, result.depth.width, CV_8UC1, cv::Scalar(0));
  for (int64_t i : result.floor.inliers) {
    const int64_t pixel = cloud.pixels[static_cast<size_t>(i)];
    inliers.at<uint8_t>(static_cast<int>(pixel / result.depth.width),
                        static_cast<int>(pixel % result.depth.width)) = 255;
  }
  if (!cv::imwrite((dir / "floor_inliers.png").string(), inliers)) {
    throw Error(fmt::format("{}: OpenCV cannot write floor_inliers.png", out.string()));
  }

  // scene.json.
  const FloorReport& floor = result.floor;
  const CameraOnFloor& placement = result.placement;
  nlohmann::json json;
  json["format"] = "intersynth-scene";
  json["version"] = 1;
  json["conventions"] =
      "metres; camera frame OpenCV (x right, y down, z forward); world Y up, floor y = 0; "
      "x_in_world = world_from_camera * x_in_camera, 4x4 row-major; plane n . x + offset = 0 with "
      "n pointing up";
  json["image"] = "image.png";
  json["source_image"] = inputs.image_name;
  json["intrinsics"] = CameraJson(result.camera);
  json["intrinsics_source"] = result.camera_source;
  json["world_from_camera"] = Matrix4Json(placement.world_from_camera.ToMatrix4());
  json["camera_in_world"] = VectorJson(placement.camera_in_world);
  json["camera_height_m"] = placement.camera_height;
  json["camera_pitch_down_deg"] = placement.pitch_down_deg;
  json["camera_roll_deg"] = placement.roll_deg;
  json["floor_plane_in_camera"] = {{"normal", VectorJson(floor.plane_in_camera.normal)},
                                   {"offset", floor.plane_in_camera.offset}};
  nlohmann::json depth = {{"file", "depth.npy"},
                          {"source", result.depth_source},
                          {"valid_pixels", result.valid_depth_pixels},
                          {"pixels", result.depth.size()}};
  if (result.fusion) {
    const DisparityFitReport& fit = *result.fusion;
    depth["alpha"] = fit.alpha;
    depth["beta"] = fit.beta;
    depth["fit"] = {{"key_frames", fit.frames},
                    {"valid_pixels", fit.valid_pixels},
                    {"used_pixels", fit.used_pixels},
                    {"inlier_ratio", fit.inlier_ratio},
                    {"within_threshold_ratio", fit.within_threshold_ratio},
                    {"inlier_rms_relative", fit.inlier_rms},
                    {"median_abs_relative_error", fit.median_abs_error},
                    {"ransac_iterations", fit.ransac_iterations},
                    {"huber_iterations", fit.huber_iterations},
                    {"refit_iterations", fit.refit_iterations},
                    {"invalid_fused_pixels", result.invalid_fused_pixels}};
  }
  json["depth"] = depth;
  nlohmann::json candidates = nlohmann::json::array();
  for (const FloorCandidate& c : floor.candidates) {
    candidates.push_back({{"normal", VectorJson(c.plane.normal)},
                          {"offset", c.plane.offset},
                          {"support", c.support},
                          {"tilt_deg", c.tilt_deg}});
  }
  json["floor"] = {{"from_mask", floor.from_mask},
                   {"mask", floor.from_mask ? inputs.mask_name : ""},
                   {"candidate_points", floor.candidate_points},
                   {"inliers", floor.inliers.size()},
                   {"inlier_ratio", floor.inlier_ratio},
                   {"rms_residual_m", floor.rms_residual},
                   {"ransac_iterations", floor.iterations},
                   {"inliers_within_3cm_after_alignment", result.floor_within_3cm},
                   {"inliers_file", "floor_inliers.png"},
                   {"candidates", candidates}};
  json["points"] = {{"file", "points.ply"}, {"count", cloud.size()}, {"frame", "world"}};
  WriteJson(dir / "scene.json", json);
  folder.Commit();
}

LiftSceneInputs LoadLiftSceneInputs(const LiftSceneFiles& files) {
  CheckNested("depth_read", [&] { files.depth_read.Check(); });
  LiftSceneInputs inputs;
  inputs.image = ReadRgbImage(files.image);
  inputs.image_name = files.image.string();
  if (files.intrinsics) {
    inputs.camera = ReadIntrinsicsJson(*files.intrinsics, inputs.image.width, inputs.image.height);
    inputs.camera_source = files.intrinsics->string();
  }
  inputs.horizontal_fov_deg = files.horizontal_fov_deg;
  if (files.depth) {
    inputs.depth = ReadDepthMap(*files.depth, files.depth_read);
    inputs.depth_name = files.depth->string();
  }
  for (const std::filesystem::path& path : files.metric) {
    inputs.metric.push_back(ReadDepthMap(path, files.depth_read));
    inputs.metric_names.push_back(path.string());
  }
  for (const std::filesystem::path& path : files.disparity) {
    inputs.disparity.push_back(ReadDepthMap(path, files.depth_read));
    inputs.disparity_names.push_back(path.string());
  }
  if (files.mask) {
    inputs.mask = ReadMask(*files.mask);
    inputs.mask_name = files.mask->string();
  }
  return inputs;
}

}  // namespace intersynth
