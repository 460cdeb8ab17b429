#pragma once
// PLY point clouds (Turk 1994; the format MeshLab, CloudCompare, Open3D and
// Blender read): vertices with x, y, z and optional red, green, blue.
//
// Writing: binary_little_endian 1.0 (compact; ASCII on request), one element
//   element vertex N
//   property float x / y / z
//   property uchar red / green / blue      (when colours are given)
// Reading: ascii and binary_little_endian files whose only element, or first
// element, is `vertex`; x, y, z of type float or double and red, green, blue
// of type uchar are read, other vertex properties are skipped (any scalar
// type), and elements after the vertices (faces) are ignored. Lists in the
// vertex element and big-endian files are rejected with an Error.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace intersynth {

/// Points with optional per-point colours.
struct PlyPointCloud {
  /// [N, 3] x, y, z.
  std::vector<float> xyz;
  /// [N, 3] red, green, blue, or empty when the file has no colours.
  std::vector<uint8_t> rgb;

  int64_t size() const { return static_cast<int64_t>(xyz.size() / 3); }
};

/// Options of WritePly.
struct PlyWriteOptions {
  /// ASCII instead of binary little-endian (larger, for reading by eye).
  bool ascii = false;
  /// A comment line written into the header (e.g. the frame of the points);
  /// one line: no line break.
  std::string comment;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Writes `cloud` atomically. `cloud.rgb` must be empty or hold 3 bytes per
/// point (checked).
void WritePly(const std::filesystem::path& path,
              const PlyPointCloud& cloud,
              const PlyWriteOptions& options = {});

/// Reads a PLY point cloud (see the file comment). Throws Error naming the
/// file and the header line or vertex that is wrong.
PlyPointCloud ReadPly(const std::filesystem::path& path);

}  // namespace intersynth
