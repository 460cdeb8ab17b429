#pragma once
// Exporting a motion clip (motion/motion_clip.h: joints [P, T, 22, 3] in
// world, metres, Y up, smpl22 order) to files other tools open:
//
//   bvh   one Biovision Hierarchy file per person on the smpl22 skeleton, with
//         local rotations (Blender: File > Import > Motion Capture (.bvh)).
//   json  one document with every person's joint positions, for viewers and
//         scripts (format below).
//
// ---------------------------------------------------------------------------
// BVH
// ---------------------------------------------------------------------------
// Hierarchy: the 22 smpl22 joints under their smpl22 names (kSmpl22JointNames)
// and parents (kSmpl22Parents), written depth first (children in smpl22 index
// order: pelvis, left_hip, left_knee, ..., right_wrist). ROOT pelvis has 6
// channels (Xposition Yposition Zposition + 3 rotations); so have the
// children of the two joints with several children (left_hip, right_hip,
// spine1 under the pelvis; left_collar, right_collar, neck under spine3),
// whose position channels replace their OFFSET per frame (as Bandai's BVH
// files do on every joint; Blender imports them as bone locations); every
// other joint has 3 rotation channels. The leaves (head, left_foot, right_foot, left_wrist,
// right_wrist) end in an End Site kBvhEndSiteLength along the leaf's rest
// direction d_leaf (kBvhExportRestDirections). Unit: METRES (offsets and root
// positions; Blender's importer takes the numbers as they are). Angles in
// degrees. One skeleton per file: for P > 1 persons "walk.bvh" becomes
// walk_p0.bvh, walk_p1.bvh, ... (BvhExportPaths); P = 1 writes the path given.
//
// BVH semantics (io/bvh.h, body/forward_kinematics.h): a joint's rotation
// moves its CHILDREN's offsets. With G_j the global (world) rotation of joint
// j, r_j its local rotation and o_c the OFFSET of child c in its parent's frame:
//   G_0 = r_0,   G_j = G_parent(j) r_j,   p_c = p_j + G_j o_c   (c child of j)
//
// Rest offsets o_c (the skeleton written in the HIERARCHY, constant per file):
//   * children of the two joints with several children, pelvis (left_hip,
//     right_hip, spine1) and spine3 (left_collar, right_collar, neck): the
//     per-component median over frames of F_j(t)^T (x_c - x_j), with F_j(t)
//     a body-fixed frame of j built from its children at frame t:
//       e_x = normalize(x_left - x_right)                  (left child - right child)
//       e_y = normalize(u - (u . e_x) e_x),  u = x_up - x_j  (up child: spine1 / neck)
//       e_z = e_x x e_y
//       F_j = [e_x e_y e_z]   (columns; faces +Z with left = +X, as smpl22 does)
//     Frames where F_j is undefined (children coincide, up child on the x axis)
//     are skipped; when none is left the offsets fall back to the rule below.
//   * every other bone: o_c = L_c d_c, L_c = median over frames of
//     |x_c - x_parent(c)|, d_c = kBvhExportRestDirections[c]: HumanML3D's rest
//     directions (legs and spine along -+Y, feet +Z) with the arms in a T-pose
//     (+-X) and the head up (+Y), so that Blender shows a T-pose at rest.
//
// Global rotations per frame, parents before children. Each joint aims from
// p_j, where forward kinematics of the file puts it (p_0 = x_0, then
// p_c = p_j + G_j o_c), at the observed children: v_c = x_c - p_j. While
// everything upstream is exact p_j = x_j; otherwise an upstream error is
// corrected here instead of being carried down the chain.
//   * several children (pelvis, spine3): least squares over the children
//       G_j = argmin_{R in SO(3)} sum_c |R o_c - v_c|^2
//     (Kabsch / orthogonal Procrustes: H = sum_c o_c v_c^T = U S V^T,
//      G_j = V diag(1, 1, s) U^T with s = sign(det(V U^T)) so that det G_j = +1).
//   * one child c: the minimal rotation (swing) taking the child's offset as
//     the parent carries it onto the observed bone, composed on the parent:
//       G_j = AlignVectors(G_parent(j) o_c, v_c) * G_parent(j)
//     (so r_j = G_parent^T G_j has no twist about o_c; a zero-length vector
//     gives the identity swing).
//   * leaves: G_j = G_parent(j), r_j = I.
// Local rotations r_j = G_parent(j)^T G_j (r_0 = G_0) are written as Euler
// angles (geometry/euler.h, R = R_c0 R_c1 R_c2 in channel order) in a per-joint
// order whose MIDDLE axis is the joint's twist axis, the axis of its child's
// rest direction d_c (kBvhExportRestDirections):
//   twist axis Y (hips, knees, spine1, spine2, neck) -> "ZYX"
//   twist axis X (collars, shoulders, elbows)        -> "ZXY"
//   twist axis Z (ankles)                            -> "YZX"
//   pelvis, spine3, leaves                           -> "YXZ" (yaw outermost)
// A swing about an axis n perpendicular to the twist axis by theta has middle
// angle asin((1 - cos theta) n_i n_k) <= asin((1 - cos theta) / 2): 30 degrees
// at theta = 90, gimbal lock only at a 180-degree swing (a single shared order
// would lock at a 90-degree knee bend).
//
// Positions of the branch children: t_c = G_j^T (x_c - p_j) in the position
// channels, so p_c = x_c exactly whatever the Procrustes residual (the rest
// OFFSET in the HIERARCHY stays the median, for the rest pose).
//
// Exactness: FK of the file gives back the input positions to the written
// digits (~1e-6 m) when every single-child bone keeps its length over the
// clip (true for dataset clips: motion/dataset_build.h makes bones constant);
// otherwise such a child lands |v_c| - L_c (its length this frame vs the
// median) away from its input. The export measures it (BvhExportError).
//
// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------
//   {"format": "intersynth-motion-json", "version": 1, "fps": 20,
//    "text": ["a person walks"], "labels": ["walk"],
//    "joint_names": [22 smpl22 names], "parents": [22 ints, -1 for pelvis],
//    "persons": [{"joints": [T][22][3] metres, world, Y up,
//                 "valid": [T][22] booleans, only when the clip has a valid mask},
//                ...]}
// Numbers are rounded to 1e-6 (micrometres for positions) and written in
// their shortest form; the document is written on one line.
//
// Every write is atomic (temp file + rename, util/file_util.h); on error no
// output file is left behind.

