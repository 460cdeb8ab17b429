#include "intersynth/io/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "intersynth/io/npy_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A .npy file made by hand: preamble for `major`.0, `header` padded to a
// multiple of 16 with a final '\n', then `payload`.
std::string MakeNpy(const std::string& header, const std::string& payload, int major = 1) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  std::string text = header;
  while ((6 + 2 + length_bytes + text.size() + 1) % 16 != 0) text += ' ';
  text += '\n';
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  for (size_t i = 0; i < length_bytes; ++i)
    out += static_cast<char>((text.size() >> (8 * i)) & 0xFF);
  return out + text + payload;
}

template <typename T>
std::string Bytes(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// The header text of serialised .npy bytes (format 1.0).
std::string HeaderOf(const std::string& npy) {
  const size_t length = static_cast<unsigned char>(npy[8]) | static_cast<unsigned char>(npy[9])
                                                                 << 8;
  return npy.substr(10, length);
}

// 0, 0.5, 1, ..., 11.5: the (2, 3, 4) float64 array of the Fortran-order tests.
std::vector<double> Halves24() {
  std::vector<double> values(24);
  for (int i = 0; i < 24; ++i) values[i] = 0.5 * i;
  return values;
}

void ExpectRoundTrip(const NpyArray& array) {
  for (bool fortran : {false, true}) {
    SCOPED_TRACE(fortran ? "fortran order" : "C order");
    NpyWriteOptions options;
    options.fortran_order = fortran;
    const std::string bytes = SerializeNpy(array, options);
    // NumPy's alignment: the data starts on a 64-byte boundary.
    EXPECT_EQ((10 + HeaderOf(bytes).size()) % 64, 0u);
    EXPECT_EQ(HeaderOf(bytes).back(), '\n');
    const NpyArray back = ParseNpy(bytes, "memory.npy");
    EXPECT_EQ(back.dtype, array.dtype);
    EXPECT_EQ(back.shape, array.shape);
    EXPECT_EQ(back.data, array.data);
    EXPECT_EQ(back.strings, array.strings);
    EXPECT_TRUE(back == array);
  }
  testing::TempDir dir;
  WriteNpy(dir / "a.npy", array);
  EXPECT_TRUE(ReadNpy(dir / "a.npy") == array);
}

TEST(Npy, RoundTripEveryDType) {
  ExpectRoundTrip(NpyArray::Float32({2, 3}, {0.5f, -1.25f, 3e-8f, 1e30f, -0.0f, 7.0f}));
  ExpectRoundTrip(NpyArray::Float64({3}, {1.0 / 3.0, -2.0, std::numeric_limits<double>::max()}));
  ExpectRoundTrip(NpyArray::Int32(
      {2, 2}, {std::numeric_limits<int32_t>::min(), -1, 0, std::numeric_limits<int32_t>::max()}));
  ExpectRoundTrip(NpyArray::Int64(
      {3, 1}, {std::numeric_limits<int64_t>::min(), 0, std::numeric_limits<int64_t>::max()}));
  ExpectRoundTrip(NpyArray::UInt8({4}, {0, 1, 128, 255}));
  ExpectRoundTrip(NpyArray::Bool({2, 2}, {true, false, false, true}));
  ExpectRoundTrip(NpyArray::Unicode({2}, {"walk", "sit down"}));
}

TEST(Npy, RoundTripZeroDimScalars) {
  ExpectRoundTrip(NpyArray::ScalarFloat32(20.0f));
  ExpectRoundTrip(NpyArray::Float64({}, {-0.125}));
  ExpectRoundTrip(NpyArray::Int32({}, {-7}));
  ExpectRoundTrip(NpyArray::Int64({}, {1LL << 40}));
  ExpectRoundTrip(NpyArray::UInt8({}, {200}));
  ExpectRoundTrip(NpyArray::Bool({}, {true}));
  ExpectRoundTrip(NpyArray::Unicode({}, {"a person walks"}));
  const NpyArray scalar = NpyArray::ScalarFloat32(20.0f);
  EXPECT_EQ(scalar.size(), 1);
  EXPECT_THAT(HeaderOf(SerializeNpy(scalar)), HasSubstr("'shape': ()"));
}

TEST(Npy, RoundTripEmptyArrays) {
  const NpyArray empty = NpyArray::Float32({0, 3}, {});
  EXPECT_EQ(empty.size(), 0);
  ExpectRoundTrip(empty);
  ExpectRoundTrip(NpyArray::Int64({3, 0, 2}, {}));
  ExpectRoundTrip(NpyArray::Unicode({0}, {}));
  // NumPy's spelling of shapes in the header.
  EXPECT_THAT(HeaderOf(SerializeNpy(empty)), HasSubstr("'shape': (0, 3)"));
  EXPECT_THAT(HeaderOf(SerializeNpy(NpyArray::Unicode({0}, {}))), HasSubstr("'<U1'"));
}

TEST(Npy, UnicodeNonAsciiRoundTripUsesMaxCodePoints) {
  // "Ångström läuft" is 14 code points in 17 UTF-8 bytes; the emoji is one
  // code point above the BMP (4 UTF-8 bytes, one UTF-32 unit).
  const NpyArray text = NpyArray::Unicode({2, 2}, {"Ångström läuft", "🙂", "", "a\tb \"c\" 'd'"});
  ExpectRoundTrip(text);
  const std::string bytes = SerializeNpy(text);
  EXPECT_THAT(HeaderOf(bytes), HasSubstr("'descr': '<U14'"));
  // Payload is UTF-32LE, NUL-padded to 14 code points per element.
  const std::string payload = bytes.substr(bytes.size() - 4 * 14 * 4);
  EXPECT_EQ(payload.substr(0, 4), std::string("\xC5\0\0\0", 4));       // U+00C5 'Å'
  EXPECT_EQ(payload.substr(56, 4), std::string("\x42\xF6\x01\0", 4));  // U+1F642
  EXPECT_EQ(payload.substr(60, 4), std::string(4, '\0'));
  // All-empty strings still get one code point per element, as NumPy does.
  EXPECT_THAT(HeaderOf(SerializeNpy(NpyArray::Unicode({2}, {"", ""}))), HasSubstr("'<U1'"));
}

TEST(Npy, UnicodeTrailingNulPaddingIsStripped) {
  // 'ab' in a <U4 field, then a string that fills it; an inner NUL survives.
  std::u32string cps = U"ab";
  cps.resize(4, U'\0');
  cps += std::u32string(U"x\0yz", 4);
  std::string payload(reinterpret_cast<const char*>(cps.data()), cps.size() * 4);
  const NpyArray array = ParseNpy(
      MakeNpy("{'descr': '<U4', 'fortran_order': False, 'shape': (2,), }", payload), "u.npy");
  EXPECT_EQ(array.strings, (std::vector<std::string>{"ab", std::string("x\0yz", 4)}));
}

TEST(Npy, FortranOrderFloat64RoundTrip) {
  const std::vector<double> values = Halves24();
  const NpyArray array = NpyArray::Float64({2, 3, 4}, values);
  NpyWriteOptions fortran;
  fortran.fortran_order = true;
  const std::string bytes = SerializeNpy(array, fortran);
  EXPECT_THAT(HeaderOf(bytes), HasSubstr("'fortran_order': True"));

  // Column-major payload: element (i, j, k) of the C array sits at
  // i + 2 * (j + 3 * k).
  std::vector<double> on_disk(24);
  std::memcpy(on_disk.data(), bytes.data() + bytes.size() - 24 * 8, 24 * 8);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      for (int k = 0; k < 4; ++k)
        EXPECT_EQ(on_disk[i + 2 * (j + 3 * k)], values[(i * 3 + j) * 4 + k]);
    }
  }
  EXPECT_TRUE(ParseNpy(bytes, "f.npy") == array);

  testing::TempDir dir;
  WriteNpy(dir / "f.npy", array, fortran);
  EXPECT_TRUE(ReadNpy(dir / "f.npy") == array);
}

