#include "intersynth/render/placement.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/motion_transform.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Marks every column within `radius` columns (a disc) of a set column.
std::vector<uint8_t> Dilate(const std::vector<uint8_t>& cells, int nx, int nz, int radius) {
  std::vector<uint8_t> out(cells.size(), 0);
  for (int iz = 0; iz < nz; ++iz) {
    for (int ix = 0; ix < nx; ++ix) {
      if (!cells[static_cast<size_t>(iz) * nx + ix]) continue;
      for (int dz = -radius; dz <= radius; ++dz) {
        for (int dx = -radius; dx <= radius; ++dx) {
          const int x = ix + dx;
          const int z = iz + dz;
          if (x < 0 || z < 0 || x >= nx || z >= nz || dx * dx + dz * dz > radius * radius) continue;
          out[static_cast<size_t>(z) * nx + x] = 1;
        }
      }
    }
  }
  return out;
}

// Why a placed motion is not accepted, or "" when it is; counts the reason.
std::string Reject(const MotionClip& placed,
                   const RoomMap& room,
                   const PlacementOptions& options,
                   PlacementRejections& rejected) {
  const RigidTransformd camera_from_world = room.world_from_camera().Inverse();
  for (int p = 0; p < placed.num_persons; ++p) {
    for (int t = 0; t < placed.num_frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* q = placed.joint(p, t, j);
        const Eigen::Vector3d world(q[0], q[1], q[2]);
        auto where = [&] {
          return fmt::format("person {}'s {} at frame {}", p, kSmpl22JointNames[j], t);
        };
        const std::string view = OutOfView(world, room.camera(), camera_from_world,
                                           options.image_margin_px, options.min_depth_m);
        if (!view.empty()) {
          ++rejected.outside_image;
          return where() + " " + view;
        }
        if (!room.Walkable(world.x(), world.z())) {
          ++rejected.not_walkable;
          const char* why = room.Occupied(world.x(), world.z()) ? "goes through a wall or furniture"
                                                                : "is off the seen, free floor";
          return fmt::format("{} {} (x {:.2f}, z {:.2f})", where(), why, world.x(), world.z());
        }
      }
    }
  }
  return "";
}

}  // namespace

std::string OutOfView(const Eigen::Vector3d& world,
                      const PinholeCamera& camera,
                      const RigidTransformd& camera_from_world,
                      double margin_px,
                      double min_depth_m) {
  const Eigen::Vector3d c = camera_from_world * world;
  if (c.z() < min_depth_m)
    return fmt::format("is {:.2f} m in front of the camera (at least {} m)", c.z(), min_depth_m);
  const Eigen::Vector2d uv = camera.Project(c);
  if (uv.x() < margin_px || uv.y() < margin_px || uv.x() > camera.width - 1 - margin_px ||
      uv.y() > camera.height - 1 - margin_px) {
    return fmt::format("leaves the image (pixel {:.1f}, {:.1f} of {}x{})", uv.x(), uv.y(),
                       camera.width, camera.height);
  }
  return "";
}

void RoomMapOptions::Check() const {
  CheckPositive(cell_m, "cell_m");
  CheckAtLeast(occupied_low_m, 0.0, "occupied_low_m");
  if (!(occupied_high_m > occupied_low_m)) {
    throw OptionError(fmt::format("{{occupied_high_m}} must be > {{occupied_low_m}}, got {} and {}",
                                  occupied_high_m, occupied_low_m));
  }
  CheckPositive(floor_tolerance_m, "floor_tolerance_m");
  CheckAtLeast(floor_reach_m, 0.0, "floor_reach_m");
  CheckAtLeast(probe_height_m, 0.0, "probe_height_m");
  CheckAtLeast(clearance_m, 0.0, "clearance_m");
  CheckAtLeast(stride, 1, "stride");
}

