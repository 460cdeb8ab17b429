#pragma once
// Joint maps: how the joints of one source rig (a BVH hierarchy, an ASF
// skeleton) give the 22 smpl22 joints. Maps are data, one JSON file per
// rig under data/joint_maps/ (format and rules in data/joint_maps/README.md):
//
//   {"name": "bandai",
//    "description": "Bandai Namco Research Motiondataset, 30 fps, cm",
//    "joints": {"pelvis": "Hips",
//               "spine3": {"between": ["Chest", "Neck"], "t": 0.3},
//               ...}}
//
// Every one of the 22 smpl22 names must appear under "joints" (a key given
// twice keeps its last value: nlohmann-json does not report duplicates).
// A value is either the name of a source joint (End Sites included, named
// "<parent>_End" as the BVH reader names them) or an interpolation
//
//   target = (1 - t) * a + t * b,   t in [0, 1]
//
// between two source joints a and b (t = 0 gives a, t = 1 gives b).

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/body/joint_positions.h"
#include "intersynth/body/smpl22.h"

namespace intersynth {

/// Where one smpl22 joint comes from: source joint `a` (when `b` is empty),
/// or the point (1 - t) * a + t * b.
struct JointSource {
  /// Source joint name (End Sites as "<parent>_End").
  std::string a;
  /// Second source joint of an interpolation; empty for a plain joint.
  std::string b;
  /// Interpolation weight of `b`, in [0, 1]; 0 for a plain joint.
  double t = 0.0;

  /// True when the joint is interpolated between `a` and `b`.
  bool interpolated() const { return !b.empty(); }
};

/// A loaded, validated joint map. Immutable once loaded.
struct JointMap {
  /// The map's name ("bandai"); the file stem when the file gives none.
  std::string name;
  /// Free text from the file ("" when absent).
  std::string description;
  /// The file it was read from (or the source name given to ParseJointMap).
  std::string source;
  /// targets[j] gives smpl22 joint j (kSmpl22JointNames order).
  std::array<JointSource, kSmpl22NumJoints> targets;

  /// Every source joint name the map reads, each once, in smpl22 order of
  /// first use.
  std::vector<std::string> RequiredSourceNames() const;
};

/// Parses a joint map from JSON text; `source` names it in errors. Throws
/// Error naming source:line and the key when the JSON is malformed, a key
/// is not a smpl22 joint name or is missing, a value is neither a string nor
/// {"between": [a, b], "t": x}, t is outside [0, 1] or not a number, or a
/// top-level key is unknown (allowed: name, description, joints).
JointMap ParseJointMap(const std::string& text, const std::string& source);

/// Reads and parses a joint map file (see ParseJointMap).
JointMap LoadJointMap(const std::filesystem::path& path);

/// Loads every *.json of `folder`, sorted by file name (the order in which
/// FindJointMap tries them). Throws Error when the folder is missing, holds
/// no *.json, or a file is invalid.
std::vector<JointMap> LoadJointMaps(const std::filesystem::path& folder);

/// The folder of the joint maps shipped with the project: $INTERSYNTH_JOINT_MAPS
/// when set and non-empty, else the source tree's data/joint_maps (fixed at
/// configure time).
std::filesystem::path DefaultJointMapDir();

/// The first map of `maps` (in order) whose RequiredSourceNames() all exist
/// in `source.names`. Otherwise throws OptionError: "<what>: unknown skeleton
/// (joints: ...); no joint map fits ..." listing the source's joint names,
/// the map that came closest and the names it missed, and pointing to
/// data/joint_maps/README.md and the {joint_map} option.
const JointMap& FindJointMap(const NamedJointPositions& source,
                             const std::vector<JointMap>& maps,
                             const std::string& what);

}  // namespace intersynth
