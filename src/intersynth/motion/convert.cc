#include "intersynth/motion/convert.h"

#include <fmt/format.h>

#include <algorithm>

#include "intersynth/body/mocap_import.h"
#include "intersynth/io/npy.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/features_263.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

constexpr int kHumanML3DDim = 263;
constexpr int kInterGenDim = 262;

bool IsFeatures(MotionFormat format) {
  return format == MotionFormat::kHumanML3D || format == MotionFormat::kInterGen;
}

int FeatureDim(MotionFormat format) {
  return format == MotionFormat::kHumanML3D ? kHumanML3DDim : kInterGenDim;
}

// Splits a [N, D] or [P, N, D] feature array into persons and rows.
void FeatureShape(const NpyArray& array, int dim, const fs::path& path, int* persons, int* rows) {
  const auto& s = array.shape;
  if ((s.size() != 2 && s.size() != 3) || s.back() != dim) {
    throw Error(fmt::format("{}: feature array has shape {}, expected (N, {}) or (P, N, {})",
                            path.string(), NpyShapeString(s), dim, dim));
  }
  *persons = s.size() == 3 ? static_cast<int>(s[0]) : 1;
  *rows = static_cast<int>(s[s.size() - 2]);
  if (*persons < 1 || *rows < 1) {
    throw Error(
        fmt::format("{}: feature array is empty (shape {})", path.string(), NpyShapeString(s)));
  }
}

// Loads mean/std when the options name them; checks their size against `dim`.
std::optional<FeatureNormalizer> LoadNormalizer(const ConvertOptions& options, int dim) {
  if (options.mean.empty() && options.std.empty()) return std::nullopt;
  if (options.mean.empty() || options.std.empty()) {
    throw OptionError("normalisation needs both {mean} and {std}");
  }
  FeatureNormalizer normalizer = FeatureNormalizer::Load(options.mean, options.std);
  if (normalizer.dim() != dim) {
    throw Error(fmt::format("{}: has {} channels, but the features have {}", options.mean.string(),
                            normalizer.dim(), dim));
  }
  return normalizer;
}

std::vector<int64_t> PersonShape(int persons, std::vector<int64_t> per_person) {
  if (persons > 1) per_person.insert(per_person.begin(), persons);
  return per_person;
}

}  // namespace

MotionFormat ParseMotionFormat(std::string_view text, std::string_view field) {
  for (const EnumName<MotionFormat>& alias : kMotionFormatAliases) {
    if (alias.name == text) return alias.value;
  }
  return EnumFromString(text, kMotionFormatNames, field);
}

void ConvertOptions::Check() const {
  CheckRequired(input.string(), "input");
  CheckRequired(output.string(), "output");
  if (to == MotionFormat::kMocap) {
    throw OptionError(
        fmt::format("{}: {{to}} mocap (.bvh/.amc) is an input kind only; write "
                    "motion, joints, hml263 or ig262",
                    output.string()));
  }
  if (mean.empty() != std.empty()) throw OptionError("normalisation needs both {mean} and {std}");
  CheckPositive(fps, "fps");
  CheckFinite(fps, "fps");
  CheckAtLeast(metres_per_unit, 0.0, "metres_per_unit");
  CheckFinite(metres_per_unit, "metres_per_unit");
  CheckAtLeast(source_fps, 0.0, "source_fps");
  CheckFinite(source_fps, "source_fps");
}

