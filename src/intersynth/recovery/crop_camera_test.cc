#include "intersynth/recovery/crop_camera.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/testing/testing.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

TEST(CropCamera, FullPerspectiveMatchesWeakPerspectiveAtTheBodyCentre) {
  PinholeCamera camera;
  camera.fx = 900.0;
  camera.fy = 910.0;
  camera.cx = 650.0;
  camera.cy = 350.0;
  camera.width = 1280;
  camera.height = 720;
  const PersonCrop crop{820.0, 400.0, 300.0};
  const std::array<double, 3> weak = {0.9, 0.05, -0.12};
  const Eigen::Vector3d t = TranslationFromWeakPerspective(weak, crop, camera);
  // Weak perspective: pixel of a body point (X, Y) in the crop.
  auto weak_pixel = [&](double X, double Y) {
    return Eigen::Vector2d(crop.center_x + weak[0] * (X + weak[1]) * crop.size / 2,
                           crop.center_y + weak[0] * (Y + weak[2]) * crop.size / 2);
  };
  // Exact at the centre.
  EXPECT_LT((camera.Project(t) - weak_pixel(0, 0)).norm(), 1e-9);
  // Elsewhere within the weak-perspective error: the body's depth extent over t_z.
  Rng rng(1);
  for (int i = 0; i < 50; ++i) {
    const Eigen::Vector3d x(rng.Uniform(-0.4, 0.4), rng.Uniform(-0.9, 0.9), rng.Uniform(-0.2, 0.2));
    const double tolerance = 0.2 / t.z() * crop.size + 1e-6;
    EXPECT_LT(std::abs(camera.Project(x + t).x() - weak_pixel(x.x(), x.y()).x()), tolerance);
    // Points in the body's depth plane: exact up to the fx / fy difference.
    const Eigen::Vector3d flat(x.x(), x.y(), 0.0);
    EXPECT_NEAR(camera.Project(flat + t).x(), weak_pixel(flat.x(), flat.y()).x(), 1e-9);
    EXPECT_NEAR(camera.Project(flat + t).y(), weak_pixel(flat.x(), flat.y()).y(),
                std::abs(flat.y()) * 0.02 * crop.size);
  }
}

TEST(CropCamera, AgreesWith4DHumansWhenThePrincipalPointIsTheImageCentre) {
  // 4D-Humans' cam_crop_to_full: tz = 2 f / (b s), tx = 2 (cx - w/2) / (b s) + tx.
  const PinholeCamera camera = PinholeCamera::FromHorizontalFov(1000, 600, 1.0);
  const PersonCrop crop{700.0, 200.0, 240.0};
  const std::array<double, 3> weak = {1.1, 0.2, 0.1};
  const Eigen::Vector3d t = TranslationFromWeakPerspective(weak, crop, camera);
  const double bs = crop.size * weak[0];
  EXPECT_NEAR(t.z(), 2 * camera.fx / bs, 1e-9);
  EXPECT_NEAR(t.x(), 2 * (crop.center_x - camera.cx) / bs + weak[1], 1e-9);
  EXPECT_NEAR(t.y(), 2 * (crop.center_y - camera.cy) / bs + weak[2], 1e-9);
  EXPECT_ERROR_CONTAINS(TranslationFromWeakPerspective({0.0, 0, 0}, crop, camera),
                        {"positive scale"});
}

TEST(CropCamera, CropAroundSeenKeypoints) {
  PersonKeypoints person;
  person.xy[0] = {100, 50};
  person.xy[5] = {140, 250};
  person.xy[9] = {5000, 5000};  // not seen: ignored
  person.confidence[0] = person.confidence[5] = 1.0f;
  const std::optional<PersonCrop> crop = CropAroundKeypoints(person, 1.2);
  ASSERT_TRUE(crop.has_value());
  EXPECT_DOUBLE_EQ(crop->center_x, 120.0);
  EXPECT_DOUBLE_EQ(crop->center_y, 150.0);
  EXPECT_DOUBLE_EQ(crop->size, 240.0);
  person.confidence[5] = 0.0f;
  EXPECT_FALSE(CropAroundKeypoints(person).has_value());
}

}  // namespace
}  // namespace intersynth
