#include "intersynth/recovery/keypoint_tracks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

constexpr int kK = kCoco17NumKeypoints;

}  // namespace

std::vector<KeypointTrack> GroupKeypointTracks(const KeypointSet& set,
                                               std::vector<std::string>* skipped) {
  std::map<int64_t, std::vector<const PersonKeypoints*>> by_track;
  const int num_frames = static_cast<int>(set.frames.size());
  for (const PersonKeypoints& person : set.people) {
    if (person.frame < 0 || person.frame >= num_frames) {
      throw Error(fmt::format("{}: track {} is in frame {}, but the file has {} frames", set.source,
                              person.track_id, person.frame, num_frames));
    }
    for (int k = 0; k < kK; ++k) {
      const float conf = person.confidence[k];
      if (!std::isfinite(conf) || conf < 0.0f || conf > 1.0f) {
        throw Error(fmt::format("{}: track {}, frame {}: keypoint {} has confidence {}", set.source,
                                person.track_id, person.frame, kCoco17Names[k], conf));
      }
      if (conf > 0.0f && (!std::isfinite(person.xy[k][0]) || !std::isfinite(person.xy[k][1]))) {
        throw Error(fmt::format("{}: track {}, frame {}: keypoint {} is not finite", set.source,
                                person.track_id, person.frame, kCoco17Names[k]));
      }
    }
    by_track[person.track_id].push_back(&person);
  }
  std::vector<KeypointTrack> tracks;
  for (const auto& [id, people] : by_track) {
    int first = num_frames, last = -1;
    for (const PersonKeypoints* p : people) {
      if (p->visible_count() == 0) continue;
      first = std::min(first, p->frame);
      last = std::max(last, p->frame);
    }
    if (last < 0) {
      if (skipped != nullptr)
        skipped->push_back(fmt::format("track {}: no visible keypoint in any frame", id));
      continue;
    }
    KeypointTrack track;
    track.track_id = id;
    track.first_frame = first;
    const int F = last - first + 1;
    track.xy.assign(static_cast<size_t>(F) * kK * 2, 0.0f);
    track.confidence.assign(static_cast<size_t>(F) * kK, 0.0f);
    for (const PersonKeypoints* p : people) {
      if (p->frame < first || p->frame > last) continue;
      const int t = p->frame - first;
      if (track.confidence[static_cast<size_t>(t) * kK] != 0.0f ||
          std::any_of(track.confidence.begin() + t * kK, track.confidence.begin() + (t + 1) * kK,
                      [](float c) { return c > 0.0f; })) {
        throw Error(
            fmt::format("{}: track {} appears twice in frame {}", set.source, id, p->frame));
      }
      for (int k = 0; k < kK; ++k) {
        track.confidence[static_cast<size_t>(t) * kK + k] = p->confidence[k];
        track.xy[(static_cast<size_t>(t) * kK + k) * 2] = p->xy[k][0];
        track.xy[(static_cast<size_t>(t) * kK + k) * 2 + 1] = p->xy[k][1];
      }
    }
    tracks.push_back(std::move(track));
  }
  return tracks;
}

}  // namespace intersynth