MotionFormat DetectInputFormat(const fs::path& path) {
  const std::string ext = LowerExtension(path);
  if (ext == "npz") return MotionFormat::kMotion;
  if (ext == "bvh" || ext == "amc") return MotionFormat::kMocap;
  if (ext != "npy") {
    throw OptionError(
        fmt::format("{}: cannot tell the motion kind from extension '.{}' "
                    "(expected .npz, .npy, .bvh or .amc; pass {{from}})",
                    path.string(), ext));
  }
  const NpyArray array = ReadNpy(path);
  const auto& s = array.shape;
  if (s.size() >= 3 && s.size() <= 4 && s[s.size() - 2] == kNumJoints && s.back() == 3) {
    return MotionFormat::kJoints;
  }
  if (!s.empty() && s.back() == kHumanML3DDim) return MotionFormat::kHumanML3D;
  if (!s.empty() && s.back() == kInterGenDim) return MotionFormat::kInterGen;
  throw OptionError(
      fmt::format("{}: array of shape {} is neither joints (.., 22, 3) nor 263/262 "
                  "features; pass {{from}}",
                  path.string(), NpyShapeString(s)));
}

MotionClip ReadMotionAs(const fs::path& path, MotionFormat format, const ConvertOptions& options) {
  if (format == MotionFormat::kMotion) return ReadMotionFile(path);
  if (format == MotionFormat::kMocap) {
    MocapImportOptions import;
    import.metres_per_unit = options.metres_per_unit;
    import.fps_override = options.source_fps;
    import.joint_map = options.joint_map;
    import.asf = options.asf;
    ImportedTake take = ImportMocapTake(path, import);
    MotionClip clip;
    clip.num_persons = 1;
    clip.num_frames = take.num_frames;
    clip.fps = static_cast<float>(take.fps);
    clip.joints = std::move(take.joints);
    ValidateMotionClip(clip, path.string());
    return clip;
  }
  const NpyArray array = ReadNpy(path);

  // Joint positions: [T, 22, 3] or [P, T, 22, 3].
  if (format == MotionFormat::kJoints) {
    const auto& s = array.shape;
    const bool ok = (s.size() == 3 || s.size() == 4) && s[s.size() - 2] == kNumJoints &&
                    s.back() == 3 && array.dtype != NpyDType::kUnicode;
    if (!ok) {
      throw Error(fmt::format("{}: joint array has shape {}, expected (T, 22, 3) or (P, T, 22, 3)",
                              path.string(), NpyShapeString(s)));
    }
    MotionClip clip;
    clip.num_persons = s.size() == 4 ? static_cast<int>(s[0]) : 1;
    clip.num_frames = static_cast<int>(s[s.size() - 3]);
    clip.fps = options.fps;
    clip.joints = array.ToVector<float>();
    ValidateMotionClip(clip, path.string());
    return clip;
  }

  // Features: de-normalise, then decode person by person (263) or jointly (262).
  const int dim = FeatureDim(format);
  int persons = 0, rows = 0;
  FeatureShape(array, dim, path, &persons, &rows);
  std::vector<float> values = array.ToVector<float>();
  if (const auto normalizer = LoadNormalizer(options, dim)) {
    normalizer->Denormalize(values.data(), static_cast<int64_t>(persons) * rows);
  }
  MotionClip clip;
  if (format == MotionFormat::kHumanML3D) {
    clip = MotionClip::Zeros(persons, rows, options.fps);
    for (int p = 0; p < persons; ++p) {
      const std::vector<float> joints =
          DecodeHumanML3D(values.data() + static_cast<size_t>(p) * rows * dim, rows);
      std::copy(joints.begin(), joints.end(), clip.person(p));
    }
  } else {
    InterGenFeatures features;
    features.num_persons = persons;
    features.num_rows = rows;
    features.values = std::move(values);
    clip = DecodeInterGen(features);
    clip.fps = options.fps;
  }
  ValidateMotionClip(clip, path.string());
  return clip;
}

