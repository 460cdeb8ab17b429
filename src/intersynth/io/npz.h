#pragma once
// NumPy .npz archives: a zip file with one .npy member per array, as written
// by np.savez (members stored) and np.savez_compressed (members deflated).
//
// Keys are the member names without the ".npy" suffix, as np.load(f).files
// shows them ("joints" for the member "joints.npy"). Members whose name does
// not end in ".npy" (and folder entries) are ignored on read.
//
// Errors name the archive and, for a member, "archive.npz:member.npy".
//
//   NpzArchive clip = ReadNpz("clip.npz");
//   const NpyArray& joints = NpzRequire(clip, "joints", "clip.npz");
//   NpzRequireDType(joints, NpyDType::kFloat32, "joints", "clip.npz");
//   NpzRequireShape(joints, {-1, -1, 22, 3}, "joints", "clip.npz");  // [P, T, 22, 3]

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "intersynth/io/npy.h"

namespace intersynth {

/// Arrays by key (member name without ".npy"), sorted by key.
using NpzArchive = std::map<std::string, NpyArray>;

/// Options of WriteNpz.
struct NpzWriteOptions {
  /// true: deflate every member, like np.savez_compressed; false: store them
  /// uncompressed, like np.savez.
  bool compress = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Reads every .npy member of an .npz file. Throws Error naming the file when
/// it is missing, not a zip archive, or holds a corrupt or unsupported member.
NpzArchive ReadNpz(const std::filesystem::path& path);

/// Writes `archive` as an .npz file, atomically: on any error no file (and no
/// temporary file) is left behind and an existing file at `path` is untouched.
/// An empty archive gives an empty zip file, as np.savez() does.
void WriteNpz(const std::filesystem::path& path,
              const NpzArchive& archive,
              const NpzWriteOptions& options = {});

/// The array stored under `key`. Throws Error
///   "clip.npz: missing key 'joints' (has: fps, text)"
/// when absent; `file` is only used in the message.
const NpyArray& NpzRequire(const NpzArchive& archive,
                           const std::string& key,
                           const std::filesystem::path& file);

/// Throws Error "clip.npz: key 'joints' has dtype int64, expected float32"
/// unless `array` has `dtype`.
void NpzRequireDType(const NpyArray& array,
                     NpyDType dtype,
                     const std::string& key,
                     const std::filesystem::path& file);

/// Checks the shape against a pattern of the same rank where -1 matches any
/// size, e.g. {-1, -1, 22, 3} for [P, T, 22, 3]. Throws Error
///   "clip.npz: key 'joints' has shape (2, 60, 21, 3), expected (*, *, 22, 3)"
/// on a rank or size mismatch.
void NpzRequireShape(const NpyArray& array,
                     const std::vector<int64_t>& expected,
                     const std::string& key,
                     const std::filesystem::path& file);

}  // namespace intersynth
