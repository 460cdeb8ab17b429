#include "intersynth/motion/label_text.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// One label's phrasings, most natural first.
using Phrasings = std::vector<std::string>;
using PhraseTable = std::map<std::string, Phrasings>;

// Gender-neutral subjects, one per text before any repeats.
const Phrasings& Subjects() {
  static const Phrasings kSubjects = {"a person", "someone", "the person"};
  return kSubjects;
}

// Bandai Namco contents: third-person verb phrases.
const PhraseTable& BandaiContents() {
  static const PhraseTable kTable = {
      {"bow", {"bows", "bows politely"}},
      {"bye", {"waves goodbye", "says goodbye with a wave of the hand"}},
      {"byebye", {"waves bye bye", "waves goodbye with big arm swings"}},
      {"call", {"calls someone over with a hand gesture", "beckons for someone to come over"}},
      {"dance-short", {"does a short dance", "dances briefly"}},
      {"dash", {"dashes forward", "sprints ahead"}},
      {"guide", {"shows someone the way with the arm", "gestures to show the way"}},
      {"kick", {"kicks", "does a kick"}},
      {"punch", {"punches", "throws a punch"}},
      {"raise-up-both-hands", {"raises both hands", "lifts both hands up"}},
      {"raise-up-left-hand", {"raises the left hand", "lifts the left hand up"}},
      {"raise-up-right-hand", {"raises the right hand", "lifts the right hand up"}},
      {"respond", {"responds with a gesture", "reacts with a gesture"}},
      {"run", {"runs", "runs forward"}},
      {"slash", {"slashes as if with a sword", "makes a slashing motion with the arm"}},
      {"walk", {"walks", "walks forward"}},
      {"walk-back", {"walks backwards", "walks back"}},
      {"walk-left", {"walks to the left", "walks sideways to the left"}},
      {"walk-right", {"walks to the right", "walks sideways to the right"}},
      {"walk-turn-left", {"walks while turning left", "turns left as they walk"}},
      {"walk-turn-right", {"walks while turning right", "turns right as they walk"}},
      {"wave-both-hands", {"waves both hands", "waves with both hands"}},
      {"wave-left-hand", {"waves the left hand", "waves with the left hand"}},
      {"wave-right-hand", {"waves the right hand", "waves with the right hand"}},
  };
  return kTable;
}

// Bandai Namco styles: suffixes appended to the verb phrase, each with its own
// separator (", looking tired" vs " angrily"). "normal" has one empty suffix.
const PhraseTable& BandaiStyles() {
  static const PhraseTable kTable = {
      {"normal", {""}},
      {"active", {" energetically", " in an active way"}},
      {"angry", {" angrily", ", looking angry"}},
      {"childish", {" like a child", " in a childish way"}},
      {"chimpira", {" like a street thug", " in a swaggering, thuggish way"}},
      {"elderly", {" like an elderly person", " slowly, like someone elderly"}},
      {"exhausted", {", looking exhausted", ", worn out"}},
      {"feminine", {" in a feminine way", ", with feminine mannerisms"}},
      {"giant", {" like a giant", ", with the heavy movements of a giant"}},
      {"happy", {" happily", ", looking happy"}},
      {"masculine", {" in a masculine way", ", with masculine mannerisms"}},
      {"masculinity", {" in a very masculine way", ", with strong masculine mannerisms"}},
      {"musical", {" theatrically, as in a musical", " like a performer in a musical"}},
      {"not-confident", {" without confidence", ", looking unsure"}},
      {"old", {" like an old person", " slowly, as an old person would"}},
      {"proud", {" proudly", ", looking proud"}},
      {"sad", {" sadly", ", looking sad"}},
      {"tired", {", looking tired", ", tired"}},
      {"youthful", {" in a youthful way", ", full of youthful energy"}},
  };
  return kTable;
}

// HDM05 cut classes (the 11 of the JointLearning subset): verb phrases. The
// class names encode side (L/R), count (1Reps, 1hops, 4Steps) and start foot.
const PhraseTable& Hdm05Classes() {
  static const PhraseTable kTable = {
      {"depositFloorR",
       {"puts something down on the floor with the right hand",
        "places an object on the floor with the right hand"}},
      {"elbowToKnee1RepsLelbowStart",
       {"touches each elbow to the opposite knee, starting with the left elbow",
        "does an elbow to knee exercise, left elbow first"}},
      {"grabHighR",
       {"grabs something from a high shelf with the right hand",
        "reaches up and takes an object with the right hand"}},
      {"hopBothLegs1hops", {"hops once on both legs", "jumps up once with both feet"}},
      {"jogLeftCircle4StepsRstart",
       {"jogs in a circle to the left", "jogs four steps along a left curve, right foot first"}},
      {"kickLFront1Reps",
       {"kicks forward with the left leg", "does a front kick with the left foot"}},
      {"lieDownFloor", {"lies down on the floor", "gets down and lies on the floor"}},
      {"rotateArmsBothBackward1Reps",
       {"circles both arms backward", "rotates both arms backwards once"}},
      {"sneak2StepsLStart",
       {"sneaks forward two steps, starting with the left foot", "tiptoes forward quietly"}},
      {"squat1Reps", {"squats down once and stands back up", "does one squat"}},
      {"throwBasketball", {"throws a basketball", "throws a ball with both hands"}},
  };
  return kTable;
}