RoomMap::RoomMap(const PinholeCamera& camera,
                 const RigidTransformd& world_from_camera,
                 const DepthMap& depth,
                 const RoomMapOptions& options)
    : camera_(camera), world_from_camera_(world_from_camera), options_(options) {
  options.Check();
  camera.Validate("room map camera");
  if (depth.width != camera.width || depth.height != camera.height) {
    throw Error(fmt::format("the scene depth is {}x{}, its camera's image {}x{}", depth.width,
                            depth.height, camera.width, camera.height));
  }
  std::vector<Eigen::Vector3d> points;
  for (int v = 0; v < depth.height; v += options.stride) {
    for (int u = 0; u < depth.width; u += options.stride) {
      const float z = depth.at(v, u);
      if (!IsValidDepth(z)) continue;
      points.push_back(world_from_camera * camera.Unproject(u, v, z));
    }
  }
  double x_min = std::numeric_limits<double>::infinity(), z_min = x_min;
  double x_max = -x_min, z_max = -x_min;
  bool any_floor = false;
  for (const Eigen::Vector3d& p : points) {
    x_min = std::min(x_min, p.x());
    x_max = std::max(x_max, p.x());
    z_min = std::min(z_min, p.z());
    z_max = std::max(z_max, p.z());
    any_floor = any_floor || std::abs(p.y()) <= options.floor_tolerance_m;
  }
  if (!any_floor) {
    throw Error(fmt::format(
        "the scene has no floor: none of its {} depth points lies within {} m of y = 0 (was it "
        "lifted with lift-scene?)",
        points.size(), options.floor_tolerance_m));
  }
  // A border of one clearance around the points' extent.
  const double border = options.clearance_m + options.cell_m;
  x0_ = x_min - border;
  z0_ = z_min - border;
  nx_ = static_cast<int>(std::ceil((x_max + border - x0_) / options.cell_m));
  nz_ = static_cast<int>(std::ceil((z_max + border - z0_) / options.cell_m));
  constexpr int64_t kMaxCells = 4'000'000;  // 200 m x 200 m at 10 cm
  if (static_cast<int64_t>(nx_) * nz_ > kMaxCells) {
    throw Error(fmt::format(
        "the scene spans {:.0f} x {:.0f} m: too large for a room map of {} m columns (is its "
        "depth in metres?)",
        x_max - x_min, z_max - z_min, options.cell_m));
  }
  floor_.assign(static_cast<size_t>(nx_) * nz_, 0);
  occupied_.assign(floor_.size(), 0);
  for (const Eigen::Vector3d& p : points) {
    const int64_t cell = Cell(p.x(), p.z());
    if (std::abs(p.y()) <= options.floor_tolerance_m) floor_[cell] = 1;
    if (p.y() > options.occupied_low_m && p.y() < options.occupied_high_m) occupied_[cell] = 1;
  }
  // Hidden floor: the camera sees the space above the column.
  hidden_floor_.assign(floor_.size(), 0);
  if (options.probe_height_m > 0.0) {
    const RigidTransformd camera_from_world = world_from_camera.Inverse();
    for (int iz = 0; iz < nz_; ++iz) {
      for (int ix = 0; ix < nx_; ++ix) {
        const size_t cell = static_cast<size_t>(iz) * nx_ + ix;
        if (floor_[cell] || occupied_[cell]) continue;
        const Eigen::Vector3d probe(x0_ + (ix + 0.5) * options.cell_m, options.probe_height_m,
                                    z0_ + (iz + 0.5) * options.cell_m);
        const Eigen::Vector3d c = camera_from_world * probe;
        if (c.z() < 0.1) continue;
        const Eigen::Vector2d uv = camera.Project(c);
        const int u = static_cast<int>(std::lround(uv.x()));
        const int v = static_cast<int>(std::lround(uv.y()));
        if (u < 0 || v < 0 || u >= depth.width || v >= depth.height) continue;
        const float seen = depth.at(v, u);
        hidden_floor_[cell] = IsValidDepth(seen) && seen >= c.z() - options.cell_m ? 1 : 0;
      }
    }
  }
  std::vector<uint8_t> floor_like = floor_;
  for (size_t i = 0; i < floor_like.size(); ++i) floor_like[i] |= hidden_floor_[i];
  const std::vector<uint8_t> near_floor = Dilate(
      floor_like, nx_, nz_, static_cast<int>(std::floor(options.floor_reach_m / options.cell_m)));
  const std::vector<uint8_t> near_obstacle = Dilate(
      occupied_, nx_, nz_, static_cast<int>(std::ceil(options.clearance_m / options.cell_m)));
  walkable_.assign(floor_.size(), 0);
  for (size_t i = 0; i < walkable_.size(); ++i)
    walkable_[i] = near_floor[i] && !near_obstacle[i] ? 1 : 0;
}

int64_t RoomMap::Cell(double x, double z) const {
  const double fx = std::floor((x - x0_) / options_.cell_m);
  const double fz = std::floor((z - z0_) / options_.cell_m);
  if (!(fx >= 0 && fz >= 0 && fx < nx_ && fz < nz_)) return -1;
  return static_cast<int64_t>(fz) * nx_ + static_cast<int64_t>(fx);
}

bool RoomMap::Walkable(double x, double z) const {
  const int64_t cell = Cell(x, z);
  return cell >= 0 && walkable_[cell];
}

bool RoomMap::Floor(double x, double z) const {
  const int64_t cell = Cell(x, z);
  return cell >= 0 && floor_[cell];
}

bool RoomMap::HiddenFloor(double x, double z) const {
  const int64_t cell = Cell(x, z);
  return cell >= 0 && hidden_floor_[cell];
}

bool RoomMap::Occupied(double x, double z) const {
  const int64_t cell = Cell(x, z);
  return cell >= 0 && occupied_[cell];
}

