#include "intersynth/body/joint_map.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// A map whose every target is "src_<smpl22 name>", except the ones in
// `overrides` (raw JSON values by smpl22 name); `skip` leaves one name out.
std::string MapText(const std::vector<std::pair<std::string, std::string>>& overrides = {},
                    const std::string& skip = "") {
  std::string text = "{\n  \"name\": \"test\",\n  \"joints\": {\n";
  bool first = true;
  for (const std::string_view name_view : kSmpl22JointNames) {
    const std::string name(name_view);
    if (name == skip) continue;
    std::string value = "\"src_" + name + "\"";
    for (const auto& [key, raw] : overrides) {
      if (key == name) value = raw;
    }
    text += std::string(first ? "" : ",\n") + "    \"" + name + "\": " + value;
    first = false;
  }
  for (const auto& [key, raw] : overrides) {
    if (std::find(kSmpl22JointNames.begin(), kSmpl22JointNames.end(), key) ==
        kSmpl22JointNames.end()) {
      text += ",\n    \"" + key + "\": " + raw;
    }
  }
  return text + "\n  }\n}\n";
}

TEST(JointMap, ParsesPlainAndInterpolatedTargets) {
  const JointMap map = ParseJointMap(
      MapText({{"spine3", R"({"between": ["Chest", "Neck"], "t": 0.25})"}}), "maps/test.json");
  EXPECT_EQ(map.name, "test");
  EXPECT_EQ(map.source, "maps/test.json");
  EXPECT_EQ(map.targets[0].a, "src_pelvis");
  EXPECT_FALSE(map.targets[0].interpolated());
  const JointSource& spine3 = map.targets[Smpl22JointIndex("spine3")];
  EXPECT_TRUE(spine3.interpolated());
  EXPECT_EQ(spine3.a, "Chest");
  EXPECT_EQ(spine3.b, "Neck");
  EXPECT_DOUBLE_EQ(spine3.t, 0.25);
}

TEST(JointMap, RequiredSourceNamesAreUniqueInFirstUseOrder) {
  const JointMap map =
      ParseJointMap(MapText({{"pelvis", "\"Hips\""},
                             {"spine1", R"({"between": ["Hips", "Spine"], "t": 0.5})"},
                             {"spine2", "\"Spine\""}}),
                    "m.json");
  const std::vector<std::string> names = map.RequiredSourceNames();
  // 22 targets, 3 of which reuse Hips/Spine: 21 distinct names.
  EXPECT_EQ(names.size(), 21u);
  EXPECT_EQ(names[0], "Hips");
  EXPECT_EQ(std::count(names.begin(), names.end(), "Hips"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "Spine"), 1);
}

TEST(JointMap, NameDefaultsToFileStem) {
  std::string text = MapText();
  text.replace(text.find("\"name\": \"test\",\n"), std::string("\"name\": \"test\",\n").size(), "");
  EXPECT_EQ(ParseJointMap(text, "dir/myrig.json").name, "myrig");
}

TEST(JointMap, MissingSmpl22JointNamesFileAndJoint) {
  EXPECT_ERROR_CONTAINS(ParseJointMap(MapText({}, "left_wrist"), "maps/a.json"),
                        {"maps/a.json:3:", "missing", "left_wrist"});
}

TEST(JointMap, UnknownSmpl22NameNamesFileLineAndKey) {
  // The unknown key is the 23rd entry: line 3 + 23 = 26.
  EXPECT_ERROR_CONTAINS(
      ParseJointMap(MapText({{"left_toe", "\"LeftToe\""}}), "maps/a.json"),
      {"maps/a.json:26:", "joints.left_toe", "not a smpl22 joint name", "left_foot"});
}

TEST(JointMap, InterpolationWeightOutsideUnitIntervalIsRejected) {
  // spine3 is the 10th entry: line 13.
  EXPECT_ERROR_CONTAINS(
      ParseJointMap(MapText({{"spine3", R"({"between": ["A", "B"], "t": 1.5})"}}), "a.json"),
      {"a.json:13:", "joints.spine3.t", "outside [0, 1]"});
  EXPECT_ERROR_CONTAINS(
      ParseJointMap(MapText({{"spine3", R"({"between": ["A", "B"], "t": -0.1})"}}), "a.json"),
      {"joints.spine3.t", "outside [0, 1]"});
  EXPECT_ERROR_CONTAINS(
      ParseJointMap(MapText({{"spine3", R"({"between": ["A", "B"], "t": "half"})"}}), "a.json"),
      {"joints.spine3.t", "expected a number"});
  // The bounds themselves are allowed.
  EXPECT_DOUBLE_EQ(
      ParseJointMap(MapText({{"spine3", R"({"between": ["A", "B"], "t": 1})"}}), "a.json")
          .targets[9]
          .t,
      1.0);
}

