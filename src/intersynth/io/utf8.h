#pragma once
// UTF-8 <-> Unicode code points, internal to the io module: the .npy unicode
// dtype (UTF-32 on disk, UTF-8 in memory) and the Latin-1 fallback of the
// mocap text readers (ToUtf8FromLatin1IfNeeded) share one strict decoder;
// render draws captions in ASCII through Utf8ToAscii.
//
// Strict means what RFC 3629 allows and nothing else: no overlong forms
// ("\xC0\xAF" for '/'), no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no stray continuation bytes and no truncated sequences.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth::internal {

/// True for a Unicode scalar value: cp <= U+10FFFF and not a surrogate
/// (U+D800..U+DFFF).
bool IsValidCodePoint(uint32_t cp);

/// Appends the UTF-8 encoding (1 to 4 bytes) of a valid code point to `out`.
void AppendUtf8(char32_t cp, std::string* out);

/// Decodes strict UTF-8. On success fills `out` (cleared first; may be null
/// to validate only) and returns true; returns false on any invalid sequence,
/// leaving `out` partly filled.
bool DecodeUtf8(std::string_view text, std::vector<char32_t>* out);

/// True when `text` is strict UTF-8 (DecodeUtf8 without the output).
bool IsValidUtf8(std::string_view text);

/// Plain ASCII for fonts that have nothing else (OpenCV's Hershey fonts):
/// each UTF-8 multi-byte sequence becomes one '?', control characters a space.
std::string Utf8ToAscii(std::string_view text);

}  // namespace intersynth::internal
