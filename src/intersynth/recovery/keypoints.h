#pragma once
// 2D keypoints of people in video frames: COCO-17 in memory, read from COCO
// keypoint JSON (ground truth or results) and PoseTrack18 JSON, written as
// COCO JSON. The input of motion recovery (issue 14) and the output of
// rendering synthetic people into a camera.
//
// Joint order (COCO-17):
//    0 nose            5 left_shoulder    10 right_wrist     15 left_ankle
//    1 left_eye        6 right_shoulder   11 left_hip        16 right_ankle
//    2 right_eye       7 left_elbow       12 right_hip
//    3 left_ear        8 right_elbow      13 left_knee
//    4 right_ear       9 left_wrist       14 right_knee
// "left" is the person's left. Pixels in OpenCV's 0-based convention
// (geometry/pinhole_camera.h; COCO's own coordinates are used as they are).
//
// Confidence per keypoint in [0, 1]; 0 = not seen (missing, not labelled,
// or a COCO-17 point the source format does not have). From COCO ground
// truth, visibility v = 0 gives 0, v = 2 (visible) gives 1 and v = 1
// (labelled but hidden: behind furniture, another person or the body itself)
// gives kHiddenKeypointConfidence and marks the point hidden: its position is
// a guess, as a detector's low score for an occluded joint says; from COCO
// results (a JSON list of detections) the third value is the detector's
// score. An annotation's `keypoint_scores`, when present, replace the
// confidences (v still says which points are hidden).
//
// PoseTrack18 labels 17 points of its own: nose, head_bottom, head_top, the
// ears (never labelled in practice) and the 12 limb points. Mapped onto
// COCO-17: nose, ears and limbs by name; the eyes get confidence 0;
// head_bottom and head_top are dropped.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// Number of COCO-17 keypoints.
inline constexpr int kCoco17NumKeypoints = 17;

/// For each COCO-17 point, the smpl22 joint it stands for, or -1 (the face
/// points, which smpl22 does not have): shoulders 16/17, elbows 18/19,
/// wrists 20/21, hips 1/2, knees 4/5, ankles 7/8.
inline constexpr std::array<int, kCoco17NumKeypoints> kCoco17FromSmpl22 = {
    -1, -1, -1, -1, -1, 16, 17, 18, 19, 20, 21, 1, 2, 4, 5, 7, 8};

/// The confidence of a ground-truth point labelled but hidden (COCO v = 1).
inline constexpr float kHiddenKeypointConfidence = 0.3f;

/// COCO-17 names in order (as in COCO's person category).
inline constexpr std::array<std::string_view, kCoco17NumKeypoints> kCoco17Names = {
    "nose",           "left_eye",   "right_eye",   "left_ear",   "right_ear",   "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip",      "left_knee",  "right_knee",  "left_ankle", "right_ankle"};

/// One frame (image) of a keypoint file.
struct KeypointFrame {
  /// The file's image id.
  int64_t id = 0;
  /// The image file as the JSON names it (relative to the JSON or a root).
  std::string file_name;
  int width = 0;
  int height = 0;
};

/// One person in one frame.
struct PersonKeypoints {
  /// Index into KeypointSet::frames.
  int frame = 0;
  /// Track id (PoseTrack's track_id; for COCO ground truth without one, the
  /// annotation's rank within its image).
  int64_t track_id = 0;
  /// [17][x, y] pixels.
  std::array<std::array<float, 2>, kCoco17NumKeypoints> xy{};
  /// [17] in [0, 1].
  std::array<float, kCoco17NumKeypoints> confidence{};
  /// [17] labelled but hidden (COCO v = 1); only for seen points.
  std::array<bool, kCoco17NumKeypoints> hidden{};
  /// x, y, width, height, or all 0 when the file has none.
  std::array<float, 4> bbox{};

  /// Keypoints with confidence > 0.
  int visible_count() const;
  /// The box (min_x, min_y, max_x, max_y) of the keypoints with confidence
  /// > 0; all zero when none is seen.
  std::array<double, 4> SeenBox() const;
};

/// Every person in every frame of one file, frames in id order.
struct KeypointSet {
  std::vector<KeypointFrame> frames;
  std::vector<PersonKeypoints> people;
  /// "coco", "coco-results" or "posetrack18", and the file it came from.
  std::string format;
  std::string source;
};

/// Reads COCO keypoint JSON (a dataset object with images, annotations and a
/// person category whose keypoints are COCO-17's or PoseTrack18's), or COCO
/// results (a list of {image_id, keypoints, score}; frames then come from
/// the image ids). Non-person categories and crowd annotations are skipped.
/// Throws Error naming the file and the annotation that refers to an image
/// that does not exist, has other than 51 keypoint values, a non-finite or
/// negative coordinate on a seen point, or a confidence outside [0, 1].
KeypointSet ReadKeypointsJson(const std::filesystem::path& path);

/// Writes COCO keypoint JSON (the person category with COCO-17 names, the
/// frames as images, one annotation per person with `keypoints` [x, y, v]
/// where v = 2 for a seen point, 1 for a seen hidden one, else 0, plus
/// `keypoint_scores` with the
/// confidences and `track_id`), atomically. ReadKeypointsJson reads it back
/// with the same confidences.
void WriteKeypointsJson(const std::filesystem::path& path, const KeypointSet& set);

}  // namespace intersynth
