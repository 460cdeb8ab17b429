#include "intersynth/io/ply.h"

#include <fmt/format.h>

#include <cstring>
#include <sstream>
#include <string>

#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

/// Size in bytes of a PLY scalar type, 0 when unknown.
int ScalarSize(const std::string& type) {
  if (type == "char" || type == "uchar" || type == "int8" || type == "uint8") return 1;
  if (type == "short" || type == "ushort" || type == "int16" || type == "uint16") return 2;
  if (type == "int" || type == "uint" || type == "float" || type == "int32" || type == "uint32" ||
      type == "float32")
    return 4;
  if (type == "double" || type == "float64") return 8;
  return 0;
}

/// One scalar vertex property and where its value goes.
struct Property {
  std::string type;
  std::string name;
  int size = 0;
  /// 0..2 for x, y, z; 3..5 for red, green, blue; -1 skipped.
  int slot = -1;
};

/// Reads one binary little-endian scalar as double.
double ReadScalar(const char* p, const std::string& type) {
  auto get = [p](auto value) {
    std::memcpy(&value, p, sizeof(value));
    return static_cast<double>(value);
  };
  if (type == "char" || type == "int8") return get(int8_t{});
  if (type == "uchar" || type == "uint8") return get(uint8_t{});
  if (type == "short" || type == "int16") return get(int16_t{});
  if (type == "ushort" || type == "uint16") return get(uint16_t{});
  if (type == "int" || type == "int32") return get(int32_t{});
  if (type == "uint" || type == "uint32") return get(uint32_t{});
  if (type == "float" || type == "float32") return get(float{});
  return get(double{});
}

}  // namespace

void PlyWriteOptions::Check() const {
  // A line break would end the comment line and corrupt the header.
  if (comment.find_first_of("\r\n") != std::string::npos)
    throw OptionError("{comment} must be one line, got a line break in it");
}

void WritePly(const std::filesystem::path& path,
              const PlyPointCloud& cloud,
              const PlyWriteOptions& options) {
  options.Check();
  INTERSYNTH_CHECK(cloud.xyz.size() % 3 == 0) << "PLY xyz holds " << cloud.xyz.size() << " floats";
  const bool colour = !cloud.rgb.empty();
  INTERSYNTH_CHECK(!colour || cloud.rgb.size() == cloud.xyz.size())
      << "PLY colours: " << cloud.rgb.size() << " bytes for " << cloud.size() << " points";
  std::string out =
      fmt::format("ply\nformat {} 1.0\n", options.ascii ? "ascii" : "binary_little_endian");
  if (!options.comment.empty()) out += "comment " + options.comment + "\n";
  out += fmt::format("element vertex {}\nproperty float x\nproperty float y\nproperty float z\n",
                     cloud.size());
  if (colour) out += "property uchar red\nproperty uchar green\nproperty uchar blue\n";
  out += "end_header\n";

  // Vertices: 12 (+3) bytes each, or one text line each.
  const int64_t n = cloud.size();
  if (options.ascii) {
    for (int64_t i = 0; i < n; ++i) {
      out += fmt::format("{} {} {}", cloud.xyz[3 * i], cloud.xyz[3 * i + 1], cloud.xyz[3 * i + 2]);
      if (colour)
        out +=
            fmt::format(" {} {} {}", cloud.rgb[3 * i], cloud.rgb[3 * i + 1], cloud.rgb[3 * i + 2]);
      out += '\n';
    }
  } else {
    const size_t stride = colour ? 15 : 12;
    const size_t header = out.size();
    out.resize(header + stride * static_cast<size_t>(n));
    char* p = out.data() + header;
    for (int64_t i = 0; i < n; ++i, p += stride) {
      std::memcpy(p, cloud.xyz.data() + 3 * i, 12);  // x86 and ARM are little-endian
      if (colour) std::memcpy(p + 12, cloud.rgb.data() + 3 * i, 3);
    }
  }
  WriteFileAtomic(path, out);
}