TEST(Npy, FortranOrderUnicodeRoundTrip) {
  const NpyArray text = NpyArray::Unicode({2, 3}, {"a", "bb", "ccc", "Ä", "ëë", "🙂"});
  NpyWriteOptions fortran;
  fortran.fortran_order = true;
  EXPECT_TRUE(ParseNpy(SerializeNpy(text, fortran), "t.npy") == text);
}

TEST(Npy, HeaderVariationsParse) {
  const std::string payload = Bytes<float>({1, 2, 3, 4, 5, 6});
  const NpyArray expected = NpyArray::Float32({2, 3}, {1, 2, 3, 4, 5, 6});
  for (const std::string header : {
           "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
           "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}",
           "{ \"descr\" : \"<f4\" ,\"fortran_order\":False,'shape':(2,3) }",
           "{'fortran_order': False, 'shape': (2L, 3L), 'descr': '<f4', }",
           "{'descr': '=f4', 'fortran_order': 0, 'shape': [2, 3], 'extra': None}",
       }) {
    SCOPED_TRACE(header);
    EXPECT_TRUE(ParseNpy(MakeNpy(header, payload), "h.npy") == expected);
  }
  // 1-d "(6,)" and 0-d "()" shapes.
  EXPECT_EQ(ParseNpy(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", payload),
                     "h.npy")
                .shape,
            std::vector<int64_t>{6});
  const NpyArray scalar = ParseNpy(
      MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", Bytes<float>({4.5f})),
      "h.npy");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.ToVector<float>(), std::vector<float>{4.5f});
  // '<u1' and '|u1' are the same dtype.
  EXPECT_EQ(ParseNpy(MakeNpy("{'descr': '<u1', 'fortran_order': False, 'shape': (2,)}", "\x01\xFF"),
                     "h.npy")
                .ToVector<int32_t>(),
            (std::vector<int32_t>{1, 255}));
}

