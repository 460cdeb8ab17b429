#include "intersynth/motion/motion_file.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/io/npy.h"
#include "intersynth/io/npz.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using Shape = std::vector<int64_t>;

bool IsFloat(NpyDType dtype) { return dtype == NpyDType::kFloat32 || dtype == NpyDType::kFloat64; }

// Converts a float array to float32 after checking dtype and shape
// (-1 = any extent).
std::vector<float> RequireFloatArray(const NpyArray& array,
                                     const std::string& key,
                                     const Shape& expected,
                                     const std::filesystem::path& path) {
  if (!IsFloat(array.dtype)) {
    throw Error(fmt::format("{}: key '{}' has dtype {}, expected float32", path.string(), key,
                            NpyDTypeName(array.dtype)));
  }
  NpzRequireShape(array, expected, key, path);
  return array.ToVector<float>();
}

std::vector<float> RequireFloatArray(const NpzArchive& archive,
                                     const std::string& key,
                                     const Shape& expected,
                                     const std::filesystem::path& path) {
  return RequireFloatArray(NpzRequire(archive, key, path), key, expected, path);
}

std::vector<std::string> ReadStrings(const NpzArchive& archive,
                                     const std::string& key,
                                     const std::filesystem::path& path) {
  const auto it = archive.find(key);
  if (it == archive.end()) return {};
  if (it->second.dtype != NpyDType::kUnicode) {
    throw Error(fmt::format("{}: key '{}' has dtype {}, expected a unicode string array (<U)",
                            path.string(), key, NpyDTypeName(it->second.dtype)));
  }
  return it->second.strings;
}

void CheckSize(size_t actual, size_t expected, const char* name, const std::string& source) {
  if (actual != expected) {
    throw Error(
        fmt::format("{}: '{}' holds {} values, expected {} for the clip's persons and frames",
                    source, name, actual, expected));
  }
}

}  // namespace

void ValidateMotionClip(const MotionClip& clip, const std::string& source) {
  if (clip.num_persons <= 0 || clip.num_frames <= 0) {
    throw Error(fmt::format("{}: clip has {} persons and {} frames; both must be positive", source,
                            clip.num_persons, clip.num_frames));
  }
  if (!(clip.fps > 0) || !std::isfinite(clip.fps)) {
    throw Error(fmt::format("{}: fps is {}, expected a positive number", source, clip.fps));
  }
  const size_t frames = static_cast<size_t>(clip.num_persons) * clip.num_frames;
  CheckSize(clip.joints.size(), frames * kNumJoints * 3, "joints", source);
  if (!clip.rotations.empty())
    CheckSize(clip.rotations.size(), frames * kNumJoints * 6, "rotations", source);
  if (!clip.root_translation.empty()) {
    CheckSize(clip.root_translation.size(), frames * 3, "root_translation", source);
  }
  if (!clip.valid.empty()) CheckSize(clip.valid.size(), frames * kNumJoints, "valid", source);
  // Every joint a sensor saw must be finite.
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < clip.num_frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const size_t index = (static_cast<size_t>(p) * clip.num_frames + t) * kNumJoints + j;
        if (!clip.valid.empty() && !clip.valid[index]) continue;
        const float* x = clip.joint(p, t, j);
        if (!std::isfinite(x[0]) || !std::isfinite(x[1]) || !std::isfinite(x[2])) {
          throw Error(
              fmt::format("{}: joints of person {}, frame {}, joint {} are not finite ({}, {}, {})",
                          source, p, t, j, x[0], x[1], x[2]));
        }
      }
    }
  }
}