#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/io/bvh.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/options.h"

namespace intersynth {

/// Length (metres) of the End Sites written after the BVH leaves.
inline constexpr double kBvhEndSiteLength = 0.08;

/// Unit rest direction of the bone that ends at each smpl22 joint in an
/// exported BVH (row 0 unused). HumanML3D's kHumanML3DRawOffsets for the legs,
/// spine, hips, collars and feet, but a T-pose for the arms (shoulder, elbow,
/// wrist along +X on the left, -X on the right) and the head straight up:
/// HumanML3D hangs the arms down (-Y) from the collars and points the head
/// forward (+Z), which would make Blender's rest pose look broken.
inline constexpr std::array<std::array<float, 3>, kSmpl22NumJoints> kBvhExportRestDirections = {
    {{0, 0, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 1, 0},  {0, -1, 0}, {0, -1, 0}, {0, 1, 0},  {0, -1, 0},
     {0, -1, 0}, {0, 1, 0},  {0, 0, 1},  {0, 0, 1},  {0, 1, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 1, 0},
     {1, 0, 0},  {-1, 0, 0}, {1, 0, 0},  {-1, 0, 0}, {1, 0, 0},  {-1, 0, 0}}};

/// The file formats ExportMotion writes.
enum class MotionExportFormat { kBvh, kJson };
inline constexpr EnumName<MotionExportFormat> kMotionExportFormatNames[] = {
    {MotionExportFormat::kBvh, "bvh"}, {MotionExportFormat::kJson, "json"}};

/// "bvh" or "json".
inline std::string_view ToString(MotionExportFormat format) {
  return EnumToString(format, kMotionExportFormatNames);
}

/// Parses "bvh" or "json" (case-insensitive). Throws OptionError "{field}
/// must be bvh or json, got 'text'" otherwise.
MotionExportFormat ParseMotionExportFormat(std::string_view text,
                                           std::string_view field = "format");

/// Options of ExportMotion.
struct MotionExportOptions {
  /// Output format; from the output's extension (.bvh, .json) when empty.
  std::optional<MotionExportFormat> format;
  /// Digits after the decimal point in the BVH (BvhWriteOptions::decimals):
  /// 6 gives micrometres and 1e-6 degrees; -1 the shortest exact text.
  int bvh_decimals = 6;
  /// Names the clip in error messages (e.g. the motion file it came from).
  std::string source = "motion";

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What ExportMotion wrote.
struct MotionExportReport {
  MotionExportFormat format = MotionExportFormat::kBvh;
  /// The files written, one per person for BVH with P > 1.
  std::vector<std::filesystem::path> files;
  int num_persons = 0;
  int num_frames = 0;
  /// BVH only: the distance (metres) between the input joints and BVH forward
  /// kinematics (BvhForwardKinematics) of the text written, maximum and mean
  /// over persons, frames and the 22 joints. 0 for JSON.
  double max_reload_error = 0.0;
  double mean_reload_error = 0.0;
  /// One or two lines for the CLI: the files and, for BVH, the reload error.
  std::string summary;
};

/// Writes `clip` to `path` as options.format says (see the file comment).
/// Throws OptionError for bad options or a format that the path's extension
/// does not tell; Error naming options.source when the clip has no persons or
/// no frames, its arrays disagree with its sizes, or a joint is NaN or
/// infinite (person, frame and joint named); naming the path when it cannot
/// be written. Nothing is left behind on error.
MotionExportReport ExportMotion(const MotionClip& clip,
                                const std::filesystem::path& path,
                                const MotionExportOptions& options = {});

/// The BVH files of a P-person export to `path`: {path} for P = 1, else
/// parent/stem_p0.ext, parent/stem_p1.ext, ...
std::vector<std::filesystem::path> BvhExportPaths(const std::filesystem::path& path,
                                                  int num_persons);

/// Person `person` of `clip` as a BVH take in metres (see the file comment).
/// The clip must be valid and finite (ExportMotion checks; here it is a
/// programmer error).
BvhMotion MotionToBvh(const MotionClip& clip, int person);

/// The reload error of a BVH take against person `person` of `clip`: forward
/// kinematics of `bvh` in metres, each smpl22 joint found by name, compared
/// with the clip's joints. Returns {max, mean} distance in metres.
std::pair<double, double> BvhExportError(const BvhMotion& bvh, const MotionClip& clip, int person);

/// The JSON document of `clip` (format in the file comment).
nlohmann::json MotionToJson(const MotionClip& clip);

}  // namespace intersynth
