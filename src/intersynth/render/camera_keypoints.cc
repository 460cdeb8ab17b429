#include "intersynth/render/camera_keypoints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {

CocoPoints3d Coco17Points(const float* joints22,
                          const float* vertices,
                          const std::vector<int>& face_vertices) {
  CocoPoints3d out;
  out.has_face = vertices != nullptr && face_vertices.size() == 5;
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    const float* p = nullptr;
    if (kCoco17FromSmpl22[k] >= 0) {
      p = joints22 + 3 * kCoco17FromSmpl22[k];
    } else if (out.has_face) {
      p = vertices + 3 * static_cast<size_t>(face_vertices[k]);
    }
    out.points[k] =
        p != nullptr ? Eigen::Vector3d(p[0], p[1], p[2]) : Eigen::Vector3d::Constant(std::nan(""));
  }
  return out;
}

void KeypointLabelOptions::Check() const {
  CheckAtLeast(tolerance_m, 0.0, "tolerance_m");
  CheckAtLeast(face_tolerance_m, 0.0, "face_tolerance_m");
  CheckAtLeast(window, 0, "window");
}

PersonKeypoints LabelKeypoints(const CocoPoints3d& points,
                               const PinholeCamera& camera,
                               const RigidTransformd& world_from_camera,
                               const DepthMap& depth,
                               const std::vector<uint16_t>& instances,
                               int instance,
                               const KeypointLabelOptions& options) {
  options.Check();
  if (depth.width != camera.width || depth.height != camera.height ||
      instances.size() != static_cast<size_t>(camera.width) * camera.height) {
    throw Error(fmt::format(
        "keypoint labels: the depth ({}x{}) and the instance mask ({} pixels) must be the "
        "camera's size ({}x{})",
        depth.width, depth.height, instances.size(), camera.width, camera.height));
  }
  const RigidTransformd camera_from_world = world_from_camera.Inverse();
  PersonKeypoints person;
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    const bool face = kCoco17FromSmpl22[k] < 0;
    if (face && !points.has_face) continue;
    const Eigen::Vector3d c = camera_from_world * points.points[k];
    if (!(c.z() >= 0.01)) continue;
    const Eigen::Vector2d uv = camera.Project(c);
    if (!(uv.x() >= 0.0 && uv.y() >= 0.0 && uv.x() <= camera.width - 1 &&
          uv.y() <= camera.height - 1))
      continue;
    const int u = static_cast<int>(std::lround(uv.x()));
    const int v = static_cast<int>(std::lround(uv.y()));
    double deepest = 0.0;
    bool any = false;
    for (int dv = -options.window; dv <= options.window; ++dv) {
      for (int du = -options.window; du <= options.window; ++du) {
        const int x = u + du, y = v + dv;
        if (x < 0 || y < 0 || x >= depth.width || y >= depth.height) continue;
        const float z = depth.at(y, x);
        if (!IsValidDepth(z)) {
          // Nothing there: nothing hides the point.
          deepest = std::numeric_limits<double>::infinity();
        } else {
          deepest = std::max(deepest, static_cast<double>(z));
        }
        any = true;
      }
    }
    const double tolerance = face ? options.face_tolerance_m : options.tolerance_m;
    const bool seen = !any || deepest >= c.z() - tolerance;
    person.xy[k] = {static_cast<float>(uv.x()), static_cast<float>(uv.y())};
    person.confidence[k] = seen ? 1.0f : kHiddenKeypointConfidence;
    person.hidden[k] = !seen;
  }
  // The box of the person's pixels, else of its seen points.
  int min_x = camera.width, min_y = camera.height, max_x = -1, max_y = -1;
  for (int y = 0; y < camera.height; ++y) {
    for (int x = 0; x < camera.width; ++x) {
      if (instances[static_cast<size_t>(y) * camera.width + x] != instance) continue;
      min_x = std::min(min_x, x);
      max_x = std::max(max_x, x);
      min_y = std::min(min_y, y);
      max_y = std::max(max_y, y);
    }
  }
  if (max_x >= 0) {
    person.bbox = {static_cast<float>(min_x), static_cast<float>(min_y),
                   static_cast<float>(max_x - min_x + 1), static_cast<float>(max_y - min_y + 1)};
  } else if (person.visible_count() > 0) {
    const std::array<double, 4> box = person.SeenBox();
    person.bbox = {static_cast<float>(box[0]), static_cast<float>(box[1]),
                   static_cast<float>(box[2] - box[0]), static_cast<float>(box[3] - box[1])};
  }
  return person;
}

}  // namespace intersynth