TEST(JointMap, BadValueTypesAreRejected) {
  EXPECT_ERROR_CONTAINS(ParseJointMap(MapText({{"head", "3"}}), "a.json"),
                        {"a.json:", "joints.head", "expected a source joint name"});
  EXPECT_ERROR_CONTAINS(ParseJointMap(MapText({{"head", "\"\""}}), "a.json"),
                        {"joints.head", "empty"});
  EXPECT_ERROR_CONTAINS(
      ParseJointMap(MapText({{"head", R"({"between": ["A"], "t": 0.5})"}}), "a.json"),
      {"joints.head.between", "two non-empty"});
  EXPECT_ERROR_CONTAINS(ParseJointMap(MapText({{"head", R"({"between": ["A", "B"]})"}}), "a.json"),
                        {"joints.head", "missing 't'"});
  EXPECT_ERROR_CONTAINS(
      ParseJointMap(MapText({{"head", R"({"between": ["A", "B"], "t": 0.5, "w": 1})"}}), "a.json"),
      {"joints.head", "unknown key 'w'"});
  EXPECT_ERROR_CONTAINS(ParseJointMap("[1, 2]", "a.json"), {"a.json", "JSON object"});
  EXPECT_ERROR_CONTAINS(ParseJointMap(R"({"name": "x"})", "a.json"), {"a.json", "\"joints\""});
  EXPECT_ERROR_CONTAINS(ParseJointMap(R"({"joints": {}, "jionts": {}})", "a.json"),
                        {"a.json:1:", "unknown key 'jionts'"});
}

TEST(JointMap, MalformedJsonNamesFileAndLine) {
  std::string text = MapText();
  text.insert(text.find("\"head\""), ",");  // a stray comma on the head line
  EXPECT_ERROR_CONTAINS(ParseJointMap(text, "maps/bad.json"), {"maps/bad.json:"});
}

TEST(JointMap, LoadJointMapsReadsSortedJsonFilesAndSkipsOthers) {
  testing::TempDir dir;
  WriteFileAtomic(dir / "b.json", MapText({{"pelvis", "\"B\""}}));
  WriteFileAtomic(dir / "a.json", MapText({{"pelvis", "\"A\""}}));
  WriteFileAtomic(dir / "README.md", "not a map");
  const std::vector<JointMap> maps = LoadJointMaps(dir.path());
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[0].targets[0].a, "A");
  EXPECT_EQ(maps[1].targets[0].a, "B");
  EXPECT_EQ(maps[0].source, (dir / "a.json").string());

  WriteFileAtomic(dir / "c.json", "{\"joints\": ");
  EXPECT_ERROR_CONTAINS(LoadJointMaps(dir.path()), {"c.json"});
  EXPECT_ERROR_CONTAINS(LoadJointMaps(dir / "missing"), {"missing", "not found"});
  testing::TempDir empty;
  EXPECT_ERROR_CONTAINS(LoadJointMaps(empty.path()), {"no joint map"});
}

TEST(JointMap, ShippedMapsAllLoad) {
  const std::vector<JointMap> maps = LoadJointMaps(testing::SourceDir() / "data/joint_maps");
  std::vector<std::string> names;
  for (const JointMap& map : maps) {
    names.push_back(map.name);
    EXPECT_FALSE(map.description.empty()) << map.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"bandai", "cmu_asf", "cmu_lefthip", "cmu_leftupleg",
                                             "hdm05", "nuisi", "reactidle", "smpl22"}));
}

TEST(JointMap, DefaultDirIsTheShippedFolderUnlessOverridden) {
  const char* old = std::getenv("INTERSYNTH_JOINT_MAPS");
  const std::string saved = old != nullptr ? old : "";
  unsetenv("INTERSYNTH_JOINT_MAPS");
  EXPECT_TRUE(
      std::filesystem::equivalent(DefaultJointMapDir(), testing::SourceDir() / "data/joint_maps"));
  setenv("INTERSYNTH_JOINT_MAPS", "/some/where", 1);
  EXPECT_EQ(DefaultJointMapDir(), std::filesystem::path("/some/where"));
  if (old != nullptr) {
    setenv("INTERSYNTH_JOINT_MAPS", saved.c_str(), 1);
  } else {
    unsetenv("INTERSYNTH_JOINT_MAPS");
  }
}

NamedJointPositions Skeleton(const std::vector<std::string>& names) {
  NamedJointPositions p;
  p.names = names;
  p.parents.assign(names.size(), 0);
  p.parents[0] = -1;
  p.num_frames = 1;
  p.fps = 30;
  p.positions.assign(names.size() * 3, 0.0);
  return p;
}

TEST(FindJointMap, PicksTheFirstMapThatFits) {
  std::vector<std::string> names;
  for (const std::string_view n : kSmpl22JointNames) names.push_back("src_" + std::string(n));
  names.push_back("extra_End");
  std::vector<JointMap> maps = {ParseJointMap(MapText({{"pelvis", "\"Nope\""}}), "nope.json"),
                                ParseJointMap(MapText(), "first.json"),
                                ParseJointMap(MapText(), "second.json")};
  EXPECT_EQ(FindJointMap(Skeleton(names), maps, "take.bvh").source, "first.json");
}

TEST(FindJointMap, UnknownSkeletonListsNamesClosestMapAndTheFlag) {
  const std::vector<JointMap> maps = {
      ParseJointMap(MapText(), "far.json"),
      ParseJointMap(MapText({{"pelvis", "\"Root\""}, {"head", "\"Skull\""}}), "near.json")};
  std::vector<std::string> names;
  for (const std::string_view n : kSmpl22JointNames) {
    if (n != "head") names.push_back(n == "pelvis" ? "Root" : "src_" + std::string(n));
  }
  EXPECT_ERROR_CONTAINS(FindJointMap(Skeleton(names), maps, "odd.bvh"),
                        {"odd.bvh: unknown skeleton", "Root, src_left_hip", "near.json",
                         "needs Skull", "data/joint_maps/README.md", "pass it as joint_map"});
  EXPECT_ERROR_CONTAINS(FindJointMap(Skeleton({"a", "b"}), {}, "x.bvh"),
                        {"x.bvh: unknown skeleton (joints: a, b)", "joint_map"});
}

}  // namespace
}  // namespace intersynth
