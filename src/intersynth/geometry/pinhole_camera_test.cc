#include "intersynth/geometry/pinhole_camera.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/util/error.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::kPi;

TEST(PinholeCamera, ProjectInvertsUnproject) {
  const PinholeCamera camera{518.86, 519.47, 284.58, 208.74, 560, 425};
  Rng rng(1);
  for (int i = 0; i < 100; ++i) {
    const double u = rng.Uniform(-10, 570), v = rng.Uniform(-10, 435), z = rng.Uniform(0.3, 10);
    const Eigen::Vector3d x = camera.Unproject(u, v, z);
    EXPECT_DOUBLE_EQ(x.z(), z);
    const Eigen::Vector2d uv = camera.Project(x);
    EXPECT_NEAR(uv.x(), u, 1e-9);
    EXPECT_NEAR(uv.y(), v, 1e-9);
  }
  // The principal point is the optical axis; +x is right, +y is down.
  EXPECT_NEAR((camera.Unproject(camera.cx, camera.cy, 2.0) - Eigen::Vector3d(0, 0, 2)).norm(), 0.0,
              1e-12);
  EXPECT_GT(camera.Project(Eigen::Vector3d(0.1, 0.2, 1.0)).x(), camera.cx);
  EXPECT_GT(camera.Project(Eigen::Vector3d(0.1, 0.2, 1.0)).y(), camera.cy);
}

TEST(PinholeCamera, HorizontalFovRoundTripsAndCentresThePrincipalPoint) {
  const PinholeCamera camera = PinholeCamera::FromHorizontalFov(640, 480, 60.0 * kPi / 180.0);
  EXPECT_NEAR(camera.fx, 320.0 / std::tan(kPi / 6.0), 1e-9);
  EXPECT_EQ(camera.fx, camera.fy);
  EXPECT_DOUBLE_EQ(camera.cx, 319.5);
  EXPECT_DOUBLE_EQ(camera.cy, 239.5);
  EXPECT_NEAR(camera.HorizontalFov(), 60.0 * kPi / 180.0, 1e-12);
  // The left edge of the image (u = -0.5) sees 30 degrees to the left.
  const Eigen::Vector3d edge = camera.Unproject(-0.5, camera.cy, 1.0);
  EXPECT_NEAR(std::atan2(-edge.x(), edge.z()), kPi / 6.0, 1e-12);
  EXPECT_THROW(PinholeCamera::FromHorizontalFov(640, 480, 0.0), Error);
  EXPECT_THROW(PinholeCamera::FromHorizontalFov(640, 480, kPi), Error);
  EXPECT_THROW(PinholeCamera::FromHorizontalFov(0, 480, 1.0), Error);
}

TEST(PinholeCamera, NyuCropPrincipalPointIsOneBasedMinusOneMinusOffset) {
  // shared/data/README.md: NYUv2's calibration is 1-based; the 560x425 crop at
  // (40, 44) has its OpenCV principal point at (284.58, 208.74).
  const PinholeCamera full = PinholeCamera::FromOneBased(518.86, 519.47, 325.58, 253.74, 640, 480);
  const PinholeCamera crop = full.Cropped(40, 44, 560, 425);
  EXPECT_NEAR(crop.cx, 284.58, 1e-9);
  EXPECT_NEAR(crop.cy, 208.74, 1e-9);
  EXPECT_EQ(crop.width, 560);
  EXPECT_EQ(crop.height, 425);
  // A point projects to the same scene pixel in both images.
  const Eigen::Vector3d x(0.4, -0.2, 3.0);
  EXPECT_NEAR((full.Project(x) - crop.Project(x) - Eigen::Vector2d(40, 44)).norm(), 0.0, 1e-9);
}

TEST(PinholeCamera, ResizedKeepsRaysThroughPixelCentres) {
  const PinholeCamera camera{500.0, 510.0, 300.2, 250.7, 640, 480};
  const PinholeCamera half = camera.Resized(320, 240);
  // Pixel (u, v) of the big image is (u + 0.5) / 2 - 0.5 in the small one.
  const Eigen::Vector3d x(0.3, 0.1, 2.0);
  const Eigen::Vector2d big = camera.Project(x);
  const Eigen::Vector2d small = half.Project(x);
  EXPECT_NEAR(small.x(), (big.x() + 0.5) / 2.0 - 0.5, 1e-9);
  EXPECT_NEAR(small.y(), (big.y() + 0.5) / 2.0 - 0.5, 1e-9);
}

TEST(PinholeCamera, ValidateNamesTheContext) {
  PinholeCamera camera{500, 500, 320, 240, 640, 480};
  EXPECT_NO_THROW(camera.Validate("K.json"));
  camera.fy = std::numeric_limits<double>::quiet_NaN();
  try {
    camera.Validate("room/K.json");
    FAIL() << "NaN fy accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("room/K.json"), std::string::npos) << e.what();
  }
  camera = {500, 500, 320, 240, 0, 480};
  EXPECT_THROW(camera.Validate("K.json"), Error);
  camera = {-1, 500, 320, 240, 640, 480};
  EXPECT_THROW(camera.Validate("K.json"), Error);
}

}  // namespace
}  // namespace intersynth
