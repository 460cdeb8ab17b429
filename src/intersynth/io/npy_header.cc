#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <utility>

#include "intersynth/io/npy_internal.h"
#include "intersynth/util/error.h"

namespace intersynth::internal {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// NumPy aligns the start of the data to 64 bytes (numpy.lib.format.ARRAY_ALIGN).
constexpr size_t kAlign = 64;

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

[[noreturn]] void UnsupportedDType(const std::string& source, std::string_view descr) {
  throw Error(fmt::format(
      "{}: unsupported dtype {} (supported: float32 '<f4', float64 '<f8', int32 '<i4', int64 "
      "'<i8', uint8 '|u1', bool '|b1', unicode '<Uk', and big-endian numeric '>f4' etc.)",
      source, descr));
}

// Interprets a descr string such as '<f4', '>i8', '|b1', '<U12'.
void ParseDescr(const std::string& descr, const std::string& source, NpyLayout* layout) {
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
  // Numbers: the kind letter and the byte count pick a row of kNpyDTypes.
  for (const NpyDTypeInfo& known : kNpyDTypes) {
    if (known.dtype != NpyDType::kUnicode && known.descr[1] == kind &&
        static_cast<int64_t>(known.item_size) == number) {
      layout->dtype = known.dtype;
      layout->item_size = static_cast<size_t>(number);
      layout->swap_unit = layout->item_size;
      return;
    }
  }
  UnsupportedDType(source, quoted);
}

// Reads descr, fortran_order and shape from the header text (the dict alone,
// without the preamble).
NpyLayout ParseHeaderDict(std::string_view header, const std::string& source) {
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

  NpyLayout layout;
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

}  // namespace

NpyLayout ParseNpyHeader(std::string_view bytes, const std::string& source) {
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
  NpyLayout layout = ParseHeaderDict(bytes.substr(preamble, header_length), source);
  layout.data_offset = preamble + header_length;
  return layout;
}

std::string NpyDescr(NpyDType dtype, size_t unicode_length) {
  if (dtype == NpyDType::kUnicode) return fmt::format("<U{}", unicode_length);
  const NpyDTypeInfo* info = FindNpyDType(dtype);
  return info != nullptr ? info->descr : "";
}

std::string FormatNpyHeader(std::string_view descr,
                            bool fortran_order,
                            const std::vector<int64_t>& shape) {
  // The dict NumPy writes, space-padded so that the data starts on a 64-byte
  // boundary, ending in '\n'. Version 2.0 only when 1.0's 16-bit length field
  // cannot hold it.
  const std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': {}, }}", descr,
                  fortran_order ? "True" : "False", NpyShapeString(shape));
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
  out.reserve(kMagicSize + 2 + length_bytes + header_length);
  out.append(kMagic, kMagicSize);
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (size_t i = 0; i < length_bytes; ++i) {
    out.push_back(static_cast<char>((header_length >> (8 * i)) & 0xFF));
  }
  out += dict;
  out.append(header_length - dict.size() - 1, ' ');
  out.push_back('\n');
  return out;
}

}  // namespace intersynth::internal