TEST(Npy, FormatVersions2And3Parse) {
  const std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }";
  const NpyArray expected = NpyArray::Int64({3}, {7, -8, 9});
  for (int major : {1, 2, 3}) {
    SCOPED_TRACE(major);
    EXPECT_TRUE(ParseNpy(MakeNpy(header, Bytes<int64_t>({7, -8, 9}), major), "v.npy") == expected);
  }
  // Version 3.0 allows UTF-8 in the header (here in an ignored key).
  EXPECT_TRUE(ParseNpy(MakeNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), "
                               "'note': 'Ängste'}",
                               Bytes<int64_t>({7, -8, 9}), 3),
                       "v.npy") == expected);
}

TEST(Npy, LargeHeaderWritesVersion2) {
  // 30,000 dims of size 1 ("1, " each) spell a header longer than 65535
  // bytes. NumPy itself caps arrays at 32 dims; this only exercises the format.
  const std::vector<int64_t> shape(30000, 1);
  const NpyArray array = NpyArray::Float32(shape, {2.5f});
  const std::string bytes = SerializeNpy(array);
  EXPECT_EQ(bytes[6], 2);
  // 4-byte little-endian header length; data still 64-byte aligned.
  const size_t header_length = static_cast<unsigned char>(bytes[8]) |
                               static_cast<unsigned char>(bytes[9]) << 8 |
                               static_cast<unsigned char>(bytes[10]) << 16;
  EXPECT_GT(header_length, 65535u);
  EXPECT_EQ((12 + header_length) % 64, 0u);
  EXPECT_EQ(bytes.size(), 12 + header_length + 4);
  EXPECT_TRUE(ParseNpy(bytes, "big.npy") == array);
}