MotionClip ReadMotionFile(const std::filesystem::path& path) {
  const NpzArchive archive = ReadNpz(path);
  MotionClip clip;

  // joints: [P, T, 22, 3], or [T, 22, 3] for one person.
  const NpyArray& joints = NpzRequire(archive, "joints", path);
  const bool one_person = joints.shape.size() == 3;
  clip.joints = RequireFloatArray(
      joints, "joints", one_person ? Shape{-1, kNumJoints, 3} : Shape{-1, -1, kNumJoints, 3}, path);
  clip.num_persons = one_person ? 1 : static_cast<int>(joints.shape[0]);
  clip.num_frames = static_cast<int>(joints.shape[one_person ? 0 : 1]);

  // fps: a scalar (a one-element array is accepted too).
  const NpyArray& fps = NpzRequire(archive, "fps", path);
  if (fps.dtype == NpyDType::kUnicode || fps.size() != 1) {
    throw Error(fmt::format("{}: key 'fps' must be one number, found dtype {} with {} values",
                            path.string(), NpyDTypeName(fps.dtype), fps.size()));
  }
  clip.fps = fps.ToVector<float>()[0];

  clip.text = ReadStrings(archive, "text", path);
  clip.labels = ReadStrings(archive, "labels", path);
  const std::vector<std::string> metadata = ReadStrings(archive, "metadata", path);
  if (metadata.size() > 1) {
    throw Error(fmt::format("{}: key 'metadata' must hold one string, found {}", path.string(),
                            metadata.size()));
  }
  if (!metadata.empty()) clip.metadata = metadata[0];

  // Optional per-frame arrays.
  const int64_t persons = clip.num_persons, frames = clip.num_frames;
  if (archive.count("rotations")) {
    clip.rotations =
        RequireFloatArray(archive, "rotations", {persons, frames, kNumJoints, 6}, path);
  }
  if (archive.count("root_translation")) {
    clip.root_translation =
        RequireFloatArray(archive, "root_translation", {persons, frames, 3}, path);
  }
  if (archive.count("valid")) {
    const NpyArray& valid = archive.at("valid");
    if (valid.dtype != NpyDType::kBool && valid.dtype != NpyDType::kUInt8) {
      throw Error(fmt::format("{}: key 'valid' has dtype {}, expected bool", path.string(),
                              NpyDTypeName(valid.dtype)));
    }
    NpzRequireShape(valid, {persons, frames, kNumJoints}, "valid", path);
    clip.valid = valid.ToVector<uint8_t>();
    // Joints nobody saw may hold NaN in the file; they read as 0.
    for (size_t i = 0; i < clip.valid.size(); ++i) {
      if (clip.valid[i]) continue;
      for (int k = 0; k < 3; ++k) {
        if (!std::isfinite(clip.joints[i * 3 + k])) clip.joints[i * 3 + k] = 0.0f;
      }
    }
  }
  ValidateMotionClip(clip, path.string());
  return clip;
}

void MotionFileWriteOptions::Check() const {
  for (const auto& [key, array] : extra) {
    if (key.empty()) throw OptionError("{extra} keys must not be empty");
    for (const char* own : kMotionFileKeys) {
      if (key == own) {
        throw OptionError(
            fmt::format("{{extra}} array '{}' would replace the motion file's own", key));
      }
    }
  }
}

void WriteMotionFile(const std::filesystem::path& path,
                     const MotionClip& clip,
                     const MotionFileWriteOptions& options) {
  options.Check();
  ValidateMotionClip(clip, path.string());
  const int64_t persons = clip.num_persons, frames = clip.num_frames;
  NpzArchive archive;
  archive["joints"] = NpyArray::Float32({persons, frames, kNumJoints, 3}, clip.joints);
  archive["fps"] = NpyArray::ScalarFloat32(clip.fps);
  archive["text"] = NpyArray::Unicode({static_cast<int64_t>(clip.text.size())}, clip.text);
  archive["labels"] = NpyArray::Unicode({static_cast<int64_t>(clip.labels.size())}, clip.labels);
  if (!clip.metadata.empty()) archive["metadata"] = NpyArray::Unicode({1}, {clip.metadata});
  if (!clip.rotations.empty()) {
    archive["rotations"] = NpyArray::Float32({persons, frames, kNumJoints, 6}, clip.rotations);
  }
  if (!clip.root_translation.empty()) {
    archive["root_translation"] = NpyArray::Float32({persons, frames, 3}, clip.root_translation);
  }
  if (!clip.valid.empty()) {
    archive["valid"] = NpyArray::Bool({persons, frames, kNumJoints},
                                      std::vector<bool>(clip.valid.begin(), clip.valid.end()));
  }
  for (const auto& [key, array] : options.extra) archive[key] = array;
  WriteNpz(path, archive, {.compress = options.compress});
}

}  // namespace intersynth
