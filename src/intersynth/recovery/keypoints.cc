#include "intersynth/recovery/keypoints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

/// PoseTrack18's 17 points in its own order.
constexpr std::array<std::string_view, kCoco17NumKeypoints> kPoseTrackNames = {
    "nose",           "head_bottom", "head_top",    "left_ear",   "right_ear",   "left_shoulder",
    "right_shoulder", "left_elbow",  "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip",      "left_knee",   "right_knee",  "left_ankle", "right_ankle"};

/// For each source point, its COCO-17 index, or -1 when COCO-17 has no such point.
using PointMap = std::array<int, kCoco17NumKeypoints>;

/// The map for a category's keypoint names; throws Error for other skeletons.
PointMap MapFromNames(const std::vector<std::string>& names,
                      const std::string& source,
                      std::string* format) {
  auto equal = [&](const auto& reference) {
    return names.size() == reference.size() &&
           std::equal(names.begin(), names.end(), reference.begin());
  };
  PointMap map;
  if (equal(kCoco17Names)) {
    for (int i = 0; i < kCoco17NumKeypoints; ++i) map[i] = i;
    *format = "coco";
    return map;
  }
  if (equal(kPoseTrackNames)) {
    for (int i = 0; i < kCoco17NumKeypoints; ++i) {
      const auto it = std::find(kCoco17Names.begin(), kCoco17Names.end(), kPoseTrackNames[i]);
      map[i] = it == kCoco17Names.end() ? -1 : static_cast<int>(it - kCoco17Names.begin());
    }
    *format = "posetrack18";
    return map;
  }
  std::string listed;
  for (const std::string& name : names) listed += (listed.empty() ? "" : ", ") + name;
  throw Error(fmt::format(
      "{}: the person category's keypoints ({}) are neither COCO-17's nor PoseTrack18's", source,
      listed));
}

/// Reads one annotation's 51 values into `person` through `map`. `scores`
/// (optional, 17 values) replaces the visibility flags; `results` reads the
/// third value as a score; `coco_hidden` reads v = 1 as COCO's labelled but
/// hidden (PoseTrack18 flags every labelled point with 1).
void ReadPoints(const nlohmann::json& values,
                const nlohmann::json* scores,
                bool results,
                bool coco_hidden,
                const PointMap& map,
                const std::string& where,
                PersonKeypoints* person) {
  if (!values.is_array() || values.size() != 3 * kCoco17NumKeypoints) {
    throw Error(fmt::format("{}: 'keypoints' must hold {} numbers (x, y, v for 17 points), got {}",
                            where, 3 * kCoco17NumKeypoints, values.is_array() ? values.size() : 0));
  }
  if (scores != nullptr && (!scores->is_array() || scores->size() != kCoco17NumKeypoints)) {
    throw Error(fmt::format("{}: 'keypoint_scores' must hold 17 numbers", where));
  }
  for (int s = 0; s < kCoco17NumKeypoints; ++s) {
    if (map[s] < 0) continue;
    const nlohmann::json& jx = values[3 * s];
    const nlohmann::json& jy = values[3 * s + 1];
    const nlohmann::json& jv = values[3 * s + 2];
    if (!jx.is_number() || !jy.is_number() || !jv.is_number()) {
      throw Error(
          fmt::format("{}: keypoint {} ({}) is not three numbers", where, s, kCoco17Names[map[s]]));
    }
    const double x = jx.get<double>(), y = jy.get<double>(), v = jv.get<double>();
    const bool hidden = !results && coco_hidden && v > 0.0 && v < 1.5;  // COCO v = 1
    double confidence = results ? v : hidden ? kHiddenKeypointConfidence : v > 0.0 ? 1.0 : 0.0;
    if (scores != nullptr) confidence = (*scores)[s].get<double>();
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw Error(fmt::format("{}: keypoint {} has confidence {}, expected a value in [0, 1]",
                              where, s, confidence));
    }
    if (confidence > 0.0 && (!std::isfinite(x) || !std::isfinite(y))) {
      throw Error(fmt::format("{}: keypoint {} is seen but its position ({}, {}) is not finite",
                              where, s, x, y));
    }
    const int c = map[s];
    person->xy[c] = {static_cast<float>(x), static_cast<float>(y)};
    person->confidence[c] = static_cast<float>(confidence);
    person->hidden[c] = hidden && confidence > 0.0;
  }
}