TEST(Npy, BigEndianNumericIsSwapped) {
  const NpyArray f8 = ParseNpy(MakeNpy("{'descr': '>f8', 'fortran_order': False, 'shape': (1,)}",
                                       std::string("\x3F\xF8\0\0\0\0\0\0", 8)),
                               "be.npy");
  EXPECT_EQ(f8.dtype, NpyDType::kFloat64);
  EXPECT_EQ(f8.ToVector<double>(), std::vector<double>{1.5});
  const NpyArray i4 = ParseNpy(MakeNpy("{'descr': '>i4', 'fortran_order': False, 'shape': (2,)}",
                                       std::string("\xFF\xFF\xFF\xFD\x00\x01\x00\x00", 8)),
                               "be.npy");
  EXPECT_EQ(i4.ToVector<int32_t>(), (std::vector<int32_t>{-3, 65536}));
  // Re-serialised little-endian, it reads back the same.
  EXPECT_TRUE(ParseNpy(SerializeNpy(i4), "le.npy") == i4);
}

TEST(Npy, ToVectorConvertsBetweenNumericDTypes) {
  const NpyArray i64 = NpyArray::Int64({3}, {-2, 0, 40});
  EXPECT_EQ(i64.ToVector<float>(), (std::vector<float>{-2.0f, 0.0f, 40.0f}));
  EXPECT_EQ(i64.ToVector<int32_t>(), (std::vector<int32_t>{-2, 0, 40}));
  EXPECT_EQ(i64.ToVector<bool>(), (std::vector<bool>{true, false, true}));
  const NpyArray f64 = NpyArray::Float64({3}, {1.75, -2.5, 255.0});
  EXPECT_EQ(f64.ToVector<int64_t>(), (std::vector<int64_t>{1, -2, 255}));
  EXPECT_EQ(f64.ToVector<float>(), (std::vector<float>{1.75f, -2.5f, 255.0f}));
  const NpyArray flags = NpyArray::Bool({2}, {true, false});
  EXPECT_EQ(flags.ToVector<double>(), (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(flags.ToVector<uint8_t>(), (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(NpyArray::UInt8({2}, {3, 250}).ToVector<int32_t>(), (std::vector<int32_t>{3, 250}));
  // Identity conversions are exact copies.
  const std::vector<double> values{0.1, 1e-300, -7};
  EXPECT_EQ(NpyArray::Float64({3}, values).ToVector<double>(), values);
  // Out-of-range double -> float saturates to infinity like IEEE rounding.
  EXPECT_EQ(NpyArray::Float64({1}, {1e300}).ToVector<float>()[0],
            std::numeric_limits<float>::infinity());
}

TEST(Npy, ToVectorRejectsUnrepresentableValues) {
  EXPECT_ERROR_CONTAINS(NpyArray::Int64({2}, {1, 300}).ToVector<uint8_t>(),
                        {"element 1", "int64", "300", "uint8"});
  EXPECT_ERROR_CONTAINS(NpyArray::Int64({1}, {1LL << 40}).ToVector<int32_t>(), {"int32"});
  EXPECT_ERROR_CONTAINS(NpyArray::Float32({1}, {NAN}).ToVector<int64_t>(), {"float32", "nan"});
  EXPECT_ERROR_CONTAINS(NpyArray::Float64({1}, {-1.0}).ToVector<uint8_t>(), {"out of range"});
  EXPECT_ERROR_CONTAINS(NpyArray::Unicode({1}, {"x"}).ToVector<float>(), {"strings"});
}

TEST(Npy, LargeFloat32ArrayRoundTrip) {
  // 10 MB: the C-order paths are single copies.
  std::vector<float> values(2'500'000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.25f;
  const NpyArray array = NpyArray::Float32({2'500, 1'000}, values);
  testing::TempDir dir;
  WriteNpy(dir / "big.npy", array);
  const NpyArray back = ReadNpy(dir / "big.npy");
  EXPECT_EQ(back.shape, array.shape);
  EXPECT_EQ(back.ToVector<float>(), values);
}

// ---------------------------------------------------------------------------
// Bad input: each error names the file and the problem.

class NpyBadFile : public ::testing::Test {
 protected:
  // Writes `bytes` to a file and expects ReadNpy to fail mentioning `problem`.
  void ExpectReadError(const std::string& bytes, const std::vector<std::string>& problem) {
    const fs::path path = dir_ / "broken_input.npy";
    WriteFileAtomic(path, bytes);
    std::vector<std::string> parts = problem;
    parts.push_back("broken_input.npy");
    EXPECT_ERROR_CONTAINS(ReadNpy(path), parts);
  }
  testing::TempDir dir_;
};

TEST_F(NpyBadFile, BadMagic) {
  ExpectReadError("PK\x03\x04 this is a zip", {"not an npy file"});
  ExpectReadError("", {"not an npy file"});
  ExpectReadError("\x93NUM", {"truncated header"});
}

TEST_F(NpyBadFile, TruncatedHeader) {
  const std::string good =
      MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Bytes<float>({1, 2}));
  ExpectReadError(good.substr(0, 9), {"truncated header"});
  ExpectReadError(good.substr(0, 30), {"truncated header", "declares"});
}

TEST_F(NpyBadFile, TruncatedData) {
  const std::string good =
      MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", std::string(48, '\0'));
  ExpectReadError(good.substr(0, good.size() - 28),
                  {"truncated data", "expected 48 bytes of data, found 20"});
}

TEST_F(NpyBadFile, BadHeaderDict) {
  const std::string payload = Bytes<float>({1, 2});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'fortran_order': False}", payload),
                  {"bad npy header dict", "missing key 'shape'"});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,)}", payload),
                  {"bad npy header dict", "fortran_order"});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}", payload),
                  {"bad npy header dict", "negative"});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", payload),
                  {"bad npy header dict"});
  ExpectReadError(MakeNpy("['descr', '<f4']", payload), {"bad npy header dict"});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, "
                          "'shape': (2,)}",
                          payload),
                  {"bad npy header dict", "duplicate key 'descr'"});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(99999999999999999999,)}",
                          payload),
                  {"bad npy header dict", "too large"});
  ExpectReadError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': "
                          "(4611686018427387904, 4)}",
                          payload),
                  {"too large"});
}

