#pragma once
// Reading the frames of a recording one at a time: a folder of images (frame
// t is the file named by the t-th entry of a list, e.g. a keypoint file's
// image names) or a video file (frame t is its t-th decoded frame), through
// OpenCV. Frames are 8-bit BGR (OpenCV's channel order), row 0 at the top.

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

namespace intersynth {

/// A folder of images or a video, read frame by frame (random access:
/// a video seeks). Not thread-safe: one reader per thread.
class FrameSource {
 public:
  /// No frames: empty() is true and Read() throws.
  FrameSource() = default;

  /// `path` is a folder whose frame t is `path / file_names[t]`, or a video
  /// file whose frame t is its t-th frame (`file_names` only bounds t then:
  /// empty means any t). Throws Error naming `path` when it does not exist,
  /// or is a file OpenCV cannot open as a video.
  FrameSource(std::filesystem::path path, std::vector<std::string> file_names);

  bool empty() const { return path_.empty(); }
  bool is_video() const { return video_.isOpened(); }
  const std::filesystem::path& path() const { return path_; }

  /// Frame t (8-bit BGR). Throws Error naming the file, or the video and
  /// frame, when it is missing or cannot be decoded, and for t outside
  /// [0, file_names.size()) when file names were given.
  cv::Mat Read(int t);

  /// What Read(t) reads, for messages: "folder/name.jpg" or "video.mp4 frame t".
  std::string Describe(int t) const;

 private:
  std::filesystem::path path_;
  std::vector<std::string> file_names_;
  cv::VideoCapture video_;
};

}  // namespace intersynth
