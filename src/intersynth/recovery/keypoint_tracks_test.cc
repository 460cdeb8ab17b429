#include "intersynth/recovery/keypoint_tracks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

KeypointSet OnePersonTwoFrames() {
  KeypointSet set;
  set.source = "test.json";
  set.frames.resize(3);
  for (int f : {0, 2}) {
    PersonKeypoints person;
    person.frame = f;
    person.track_id = 7;
    for (int k = 0; k < kCoco17NumKeypoints; ++k) {
      person.xy[k] = {100.0f + k, 50.0f + 10.0f * k};
      person.confidence[k] = 1.0f;
    }
    set.people.push_back(person);
  }
  return set;
}

TEST(KeypointTracks, TracksSpanFromFirstToLastSeenFrame) {
  KeypointSet set = OnePersonTwoFrames();
  PersonKeypoints ghost;  // a person never seen
  ghost.track_id = 9;
  set.people.push_back(ghost);
  std::vector<std::string> skipped;
  const std::vector<KeypointTrack> tracks = GroupKeypointTracks(set, &skipped);
  ASSERT_EQ(tracks.size(), 1u);
  EXPECT_EQ(tracks[0].track_id, 7);
  EXPECT_EQ(tracks[0].num_frames(), 3);
  EXPECT_EQ(tracks[0].confidence[kCoco17NumKeypoints], 0.0f);  // frame 1: not there
  EXPECT_EQ(tracks[0].confidence[2 * kCoco17NumKeypoints], 1.0f);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("track 9"), std::string::npos);
}

TEST(KeypointTracks, BadKeypointsAreClearErrors) {
  KeypointSet nan = OnePersonTwoFrames();
  nan.people[1].xy[3][0] = std::nanf("");
  EXPECT_ERROR_CONTAINS(GroupKeypointTracks(nan), {"test.json", "track 7", "frame 2", "left_ear"});
  KeypointSet outside = OnePersonTwoFrames();
  outside.people[1].frame = 5;
  EXPECT_ERROR_CONTAINS(GroupKeypointTracks(outside), {"frame 5", "3 frames"});
  KeypointSet twice = OnePersonTwoFrames();
  twice.people[1].frame = 0;
  EXPECT_ERROR_CONTAINS(GroupKeypointTracks(twice), {"track 7", "twice"});
}

}  // namespace
}  // namespace intersynth
