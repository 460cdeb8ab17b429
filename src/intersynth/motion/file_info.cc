#include "intersynth/motion/file_info.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "intersynth/body/mocap_import.h"
#include "intersynth/io/asf_amc.h"
#include "intersynth/io/bvh.h"
#include "intersynth/io/npy.h"
#include "intersynth/io/npz.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

std::string DescribeArray(const std::string& name, const NpyArray& array) {
  std::string line = fmt::format("  {:<18} {:<8} {}", name, NpyDTypeName(array.dtype),
                                 NpyShapeString(array.shape));
  // What the shape most likely is, in intersynth's terms.
  const auto& s = array.shape;
  if (s.size() >= 3 && s[s.size() - 2] == 22 && s.back() == 3) line += "  smpl22 joint positions";
  if (s.size() >= 2 && s.back() == 263) line += "  HumanML3D 263 features";
  if (s.size() >= 2 && s.back() == 262) line += "  262 features (InterGen layout)";
  if (array.dtype == NpyDType::kUnicode && !array.strings.empty()) {
    line += fmt::format("  first: \"{}\"", array.strings.front());
  }
  return line;
}

std::string DescribeNpz(const fs::path& path) {
  const NpzArchive archive = ReadNpz(path);
  std::string text = fmt::format("{}: npz archive, {} arrays\n", path.string(), archive.size());
  for (const auto& [name, array] : archive) text += DescribeArray(name, array) + "\n";
  // A motion file gets its summary too.
  if (archive.count("joints") && archive.count("fps")) {
    const MotionClip clip = ReadMotionFile(path);
    text += fmt::format("  motion: {} person{}, {} frames at {} fps ({:.2f} s)", clip.num_persons,
                        clip.num_persons == 1 ? "" : "s", clip.num_frames, clip.fps,
                        clip.num_frames / clip.fps);
    for (const std::string& caption : clip.text) text += fmt::format("\n  text: {}", caption);
    if (!clip.labels.empty()) text += fmt::format("\n  labels: {}", fmt::join(clip.labels, ", "));
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string DescribeBvh(const fs::path& path) {
  const BvhMotion bvh = ReadBvh(path);
  const int end_sites = static_cast<int>(bvh.joints.size()) - bvh.NumJointsWithoutEndSites();
  std::string text = fmt::format(
      "{}: BVH, {} joints (+{} End Sites), {} channels, {} frames at {:.3f} fps ({:.2f} s)",
      path.string(), bvh.NumJointsWithoutEndSites(), end_sites, bvh.NumChannels(), bvh.num_frames,
      bvh.Fps(), bvh.num_frames * bvh.frame_time);
  // The hierarchy, indented by depth.
  std::vector<int> depth(bvh.joints.size(), 0);
  for (size_t i = 0; i < bvh.joints.size(); ++i) {
    const BvhJoint& joint = bvh.joints[i];
    if (joint.parent >= 0) depth[i] = depth[joint.parent] + 1;
    std::vector<std::string> channels;
    for (BvhChannel c : joint.channels) channels.emplace_back(BvhChannelName(c));
    text += fmt::format("\n  {:{}}{}{}", "", 2 * depth[i], joint.name,
                        channels.empty() ? "" : fmt::format("  [{}]", fmt::join(channels, " ")));
  }
  return text;
}

std::string DescribeAsf(const fs::path& path) {
  const AsfSkeleton skeleton = ReadAsf(path);
  return fmt::format(
      "{}: ASF skeleton '{}', {} bones, length unit {} (1 unit = {:.5f} m), angles in {}",
      path.string(), skeleton.name, skeleton.bones.size(), skeleton.units.length,
      AsfUnitMetres(skeleton), skeleton.units.angle_is_degrees ? "degrees" : "radians");
}

// An AMC needs its skeleton: the given ASF, else the only .asf beside it.
std::string DescribeAmc(const fs::path& path, fs::path asf) {
  asf = FindAsfFor(path, asf);
  const AsfSkeleton skeleton = ReadAsf(asf);
  const AmcMotion motion = ReadAmc(path, skeleton);
  return fmt::format(
      "{}: AMC motion, {} frames (first frame number {}), {} channels per frame, "
      "angles in {}; skeleton {}",
      path.string(), motion.num_frames, motion.first_frame, motion.NumColumns(),
      motion.degrees ? "degrees" : "radians", asf.string());
}

}  // namespace

std::string DescribeFile(const fs::path& path, const fs::path& asf) {
  const std::string ext = LowerExtension(path);
  if (ext == "npy")
    return fmt::format("{}: npy array\n{}", path.string(), DescribeArray("", ReadNpy(path)));
  if (ext == "npz") return DescribeNpz(path);
  if (ext == "bvh") return DescribeBvh(path);
  if (ext == "asf") return DescribeAsf(path);
  if (ext == "amc") return DescribeAmc(path, asf);
  throw Error(fmt::format("{}: unknown file kind '.{}' (info reads .npy, .npz, .bvh, .asf, .amc)",
                          path.string(), ext));
}

}  // namespace intersynth
