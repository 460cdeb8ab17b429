#include "intersynth/render/stick_preview.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

/// Pixels of `image` within `tolerance` per channel of `bgr`.
int CountColour(const cv::Mat& image, const std::array<uint8_t, 3>& bgr, int tolerance = 6) {
  int count = 0;
  for (int y = 0; y < image.rows; ++y) {
    for (int x = 0; x < image.cols; ++x) {
      const cv::Vec3b& c = image.at<cv::Vec3b>(y, x);
      if (std::abs(c[0] - bgr[0]) <= tolerance && std::abs(c[1] - bgr[1]) <= tolerance &&
          std::abs(c[2] - bgr[2]) <= tolerance) {
        ++count;
      }
    }
  }
  return count;
}

MotionClip TwoPersons(int frames = 30) {
  MotionClip clip = SyntheticSmpl22Motion(2, frames, 21);
  clip.text = {"two people walk around each other in a large room while one of them waves"};
  return clip;
}

TEST(StickPreview, Mp4HasEveryFrameAtTheRequestedSize) {
  testing::TempDir dir;
  StickPreviewOptions options;
  options.output = dir / "preview.mp4";
  options.width = 320;
  options.height = 240;
  const StickPreviewReport report = RenderStickPreview(TwoPersons(30), options);
  EXPECT_EQ(report.frames_written, 30);
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // no temp file left

  cv::VideoCapture video(options.output.string());
  ASSERT_TRUE(video.isOpened());
  EXPECT_EQ(static_cast<int>(video.get(cv::CAP_PROP_FRAME_WIDTH)), 320);
  EXPECT_EQ(static_cast<int>(video.get(cv::CAP_PROP_FRAME_HEIGHT)), 240);
  EXPECT_NEAR(video.get(cv::CAP_PROP_FPS), 20.0, 0.01);
  int frames = 0;
  cv::Mat frame;
  while (video.read(frame)) {
    EXPECT_EQ(frame.cols, 320);
    EXPECT_EQ(frame.rows, 240);
    ++frames;
  }
  EXPECT_EQ(frames, 30);
}

TEST(StickPreview, DefaultSizeIs640x480) {
  const StickPreviewOptions options;
  EXPECT_EQ(options.width, 640);
  EXPECT_EQ(options.height, 480);
  EXPECT_EQ(options.frame, -1);
}

TEST(StickPreview, PngFrameShowsEveryPersonInItsColour) {
  testing::TempDir dir;
  const MotionClip clip = TwoPersons();
  StickPreviewOptions options;
  options.output = dir / "frame.png";
  options.frame = 12;
  const StickPreviewReport report = RenderStickPreview(clip, options);
  EXPECT_EQ(report.frames_written, 1);
  const cv::Mat image = cv::imread(options.output.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, 640);
  EXPECT_EQ(image.rows, 480);
  for (int p = 0; p < 2; ++p) {
    EXPECT_GT(CountColour(image, StickPreviewPersonColour(p)), 40) << "person " << p;
  }
  // A colour of a person that is not there does not appear (beyond the label).
  EXPECT_LT(CountColour(image, StickPreviewPersonColour(5)), 5);
}

TEST(StickPreview, PaletteColoursDiffer) {
  for (int a = 0; a < 10; ++a) {
    for (int b = a + 1; b < 10; ++b) {
      EXPECT_NE(StickPreviewPersonColour(a), StickPreviewPersonColour(b)) << a << " vs " << b;
    }
  }
  EXPECT_EQ(StickPreviewPersonColour(10), StickPreviewPersonColour(0));
}