std::vector<Eigen::Vector2d> RoomMap::WalkableCells() const {
  std::vector<Eigen::Vector2d> cells;
  for (int iz = 0; iz < nz_; ++iz) {
    for (int ix = 0; ix < nx_; ++ix) {
      if (walkable_[static_cast<size_t>(iz) * nx_ + ix])
        cells.emplace_back(x0_ + (ix + 0.5) * options_.cell_m, z0_ + (iz + 0.5) * options_.cell_m);
    }
  }
  return cells;
}

double RoomMap::WalkableArea() const {
  return static_cast<double>(std::count(walkable_.begin(), walkable_.end(), 1)) * options_.cell_m *
         options_.cell_m;
}

Placement ParsePlacement(const std::string& text, const std::string& field) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  Placement placement;
  double* values[] = {&placement.x, &placement.z, &placement.yaw_deg};
  bool ok = parts.size() == 3;
  for (size_t i = 0; ok && i < 3; ++i) {
    try {
      size_t used = 0;
      *values[i] = std::stod(parts[i], &used);
      ok = used == parts[i].size() && std::isfinite(*values[i]);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!ok) {
    throw OptionError(fmt::format(
        "{{{}}} must be X,Z,YAW (metres, metres, degrees; e.g. 0.5,-3,90), got '{}'", field, text));
  }
  return placement;
}

void PlacementOptions::Check() const {
  CheckAtLeast(attempts, 1, "attempts");
  CheckAtLeast(image_margin_px, 0.0, "image_margin_px");
  CheckPositive(min_depth_m, "min_depth_m");
}

Eigen::Vector2d PelvisCentre(const MotionClip& motion) {
  Eigen::Vector2d sum = Eigen::Vector2d::Zero();
  for (int p = 0; p < motion.num_persons; ++p) {
    for (int t = 0; t < motion.num_frames; ++t) {
      const float* pelvis = motion.joint(p, t, 0);
      sum += Eigen::Vector2d(pelvis[0], pelvis[2]);
    }
  }
  return sum / static_cast<double>(std::max(1, motion.num_persons * motion.num_frames));
}

MotionClip ApplyPlacement(const MotionClip& motion, const Placement& placement) {
  const Eigen::Vector2d centre = PelvisCentre(motion);
  const double yaw = placement.yaw_deg * kPi / 180.0;
  RigidTransformd world_from_motion;
  world_from_motion.rotation = Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitY()).toRotationMatrix();
  // Rotate about the centre, then move the centre to (x, 0, z).
  world_from_motion.translation =
      Eigen::Vector3d(placement.x, 0.0, placement.z) -
      world_from_motion.rotation * Eigen::Vector3d(centre.x(), 0.0, centre.y());
  MotionClip placed = motion;
  TransformClip(world_from_motion, &placed);
  return placed;
}

PlacementResult PlaceMotion(const MotionClip& motion,
                            const RoomMap& room,
                            const PlacementOptions& options) {
  options.Check();
  if (motion.num_persons < 1 || motion.num_frames < 1)
    throw Error("the motion to place has no persons or no frames");
  for (int p = 0; p < motion.num_persons; ++p)
    CheckJointsFinite(motion.person(p), motion.num_frames, p, "the motion to place");

  PlacementResult result;
  if (options.place) {
    result.placement = *options.place;
    result.placed = ApplyPlacement(motion, result.placement);
    result.attempts = 1;
    const std::string why = Reject(result.placed, room, options, result.rejected);
    if (!why.empty()) {
      throw Error(fmt::format("the placement x {}, z {}, yaw {} deg does not fit the room: {}",
                              result.placement.x, result.placement.z, result.placement.yaw_deg,
                              why));
    }
    return result;
  }
  const std::vector<Eigen::Vector2d> cells = room.WalkableCells();
  if (cells.empty()) {
    throw Error(
        "the room has no walkable floor: no column of seen floor is clear of walls and furniture");
  }
  Rng rng(options.seed);
  const double cell = room.options().cell_m;
  for (int attempt = 0; attempt < options.attempts; ++attempt) {
    const Eigen::Vector2d& c = cells[rng.UniformInt(0, static_cast<int64_t>(cells.size()) - 1)];
    const Placement candidate{c.x() + rng.Uniform(-0.5, 0.5) * cell,
                              c.y() + rng.Uniform(-0.5, 0.5) * cell, rng.Uniform(0.0, 360.0)};
    MotionClip placed = ApplyPlacement(motion, candidate);
    const std::string why = Reject(placed, room, options, result.rejected);
    if (result.rejected.first.empty()) result.rejected.first = why;
    if (why.empty()) {
      result.placement = candidate;
      result.placed = std::move(placed);
      result.attempts = attempt + 1;
      return result;
    }
  }
  throw Error(fmt::format(
      "no placement of the {}-person motion fits the room's {:.1f} m^2 of walkable floor in {} "
      "tries: {} left the camera's view, {} went through walls or furniture or off the seen "
      "floor (the first: {}); try a shorter motion or another room",
      motion.num_persons, room.WalkableArea(), options.attempts, result.rejected.outside_image,
      result.rejected.not_walkable, result.rejected.first));
}

}  // namespace intersynth
