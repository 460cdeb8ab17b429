#include "intersynth/io/npz.h"

#include <fmt/format.h>
#include <zip.h>

#include <memory>
#include <string_view>

#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kNpySuffix = ".npy";
// An empty zip file is just the end-of-central-directory record with zero
// entries: what np.savez() writes for no arrays. libzip deletes the file
// instead of writing one when an archive has no entries.
constexpr char kEmptyZip[22] = {'P', 'K', 5, 6};

// RAII for libzip handles, so that every error path frees them. An archive
// that was not closed successfully is discarded (nothing written).
struct ZipDiscarder {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscarder>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

// libzip's text for an error code returned by zip_open / zip_fclose.
std::string ZipErrorString(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Reads one member into memory. `source` is "archive.npz:member.npy".
std::string ReadMember(zip_t* zip,
                       zip_uint64_t index,
                       const zip_stat_t& stat,
                       const std::string& source) {
  if (!(stat.valid & ZIP_STAT_SIZE)) {
    throw Error(fmt::format("{}: corrupt member: no uncompressed size", source));
  }
  // A corrupt directory could declare terabytes: deflate cannot expand more
  // than ~1032:1, and a stored member is as long as its compressed bytes.
  if ((stat.valid & ZIP_STAT_COMP_SIZE) && (stat.valid & ZIP_STAT_COMP_METHOD) &&
      (stat.comp_method == ZIP_CM_STORE || stat.comp_method == ZIP_CM_DEFLATE) &&
      stat.size > stat.comp_size * 1100 + 1024) {
    throw Error(fmt::format("{}: corrupt member: declares {} bytes from {} compressed bytes",
                            source, stat.size, stat.comp_size));
  }
  ZipFilePtr member(zip_fopen_index(zip, index, 0));
  if (!member) {
    throw Error(fmt::format("{}: cannot open member: {}", source, zip_strerror(zip)));
  }
  std::string bytes(stat.size, '\0');
  zip_uint64_t done = 0;
  while (done < stat.size) {
    const zip_int64_t got = zip_fread(member.get(), bytes.data() + done, stat.size - done);
    if (got < 0) {
      throw Error(fmt::format("{}: corrupt member: {}", source, zip_file_strerror(member.get())));
    }
    if (got == 0) break;
    done += static_cast<zip_uint64_t>(got);
  }
  if (done != stat.size) {
    throw Error(
        fmt::format("{}: corrupt member: expected {} bytes, found {}", source, stat.size, done));
  }
  // One more read reaches the end of the stream, where libzip checks the CRC.
  char extra;
  const zip_int64_t tail = zip_fread(member.get(), &extra, 1);
  if (tail != 0) {
    throw Error(
        fmt::format("{}: corrupt member: {}", source,
                    tail < 0 ? zip_file_strerror(member.get()) : "longer than its declared size"));
  }
  const int close_code = zip_fclose(member.release());
  if (close_code != 0) {
    throw Error(fmt::format("{}: corrupt member: {}", source, ZipErrorString(close_code)));
  }
  return bytes;
}

// "(*, *, 22, 3)" for {-1, -1, 22, 3}.
std::string ShapePatternString(const std::vector<int64_t>& pattern) {
  std::string out = "(";
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (i > 0) out += ", ";
    out += pattern[i] < 0 ? "*" : std::to_string(pattern[i]);
  }
  return out + (pattern.size() == 1 ? ",)" : ")");
}

}  // namespace

NpzArchive ReadNpz(const fs::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(fmt::format("{}: no such file", file));
  if (fs::is_directory(path, ec)) {
    throw Error(fmt::format("{}: is a directory, expected an .npz file", file));
  }

  int open_code = 0;
  ZipPtr zip(zip_open(file.c_str(), ZIP_RDONLY, &open_code));
  if (!zip) {
    throw Error(fmt::format("{}: cannot read as an npz (zip) archive: {}", file,
                            ZipErrorString(open_code)));
  }

  NpzArchive archive;
  const zip_int64_t entries = zip_get_num_entries(zip.get(), 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 ||
        !(stat.valid & ZIP_STAT_NAME)) {
      throw Error(
          fmt::format("{}: corrupt archive: entry {}: {}", file, i, zip_strerror(zip.get())));
    }
    // Only .npy members are arrays; np.load exposes others as raw bytes.
    const std::string name = stat.name;
    if (!EndsWith(name, kNpySuffix)) continue;
    const std::string source = file + ":" + name;
    const std::string bytes = ReadMember(zip.get(), static_cast<zip_uint64_t>(i), stat, source);
    const std::string key = name.substr(0, name.size() - kNpySuffix.size());
    if (!archive.emplace(key, ParseNpy(bytes, source)).second) {
      throw Error(fmt::format("{}: duplicate member '{}'", file, name));
    }
  }
  return archive;
}

