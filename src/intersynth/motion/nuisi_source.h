#pragma once
// NuiSI (Nuitrack Skeleton Interaction, souljaboy764/nuisi_dataset): two
// people, each tracked by their own depth sensor with Nuitrack, performing
// one interaction many times. This file reads a recording, brings both people
// onto smpl22 in ONE world frame facing each other, and cuts it into the
// repetitions the dataset's own reader lists.
//
// File layout ({Action}_p1.txt, {Action}_p2.txt, one line per frame, shared
// index and timestamp columns):
//   index, timestamp_ms, num_joints                     (num_joints 0: not tracked)
//   index, timestamp_ms, 25, then 25 x (id, confidence, u, v, x, y, z, depth)
// with Nuitrack's joints 0..24 (kNuitrackJointNames), confidence 0 where the
// joint was not tracked, (u, v) in [0, 1] in the image, and (x, y, z) in
// millimetres in the sensor's frame: x along the optical axis (depth, the
// last column repeats it), y to the image's right, z up the image. Measured
// on the shared Rocket files: (u, v) = (0.5 + 0.886 y/x, 0.5 - 0.502 z/x) to
// 1e-6, so (x, y, z) is the camera's own frame (tilted with the camera), and
// (forward, right, up) is LEFT-handed. We map it to a right-handed Y-up frame
//   X = y / 1000 (right in the image),  Y = z / 1000 (up),  Z = -x / 1000
// (towards the sensor), in which a person facing the sensor faces +Z with
// their left at +X, as smpl22 expects. Timestamps are irregular (16-1228 ms
// gaps), so repetitions are resampled by time.
//
// Putting both people in one world (NuisiPlaceFaceToFace), per person:
//  1. Level: the sensors look down at the people (both ~7 deg here) and the
//     tilt is not recorded, so the rotation taking the person's median body
//     axis (waist -> neck, over tracked frames) onto +Y is applied. This
//     assumes they stand upright on average; a real lean is removed with it.
//  2. Retarget onto smpl22 (data/joint_maps/nuisi.json); a smpl22 joint is
//     valid where every Nuitrack joint it reads was tracked. Feet are never
//     tracked and the left arm about half the time; untracked joints are
//     filled parent-first with a standing pose: the bone at its median
//     tracked length (the mirrored bone's, or a body-proportional default,
//     where it never was), along HumanML3D's rest direction turned to the
//     person's facing (legs and hanging arms straight down, the foot forward
//     and down to the toes), and marked invalid (MotionClip::valid).
//  3. Floor: body/retarget.h PutOnFloor on the (filled) foot joints.
//  4. Facing: a yaw turns the person's median facing (hips and shoulders)
//     to +Z (person 1) or -Z (person 2): face to face.
// Then the distance. During a fist bump the two contact hands (the hand each
// person reaches forward with most, Nuitrack's HAND joints, the fist centres)
// touch; the horizontal translation t of person 2 minimises
//   sum over contact frames c of |h1(c) + g z - (h2(c) + t)|^2   (XZ only)
// i.e. t = mean_c(h1 - h2) + g z, where g = the gap between two touching fist
// centres (8 cm: two half fists; 5 cm for clasped hands) along the line
// between the people (z = +Z, from person 1 towards person 2). Contact
// frames are found iteratively: start from the frames where both hands reach
// further forward than their median, fit t, keep the closest 75 %, refit
// (three rounds). Heights are not fitted (each person stands on the floor).
// The heuristic's error shows in the distance between the fist centres over
// the final contact frames (median and 90th percentile, NuisiPlacement): on
// the Rocket recording 0.112 m and 0.149 m against the modelled 0.08 m, i.e.
// 3-7 cm of tracking noise and unfitted height difference (~5 cm). A synthetic
// scene with a known answer comes back within 2 cm (nuisi_source_test.cc).
// Actions without contact (Waving) are placed at a fixed 1.6 m between the
// pelvises.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// Nuitrack's 25 joints in file order (JOINT_NONE is index 0, never tracked).
inline constexpr int kNuitrackNumJoints = 25;
inline constexpr std::array<std::string_view, kNuitrackNumJoints> kNuitrackJointNames = {
    "JOINT_NONE",
    "JOINT_HEAD",
    "JOINT_NECK",
    "JOINT_TORSO",
    "JOINT_WAIST",
    "JOINT_LEFT_COLLAR",
    "JOINT_LEFT_SHOULDER",
    "JOINT_LEFT_ELBOW",
    "JOINT_LEFT_WRIST",
    "JOINT_LEFT_HAND",
    "JOINT_LEFT_FINGERTIP",
    "JOINT_RIGHT_COLLAR",
    "JOINT_RIGHT_SHOULDER",
    "JOINT_RIGHT_ELBOW",
    "JOINT_RIGHT_WRIST",
    "JOINT_RIGHT_HAND",
    "JOINT_RIGHT_FINGERTIP",
    "JOINT_LEFT_HIP",
    "JOINT_LEFT_KNEE",
    "JOINT_LEFT_ANKLE",
    "JOINT_LEFT_FOOT",
    "JOINT_RIGHT_HIP",
    "JOINT_RIGHT_KNEE",
    "JOINT_RIGHT_ANKLE",
    "JOINT_RIGHT_FOOT"};