PlyPointCloud ReadPly(const std::filesystem::path& path) {
  const std::string bytes = ReadFileToString(path);
  const std::string where = path.string();
  if (bytes.rfind("ply", 0) != 0)
    throw Error(fmt::format("{}: not a PLY file (no 'ply' magic line)", where));
  const size_t end = bytes.find("end_header");
  if (end == std::string::npos) throw Error(fmt::format("{}: PLY header has no end_header", where));
  const size_t body = bytes.find('\n', end);
  if (body == std::string::npos)
    throw Error(fmt::format("{}: PLY header ends without a newline", where));

  // Header: format, the vertex element and its properties.
  std::istringstream header(bytes.substr(0, end));
  std::string line;
  bool ascii = false;
  bool in_vertex = false;
  bool vertex_seen = false;
  int64_t count = -1;
  std::vector<Property> properties;
  int line_number = 0;
  while (std::getline(header, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string keyword;
    words >> keyword;
    if (keyword == "format") {
      std::string format;
      words >> format;
      if (format == "ascii")
        ascii = true;
      else if (format != "binary_little_endian")
        throw Error(fmt::format(
            "{}: header line {}: unsupported PLY format '{}' (ascii or binary_little_endian)",
            where, line_number, format));
    } else if (keyword == "element") {
      std::string name;
      int64_t n = -1;
      words >> name >> n;
      if (in_vertex || vertex_seen) {
        in_vertex = false;  // a later element (faces): ignored
        continue;
      }
      if (name != "vertex") {
        throw Error(fmt::format("{}: header line {}: the first element must be 'vertex', got '{}'",
                                where, line_number, name));
      }
      if (n < 0)
        throw Error(fmt::format("{}: header line {}: bad vertex count", where, line_number));
      count = n;
      in_vertex = vertex_seen = true;
    } else if (keyword == "property" && in_vertex) {
      Property property;
      words >> property.type >> property.name;
      if (property.type == "list") {
        throw Error(fmt::format(
            "{}: header line {}: list properties in the vertex element are not supported", where,
            line_number));
      }
      property.size = ScalarSize(property.type);
      if (property.size == 0) {
        throw Error(fmt::format("{}: header line {}: unknown PLY type '{}'", where, line_number,
                                property.type));
      }
      static const char* kSlots[] = {"x", "y", "z", "red", "green", "blue"};
      for (int s = 0; s < 6; ++s) {
        if (property.name == kSlots[s]) property.slot = s;
      }
      properties.push_back(property);
    }
  }
  if (!vertex_seen) throw Error(fmt::format("{}: PLY header has no vertex element", where));
  bool has[6] = {};
  for (const Property& p : properties) {
    if (p.slot >= 0) has[p.slot] = true;
  }
  if (!has[0] || !has[1] || !has[2])
    throw Error(fmt::format("{}: PLY vertices lack x, y or z", where));
  const bool colour = has[3] && has[4] && has[5];

  // Vertices.
  PlyPointCloud cloud;
  cloud.xyz.resize(static_cast<size_t>(count) * 3);
  if (colour) cloud.rgb.resize(static_cast<size_t>(count) * 3);
  auto store = [&](int64_t i, const Property& p, double value) {
    if (p.slot >= 0 && p.slot < 3)
      cloud.xyz[3 * i + p.slot] = static_cast<float>(value);
    else if (p.slot >= 3 && colour)
      cloud.rgb[3 * i + p.slot - 3] = static_cast<uint8_t>(value);
  };
  if (ascii) {
    std::istringstream text(bytes.substr(body + 1));
    for (int64_t i = 0; i < count; ++i) {
      for (const Property& p : properties) {
        double value = 0.0;
        if (!(text >> value))
          throw Error(fmt::format("{}: vertex {}: missing or bad '{}' value", where, i, p.name));
        store(i, p, value);
      }
    }
  } else {
    size_t stride = 0;
    for (const Property& p : properties) stride += static_cast<size_t>(p.size);
    const size_t available = bytes.size() - (body + 1);
    if (available < stride * static_cast<size_t>(count)) {
      throw Error(fmt::format("{}: PLY file is truncated: {} vertices need {} bytes, {} present",
                              where, count, stride * count, available));
    }
    const char* p = bytes.data() + body + 1;
    for (int64_t i = 0; i < count; ++i) {
      for (const Property& property : properties) {
        store(i, property, ReadScalar(p, property.type));
        p += property.size;
      }
    }
  }
  return cloud;
}

}  // namespace intersynth
