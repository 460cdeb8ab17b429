#include "intersynth/motion/interhuman_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include "intersynth/io/npy.h"
#include "intersynth/motion/corpus_lists.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

// Ids of ignore_list.txt (empty when the file is absent).
std::set<std::string> ReadIgnoreList(const fs::path& root) {
  const fs::path list = root / "ignore_list.txt";
  std::set<std::string> ignored;
  std::error_code ec;
  if (!fs::exists(list, ec)) return ignored;
  for (auto& [number, id] : ReadTrimmedLines(list)) ignored.insert(std::move(id));
  return ignored;
}

// One person's motion file as [T, 22, 3] joints_in_world (Y up).
std::vector<float> ReadPersonJoints(const fs::path& path, int* num_frames) {
  const NpyArray motion = ReadNpy(path);

  // Shape and dtype: [T >= 1, >= 66] floats.
  if (motion.dtype != NpyDType::kFloat32 && motion.dtype != NpyDType::kFloat64) {
    throw Error(fmt::format("{}: motion has dtype {}, expected float32 (or float64)", path.string(),
                            NpyDTypeName(motion.dtype)));
  }
  if (motion.shape.size() != 2 || motion.shape[1] < kInterHumanMinColumns) {
    throw Error(fmt::format(
        "{}: motion has shape {}, expected (T, {}): 62 joint positions and 51 rot6d per frame (at "
        "least the {} columns of the first 22 joints)",
        path.string(), NpyShapeString(motion.shape), kInterHumanRowWidth, kInterHumanMinColumns));
  }
  if (motion.shape[0] < 1) {
    throw Error(fmt::format("{}: motion has shape {}, expected at least one frame", path.string(),
                            NpyShapeString(motion.shape)));
  }
  const int frames = static_cast<int>(motion.shape[0]);
  const size_t columns = static_cast<size_t>(motion.shape[1]);
  const std::vector<float> rows = motion.ToVector<float>();

  // The first 22 joints, checked as the file holds them (Z up) so that an
  // error shows the stored values.
  constexpr size_t kJointValues = kNumJoints * 3;
  std::vector<float> joints(static_cast<size_t>(frames) * kJointValues);
  for (int t = 0; t < frames; ++t) {
    std::copy_n(rows.begin() + t * columns, kJointValues, joints.begin() + t * kJointValues);
  }
  CheckJointsFinite(joints.data(), frames, /*person=*/-1, path.string());

  // Z up -> Y up, as InterGen's trans_matrix: (x, y, z) -> (x, z, -y).
  for (size_t i = 0; i < joints.size(); i += 3) {
    const float y = joints[i + 1];
    joints[i + 1] = joints[i + 2];
    joints[i + 2] = -y;
  }
  *num_frames = frames;
  return joints;
}

}  // namespace

std::vector<std::string> ListInterHumanClips(const fs::path& root) {
  const fs::path person1 = root / "motions_processed" / "person1";
  const fs::path person2 = root / "motions_processed" / "person2";
  std::error_code ec;
  if (!fs::is_directory(person1, ec)) {
    throw Error(fmt::format("{}: not an InterHuman folder (no motions_processed/person1/ inside)",
                            root.string()));
  }
  const std::set<std::string> ignored = ReadIgnoreList(root);

  // Stems of person1/*.npy that are not ignored, sorted.
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(person1, ec)) {
    if (LowerExtension(entry.path()) != "npy") continue;
    std::string id = entry.path().stem().string();
    if (ignored.count(id) == 0) ids.push_back(std::move(id));
  }
  std::sort(ids.begin(), ids.end());

  // Every clip is a pair: a lone person1 file is a broken corpus, not a solo clip.
  for (const std::string& id : ids) {
    const fs::path partner = person2 / (id + ".npy");
    if (!fs::exists(partner, ec)) {
      throw Error(fmt::format("{}: no partner motion {} (each clip needs both person files)",
                              (person1 / (id + ".npy")).string(), partner.string()));
    }
  }
  return ids;
}

std::map<std::string, std::string> ReadInterHumanSplits(const fs::path& root) {
  return ReadSplitLists(root);
}

InterHumanClip ReadInterHumanClip(const fs::path& root, const std::string& id) {
  InterHumanClip clip;
  clip.id = id;

  // Both persons, each [T, 22, 3], with the same T.
  const fs::path path1 = root / "motions_processed" / "person1" / (id + ".npy");
  const fs::path path2 = root / "motions_processed" / "person2" / (id + ".npy");
  int frames1 = 0;
  int frames2 = 0;
  clip.joints = ReadPersonJoints(path1, &frames1);
  const std::vector<float> joints2 = ReadPersonJoints(path2, &frames2);
  if (frames1 != frames2) {
    throw Error(fmt::format("{}: {} frames, but {} has {} (both persons need the same frames)",
                            path2.string(), frames2, path1.string(), frames1));
  }
  clip.num_frames = frames1;
  clip.joints.insert(clip.joints.end(), joints2.begin(), joints2.end());

  // Captions: optional.
  const fs::path annots = root / "annots" / (id + ".txt");
  std::error_code ec;
  if (fs::exists(annots, ec)) {
    for (auto& [number, caption] : ReadTrimmedLines(annots))
      clip.captions.push_back(std::move(caption));
  }
  return clip;
}

}  // namespace intersynth
