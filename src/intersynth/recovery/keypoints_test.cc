#include "intersynth/recovery/keypoints.h"

#include <gtest/gtest.h>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

TEST(Keypoints, SharedCocoAnnotations) {
  INTERSYNTH_REQUIRE_SHARED_DATA(coco, "keypoints/coco/test_coco.json");
  const KeypointSet set = ReadKeypointsJson(*coco_optional);
  EXPECT_EQ(set.format, "coco");
  ASSERT_EQ(set.frames.size(), 4u);
  EXPECT_EQ(set.frames[0].id, 785);
  EXPECT_EQ(set.frames[0].file_name, "000000000785.jpg");
  EXPECT_EQ(set.frames[0].width, 640);
  EXPECT_EQ(set.frames[3].id, 197388);
  // 14 person annotations; two of them label no point at all (kept: recovery skips them).
  ASSERT_EQ(set.people.size(), 14u);
  const PersonKeypoints& first = set.people[0];
  EXPECT_EQ(first.frame, 0);
  EXPECT_EQ(first.visible_count(), 17);
  EXPECT_EQ(first.xy[0][0], 367.0f);  // nose
  EXPECT_EQ(first.xy[0][1], 81.0f);
  EXPECT_EQ(first.xy[16][0], 396.0f);  // right ankle
  EXPECT_EQ(first.confidence[16], 1.0f);
  int empty = 0;
  for (const PersonKeypoints& person : set.people) empty += person.visible_count() == 0;
  EXPECT_EQ(empty, 2);
  // Track ids without a track_id: the rank within the image.
  EXPECT_EQ(set.people[1].track_id, 0);
  EXPECT_EQ(set.people[2].track_id, 1);
}

TEST(Keypoints, SharedPoseTrackMapsOntoCoco17) {
  INTERSYNTH_REQUIRE_SHARED_DATA(pt, "keypoints/posetrack18/annotations/val/012834_mpii_test.json");
  const KeypointSet set = ReadKeypointsJson(*pt_optional);
  EXPECT_EQ(set.format, "posetrack18");
  ASSERT_EQ(set.frames.size(), 1u);
  ASSERT_EQ(set.people.size(), 11u);
  for (size_t i = 0; i < set.people.size(); ++i) {
    const PersonKeypoints& person = set.people[i];
    EXPECT_EQ(person.track_id, static_cast<int64_t>(i));
    // PoseTrack has no eyes (its head_bottom / head_top are dropped) and never labels the ears.
    for (int k = 1; k <= 4; ++k)
      EXPECT_EQ(person.confidence[k], 0.0f) << "person " << i << " point " << k;
    EXPECT_GT(person.visible_count(), 0);
  }
}

TEST(Keypoints, PoseTrackPointsLandOnTheirCocoNames) {
  INTERSYNTH_REQUIRE_SHARED_DATA(pt, "keypoints/posetrack18/annotations/val/003418_mpii_test.json");
  const KeypointSet set = ReadKeypointsJson(*pt_optional);
  ASSERT_EQ(set.people.size(), 1u);
  const PersonKeypoints& person = set.people[0];
  // The file: nose (621, 471), left_shoulder (371, 737), right_wrist (953, 141), left_wrist
  // missing.
  EXPECT_EQ(person.xy[0][0], 621.0f);
  EXPECT_EQ(person.xy[0][1], 471.0f);
  EXPECT_EQ(person.xy[5][0], 371.0f);
  EXPECT_EQ(person.xy[10][1], 141.0f);
  EXPECT_EQ(person.confidence[9], 0.0f);
  EXPECT_EQ(set.frames[0].width, 1920);
  EXPECT_EQ(set.frames[0].file_name, "images/val/003418_mpii_test/000000.jpg");
}

TEST(Keypoints, WriteThenReadKeepsEverything) {
  KeypointSet set;
  set.frames = {{0, "f0.png", 640, 480}, {1, "f1.png", 640, 480}};
  for (int t = 0; t < 2; ++t) {
    for (int track = 0; track < 2; ++track) {
      PersonKeypoints person;
      person.frame = t;
      person.track_id = 7 + track;
      for (int k = 0; k < kCoco17NumKeypoints; ++k) {
        person.xy[k] = {10.5f * k + t, 3.25f * k + track};
        person.confidence[k] = k == 3 ? 0.0f : 0.5f + 0.02f * k;
      }
      person.bbox = {1, 2, 30, 40};
      set.people.push_back(person);
    }
  }
  testing::TempDir dir;
  WriteKeypointsJson(dir / "kp.json", set);
  const KeypointSet back = ReadKeypointsJson(dir / "kp.json");
  EXPECT_EQ(back.format, "coco");
  ASSERT_EQ(back.frames.size(), 2u);
  EXPECT_EQ(back.frames[1].file_name, "f1.png");
  ASSERT_EQ(back.people.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(back.people[i].frame, set.people[i].frame);
    EXPECT_EQ(back.people[i].track_id, set.people[i].track_id);
    EXPECT_EQ(back.people[i].confidence, set.people[i].confidence);
    EXPECT_EQ(back.people[i].bbox, set.people[i].bbox);
    for (int k = 0; k < kCoco17NumKeypoints; ++k) {
      if (k == 3) continue;  // not seen: written as (0, 0)
      EXPECT_EQ(back.people[i].xy[k], set.people[i].xy[k]);
    }
  }
}

