#include "intersynth/recovery/simulate_keypoints.h"

#include <fmt/format.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/motion/motion_file.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr double kRadians = EIGEN_PI / 180.0;
/// Points nearer to the camera plane than this (metres) count as behind it.
constexpr double kMinDepth = 0.01;
/// The simulated scene's floor depth stops here (metres): beyond, 0 (no depth).
constexpr double kMaxFloorDepth = 30.0;
/// Every n-th pixel of the floor becomes a point of the scene's cloud.
constexpr int kScenePointStride = 4;
/// Grey level of the simulated key frame.
constexpr uint8_t kGrey = 128;

/// Whether joint j of person p at frame t is valid in the clip.
bool JointValid(const MotionClip& clip, int p, int t, int j) {
  if (clip.valid.empty()) return true;
  return clip.valid[(static_cast<size_t>(p) * clip.num_frames + t) * kNumJoints + j] != 0;
}

double PrincipalX(const KeypointSimulationOptions& options) {
  return options.cx.value_or((options.width - 1) / 2.0);
}

double PrincipalY(const KeypointSimulationOptions& options) {
  return options.cy.value_or((options.height - 1) / 2.0);
}

}  // namespace

void KeypointSimulationOptions::Check() const {
  CheckAtLeast(width, 1, "width");
  CheckAtLeast(height, 1, "height");
  CheckPositive(fx, "fx");
  CheckFinite(fx, "fx");
  CheckPositive(fy, "fy");
  CheckFinite(fy, "fy");
  if (cx) CheckFinite(*cx, "cx");
  if (cy) CheckFinite(*cy, "cy");
  if (!(pitch_down_deg > 0.0 && pitch_down_deg < 90.0)) {
    throw OptionError(
        fmt::format("{{pitch_down_deg}} must be in (0, 90) degrees below the "
                    "horizon, got {}",
                    pitch_down_deg));
  }
  CheckFinite(yaw_deg, "yaw_deg");
  CheckFinite(camera_height, "camera_height");
  CheckFinite(aim_height, "aim_height");
  if (!(camera_height > aim_height)) {
    throw OptionError(fmt::format("{{camera_height}} ({} m) must be above {{aim_height}} ({} m)",
                                  camera_height, aim_height));
  }
  CheckAtLeast(noise_px, 0.0, "noise_px");
  CheckFinite(noise_px, "noise_px");
  CheckInRange(drop_probability, 0.0, 1.0, "drop_probability");
}

SimulatedCamera PlaceSimulatedCamera(const MotionClip& clip,
                                     const KeypointSimulationOptions& options) {
  options.Check();
  if (clip.num_persons < 1 || clip.num_frames < 1) {
    throw Error(fmt::format("keypoint simulation: the clip has {} person(s) and {} frame(s)",
                            clip.num_persons, clip.num_frames));
  }
  ValidateMotionClip(clip, "keypoint simulation");

  // Horizontal bounding box of the valid pelvises.
  double min_x = std::numeric_limits<double>::infinity(), max_x = -min_x;
  double min_z = min_x, max_z = -min_x;
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < clip.num_frames; ++t) {
      if (!JointValid(clip, p, t, 0)) continue;
      const float* pelvis = clip.joint(p, t, 0);
      min_x = std::min<double>(min_x, pelvis[0]);
      max_x = std::max<double>(max_x, pelvis[0]);
      min_z = std::min<double>(min_z, pelvis[2]);
      max_z = std::max<double>(max_z, pelvis[2]);
    }
  }
  if (!(min_x <= max_x)) {
    throw Error("keypoint simulation: no frame of the clip has a valid pelvis (smpl22 joint 0)");
  }

  // The camera axes in the world and its centre (file comment).
  SimulatedCamera result;
  const double theta = options.pitch_down_deg * kRadians;
  const Eigen::Matrix3d yaw =
      Eigen::AngleAxisd(options.yaw_deg * kRadians, Eigen::Vector3d::UnitY()).toRotationMatrix();
  const Eigen::Vector3d forward = yaw * Eigen::Vector3d(0.0, -std::sin(theta), -std::cos(theta));
  const Eigen::Vector3d right = yaw * Eigen::Vector3d(1.0, 0.0, 0.0);
  const Eigen::Vector3d down = forward.cross(right);
  result.aim_in_world =
      Eigen::Vector3d((min_x + max_x) / 2.0, options.aim_height, (min_z + max_z) / 2.0);
  const double distance = (options.camera_height - options.aim_height) / std::sin(theta);
  result.world_from_camera.rotation.col(0) = right;
  result.world_from_camera.rotation.col(1) = down;
  result.world_from_camera.rotation.col(2) = forward;
  result.world_from_camera.translation = result.aim_in_world - distance * forward;
  result.camera_height = options.camera_height;
  result.pitch_down_deg = options.pitch_down_deg;
  result.yaw_deg = options.yaw_deg;

  result.camera.fx = options.fx;
  result.camera.fy = options.fy;
  result.camera.cx = PrincipalX(options);
  result.camera.cy = PrincipalY(options);
  result.camera.width = options.width;
  result.camera.height = options.height;
  return result;
}

