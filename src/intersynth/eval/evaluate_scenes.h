#pragma once
// The multi-person benchmark of `intersynth evaluate` (eval/evaluate.h,
// docs/evaluation.md): composed 2- and 3-person prompts from a split's
// single-person captions, joined as the trainer joins them (JoinCaptions),
// and the same clips composed as the trainer composes them (ComposeScene),
// the reference a model's scenes are read against. Torch-free.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/eval/evaluate_sets.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/random.h"

namespace intersynth {

class ActionClassifier;

/// Two pelvises closer than this (horizontally) count as a collision, m.
inline constexpr double kSceneCloseMetres = 0.3;

/// One composed scene: its clips (one per person), the joined prompt and the
/// real clips composed as the trainer composes them.
struct Scene {
  std::vector<const SplitClip*> clips;
  std::string prompt;
  MotionClip real;
};

/// Draws a scene of `persons` single-person clips of `pool`: crops of one
/// length (at most `longest` frames), one random caption each, encoded,
/// placed by ComposeScene with `separation_m` between pelvises and decoded.
/// std::nullopt when no placement keeps the separation (the caller draws
/// other clips).
std::optional<Scene> DrawScene(const std::vector<const SplitClip*>& pool,
                               int persons,
                               int longest,
                               double separation_m,
                               Rng& rng);

/// The closest horizontal distance between two persons' pelvises over a
/// clip's frames and pairs, metres (infinity for one person).
double ClosestPelvisDistance(const MotionClip& clip);

/// The benchmark's figures of `motions` (one per scene, in scene order):
/// scene_action_accuracy (each person against the content of its own clip;
/// NaN without a classifier), scene_interpenetration_mm,
/// scene_closest_pelvis_m (means over scenes), scene_close_share_2p and
/// scene_close_share_3p (shares of 2- and 3-person scenes with two pelvises
/// within kSceneCloseMetres; NaN without such scenes).
void MeasureScenes(const std::vector<Scene>& scenes,
                   const std::vector<MotionClip>& motions,
                   const ActionClassifier* classifier,
                   std::map<std::string, double>& figures);

}  // namespace intersynth
