#include "intersynth/scene/synthetic_room.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// An axis-aligned solid box and its colour.
struct Box {
  Eigen::Vector3d low;
  Eigen::Vector3d high;
  std::array<uint8_t, 3> color;
};

/// Entry distance of the ray o + t d into a solid box (slab method), or +inf.
double EnterBox(const Eigen::Vector3d& o, const Eigen::Vector3d& d, const Box& box) {
  double t_in = 0.0, t_out = kInfinity;
  for (int k = 0; k < 3; ++k) {
    if (std::abs(d[k]) < 1e-12) {
      if (o[k] < box.low[k] || o[k] > box.high[k]) return kInfinity;
      continue;
    }
    double t0 = (box.low[k] - o[k]) / d[k];
    double t1 = (box.high[k] - o[k]) / d[k];
    if (t0 > t1) std::swap(t0, t1);
    t_in = std::max(t_in, t0);
    t_out = std::min(t_out, t1);
  }
  return t_in <= t_out && t_in > 1e-9 ? t_in : kInfinity;
}

/// Exit distance of a ray from inside a box, and the axis of the face it leaves by.
double ExitBox(const Eigen::Vector3d& o,
               const Eigen::Vector3d& d,
               const Eigen::Vector3d& low,
               const Eigen::Vector3d& high,
               int* axis,
               bool* at_low) {
  double t_out = kInfinity;
  for (int k = 0; k < 3; ++k) {
    if (std::abs(d[k]) < 1e-12) continue;
    const bool low_face = d[k] < 0.0;
    const double t = ((low_face ? low[k] : high[k]) - o[k]) / d[k];
    if (t < t_out) {
      t_out = t;
      *axis = k;
      *at_low = low_face;
    }
  }
  return t_out;
}

}  // namespace

void SyntheticRoomOptions::Check() const {
  CheckAtLeast(width, 1, "width");
  CheckAtLeast(height, 1, "height");
  if (!(horizontal_fov_deg > 0.0 && horizontal_fov_deg < 180.0)) {
    throw OptionError(
        fmt::format("{{horizontal_fov_deg}} must be in (0, 180), got {}", horizontal_fov_deg));
  }
  CheckPositive(camera_height, "camera_height");
  CheckFinite(pitch_down_deg, "pitch_down_deg");
  CheckFinite(roll_deg, "roll_deg");
  CheckPositive(half_width, "half_width");
  CheckFinite(half_width, "half_width");
  CheckPositive(depth, "depth");
  CheckFinite(depth, "depth");
  CheckPositive(back, "back");
  CheckFinite(back, "back");
  CheckFinite(ceiling, "ceiling");
  // The camera stands inside the room.
  if (!(camera_height < ceiling)) {
    throw OptionError(fmt::format("{{camera_height}} ({} m) must be below {{ceiling}} ({} m)",
                                  camera_height, ceiling));
  }
}

SyntheticRoom RenderSyntheticRoom(const SyntheticRoomOptions& options) {
  options.Check();
  SyntheticRoom room;
  room.camera = PinholeCamera::FromHorizontalFov(options.width, options.height,
                                                 options.horizontal_fov_deg * EIGEN_PI / 180.0);

  // Camera axes in the world: forward pitched down from -Z, right = +X, then rolled.
  const double p = options.pitch_down_deg * EIGEN_PI / 180.0;
  const double r = options.roll_deg * EIGEN_PI / 180.0;
  const Eigen::Vector3d forward(0.0, -std::sin(p), -std::cos(p));
  const Eigen::Vector3d right0(1.0, 0.0, 0.0);
  const Eigen::Vector3d down0 = forward.cross(right0);
  // Roll about the viewing axis; positive lifts the right edge (+Y component of x_cam).
  const Eigen::Vector3d right = std::cos(r) * right0 - std::sin(r) * down0;
  const Eigen::Vector3d down = forward.cross(right);
  room.world_from_camera.rotation.col(0) = right;
  room.world_from_camera.rotation.col(1) = down;
  room.world_from_camera.rotation.col(2) = forward;
  room.world_from_camera.translation = Eigen::Vector3d(0.0, options.camera_height, 0.0);

  // Furniture in front of the camera.
  std::vector<Box> boxes;
  if (options.furniture) {
    boxes.push_back({{-1.9, 0.0, -4.2}, {-1.0, 0.55, -2.2}, {235, 235, 240}});  // bed
    boxes.push_back({{0.6, 0.0, -2.9}, {1.05, 0.45, -2.45}, {120, 72, 40}});    // chair seat
    boxes.push_back({{0.6, 0.45, -2.95}, {1.05, 0.95, -2.88}, {110, 66, 36}});  // chair back
  }
  const Eigen::Vector3d room_low(-options.half_width, 0.0, -options.depth);
  const Eigen::Vector3d room_high(options.half_width, options.ceiling, options.back);

  // One ray per pixel.
  const int w = options.width, h = options.height;
  room.image.width = w;
  room.image.height = h;
  room.image.rgb.assign(static_cast<size_t>(w) * h * 3, 0);
  room.depth = DepthMap::Filled(w, h, 0.0f);
  room.floor = DepthMap::Filled(w, h, 0.0f);
  const Eigen::Vector3d& o = room.world_from_camera.translation;
  for (int row = 0; row < h; ++row) {
    for (int col = 0; col < w; ++col) {
      // Ray with camera-frame z = 1, so the distance t along it is the depth.
      const Eigen::Vector3d d_cam((col - room.camera.cx) / room.camera.fx,
                                  (row - room.camera.cy) / room.camera.fy, 1.0);
      const Eigen::Vector3d d = room.world_from_camera.rotation * d_cam;
      int axis = 0;
      bool at_low = false;
      double t = ExitBox(o, d, room_low, room_high, &axis, &at_low);
      std::array<uint8_t, 3> color = {200, 190, 170};  // walls
      bool floor = axis == 1 && at_low;
      bool ceiling = axis == 1 && !at_low;
      for (const Box& box : boxes) {
        const double t_box = EnterBox(o, d, box);
        if (t_box < t) {
          t = t_box;
          color = box.color;
          floor = ceiling = false;
        }
      }
      const Eigen::Vector3d x = o + t * d;
      if (floor) {
        // 0.5 m tiles with 2 cm grout lines.
        const double fx = x.x() / 0.5 - std::floor(x.x() / 0.5),
                     fz = x.z() / 0.5 - std::floor(x.z() / 0.5);
        const bool grout = fx < 0.04 || fz < 0.04;
        color =
            grout ? std::array<uint8_t, 3>{150, 150, 155} : std::array<uint8_t, 3>{215, 220, 225};
      } else if (ceiling) {
        color = {240, 240, 235};  // ceiling
      }
      room.depth.at(row, col) = static_cast<float>(t);
      room.floor.at(row, col) = floor ? 1.0f : 0.0f;
      std::copy(color.begin(), color.end(),
                room.image.rgb.begin() + (static_cast<size_t>(row) * w + col) * 3);
    }
  }
  return room;
}

}  // namespace intersynth