KeypointSet ProjectSimulatedKeypoints(const MotionClip& clip,
                                      const SimulatedCamera& camera,
                                      const KeypointSimulationOptions& options,
                                      KeypointSimulationCounts* counts) {
  options.Check();
  ValidateMotionClip(clip, "keypoint simulation");
  const PinholeCamera& k = camera.camera;
  const RigidTransformd camera_from_world = camera.world_from_camera.Inverse();
  KeypointSimulationCounts local;
  KeypointSimulationCounts& c = counts != nullptr ? *counts : local;
  c = KeypointSimulationCounts();

  KeypointSet set;
  set.format = "coco";
  set.frames.reserve(static_cast<size_t>(clip.num_frames));
  set.people.reserve(static_cast<size_t>(clip.num_frames) * clip.num_persons);
  Rng rng(options.seed);
  for (int t = 0; t < clip.num_frames; ++t) {
    KeypointFrame frame;
    frame.id = t;
    frame.file_name = fmt::format("frame_{:06d}.png", t);
    frame.width = k.width;
    frame.height = k.height;
    set.frames.push_back(frame);
    for (int p = 0; p < clip.num_persons; ++p) {
      PersonKeypoints person;
      person.frame = t;
      person.track_id = p;
      for (int i = 0; i < kCoco17NumKeypoints; ++i) {
        const int j = kCoco17FromSmpl22[static_cast<size_t>(i)];
        if (j < 0) continue;
        ++c.body_points;
        // Draw every random number first, so that the stream does not depend
        // on which points are seen.
        const double noise_u = options.noise_px * rng.Normal(0.0, 1.0);
        const double noise_v = options.noise_px * rng.Normal(0.0, 1.0);
        const bool drop = rng.Uniform() < options.drop_probability;

        // Seen or not, in the order of the file comment.
        if (!JointValid(clip, p, t, j)) {
          ++c.invalid_in_motion;
          continue;
        }
        const float* joint = clip.joint(p, t, j);
        const Eigen::Vector3d x_in_camera =
            camera_from_world * Eigen::Vector3d(joint[0], joint[1], joint[2]);
        if (!(x_in_camera.z() > kMinDepth)) {
          ++c.behind_camera;
          continue;
        }
        const Eigen::Vector2d uv = k.Project(x_in_camera) + Eigen::Vector2d(noise_u, noise_v);
        if (!(uv.x() >= 0.0 && uv.x() <= k.width - 1.0 && uv.y() >= 0.0 &&
              uv.y() <= k.height - 1.0)) {
          ++c.outside_image;
          continue;
        }
        if (drop) {
          ++c.dropped;
          continue;
        }
        ++c.seen;
        person.xy[static_cast<size_t>(i)] = {static_cast<float>(uv.x()),
                                             static_cast<float>(uv.y())};
        person.confidence[static_cast<size_t>(i)] = 1.0f;
      }
      const std::array<double, 4> box = person.SeenBox();
      person.bbox = {static_cast<float>(box[0]), static_cast<float>(box[1]),
                     static_cast<float>(box[2] - box[0]), static_cast<float>(box[3] - box[1])};
      set.people.push_back(person);
    }
  }
  return set;
}

