#pragma once
// Conversion between the motion formats of the field, through MotionClip:
//
//   kind      file                          shape
//   motion    intersynth motion .npz        see motion_file.h
//   joints    .npy joint positions          [T, 22, 3] or [P, T, 22, 3]
//   hml263    .npy HumanML3D features       [N, 263] or [P, N, 263]
//   ig262     .npy intersynth/InterGen      [N, 262] or [P, N, 262]
//   mocap     .bvh or .amc take (input only): retargeted onto smpl22 through
//             the first joint map that fits (body/mocap_import.h)
//
// Feature files hold N = T − 1 rows for T frames (each row is a frame
// transition). Features are "decoded" (raw) unless mean/std files are given,
// in which case they are "encoded" (normalised, (x − mean) / std): input
// features are de-normalised before decoding, output features normalised after
// encoding. Encoding hml263 first canonicalises each person as HumanML3D
// does (floor at y = 0, frame 0's root at the XZ origin, facing +Z); the
// features are root-relative, so hml263 → joints returns the motion in that
// canonical placement. An ig262 file does not store where the clip stood in
// the world either: ig262 → joints gives every person in the shared canonical
// frame (person 0's root at the XZ origin facing +Z at frame 0, heights kept).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/options.h"

namespace intersynth {

/// The kinds of the table in the file comment.
enum class MotionFormat { kMotion, kJoints, kHumanML3D, kInterGen, kMocap };
inline constexpr EnumName<MotionFormat> kMotionFormatNames[] = {
    {MotionFormat::kMotion, "motion"},
    {MotionFormat::kJoints, "joints"},
    {MotionFormat::kHumanML3D, "hml263"},
    {MotionFormat::kInterGen, "ig262"},
    {MotionFormat::kMocap, "mocap"}};
/// Further spellings that ParseMotionFormat accepts (never printed).
inline constexpr EnumName<MotionFormat> kMotionFormatAliases[] = {
    {MotionFormat::kMotion, "npz"},
    {MotionFormat::kHumanML3D, "263"},
    {MotionFormat::kHumanML3D, "humanml3d"},
    {MotionFormat::kInterGen, "262"},
    {MotionFormat::kInterGen, "intergen"},
    {MotionFormat::kMocap, "bvh"},
    {MotionFormat::kMocap, "amc"}};

/// "motion", "joints", "hml263", "ig262" or "mocap".
inline std::string_view ToString(MotionFormat format) {
  return EnumToString(format, kMotionFormatNames);
}
/// A kind name of kMotionFormatNames or kMotionFormatAliases; throws
/// OptionError "{field} must be motion, joints, hml263, ig262 or mocap, got
/// 'text'" otherwise.
MotionFormat ParseMotionFormat(std::string_view text, std::string_view field = "format");
/// Guesses the kind of an existing file from its extension and array shape.
/// Throws OptionError when it cannot tell (saying to pass {from}).
MotionFormat DetectInputFormat(const std::filesystem::path& path);

/// Options of ConvertMotion.
struct ConvertOptions {
  /// The file to read and the file to write (atomically).
  std::filesystem::path input;
  std::filesystem::path output;
  /// Input kind; detected from the file when empty.
  std::optional<MotionFormat> from;
  /// Output kind; from the extension (.npz = motion) when empty. A .npy output
  /// needs it unless the input is features (then joints). Never mocap.
  std::optional<MotionFormat> to;
  /// Normalisation statistics (.npy, [263] or [262]) for the feature side:
  /// both or neither.
  std::filesystem::path mean;
  std::filesystem::path std;
  /// Frame rate of inputs that do not store one (joint and feature .npy).
  float fps = 20.0f;
  /// Captions to store in a motion output (replacing the input's, if any).
  std::vector<std::string> text;
  /// Deflate a motion .npz output.
  bool compress = true;
  /// Mocap input: metres per file unit (0 = guess from the body), a user's
  /// joint map tried first, and the ASF skeleton of an .amc take.
  double metres_per_unit = 0.0;
  /// Mocap input: frames per second replacing the file's (0 keeps it).
  double source_fps = 0.0;
  std::filesystem::path joint_map;
  std::filesystem::path asf;

  /// Throws OptionError naming the first bad field (values only; the files
  /// are checked when ConvertMotion opens them).
  void Check() const;
};

struct ConvertReport {
  MotionFormat from = MotionFormat::kMotion;
  MotionFormat to = MotionFormat::kMotion;
  int num_persons = 0;
  /// Frames (or feature rows) read and written.
  int frames_in = 0;
  int frames_out = 0;
  /// One line saying what was done, for the CLI.
  std::string summary;
};

/// Reads any supported kind into a clip; `options` gives the fps, mean, std
/// and mocap fields (its input and output are not used, nor checked).
MotionClip ReadMotionAs(const std::filesystem::path& path,
                        MotionFormat format,
                        const ConvertOptions& options);

/// Writes a clip as any supported kind, atomically; `options` as above.
void WriteMotionAs(const MotionClip& clip,
                   const std::filesystem::path& path,
                   MotionFormat format,
                   const ConvertOptions& options);

/// Converts options.input into options.output. Throws OptionError for bad
/// options, Error on bad input; no output file is left behind then.
ConvertReport ConvertMotion(const ConvertOptions& options);

}  // namespace intersynth