void WriteMotionAs(const MotionClip& clip,
                   const fs::path& path,
                   MotionFormat format,
                   const ConvertOptions& options) {
  ValidateMotionClip(clip, path.string());
  switch (format) {
    case MotionFormat::kMocap:
      throw Error(
          fmt::format("{}: writing BVH/AMC is not supported by convert (mocap is an input "
                      "kind); write motion, joints, hml263 or ig262",
                      path.string()));
    case MotionFormat::kMotion: {
      WriteMotionFile(path, clip, {.compress = options.compress});
      return;
    }
    case MotionFormat::kJoints: {
      WriteNpy(path,
               NpyArray::Float32(PersonShape(clip.num_persons, {clip.num_frames, kNumJoints, 3}),
                                 clip.joints));
      return;
    }
    case MotionFormat::kHumanML3D:
    case MotionFormat::kInterGen: {
      if (clip.num_frames < 2) {
        throw Error(fmt::format("{}: features need at least 2 frames, the clip has {}",
                                path.string(), clip.num_frames));
      }
      const int dim = FeatureDim(format);
      const int rows = clip.num_frames - 1;
      std::vector<float> values;
      if (format == MotionFormat::kHumanML3D) {
        // Each person as HumanML3D processes a clip (floor, origin, face +Z at
        // frame 0): the format assumes it, and it is a no-op on HumanML3D's own joints.
        for (int p = 0; p < clip.num_persons; ++p) {
          const std::vector<float> canonical =
              CanonicalizeHumanML3DJoints(clip.person(p), clip.num_frames);
          const std::vector<float> person = EncodeHumanML3D(canonical.data(), clip.num_frames);
          values.insert(values.end(), person.begin(), person.end());
        }
      } else {
        values = EncodeInterGen(clip).values;
      }
      if (const auto normalizer = LoadNormalizer(options, dim)) {
        normalizer->Normalize(values.data(), static_cast<int64_t>(clip.num_persons) * rows);
      }
      WriteNpy(path, NpyArray::Float32(PersonShape(clip.num_persons, {rows, dim}), values));
      return;
    }
  }
}

ConvertReport ConvertMotion(const ConvertOptions& options) {
  options.Check();
  ConvertReport report;
  report.from = options.from ? *options.from : DetectInputFormat(options.input);

  // The output kind: explicit, or .npz = motion, or joints for features -> .npy.
  const std::string out_ext = LowerExtension(options.output);
  if (options.to) {
    report.to = *options.to;
  } else if (out_ext == "npz") {
    report.to = MotionFormat::kMotion;
  } else if (out_ext == "npy" && IsFeatures(report.from)) {
    report.to = MotionFormat::kJoints;
  } else {
    throw OptionError(
        fmt::format("{}: cannot tell which kind to write; pass {{to}} "
                    "(motion, joints, hml263 or ig262)",
                    options.output.string()));
  }
  const std::string want_ext = report.to == MotionFormat::kMotion ? "npz" : "npy";
  if (out_ext != want_ext) {
    throw Error(fmt::format("{}: a {} output must end in .{}", options.output.string(),
                            ToString(report.to), want_ext));
  }
  if (IsFeatures(report.from) && IsFeatures(report.to) && !options.mean.empty()) {
    throw OptionError(
        "{mean}/{std} are ambiguous when both sides are features; convert in two steps through "
        "joints");
  }

  MotionClip clip = ReadMotionAs(options.input, report.from, options);
  if (!options.text.empty()) clip.text = options.text;
  WriteMotionAs(clip, options.output, report.to, options);

  // What was done, in one line.
  report.num_persons = clip.num_persons;
  const bool in_rows = IsFeatures(report.from), out_rows = IsFeatures(report.to);
  report.frames_in = clip.num_frames;  // N feature rows decode to N frames
  report.frames_out = out_rows ? clip.num_frames - 1 : clip.num_frames;
  report.summary = fmt::format(
      "{} ({}) -> {} ({}): {} person{}, {} {} in, {} {} out{}", options.input.string(),
      ToString(report.from), options.output.string(), ToString(report.to), report.num_persons,
      report.num_persons == 1 ? "" : "s", report.frames_in, in_rows ? "feature rows" : "frames",
      report.frames_out, out_rows ? "feature rows" : "frames",
      options.mean.empty()
          ? ""
          : " (normalised side: " + std::string(in_rows ? "input" : "output") + ")");
  return report;
}

}  // namespace intersynth
