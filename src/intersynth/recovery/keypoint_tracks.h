#pragma once
// One person's keypoints over consecutive frames: a keypoint set (keypoints.h)
// grouped by track id, the input of body fitting (body_fitting_torch.h).

#include <cstdint>
#include <string>
#include <vector>

#include "intersynth/recovery/keypoints.h"

namespace intersynth {

/// One person's keypoints over frames [first_frame, first_frame + F).
struct KeypointTrack {
  int64_t track_id = 0;
  int first_frame = 0;
  /// [F, 17, 2] pixels and [F, 17] confidences (0 where unseen).
  std::vector<float> xy;
  std::vector<float> confidence;
  int num_frames() const { return static_cast<int>(confidence.size() / kCoco17NumKeypoints); }
};

/// Groups a keypoint set by track id (frames from the first to the last that
/// shows the person; frames in between without them have confidence 0).
/// People with no visible keypoint at all are left out and named in
/// `skipped`. Throws Error for a non-finite coordinate of a visible point,
/// a confidence outside [0, 1] or a frame index outside the set's frames.
std::vector<KeypointTrack> GroupKeypointTracks(const KeypointSet& set,
                                               std::vector<std::string>* skipped = nullptr);

}  // namespace intersynth
