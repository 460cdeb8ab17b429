#include "intersynth/eval/evaluate_sets.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "intersynth/body/retarget.h"
#include "intersynth/eval/action_classifier.h"
#include "intersynth/motion/label_text.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/util/error.h"

namespace intersynth {

// The clips of one split that have captions and enough frames.
std::vector<SplitClip> LoadSplit(const std::filesystem::path& data_dir,
                                 const std::vector<DatasetEntry>& index,
                                 const std::string& split) {
  std::vector<SplitClip> clips;
  for (const DatasetEntry& entry : index) {
    if (entry.split != split) continue;
    SplitClip clip{entry, ReadMotionFile(data_dir / entry.file), ContentLabel(entry),
                   StyleLabel(entry), entry.part == kUnseenCombinationPart};
    if (clip.clip.text.empty()) clip.clip.text = entry.texts;
    if (clip.clip.text.empty() || clip.clip.num_frames < kEvaluateMinFrames) continue;
    clips.push_back(std::move(clip));
  }
  return clips;
}

// The R-precision identity of an item: its label set, or its caption where
// the clip has no labels (CMU's free text, corpora).
void CheckSplitFitsNetworks(const std::vector<SplitClip>& split,
                            const std::string& split_name,
                            float generator_fps,
                            int generator_max_persons,
                            float evaluator_fps,
                            int evaluator_max_persons) {
  if (split.empty()) return;
  const float fps = split[0].clip.fps;
  if (std::abs(generator_fps - fps) > 1e-3f || std::abs(evaluator_fps - fps) > 1e-3f) {
    throw Error(
        fmt::format("frame rates differ: dataset {} fps, generator {} fps, evaluator {} fps", fps,
                    generator_fps, evaluator_fps));
  }
  for (const SplitClip& clip : split) {
    const int persons = clip.clip.num_persons;
    if (persons > generator_max_persons || persons > evaluator_max_persons) {
      throw Error(fmt::format(
          "{}: clip {} has {} persons; the generator takes up to {} and the evaluator up to {}",
          split_name, clip.entry.id, persons, generator_max_persons, evaluator_max_persons));
    }
  }
}

std::string LabelSetKey(const DatasetEntry& entry, const std::string& caption) {
  if (entry.labels.empty()) return "caption:" + caption;
  std::string key = "labels:";
  for (const std::string& label : entry.labels) key += label + "|";
  return key;
}

// The caption a user would write for a content label: the source's own
// phrasing without a style (Bandai's "normal", ReActIdle's genuine idling),
// or, for a label the caption tables do not know, the shortest caption of
// the label's clips.
std::string PlainCaption(const std::vector<const SplitClip*>& clips) {
  const DatasetEntry& entry = clips[0]->entry;
  const std::string& content = clips[0]->content;
  SourceLabels labels;
  labels.source = entry.source;
  labels.take = entry.take;
  auto known = [&](const char* kind) {
    const std::vector<std::string> names = KnownLabels(entry.source, kind);
    return std::find(names.begin(), names.end(), content) != names.end();
  };
  if (entry.source == "bandai" && known("content")) {
    labels.labels = {content, "normal"};
  } else if (entry.source == "hdm05" && known("class")) {
    labels.labels = {content};
  } else if (entry.source == "reactidle" && content == "idle") {
    labels.labels = {"idle", "genuine"};
  }
  if (!labels.labels.empty()) return DescribeLabels(labels, 1)[0];
  std::string shortest;
  for (const SplitClip* clip : clips) {
    for (const std::string& text : clip->clip.text) {
      if (shortest.empty() || text.size() < shortest.size()) shortest = text;
    }
  }
  return shortest;
}

// Frames [start, start + frames) of a clip (joints, valid mask and captions).
MotionClip Crop(const MotionClip& clip, int start, int frames) {
  MotionClip out = MotionClip::Zeros(clip.num_persons, frames, clip.fps);
  out.text = clip.text;
  for (int p = 0; p < clip.num_persons; ++p) {
    std::copy_n(clip.joint(p, start, 0), static_cast<size_t>(frames) * kNumJoints * 3,
                out.joint(p, 0, 0));
  }
  if (!clip.valid.empty()) {
    out.valid.resize(static_cast<size_t>(clip.num_persons) * frames * kNumJoints);
    for (int p = 0; p < clip.num_persons; ++p) {
      std::copy_n(
          clip.valid.begin() + (static_cast<size_t>(p) * clip.num_frames + start) * kNumJoints,
          static_cast<size_t>(frames) * kNumJoints,
          out.valid.begin() + static_cast<size_t>(p) * frames * kNumJoints);
    }
  }
  return out;
}

// A random crop of at most `longest` frames.
MotionClip RandomCrop(const MotionClip& clip, int longest, Rng& rng) {
  const int frames = std::min(clip.num_frames, longest);
  return Crop(clip, static_cast<int>(rng.UniformInt(0, clip.num_frames - frames)), frames);
}

// Exactly `frames` frames of a clip: a random crop, or the whole clip with
// its last pose held when it is shorter.
MotionClip FitLength(const MotionClip& clip, int frames, Rng& rng) {
  if (clip.num_frames >= frames) return RandomCrop(clip, frames, rng);
  MotionClip out = MotionClip::Zeros(clip.num_persons, frames, clip.fps);
  out.text = clip.text;
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < frames; ++t) {
      std::copy_n(clip.joint(p, std::min(t, clip.num_frames - 1), 0), kNumJoints * 3,
                  out.joint(p, t, 0));
    }
  }
  return out;
}

