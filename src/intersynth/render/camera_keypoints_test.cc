#include "intersynth/render/camera_keypoints.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

constexpr int kW = 80;
constexpr int kH = 60;

PinholeCamera Camera() {
  PinholeCamera camera;
  camera.fx = camera.fy = 70.0;
  camera.cx = 39.5;
  camera.cy = 29.5;
  camera.width = kW;
  camera.height = kH;
  return camera;
}

// Points at camera-frame positions (the world is the camera frame).
CocoPoints3d Points(const std::vector<Eigen::Vector3d>& at) {
  CocoPoints3d p;
  p.has_face = true;
  for (int k = 0; k < kCoco17NumKeypoints; ++k) p.points[k] = at[k % at.size()];
  return p;
}

TEST(LabelKeypoints, SeenHiddenAndOutsideFollowTheFramesDepth) {
  // A wall at 5 m; a table (the left half, rows below 30) at 2 m; the
  // person's own surface over the right upper quarter at 2.95 m.
  DepthMap depth = DepthMap::Filled(kW, kH, 5.0f);
  std::vector<uint16_t> instances(kW * kH, 0);
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      if (x < kW / 2 && y >= 30) depth.at(y, x) = 2.0f;
      if (x >= kW / 2 && y < 30) {
        depth.at(y, x) = 2.95f;
        instances[y * kW + x] = 4;
      }
    }
  }
  const Eigen::Vector3d behind_table(-0.8, 0.5, 3.0);  // pixel (21, 41): the table is nearer
  const Eigen::Vector3d under_skin(0.8, -0.5, 3.0);    // pixel (58, 18): its own surface
  const Eigen::Vector3d outside(3.0, 0.0, 3.0);        // pixel (109, 30): outside
  const Eigen::Vector3d behind_camera(0.0, 0.0, -1.0);
  CocoPoints3d points = Points({under_skin});
  points.points[5] = behind_table;
  points.points[6] = outside;
  points.points[7] = behind_camera;
  const PersonKeypoints person =
      LabelKeypoints(points, Camera(), RigidTransformd::Identity(), depth, instances, 4);
  EXPECT_FLOAT_EQ(person.confidence[5], kHiddenKeypointConfidence);
  EXPECT_TRUE(person.hidden[5]);
  EXPECT_NEAR(person.xy[5][0], 70.0 * -0.8 / 3.0 + 39.5, 1e-4);
  EXPECT_FLOAT_EQ(person.confidence[6], 0.0f);
  EXPECT_FLOAT_EQ(person.confidence[7], 0.0f);
  // A joint 5 cm under its own surface is seen (tolerance 12 cm); a face
  // point is seen 3 cm under it, not 5 cm (face tolerance 4 cm).
  EXPECT_FLOAT_EQ(person.confidence[8], 1.0f);
  EXPECT_FALSE(person.hidden[8]);
  EXPECT_TRUE(person.hidden[0]);
  points.points[0] = Eigen::Vector3d(0.8, -0.5, 2.98);
  const PersonKeypoints shallower =
      LabelKeypoints(points, Camera(), RigidTransformd::Identity(), depth, instances, 4);
  EXPECT_FLOAT_EQ(shallower.confidence[0], 1.0f);
  EXPECT_FALSE(shallower.hidden[0]);
  // The box is the person's pixels in the mask.
  EXPECT_FLOAT_EQ(person.bbox[0], 40.0f);
  EXPECT_FLOAT_EQ(person.bbox[1], 0.0f);
  EXPECT_FLOAT_EQ(person.bbox[2], 40.0f);
  EXPECT_FLOAT_EQ(person.bbox[3], 30.0f);
}

TEST(LabelKeypoints, PointsComeFromJointsAndFaceVertices) {
  std::vector<float> joints(66), vertices(30);
  for (int i = 0; i < 66; ++i) joints[i] = static_cast<float>(i);
  for (int i = 0; i < 30; ++i) vertices[i] = static_cast<float>(100 + i);
  const CocoPoints3d p = Coco17Points(joints.data(), vertices.data(), {9, 8, 7, 6, 5});
  EXPECT_TRUE(p.has_face);
  EXPECT_EQ(p.points[0].x(), 127.0);  // nose: vertex 9
  EXPECT_EQ(p.points[5].x(), 48.0);   // left shoulder: joint 16
  EXPECT_EQ(p.points[16].x(), 24.0);  // right ankle: joint 8
  const CocoPoints3d no_face = Coco17Points(joints.data(), nullptr, {});
  EXPECT_FALSE(no_face.has_face);
  const PersonKeypoints person =
      LabelKeypoints(no_face, Camera(), RigidTransformd::Identity(), DepthMap::Filled(kW, kH, 0.0f),
                     std::vector<uint16_t>(kW * kH, 0), 1);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(person.confidence[k], 0.0f);
  EXPECT_ERROR_CONTAINS(LabelKeypoints(no_face, Camera(), RigidTransformd::Identity(),
                                       DepthMap::Filled(10, 10, 1.0f), {}, 1),
                        {"keypoint labels", "80x60"});
}

}  // namespace
}  // namespace intersynth
