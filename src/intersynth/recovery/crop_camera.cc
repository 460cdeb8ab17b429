#include "intersynth/recovery/crop_camera.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/util/error.h"

namespace intersynth {

std::optional<PersonCrop> CropAroundKeypoints(const PersonKeypoints& person, double scale) {
  const int seen = person.visible_count();
  const auto [min_x, min_y, max_x, max_y] = person.SeenBox();
  const double side = std::max(max_x - min_x, max_y - min_y) * scale;
  if (seen < 2 || !(side > 0.0)) return std::nullopt;
  return PersonCrop{0.5 * (min_x + max_x), 0.5 * (min_y + max_y), side};
}

Eigen::Vector3d TranslationFromWeakPerspective(const std::array<double, 3>& weak,
                                               const PersonCrop& crop,
                                               const PinholeCamera& camera) {
  const double s = weak[0];
  if (!(s > 0.0) || !(crop.size > 0.0) || !std::isfinite(s)) {
    throw Error(fmt::format(
        "weak-perspective camera: need a positive scale and crop size, got s = {}, b = {}", s,
        crop.size));
  }
  const double sb = s * crop.size;
  const double tz = 2.0 * camera.fx / sb;
  const double tx = 2.0 * (crop.center_x - camera.cx) / sb + weak[1];
  const double ty = (2.0 * (crop.center_y - camera.cy) / sb + weak[2]) * camera.fx / camera.fy;
  return Eigen::Vector3d(tx, ty, tz);
}

}  // namespace intersynth
