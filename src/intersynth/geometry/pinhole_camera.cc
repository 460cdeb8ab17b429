#include "intersynth/geometry/pinhole_camera.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/util/error.h"

namespace intersynth {

PinholeCamera PinholeCamera::FromHorizontalFov(int width, int height, double horizontal_fov_rad) {
  if (width < 1 || height < 1)
    throw Error(fmt::format("camera image size {}x{} is not positive", width, height));
  if (!(horizontal_fov_rad > 0.0 && horizontal_fov_rad < M_PI)) {
    throw Error(fmt::format("horizontal field of view {} degrees is outside (0, 180)",
                            horizontal_fov_rad * 180.0 / M_PI));
  }
  PinholeCamera camera;
  camera.width = width;
  camera.height = height;
  camera.fx = 0.5 * width / std::tan(0.5 * horizontal_fov_rad);
  camera.fy = camera.fx;
  camera.cx = 0.5 * (width - 1);
  camera.cy = 0.5 * (height - 1);
  return camera;
}

PinholeCamera PinholeCamera::FromOneBased(
    double fx, double fy, double cx_one_based, double cy_one_based, int width, int height) {
  return PinholeCamera{fx, fy, cx_one_based - 1.0, cy_one_based - 1.0, width, height};
}

PinholeCamera PinholeCamera::Cropped(int left, int top, int new_width, int new_height) const {
  PinholeCamera out = *this;
  out.cx = cx - left;
  out.cy = cy - top;
  out.width = new_width;
  out.height = new_height;
  return out;
}

PinholeCamera PinholeCamera::Resized(int new_width, int new_height) const {
  const double sx = static_cast<double>(new_width) / width;
  const double sy = static_cast<double>(new_height) / height;
  return PinholeCamera{fx * sx,   fy * sy,   (cx + 0.5) * sx - 0.5, (cy + 0.5) * sy - 0.5,
                       new_width, new_height};
}

void PinholeCamera::Validate(const std::string& context) const {
  if (!(std::isfinite(fx) && fx > 0.0 && std::isfinite(fy) && fy > 0.0)) {
    throw Error(fmt::format("{}: focal lengths fx = {}, fy = {} must be positive and finite",
                            context, fx, fy));
  }
  if (!std::isfinite(cx) || !std::isfinite(cy)) {
    throw Error(fmt::format("{}: principal point ({}, {}) is not finite", context, cx, cy));
  }
  if (width < 1 || height < 1) {
    throw Error(fmt::format("{}: image size {}x{} is not positive", context, width, height));
  }
}

double PinholeCamera::HorizontalFov() const { return 2.0 * std::atan(0.5 * width / fx); }

}  // namespace intersynth