TEST_F(NpyBadFile, UnsupportedVersion) {
  std::string bytes =
      MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", Bytes<float>({1}));
  bytes[6] = 4;
  ExpectReadError(bytes, {"unsupported npy format version 4.0"});
}

TEST_F(NpyBadFile, UnsupportedDTypes) {
  for (const std::string descr :
       {"'|O'", "'<c8'", "'<f2'", "'|i1'", "'<u2'", "'|S5'", "[('a', '<f4'), ('b', '<i4')]"}) {
    SCOPED_TRACE(descr);
    ExpectReadError(MakeNpy("{'descr': " + descr + ", 'fortran_order': False, 'shape': (1,)}",
                            std::string(16, '\0')),
                    {"unsupported dtype", descr});
  }
}

TEST(Npy, ReadsUint32AsSmplKintreeTablesHoldThem) {
  // SMPL's kintree_table is uint32 with 4294967295 as the root's parent.
  const NpyArray array = ParseNpy(MakeNpy("{'descr': '<u4', 'fortran_order': False, 'shape': (3,)}",
                                          Bytes<uint32_t>({0, 7, 4294967295u})),
                                  "kintree.npy");
  EXPECT_EQ(array.dtype, NpyDType::kUInt32);
  EXPECT_EQ(array.ToVector<int64_t>(), (std::vector<int64_t>{0, 7, 4294967295LL}));
  EXPECT_ERROR_CONTAINS(array.ToVector<int32_t>(), {"4294967295"});
}

