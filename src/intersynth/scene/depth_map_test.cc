#include "intersynth/scene/depth_map.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "intersynth/io/npy.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

TEST(DepthMap, SixteenBitPngInMillimetres) {
  testing::TempDir dir;
  cv::Mat mm(2, 3, CV_16UC1);
  mm.at<uint16_t>(0, 0) = 0;  // no measurement
  mm.at<uint16_t>(0, 1) = 1000;
  mm.at<uint16_t>(0, 2) = 65535;
  mm.at<uint16_t>(1, 0) = 1;
  mm.at<uint16_t>(1, 1) = 2500;
  mm.at<uint16_t>(1, 2) = 4321;
  ASSERT_TRUE(cv::imwrite((dir / "d.png").string(), mm));
  const DepthMap map = ReadDepthMap(dir / "d.png");
  ASSERT_EQ(map.width, 3);
  ASSERT_EQ(map.height, 2);
  EXPECT_EQ(map.at(0, 0), 0.0f);
  EXPECT_FALSE(IsValidDepth(map.at(0, 0)));
  EXPECT_FLOAT_EQ(map.at(0, 1), 1.0f);
  EXPECT_FLOAT_EQ(map.at(0, 2), 65.535f);
  EXPECT_FLOAT_EQ(map.at(1, 0), 0.001f);
  EXPECT_FLOAT_EQ(map.at(1, 2), 4.321f);
}

TEST(DepthMap, NpyShapesAndScale) {
  testing::TempDir dir;
  WriteNpy(dir / "a.npy", NpyArray::Float64({1, 2, 2}, {1.0, 2.0, 3.0, 4.0}));
  DepthMap map = ReadDepthMap(dir / "a.npy");
  EXPECT_EQ(map.width, 2);
  EXPECT_EQ(map.height, 2);
  EXPECT_EQ(map.values, (std::vector<float>{1, 2, 3, 4}));
  WriteNpy(dir / "b.npy", NpyArray::Int32({3, 1, 1}, {5, 6, 7}));
  DepthReadOptions options;
  options.npy_scale = 0.5;
  map = ReadDepthMap(dir / "b.npy", options);
  EXPECT_EQ(map.width, 1);
  EXPECT_EQ(map.height, 3);
  EXPECT_EQ(map.values, (std::vector<float>{2.5f, 3.0f, 3.5f}));
  // Round trip through WriteDepthMapNpy.
  WriteDepthMapNpy(dir / "c.npy", map);
  EXPECT_EQ(ReadDepthMap(dir / "c.npy").values, map.values);
}

TEST(DepthMap, BadFilesAreNamed) {
  testing::TempDir dir;
  WriteNpy(dir / "v.npy", NpyArray::Float32({4}, {1, 2, 3, 4}));
  EXPECT_ERROR_CONTAINS(ReadDepthMap(dir / "v.npy"), {"v.npy", "(4,)", "(H, W)"});
  WriteNpy(dir / "s.npy", NpyArray::Unicode({1}, {"a"}));
  EXPECT_ERROR_CONTAINS(ReadDepthMap(dir / "s.npy"), {"s.npy", "numbers"});
  cv::Mat colour(2, 2, CV_8UC3, cv::Scalar(1, 2, 3));
  ASSERT_TRUE(cv::imwrite((dir / "c.png").string(), colour));
  EXPECT_ERROR_CONTAINS(ReadDepthMap(dir / "c.png"), {"c.png", "one channel"});
  EXPECT_ERROR_CONTAINS(ReadDepthMap(dir / "d.exr"), {"d.exr", "unsupported"});
  EXPECT_ERROR_CONTAINS(ReadDepthMap(dir / "missing.png"), {"missing.png", "no such file"});
  WriteFileAtomic(dir / "junk.png", "not a png");
  EXPECT_ERROR_CONTAINS(ReadDepthMap(dir / "junk.png"), {"junk.png", "not an image"});
  EXPECT_ERROR_CONTAINS(ReadMask(dir / "missing_mask.png"), {"missing_mask.png"});
  EXPECT_ERROR_CONTAINS(ReadRgbImage(dir.path()), {"folder"});
}

