#include "intersynth/scene/scene_folder.h"

#include <fmt/format.h>

#include <Eigen/Core>
#include <string>
#include <vector>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

constexpr double kDegrees = 180.0 / EIGEN_PI;

}  // namespace

PinholeCamera ReadIntrinsicsJson(const std::filesystem::path& path, int width, int height) {
  const std::string source = path.string();
  nlohmann::json json = ReadJson(path);
  if (json.is_object() && json.contains("intrinsics")) json = json.at("intrinsics");
  if (!json.is_object()) throw Error(fmt::format("{}: intrinsics must be a JSON object", source));

  // A field of view alone.
  if (json.contains("horizontal_fov_deg") && !json.contains("fx")) {
    const double fov = JsonRequire<double>(json, "horizontal_fov_deg", source);
    if (!(fov > 0.0 && fov < 180.0)) {
      throw Error(
          fmt::format("{}: key 'horizontal_fov_deg' must lie in (0, 180), got {}", source, fov));
    }
    return PinholeCamera::FromHorizontalFov(width, height, fov / kDegrees);
  }
  PinholeCamera camera;
  camera.fx = JsonRequire<double>(json, "fx", source);
  camera.fy = JsonRequire<double>(json, "fy", source);
  camera.cx = JsonRequire<double>(json, "cx", source);
  camera.cy = JsonRequire<double>(json, "cy", source);
  camera.width = width;
  camera.height = height;
  for (const char* key : {"width", "height"}) {
    if (!json.contains(key)) continue;
    const int value = JsonRequire<int>(json, key, source);
    const int image = std::string(key) == "width" ? width : height;
    if (value != image) {
      throw Error(fmt::format(
          "{}: key '{}' is {} but the image is {}x{} (crop or resize the intrinsics to the image)",
          source, key, value, width, height));
    }
  }
  const std::string convention = json.contains("pixel_convention")
                                     ? JsonRequire<std::string>(json, "pixel_convention", source)
                                     : std::string("opencv");
  if (convention == "one_based") {
    camera.cx -= 1.0;
    camera.cy -= 1.0;
  } else if (convention != "opencv") {
    throw Error(
        fmt::format("{}: key 'pixel_convention' must be \"opencv\" or \"one_based\", got \"{}\"",
                    source, convention));
  }
  camera.Validate(source);
  return camera;
}

SceneDescription ReadSceneDescription(const std::filesystem::path& scene_dir) {
  const std::filesystem::path path = scene_dir / "scene.json";
  const std::string source = path.string();
  const nlohmann::json json = ReadJson(path);
  SceneDescription scene;
  const nlohmann::json intrinsics = JsonRequire<nlohmann::json>(json, "intrinsics", source);
  const int width = JsonRequire<int>(intrinsics, "width", source + ": intrinsics");
  const int height = JsonRequire<int>(intrinsics, "height", source + ": intrinsics");
  scene.camera = ReadIntrinsicsJson(path, width, height);
  const auto rows =
      JsonRequire<std::vector<std::vector<double>>>(json, "world_from_camera", source);
  if (rows.size() != 4 || rows[0].size() != 4 || rows[1].size() != 4 || rows[2].size() != 4 ||
      rows[3].size() != 4) {
    throw Error(fmt::format(
        "{}: key 'world_from_camera' must be a 4x4 matrix (4 rows of 4 numbers)", source));
  }
  Eigen::Matrix4d m;
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 4; ++c) m(r, c) = rows[r][c];
  }
  scene.world_from_camera = RigidTransformd::FromMatrix4(m, source + ": key 'world_from_camera'");
  const nlohmann::json plane = JsonRequire<nlohmann::json>(json, "floor_plane_in_camera", source);
  const auto normal =
      JsonRequire<std::vector<double>>(plane, "normal", source + ": floor_plane_in_camera");
  if (normal.size() != 3)
    throw Error(fmt::format("{}: floor_plane_in_camera.normal must have 3 numbers", source));
  scene.floor_in_camera.normal = Eigen::Vector3d(normal[0], normal[1], normal[2]);
  scene.floor_in_camera.offset =
      JsonRequire<double>(plane, "offset", source + ": floor_plane_in_camera");
  scene.camera_height = JsonRequire<double>(json, "camera_height_m", source);
  scene.image = scene_dir / JsonRequire<std::string>(json, "image", source);
  if (json.contains("depth") && json.at("depth").contains("file")) {
    scene.depth =
        scene_dir / JsonRequire<std::string>(json.at("depth"), "file", source + ": depth");
  }
  if (json.contains("floor") && json.at("floor").contains("inliers_file")) {
    scene.floor_inliers = scene_dir / json.at("floor").at("inliers_file").get<std::string>();
  }
  return scene;
}

}  // namespace intersynth
