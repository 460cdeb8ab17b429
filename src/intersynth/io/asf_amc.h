#pragma once
// Acclaim skeleton (.asf) and motion (.amc) files, as written by VICON
// BodyLanguage for the CMU and HDM05 corpora.
//
// Conventions (fixed):
//  - AsfSkeleton keeps the file's numbers: lengths and positions in ASF units
//    (AsfUnitMetres converts: one unit = 0.0254 / units.length metres; CMU and
//    HDM05 write length 0.45, so one unit = 0.05644 m), angles as the file
//    says (units.angle_is_degrees). Directions are normalised to unit length.
//  - `bones` are in :bonedata order; the root is not a bone (it is
//    AsfSkeleton::root, called "root" in :hierarchy and in AMC files).
//    AsfBone::parent is an index into `bones`, or -1 when the parent is the root.
//  - AmcMotion stores one dense row per frame. Its columns are grouped in
//    blocks: block 0 is the root (columns in root.order), block b + 1 is
//    skeleton.bones[b] (columns in that bone's dof order; bones without dofs
//    have an empty block). Use RootValues / BoneValues to read a block.
//  - Frame numbers in files are usually 1-based; AmcMotion::first_frame keeps
//    the first one, and row r of `values` is file frame first_frame + r.
//    Row indices in this API are 0-based.
//
// Reading works on raw bytes: CRLF / LF / mixed line ends, tabs, trailing
// whitespace, '#' comments with Latin-1 bytes (HDM05's "#!OML:ASF X:\für
// Bonn\..."). Names that are not valid UTF-8 are read as Latin-1 and stored
// as UTF-8. Malformed input throws intersynth::Error naming "file:line".

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// One degree of freedom of an ASF bone (or of the root).
/// kL is the bone-length channel some ASF files allow ("l").
enum class AsfDof { kRx, kRy, kRz, kTx, kTy, kTz, kL };

/// The file spelling of a dof, lower case ("rx", ..., "tz", "l").
std::string_view AsfDofName(AsfDof dof);

/// Closed interval of a dof's limits; min or max may be -inf / +inf.
struct AsfLimit {
  double min = 0.0;
  double max = 0.0;
};

/// `:units` section.
struct AsfUnits {
  double mass = 1.0;             ///< `mass` (unused by the motion code; kept).
  double length = 1.0;           ///< `length`: one ASF unit = 1 / length inch.
  bool angle_is_degrees = true;  ///< `angle deg` (true) or `angle rad` (false).
};

/// `:root` section.
struct AsfRoot {
  /// `order`: the root's dofs in the order AMC root lines list them
  /// (HDM05 / CMU: TX TY TZ RX RY RZ).
  std::vector<AsfDof> order;
  /// `axis`: composition order of the orientation angles, e.g. "XYZ".
  std::string axis_order = "XYZ";
  Eigen::Vector3d position = Eigen::Vector3d::Zero();     ///< ASF units.
  Eigen::Vector3d orientation = Eigen::Vector3d::Zero();  ///< angles in the ASF angle unit.
};

/// One `begin ... end` block of `:bonedata`.
struct AsfBone {
  int id = 0;                                            ///< `id` (0 when the file has none).
  std::string name;                                      ///< `name`, UTF-8.
  Eigen::Vector3d direction = Eigen::Vector3d::UnitY();  ///< unit vector, in the global frame.
  double length = 0.0;                                   ///< ASF units.
  Eigen::Vector3d axis = Eigen::Vector3d::Zero();        ///< 3 angles, ASF angle unit.
  std::string axis_order = "XYZ";  ///< composition order of `axis`, a permutation of "XYZ".
  std::vector<AsfDof> dof;         ///< file order; any subset of rx ry rz tx ty tz l.
  std::vector<AsfLimit> limits;    ///< one per dof, or empty when the file gives none.
  int parent = -1;                 ///< index into AsfSkeleton::bones; -1 = the root.
};

/// A whole .asf file.
struct AsfSkeleton {
  std::string version;        ///< `:version`, e.g. "1.10".
  std::string name;           ///< `:name`.
  std::string documentation;  ///< `:documentation` lines joined with '\n'.
  AsfUnits units;
  AsfRoot root;
  std::vector<AsfBone> bones;  ///< :bonedata order.

  /// Index of the bone called `name`, or -1 ("root" is not a bone: -1 too).
  int FindBone(std::string_view name) const;
  /// Indices of the bones whose parent is `bone` (-1: the root's children),
  /// in :bonedata order.
  std::vector<int> Children(int bone) const;
};

/// Metres per ASF length unit: 0.0254 / units.length (0.45 -> 0.056444 m).
double AsfUnitMetres(const AsfSkeleton& skeleton);

/// Parses .asf text; `source` names the file in errors.
AsfSkeleton ParseAsf(std::string_view text, const std::string& source);

/// Reads an .asf file.
AsfSkeleton ReadAsf(const std::filesystem::path& path);

/// A whole .amc file, laid out for one AsfSkeleton (see the header comment).
struct AmcMotion {
  /// Per block: "root", then the name of every skeleton bone (size bones + 1).
  std::vector<std::string> bone_names;
  /// Per block: first column in a row (size bones + 2; the last is the total).
  std::vector<int> column_offset;
  bool fully_specified = false;  ///< the file has ":FULLY-SPECIFIED".
  bool degrees = true;           ///< ":DEGREES" (or the ASF unit when neither header is given).
  int first_frame = 1;           ///< frame number of row 0 in the file.
  int num_frames = 0;            ///< rows of `values`.
  /// [num_frames, column_offset.back()]: file values (ASF units; angles per `degrees`).
  Eigen::MatrixXd values;

  /// Number of values per frame.
  int NumColumns() const { return column_offset.empty() ? 0 : column_offset.back(); }
  /// The root's values at row `frame`, in AsfRoot::order.
  Eigen::VectorXd RootValues(int frame) const;
  /// Values of skeleton bone `bone` (index into AsfSkeleton::bones) at row
  /// `frame`, in that bone's dof order; empty for a bone without dofs.
  Eigen::VectorXd BoneValues(int bone, int frame) const;
};

/// Parses .amc text against `skeleton`. Checks that every line names a known
/// bone (or "root") with exactly as many values as it has dofs, that frame
/// numbers increase by one, that each frame lists every bone with dofs
/// exactly once, and that all values are finite numbers.
AmcMotion ParseAmc(std::string_view text, const AsfSkeleton& skeleton, const std::string& source);

/// Reads an .amc file.
AmcMotion ReadAmc(const std::filesystem::path& path, const AsfSkeleton& skeleton);

/// `bytes` unchanged when it is valid UTF-8; otherwise every byte read as
/// Latin-1 (ISO-8859-1) and converted to UTF-8 ("f\xFCr" -> "für").
std::string ToUtf8FromLatin1IfNeeded(std::string_view bytes);

}  // namespace intersynth
