#include "intersynth/render/fit_overlay.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

PinholeCamera Camera() {
  PinholeCamera k;
  k.fx = k.fy = 100.0;
  k.cx = 49.5, k.cy = 39.5;
  k.width = 100, k.height = 80;
  return k;
}

// One triangle 2 m ahead covering the image's centre: x in [-0.5, 0.5],
// y in [-0.4, 0.4] at z = 2 spans pixels 25-75 by 20-60.
FitOverlayPerson Triangle(float z) {
  FitOverlayPerson p;
  p.vertices = {-0.5f, 0.4f, z, 0.5f, 0.4f, z, 0.0f, -0.4f, z};
  return p;
}

TEST(FitOverlay, FillsTheProjectedMeshAndLeavesTheRest) {
  const cv::Mat frame(80, 100, CV_8UC3, cv::Scalar(10, 20, 30));
  FitOverlayOptions options;
  options.mesh_opacity = 1.0;
  const cv::Mat out = DrawFitOverlay(frame, Camera(), {0, 1, 2}, {Triangle(2.0f)}, options);
  ASSERT_EQ(out.size(), frame.size());
  // Inside the triangle (facing the camera: shade 1): the palette colour.
  EXPECT_EQ(out.at<cv::Vec3b>(50, 50), cv::Vec3b(0, 140, 255));
  // Outside it: the frame.
  EXPECT_EQ(out.at<cv::Vec3b>(5, 5), cv::Vec3b(10, 20, 30));
  EXPECT_EQ(out.at<cv::Vec3b>(25, 30), cv::Vec3b(10, 20, 30));
  // Behind the camera: nothing drawn; no frame: a grey canvas.
  const cv::Mat behind = DrawFitOverlay(cv::Mat(), Camera(), {0, 1, 2}, {Triangle(-2.0f)});
  EXPECT_EQ(behind.at<cv::Vec3b>(50, 50), cv::Vec3b(128, 128, 128));
}

TEST(FitOverlay, NearerPersonIsDrawnOnTop) {
  FitOverlayPerson far = Triangle(4.0f), near = Triangle(2.0f);
  for (float& v : far.vertices) v *= 2.0f;  // same image size, twice as far
  far.colour = 1;
  FitOverlayOptions options;
  options.mesh_opacity = 1.0;
  const cv::Mat a = DrawFitOverlay(cv::Mat(), Camera(), {0, 1, 2}, {near, far}, options);
  const cv::Mat b = DrawFitOverlay(cv::Mat(), Camera(), {0, 1, 2}, {far, near}, options);
  EXPECT_EQ(a.at<cv::Vec3b>(50, 50), cv::Vec3b(0, 140, 255));
  EXPECT_EQ(b.at<cv::Vec3b>(50, 50), cv::Vec3b(0, 140, 255));
}

TEST(FitOverlay, BadInputIsAClearError) {
  EXPECT_ERROR_CONTAINS(DrawFitOverlay(cv::Mat(), Camera(), {0, 1, 7}, {Triangle(2.0f)}),
                        {"face 0", "vertex 7 of 3"});
  EXPECT_ERROR_CONTAINS(
      DrawFitOverlay(cv::Mat(40, 40, CV_8UC3), Camera(), {0, 1, 2}, {Triangle(2.0f)}),
      {"40x40", "100x80"});
  FitOverlayPerson ragged = Triangle(2.0f);
  ragged.vertices.pop_back();
  EXPECT_ERROR_CONTAINS(DrawFitOverlay(cv::Mat(), Camera(), {0, 1, 2}, {ragged}), {"person 0"});
}

TEST(FitOverlayOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(FitOverlayOptions{}.Check());
  FitOverlayOptions options;
  options.mesh_opacity = 1.5;
  try {
    DrawFitOverlay(cv::Mat(), Camera(), {}, {}, options);
    ADD_FAILURE() << "an opacity of 1.5 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"mesh_opacity"});
    EXPECT_STREQ(e.what(), "mesh_opacity must be in [0, 1], got 1.5");
  }
}

}  // namespace
}  // namespace intersynth