KeypointSimulation SimulateKeypoints(const MotionClip& clip,
                                     const KeypointSimulationOptions& options,
                                     const std::string& source) {
  // Bad options are the caller's, not the clip's: they keep their fields.
  options.Check();
  KeypointSimulation result;
  try {
    result.camera = PlaceSimulatedCamera(clip, options);
    result.keypoints = ProjectSimulatedKeypoints(clip, result.camera, options, &result.counts);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  result.keypoints.source = source;

  // The summary.
  const KeypointSimulationCounts& c = result.counts;
  const auto share = [&](int64_t n) {
    return c.body_points > 0 ? 100.0 * static_cast<double>(n) / static_cast<double>(c.body_points)
                             : 0.0;
  };
  const Eigen::Vector3d& centre = result.camera.world_from_camera.translation;
  const Eigen::Vector3d& aim = result.camera.aim_in_world;
  result.summary = fmt::format(
      "camera {}x{} (fx {:g}, fy {:g}, cx {:g}, cy {:g}) at ({:.2f}, {:.2f}, {:.2f}) m, "
      "looking {:g} deg down along -Z through ({:.2f}, {:.2f}, {:.2f})\n"
      "{} frame(s) x {} person(s): {} body points, {} seen ({:.1f}%), {} dropped ({:.1f}%), "
      "{} outside the image ({:.1f}%), {} behind the camera, {} invalid in the motion; "
      "noise {:g} px, seed {}",
      result.camera.camera.width, result.camera.camera.height, result.camera.camera.fx,
      result.camera.camera.fy, result.camera.camera.cx, result.camera.camera.cy, centre.x(),
      centre.y(), centre.z(), result.camera.pitch_down_deg, aim.x(), aim.y(), aim.z(),
      clip.num_frames, clip.num_persons, c.body_points, c.seen, share(c.seen), c.dropped,
      share(c.dropped), c.outside_image, share(c.outside_image), c.behind_camera,
      c.invalid_in_motion, options.noise_px, options.seed);
  return result;
}

void WriteSimulatedSceneFolder(const std::filesystem::path& out,
                               const SimulatedCamera& camera,
                               bool overwrite) {
  const PinholeCamera& k = camera.camera;
  k.Validate("simulated camera");
  const Eigen::Matrix3d& rotation = camera.world_from_camera.rotation;

  // The floor y = 0 in the camera frame: y_world = (R^T e_y) . x_cam + t_y.
  Plane floor_in_camera;
  floor_in_camera.normal = rotation.transpose() * Eigen::Vector3d::UnitY();
  floor_in_camera.offset = camera.world_from_camera.translation.y();
  if (!(floor_in_camera.offset > 0.0)) {
    throw Error(fmt::format("{}: the simulated camera is not above the floor (height {} m)",
                            out.string(), floor_in_camera.offset));
  }

  // A grey key frame and the floor's depth: the ray d = ((u - cx) / fx,
  // (v - cy) / fy, 1) meets n . (z d) + offset = 0 at z = -offset / (n . d)
  // when n . d < 0 (the ray goes down).
  LiftSceneInputs inputs;
  inputs.image.width = k.width;
  inputs.image.height = k.height;
  inputs.image.rgb.assign(static_cast<size_t>(k.width) * k.height * 3, kGrey);
  inputs.image_name = "simulated (uniform grey)";
  LiftSceneResult result;
  result.depth.width = k.width;
  result.depth.height = k.height;
  result.depth.values.assign(static_cast<size_t>(k.width) * k.height, 0.0f);
  for (int v = 0; v < k.height; ++v) {
    for (int u = 0; u < k.width; ++u) {
      const Eigen::Vector3d ray((u - k.cx) / k.fx, (v - k.cy) / k.fy, 1.0);
      const double along = floor_in_camera.normal.dot(ray);
      if (!(along < 0.0)) continue;
      const double z = -floor_in_camera.offset / along;
      if (z <= kMaxFloorDepth) {
        result.depth.values[static_cast<size_t>(v) * k.width + u] = static_cast<float>(z);
        ++result.valid_depth_pixels;
      }
    }
  }

  // Every floor point is a floor inlier.
  PointCloud cloud = BackProject(result.depth, k, &inputs.image, kScenePointStride);
  result.floor.success = true;
  result.floor.message = "simulated: the plane y = 0";
  result.floor.plane_in_camera = floor_in_camera;
  result.floor.candidate_points = cloud.size();
  result.floor.inliers.resize(static_cast<size_t>(cloud.size()));
  for (int64_t i = 0; i < cloud.size(); ++i) result.floor.inliers[static_cast<size_t>(i)] = i;
  result.floor.inlier_ratio = 1.0;
  result.floor.camera_height = floor_in_camera.offset;
  cloud.Transform(camera.world_from_camera);
  result.cloud_in_world = std::move(cloud);
  result.floor_within_3cm = 1.0;

  // The placement, and the rest of what scene.json records.
  result.placement.world_from_camera = camera.world_from_camera;
  result.placement.camera_in_world = camera.world_from_camera.translation;
  result.placement.camera_height = floor_in_camera.offset;
  result.placement.pitch_down_deg = camera.pitch_down_deg;
  result.placement.roll_deg = 0.0;
  result.camera = k;
  result.camera_source = "simulated";
  result.depth_source = "simulated: the floor plane y = 0 seen by the camera";
  result.success = true;
  result.message = "ok";
  WriteSceneFolder(out, inputs, result, overwrite);
}

}  // namespace intersynth