TEST(DepthMap, MaskAndColourImages) {
  testing::TempDir dir;
  cv::Mat bgr(1, 3, CV_8UC3, cv::Scalar(0, 0, 0));
  bgr.at<cv::Vec3b>(0, 1) = cv::Vec3b(0, 0, 9);  // red only
  bgr.at<cv::Vec3b>(0, 2) = cv::Vec3b(30, 20, 10);
  ASSERT_TRUE(cv::imwrite((dir / "m.png").string(), bgr));
  EXPECT_EQ(ReadMask(dir / "m.png").values, (std::vector<float>{0, 1, 1}));
  const RgbImage image = ReadRgbImage(dir / "m.png");
  EXPECT_EQ(image.rgb, (std::vector<uint8_t>{0, 0, 0, 9, 0, 0, 10, 20, 30}));
  cv::Mat grey(1, 2, CV_8UC1, cv::Scalar(77));
  ASSERT_TRUE(cv::imwrite((dir / "g.png").string(), grey));
  EXPECT_EQ(ReadRgbImage(dir / "g.png").rgb, (std::vector<uint8_t>(6, 77)));
}

TEST(DepthMap, AreaResamplingAveragesValidValuesOnly) {
  DepthMap map = DepthMap::Filled(4, 2, 0.0f);
  map.values = {1, 3, 5, 7, 1, 3, std::nanf(""), 0};
  const DepthMap area = Resample(map, 2, 1, ResampleMethod::kArea, IsValidDepth);
  EXPECT_FLOAT_EQ(area.values[0], 2.0f);
  EXPECT_FLOAT_EQ(area.values[1], 6.0f);  // NaN and 0 skipped
  // A non-integer factor: 3 -> 2 pixels, the middle one split in halves.
  DepthMap row = DepthMap::Filled(3, 1, 0.0f);
  row.values = {1, 2, 4};
  const DepthMap two = Resample(row, 2, 1, ResampleMethod::kArea);
  EXPECT_NEAR(two.values[0], (1.0 + 0.5 * 2.0) / 1.5, 1e-6);
  EXPECT_NEAR(two.values[1], (0.5 * 2.0 + 4.0) / 1.5, 1e-6);
  // No valid value under a target pixel: NaN.
  const DepthMap none =
      Resample(DepthMap::Filled(2, 2, 0.0f), 1, 1, ResampleMethod::kArea, IsValidDepth);
  EXPECT_TRUE(std::isnan(none.values[0]));
}

TEST(DepthMap, NearestResamplingPicksSourcePixels) {
  DepthMap map = DepthMap::Filled(2, 2, 0.0f);
  map.values = {1, 2, 3, 4};
  const DepthMap up = Resample(map, 4, 4, ResampleMethod::kNearest);
  EXPECT_EQ(up.values, (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
  // Up then down by the same factor is the identity.
  EXPECT_EQ(Resample(up, 2, 2, ResampleMethod::kNearest).values, map.values);
}

TEST(DepthReadOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(DepthReadOptions{}.Check());
  DepthReadOptions options;
  options.png_scale = 0.0;
  try {
    ReadDepthMap("any.png", options);
    ADD_FAILURE() << "png_scale 0 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"png_scale"});
  }
  options = {};
  options.npy_scale = std::numeric_limits<double>::infinity();
  EXPECT_ERROR_CONTAINS(options.Check(), {"npy_scale must be finite, got inf"});
}

TEST(ResampleMethod, PrintsAndParsesBack) {
  for (const EnumName<ResampleMethod>& n : kResampleMethodNames) {
    EXPECT_EQ(ToString(n.value), n.name);
    EXPECT_EQ(ParseResampleMethod(n.name), n.value);
  }
  try {
    ParseResampleMethod("cubic");
    ADD_FAILURE() << "cubic was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"resample"});
    EXPECT_STREQ(e.what(), "resample must be area or nearest, got 'cubic'");
  }
}

}  // namespace
}  // namespace intersynth
