#include "intersynth/eval/evaluate_scenes.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/eval/action_classifier.h"
#include "intersynth/eval_metrics/plausibility.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/scene_compose.h"

namespace intersynth {

// The closest horizontal distance between two persons' pelvises over a
// clip's frames and pairs, metres (infinity for one person).
double ClosestPelvisDistance(const MotionClip& clip) {
  double closest = std::numeric_limits<double>::infinity();
  for (int t = 0; t < clip.num_frames; ++t) {
    for (int a = 0; a < clip.num_persons; ++a) {
      for (int b = a + 1; b < clip.num_persons; ++b) {
        const float* pa = clip.joint(a, t, 0);
        const float* pb = clip.joint(b, t, 0);
        closest = std::min(closest, std::hypot(double(pa[0]) - pb[0], double(pa[2]) - pb[2]));
      }
    }
  }
  return closest;
}

// Draws a scene of `persons` single-person clips of `pool`: crops of one
// length, encoded, placed by ComposeScene and decoded. std::nullopt when no
// placement keeps the separation (other clips are drawn by the caller).
std::optional<Scene> DrawScene(const std::vector<const SplitClip*>& pool,
                               int persons,
                               int longest,
                               double separation_m,
                               Rng& rng) {
  Scene scene;
  int frames = longest;
  for (int p = 0; p < persons; ++p) {
    scene.clips.push_back(pool[rng.UniformInt(0, static_cast<int64_t>(pool.size()) - 1)]);
    frames = std::min(frames, scene.clips.back()->clip.num_frames);
  }
  std::vector<InterGenFeatures> features;
  std::vector<std::string> captions;
  for (const SplitClip* clip : scene.clips) {
    MotionClip crop = RandomCrop(clip->clip, frames, rng);
    features.push_back(EncodeInterGen(crop));
    captions.push_back(
        clip->clip.text[rng.UniformInt(0, static_cast<int64_t>(clip->clip.text.size()) - 1)]);
  }
  std::vector<const float*> rows;
  for (const InterGenFeatures& f : features) rows.push_back(f.values.data());
  ComposeOptions compose;
  compose.min_separation_m = separation_m;
  const ComposedScene composed = ComposeScene(rows, features[0].num_rows, rng, compose);
  if (!composed.success) return std::nullopt;
  InterGenFeatures joined;
  joined.num_persons = persons;
  joined.num_rows = static_cast<int>(composed.num_rows);
  joined.fps = features[0].fps;
  joined.values = composed.values;
  scene.real = DecodeInterGen(joined, /*to_world=*/false);
  scene.real.rotations.clear();
  scene.prompt = JoinCaptions(captions);
  return scene;
}

// The benchmark's figures of one set of scenes.
void MeasureScenes(const std::vector<Scene>& scenes,
                   const std::vector<MotionClip>& motions,
                   const ActionClassifier* classifier,
                   std::map<std::string, double>& figures) {
  // Each person against its own clip's content, one classifier call per
  // person slot.
  std::vector<std::string> truth, predicted;
  if (classifier != nullptr) {
    int most = 0;
    for (const MotionClip& motion : motions) most = std::max(most, motion.num_persons);
    for (int p = 0; p < most; ++p) {
      std::vector<MotionClip> slot;
      for (size_t s = 0; s < scenes.size(); ++s) {
        if (motions[s].num_persons <= p || scenes[s].clips[p]->content.empty()) continue;
        slot.push_back(motions[s]);
        truth.push_back(scenes[s].clips[p]->content);
      }
      if (slot.empty()) continue;
      for (const ActionPrediction& prediction : classifier->Classify(slot, p))
        predicted.push_back(prediction.content);
    }
  }
  double interpenetration = 0.0, closest = 0.0;
  int close[2] = {0, 0}, count[2] = {0, 0};
  for (size_t s = 0; s < scenes.size(); ++s) {
    const MotionClip& motion = motions[s];
    if (motion.num_frames >= kEvaluateMinFrames)
      interpenetration += MeasurePlausibility(motion).interpenetration_mm;
    const double d = ClosestPelvisDistance(motion);
    closest += d;
    const int k = motion.num_persons == 2 ? 0 : 1;
    ++count[k];
    close[k] += d < kSceneCloseMetres ? 1 : 0;
  }
  const double n = static_cast<double>(scenes.size());
  figures["scene_action_accuracy"] = ActionAccuracy(truth, predicted);
  figures["scene_interpenetration_mm"] = interpenetration / n;
  figures["scene_closest_pelvis_m"] = closest / n;
  figures["scene_close_share_2p"] =
      count[0] > 0 ? static_cast<double>(close[0]) / count[0] : std::nan("");
  figures["scene_close_share_3p"] =
      count[1] > 0 ? static_cast<double>(close[1]) / count[1] : std::nan("");
}

}  // namespace intersynth
