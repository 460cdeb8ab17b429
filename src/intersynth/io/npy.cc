#include "intersynth/io/npy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "intersynth/io/npy_internal.h"
#include "intersynth/io/utf8.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

// The in-memory payload is little-endian and is reinterpreted with memcpy, so
// the host must be little-endian too (x86-64, AArch64).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "intersynth assumes a little-endian host");

namespace intersynth {
namespace {

using internal::AppendUtf8;
using internal::DecodeUtf8;
using internal::IsValidCodePoint;
using internal::ReadLittleEndian;

// ---------------------------------------------------------------------------
// Small helpers.

// Bytes per element of a numeric dtype (0 for kUnicode, whose size depends on k).
size_t NumericItemSize(NpyDType dtype) {
  const internal::NpyDTypeInfo* info = internal::FindNpyDType(dtype);
  return info != nullptr ? info->item_size : 0;
}

// Product of the dims; -1 when it overflows int64. A zero dim anywhere gives 0
// even when the other dims are huge.
int64_t CheckedCount(const std::vector<int64_t>& shape) {
  for (int64_t d : shape) {
    if (d == 0) return 0;
  }
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || count > std::numeric_limits<int64_t>::max() / d) return -1;
    count *= d;
  }
  return count;
}

// Calls fn(c_index, f_index) for every element, where c_index is its position
// in C (row-major) order and f_index its position in Fortran (column-major)
// order. For shape (d0, ..., dn-1) and index (i0, ..., in-1):
//   c_index = ((i0 * d1 + i1) * d2 + i2) ...        (last axis fastest)
//   f_index = i0 + d0 * (i1 + d1 * (i2 + ...))      (first axis fastest)
// The loop walks C order with an odometer and updates f_index incrementally.
template <typename Fn>
void ForEachCAndFortranIndex(const std::vector<int64_t>& shape, Fn&& fn) {
  const int64_t count = CheckedCount(shape);
  if (count <= 0) return;
  const size_t n = shape.size();
  // 0-d and 1-d arrays read the same in both orders.
  if (n <= 1) {
    for (int64_t i = 0; i < count; ++i) fn(i, i);
    return;
  }
  std::vector<int64_t> f_stride(n);
  f_stride[0] = 1;
  for (size_t k = 1; k < n; ++k) f_stride[k] = f_stride[k - 1] * shape[k - 1];
  std::vector<int64_t> index(n, 0);
  int64_t f = 0;
  for (int64_t c = 0; c < count; ++c) {
    fn(c, f);
    for (size_t k = n; k-- > 0;) {
      if (++index[k] < shape[k]) {
        f += f_stride[k];
        break;
      }
      index[k] = 0;
      f -= (shape[k] - 1) * f_stride[k];
    }
  }
}

// Copies elements of `item_size` bytes between C and Fortran order.
// to_c = true: src is Fortran order, dst C order; false: the reverse.
void ReorderBytes(const uint8_t* src,
                  uint8_t* dst,
                  const std::vector<int64_t>& shape,
                  size_t item_size,
                  bool to_c) {
  // Fixed-size memcpy compiles to one load/store; dispatch on the common sizes.
  auto run = [&](auto size_constant) {
    constexpr size_t kSize = decltype(size_constant)::value;
    const size_t size = kSize != 0 ? kSize : item_size;
    ForEachCAndFortranIndex(shape, [&](int64_t c, int64_t f) {
      const int64_t from = to_c ? f : c;
      const int64_t to = to_c ? c : f;
      std::memcpy(dst + to * size, src + from * size, size);
    });
  };
  switch (item_size) {
    case 1:
      run(std::integral_constant<size_t, 1>());
      break;
    case 4:
      run(std::integral_constant<size_t, 4>());
      break;
    case 8:
      run(std::integral_constant<size_t, 8>());
      break;
    default:
      run(std::integral_constant<size_t, 0>());
      break;
  }
}

// Reverses the byte order of every `unit`-byte word in place.
void SwapBytes(uint8_t* data, size_t size, size_t unit) {
  if (unit <= 1) return;
  for (size_t i = 0; i + unit <= size; i += unit) std::reverse(data + i, data + i + unit);
}

