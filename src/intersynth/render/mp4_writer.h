#pragma once
// An MP4 video written frame by frame through OpenCV's FFmpeg backend (fourcc
// mp4v) into a temp file beside its target, renamed into place by Commit():
// an interrupted or failed writer leaves nothing under the final name.

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "intersynth/util/file_util.h"

namespace intersynth {

class Mp4Writer {
 public:
  /// Opens the writer. Throws Error naming `path` when OpenCV cannot (no
  /// FFmpeg backend, a bad size or rate).
  Mp4Writer(const std::filesystem::path& path, double fps, int width, int height);
  Mp4Writer(const Mp4Writer&) = delete;
  Mp4Writer& operator=(const Mp4Writer&) = delete;

  /// Appends one 8-bit BGR frame of the writer's size.
  void Write(const cv::Mat& bgr);
  int frames() const { return frames_; }
  /// Closes the file and moves it onto its path. Throws Error when OpenCV
  /// wrote nothing.
  void Commit();

 private:
  std::filesystem::path path_;
  AtomicFileWriter temp_;
  cv::VideoWriter writer_;
  int width_ = 0;
  int height_ = 0;
  int frames_ = 0;
};

}  // namespace intersynth
