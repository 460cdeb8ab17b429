#include "intersynth/recovery/fit_start.h"

#include <gtest/gtest.h>

#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

std::array<double, 9> RowMajor(const Eigen::Matrix3d& m) {
  std::array<double, 9> r;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r[3 * i + j] = m(i, j);
  return r;
}

PinholeCamera Camera() {
  PinholeCamera camera;
  camera.fx = camera.fy = 600.0;
  camera.cx = 320.0;
  camera.cy = 240.0;
  camera.width = 640;
  camera.height = 480;
  return camera;
}

TEST(FitStart, TakesTheRegressorsRotationsAndPerspectiveRoot) {
  PoseRegression regression;
  std::vector<Eigen::Matrix3d> truth;
  for (int j = 0; j < 24; ++j) {  // SMPL: root + 23 body joints
    truth.push_back(AxisAngleToMatrix(Eigen::Vector3d(0.1 * j, -0.05 * j, 0.02 * j + 0.3)));
    regression.rotations.push_back(RowMajor(truth.back()));
  }
  regression.weak_camera = {1.2f, 0.1f, -0.2f};
  const PersonCrop crop{400.0, 200.0, 250.0};
  const BodyFitStart start = StartFromRegression(regression, crop, Camera(), 7);
  EXPECT_EQ(start.frame, 7);
  EXPECT_LT((start.camera_from_root - truth[0]).norm(), 1e-12);
  for (int j = 1; j < kSmpl22NumJoints; ++j) EXPECT_LT((start.local[j] - truth[j]).norm(), 1e-12);
  EXPECT_TRUE(start.local[0].isIdentity());
  const Eigen::Vector3d t = TranslationFromWeakPerspective({1.2f, 0.1f, -0.2f}, crop, Camera());
  EXPECT_LT((start.root_position - t).norm(), 1e-12);
  // The root lands at the crop's weak-perspective image of the root.
  const Eigen::Vector2d pixel = Camera().Project(start.root_position);
  EXPECT_NEAR(pixel.x(), 400.0 + 1.2 * 0.1 * 125.0, 1e-3);
  EXPECT_NEAR(pixel.y(), 200.0 - 1.2 * 0.2 * 125.0, 1e-3);
}

TEST(FitStart, TooFewJointsOrNoScaleIsAClearError) {
  PoseRegression regression;
  regression.rotations.assign(15, RowMajor(Eigen::Matrix3d::Identity()));
  regression.weak_camera = {1.0f, 0.0f, 0.0f};
  EXPECT_ERROR_CONTAINS(StartFromRegression(regression, {100, 100, 50}, Camera(), 3),
                        {"frame 3", "14 body joints", "21"});
  regression.rotations.assign(22, RowMajor(Eigen::Matrix3d::Identity()));
  regression.weak_camera = {0.0f, 0.0f, 0.0f};
  EXPECT_ERROR_CONTAINS(StartFromRegression(regression, {100, 100, 50}, Camera(), 3),
                        {"positive scale"});
}

// A rest skeleton turned and moved as one rigid body: the start keeps every
// local rotation at identity, and the turn and the pelvis go to the camera.
TEST(FitStart, JointsOfARigidlyMovedRestGiveIdentityLocalsAndTheirRootInTheCamera) {
  const MotionClip rest_clip = SyntheticSmpl22Motion(1, 1, 4);
  std::array<Eigen::Vector3d, kSmpl22NumJoints> rest;
  for (int k = 0; k < kSmpl22NumJoints; ++k)
    rest[k] = Eigen::Vector3f(rest_clip.joint(0, 0, k)).cast<double>();
  const Eigen::Matrix3d turn = AxisAngleToMatrix(Eigen::Vector3d(0.2, 1.1, -0.3));
  const Eigen::Vector3d move(0.5, 0.1, -2.0);
  std::array<float, kSmpl22NumJoints * 3> joints;
  for (int k = 0; k < kSmpl22NumJoints; ++k) {
    const Eigen::Vector3d x = turn * rest[k] + move;
    for (int a = 0; a < 3; ++a) joints[3 * k + a] = static_cast<float>(x[a]);
  }
  const Eigen::Matrix3d camera_rotation = AxisAngleToMatrix(Eigen::Vector3d(-0.5, 0.0, 0.0));
  const Eigen::Vector3d camera_translation(0.0, 1.0, 3.0);
  const BodyFitStart start =
      StartFromJoints(joints.data(), rest, RigidTransformd{camera_rotation, camera_translation}, 9);
  EXPECT_EQ(start.frame, 9);
  for (int k = 1; k < kSmpl22NumJoints; ++k)
    EXPECT_LT((start.local[k] - Eigen::Matrix3d::Identity()).norm(), 1e-5) << "joint " << k;
  EXPECT_LT((start.camera_from_root - camera_rotation * turn).norm(), 1e-5);
  const Eigen::Vector3d pelvis(joints[0], joints[1], joints[2]);
  EXPECT_LT((start.root_position - (camera_rotation * pelvis + camera_translation)).norm(), 1e-9);
}

}  // namespace
}  // namespace intersynth
