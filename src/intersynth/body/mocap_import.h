#pragma once
// One motion-capture take (BVH, or ASF/AMC) onto the smpl22 skeleton:
// forward kinematics in metres, the first joint map that fits (a user's map
// first, then the bundled data/joint_maps), retargeting, and the floor at
// y = 0. The source's own world frame is kept otherwise (Y up).
//
// Length units: ASF/AMC state theirs (`:units length`). BVH does not, and
// headers are not to be trusted (the CMU BVH files here are in the ASF unit,
// 0.05644 m, not metres), so unless the caller gives metres_per_unit the unit
// is guessed from the body: the median height of the smpl22 head joint above
// the lowest foot joint must be a plausible 1.0-2.1 m in exactly one of the
// common units (m, cm, mm, inch, ASF unit); the one closest to 1.45 m wins.
// A T-pose added before the take (frame 0 of many CMU conversions) is dropped
// (IsAddedTPose, body/retarget.h).

#include <filesystem>
#include <string>
#include <vector>

namespace intersynth {

/// Options of ImportMocapTake.
struct MocapImportOptions {
  /// Metres per file unit; 0 guesses it (BVH only; ASF/AMC state theirs).
  double metres_per_unit = 0.0;
  /// A joint map tried before the bundled ones.
  std::filesystem::path joint_map;
  /// Folder of bundled maps; empty = DefaultJointMapDir().
  std::filesystem::path joint_map_dir;
  /// The ASF skeleton of an .amc take; empty = the only .asf beside it.
  std::filesystem::path asf;
  /// Frame rate of an .amc take (AMC files do not store one; HDM05 and CMU: 120).
  double amc_fps = 120.0;
  /// Frames per second to use instead of the file's (BVH headers can be
  /// wrong: CMU 18_01 says 30 but is 120); 0 keeps the file's rate.
  double fps_override = 0.0;
  /// Drop frame 0 when it is a T-pose added before the take (IsAddedTPose).
  bool drop_added_t_pose = true;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// A take on smpl22: joints [T, 22, 3] float metres, floor at y = 0.
struct ImportedTake {
  std::vector<float> joints;
  int num_frames = 0;
  double fps = 0.0;
  /// Name of the joint map used.
  std::string joint_map;
  double metres_per_unit = 0.0;
  /// Whether metres_per_unit was guessed from the body.
  bool unit_guessed = false;
  /// Whether an added T-pose at frame 0 was dropped.
  bool dropped_t_pose = false;
};

/// Imports a .bvh or .amc take. Throws OptionError for bad options, and
/// naming the file for an unknown skeleton (listing the names a map needs,
/// asking for {joint_map}), a length unit that cannot be told (asking for
/// {metres_per_unit}) or an .amc take without its skeleton (asking for
/// {asf}); Error naming the file for unreadable input.
ImportedTake ImportMocapTake(const std::filesystem::path& path,
                             const MocapImportOptions& options = {});

/// The ASF skeleton of an .amc take: `given` when not empty, else the only
/// .asf file beside the take. Throws OptionError (asking for {asf}) otherwise.
std::filesystem::path FindAsfFor(const std::filesystem::path& amc,
                                 const std::filesystem::path& given);

/// The guess described above from the median head height `height_in_units`
/// (file units). Throws Error naming `what` when no unit fits.
double GuessMetresPerUnit(double height_in_units, const std::string& what);

}  // namespace intersynth
