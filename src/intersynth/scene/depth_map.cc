#include "intersynth/scene/depth_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "intersynth/io/npy.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

/// Reads any image with OpenCV as stored (bit depth and channels kept).
/// Throws Error naming the file when it is missing or not an image.
cv::Mat ReadImageUnchanged(const std::filesystem::path& path, const char* what) {
  if (!std::filesystem::exists(path))
    throw Error(fmt::format("{}: no such file ({})", path.string(), what));
  if (std::filesystem::is_directory(path))
    throw Error(fmt::format("{}: is a folder, not an image ({})", path.string(), what));
  cv::Mat image;
  try {
    image = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw Error(
        fmt::format("{}: OpenCV cannot read the image ({}): {}", path.string(), what, e.what()));
  }
  if (image.empty()) {
    throw Error(fmt::format("{}: not an image OpenCV can read ({})", path.string(), what));
  }
  return image;
}

DepthMap FromNpy(const std::filesystem::path& path, double scale) {
  const NpyArray array = ReadNpy(path);
  if (array.dtype == NpyDType::kUnicode || array.dtype == NpyDType::kBool) {
    throw Error(fmt::format("{}: a depth map must hold numbers, got dtype {}", path.string(),
                            NpyDTypeName(array.dtype)));
  }
  // [H, W], [1, H, W] or [H, W, 1].
  std::vector<int64_t> shape = array.shape;
  if (shape.size() == 3 && shape[0] == 1)
    shape.erase(shape.begin());
  else if (shape.size() == 3 && shape[2] == 1)
    shape.pop_back();
  if (shape.size() != 2 || shape[0] < 1 || shape[1] < 1) {
    throw Error(
        fmt::format("{}: a depth map must have shape (H, W), (1, H, W) or (H, W, 1), got {}",
                    path.string(), NpyShapeString(array.shape)));
  }
  DepthMap map;
  map.height = static_cast<int>(shape[0]);
  map.width = static_cast<int>(shape[1]);
  const std::vector<double> values = array.ToVector<double>();
  map.values.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) map.values[i] = static_cast<float>(values[i] * scale);
  return map;
}

DepthMap FromPng(const std::filesystem::path& path, double scale) {
  const cv::Mat image = ReadImageUnchanged(path, "depth map");
  if (image.channels() != 1) {
    throw Error(
        fmt::format("{}: a depth PNG must have one channel (16-bit millimetres), got {} channels",
                    path.string(), image.channels()));
  }
  cv::Mat as_float;
  image.convertTo(as_float, CV_32F, scale);
  DepthMap map;
  map.width = as_float.cols;
  map.height = as_float.rows;
  map.values.assign(as_float.ptr<float>(0), as_float.ptr<float>(0) + map.size());
  return map;
}

}  // namespace

DepthMap DepthMap::Filled(int width, int height, float value) {
  INTERSYNTH_CHECK(width >= 0 && height >= 0) << "DepthMap of size " << width << "x" << height;
  DepthMap map;
  map.width = width;
  map.height = height;
  map.values.assign(static_cast<size_t>(width) * height, value);
  return map;
}

void DepthReadOptions::Check() const {
  CheckPositive(png_scale, "png_scale");
  CheckFinite(png_scale, "png_scale");
  CheckPositive(npy_scale, "npy_scale");
  CheckFinite(npy_scale, "npy_scale");
}

DepthMap ReadDepthMap(const std::filesystem::path& path, const DepthReadOptions& options) {
  options.Check();
  const std::string extension = LowerExtension(path);
  if (extension == "npy") return FromNpy(path, options.npy_scale);
  if (extension == "png") return FromPng(path, options.png_scale);
  throw Error(fmt::format(
      "{}: unsupported depth map format '.{}' (expected .npy, or a 16-bit .png in millimetres)",
      path.string(), extension));
}

void WriteDepthMapNpy(const std::filesystem::path& path, const DepthMap& map) {
  WriteNpy(path, NpyArray::Float32({map.height, map.width}, map.values));
}

