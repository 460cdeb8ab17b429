#pragma once
// Per-pixel maps of a key frame (metric depth, relative disparity, masks) and
// its colour image, as plain row-major arrays, with their file formats.
//
// Layout: values[row * width + col], row 0 at the top, col 0 at the left
// (pixel (u, v) = (col, row) in OpenCV's 0-based convention; see
// geometry/pinhole_camera.h).
//
// Validity: a metric depth is valid when it is finite and > 0 (depth is the
// camera-frame z in metres, not the ray length); a disparity is valid when it
// is finite (its scale and offset are unknown, so 0 or negative values can be
// legitimate). Invalid pixels stay in the map (as 0 or NaN) and are skipped
// by every consumer.
//
// Files (ReadDepthMap):
//   .npy  float32/float64/int32/int64/uint8, shape [H, W], [1, H, W] or
//         [H, W, 1] (what NumPy and depth networks save); values as stored,
//         times `scale`.
//   .png  16-bit (or 8-bit) single-channel PNG, e.g. NYUv2's and most RGB-D
//         sensors' depth in millimetres: metres = value * scale with scale
//         0.001 by default; 0 means "no measurement" and stays 0 (invalid).
// WriteDepthMapNpy writes float32 [H, W].

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/util/options.h"

namespace intersynth {

/// A single-channel float map of an image (depth, disparity, weights).
struct DepthMap {
  int width = 0;
  int height = 0;
  /// [height, width], row-major.
  std::vector<float> values;

  /// A map of the given size filled with `value`.
  static DepthMap Filled(int width, int height, float value);

  float at(int row, int col) const { return values[static_cast<size_t>(row) * width + col]; }
  float& at(int row, int col) { return values[static_cast<size_t>(row) * width + col]; }
  int64_t size() const { return static_cast<int64_t>(width) * height; }
  bool empty() const { return width == 0 || height == 0; }
};

/// An 8-bit RGB image (R, G, B per pixel, row-major).
struct RgbImage {
  int width = 0;
  int height = 0;
  /// [height, width, 3], row-major, R first.
  std::vector<uint8_t> rgb;

  const uint8_t* pixel(int row, int col) const {
    return rgb.data() + (static_cast<size_t>(row) * width + col) * 3;
  }
};

/// True for a usable metric depth: finite and > 0.
inline bool IsValidDepth(float z) { return z > 0.0f && z < std::numeric_limits<float>::infinity(); }

/// Options of ReadDepthMap.
struct DepthReadOptions {
  /// Multiplies every stored value (0.001 turns a millimetre PNG into metres;
  /// > 0). For .npy files the default is 1 (values as stored).
  double png_scale = 0.001;
  double npy_scale = 1.0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Reads a depth or disparity map from .npy or .png (see the file comment).
/// Throws OptionError for bad options; Error naming the file for a missing or
/// unreadable file, an unsupported extension, dtype or shape, or a
/// multi-channel PNG.
DepthMap ReadDepthMap(const std::filesystem::path& path, const DepthReadOptions& options = {});

/// Writes a map as float32 .npy [H, W], atomically.
void WriteDepthMapNpy(const std::filesystem::path& path, const DepthMap& map);

/// Reads a colour image (PNG, JPEG, anything OpenCV reads; grey images are
/// expanded to RGB, alpha dropped). Throws Error naming the file.
RgbImage ReadRgbImage(const std::filesystem::path& path);

/// Reads a mask image (PNG etc., any depth; a colour image counts a pixel as
/// set when any channel is non-zero): 1 where the pixel is non-zero, else 0,
/// as a map of 0/1 floats. Throws Error naming the file.
DepthMap ReadMask(const std::filesystem::path& path);

/// How Resample picks a target pixel's value (see there).
enum class ResampleMethod { kArea, kNearest };
inline constexpr EnumName<ResampleMethod> kResampleMethodNames[] = {
    {ResampleMethod::kArea, "area"}, {ResampleMethod::kNearest, "nearest"}};
/// "area" or "nearest".
inline std::string_view ToString(ResampleMethod method) {
  return EnumToString(method, kResampleMethodNames);
}
/// "area" or "nearest"; throws OptionError naming `field` otherwise.
inline ResampleMethod ParseResampleMethod(std::string_view text,
                                          std::string_view field = "resample") {
  return EnumFromString(text, kResampleMethodNames, field);
}

/// Resamples a map to new_width x new_height.
///   kArea:    the mean of the valid source values under each target pixel
///             (downsampling a dense prediction onto a coarser grid); a
///             target pixel with no valid source value is NaN.
///   kNearest: the source pixel whose centre is nearest (no mixing of depths
///             across object edges: no "flying pixels").
/// Pixel centres map as (u' + 0.5) = (u + 0.5) * new_width / width (as in
/// PinholeCamera::Resized). `valid` says which source values count for kArea.
DepthMap Resample(const DepthMap& map,
                  int new_width,
                  int new_height,
                  ResampleMethod method,
                  bool (*valid)(float) = nullptr);

}  // namespace intersynth
