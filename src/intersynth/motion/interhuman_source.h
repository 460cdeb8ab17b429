#pragma once
// Reading the InterHuman two-person corpus (Liang et al., InterGen, IJCV 2024)
// in the folder layout of tr3e/InterGen's loader (datasets/interhuman.py), so
// that a user who holds it can build a dataset from it:
//
//   ROOT/motions_processed/person1/<id>.npy   float32 [T, 492], 30 fps
//   ROOT/motions_processed/person2/<id>.npy   the partner, same T
//   ROOT/annots/<id>.txt                      one caption per line, UTF-8
//   ROOT/{train,val,test}.txt                 one id per line (optional)
//   ROOT/ignore_list.txt                      ids to skip (optional)
//
// Columns of a motion row (notes/intergen-format.md):
//   0..185    62 SMPL-H joint positions, joint j at 3j + (x, y, z): global
//             world, metres, Z up; joints 0..21 are smpl22 in SMPL order
//   186..491  51 local rot6d of the non-root body and hand joints (not read)
// 492 is the corpus width; any [T, >= 66] array reads (only the first 22
// joints are used), so position-only arrays work too. float64 files read too.
//
// Axes: the corpus is Z up; intersynth's world is Y up (DESIGN.md). As
// InterGen does (utils/utils.py, trans_matrix in process_motion_np), a point
// (x, y, z) in the file becomes
//   joints_in_world = (x, z, -y),
// a rotation by -90 degrees about +X (right-handed, determinant +1).
// Nothing else is applied: the joints are not put on the floor and not
// canonicalised (InterGen subtracts each person's lowest y and recentres on
// frame 0; callers do that), and both persons stay in their shared world
// frame so that their relative position is kept.
//
// Id lists (splits, ignore list): every line is trimmed of blanks (CR,
// spaces, tabs) and blank lines are skipped. InterGen instead compares each
// raw line, newline included, with "<id>\n", so a last line without a
// newline never matches and its id is silently dropped from the split (or
// not ignored). We do not reproduce that.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace intersynth {

/// Frame rate of the corpus. InterGen assumes 30 fps and never resamples
/// (utils/preprocess.py, tools/infer.py).
inline constexpr float kInterHumanFps = 30.0f;
/// Width of a corpus motion row: 62 joints x 3 + 51 rot6d x 6.
inline constexpr int kInterHumanRowWidth = 492;
/// Fewest columns a motion file may have: the 22 smpl22 joints x 3.
inline constexpr int kInterHumanMinColumns = 66;

/// Clip ids (file stems of motions_processed/person1/*.npy), sorted, without
/// those in ignore_list.txt. Error when person1/ is missing, and when a listed
/// clip has no person2 file (the message names both paths).
std::vector<std::string> ListInterHumanClips(const std::filesystem::path& root);

/// id -> "train", "val" or "test" from the split lists present under `root`
/// (none present: empty). An id listed in two lists is an Error naming the
/// file, the line and the other list; a repeat within one list is harmless and
/// accepted. Ids on the ignore list are kept here; ListInterHumanClips drops them.
std::map<std::string, std::string> ReadInterHumanSplits(const std::filesystem::path& root);

/// One two-person clip.
struct InterHumanClip {
  std::string id;
  int num_frames = 0;
  /// Frames per second (kInterHumanFps).
  float fps = kInterHumanFps;
  /// [2, T, 22, 3] joints_in_world, metres, Y up (converted as above);
  /// person 0 from person1/, person 1 from person2/.
  std::vector<float> joints;
  /// Caption lines of annots/<id>.txt, trimmed, blank lines skipped; empty
  /// when the file is absent.
  std::vector<std::string> captions;
};

/// Reads clip `id` under `root`. Error naming the file for a missing file, a
/// dtype other than float32/float64, a shape other than [T >= 1, >= 66],
/// person files with different T, a NaN or infinite joint coordinate (the
/// message names frame and joint), and a caption file that is not UTF-8.
InterHumanClip ReadInterHumanClip(const std::filesystem::path& root, const std::string& id);

}  // namespace intersynth