// Converts the raw elements of one numeric dtype to T with range checks.
template <typename T, typename S>
void ConvertElements(const std::vector<uint8_t>& data, NpyDType dtype, std::vector<T>* out) {
  const size_t count = data.size() / sizeof(S);
  out->resize(count);
  // Same type: the payload is already T in memory.
  if constexpr (std::is_same_v<T, S> && !std::is_same_v<T, bool>) {
    if (count > 0) std::memcpy(out->data(), data.data(), count * sizeof(T));
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    S s;
    std::memcpy(&s, data.data() + i * sizeof(S), sizeof(S));
    T t;
    if constexpr (std::is_same_v<T, bool>) {
      t = s != S(0);
    } else if constexpr (std::is_floating_point_v<T>) {
      // double -> float outside float's range is undefined behaviour in C++:
      // give the infinity IEEE rounding would give.
      if constexpr (std::is_same_v<T, float> && std::is_same_v<S, double>) {
        if (std::isfinite(s) && std::fabs(s) > std::numeric_limits<float>::max()) {
          t = s > 0 ? std::numeric_limits<float>::infinity()
                    : -std::numeric_limits<float>::infinity();
        } else {
          t = static_cast<T>(s);
        }
      } else {
        t = static_cast<T>(s);
      }
    } else {
      // Integer target: reject what it cannot hold instead of wrapping.
      bool fits;
      if constexpr (std::is_floating_point_v<S>) {
        // [lo, hi + 1) is exact in double for every integer type used here.
        const double lo = static_cast<double>(std::numeric_limits<T>::min());
        const double hi_exclusive = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
        fits =
            !std::isnan(s) && static_cast<double>(s) >= lo && static_cast<double>(s) < hi_exclusive;
      } else if constexpr (std::is_same_v<S, bool>) {
        fits = true;
      } else {
        fits = static_cast<int64_t>(s) >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
               static_cast<int64_t>(s) <= static_cast<int64_t>(std::numeric_limits<T>::max());
      }
      if (!fits) {
        throw Error(
            fmt::format("cannot convert element {} of a {} array (value {}) to {}: out "
                        "of range",
                        i, NpyDTypeName(dtype), s,
                        std::is_same_v<T, uint8_t>   ? "uint8"
                        : std::is_same_v<T, int32_t> ? "int32"
                                                     : "int64"));
      }
      t = static_cast<T>(s);
    }
    (*out)[i] = t;
  }
}

template <typename T>
NpyArray MakeNumeric(NpyDType dtype, std::vector<int64_t> shape, const std::vector<T>& values) {
  const int64_t count = CheckedCount(shape);
  INTERSYNTH_CHECK(count >= 0) << "invalid shape " << NpyShapeString(shape);
  INTERSYNTH_CHECK(static_cast<int64_t>(values.size()) == count)
      << NpyShapeString(shape) << " needs " << count << " values, got " << values.size();
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.data.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(array.data.data(), values.data(), array.data.size());
  return array;
}

}  // namespace

// ---------------------------------------------------------------------------
// NpyArray.

std::string NpyDTypeName(NpyDType dtype) {
  const internal::NpyDTypeInfo* info = internal::FindNpyDType(dtype);
  return info != nullptr ? info->name : "unknown";
}

