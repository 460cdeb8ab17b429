#include "intersynth/io/npy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

// The in-memory payload is little-endian and is reinterpreted with memcpy, so
// the host must be little-endian too (x86-64, AArch64).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "intersynth assumes a little-endian host");

namespace intersynth {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// NumPy aligns the start of the data to 64 bytes (numpy.lib.format.ARRAY_ALIGN).
constexpr size_t kAlign = 64;

// ---------------------------------------------------------------------------
// Small helpers.

// Bytes per element of a numeric dtype (0 for kUnicode, whose size depends on k).
size_t NumericItemSize(NpyDType dtype) {
  switch (dtype) {
    case NpyDType::kFloat32:
    case NpyDType::kInt32:
      return 4;
    case NpyDType::kFloat64:
    case NpyDType::kInt64:
      return 8;
    case NpyDType::kUInt8:
    case NpyDType::kBool:
      return 1;
    case NpyDType::kUnicode:
      return 0;
  }
  return 0;
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

// Header text for error messages: printable, and cut when long.
std::string QuoteHeader(std::string_view header) {
  std::string out;
  for (char c : header.substr(0, 200)) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (header.size() > 200) out += "...";
  return "\"" + out + "\"";
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

// ---------------------------------------------------------------------------
// UTF-8 <-> code points.

// Appends the UTF-8 encoding of a valid code point.
void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsValidCodePoint(uint32_t cp) { return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

// Decodes UTF-8 into code points. Rejects truncated sequences, overlong
// encodings, surrogates and values above U+10FFFF; returns false then.
bool DecodeUtf8(std::string_view text, std::vector<char32_t>* out) {
  out->clear();
  size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra;
    uint32_t cp;
    uint32_t min_cp;
    if (b0 < 0x80) {
      out->push_back(b0);
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      extra = 1, cp = b0 & 0x1F, min_cp = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2, cp = b0 & 0x0F, min_cp = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3, cp = b0 & 0x07, min_cp = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min_cp || !IsValidCodePoint(cp)) return false;
    out->push_back(cp);
    i += extra + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------
// The header dict: a Python literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// parsed by a small recursive-descent parser that accepts any key order,
// either quote style, extra spaces, trailing commas and Python 2 'L' suffixes.

struct PyValue {
  enum class Kind { kString, kInt, kBool, kNone, kTuple, kList, kDict };
  Kind kind = Kind::kNone;
  std::string text;               // kString
  int64_t integer = 0;            // kInt
  bool boolean = false;           // kBool
  std::vector<PyValue> items;     // kTuple, kList, kDict values
  std::vector<std::string> keys;  // kDict keys (string keys only)
  std::string_view raw;           // the literal as written, for messages
};

class HeaderParser {
 public:
  HeaderParser(std::string_view header, const std::string& source)
      : header_(header), source_(source) {}

  // Parses the whole header as one dict.
  PyValue ParseTopLevel() {
    SkipSpace();
    if (!Peek('{')) Fail("expected '{' at the start");
    PyValue dict = ParseValue(0);
    SkipSpace();
    if (pos_ != header_.size()) Fail("unexpected text after the closing '}'");
    return dict;
  }

  [[noreturn]] void Fail(const std::string& why) const {
    throw Error(fmt::format("{}: bad npy header dict: {} (at offset {} of {})", source_, why, pos_,
                            QuoteHeader(header_)));
  }

 private:
  static constexpr int kMaxDepth = 32;

  void SkipSpace() {
    while (pos_ < header_.size() && (header_[pos_] == ' ' || header_[pos_] == '\t' ||
                                     header_[pos_] == '\n' || header_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Peek(char c) const { return pos_ < header_.size() && header_[pos_] == c; }
  bool StartsWithWord(std::string_view word) const {
    if (header_.compare(pos_, word.size(), word) != 0) return false;
    const size_t end = pos_ + word.size();
    return end >= header_.size() ||
           !(std::isalnum(static_cast<unsigned char>(header_[end])) || header_[end] == '_');
  }

  PyValue ParseValue(int depth) {
    if (depth > kMaxDepth) Fail("nesting too deep");
    SkipSpace();
    if (pos_ >= header_.size()) Fail("unexpected end");
    const size_t start = pos_;
    PyValue value;
    const char c = header_[pos_];
    if (c == '\'' || c == '"' ||
        ((c == 'u' || c == 'b') && pos_ + 1 < header_.size() &&
         (header_[pos_ + 1] == '\'' || header_[pos_ + 1] == '"'))) {
      value.kind = PyValue::Kind::kString;
      value.text = ParseString();
    } else if (c == '-' || c == '+' || std::isdigit(static_cast<unsigned char>(c))) {
      value.kind = PyValue::Kind::kInt;
      value.integer = ParseInt();
    } else if (StartsWithWord("True") || StartsWithWord("False")) {
      value.kind = PyValue::Kind::kBool;
      value.boolean = header_[pos_] == 'T';
      pos_ += value.boolean ? 4 : 5;
    } else if (StartsWithWord("None")) {
      value.kind = PyValue::Kind::kNone;
      pos_ += 4;
    } else if (c == '(' || c == '[') {
      value.kind = c == '(' ? PyValue::Kind::kTuple : PyValue::Kind::kList;
      ++pos_;
      value.items = ParseSequence(c == '(' ? ')' : ']', depth);
    } else if (c == '{') {
      value.kind = PyValue::Kind::kDict;
      ++pos_;
      ParseDictBody(&value, depth);
    } else {
      Fail(fmt::format("unexpected character '{}'", c));
    }
    value.raw = header_.substr(start, pos_ - start);
    return value;
  }

  std::string ParseString() {
    if (header_[pos_] == 'u' || header_[pos_] == 'b') ++pos_;
    const char quote = header_[pos_++];
    std::string text;
    while (true) {
      if (pos_ >= header_.size()) Fail("unterminated string");
      const char c = header_[pos_++];
      if (c == quote) break;
      if (c == '\\') {
        if (pos_ >= header_.size()) Fail("unterminated string");
        text += header_[pos_++];
      } else {
        text += c;
      }
    }
    return text;
  }

  int64_t ParseInt() {
    bool negative = false;
    if (header_[pos_] == '-' || header_[pos_] == '+') negative = header_[pos_++] == '-';
    if (pos_ >= header_.size() || !std::isdigit(static_cast<unsigned char>(header_[pos_]))) {
      Fail("expected a digit");
    }
    int64_t value = 0;
    while (pos_ < header_.size() && std::isdigit(static_cast<unsigned char>(header_[pos_]))) {
      const int digit = header_[pos_++] - '0';
      if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) Fail("integer too large");
      value = value * 10 + digit;
    }
    // Python 2 longs: (3L, 4L).
    if (pos_ < header_.size() && (header_[pos_] == 'L' || header_[pos_] == 'l')) ++pos_;
    return negative ? -value : value;
  }

  // Items up to `close`, comma separated, trailing comma allowed.
  std::vector<PyValue> ParseSequence(char close, int depth) {
    std::vector<PyValue> items;
    while (true) {
      SkipSpace();
      if (Peek(close)) {
        ++pos_;
        return items;
      }
      items.push_back(ParseValue(depth + 1));
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
      } else if (!Peek(close)) {
        Fail(fmt::format("expected ',' or '{}'", close));
      }
    }
  }

  void ParseDictBody(PyValue* dict, int depth) {
    while (true) {
      SkipSpace();
      if (Peek('}')) {
        ++pos_;
        return;
      }
      PyValue key = ParseValue(depth + 1);
      if (key.kind != PyValue::Kind::kString) Fail("dict keys must be strings");
      if (std::find(dict->keys.begin(), dict->keys.end(), key.text) != dict->keys.end()) {
        Fail(fmt::format("duplicate key '{}'", key.text));
      }
      SkipSpace();
      if (!Peek(':')) Fail("expected ':' after a key");
      ++pos_;
      dict->keys.push_back(key.text);
      dict->items.push_back(ParseValue(depth + 1));
      SkipSpace();
      if (Peek(',')) {
        ++pos_;
      } else if (!Peek('}')) {
        Fail("expected ',' or '}'");
      }
    }
  }

  std::string_view header_;
  const std::string& source_;
  size_t pos_ = 0;
};

// What the header says about the payload.
struct Layout {
  NpyDType dtype = NpyDType::kFloat32;
  size_t item_size = 0;     // bytes per element on disk
  bool big_endian = false;  // swap each word of `swap_unit` bytes
  size_t swap_unit = 0;     // 4 for unicode (UTF-32 code units), else item_size
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

[[noreturn]] void UnsupportedDType(const std::string& source, std::string_view descr) {
  throw Error(fmt::format(
      "{}: unsupported dtype {} (supported: float32 '<f4', float64 '<f8', int32 '<i4', int64 "
      "'<i8', uint8 '|u1', bool '|b1', unicode '<Uk', and big-endian numeric '>f4' etc.)",
      source, descr));
}

// Interprets a descr string such as '<f4', '>i8', '|b1', '<U12'.
void ParseDescr(const std::string& descr, const std::string& source, Layout* layout) {
  const std::string quoted = "'" + descr + "'";
  if (descr.size() < 2) UnsupportedDType(source, quoted);
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    UnsupportedDType(source, quoted);
  }
  const char kind = descr[1];
  const std::string digits = descr.substr(2);
  if (digits.empty() || digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    UnsupportedDType(source, quoted);
  }
  const int64_t number = std::stoll(digits);
  layout->big_endian = order == '>';
  if (kind == 'U') {
    // k code points of 4 bytes each; '|U' is not a NumPy spelling.
    if (order == '|' || number > std::numeric_limits<int64_t>::max() / 4) {
      UnsupportedDType(source, quoted);
    }
    layout->dtype = NpyDType::kUnicode;
    layout->item_size = static_cast<size_t>(number) * 4;
    layout->swap_unit = 4;
    return;
  }
  struct Known {
    char kind;
    int64_t size;
    NpyDType dtype;
  };
  static constexpr Known kKnown[] = {
      {'f', 4, NpyDType::kFloat32}, {'f', 8, NpyDType::kFloat64}, {'i', 4, NpyDType::kInt32},
      {'i', 8, NpyDType::kInt64},   {'u', 1, NpyDType::kUInt8},   {'b', 1, NpyDType::kBool},
  };
  for (const Known& known : kKnown) {
    if (known.kind == kind && known.size == number) {
      layout->dtype = known.dtype;
      layout->item_size = static_cast<size_t>(number);
      layout->swap_unit = layout->item_size;
      return;
    }
  }
  UnsupportedDType(source, quoted);
}

// Reads descr, fortran_order and shape from the header text.
Layout ParseHeader(std::string_view header, const std::string& source) {
  HeaderParser parser(header, source);
  const PyValue dict = parser.ParseTopLevel();
  const PyValue* descr = nullptr;
  const PyValue* fortran = nullptr;
  const PyValue* shape = nullptr;
  // Unknown keys are ignored: they carry nothing we could use.
  for (size_t i = 0; i < dict.keys.size(); ++i) {
    if (dict.keys[i] == "descr") descr = &dict.items[i];
    if (dict.keys[i] == "fortran_order") fortran = &dict.items[i];
    if (dict.keys[i] == "shape") shape = &dict.items[i];
  }
  for (auto [value, name] : {std::pair{descr, "descr"}, std::pair{fortran, "fortran_order"},
                             std::pair{shape, "shape"}}) {
    if (value == nullptr) parser.Fail(fmt::format("missing key '{}'", name));
  }

  Layout layout;
  // A list descr is a structured dtype; anything else that is not a string is bogus.
  if (descr->kind != PyValue::Kind::kString) {
    UnsupportedDType(source, descr->raw);
  }
  ParseDescr(descr->text, source, &layout);

  if (fortran->kind == PyValue::Kind::kBool) {
    layout.fortran_order = fortran->boolean;
  } else if (fortran->kind == PyValue::Kind::kInt &&
             (fortran->integer == 0 || fortran->integer == 1)) {
    layout.fortran_order = fortran->integer == 1;
  } else {
    parser.Fail(fmt::format("'fortran_order' must be True or False, found {}", fortran->raw));
  }

  // NumPy writes a tuple; a list or a bare int is accepted too.
  if (shape->kind == PyValue::Kind::kInt) {
    layout.shape.push_back(shape->integer);
  } else if (shape->kind == PyValue::Kind::kTuple || shape->kind == PyValue::Kind::kList) {
    for (const PyValue& dim : shape->items) {
      if (dim.kind != PyValue::Kind::kInt) {
        parser.Fail(fmt::format("'shape' must hold integers, found {}", shape->raw));
      }
      layout.shape.push_back(dim.integer);
    }
  } else {
    parser.Fail(fmt::format("'shape' must be a tuple, found {}", shape->raw));
  }
  for (int64_t d : layout.shape) {
    if (d < 0) parser.Fail(fmt::format("negative dimension in shape {}", shape->raw));
  }
  return layout;
}

uint32_t ReadLittleEndian(const unsigned char* p, int bytes) {
  uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | p[i];
  return value;
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
  switch (dtype) {
    case NpyDType::kFloat32:
      return "float32";
    case NpyDType::kFloat64:
      return "float64";
    case NpyDType::kInt32:
      return "int32";
    case NpyDType::kInt64:
      return "int64";
    case NpyDType::kUInt8:
      return "uint8";
    case NpyDType::kBool:
      return "bool";
    case NpyDType::kUnicode:
      return "<U";
  }
  return "unknown";
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
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());

  // Preamble: magic, version, header length.
  const size_t magic_checked = std::min(bytes.size(), kMagicSize);
  if (bytes.compare(0, magic_checked, std::string_view(kMagic, magic_checked)) != 0 ||
      bytes.empty()) {
    throw Error(fmt::format("{}: not an npy file (bad magic: expected \"\\x93NUMPY\")", source));
  }
  if (bytes.size() < kMagicSize + 2) {
    throw Error(fmt::format("{}: truncated header ({} bytes, the preamble alone needs 10)", source,
                            bytes.size()));
  }
  const int major = raw[6];
  const int minor = raw[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw Error(fmt::format("{}: unsupported npy format version {}.{} (expected 1.0, 2.0 or 3.0)",
                            source, major, minor));
  }
  // 1.0 stores the header length in 2 bytes; 2.0 and 3.0 (UTF-8 header) in 4.
  const int length_bytes = major == 1 ? 2 : 4;
  const size_t preamble = kMagicSize + 2 + length_bytes;
  if (bytes.size() < preamble) {
    throw Error(fmt::format("{}: truncated header ({} bytes, the version {}.0 preamble needs {})",
                            source, bytes.size(), major, preamble));
  }
  const size_t header_length = ReadLittleEndian(raw + kMagicSize + 2, length_bytes);
  if (bytes.size() - preamble < header_length) {
    throw Error(fmt::format("{}: truncated header (declares {} bytes, found {})", source,
                            header_length, bytes.size() - preamble));
  }
  const std::string_view header = bytes.substr(preamble, header_length);
  const Layout layout = ParseHeader(header, source);

  // Payload size, guarding against shapes whose byte count overflows.
  const int64_t count = CheckedCount(layout.shape);
  const size_t available = bytes.size() - preamble - header_length;
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
  const unsigned char* payload = raw + preamble + header_length;

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

std::string SerializeNpy(const NpyArray& array,
                         const NpyWriteOptions& options,
                         const std::string& source) {
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
  std::string descr;
  switch (array.dtype) {
    case NpyDType::kFloat32:
      descr = "<f4";
      break;
    case NpyDType::kFloat64:
      descr = "<f8";
      break;
    case NpyDType::kInt32:
      descr = "<i4";
      break;
    case NpyDType::kInt64:
      descr = "<i8";
      break;
    case NpyDType::kUInt8:
      descr = "|u1";
      break;
    case NpyDType::kBool:
      descr = "|b1";
      break;
    case NpyDType::kUnicode:
      descr = fmt::format("<U{}", k);
      break;
  }

  // Header: the dict NumPy writes, space-padded so that the data starts on a
  // 64-byte boundary, ending in '\n'. Version 2.0 only when 1.0's 16-bit
  // length field cannot hold it.
  const std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}", descr,
                  options.fortran_order ? "True" : "False", NpyShapeString(array.shape));
  int major = 1;
  size_t length_bytes = 2;
  auto padded_length = [&](size_t preamble) {
    const size_t unpadded = preamble + dict.size() + 1;
    return dict.size() + 1 + (kAlign - unpadded % kAlign) % kAlign;
  };
  size_t header_length = padded_length(kMagicSize + 2 + 2);
  if (header_length > 0xFFFF) {
    major = 2;
    length_bytes = 4;
    header_length = padded_length(kMagicSize + 2 + 4);
  }

  std::string out;
  const size_t preamble = kMagicSize + 2 + length_bytes;
  const size_t payload_size = static_cast<size_t>(count) * item_size;
  out.reserve(preamble + header_length + payload_size);
  out.append(kMagic, kMagicSize);
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (size_t i = 0; i < length_bytes; ++i) {
    out.push_back(static_cast<char>((header_length >> (8 * i)) & 0xFF));
  }
  out += dict;
  out.append(header_length - dict.size() - 1, ' ');
  out.push_back('\n');

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
