#pragma once
// Test helpers of the diffusion module (included by *_test.cc only): tiny
// configs, synthetic clips and a tiny dataset folder on disk.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "intersynth/body/retarget.h"
#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"

namespace intersynth::testing {

/// A config small enough for unit tests (d_model 32, 2 layers, no dropout).
inline DiffusionConfig TinyDiffusionConfig() {
  DiffusionConfig c;
  c.model.d_model = 32;
  c.model.layers = 2;
  c.model.heads = 4;
  c.model.ff_dim = 64;
  c.model.dropout = 0.0;
  c.model.max_frames = 64;
  c.text.d_model = 32;
  c.text.layers = 1;
  c.text.heads = 4;
  c.text.ff_dim = 64;
  c.text.dropout = 0.0;
  c.train.batch = 4;
  c.train.crop_frames = 40;
  c.train.composed_max_tokens = 80;
  c.train.warmup_steps = 2;
  c.train.val_samples = 4;
  c.train.log_every = 1;
  return c;
}

/// A synthetic clip of `persons` walkers, canonical and on the floor, with a caption.
inline MotionClip TinyClip(int persons, int frames, uint64_t seed, const std::string& text) {
  MotionClip clip = SyntheticSmpl22Motion(persons, frames, seed);
  CanonicalizeClip(clip);
  PutOnFloorOptions floor;
  floor.percentile = kDatasetFloorPercentile;
  PutOnFloor(clip.joints, persons * frames, floor);
  clip.text = {text};
  return clip;
}

/// Statistics of the clips' features (what data build writes as mean/std_262).
inline FeatureNormalizer TinyNormalizer(const std::vector<MotionClip>& clips) {
  FeatureStatistics statistics;
  for (const MotionClip& clip : clips) {
    const InterGenFeatures f = EncodeInterGen(clip);
    statistics.Add(f.values.data(), static_cast<int64_t>(f.num_persons) * f.num_rows,
                   InterGenLayout::kDim);
  }
  return statistics.Finish("tiny clips");
}

/// Writes a dataset folder (motion/dataset.h layout) with `singles`
/// one-person clips and `pairs` two-person clips in the train split, and
/// `val_singles` one-person clips and one two-person clip in val. Captions cycle through a few
/// sentences.
inline void WriteTinyDataset(const std::filesystem::path& dir,
                             int singles = 6,
                             int pairs = 2,
                             int frames = 40,
                             int val_singles = 1) {
  static const char* kTexts[] = {"a person walks forward", "someone walks in a circle",
                                 "a person turns left", "the person walks slowly"};
  std::filesystem::create_directories(dir / "clips");
  std::ofstream index(dir / "index.jsonl");
  std::vector<MotionClip> train_clips;
  std::ofstream train_list(dir / "train.txt"), val_list(dir / "val.txt"),
      test_list(dir / "test.txt");
  int k = 0;
  auto add = [&](int persons, const std::string& split) {
    const std::string text = persons == 1 ? kTexts[k % 4] : "two people walk side by side";
    MotionClip clip = TinyClip(persons, frames, 100 + k, text);
    DatasetEntry entry;
    char id[32];
    std::snprintf(id, sizeof(id), "tiny_%03d", k);
    entry.id = id;
    entry.file = "clips/" + entry.id + ".npz";
    entry.source = "tiny";
    entry.take = entry.id;
    entry.source_file = entry.id;
    entry.licence = "test";
    entry.persons = persons;
    entry.frames = frames;
    entry.fps = 20.0f;
    entry.texts = clip.text;
    entry.split = split;
    WriteMotionFile(dir / entry.file, clip);
    index << DatasetEntryToJson(entry) << "\n";
    (split == "train" ? train_list : val_list) << entry.id << "\n";
    if (split == "train") train_clips.push_back(clip);
    ++k;
  };
  for (int i = 0; i < singles; ++i) add(1, "train");
  for (int i = 0; i < pairs; ++i) add(2, "train");
  for (int i = 0; i < val_singles; ++i) add(1, "val");
  add(2, "val");
  TinyNormalizer(train_clips).Save(dir / "mean_262.npy", dir / "std_262.npy");
}

/// The synthetic actions of SyntheticActionMotion with the captions and
/// Bandai-style labels a dataset gives them.
struct ActionSpec {
  SyntheticAction action;
  const char* label;
  const char* caption;
};
inline const std::vector<ActionSpec>& SyntheticActions() {
  static const std::vector<ActionSpec> kActions = {
      {SyntheticAction::kWalk, "walk", "a person walks forward"},
      {SyntheticAction::kRaiseLeftHand, "raise-up-left-hand", "a person raises the left hand"},
      {SyntheticAction::kRaiseRightHand, "raise-up-right-hand", "a person raises the right hand"},
      {SyntheticAction::kSquat, "squat", "a person squats down"}};
  return kActions;
}

/// One synthetic action clip as a dataset clip: canonical, on the floor.
inline MotionClip ActionClip(const ActionSpec& spec, int frames, uint64_t seed) {
  MotionClip clip = SyntheticActionMotion(spec.action, frames, seed);
  CanonicalizeClip(clip);
  PutOnFloorOptions floor;
  floor.percentile = kDatasetFloorPercentile;
  PutOnFloor(clip.joints, frames, floor);
  clip.text = {spec.caption};
  clip.labels = {spec.label, "normal"};
  return clip;
}

/// A dataset folder of the synthetic actions: `per_action` train clips and
/// `held_out` val and test clips of each, labelled like Bandai takes
/// (source "bandai", labels {action, "normal"}), `frames` frames each.
inline void WriteActionDataset(const std::filesystem::path& dir,
                               int per_action,
                               int held_out,
                               int frames = 60) {
  std::filesystem::create_directories(dir / "clips");
  std::ofstream index(dir / "index.jsonl");
  std::ofstream lists[3] = {std::ofstream(dir / "train.txt"), std::ofstream(dir / "val.txt"),
                            std::ofstream(dir / "test.txt")};
  const char* splits[3] = {"train", "val", "test"};
  std::vector<MotionClip> train_clips;
  int k = 0;
  for (const ActionSpec& spec : SyntheticActions()) {
    for (int s = 0; s < 3; ++s) {
      for (int i = 0; i < (s == 0 ? per_action : held_out); ++i, ++k) {
        MotionClip clip = ActionClip(spec, frames, 1000 + k);
        DatasetEntry entry;
        entry.id = std::string(spec.label) + "_" + std::to_string(k);
        entry.file = "clips/" + entry.id + ".npz";
        entry.source = "bandai";
        entry.take = entry.id;
        entry.source_file = entry.id;
        entry.licence = "test";
        entry.persons = 1;
        entry.frames = frames;
        entry.fps = 20.0f;
        entry.texts = clip.text;
        entry.labels = clip.labels;
        entry.split = splits[s];
        WriteMotionFile(dir / entry.file, clip);
        index << DatasetEntryToJson(entry) << "\n";
        lists[s] << entry.id << "\n";
        if (s == 0) train_clips.push_back(clip);
      }
    }
  }
  TinyNormalizer(train_clips).Save(dir / "mean_262.npy", dir / "std_262.npy");
}

/// The tiny config as a config file.
inline void WriteTinyConfig(const std::filesystem::path& path,
                            const DiffusionConfig& config = TinyDiffusionConfig()) {
  std::ofstream(path) << DiffusionConfigToJson(config).dump(2);
}

}  // namespace intersynth::testing