// The dataset's mean pose (the position channels of mean_262, centred over
// the origin), P copies 1 m apart along x, held for `frames` frames, on the
// floor as the dataset's clips are.
MotionClip MeanPoseClip(const FeatureNormalizer& statistics, int persons, int frames, float fps) {
  MotionClip clip = MotionClip::Zeros(persons, frames, fps);
  const float centre_x = statistics.mean[0], centre_z = statistics.mean[2];
  for (int p = 0; p < persons; ++p) {
    for (int t = 0; t < frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        float* joint = clip.joint(p, t, j);
        joint[0] = statistics.mean[3 * j] - centre_x + 1.0f * p;
        joint[1] = statistics.mean[3 * j + 1];
        joint[2] = statistics.mean[3 * j + 2] - centre_z;
      }
    }
  }
  PutOnFloorOptions floor;
  floor.percentile = kDatasetFloorPercentile;
  PutOnFloor(clip.joints, persons * frames, floor);
  return clip;
}

// P single-person clips of the same length side by side (1 m apart).
MotionClip SideBySide(const std::vector<MotionClip>& singles) {
  const int frames = singles[0].num_frames;
  MotionClip out = MotionClip::Zeros(static_cast<int>(singles.size()), frames, singles[0].fps);
  for (size_t p = 0; p < singles.size(); ++p) {
    for (int t = 0; t < frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* from = singles[p].joint(0, t, j);
        float* to = out.joint(static_cast<int>(p), t, j);
        to[0] = from[0] + 1.0f * static_cast<float>(p);
        to[1] = from[1];
        to[2] = from[2];
      }
    }
  }
  return out;
}

double ActionAccuracy(const std::vector<std::string>& truth,
                      const std::vector<std::string>& predicted) {
  const AccuracyReport report = ScoreLabels(truth, predicted);
  return report.items > 0 ? report.accuracy() : std::nan("");
}

TrainPool::TrainPool(const std::vector<SplitClip>& train) : train_(train) {
  for (size_t i = 0; i < train.size(); ++i)
    by_persons_[train[i].clip.num_persons].push_back(static_cast<int>(i));
}

bool TrainPool::Covers(int persons) const {
  return by_persons_.count(persons) || by_persons_.count(1);
}

MotionClip TrainPool::Draw(int persons, int frames, Rng& rng) const {
  if (by_persons_.count(persons)) return FitLength(Pick(persons, frames, rng), frames, rng);
  std::vector<MotionClip> singles;
  for (int p = 0; p < persons; ++p) singles.push_back(FitLength(Pick(1, frames, rng), frames, rng));
  return SideBySide(singles);
}

const MotionClip& TrainPool::Pick(int persons, int frames, Rng& rng) const {
  const std::vector<int>& pool = by_persons_.at(persons);
  std::vector<int> long_enough;
  int longest = pool[0];
  for (int i : pool) {
    if (train_[i].clip.num_frames >= frames) long_enough.push_back(i);
    if (train_[i].clip.num_frames > train_[longest].clip.num_frames) longest = i;
  }
  if (long_enough.empty()) return train_[longest].clip;
  return train_[long_enough[rng.UniformInt(0, static_cast<int64_t>(long_enough.size()) - 1)]].clip;
}

}  // namespace intersynth
