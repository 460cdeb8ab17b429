#pragma once
// The intersynth motion file: a NumPy .npz archive (readable with np.load).
//
//   key               dtype    shape           required
//   joints            float32  [P, T, 22, 3]   yes  joints_in_world, metres, Y up
//   fps               float32  []              yes
//   text              <U       [K]             no   captions (UTF-8 in memory)
//   labels            <U       [L]             no
//   metadata          <U       [1]             no   JSON: how the clip was made (generate settings)
//   rotations         float32  [P, T, 22, 6]   no   local 6D, column 0 then column 1
//   root_translation  float32  [P, T, 3]       no
//   valid             bool     [P, T, 22]      no   false where no sensor saw the joint
//
// Reading accepts float64 for the float keys and [T, 22, 3] joints (P = 1).
// Joint values are unspecified where `valid` is false; non-finite values there
// read as 0. Anywhere else a NaN or inf is an error naming person, frame, joint.

#include <filesystem>
#include <map>
#include <string>

#include "intersynth/io/npy.h"
#include "intersynth/motion/motion_clip.h"

namespace intersynth {

/// The arrays of a motion file (see the DESIGN conventions), present or not.
inline constexpr const char* kMotionFileKeys[] = {
    "joints", "fps", "text", "labels", "metadata", "rotations", "root_translation", "valid"};

/// Options of WriteMotionFile.
struct MotionFileWriteOptions {
  /// Deflate the members (np.savez_compressed); false stores them (np.savez).
  bool compress = true;
  /// Further arrays stored beside the clip's (e.g. the body-model
  /// parameters of `intersynth recover`); a key of the motion file's own
  /// arrays (kMotionFileKeys) or an empty key is an error. ReadMotionFile
  /// ignores them.
  std::map<std::string, NpyArray> extra;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Reads and validates a motion .npz. Throws Error naming the file and the key.
MotionClip ReadMotionFile(const std::filesystem::path& path);

/// Writes a motion .npz atomically (no file is left behind on failure).
/// Throws OptionError for bad options, Error when the clip's arrays disagree
/// with its sizes.
void WriteMotionFile(const std::filesystem::path& path,
                     const MotionClip& clip,
                     const MotionFileWriteOptions& options = {});

/// Checks that the clip's array sizes match num_persons and num_frames and that
/// valid joints are finite. `source` names the clip in the error message.
void ValidateMotionClip(const MotionClip& clip, const std::string& source);

}  // namespace intersynth
