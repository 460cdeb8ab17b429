#pragma once
// What `intersynth evaluate` (eval/evaluate.h) draws its sets from: the clips
// of a split with their action labels, crops of them, the random-clip and
// mean-pose baselines cut to an item's length, the R-precision identity of
// an item and the plain caption of a content label. Torch-free; used by
// evaluate.cc and evaluate_scenes.cc.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "intersynth/motion/dataset.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/util/random.h"

namespace intersynth {

/// Clips shorter than this are left out (plausibility needs the third
/// difference, jerk).
inline constexpr int kEvaluateMinFrames = 4;

/// One clip of a split with what the protocol needs to know of it.
struct SplitClip {
  DatasetEntry entry;
  MotionClip clip;
  /// The action classifier's truths ("" where the source has none).
  std::string content;
  std::string style;
  /// In the unseen content x style part (kUnseenCombinationPart).
  bool unseen = false;
};

/// The clips of `split` in the dataset's index that have captions (the
/// clip's, else the index entry's) and at least kEvaluateMinFrames frames.
std::vector<SplitClip> LoadSplit(const std::filesystem::path& data_dir,
                                 const std::vector<DatasetEntry>& index,
                                 const std::string& split);

/// Throws Error unless the dataset's (the split's first clip), the
/// generator's and the evaluator's frame rates agree and every clip of
/// `split` (named `split_name`) has no more persons than both networks take.
void CheckSplitFitsNetworks(const std::vector<SplitClip>& split,
                            const std::string& split_name,
                            float generator_fps,
                            int generator_max_persons,
                            float evaluator_fps,
                            int evaluator_max_persons);

/// The R-precision identity of an item: its label set, or its caption where
/// the clip has no labels (CMU's free text, corpora).
std::string LabelSetKey(const DatasetEntry& entry, const std::string& caption);

/// The caption a user would write for the content label of `clips` (all of
/// one label, at least one): the source's own phrasing without a style
/// (Bandai's "normal", ReActIdle's genuine idling), or, for a label the
/// caption tables do not know, the shortest caption of the clips.
std::string PlainCaption(const std::vector<const SplitClip*>& clips);

/// Frames [start, start + frames) of a clip (joints, valid mask, captions).
MotionClip Crop(const MotionClip& clip, int start, int frames);

/// A random crop of at most `longest` frames.
MotionClip RandomCrop(const MotionClip& clip, int longest, Rng& rng);

/// Exactly `frames` frames of a clip: a random crop, or the whole clip with
/// its last pose held when it is shorter.
MotionClip FitLength(const MotionClip& clip, int frames, Rng& rng);

/// The dataset's mean pose (the position channels of mean_262, centred over
/// the origin), P copies 1 m apart along x, held for `frames` frames, on the
/// floor as the dataset's clips are.
MotionClip MeanPoseClip(const FeatureNormalizer& statistics, int persons, int frames, float fps);

/// P single-person clips of the same length side by side (1 m apart).
MotionClip SideBySide(const std::vector<MotionClip>& singles);

/// Share of predictions equal to their truth among the truths that are not
/// empty; NaN when there is none.
double ActionAccuracy(const std::vector<std::string>& truth,
                      const std::vector<std::string>& predicted);

/// The train clips by person count, for the random-clip baseline. Keeps a
/// reference to `train`.
class TrainPool {
 public:
  explicit TrainPool(const std::vector<SplitClip>& train);

  /// Whether Draw can serve `persons` (clips of that count, or single clips).
  bool Covers(int persons) const;

  /// A random clip of `persons` persons, `frames` long: drawn among the
  /// clips that are at least that long when there are any (else the longest,
  /// its last pose held); persons side by side from single clips when the
  /// split has none of that count.
  MotionClip Draw(int persons, int frames, Rng& rng) const;

 private:
  const MotionClip& Pick(int persons, int frames, Rng& rng) const;

  const std::vector<SplitClip>& train_;
  std::map<int, std::vector<int>> by_persons_;
};

}  // namespace intersynth
