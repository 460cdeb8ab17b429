#pragma once
// NumPy .npy arrays in memory and on disk (format versions 1.0, 2.0 and 3.0).
//
// Supported dtypes: float32 (<f4), float64 (<f8), int32 (<i4), int64 (<i8),
// uint8 (|u1), uint32 (<u4: SMPL's kintree_table), bool (|b1) and unicode
// strings (<Uk, UTF-32 on disk, UTF-8 std::string in memory). Big-endian numeric files are
// byte-swapped on read. Arrays are held in C (row-major) order; Fortran-order files are reordered
// on read, and WriteNpy can write Fortran order on request.
//
// File layout (numpy.lib.format):
//   "\x93NUMPY" major minor  header_len (uint16 LE for 1.0, uint32 LE for 2.0/3.0)
//   header: a Python dict literal, e.g.
//     {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//   padded with spaces and ended by '\n' so that the data starts 64-byte aligned
//   (3.0 only differs in allowing UTF-8 in the header), then the raw elements.
//
// Unicode: an element of '<Uk' is k UTF-32 code points; trailing NUL code points
// are padding and are stripped on read (as NumPy does), so a string that ends
// in "\0" does not survive a round trip. On write k = max code points over the
// elements (at least 1).
//
// Any other dtype (object '|O', structured, complex, float16, int8/16, ...) is
// rejected with an Error naming the source and the descr.
//
// CONTRACT (shared by the motion and app code): names below are fixed.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

enum class NpyDType { kFloat32, kFloat64, kInt32, kInt64, kUInt8, kBool, kUnicode, kUInt32 };

/// NumPy's name for a dtype ("float32", "<U", ...), for error messages.
std::string NpyDTypeName(NpyDType dtype);

/// A shape as Python prints it: "()", "(5,)", "(3, 4)". For error messages.
std::string NpyShapeString(const std::vector<int64_t>& shape);

/// One array: dtype, shape and C-order data.
struct NpyArray {
  NpyDType dtype = NpyDType::kFloat32;
  std::vector<int64_t> shape;
  /// Numeric payload: little-endian elements of `dtype` in C order (empty for kUnicode).
  /// Bool elements are bytes 0 or 1.
  std::vector<uint8_t> data;
  /// kUnicode payload: one UTF-8 string per element, C order.
  std::vector<std::string> strings;

  /// Product of the shape (1 for a 0-d array).
  int64_t size() const;

  /// Numeric elements converted to T (any numeric dtype -> T). Throws Error for
  /// kUnicode, and for a value that T cannot hold (NaN or out of range when
  /// converting to an integer type). Converting to bool gives value != 0.
  /// Instantiated for float, double, int32_t, int64_t, uint8_t and bool.
  template <typename T>
  std::vector<T> ToVector() const;

  /// Builders. The data size must match the shape (checked).
  static NpyArray Float32(std::vector<int64_t> shape, const std::vector<float>& values);
  static NpyArray Float64(std::vector<int64_t> shape, const std::vector<double>& values);
  static NpyArray Int32(std::vector<int64_t> shape, const std::vector<int32_t>& values);
  static NpyArray Int64(std::vector<int64_t> shape, const std::vector<int64_t>& values);
  static NpyArray UInt8(std::vector<int64_t> shape, const std::vector<uint8_t>& values);
  static NpyArray Bool(std::vector<int64_t> shape, const std::vector<bool>& values);
  static NpyArray Unicode(std::vector<int64_t> shape, const std::vector<std::string>& values);
  /// A 0-d float32 scalar, as np.float32(x) saves.
  static NpyArray ScalarFloat32(float value);
};

/// Same dtype, shape and elements.
bool operator==(const NpyArray& a, const NpyArray& b);
/// Negation of ==.
inline bool operator!=(const NpyArray& a, const NpyArray& b) { return !(a == b); }

/// Options of SerializeNpy and WriteNpy.
struct NpyWriteOptions {
  /// Write in Fortran (column-major) order with fortran_order: True.
  bool fortran_order = false;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Parses .npy bytes. `source` names the file (or npz member) in errors.
NpyArray ParseNpy(std::string_view bytes, const std::string& source);
/// Serialises to .npy bytes (format 1.0, or 2.0 when the header needs more
/// than 65535 bytes). Throws Error when a unicode element is not valid UTF-8.
std::string SerializeNpy(const NpyArray& array, const NpyWriteOptions& options = {});
/// As above; `source` names the destination in errors ("clip.npz:text.npy").
std::string SerializeNpy(const NpyArray& array,
                         const NpyWriteOptions& options,
                         const std::string& source);

/// Reads a .npy file. Throws Error naming the file on any problem.
NpyArray ReadNpy(const std::filesystem::path& path);
/// Writes a .npy file atomically.
void WriteNpy(const std::filesystem::path& path,
              const NpyArray& array,
              const NpyWriteOptions& options = {});

}  // namespace intersynth
