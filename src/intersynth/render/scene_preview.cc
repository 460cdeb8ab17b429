#include "intersynth/render/scene_preview.h"

#include <fmt/format.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "intersynth/render/image_write.h"
#include "intersynth/scene/depth_map.h"
#include "intersynth/scene/scene_folder.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

/// Points closer than this to the camera plane are not drawn (metres).
constexpr double kNear = 0.05;

/// Whether a camera-frame point is in view and not behind the scene's
/// surface (its depth at most the measured depth there, with 3% + 5 cm of
/// slack for noise; pixels without depth do not hide anything).
bool Visible(const SceneDescription& scene, const DepthMap* depth, const Eigen::Vector3d& x) {
  if (x.z() <= kNear) return false;
  if (depth == nullptr) return true;
  const Eigen::Vector2d p = scene.camera.Project(x);
  const int col = static_cast<int>(std::lround(p.x()));
  const int row = static_cast<int>(std::lround(p.y()));
  if (col < 0 || row < 0 || col >= depth->width || row >= depth->height) return true;
  const float z = depth->at(row, col);
  return !IsValidDepth(z) || x.z() <= z * 1.03 + 0.05;
}

/// Draws the world segment a-b: sampled finely, so that the parts behind the
/// camera or hidden behind the scene's surfaces are cut away.
void DrawWorldSegment(cv::Mat& image,
                      const SceneDescription& scene,
                      const DepthMap* depth,
                      const RigidTransformd& camera_from_world,
                      const Eigen::Vector3d& a,
                      const Eigen::Vector3d& b,
                      const cv::Scalar& colour,
                      int thickness) {
  constexpr int kPieces = 128;
  Eigen::Vector3d previous = camera_from_world * a;
  for (int k = 1; k <= kPieces; ++k) {
    const Eigen::Vector3d current =
        camera_from_world * (a + (b - a) * (static_cast<double>(k) / kPieces));
    if (previous.z() > kNear && current.z() > kNear &&
        Visible(scene, depth, 0.5 * (previous + current))) {
      const Eigen::Vector2d p = scene.camera.Project(previous);
      const Eigen::Vector2d q = scene.camera.Project(current);
      // Shift 4: sub-pixel endpoints for smooth anti-aliased lines.
      cv::line(image,
               cv::Point(static_cast<int>(std::lround(p.x() * 16)),
                         static_cast<int>(std::lround(p.y() * 16))),
               cv::Point(static_cast<int>(std::lround(q.x() * 16)),
                         static_cast<int>(std::lround(q.y() * 16))),
               colour, thickness, cv::LINE_AA, 4);
    }
    previous = current;
  }
}

}  // namespace

void ScenePreviewOptions::Check() const {
  CheckRequired(scene_dir.string(), "scene_dir");
  CheckRequired(output.string(), "output");
  CheckPositive(grid_step, "grid_step");
  CheckFinite(grid_step, "grid_step");
  CheckFinite(grid_extent, "grid_extent");
  if (!(grid_extent >= grid_step)) {
    throw OptionError(fmt::format("{{grid_extent}} must be >= {{grid_step}} ({}), got {}",
                                  grid_step, grid_extent));
  }
}