TEST_F(NpyBadFile, InvalidUtf32CodePoint) {
  ExpectReadError(MakeNpy("{'descr': '<U1', 'fortran_order': False, 'shape': (1,)}",
                          std::string("\x00\xD8\x00\x00", 4)),
                  {"invalid code point 0xD800"});
}

TEST(Npy, ReadMissingFileNamesIt) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ReadNpy(dir / "nowhere.npy"), {"nowhere.npy", "no such file"});
}

TEST(Npy, ParseErrorNamesTheSource) {
  EXPECT_ERROR_CONTAINS(ParseNpy("garbage", "clip.npz:joints.npy"),
                        {"clip.npz:joints.npy", "not an npy file"});
}

TEST(Npy, FailedWritesLeaveNoFile) {
  testing::TempDir dir;
  // Into a missing folder.
  EXPECT_ERROR_CONTAINS(WriteNpy(dir / "missing" / "a.npy", NpyArray::ScalarFloat32(1)),
                        {"a.npy", "does not exist"});
  EXPECT_FALSE(fs::exists(dir / "missing"));
  // Invalid UTF-8 (a lone continuation byte, then a truncated sequence).
  for (const std::string bad : {"ok\x80", "\xE2\x82"}) {
    EXPECT_ERROR_CONTAINS(WriteNpy(dir / "text.npy", NpyArray::Unicode({2}, {"fine", bad})),
                          {"text.npy", "element 1", "not valid UTF-8"});
  }
  // Surrogates and overlong encodings are not valid UTF-8 either.
  EXPECT_ERROR_CONTAINS(WriteNpy(dir / "text.npy", NpyArray::Unicode({1}, {"\xED\xA0\x80"})),
                        {"not valid UTF-8"});
  EXPECT_ERROR_CONTAINS(WriteNpy(dir / "text.npy", NpyArray::Unicode({1}, {"\xC0\xAF"})),
                        {"not valid UTF-8"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

// ---------------------------------------------------------------------------
// NumPy interoperability.

// Checks the files npy_make_fixtures.py writes (committed under testdata/npy/
// and regenerated with the installed numpy by NumpyWritesIntersynthReads).
void ExpectNumpyFixtures(const fs::path& dir) {
  const std::vector<std::string> texts{"a person walks", "Ängste", "🙂"};
  EXPECT_TRUE(ReadNpy(dir / "f4_2x3.npy") ==
              NpyArray::Float32({2, 3}, {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}));
  EXPECT_TRUE(ReadNpy(dir / "i4.npy") ==
              NpyArray::Int32({4}, {std::numeric_limits<int32_t>::min(), -1, 0,
                                    std::numeric_limits<int32_t>::max()}));
  EXPECT_TRUE(ReadNpy(dir / "i8.npy") ==
              NpyArray::Int64({3}, {std::numeric_limits<int64_t>::min(), 0,
                                    std::numeric_limits<int64_t>::max()}));
  EXPECT_TRUE(ReadNpy(dir / "u1.npy") == NpyArray::UInt8({3}, {0, 7, 255}));
  EXPECT_TRUE(ReadNpy(dir / "b1.npy") == NpyArray::Bool({2, 2}, {true, false, false, true}));
  EXPECT_TRUE(ReadNpy(dir / "scalar_f4.npy") == NpyArray::ScalarFloat32(1.5f));
  EXPECT_TRUE(ReadNpy(dir / "empty_f4_0x3.npy") == NpyArray::Float32({0, 3}, {}));
  EXPECT_TRUE(ReadNpy(dir / "unicode_2x2.npy") ==
              NpyArray::Unicode({2, 2}, {"a person walks", "Ängste", "🙂", ""}));
  EXPECT_TRUE(ReadNpy(dir / "fortran_f8_2x3x4.npy") == NpyArray::Float64({2, 3, 4}, Halves24()));
  EXPECT_TRUE(ReadNpy(dir / "fortran_unicode_2x3.npy") ==
              NpyArray::Unicode({2, 3}, {"a", "bb", "ccc", "Ä", "ëë", "🙂"}));
  EXPECT_TRUE(ReadNpy(dir / "be_f8_2x3.npy") ==
              NpyArray::Float64({2, 3}, {0, 0.25, 0.5, 0.75, 1.0, 1.25}));
  EXPECT_TRUE(ReadNpy(dir / "be_i4.npy") == NpyArray::Int32({3}, {-3, 1, 65536}));
  EXPECT_TRUE(ReadNpy(dir / "v2_i8.npy") == NpyArray::Int64({5}, {0, 1, 2, 3, 4}));
  EXPECT_TRUE(ReadNpy(dir / "v3_unicode.npy") == NpyArray::Unicode({3}, texts));
  for (const auto& [name, descr] : std::vector<std::pair<std::string, std::string>>{
           {"object.npy", "'|O'"},
           {"structured.npy", "[('a', '<f4'), ('b', '<i4')]"},
           {"complex64.npy", "'<c8'"},
           {"float16.npy", "'<f2'"}}) {
    const fs::path path = dir / name;
    EXPECT_ERROR_CONTAINS(ReadNpy(path), {name, "unsupported dtype", descr});
  }
}

TEST(Npy, ReadsNumpyMadeFixtures) { ExpectNumpyFixtures(testing::NumpyFixtureDir()); }

TEST(NpyNumpy, NumpyWritesIntersynthReads) {
  INTERSYNTH_REQUIRE_NUMPY(python);
  testing::TempDir dir;
  ASSERT_TRUE(testing::RunNumpyScript(python, "npy_make_fixtures.py", dir.path()));
  ExpectNumpyFixtures(dir.path());
}

TEST(NpyNumpy, NumpyReadsIntersynthFiles) {
  INTERSYNTH_REQUIRE_NUMPY(python);
  testing::TempDir dir;
  // The values npy_check_written.py expects.
  WriteNpy(dir / "f4.npy", NpyArray::Float32({2, 3}, {0.5f, -1.25f, 3e-8f, 1e30f, -0.0f, 7.0f}));
  WriteNpy(dir / "f8.npy", NpyArray::Float64({2}, {1.0 / 3.0, -2.0}));
  WriteNpy(dir / "i4.npy", NpyArray::Int32({3}, {std::numeric_limits<int32_t>::min(), 5,
                                                 std::numeric_limits<int32_t>::max()}));
  WriteNpy(dir / "i8.npy", NpyArray::Int64({3}, {std::numeric_limits<int64_t>::min(), 0,
                                                 std::numeric_limits<int64_t>::max()}));
  WriteNpy(dir / "u1.npy", NpyArray::UInt8({3}, {0, 128, 255}));
  WriteNpy(dir / "b1.npy", NpyArray::Bool({2, 2}, {true, false, false, true}));
  WriteNpy(dir / "text.npy",
           NpyArray::Unicode({3}, {"a person walks", "Ångström läuft", "🙂 wave"}));
  WriteNpy(dir / "scalar.npy", NpyArray::ScalarFloat32(1.5f));
  WriteNpy(dir / "empty.npy", NpyArray::Float32({0, 3}, {}));
  NpyWriteOptions fortran;
  fortran.fortran_order = true;
  WriteNpy(dir / "fortran.npy", NpyArray::Float64({2, 3, 4}, Halves24()), fortran);

  EXPECT_TRUE(testing::RunNumpyScript(python, "npy_check_written.py", dir.path()));
}

TEST(NpyWriteOptions, CheckAcceptsEveryValue) {
  EXPECT_NO_THROW(NpyWriteOptions{}.Check());
  EXPECT_NO_THROW(NpyWriteOptions{.fortran_order = true}.Check());
}

}  // namespace
}  // namespace intersynth
