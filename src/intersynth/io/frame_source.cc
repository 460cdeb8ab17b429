#include "intersynth/io/frame_source.h"

#include <fmt/format.h>

#include <opencv2/imgcodecs.hpp>

#include "intersynth/util/error.h"

namespace intersynth {

FrameSource::FrameSource(std::filesystem::path path, std::vector<std::string> file_names)
    : path_(std::move(path)), file_names_(std::move(file_names)) {
  if (!std::filesystem::exists(path_)) throw Error(fmt::format("{}: not found", path_.string()));
  if (!std::filesystem::is_directory(path_)) {
    video_.open(path_.string());
    if (!video_.isOpened())
      throw Error(
          fmt::format("{}: not a folder, and OpenCV cannot open it as a video", path_.string()));
  }
}

std::string FrameSource::Describe(int t) const {
  if (is_video() || t < 0 || t >= static_cast<int>(file_names_.size()))
    return fmt::format("{} frame {}", path_.string(), t);
  return (path_ / file_names_[t]).string();
}

cv::Mat FrameSource::Read(int t) {
  if (empty()) throw Error(fmt::format("frame {}: no frames were given", t));
  if (t < 0 || (!file_names_.empty() && t >= static_cast<int>(file_names_.size())))
    throw Error(fmt::format("{}: frame {} is outside the {} frames", path_.string(), t,
                            file_names_.size()));
  cv::Mat image;
  if (is_video()) {
    video_.set(cv::CAP_PROP_POS_FRAMES, t);
    if (!video_.read(image) || image.empty())
      throw Error(fmt::format(
          "{}: cannot be read (the video ends before it, or it does not decode)", Describe(t)));
  } else {
    if (file_names_.empty())
      throw Error(
          fmt::format("{}: a folder of frames needs the frames' file names", path_.string()));
    image = cv::imread(Describe(t), cv::IMREAD_COLOR);
    if (image.empty()) throw Error(fmt::format("{}: missing or not an image", Describe(t)));
  }
  return image;
}

}  // namespace intersynth