// ReActIdle: the one content "idle" and its two modes as suffixes.
const Phrasings& ReactIdleContent() {
  static const Phrasings kPhrasings = {"stands idle", "waits, standing still", "stands around"};
  return kPhrasings;
}

const PhraseTable& ReactIdleModes() {
  static const PhraseTable kTable = {
      {"acted", {", acting bored while waiting", ", acting as if bored"}},
      {"genuine", {", waiting naturally", " in a relaxed, natural way"}},
  };
  return kTable;
}

std::vector<std::string> Keys(const PhraseTable& table) {
  std::vector<std::string> keys;
  for (const auto& [key, phrasings] : table) keys.push_back(key);
  return keys;  // std::map keeps them sorted.
}

// Looks `label` up or throws an Error naming the source, take and the known labels.
const Phrasings& Lookup(const PhraseTable& table,
                        const std::string& label,
                        const char* kind,
                        const SourceLabels& labels) {
  const auto it = table.find(label);
  if (it == table.end()) {
    throw Error(fmt::format("{} take '{}': unknown {} '{}' (no English text for it; known: {})",
                            labels.source, labels.take, kind, label, fmt::join(Keys(table), ", ")));
  }
  return it->second;
}

void RequireLabelCount(const SourceLabels& labels, size_t count, const char* expected) {
  if (labels.labels.size() != count) {
    throw Error(fmt::format("{} take '{}': expected labels {}, got {} label(s)", labels.source,
                            labels.take, expected, labels.labels.size()));
  }
}

// Combines subject x verb phrase x suffix into up to max_texts distinct texts.
// First a diagonal walk (text i uses subject i%3, phrase i%nv, suffix i%ns) so
// the first texts differ in every part; then every remaining combination in
// nested order, so small tables still fill max_texts when they can.
std::vector<std::string> Combine(const Phrasings& verb_phrases,
                                 const Phrasings& suffixes,
                                 int max_texts) {
  const Phrasings& subjects = Subjects();
  const size_t ns = subjects.size(), nv = verb_phrases.size(), ny = suffixes.size();
  std::vector<std::string> texts;
  std::set<std::string> seen;
  const auto add = [&](size_t s, size_t v, size_t y) {
    if (static_cast<int>(texts.size()) >= max_texts) return;
    std::string text = subjects[s] + " " + verb_phrases[v] + suffixes[y];
    if (seen.insert(text).second) texts.push_back(std::move(text));
  };
  for (size_t i = 0; i < ns * nv * ny; ++i) add(i % ns, i % nv, i % ny);
  for (size_t s = 0; s < ns; ++s)
    for (size_t v = 0; v < nv; ++v)
      for (size_t y = 0; y < ny; ++y) add(s, v, y);
  return texts;
}

std::string Trim(const std::string& text) {
  const char* kSpace = " \t\r\n";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::vector<std::string> KnownLabels(const std::string& source, const std::string& kind) {
  if (source == "bandai" && kind == "content") return Keys(BandaiContents());
  if (source == "bandai" && kind == "style") return Keys(BandaiStyles());
  if (source == "hdm05" && kind == "class") return Keys(Hdm05Classes());
  if (source == "reactidle" && kind == "mode") return Keys(ReactIdleModes());
  return {};
}

std::vector<std::string> DescribeLabels(const SourceLabels& labels, int max_texts) {
  INTERSYNTH_CHECK(max_texts >= 1) << "max_texts must be >= 1, got " << max_texts;

  // Bandai: {content, style}.
  if (labels.source == "bandai") {
    RequireLabelCount(labels, 2, "{content, style}");
    const Phrasings& content = Lookup(BandaiContents(), labels.labels[0], "content", labels);
    const Phrasings& style = Lookup(BandaiStyles(), labels.labels[1], "style", labels);
    return Combine(content, style, max_texts);
  }

  // HDM05: {class}; no style.
  if (labels.source == "hdm05") {
    RequireLabelCount(labels, 1, "{class}");
    return Combine(Lookup(Hdm05Classes(), labels.labels[0], "class", labels), {""}, max_texts);
  }

  // ReActIdle: {"idle", "acted" | "genuine"}.
  if (labels.source == "reactidle") {
    RequireLabelCount(labels, 2, "{idle, acted|genuine}");
    if (labels.labels[0] != "idle") {
      throw Error(fmt::format("reactidle take '{}': unknown content '{}' (expected 'idle')",
                              labels.take, labels.labels[0]));
    }
    const Phrasings& mode = Lookup(ReactIdleModes(), labels.labels[1], "mode", labels);
    return Combine(ReactIdleContent(), mode, max_texts);
  }

  // CMU: the trial's own free-text description, as written.
  if (labels.source == "cmu") {
    const std::string description = labels.labels.empty() ? "" : Trim(labels.labels[0]);
    if (labels.labels.size() > 1 || description.empty()) {
      throw Error(fmt::format(
          "cmu take '{}': expected one non-empty description (is the trial in cmu_trials.tsv?), "
          "got {} label(s)",
          labels.take, labels.labels.size()));
    }
    return {description};
  }

  throw Error(fmt::format("take '{}': unknown source '{}' (known: bandai, hdm05, cmu, reactidle)",
                          labels.take, labels.source));
}

}  // namespace intersynth