/// A number of an object, or `fallback` when absent.
double NumberOr(const nlohmann::json& object, const char* key, double fallback) {
  return object.contains(key) && object.at(key).is_number() ? object.at(key).get<double>()
                                                            : fallback;
}

/// Whether an annotation is a crowd region (iscrowd true or 1).
bool IsCrowd(const nlohmann::json& annotation) {
  if (!annotation.contains("iscrowd")) return false;
  const nlohmann::json& crowd = annotation.at("iscrowd");
  return crowd.is_boolean() ? crowd.get<bool>() : crowd.is_number() && crowd.get<double>() != 0.0;
}

}  // namespace

int PersonKeypoints::visible_count() const {
  return static_cast<int>(
      std::count_if(confidence.begin(), confidence.end(), [](float c) { return c > 0.0f; }));
}

std::array<double, 4> PersonKeypoints::SeenBox() const {
  std::array<double, 4> box = {
      std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    if (!(confidence[k] > 0.0f)) continue;
    box = {std::min<double>(box[0], xy[k][0]), std::min<double>(box[1], xy[k][1]),
           std::max<double>(box[2], xy[k][0]), std::max<double>(box[3], xy[k][1])};
  }
  return visible_count() > 0 ? box : std::array<double, 4>{};
}

KeypointSet ReadKeypointsJson(const std::filesystem::path& path) {
  const std::string source = path.string();
  const nlohmann::json json = ReadJson(path);
  KeypointSet set;
  set.source = source;

  // COCO results: a list of detections; frames from their image ids.
  if (json.is_array()) {
    set.format = "coco-results";
    PointMap identity;
    for (int i = 0; i < kCoco17NumKeypoints; ++i) identity[i] = i;
    std::map<int64_t, int> frame_of;
    for (const nlohmann::json& detection : json) {
      frame_of[JsonRequire<int64_t>(detection, "image_id", source + ": a detection")] = 0;
    }
    for (auto& [id, index] : frame_of) {
      index = static_cast<int>(set.frames.size());
      set.frames.push_back({id, "", 0, 0});
    }
    std::vector<int> rank(set.frames.size(), 0);
    for (size_t i = 0; i < json.size(); ++i) {
      const nlohmann::json& detection = json[i];
      if (NumberOr(detection, "category_id", 1) != 1) continue;
      PersonKeypoints person;
      person.frame = frame_of.at(detection.at("image_id").get<int64_t>());
      person.track_id = detection.contains("track_id") ? detection.at("track_id").get<int64_t>()
                                                       : rank[static_cast<size_t>(person.frame)];
      ++rank[static_cast<size_t>(person.frame)];
      ReadPoints(JsonRequire<nlohmann::json>(detection, "keypoints", source), nullptr, true, false,
                 identity, fmt::format("{}: detection {}", source, i), &person);
      set.people.push_back(person);
    }
    return set;
  }

  // A dataset: the person category, the images, the annotations.
  if (!json.is_object())
    throw Error(fmt::format("{}: expected a COCO keypoint object or a list of detections", source));
  const auto categories = JsonRequire<nlohmann::json>(json, "categories", source);
  int64_t person_category = -1;
  PointMap map{};
  for (const nlohmann::json& category : categories) {
    if (!category.contains("keypoints")) continue;
    if (category.contains("name") && category.at("name") != "person") continue;
    person_category = JsonRequire<int64_t>(category, "id", source + ": category");
    map = MapFromNames(
        JsonRequire<std::vector<std::string>>(category, "keypoints", source + ": category"), source,
        &set.format);
    break;
  }
  if (person_category < 0)
    throw Error(fmt::format("{}: no person category with keypoints", source));

  std::vector<nlohmann::json> images =
      JsonRequire<std::vector<nlohmann::json>>(json, "images", source);
  std::sort(images.begin(), images.end(), [&](const nlohmann::json& a, const nlohmann::json& b) {
    return a.at("id").get<int64_t>() < b.at("id").get<int64_t>();
  });
  std::map<int64_t, int> frame_of;
  for (const nlohmann::json& image : images) {
    KeypointFrame frame;
    frame.id = JsonRequire<int64_t>(image, "id", source + ": image");
    frame.file_name = image.contains("file_name") ? image.at("file_name").get<std::string>() : "";
    frame.width = static_cast<int>(NumberOr(image, "width", 0));
    frame.height = static_cast<int>(NumberOr(image, "height", 0));
    if (!frame_of.emplace(frame.id, static_cast<int>(set.frames.size())).second) {
      throw Error(fmt::format("{}: image id {} appears twice", source, frame.id));
    }
    set.frames.push_back(frame);
  }

  const auto annotations = JsonRequire<nlohmann::json>(json, "annotations", source);
  std::vector<int> rank(set.frames.size(), 0);
  for (size_t i = 0; i < annotations.size(); ++i) {
    const nlohmann::json& annotation = annotations[i];
    const std::string where = fmt::format("{}: annotation {}", source, i);
    if (NumberOr(annotation, "category_id", static_cast<double>(person_category)) !=
        person_category)
      continue;
    if (IsCrowd(annotation) || !annotation.contains("keypoints")) continue;
    const int64_t image_id = JsonRequire<int64_t>(annotation, "image_id", where);
    const auto frame = frame_of.find(image_id);
    if (frame == frame_of.end()) {
      throw Error(
          fmt::format("{} refers to image {}, which the file does not list", where, image_id));
    }
    PersonKeypoints person;
    person.frame = frame->second;
    person.track_id = annotation.contains("track_id") ? annotation.at("track_id").get<int64_t>()
                                                      : rank[static_cast<size_t>(person.frame)];
    ++rank[static_cast<size_t>(person.frame)];
    const nlohmann::json* scores =
        annotation.contains("keypoint_scores") ? &annotation.at("keypoint_scores") : nullptr;
    ReadPoints(annotation.at("keypoints"), scores, false, set.format == "coco", map, where,
               &person);
    if (annotation.contains("bbox") && annotation.at("bbox").is_array() &&
        annotation.at("bbox").size() == 4) {
      for (int k = 0; k < 4; ++k) person.bbox[k] = annotation.at("bbox")[k].get<float>();
    }
    set.people.push_back(person);
  }
  return set;
}

