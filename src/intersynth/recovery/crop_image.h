#pragma once
// Cutting a person's crop (crop_camera.h) out of a frame as a pose
// regressor takes it (pose_regression.h).
//
// The crop of side b centred at (c_x, c_y) is resampled to S x S pixels by
// the affine map of output pixel (x, y) to frame pixel
//   u = c_x + (x - (S - 1) / 2) b / S,   v = c_y + (y - (S - 1) / 2) b / S
// (so the crop's centre is the output's centre), bilinear, black outside
// the frame; BGR frames (OpenCV's order) become RGB crops.

#include <opencv2/core.hpp>

#include "intersynth/recovery/crop_camera.h"
#include "intersynth/recovery/pose_regression.h"

namespace intersynth {

/// The crop `crop` of `bgr` (8-bit, 3 channels) resized to `size` x `size`,
/// RGB. Throws Error for an image that is not 8-bit BGR, a size below 1 or
/// a crop of non-positive size.
RgbCrop CutPersonCrop(const cv::Mat& bgr, const PersonCrop& crop, int size);

}  // namespace intersynth
