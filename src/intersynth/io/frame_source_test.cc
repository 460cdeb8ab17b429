#include "intersynth/io/frame_source.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

cv::Mat Solid(int value) { return cv::Mat(24, 32, CV_8UC3, cv::Scalar(value, 255 - value, 40)); }

TEST(FrameSource, FolderReadsTheNamedFiles) {
  testing::TempDir dir;
  ASSERT_TRUE(cv::imwrite((dir / "b.png").string(), Solid(10)));
  ASSERT_TRUE(cv::imwrite((dir / "a.png").string(), Solid(90)));
  FrameSource frames(dir.path(), {"a.png", "b.png"});
  EXPECT_FALSE(frames.is_video());
  const cv::Mat first = frames.Read(0);
  ASSERT_EQ(first.type(), CV_8UC3);
  EXPECT_EQ(first.at<cv::Vec3b>(5, 5)[0], 90);
  EXPECT_EQ(frames.Read(1).at<cv::Vec3b>(5, 5)[0], 10);
  EXPECT_EQ(frames.Describe(1), (dir / "b.png").string());
}

TEST(FrameSource, VideoSeeksToTheFrame) {
  testing::TempDir dir;
  const std::string path = (dir / "v.avi").string();
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0,
                           cv::Size(32, 24));
    ASSERT_TRUE(writer.isOpened());
    for (int value : {20, 120, 220}) writer.write(Solid(value));
  }
  FrameSource frames(path, {});
  EXPECT_TRUE(frames.is_video());
  // JPEG keeps a flat colour within a few levels; read out of order.
  EXPECT_NEAR(frames.Read(2).at<cv::Vec3b>(12, 16)[0], 220, 6);
  EXPECT_NEAR(frames.Read(0).at<cv::Vec3b>(12, 16)[0], 20, 6);
  EXPECT_NEAR(frames.Read(1).at<cv::Vec3b>(12, 16)[0], 120, 6);
  testing::ExpectErrorContaining([&] { frames.Read(7); }, {"v.avi frame 7", "cannot be read"});
}

TEST(FrameSource, MissingPathsAndFilesAreErrorsNamingThem) {
  testing::TempDir dir;
  testing::ExpectErrorContaining([&] { FrameSource((dir / "nowhere").string(), {}); },
                                 {"nowhere: not found"});
  WriteFileAtomic(dir / "notes.txt", "not a video\n");
  testing::ExpectErrorContaining([&] { FrameSource(dir / "notes.txt", {}); },
                                 {"notes.txt: not a folder, and OpenCV cannot open it as a video"});
  FrameSource frames(dir.path(), {"missing.png"});
  testing::ExpectErrorContaining([&] { frames.Read(0); }, {"missing.png: missing or not an image"});
  testing::ExpectErrorContaining([&] { frames.Read(1); }, {"frame 1 is outside the 1 frames"});
  testing::ExpectErrorContaining([&] { FrameSource().Read(0); }, {"no frames were given"});
}

}  // namespace
}  // namespace intersynth
