#pragma once
// COCO-17 keypoints of rendered people, labelled as a careful annotator
// would (issue 31): where each point lands in the image and whether it is
// seen, from the rendered frame's depth. Plain C++.
//
// Points: the body points are the posed body's smpl22 joints (shoulders 16/17,
// elbows 18/19, wrists 20/21, hips 1/2, knees 4/5, ankles 7/8); the face
// points (nose, eyes, ears) are its mesh vertices the body model names
// (coco17_face_vertices), or absent.
// Visibility, COCO's convention:
//   0  behind the camera (z < 1 cm) or outside the image: xy 0, confidence 0
//   2  seen: the frame's depth at the point's pixel (the largest in a
//      (2 window + 1)^2 neighbourhood, so an edge pixel of an occluder does
//      not hide it) is at least z - tolerance, where the tolerance is how
//      deep a point lies under its own skin (a joint: tolerance_m, a face
//      vertex: face_tolerance_m)
//   1  hidden: something nearer covers it (furniture, another person, the
//      body's own arm); confidence kHiddenKeypointConfidence, hidden = true
// The box is the tight box of the person's pixels in the instance mask, or
// of the seen points when the mask shows none of it.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/scene/depth_map.h"

namespace intersynth {

/// A person's COCO-17 points in the world; face points only when `has_face`.
struct CocoPoints3d {
  std::array<Eigen::Vector3d, kCoco17NumKeypoints> points;
  bool has_face = false;
};

/// The points of one posed person: `joints22` [22, 3] and, when
/// `face_vertices` holds 5 indices, the mesh `vertices` [V, 3] at them.
CocoPoints3d Coco17Points(const float* joints22,
                          const float* vertices,
                          const std::vector<int>& face_vertices);

struct KeypointLabelOptions {
  double tolerance_m = 0.12;
  double face_tolerance_m = 0.04;
  int window = 1;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Projects and labels one person's points seen by `camera` in a rendered
/// frame (its depth, camera-frame z, and instance mask, [height, width] row
/// major; the person is `instance`). The result's frame and track id are
/// left to the caller. Throws Error when the depth or the mask is not the
/// camera's size.
PersonKeypoints LabelKeypoints(const CocoPoints3d& points,
                               const PinholeCamera& camera,
                               const RigidTransformd& world_from_camera,
                               const DepthMap& depth,
                               const std::vector<uint16_t>& instances,
                               int instance,
                               const KeypointLabelOptions& options = {});

}  // namespace intersynth