std::string NpyShapeString(const std::vector<int64_t>& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

int64_t NpyArray::size() const {
  const int64_t count = CheckedCount(shape);
  INTERSYNTH_CHECK(count >= 0) << "invalid shape " << NpyShapeString(shape);
  return count;
}

template <typename T>
std::vector<T> NpyArray::ToVector() const {
  std::vector<T> out;
  switch (dtype) {
    case NpyDType::kFloat32:
      ConvertElements<T, float>(data, dtype, &out);
      break;
    case NpyDType::kFloat64:
      ConvertElements<T, double>(data, dtype, &out);
      break;
    case NpyDType::kInt32:
      ConvertElements<T, int32_t>(data, dtype, &out);
      break;
    case NpyDType::kInt64:
      ConvertElements<T, int64_t>(data, dtype, &out);
      break;
    case NpyDType::kUInt8:
      ConvertElements<T, uint8_t>(data, dtype, &out);
      break;
    case NpyDType::kUInt32:
      ConvertElements<T, uint32_t>(data, dtype, &out);
      break;
    case NpyDType::kBool:
      ConvertElements<T, bool>(data, dtype, &out);
      break;
    case NpyDType::kUnicode:
      throw Error(fmt::format("a unicode array of shape {} holds strings, not numbers",
                              NpyShapeString(shape)));
  }
  return out;
}

template std::vector<float> NpyArray::ToVector<float>() const;
template std::vector<double> NpyArray::ToVector<double>() const;
template std::vector<int32_t> NpyArray::ToVector<int32_t>() const;
template std::vector<int64_t> NpyArray::ToVector<int64_t>() const;
template std::vector<uint8_t> NpyArray::ToVector<uint8_t>() const;
template std::vector<bool> NpyArray::ToVector<bool>() const;

NpyArray NpyArray::Float32(std::vector<int64_t> shape, const std::vector<float>& values) {
  return MakeNumeric(NpyDType::kFloat32, std::move(shape), values);
}
NpyArray NpyArray::Float64(std::vector<int64_t> shape, const std::vector<double>& values) {
  return MakeNumeric(NpyDType::kFloat64, std::move(shape), values);
}
NpyArray NpyArray::Int32(std::vector<int64_t> shape, const std::vector<int32_t>& values) {
  return MakeNumeric(NpyDType::kInt32, std::move(shape), values);
}
NpyArray NpyArray::Int64(std::vector<int64_t> shape, const std::vector<int64_t>& values) {
  return MakeNumeric(NpyDType::kInt64, std::move(shape), values);
}
NpyArray NpyArray::UInt8(std::vector<int64_t> shape, const std::vector<uint8_t>& values) {
  return MakeNumeric(NpyDType::kUInt8, std::move(shape), values);
}
NpyArray NpyArray::Bool(std::vector<int64_t> shape, const std::vector<bool>& values) {
  // std::vector<bool> is packed: store one 0/1 byte per element.
  std::vector<uint8_t> bytes(values.begin(), values.end());
  return MakeNumeric(NpyDType::kBool, std::move(shape), bytes);
}
NpyArray NpyArray::Unicode(std::vector<int64_t> shape, const std::vector<std::string>& values) {
  const int64_t count = CheckedCount(shape);
  INTERSYNTH_CHECK(count >= 0) << "invalid shape " << NpyShapeString(shape);
  INTERSYNTH_CHECK(static_cast<int64_t>(values.size()) == count)
      << NpyShapeString(shape) << " needs " << count << " strings, got " << values.size();
  NpyArray array;
  array.dtype = NpyDType::kUnicode;
  array.shape = std::move(shape);
  array.strings = values;
  return array;
}
NpyArray NpyArray::ScalarFloat32(float value) { return Float32({}, {value}); }

bool operator==(const NpyArray& a, const NpyArray& b) {
  return a.dtype == b.dtype && a.shape == b.shape && a.data == b.data && a.strings == b.strings;
}

// ---------------------------------------------------------------------------
// Parsing.

NpyArray ParseNpy(std::string_view bytes, const std::string& source) {
  // Preamble and header dict (npy_header.cc), then the payload.
  const internal::NpyLayout layout = internal::ParseNpyHeader(bytes, source);

  // Payload size, guarding against shapes whose byte count overflows.
  const int64_t count = CheckedCount(layout.shape);
  const size_t available = bytes.size() - layout.data_offset;
  if (count < 0 ||
      (layout.item_size != 0 &&
       static_cast<uint64_t>(count) > std::numeric_limits<uint64_t>::max() / layout.item_size)) {
    throw Error(fmt::format("{}: shape {} is too large", source, NpyShapeString(layout.shape)));
  }
  const uint64_t expected = static_cast<uint64_t>(count) * layout.item_size;
  if (available < expected) {
    throw Error(fmt::format("{}: truncated data: expected {} bytes of data, found {}", source,
                            expected, available));
  }
  // Trailing bytes after the payload are ignored, as np.load does.
  const auto* payload = reinterpret_cast<const unsigned char*>(bytes.data()) + layout.data_offset;

  NpyArray array;
  array.dtype = layout.dtype;
  array.shape = layout.shape;
  std::vector<uint8_t> elements(payload, payload + expected);
  if (layout.big_endian) SwapBytes(elements.data(), elements.size(), layout.swap_unit);
  if (layout.fortran_order && layout.shape.size() > 1 && count > 0) {
    std::vector<uint8_t> reordered(elements.size());
    ReorderBytes(elements.data(), reordered.data(), layout.shape, layout.item_size,
                 /*to_c=*/true);
    elements.swap(reordered);
  }

  if (layout.dtype == NpyDType::kUnicode) {
    // UTF-32LE -> UTF-8, dropping the trailing NUL padding of each element.
    const size_t k = layout.item_size / 4;
    array.strings.resize(static_cast<size_t>(count));
    for (int64_t e = 0; e < count; ++e) {
      const uint8_t* element = elements.data() + e * layout.item_size;
      size_t length = k;
      while (length > 0 && ReadLittleEndian(element + (length - 1) * 4, 4) == 0) --length;
      std::string& text = array.strings[e];
      text.reserve(length);
      for (size_t j = 0; j < length; ++j) {
        const uint32_t cp = ReadLittleEndian(element + j * 4, 4);
        if (!IsValidCodePoint(cp)) {
          throw Error(fmt::format("{}: unicode element {} holds an invalid code point 0x{:X}",
                                  source, e, cp));
        }
        AppendUtf8(static_cast<char32_t>(cp), &text);
      }
    }
  } else {
    // Bools are stored as 0/1 so that equal arrays compare equal byte for byte.
    if (layout.dtype == NpyDType::kBool) {
      for (uint8_t& b : elements) b = b != 0;
    }
    array.data = std::move(elements);
  }
  return array;
}

// ---------------------------------------------------------------------------
// Serialising.

std::string SerializeNpy(const NpyArray& array, const NpyWriteOptions& options) {
  return SerializeNpy(array, options, "npy array");
}

void NpyWriteOptions::Check() const {
  // Every value of every field is valid.
}

std::string SerializeNpy(const NpyArray& array,
                         const NpyWriteOptions& options,
                         const std::string& source) {
  options.Check();
  const int64_t count = array.size();
  const bool unicode = array.dtype == NpyDType::kUnicode;
  if (unicode) {
    INTERSYNTH_CHECK(static_cast<int64_t>(array.strings.size()) == count)
        << "shape " << NpyShapeString(array.shape) << " needs " << count << " strings, holds "
        << array.strings.size();
  } else {
    INTERSYNTH_CHECK(static_cast<int64_t>(array.data.size()) ==
                     count * static_cast<int64_t>(NumericItemSize(array.dtype)))
        << "shape " << NpyShapeString(array.shape) << " of " << NpyDTypeName(array.dtype)
        << " needs " << count * static_cast<int64_t>(NumericItemSize(array.dtype))
        << " bytes, holds " << array.data.size();
  }

  // Unicode: decode every element first; k = the longest element, at least 1.
  std::vector<std::vector<char32_t>> code_points;
  size_t k = 1;
  if (unicode) {
    code_points.resize(array.strings.size());
    for (size_t e = 0; e < array.strings.size(); ++e) {
      if (!DecodeUtf8(array.strings[e], &code_points[e])) {
        throw Error(fmt::format("{}: unicode element {} is not valid UTF-8", source, e));
      }
      k = std::max(k, code_points[e].size());
    }
  }
  const size_t item_size = unicode ? 4 * k : NumericItemSize(array.dtype);
  std::string out = internal::FormatNpyHeader(internal::NpyDescr(array.dtype, k),
                                              options.fortran_order, array.shape);
  const size_t payload_size = static_cast<size_t>(count) * item_size;

  // Payload. Numeric C order is one copy; Fortran order permutes elements.
  const size_t data_start = out.size();
  out.resize(data_start + payload_size, '\0');
  auto* dst = reinterpret_cast<uint8_t*>(out.data() + data_start);
  const bool reorder = options.fortran_order && array.shape.size() > 1;
  if (unicode) {
    // UTF-32LE code points, NUL-padded to k per element.
    ForEachCAndFortranIndex(array.shape, [&](int64_t c, int64_t f) {
      uint8_t* element = dst + (reorder ? f : c) * item_size;
      const std::vector<char32_t>& cps = code_points[c];
      for (size_t j = 0; j < cps.size(); ++j) {
        const uint32_t cp = cps[j];
        for (int b = 0; b < 4; ++b) element[j * 4 + b] = static_cast<uint8_t>(cp >> (8 * b));
      }
    });
  } else if (reorder) {
    ReorderBytes(array.data.data(), dst, array.shape, item_size, /*to_c=*/false);
  } else if (payload_size > 0) {
    std::memcpy(dst, array.data.data(), payload_size);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Files.

NpyArray ReadNpy(const std::filesystem::path& path) {
  return ParseNpy(ReadFileToString(path), path.string());
}

void WriteNpy(const std::filesystem::path& path,
              const NpyArray& array,
              const NpyWriteOptions& options) {
  WriteFileAtomic(path, SerializeNpy(array, options, path.string()));
}

}  // namespace intersynth
