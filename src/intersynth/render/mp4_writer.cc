#include "intersynth/render/mp4_writer.h"

#include <fmt/format.h>

#include "intersynth/util/error.h"

namespace intersynth {

Mp4Writer::Mp4Writer(const std::filesystem::path& path, double fps, int width, int height)
    : path_(path), temp_(path), width_(width), height_(height) {
  const int fourcc = cv::VideoWriter::fourcc('m', 'p', '4', 'v');
  try {
    writer_.open(temp_.temp_path().string(), cv::CAP_FFMPEG, fourcc, fps, cv::Size(width, height));
  } catch (const cv::Exception& e) {
    throw Error(fmt::format("{}: OpenCV cannot open a video writer: {}", path.string(), e.what()));
  }
  if (!writer_.isOpened()) {
    throw Error(fmt::format(
        "{}: OpenCV cannot open an MP4 video writer (FFmpeg backend, fourcc mp4v, {} fps); is "
        "OpenCV built with FFmpeg?",
        path.string(), fps));
  }
}

void Mp4Writer::Write(const cv::Mat& bgr) {
  if (bgr.cols != width_ || bgr.rows != height_ || bgr.type() != CV_8UC3) {
    throw Error(fmt::format("{}: a frame of {}x{} for a video of {}x{}", path_.string(), bgr.cols,
                            bgr.rows, width_, height_));
  }
  writer_.write(bgr);
  ++frames_;
}

void Mp4Writer::Commit() {
  writer_.release();
  std::error_code ec;
  if (std::filesystem::file_size(temp_.temp_path(), ec) == 0 || ec)
    throw Error(fmt::format("{}: OpenCV wrote nothing", path_.string()));
  temp_.Commit();
}

}  // namespace intersynth