ScenePreviewReport RenderScenePreview(const ScenePreviewOptions& options) {
  options.Check();
  const SceneDescription scene = ReadSceneDescription(options.scene_dir);
  cv::Mat image = cv::imread(scene.image.string(), cv::IMREAD_COLOR);
  if (image.empty())
    throw Error(
        fmt::format("{}: the scene's key frame is missing or unreadable", scene.image.string()));
  if (image.cols != scene.camera.width || image.rows != scene.camera.height) {
    throw Error(fmt::format("{}: the key frame is {}x{} but scene.json's intrinsics are for {}x{}",
                            scene.image.string(), image.cols, image.rows, scene.camera.width,
                            scene.camera.height));
  }

  // Floor inliers, tinted green.
  if (options.show_inliers && !scene.floor_inliers.empty() &&
      std::filesystem::exists(scene.floor_inliers)) {
    const cv::Mat inliers = cv::imread(scene.floor_inliers.string(), cv::IMREAD_GRAYSCALE);
    if (inliers.size() == image.size()) {
      cv::Mat tinted = image.clone();
      tinted.setTo(cv::Scalar(60, 200, 60), inliers);
      cv::addWeighted(image, 0.65, tinted, 0.35, 0.0, image);
    }
  }

  // The floor grid and the world axes, hidden where the scene is nearer.
  std::optional<DepthMap> depth;
  if (options.occlude && !scene.depth.empty() && std::filesystem::exists(scene.depth)) {
    depth = ReadDepthMap(scene.depth);
    if (depth->width != image.cols || depth->height != image.rows) depth.reset();
  }
  const DepthMap* depth_ptr = depth ? &*depth : nullptr;
  const RigidTransformd camera_from_world = scene.world_from_camera.Inverse();
  const int lines = static_cast<int>(std::floor(options.grid_extent / options.grid_step + 1e-9));
  const double e = lines * options.grid_step;
  for (int k = -lines; k <= lines; ++k) {
    const double s = k * options.grid_step;
    const bool metre = std::abs(s - std::round(s)) < 1e-9;
    const cv::Scalar colour = metre ? cv::Scalar(255, 255, 0) : cv::Scalar(200, 160, 0);
    DrawWorldSegment(image, scene, depth_ptr, camera_from_world, {s, 0, -e}, {s, 0, e}, colour,
                     metre ? 2 : 1);
    DrawWorldSegment(image, scene, depth_ptr, camera_from_world, {-e, 0, s}, {e, 0, s}, colour,
                     metre ? 2 : 1);
  }
  const Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  DrawWorldSegment(image, scene, depth_ptr, camera_from_world, origin, Eigen::Vector3d::UnitX(),
                   cv::Scalar(0, 0, 255), 3);
  DrawWorldSegment(image, scene, depth_ptr, camera_from_world, origin, Eigen::Vector3d::UnitY(),
                   cv::Scalar(0, 255, 0), 3);
  DrawWorldSegment(image, scene, depth_ptr, camera_from_world, origin, Eigen::Vector3d::UnitZ(),
                   cv::Scalar(255, 0, 0), 3);

  // Caption on a dark band.
  // World up in the camera frame: n = (sin r cos p, -cos r cos p, -sin p) (scene/floor.h).
  const Eigen::Vector3d n = scene.world_from_camera.rotation.row(1).transpose();
  const double pitch = std::asin(std::clamp(-n.z(), -1.0, 1.0)) * 180.0 / EIGEN_PI;
  const double roll = std::atan2(n.x(), -n.y()) * 180.0 / EIGEN_PI;
  const std::string caption =
      fmt::format("camera {:.2f} m above the floor, {:.1f} deg down, roll {:.1f} deg; grid {} m",
                  scene.camera_height, pitch, roll, options.grid_step);
  const double font_scale = std::max(0.35, image.cols / 1400.0);
  int baseline = 0;
  const cv::Size text =
      cv::getTextSize(caption, cv::FONT_HERSHEY_SIMPLEX, font_scale, 1, &baseline);
  cv::Mat band =
      image(cv::Rect(0, 0, image.cols, std::min(image.rows, text.height + baseline + 10)));
  band *= 0.4;
  cv::putText(image, caption, cv::Point(6, text.height + 5), cv::FONT_HERSHEY_SIMPLEX, font_scale,
              cv::Scalar(255, 255, 255), 1, cv::LINE_AA);

  AtomicFileWriter out(options.output);
  WriteImageOrThrow(image, out.temp_path(), options.output.string());
  out.Commit();
  ScenePreviewReport report;
  report.summary = fmt::format("scene preview: {} ({}x{}): {}", options.output.string(), image.cols,
                               image.rows, caption);
  return report;
}

}  // namespace intersynth
