#include "intersynth/motion/scene_compose.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

#include "intersynth/motion/feature_augment.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

using L = InterGenLayout;
constexpr int D = L::kDim;
constexpr double kTwoPi = 6.283185307179586476925286766559;

// Smallest horizontal pelvis distance, over all rows, between the person
// block `candidate` and each of the blocks `placed` ([N, 262] each).
double ClosestApproach(const float* candidate,
                       const std::vector<const float*>& placed,
                       int64_t num_rows) {
  double closest_squared = std::numeric_limits<double>::infinity();
  for (const float* other : placed) {
    for (int64_t n = 0; n < num_rows; ++n) {
      const float* a = candidate + n * D + L::kPositions;
      const float* b = other + n * D + L::kPositions;
      const double dx = static_cast<double>(a[0]) - b[0];
      const double dz = static_cast<double>(a[2]) - b[2];
      closest_squared = std::min(closest_squared, dx * dx + dz * dz);
    }
  }
  return std::sqrt(closest_squared);
}

// ASCII lower case.
std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// The caption without surrounding white space and one trailing period.
std::string TrimCaption(const std::string& caption) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  size_t begin = 0, end = caption.size();
  while (begin < end && is_space(caption[begin])) ++begin;
  while (end > begin && is_space(caption[end - 1])) --end;
  if (end > begin && caption[end - 1] == '.') --end;
  while (end > begin && is_space(caption[end - 1])) --end;
  return caption.substr(begin, end - begin);
}

// The predicate of a trimmed caption whose subject is a recognised singular
// subject ("a person walks" -> "walks"), else std::nullopt.
std::optional<std::string> StripSubject(const std::string& caption) {
  // Longest first, so "a person" wins over "person" (the prefixes do not
  // otherwise overlap as whole words).
  static constexpr std::array<std::string_view, 8> kSubjects = {
      "the person", "a person", "the woman", "a woman", "the man", "a man", "someone", "person"};
  const std::string lower = Lower(caption);
  for (std::string_view subject : kSubjects) {
    // A whole-word prefix followed by white space and a non-empty predicate.
    if (lower.size() <= subject.size() + 1 || lower.compare(0, subject.size(), subject) != 0 ||
        !std::isspace(static_cast<unsigned char>(lower[subject.size()]))) {
      continue;
    }
    size_t start = subject.size();
    while (start < caption.size() && std::isspace(static_cast<unsigned char>(caption[start])))
      ++start;
    // "a person and their partner ...": a plural subject, not one person.
    if (lower.compare(start, 4, "and ") == 0) return std::nullopt;
    return caption.substr(start);
  }
  return std::nullopt;
}

// Joins list items: "A, B, and C" / "A, B, C, and D"; "; " instead of ", "
// when an item holds a comma.
std::string JoinList(const std::vector<std::string>& items) {
  bool has_comma = false;
  for (const std::string& item : items)
    has_comma = has_comma || item.find(',') != std::string::npos;
  const std::string separator = has_comma ? "; " : ", ";
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) joined += separator;
    if (i + 1 == items.size()) joined += "and ";
    joined += items[i];
  }
  return joined;
}

// "A while B"; "A, while B" when A holds a comma, so that a trailing
// phrase of A ("walks forward, looking angry") is closed off.
std::string JoinWhile(const std::string& a, const std::string& b) {
  return a + (a.find(',') != std::string::npos ? ", while " : " while ") + b;
}

}  // namespace

void ComposeOptions::Check() const {
  CheckAtLeast(min_separation_m, 0.0, "min_separation_m");
  CheckFinite(min_separation_m, "min_separation_m");
  CheckPositive(placement_radius_m, "placement_radius_m");
  CheckFinite(placement_radius_m, "placement_radius_m");
  CheckAtLeast(max_attempts, 1, "max_attempts");
}