/// One NuiSI interaction as the dataset's reader (read_nuisi.py) describes it.
struct NuisiAction {
  std::string name;  ///< "Rocket": the file prefix.
  /// Captions, the first the canonical one.
  std::vector<std::string> texts;
  /// Labels for the index.
  std::vector<std::string> labels;
  /// Repetitions as inclusive [first, last] file indices (read_nuisi.py's
  /// trajectory_idx, commented-out ones left out).
  std::vector<std::array<int, 2>> segments;
  /// Which hands touch: "fists" (Rocket, Parachute), "hands" (Handshake) or
  /// "none" (Waving: placed at a fixed distance).
  std::string contact;
};

/// The known actions (Waving, Handshake, Rocket, Parachute). Throws Error
/// naming the action and listing the known ones for any other name.
const NuisiAction& FindNuisiAction(const std::string& name);

/// A two-person recording as read: frames where BOTH people were tracked.
struct NuisiRecording {
  std::string action;
  int num_frames = 0;
  /// File index of each frame (the first column).
  std::vector<int> index;
  /// Seconds since the first line of the files.
  std::vector<double> time_s;
  /// Per person: [T, 25, 3] metres in the right-handed Y-up sensor frame
  /// described in the file comment (garbage where not tracked).
  std::array<std::vector<double>, 2> positions;
  /// Per person: [T, 25], 1 where the joint was tracked (confidence > 0).
  std::array<std::vector<uint8_t>, 2> tracked;
  /// Lines where at least one person was not tracked (dropped).
  int dropped_frames = 0;
};

/// Reads {Action}_p1.txt and {Action}_p2.txt. Throws Error naming file and
/// line for a malformed line (field count, a number that does not parse or is
/// not finite), files of different length or with different index or
/// timestamp columns, timestamps that go back, or no frame with both tracked.
NuisiRecording ReadNuisiRecording(const std::filesystem::path& p1, const std::filesystem::path& p2);

/// What the face-to-face placement found (see the file comment).
struct NuisiPlacement {
  /// Tilt removed per person (degrees).
  std::array<double, 2> level_degrees{};
  /// Which hand each person reached with ("left" / "right"; "" without contact).
  std::array<std::string, 2> contact_hand;
  /// Frames used as contact frames.
  int contact_frames = 0;
  /// Distance between the two contact-hand joints over the contact frames (m).
  double fist_distance_median_m = 0.0;
  double fist_distance_p90_m = 0.0;
  /// Horizontal distance between the pelvises, median over all frames (m).
  double pelvis_distance_median_m = 0.0;
};

/// Both people on smpl22 in one world frame (Y up, floor y = 0, face to face).
struct NuisiWorld {
  int num_frames = 0;
  std::vector<int> index;
  std::vector<double> time_s;
  /// [2, T, 22, 3] metres.
  std::vector<float> joints;
  /// [2, T, 22], 1 where tracked (0 where filled with the standing pose).
  std::vector<uint8_t> valid;
  NuisiPlacement placement;
};

/// Levels, retargets (joint map `joint_map`, a nuisi.json), fills, floors and
/// places both people (file comment). Throws Error when the map does not
/// fit Nuitrack's names or a person has no tracked waist/neck/hips.
NuisiWorld NuisiPlaceFaceToFace(const NuisiRecording& recording,
                                const std::filesystem::path& joint_map);

}  // namespace intersynth
