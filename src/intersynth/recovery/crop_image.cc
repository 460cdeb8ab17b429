#include "intersynth/recovery/crop_image.h"

#include <fmt/format.h>

#include <opencv2/imgproc.hpp>

#include "intersynth/util/error.h"

namespace intersynth {

RgbCrop CutPersonCrop(const cv::Mat& bgr, const PersonCrop& crop, int size) {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    throw Error(
        fmt::format("a person crop needs an 8-bit 3-channel image, got {} channels of {} "
                    "bytes ({}x{})",
                    bgr.channels(), bgr.elemSize1(), bgr.cols, bgr.rows));
  if (size < 1) throw Error(fmt::format("crop size must be >= 1, got {}", size));
  if (!(crop.size > 0.0)) throw Error(fmt::format("crop side must be > 0, got {}", crop.size));
  // Output pixel (x, y) samples frame pixel (c + (x - half) b / S): the
  // inverse of the warp below, which maps frame to output.
  const double scale = size / crop.size;
  const double half = 0.5 * (size - 1);
  const cv::Mat warp = (cv::Mat_<double>(2, 3) << scale, 0.0, half - scale * crop.center_x, 0.0,
                        scale, half - scale * crop.center_y);
  cv::Mat resampled, rgb;
  cv::warpAffine(bgr, resampled, warp, cv::Size(size, size), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar(0, 0, 0));
  cv::cvtColor(resampled, rgb, cv::COLOR_BGR2RGB);
  RgbCrop out;
  out.size = size;
  out.rgb.assign(rgb.data, rgb.data + static_cast<size_t>(size) * size * 3);
  return out;
}

}  // namespace intersynth
