#include "intersynth/body/mocap_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "intersynth/body/forward_kinematics.h"
#include "intersynth/body/joint_map.h"
#include "intersynth/body/retarget.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/io/asf_amc.h"
#include "intersynth/io/bvh.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

// Plausible height of the smpl22 head joint above the lowest foot joint for
// anyone from a child to a tall adult (it sits ~0.2 m below the top of the head).
constexpr double kMinHeadHeight = 1.0;
constexpr double kMaxHeadHeight = 2.1;
constexpr double kTypicalHeadHeight = 1.45;

struct Unit {
  const char* name;
  double metres;
};
constexpr std::array<Unit, 5> kUnits = {{{"m", 1.0},
                                         {"cm", 0.01},
                                         {"mm", 0.001},
                                         {"inch", 0.0254},
                                         {"ASF unit (1/0.45 inch)", 0.0254 / 0.45}}};

// Median over frames of head height above the lowest foot joint, [T, 22, 3].
double MedianHeadHeight(const std::vector<float>& joints, int num_frames) {
  std::vector<double> heights(num_frames);
  for (int t = 0; t < num_frames; ++t) {
    const float* frame = joints.data() + static_cast<size_t>(t) * kSmpl22NumJoints * 3;
    double lowest = frame[kSmpl22FootJoints[0] * 3 + 1];
    for (int j : kSmpl22FootJoints) lowest = std::min<double>(lowest, frame[j * 3 + 1]);
    heights[t] = frame[kSmpl22Head * 3 + 1] - lowest;
  }
  std::nth_element(heights.begin(), heights.begin() + num_frames / 2, heights.end());
  return heights[num_frames / 2];
}

// The user's map first, then the bundled ones.
std::vector<JointMap> CandidateMaps(const MocapImportOptions& options) {
  std::vector<JointMap> maps;
  if (!options.joint_map.empty()) maps.push_back(LoadJointMap(options.joint_map));
  const std::vector<JointMap> bundled =
      LoadJointMaps(options.joint_map_dir.empty() ? DefaultJointMapDir() : options.joint_map_dir);
  maps.insert(maps.end(), bundled.begin(), bundled.end());
  return maps;
}

}  // namespace

fs::path FindAsfFor(const fs::path& amc, const fs::path& given) {
  if (!given.empty()) return given;
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path folder = amc.has_parent_path() ? amc.parent_path() : fs::path(".");
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (LowerExtension(entry.path()) == "asf") candidates.push_back(entry.path());
  }
  if (candidates.size() != 1) {
    throw OptionError(
        fmt::format("{}: an AMC take needs its ASF skeleton; found {} .asf files "
                    "beside it, pass {{asf}}",
                    amc.string(), candidates.size()));
  }
  return candidates.front();
}

double GuessMetresPerUnit(double height_in_units, const std::string& what) {
  const Unit* best = nullptr;
  for (const Unit& unit : kUnits) {
    const double metres = height_in_units * unit.metres;
    if (metres < kMinHeadHeight || metres > kMaxHeadHeight) continue;
    if (!best || std::abs(metres - kTypicalHeadHeight) <
                     std::abs(height_in_units * best->metres - kTypicalHeadHeight)) {
      best = &unit;
    }
  }
  if (!best) {
    throw OptionError(fmt::format(
        "{}: cannot tell the length unit: the head stands {:.4g} units above the feet, which is "
        "no plausible height in m, cm, mm, inch or the ASF unit; pass the metres per unit "
        "({{metres_per_unit}})",
        what, height_in_units));
  }
  return best->metres;
}

void MocapImportOptions::Check() const {
  CheckAtLeast(metres_per_unit, 0.0, "metres_per_unit");
  CheckFinite(metres_per_unit, "metres_per_unit");
  CheckPositive(amc_fps, "amc_fps");
  CheckFinite(amc_fps, "amc_fps");
  CheckAtLeast(fps_override, 0.0, "fps_override");
  CheckFinite(fps_override, "fps_override");
}

ImportedTake ImportMocapTake(const fs::path& path, const MocapImportOptions& options) {
  options.Check();
  const std::string ext = LowerExtension(path);
  const std::vector<JointMap> maps = CandidateMaps(options);
  ImportedTake take;

  // Joint positions in metres, and the unit used.
  NamedJointPositions positions;
  if (ext == "bvh") {
    const BvhMotion bvh = ReadBvh(path);
    take.unit_guessed = options.metres_per_unit <= 0.0;
    take.metres_per_unit = take.unit_guessed ? 1.0 : options.metres_per_unit;
    positions = BvhForwardKinematics(bvh, take.metres_per_unit);
    if (take.unit_guessed) {
      // Retarget once in file units to measure the body, then scale.
      const JointMap& map = FindJointMap(positions, maps, path.string());
      const std::vector<float> raw = RetargetToSmpl22(positions, map);
      take.metres_per_unit =
          GuessMetresPerUnit(MedianHeadHeight(raw, positions.num_frames), path.string());
      for (double& x : positions.positions) x *= take.metres_per_unit;
    }
  } else if (ext == "amc") {
    const AsfSkeleton skeleton = ReadAsf(FindAsfFor(path, options.asf));
    positions = AmcForwardKinematics(skeleton, ReadAmc(path, skeleton), options.amc_fps);
    take.metres_per_unit = AsfUnitMetres(skeleton);
  } else {
    throw Error(
        fmt::format("{}: not a motion-capture take (expected .bvh or .amc)", path.string()));
  }
  if (positions.num_frames < 1)
    throw Error(fmt::format("{}: the take has no frames", path.string()));

  // smpl22 joints with the floor at y = 0.
  const JointMap& map = FindJointMap(positions, maps, path.string());
  take.joint_map = map.name;
  take.joints = RetargetToSmpl22(positions, map);
  take.num_frames = positions.num_frames;
  take.fps = options.fps_override > 0.0 ? options.fps_override : positions.fps;
  if (options.drop_added_t_pose && IsAddedTPose(take.joints, take.num_frames)) {
    take.joints.erase(take.joints.begin(), take.joints.begin() + kSmpl22NumJoints * 3);
    take.num_frames -= 1;
    take.dropped_t_pose = true;
  }
  PutOnFloor(take.joints, take.num_frames);
  return take;
}

}  // namespace intersynth
