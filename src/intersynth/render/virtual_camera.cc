#include "intersynth/render/virtual_camera.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr double kPi = 3.14159265358979323846;

void CheckRange(double low, double high, const char* low_field, const char* high_field) {
  CheckFinite(low, low_field);
  CheckFinite(high, high_field);
  if (!(low <= high)) {
    throw OptionError(
        fmt::format("{{{}}} ({}) must not exceed {{{}}} ({})", low_field, low, high_field, high));
  }
}

// Whether a column of seen floor lies within `reach` of (x, z).
bool NearFloor(const RoomMap& room, double x, double z, double reach) {
  const double cell = room.options().cell_m;
  const int steps = static_cast<int>(std::ceil(reach / cell));
  for (int i = -steps; i <= steps; ++i) {
    for (int k = -steps; k <= steps; ++k) {
      const double dx = i * cell, dz = k * cell;
      if (dx * dx + dz * dz <= reach * reach && room.Floor(x + dx, z + dz)) return true;
    }
  }
  return false;
}

// Whether every joint is in front of the camera and inside its image.
bool InView(const MotionClip& motion, const SimulatedCamera& camera, double margin, double depth) {
  const RigidTransformd camera_from_world = camera.world_from_camera.Inverse();
  for (int p = 0; p < motion.num_persons; ++p) {
    for (int t = 0; t < motion.num_frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* q = motion.joint(p, t, j);
        if (!OutOfView(Eigen::Vector3d(q[0], q[1], q[2]), camera.camera, camera_from_world, margin,
                       depth)
                 .empty())
          return false;
      }
    }
  }
  return true;
}

}  // namespace

void MonitoringCameraOptions::Check() const {
  CheckAtLeast(width, 1, "width");
  CheckAtLeast(height, 1, "height");
  CheckRange(min_height_m, max_height_m, "min_height_m", "max_height_m");
  CheckRange(min_pitch_deg, max_pitch_deg, "min_pitch_deg", "max_pitch_deg");
  if (!(min_pitch_deg > 0.0 && max_pitch_deg < 90.0))
    throw OptionError("{min_pitch_deg} and {max_pitch_deg} must lie in (0, 90) degrees");
  CheckRange(min_hfov_deg, max_hfov_deg, "min_hfov_deg", "max_hfov_deg");
  if (!(min_hfov_deg > 0.0 && max_hfov_deg < 180.0))
    throw OptionError("{min_hfov_deg} and {max_hfov_deg} must lie in (0, 180) degrees");
  CheckRange(min_aim_height_m, max_aim_height_m, "min_aim_height_m", "max_aim_height_m");
  if (!(max_aim_height_m < min_height_m)) {
    throw OptionError(
        fmt::format("{{max_aim_height_m}} ({} m) must be below {{min_height_m}} ({} m)",
                    max_aim_height_m, min_height_m));
  }
  CheckAtLeast(room_reach_m, 0.0, "room_reach_m");
  CheckAtLeast(image_margin_px, 0.0, "image_margin_px");
  CheckPositive(min_depth_m, "min_depth_m");
  CheckAtLeast(attempts, 1, "attempts");
}

MonitoringCamera SampleMonitoringCamera(const MotionClip& motion,
                                        const RoomMap* room,
                                        const MonitoringCameraOptions& options,
                                        uint64_t seed) {
  options.Check();
  Rng rng(seed);
  MonitoringCamera result;
  for (int attempt = 0; attempt < options.attempts; ++attempt) {
    KeypointSimulationOptions k;
    k.width = options.width;
    k.height = options.height;
    k.camera_height = rng.Uniform(options.min_height_m, options.max_height_m);
    k.pitch_down_deg = rng.Uniform(options.min_pitch_deg, options.max_pitch_deg);
    k.yaw_deg = rng.Uniform(0.0, 360.0);
    k.aim_height = rng.Uniform(options.min_aim_height_m, options.max_aim_height_m);
    const double hfov = rng.Uniform(options.min_hfov_deg, options.max_hfov_deg);
    k.fx = k.fy = 0.5 * options.width / std::tan(0.5 * hfov * kPi / 180.0);
    const SimulatedCamera camera = PlaceSimulatedCamera(motion, k);
    result.attempts = attempt + 1;
    const Eigen::Vector3d& centre = camera.world_from_camera.translation;
    if (room != nullptr && !NearFloor(*room, centre.x(), centre.z(), options.room_reach_m)) {
      ++result.outside_room;
      continue;
    }
    if (!InView(motion, camera, options.image_margin_px, options.min_depth_m)) {
      ++result.out_of_view;
      continue;
    }
    result.camera = camera;
    result.hfov_deg = hfov;
    return result;
  }
  throw Error(fmt::format(
      "no monitoring camera in {} tries: {} stood outside the room's seen floor, {} did not see "
      "every person whole (a long or wide motion needs a wider view or a larger room)",
      options.attempts, result.outside_room, result.out_of_view));
}

}  // namespace intersynth
