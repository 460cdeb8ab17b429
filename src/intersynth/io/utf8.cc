#include "intersynth/io/utf8.h"

namespace intersynth::internal {

bool IsValidCodePoint(uint32_t cp) { return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF); }

void AppendUtf8(char32_t cp, std::string* out) {
  // 7, 11, 16 or 21 payload bits: a lead byte 0xxxxxxx / 110xxxxx / 1110xxxx /
  // 11110xxx, then 10xxxxxx continuation bytes, high bits first.
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

bool DecodeUtf8(std::string_view text, std::vector<char32_t>* out) {
  if (out != nullptr) out->clear();
  size_t i = 0;
  while (i < text.size()) {
    // The lead byte gives the number of continuation bytes, the first payload
    // bits and the smallest code point that needs this length (overlong check).
    const auto b0 = static_cast<unsigned char>(text[i]);
    int extra;
    uint32_t cp;
    uint32_t min_cp;
    if (b0 < 0x80) {
      if (out != nullptr) out->push_back(b0);
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      extra = 1, cp = b0 & 0x1F, min_cp = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      extra = 2, cp = b0 & 0x0F, min_cp = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      extra = 3, cp = b0 & 0x07, min_cp = 0x10000;
    } else {
      return false;  // a continuation byte or 0xF8..0xFF where a lead byte belongs
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    // Each continuation byte is 10xxxxxx and adds 6 bits.
    for (int k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min_cp || !IsValidCodePoint(cp)) return false;
    if (out != nullptr) out->push_back(cp);
    i += extra + 1;
  }
  return true;
}

bool IsValidUtf8(std::string_view text) { return DecodeUtf8(text, nullptr); }

std::string Utf8ToAscii(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x80 && c < 0xC0) continue;  // continuation byte
    if (c >= 0xC0) {
      out += '?';
    } else {
      out += (c < 0x20 || c == 0x7F) ? ' ' : static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace intersynth::internal