TEST(StickPreview, EveryJointOfEveryFrameProjectsInsideTheImage) {
  const MotionClip clip = TwoPersons(60);
  StickPreviewOptions options;
  const StickPreviewCamera camera = MakeStickPreviewCamera(clip, options);
  // Person 0's pelvis at frame 0, and then every joint.
  const float* pelvis = clip.joint(0, 0, kSmpl22Pelvis);
  const Eigen::Vector2d p = camera.Project(Eigen::Vector3d(pelvis[0], pelvis[1], pelvis[2]));
  EXPECT_GT(p.x(), 0.0);
  EXPECT_LT(p.x(), options.width);
  EXPECT_GT(p.y(), 0.0);
  EXPECT_LT(p.y(), options.height);
  for (size_t i = 0; i < clip.joints.size(); i += 3) {
    const Eigen::Vector3d x(clip.joints[i], clip.joints[i + 1], clip.joints[i + 2]);
    ASSERT_GT(camera.ToCamera(x).z(), 0.0);
    const Eigen::Vector2d q = camera.Project(x);
    ASSERT_GE(q.x(), 0.05 * options.width);
    ASSERT_LE(q.x(), 0.95 * options.width);
    ASSERT_GE(q.y(), 0.09 * options.height);
    ASSERT_LE(q.y(), 0.81 * options.height);
  }
  // Up in the world is up in the image; the camera is above the floor.
  const Eigen::Vector2d low = camera.Project(camera.target_in_world);
  const Eigen::Vector2d high = camera.Project(camera.target_in_world + Eigen::Vector3d(0, 0.5, 0));
  EXPECT_LT(high.y(), low.y());
  EXPECT_GT(camera.centre_in_world.y(), camera.target_in_world.y());
}

TEST(StickPreview, InvalidJointsAreGrey) {
  testing::TempDir dir;
  MotionClip clip = SyntheticSmpl22Motion(1, 5, 3);
  clip.valid.assign(static_cast<size_t>(5) * kNumJoints, 0);  // nothing seen
  StickPreviewOptions options;
  options.output = dir / "grey.png";
  options.frame = 0;
  options.caption = "";
  RenderStickPreview(clip, options);
  const cv::Mat image = cv::imread(options.output.string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty());
  // Only the small "p0" label is in the person colour; the figure is grey.
  EXPECT_LT(CountColour(image, StickPreviewPersonColour(0)), 40);
  EXPECT_GT(CountColour(image, {150, 150, 150}), 40);
}

TEST(StickPreview, ClipWithoutFramesIsAnError) {
  testing::TempDir dir;
  StickPreviewOptions options;
  options.output = dir / "x.mp4";
  options.source = "empty.npz";
  EXPECT_ERROR_CONTAINS(RenderStickPreview(MotionClip::Zeros(1, 0), options),
                        {"empty.npz", "0 frames", "nothing to preview"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(StickPreview, FrameOutOfRangeIsAnError) {
  testing::TempDir dir;
  StickPreviewOptions options;
  options.output = dir / "x.png";
  options.source = "clip.npz";
  options.frame = 30;
  EXPECT_ERROR_CONTAINS(RenderStickPreview(TwoPersons(30), options),
                        {"clip.npz", "frame 30 is out of range", "30 frames (0..29)"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(StickPreview, WrongExtensionOddSizeAndMissingFolderAreErrors) {
  testing::TempDir dir;
  StickPreviewOptions options;
  options.output = dir / "x.avi";
  EXPECT_ERROR_CONTAINS(RenderStickPreview(TwoPersons(5), options), {"x.avi", ".mp4"});
  options.output = dir / "x.mp4";
  options.width = 641;
  EXPECT_ERROR_CONTAINS(RenderStickPreview(TwoPersons(5), options), {"641x480", "even"});
  options.width = 640;
  options.output = dir / "no/such/x.mp4";
  EXPECT_ERROR_CONTAINS(RenderStickPreview(TwoPersons(5), options), {"does not exist"});
  options.frame = 2;
  options.output = dir / "x.mp4";
  EXPECT_ERROR_CONTAINS(RenderStickPreview(TwoPersons(5), options), {"x.mp4", ".png"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(StickPreviewOptions, CheckNamesTheBadField) {
  StickPreviewOptions options;
  options.output = "x.mp4";
  EXPECT_NO_THROW(options.Check());
  options.width = 8194;
  EXPECT_ERROR_CONTAINS(options.Check(), {"width must be in [16, 8192], got 8194"});
  options.width = 641;
  try {
    options.Check();
    ADD_FAILURE() << "an odd width for a video was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"width", "height"}));
  }
  options.width = 640;
  options.frame = 3;  // one frame: a .png, not the .mp4
  try {
    options.Check();
    ADD_FAILURE() << "an .mp4 for one frame was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"output"});
  }
  options.output.clear();
  EXPECT_ERROR_CONTAINS(options.Check(), {"output is required"});
}

}  // namespace
}  // namespace intersynth