void NpzWriteOptions::Check() const {
  // Every value of every field is valid.
}

void WriteNpz(const fs::path& path, const NpzArchive& archive, const NpzWriteOptions& options) {
  options.Check();
  const std::string file = path.string();

  // Serialise every member first, so that a bad array fails before any file
  // exists. The buffers must outlive zip_close(), which reads them.
  std::vector<std::string> payloads;
  payloads.reserve(archive.size());
  for (const auto& [key, array] : archive) {
    if (key.find('\0') != std::string::npos) {
      throw Error(fmt::format("{}: key '{}' contains a NUL character", file, key));
    }
    payloads.push_back(SerializeNpy(array, {}, fmt::format("{}:{}{}", file, key, kNpySuffix)));
  }

  if (archive.empty()) {
    WriteFileAtomic(path, std::string_view(kEmptyZip, sizeof(kEmptyZip)));
    return;
  }

  // libzip writes the whole archive on zip_close(); we point it at the atomic
  // writer's temp file and rename that into place only after a clean close.
  AtomicFileWriter writer(path);
  int open_code = 0;
  ZipPtr zip(zip_open(writer.temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &open_code));
  if (!zip) {
    throw Error(fmt::format("{}: cannot create zip archive: {}", file, ZipErrorString(open_code)));
  }
  size_t member = 0;
  for (const auto& entry : archive) {
    const std::string name = entry.first + std::string(kNpySuffix);
    const std::string& payload = payloads[member++];
    zip_source_t* source = zip_source_buffer(zip.get(), payload.data(), payload.size(), 0);
    if (source == nullptr) {
      throw Error(
          fmt::format("{}: cannot add member '{}': {}", file, name, zip_strerror(zip.get())));
    }
    const zip_int64_t index = zip_file_add(zip.get(), name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
      // On failure the source still belongs to us.
      zip_source_free(source);
      throw Error(
          fmt::format("{}: cannot add member '{}': {}", file, name, zip_strerror(zip.get())));
    }
    // A fixed member time (the DOS epoch, 1980-01-01) instead of "now", so that
    // the same arrays always give the same bytes (reproducible datasets).
    constexpr time_t kMemberTime = 315532800;
    if (zip_file_set_mtime(zip.get(), static_cast<zip_uint64_t>(index), kMemberTime, 0) != 0) {
      throw Error(fmt::format("{}: cannot set the time of member '{}': {}", file, name,
                              zip_strerror(zip.get())));
    }
    const zip_int32_t method = options.compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
    if (zip_set_file_compression(zip.get(), static_cast<zip_uint64_t>(index), method, 0) != 0) {
      throw Error(fmt::format("{}: cannot set compression of member '{}': {}", file, name,
                              zip_strerror(zip.get())));
    }
  }
  if (zip_close(zip.get()) != 0) {
    throw Error(fmt::format("{}: cannot write zip archive: {}", file, zip_strerror(zip.get())));
  }
  // zip_close() freed the archive.
  zip.release();
  writer.Commit();
}

const NpyArray& NpzRequire(const NpzArchive& archive,
                           const std::string& key,
                           const fs::path& file) {
  const auto it = archive.find(key);
  if (it != archive.end()) return it->second;
  std::string keys;
  for (const auto& entry : archive) {
    if (!keys.empty()) keys += ", ";
    keys += entry.first;
  }
  throw Error(fmt::format("{}: missing key '{}' (has: {})", file.string(), key,
                          keys.empty() ? "no arrays" : keys));
}

void NpzRequireDType(const NpyArray& array,
                     NpyDType dtype,
                     const std::string& key,
                     const fs::path& file) {
  if (array.dtype == dtype) return;
  throw Error(fmt::format("{}: key '{}' has dtype {}, expected {}", file.string(), key,
                          NpyDTypeName(array.dtype), NpyDTypeName(dtype)));
}

void NpzRequireShape(const NpyArray& array,
                     const std::vector<int64_t>& expected,
                     const std::string& key,
                     const fs::path& file) {
  bool matches = array.shape.size() == expected.size();
  for (size_t i = 0; matches && i < expected.size(); ++i) {
    matches = expected[i] < 0 || expected[i] == array.shape[i];
  }
  if (matches) return;
  throw Error(fmt::format("{}: key '{}' has shape {}, expected {}", file.string(), key,
                          NpyShapeString(array.shape), ShapePatternString(expected)));
}

}  // namespace intersynth
