#pragma once
// Biovision Hierarchy (.bvh) motion files: reading, writing, and the per-joint
// local rotation / translation that the channels of one frame describe.
//
// Data model (fixed; later code relies on it):
//  - `BvhMotion::joints` is the hierarchy in depth-first file order (pre-order,
//    exactly the order of ROOT / JOINT / End Site blocks in the file). A
//    parent always comes before its children: joints[j].parent < j, and the
//    root is joints[0] with parent -1. Exactly one ROOT per file.
//  - End Sites are kept as joints with `is_end_site = true`, no channels and no
//    children. Their name is "<parent name>_End"; when that name is already
//    taken (a joint really called so, or a second End Site under the same
//    parent) a number is appended: "<parent>_End2", "<parent>_End3", ...
//    The writer writes them back as `End Site` blocks (the name is not written).
//  - `values` is [num_frames, NumChannels()]: one row per frame, the columns in
//    file order (joint by joint in `joints` order, each joint's channels in
//    its listed order). Angles stay in degrees, positions in the file's unit
//    (Bandai: cm; CMU: the ASF unit 1/0.45 inch; ReActIdle: m). Nothing is
//    converted on read or write.
//  - Frame indices in this API and in error messages are 0-based; file line
//    numbers are 1-based.
//
// Channel semantics (what BvhJointRotation / BvhJointTranslation compute):
//  - Rotation channels compose in their listed order as intrinsic rotations:
//      R = R_c0(a0) * R_c1(a1) * R_c2(a2)
//    where R_X(a), R_Y(a), R_Z(a) are right-handed rotations by a (degrees in
//    the file, radians inside) about the x, y, z axis, and c0, c1, c2 are the
//    rotation channels in the order the CHANNELS line lists them. A child
//    point p (in the joint's frame) maps to the parent frame as
//      p_in_parent = R * p + t.
//  - Translation t: the joint's OFFSET, except that each listed position
//    channel replaces the offset's component on its axis (Bandai writes
//    position channels on every joint whose values equal the offsets; CMU and
//    ReActIdle roots carry the global position this way).
//
// Reading is tolerant of layout: tabs or spaces, CRLF / LF / mixed line ends,
// blank lines, trailing whitespace, a UTF-8 byte-order mark, `{` on the
// JOINT line, a missing CHANNELS line (0 channels). Joint names with bytes
// that are not valid UTF-8 are read as Latin-1 and converted to UTF-8.
// Everything else that is malformed throws intersynth::Error naming
// "file:line", what was found and what was expected.

#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// One BVH channel. Positions are in the file's length unit, rotations in degrees.
enum class BvhChannel { kXposition, kYposition, kZposition, kXrotation, kYrotation, kZrotation };

/// The file spelling of a channel ("Xposition", ..., "Zrotation").
std::string_view BvhChannelName(BvhChannel channel);

/// True for the three rotation channels.
bool IsBvhRotationChannel(BvhChannel channel);

/// The axis a channel acts along or about: 0 = x, 1 = y, 2 = z.
int BvhChannelAxis(BvhChannel channel);

/// One node of the hierarchy: a ROOT, a JOINT or an End Site.
struct BvhJoint {
  std::string name;  ///< "<parent>_End" for End Sites (see header).
  int parent = -1;   ///< index into BvhMotion::joints; -1 for the root.
  Eigen::Vector3d offset = Eigen::Vector3d::Zero();  ///< OFFSET, in the parent's frame, file units.
  std::vector<BvhChannel> channels;  ///< 0, 3 or 6 distinct channels, any order (listed order).
  bool is_end_site = false;          ///< An `End Site` block: no channels, no children.
};

/// A whole BVH file: hierarchy plus motion.
struct BvhMotion {
  std::vector<BvhJoint> joints;  ///< depth-first file order; joints[0] is the ROOT.
  double frame_time = 0.0;       ///< seconds per frame (> 0).
  int num_frames = 0;            ///< rows of `values`.
  /// [num_frames, NumChannels()]: degrees and file units, columns in file order.
  Eigen::MatrixXd values;

  /// Total number of channels (columns of a frame row).
  int NumChannels() const;
  /// Number of joints that are not End Sites.
  int NumJointsWithoutEndSites() const;
  /// Column of `joint`'s first channel in a frame row (0 <= joint < joints.size()).
  int ChannelOffset(int joint) const;
  /// ChannelOffset of every joint, plus NumChannels() at the end (size joints.size() + 1).
  std::vector<int> ChannelOffsets() const;
  /// Index of the joint (or End Site) called `name`, or -1.
  int FindJoint(std::string_view name) const;
  /// Frames per second, 1 / frame_time.
  double Fps() const { return 1.0 / frame_time; }
};

/// Parses BVH text. `source` names the file in error messages ("a.bvh:57: ...").
BvhMotion ParseBvh(std::string_view text, const std::string& source);

/// Reads a .bvh file. Throws Error when missing, unreadable or malformed.
BvhMotion ReadBvh(const std::filesystem::path& path);

/// Options of the writer.
struct BvhWriteOptions {
  /// Digits after the decimal point for OFFSETs and frame values, 0..20
  /// (6: "%.6f"). -1 writes the shortest text that reads back to the
  /// identical double (std::to_chars; may use exponents such as "1e-05").
  /// Either way write -> read -> write is byte-identical (with fixed decimals:
  /// for |values| below ~1e9, where 1e-6 exceeds a double's spacing).
  /// The frame time is always written in the shortest exact form (1/120 s
  /// must not drift).
  int decimals = 6;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Serialises to BVH text: tab indentation, LF line ends, one frame per line,
/// numbers as BvhWriteOptions says ("-0.000000" is written as "0.000000").
/// Throws Error when the motion is inconsistent (values shape, parent order
/// not depth-first, an End Site with channels or children, non-finite numbers).
std::string SerializeBvh(const BvhMotion& motion, const BvhWriteOptions& options = {});

/// Writes a .bvh file atomically (temp file + rename).
void WriteBvh(const std::filesystem::path& path,
              const BvhMotion& motion,
              const BvhWriteOptions& options = {});

/// Local rotation of `joint` at `frame`: its rotation channels composed in
/// listed order, R = R_c0 * R_c1 * R_c2 (intrinsic), degrees -> radians.
/// Identity for a joint without rotation channels (End Sites included).
Eigen::Matrix3d BvhJointRotation(const BvhMotion& motion, int joint, int frame);

/// Local translation of `joint` at `frame` in file units: the OFFSET with each
/// listed position channel replacing its axis' component.
Eigen::Vector3d BvhJointTranslation(const BvhMotion& motion, int joint, int frame);

}  // namespace intersynth
