#pragma once
// Reading the CC0 MakeHuman / MPFB2 body assets that the bundled open body
// model is built from (shared/data/body/mpfb2; issue 14's `body build`):
//
//   base.obj        the base mesh: 19,158 vertices, Y up, in DECIMETRES (the
//                   rig JSON is Z up in metres); faces are quads and
//                   triangles in named groups, of which only `body` is skin
//                   (13,380 vertices; the rest is helper geometry: joint
//                   cubes, eyelashes, clothes, hair).
//   *.target(.gz)   a shape target: lines "vertex dx dy dz" (base-mesh units
//                   and axes), sparse; '#' starts a comment.
//   macro.json      the macro variables (gender, age, muscle, weight,
//                   proportions, height, ...): each is split into parts, a
//                   part spanning [lowest, highest] and blending its `low`
//                   and `high` names; and `combinations`, the variable lists
//                   that target file names combine (e.g. "universal-female-
//                   young-averagemuscle-averageweight" for gender, age,
//                   muscle, weight, and "african-female-young" for race,
//                   gender, age).
//
// Macro weights (MacroTargetWeight): a target's weight is the product over
// its name's parts of that name's weight for the variable's value. Within a
// part, with lo and hi its bounds clamped to [0, 1] and rounded to 4
// decimals (macro.json widens them by 0.01 and leaves 1e-5 gaps between
// parts), x in [lo, hi] gives
//   w(high) = (x - lo) / (hi - lo),   w(low) = 1 - w(high),
// and 0 for names of other parts; an empty name stands for the base (no
// target). Race names (african, asian, caucasian) weigh their share of the
// race proportions. This follows macro.json's own description; it has not
// been compared with MPFB2's code (not available here).

#include <Eigen/Core>
#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace intersynth {

/// A MakeHuman OBJ mesh as stored (units and axes of the file).
struct MakeHumanMesh {
  /// [V, 3]
  std::vector<double> vertices;
  /// Polygons (vertex indices, 0-based; 3 or 4 each) and their group index.
  std::vector<std::vector<int>> faces;
  std::vector<int> face_group;
  std::vector<std::string> group_names;

  int num_vertices() const { return static_cast<int>(vertices.size() / 3); }
};

/// Reads v, g and f lines (f entries "v", "v/vt" or "v/vt/vn"; negative
/// indices count from the end). Throws Error naming the file and line.
MakeHumanMesh ReadMakeHumanObj(const std::filesystem::path& path);

/// The sorted vertex indices used by the faces of group `name`. Throws Error
/// listing the groups when there is no such group.
std::vector<int> GroupVertices(const MakeHumanMesh& mesh, const std::string& name);

/// One vertex offset of a target.
struct TargetOffset {
  int vertex = 0;
  Eigen::Vector3d offset = Eigen::Vector3d::Zero();
};

/// Reads a .target or .target.gz file. Throws Error naming the file and line.
std::vector<TargetOffset> ReadMakeHumanTarget(const std::filesystem::path& path);

/// macro.json: the parts of each variable and the combinations.
struct MacroModel {
  struct Part {
    std::string low;
    std::string high;
    double lo = 0.0;
    double hi = 1.0;
  };
  std::map<std::string, std::vector<Part>> variables;
  std::map<std::string, std::vector<std::string>> combinations;
};

/// Reads macro.json. Throws Error naming the file and key.
MacroModel ReadMacroModel(const std::filesystem::path& path);

/// Values of the macro variables in [0, 1] (missing ones: 0.5) and the race
/// proportions (missing: 1/3 each, normalised to sum 1).
struct MacroParameters {
  std::map<std::string, double> values;
  double african = 1.0 / 3.0;
  double asian = 1.0 / 3.0;
  double caucasian = 1.0 / 3.0;
};

/// The weight of the target whose file stem (without .target[.gz]) is
/// `stem`, e.g. "universal-female-young-averagemuscle-averageweight" or
/// "female-young-averagemuscle-averageweight-maxheight" (see the file
/// comment). Throws Error for a name part no variable knows.
double MacroTargetWeight(const MacroModel& model,
                         const std::string& stem,
                         const MacroParameters& parameters);

}  // namespace intersynth
