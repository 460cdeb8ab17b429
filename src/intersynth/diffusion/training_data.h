#pragma once
// What the trainer feeds the denoiser: a dataset split loaded as raw 262
// features, and the deterministic recipe that turns (seed, step, sample
// index) into one training sample. Plain C++ (no Torch).
//
// A sample of step s is drawn by its own generator Rng(MixSeed(seed, s, i)),
// so sample i of a step is the same whatever the number of processes that
// share the batch (data-parallel training) and whether the run was resumed.
// The kind of scene is decided per STEP (PlanStep), so one batch holds scenes
// of one kind and similar token counts:
//   single    one single-person clip (a random crop of <= crop_frames rows)
//   composed  2..max_composed_persons single-person crops of one length,
//             placed at random non-overlapping positions and headings
//             (motion/scene_compose.h), captions joined. Composed scenes
//             teach co-presence and collision avoidance, NOT contact: the
//             persons never saw each other.
//   real      a real multi-person clip (NuiSI, InterHuman, recovered footage)
// Then, per sample: re-canonicalise the crop on its person 0 at row 0
// (motion/feature_augment.h), mirror with mirror_rate (features and caption),
// give the persons a random order and random distinct identity ids in
// [0, max_persons), draw t uniformly in [0, steps), drop the text with
// cond_drop, normalise.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/diffusion/config.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/util/random.h"

namespace intersynth {

/// One clip of a split, as raw (un-normalised) features.
struct TrainingClip {
  std::string id;
  int persons = 0;
  /// Feature rows N = frames - 1.
  int64_t rows = 0;
  /// [P, N, 262] raw features, canonical on person 0 at frame 0.
  std::vector<float> features;
  /// [P, N, 22]: 1 where the joint was seen at rows n and n + 1 (all 1 when
  /// the clip has no `valid` mask).
  std::vector<uint8_t> joint_valid;
  /// Captions (at least one).
  std::vector<std::string> texts;
};

/// The clips of one split and the normaliser of the dataset.
struct TrainingCorpus {
  std::vector<TrainingClip> clips;
  /// Indices into clips by person count.
  std::vector<int> single_person;
  std::vector<int> multi_person;
  FeatureNormalizer normalizer;
  /// Frame rate of every clip (the dataset's).
  float fps = 20.0f;
  /// Every caption of the split (the tokenizer is built from the train split's).
  std::vector<std::string> AllTexts() const;
};

/// Loads split `split` ("train", "val", "test") of a dataset (motion/dataset.h)
/// with its mean_262/std_262. Clips longer than max_rows + 1 frames are kept
/// (crops are cut at draw time); clips without text are skipped with a
/// warning. Shows progress. Throws Error when the folder, index, statistics or
/// a clip file is bad, or the split is empty.
TrainingCorpus LoadTrainingCorpus(const std::filesystem::path& dataset_dir,
                                  const std::string& split,
                                  int jobs = 1);

/// Every caption a training draw can produce, for building a tokenizer: the
/// split's captions, their mirror images ("left" <-> "right") and the
/// joining words of composed scenes of up to min(max_persons, 4) persons.
std::vector<std::string> TokenizerCaptions(const TrainingCorpus& corpus, int max_persons);

/// Builds a corpus from clips in memory (tests, overfitting runs).
TrainingCorpus MakeTrainingCorpus(std::vector<TrainingClip> clips, FeatureNormalizer normalizer);

/// A clip's features and validity from its motion (EncodeInterGen).
TrainingClip MakeTrainingClip(const std::string& id, const struct MotionClip& clip);

enum class SceneKind { kSingle, kComposed, kReal };

/// The kind and person count of every sample of one step.
struct StepPlan {
  SceneKind kind = SceneKind::kSingle;
  /// Persons of a composed scene (0 otherwise: the clip decides).
  int persons = 0;
};

/// The plan of step `step` of a run seeded `seed`. Kinds without clips in
/// the corpus fall back to single (or to real when there is no single clip).
StepPlan PlanStep(const TrainingCorpus& corpus,
                  const TrainConfig& config,
                  uint64_t seed,
                  int64_t step);

/// One drawn sample, normalised, before padding.
struct TrainingSample {
  int persons = 0;
  int64_t rows = 0;
  /// [P, N, 262] normalised.
  std::vector<float> values;
  /// [P, N, 22] 0/1.
  std::vector<float> joint_valid;
  /// [P] distinct in [0, max_persons).
  std::vector<int64_t> person_ids;
  std::string text;
  /// Use the null text embedding (classifier-free guidance dropout).
  bool drop_text = false;
  int64_t timestep = 0;
  /// Seed of the sample's diffusion noise.
  uint64_t noise_seed = 0;
  /// Clip ids it was made of.
  std::vector<std::string> clip_ids;
};

/// Sample `index` of step `step` (see the header comment).
TrainingSample DrawSample(const TrainingCorpus& corpus,
                          const DiffusionConfig& config,
                          const StepPlan& plan,
                          uint64_t seed,
                          int64_t step,
                          int index);

/// Samples padded into one batch: B samples, P = most persons, T = most rows.
struct TrainingBatch {
  int64_t batch = 0, persons = 0, rows = 0;
  std::vector<float> values;        ///< [B, P, T, 262], 0 in padding
  std::vector<uint8_t> token_mask;  ///< [B, P, T]
  std::vector<float> joint_valid;   ///< [B, P, T, 22], 0 in padding
  std::vector<int64_t> person_ids;  ///< [B, P]; padding slots get unused ids
  std::vector<int64_t> timesteps;   ///< [B]
  std::vector<uint8_t> drop_text;   ///< [B]
  std::vector<uint64_t> noise_seeds;
  std::vector<std::string> texts;
  std::vector<int64_t> sample_rows;  ///< [B]
  std::vector<int> sample_persons;   ///< [B]
};

/// Pads samples into a batch. max_persons bounds the identity ids.
TrainingBatch CollateSamples(const std::vector<TrainingSample>& samples, int64_t max_persons);

}  // namespace intersynth