// COCO's v = 1 (labelled but hidden) is a guess: read with the hidden
// confidence and kept hidden through a write and a read; PoseTrack18's v = 1
// is its only "labelled" flag and stays a seen point.
TEST(Keypoints, HiddenCocoPointsAreGuessesAndRoundTrip) {
  testing::TempDir dir;
  nlohmann::json points = nlohmann::json::array();
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    points.push_back(10 + k);
    points.push_back(20 + k);
    points.push_back(k == 9 ? 1 : k == 3 ? 0 : 2);
  }
  std::vector<std::string> names(kCoco17Names.begin(), kCoco17Names.end());
  const nlohmann::json coco = {
      {"images", {{{"id", 1}, {"file_name", "a.png"}, {"width", 64}, {"height", 48}}}},
      {"annotations", {{{"id", 1}, {"image_id", 1}, {"category_id", 1}, {"keypoints", points}}}},
      {"categories", {{{"id", 1}, {"name", "person"}, {"keypoints", names}}}}};
  WriteJson(dir / "gt.json", coco);
  const KeypointSet set = ReadKeypointsJson(dir / "gt.json");
  ASSERT_EQ(set.people.size(), 1u);
  const PersonKeypoints& person = set.people[0];
  EXPECT_FLOAT_EQ(person.confidence[9], kHiddenKeypointConfidence);
  EXPECT_TRUE(person.hidden[9]);
  EXPECT_FLOAT_EQ(person.confidence[10], 1.0f);
  EXPECT_FALSE(person.hidden[10]);
  EXPECT_FLOAT_EQ(person.confidence[3], 0.0f);
  WriteKeypointsJson(dir / "again.json", set);
  const nlohmann::json written = ReadJson(dir / "again.json");
  EXPECT_EQ(written["annotations"][0]["keypoints"][3 * 9 + 2], 1);
  EXPECT_EQ(written["annotations"][0]["keypoints"][3 * 10 + 2], 2);
  const KeypointSet again = ReadKeypointsJson(dir / "again.json");
  EXPECT_FLOAT_EQ(again.people[0].confidence[9], kHiddenKeypointConfidence);
  EXPECT_TRUE(again.people[0].hidden[9]);
}

TEST(Keypoints, ResultsListReadsScores) {
  testing::TempDir dir;
  nlohmann::json detection;
  std::vector<double> values;
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    values.insert(values.end(), {10.0 + k, 20.0 + k, k % 2 == 0 ? 0.9 : 0.1});
  }
  const nlohmann::json list = nlohmann::json::array(
      {{{"image_id", 5}, {"category_id", 1}, {"keypoints", values}, {"score", 0.8}},
       {{"image_id", 3}, {"category_id", 1}, {"keypoints", values}, {"score", 0.7}}});
  WriteJson(dir / "results.json", list);
  const KeypointSet set = ReadKeypointsJson(dir / "results.json");
  EXPECT_EQ(set.format, "coco-results");
  ASSERT_EQ(set.frames.size(), 2u);
  EXPECT_EQ(set.frames[0].id, 3);
  ASSERT_EQ(set.people.size(), 2u);
  EXPECT_EQ(set.people[0].frame, 1);
  EXPECT_FLOAT_EQ(set.people[0].confidence[0], 0.9f);
  EXPECT_FLOAT_EQ(set.people[0].confidence[1], 0.1f);
}

/// A one-image COCO file whose single annotation is `annotation`.
nlohmann::json OneImage(const nlohmann::json& annotation) {
  return {{"categories",
           {{{"id", 1},
             {"name", "person"},
             {"keypoints", std::vector<std::string>(kCoco17Names.begin(), kCoco17Names.end())}}}},
          {"images", {{{"id", 1}, {"file_name", "a.png"}, {"width", 10}, {"height", 10}}}},
          {"annotations", {annotation}}};
}

TEST(Keypoints, BadFilesAreNamed) {
  testing::TempDir dir;
  const std::string path = (dir / "bad.json").string();
  std::vector<double> values(51, 1.0);
  WriteJson(path, OneImage({{"image_id", 2}, {"category_id", 1}, {"keypoints", values}}));
  EXPECT_ERROR_CONTAINS(ReadKeypointsJson(path),
                        {path, "annotation 0", "image 2", "does not list"});

  WriteJson(
      path,
      OneImage({{"image_id", 1}, {"category_id", 1}, {"keypoints", std::vector<double>(50, 1.0)}}));
  EXPECT_ERROR_CONTAINS(ReadKeypointsJson(path), {path, "51 numbers", "got 50"});

  nlohmann::json broken = values;
  broken[3] = "x";
  WriteJson(path, OneImage({{"image_id", 1}, {"category_id", 1}, {"keypoints", broken}}));
  EXPECT_ERROR_CONTAINS(ReadKeypointsJson(path), {path, "keypoint 1", "not three numbers"});

  nlohmann::json other = OneImage({{"image_id", 1}, {"keypoints", values}});
  other["categories"][0]["keypoints"] = {"head", "neck"};
  WriteJson(path, other);
  EXPECT_ERROR_CONTAINS(ReadKeypointsJson(path),
                        {path, "head, neck", "neither COCO-17's nor PoseTrack18's"});

  // NaN is not JSON: the parser names the file and the place.
  WriteFileAtomic(path, "{\"images\": [NaN]}");
  EXPECT_ERROR_CONTAINS(ReadKeypointsJson(path), {path});
}

}  // namespace
}  // namespace intersynth