void WriteKeypointsJson(const std::filesystem::path& path, const KeypointSet& set) {
  nlohmann::json json;
  json["info"] = {{"description", "intersynth keypoints (COCO-17)"}};
  json["categories"] = nlohmann::json::array(
      {{{"id", 1},
        {"name", "person"},
        {"supercategory", "person"},
        {"keypoints", std::vector<std::string>(kCoco17Names.begin(), kCoco17Names.end())}}});
  nlohmann::json images = nlohmann::json::array();
  for (const KeypointFrame& frame : set.frames) {
    images.push_back({{"id", frame.id},
                      {"file_name", frame.file_name},
                      {"width", frame.width},
                      {"height", frame.height}});
  }
  json["images"] = images;
  nlohmann::json annotations = nlohmann::json::array();
  for (size_t i = 0; i < set.people.size(); ++i) {
    const PersonKeypoints& person = set.people[i];
    INTERSYNTH_CHECK(person.frame >= 0 && person.frame < static_cast<int>(set.frames.size()))
        << "person " << i << " in frame " << person.frame;
    nlohmann::json values = nlohmann::json::array();
    for (int k = 0; k < kCoco17NumKeypoints; ++k) {
      const bool seen = person.confidence[k] > 0.0f;
      values.push_back(seen ? person.xy[k][0] : 0.0f);
      values.push_back(seen ? person.xy[k][1] : 0.0f);
      values.push_back(seen ? (person.hidden[k] ? 1 : 2) : 0);
    }
    annotations.push_back({{"id", static_cast<int64_t>(i + 1)},
                           {"image_id", set.frames[static_cast<size_t>(person.frame)].id},
                           {"category_id", 1},
                           {"iscrowd", 0},
                           {"track_id", person.track_id},
                           {"num_keypoints", person.visible_count()},
                           {"keypoints", values},
                           {"keypoint_scores", person.confidence},
                           {"bbox", person.bbox}});
  }
  json["annotations"] = annotations;
  WriteJson(path, json);
}

}  // namespace intersynth
