#include "intersynth/recovery/crop_image.h"

#include <gtest/gtest.h>

#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

// A frame whose pixel (u, v) is BGR (u, v, 200): positions readable back.
cv::Mat Ramp(int width, int height) {
  cv::Mat image(height, width, CV_8UC3);
  for (int v = 0; v < height; ++v)
    for (int u = 0; u < width; ++u) image.at<cv::Vec3b>(v, u) = cv::Vec3b(u, v, 200);
  return image;
}

TEST(CutPersonCrop, SameSizeCropIsTheFramesPixelsInRgb) {
  const cv::Mat frame = Ramp(64, 48);
  // A crop of side 16 at (20.5, 10.5) resampled to 16 x 16: scale 1, so
  // output (x, y) is frame (x + 13, y + 3) exactly.
  const RgbCrop crop = CutPersonCrop(frame, {20.5, 10.5, 16.0}, 16);
  ASSERT_EQ(crop.size, 16);
  ASSERT_EQ(crop.rgb.size(), 16u * 16u * 3u);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      const uint8_t* p = &crop.rgb[(static_cast<size_t>(y) * 16 + x) * 3];
      EXPECT_EQ(p[0], 200);     // R: the frame's third (red) channel
      EXPECT_EQ(p[1], y + 3);   // G
      EXPECT_EQ(p[2], x + 13);  // B: the frame's first channel, u
    }
  }
}

TEST(CutPersonCrop, CentreMapsToCentreAndOutsideIsBlack) {
  const cv::Mat frame = Ramp(64, 48);
  // Side 32 into 8 pixels (scale 1/4), centred on the frame's left edge.
  const RgbCrop crop = CutPersonCrop(frame, {0.0, 24.0, 32.0}, 8);
  const auto at = [&](int x, int y, int c) {
    return crop.rgb[(static_cast<size_t>(y) * 8 + x) * 3 + c];
  };
  // Left half falls outside the frame: black.
  EXPECT_EQ(at(0, 4, 0), 0);
  EXPECT_EQ(at(0, 4, 1), 0);
  // Right of the centre, inside: red 200, green near the crop centre's row 24.
  EXPECT_EQ(at(7, 4, 0), 200);
  EXPECT_NEAR(at(7, 4, 1), 24 + 0.5 * 4, 2.5);
}

TEST(CutPersonCrop, BadInputsAreErrors) {
  const cv::Mat frame = Ramp(8, 8);
  testing::ExpectErrorContaining(
      [&] {
        CutPersonCrop(cv::Mat(), {4, 4, 4}, 8);
      },
      {"8-bit 3-channel"});
  testing::ExpectErrorContaining(
      [&] {
        CutPersonCrop(cv::Mat(8, 8, CV_8UC1), {4, 4, 4}, 8);
      },
      {"8-bit 3-channel", "1 channels"});
  testing::ExpectErrorContaining(
      [&] {
        CutPersonCrop(frame, {4, 4, 4}, 0);
      },
      {"crop size", "got 0"});
  testing::ExpectErrorContaining(
      [&] {
        CutPersonCrop(frame, {4, 4, 0}, 8);
      },
      {"crop side", "got 0"});
}

}  // namespace
}  // namespace intersynth
