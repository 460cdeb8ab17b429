#pragma once
// Virtual cameras in a lifted room, like a patient-monitoring sensor (issue
// 31's `--views`): mounted 2.2-2.8 m high, pitched 25-50 degrees down, a
// 70-90 degree horizontal field of view, every person fully in view. Built on
// the keypoint simulation's camera placement (recovery/simulate_keypoints.h,
// PlaceSimulatedCamera: the optical axis through an aim point over the
// centre of the pelvis trajectory), with the height, pitch, field of view,
// direction of view (yaw) and aim height drawn per candidate, seeded.
//
// A candidate is accepted when
//   room     its centre stands over the room: within room_reach_m of a
//            column of seen floor (RoomMap::Floor), so it is not behind a wall
//   view     every joint of every person and frame is at least min_depth_m
//            in front of it and image_margin_px inside its image
// Plain C++.

#include <cstdint>

#include "intersynth/motion/motion_clip.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/render/placement.h"

namespace intersynth {

struct MonitoringCameraOptions {
  int width = 640;
  int height = 480;
  /// Ranges drawn uniformly: camera height (m), pitch below the horizon and
  /// horizontal field of view (degrees), aim height over the trajectory (m).
  double min_height_m = 2.2;
  double max_height_m = 2.8;
  double min_pitch_deg = 25.0;
  double max_pitch_deg = 50.0;
  double min_hfov_deg = 70.0;
  double max_hfov_deg = 90.0;
  double min_aim_height_m = 0.6;
  double max_aim_height_m = 1.2;
  /// Acceptance (see the file comment).
  double room_reach_m = 0.6;
  double image_margin_px = 4.0;
  double min_depth_m = 0.3;
  int attempts = 1000;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

struct MonitoringCamera {
  SimulatedCamera camera;
  double hfov_deg = 0.0;
  /// Candidates drawn, and those turned down for each reason.
  int attempts = 0;
  int outside_room = 0;
  int out_of_view = 0;
};

/// Draws the first accepted camera for `motion` (already placed in the
/// room's world frame) from `seed` (see the file comment). `room` may be
/// null (no room check: an empty world with a floor). Throws OptionError for
/// bad options and Error when no candidate is accepted in `attempts`, with
/// the count of each reason.
MonitoringCamera SampleMonitoringCamera(const MotionClip& motion,
                                        const RoomMap* room,
                                        const MonitoringCameraOptions& options,
                                        uint64_t seed);

}  // namespace intersynth