RgbImage ReadRgbImage(const std::filesystem::path& path) {
  cv::Mat image = ReadImageUnchanged(path, "colour image");
  if (image.depth() != CV_8U) {
    cv::Mat scaled;
    image.convertTo(scaled, CV_8U, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    image = scaled;
  }
  cv::Mat rgb;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(image, rgb, cv::COLOR_BGRA2RGB);
      break;
    default:
      throw Error(fmt::format("{}: a colour image needs 1, 3 or 4 channels, got {}", path.string(),
                              image.channels()));
  }
  RgbImage out;
  out.width = rgb.cols;
  out.height = rgb.rows;
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int row = 0; row < rgb.rows; ++row) {
    std::copy(rgb.ptr<uint8_t>(row), rgb.ptr<uint8_t>(row) + out.width * 3,
              out.rgb.data() + static_cast<size_t>(row) * out.width * 3);
  }
  return out;
}

DepthMap ReadMask(const std::filesystem::path& path) {
  const cv::Mat image = ReadImageUnchanged(path, "mask");
  DepthMap mask = DepthMap::Filled(image.cols, image.rows, 0.0f);
  cv::Mat as_float;
  image.convertTo(as_float, CV_32F);
  const int channels = as_float.channels();
  for (int row = 0; row < as_float.rows; ++row) {
    const float* line = as_float.ptr<float>(row);
    for (int col = 0; col < as_float.cols; ++col) {
      bool set = false;
      for (int c = 0; c < channels; ++c) set = set || line[col * channels + c] != 0.0f;
      mask.at(row, col) = set ? 1.0f : 0.0f;
    }
  }
  return mask;
}

DepthMap Resample(const DepthMap& map,
                  int new_width,
                  int new_height,
                  ResampleMethod method,
                  bool (*valid)(float)) {
  INTERSYNTH_CHECK(new_width > 0 && new_height > 0 && !map.empty())
      << "Resample " << map.width << "x" << map.height << " to " << new_width << "x" << new_height;
  DepthMap out = DepthMap::Filled(new_width, new_height, 0.0f);
  const double sx = static_cast<double>(map.width) / new_width;
  const double sy = static_cast<double>(map.height) / new_height;
  if (method == ResampleMethod::kNearest) {
    // Target centre u' + 0.5 maps to source position (u' + 0.5) * sx; its pixel is floor of that.
    for (int row = 0; row < new_height; ++row) {
      const int src_row = std::min(map.height - 1, static_cast<int>((row + 0.5) * sy));
      for (int col = 0; col < new_width; ++col) {
        const int src_col = std::min(map.width - 1, static_cast<int>((col + 0.5) * sx));
        out.at(row, col) = map.at(src_row, src_col);
      }
    }
    return out;
  }
  // Area: the target pixel covers [u' sx, (u' + 1) sx) of the source; each
  // source pixel counts with the length of its overlap in x times in y.
  for (int row = 0; row < new_height; ++row) {
    const double y0 = row * sy, y1 = (row + 1) * sy;
    for (int col = 0; col < new_width; ++col) {
      const double x0 = col * sx, x1 = (col + 1) * sx;
      double sum = 0.0, weight = 0.0;
      for (int r = static_cast<int>(y0); r < std::min<double>(map.height, std::ceil(y1)); ++r) {
        const double wy = std::min<double>(r + 1, y1) - std::max<double>(r, y0);
        if (wy <= 0.0) continue;
        for (int c = static_cast<int>(x0); c < std::min<double>(map.width, std::ceil(x1)); ++c) {
          const double wx = std::min<double>(c + 1, x1) - std::max<double>(c, x0);
          const float v = map.at(r, c);
          if (wx <= 0.0 || !std::isfinite(v) || (valid != nullptr && !valid(v))) continue;
          sum += wx * wy * v;
          weight += wx * wy;
        }
      }
      out.at(row, col) =
          weight > 0.0 ? static_cast<float>(sum / weight) : std::numeric_limits<float>::quiet_NaN();
    }
  }
  return out;
}

}  // namespace intersynth
