#pragma once
// The .npy dtype table, preamble and header dict, internal to the io module:
// npy_header.cc reads and writes the preamble and header, npy.cc handles the
// payload that follows; both take dtype facts from kNpyDTypes.
//
// Layout (numpy.lib.format; see npy.h):
//   "\x93NUMPY" major minor header_len header
//   header_len: uint16 LE for 1.0, uint32 LE for 2.0 / 3.0 (3.0: UTF-8 header)
//   header:     {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//               space-padded and ended by '\n' so that the payload starts on a
//               64-byte boundary.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/io/npy.h"

namespace intersynth::internal {

/// What the io module knows about one dtype, kept in one table (kNpyDTypes)
/// so that names, descrs and sizes cannot drift apart.
struct NpyDTypeInfo {
  NpyDType dtype;
  const char* name;  ///< NumPy's name, for messages ("float32"; "<U" for unicode)
  /// The descr the writer uses: little-endian '<' for multi-byte numbers, '|'
  /// (no byte order) for single bytes; "<U" takes the length k after it.
  /// descr[1] is the kind letter the reader matches ('f', 'i', 'u', 'b', 'U').
  const char* descr;
  size_t item_size;  ///< bytes per element; 0 for unicode, whose size is 4 * k
};

/// Every supported dtype, in NpyDType order.
inline constexpr NpyDTypeInfo kNpyDTypes[] = {
    {NpyDType::kFloat32, "float32", "<f4", 4}, {NpyDType::kFloat64, "float64", "<f8", 8},
    {NpyDType::kInt32, "int32", "<i4", 4},     {NpyDType::kInt64, "int64", "<i8", 8},
    {NpyDType::kUInt8, "uint8", "|u1", 1},     {NpyDType::kBool, "bool", "|b1", 1},
    {NpyDType::kUnicode, "<U", "<U", 0},       {NpyDType::kUInt32, "uint32", "<u4", 4},
};

/// The table row of `dtype`; null for a value outside the enum.
inline const NpyDTypeInfo* FindNpyDType(NpyDType dtype) {
  for (const NpyDTypeInfo& info : kNpyDTypes) {
    if (info.dtype == dtype) return &info;
  }
  return nullptr;
}

/// What the header says about the payload.
struct NpyLayout {
  NpyDType dtype = NpyDType::kFloat32;
  size_t item_size = 0;     ///< bytes per element on disk (4 * k for '<Uk')
  bool big_endian = false;  ///< the payload's words of `swap_unit` bytes need swapping
  size_t swap_unit = 0;     ///< 4 for unicode (UTF-32 code units), else item_size
  bool fortran_order = false;
  std::vector<int64_t> shape;  ///< every dim >= 0
  size_t data_offset = 0;      ///< where the payload starts in the file's bytes
};

/// Reads the preamble (magic, version, header length) and the header dict of
/// .npy bytes. Throws Error naming `source` for a bad magic, an unsupported
/// version, a truncated header, a malformed dict or an unsupported descr. The
/// payload itself is not checked.
NpyLayout ParseNpyHeader(std::string_view bytes, const std::string& source);

/// The descr NumPy writes for `dtype`: "<f4", "<f8", "<i4", "<i8", "|u1",
/// "|b1", or "<U<unicode_length>" for kUnicode (the length is ignored for the
/// other dtypes).
std::string NpyDescr(NpyDType dtype, size_t unicode_length);

/// Preamble and padded header for a payload of `descr` elements in `shape`:
/// format 1.0, or 2.0 when the header does not fit 1.0's 16-bit length. The
/// result's size is a multiple of 64, so the payload can follow directly.
std::string FormatNpyHeader(std::string_view descr,
                            bool fortran_order,
                            const std::vector<int64_t>& shape);

/// The unsigned little-endian integer in bytes p[0 .. bytes-1] (bytes <= 4).
inline uint32_t ReadLittleEndian(const unsigned char* p, int bytes) {
  uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
}

}  // namespace intersynth::internal