ComposedScene ComposeScene(const std::vector<const float*>& persons,
                           int64_t num_rows,
                           Rng& rng,
                           const ComposeOptions& options) {
  // Input checks (bad options: OptionError; bad input: Error).
  options.Check();
  if (persons.empty()) throw Error("ComposeScene: expected at least 1 person, got none");
  if (num_rows < 1) {
    throw Error(fmt::format("ComposeScene: expected at least 1 row per person, got {}", num_rows));
  }
  for (size_t p = 0; p < persons.size(); ++p) {
    if (persons[p] == nullptr) {
      throw Error(fmt::format("ComposeScene: person {}: the feature block is null", p));
    }
    for (int64_t n = 0; n < num_rows; ++n) {
      const float* pelvis = persons[p] + n * D + L::kPositions;
      if (!std::isfinite(pelvis[0]) || !std::isfinite(pelvis[1]) || !std::isfinite(pelvis[2])) {
        throw Error(fmt::format(
            "ComposeScene: person {}, row {}: expected a finite pelvis position, got ({}, {}, {})",
            p, n, pelvis[0], pelvis[1], pelvis[2]));
      }
    }
  }

  const int P = static_cast<int>(persons.size());
  const size_t block = static_cast<size_t>(num_rows) * D;
  ComposedScene scene;
  scene.num_persons = P;
  scene.num_rows = num_rows;
  scene.values.resize(static_cast<size_t>(P) * block);
  scene.placements.assign(P, YawTransform{});

  // Person 0 stays where it is.
  std::copy(persons[0], persons[0] + block, scene.values.begin());
  std::vector<const float*> placed = {scene.values.data()};

  const double min_separation = options.min_separation_m;
  for (int p = 1; p < P; ++p) {
    float* slot = scene.values.data() + static_cast<size_t>(p) * block;
    const float* pelvis0 = persons[p] + L::kPositions;
    double best_closest = -1.0;
    bool accepted = false;
    for (int attempt = 0; attempt < options.max_attempts && !accepted; ++attempt) {
      // Heading, then a point uniform in the disc: r = R sqrt(u), phi = 2 pi v.
      const double yaw = rng.Uniform(0.0, kTwoPi);
      const double r = options.placement_radius_m * std::sqrt(rng.Uniform());
      const double phi = rng.Uniform(0.0, kTwoPi);
      const double cx = r * std::cos(phi), cz = r * std::sin(phi);

      // scene_from_input: R_y(yaw), then t = c - R_y(yaw) c_in so that row 0's
      // pelvis lands on c.
      YawTransform placement;
      placement.yaw = yaw;
      const double c = std::cos(yaw), s = std::sin(yaw);
      placement.translation_x = cx - (c * pelvis0[0] + s * pelvis0[2]);
      placement.translation_z = cz - (-s * pelvis0[0] + c * pelvis0[2]);

      // Move the rows into the slot and test the separation on the floats
      // that will be returned.
      std::copy(persons[p], persons[p] + block, slot);
      ApplyYawToFeatureRows(slot, num_rows, placement);
      const double closest = ClosestApproach(slot, placed, num_rows);
      best_closest = std::max(best_closest, closest);
      if (closest >= min_separation) {
        accepted = true;
        scene.placements[p] = placement;
        if (options.rotations == FeatureRotations::kRecomputeIk)
          RecomputeIkRotations(slot, num_rows);
      }
    }
    if (!accepted) {
      scene.success = false;
      scene.message = fmt::format(
          "ComposeScene: could not place person {} of {} in {} attempts: its pelvis came within "
          "{:.3f} m of an already placed person at best, expected at least {} m at every row "
          "(placement radius {} m)",
          p, P, options.max_attempts, best_closest, min_separation, options.placement_radius_m);
      scene.values.clear();
      scene.placements.clear();
      return scene;
    }
    placed.push_back(slot);
  }
  scene.success = true;
  return scene;
}

std::string JoinCaptions(const std::vector<std::string>& captions) {
  if (captions.empty() || captions.size() > 4) {
    throw Error(fmt::format("JoinCaptions: expected 1 to 4 captions, got {}", captions.size()));
  }
  if (captions.size() == 1) return captions[0];

  // Trim, then strip the subjects; any caption without one selects the fallback.
  std::vector<std::string> trimmed, clauses;
  bool all_have_subjects = true;
  for (const std::string& caption : captions) {
    trimmed.push_back(TrimCaption(caption));
    const std::optional<std::string> clause = StripSubject(trimmed.back());
    all_have_subjects = all_have_subjects && clause.has_value();
    clauses.push_back(clause.value_or(""));
  }

  if (!all_have_subjects) {
    if (trimmed.size() == 2) return JoinWhile(trimmed[0], trimmed[1]);
    return JoinList(trimmed);
  }

  // "one person A while another B" / "one person A, another B, (a third C, )and a fourth D".
  const bool capital = std::isupper(static_cast<unsigned char>(trimmed[0][0])) != 0;
  const std::string first = std::string(capital ? "One" : "one") + " person " + clauses[0];
  if (clauses.size() == 2) return JoinWhile(first, "another " + clauses[1]);
  static constexpr std::array<std::string_view, 4> kOrdinals = {"", "another ", "a third ",
                                                                "a fourth "};
  std::vector<std::string> items = {first};
  for (size_t i = 1; i < clauses.size(); ++i)
    items.push_back(std::string(kOrdinals[i]) + clauses[i]);
  return JoinList(items);
}

}  // namespace intersynth
