#include "intersynth/diffusion/training_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <thread>

#include "intersynth/motion/dataset.h"
#include "intersynth/motion/feature_augment.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/scene_compose.h"
#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr int kDim = InterGenLayout::kDim;

// A random crop of `rows` rows of every person of `clip`, starting at `start`,
// re-canonicalised on person 0 at its first row.
std::vector<float> CropRows(const TrainingClip& clip, int64_t start, int64_t rows) {
  std::vector<float> out(static_cast<size_t>(clip.persons) * rows * kDim);
  for (int p = 0; p < clip.persons; ++p) {
    std::copy_n(clip.features.data() + (static_cast<size_t>(p) * clip.rows + start) * kDim,
                rows * kDim, out.data() + static_cast<size_t>(p) * rows * kDim);
  }
  CanonicalizeFeatureRows(out.data(), clip.persons, rows, 0);
  return out;
}

std::vector<float> CropValid(const TrainingClip& clip, int64_t start, int64_t rows) {
  std::vector<float> out(static_cast<size_t>(clip.persons) * rows * kNumJoints);
  for (int p = 0; p < clip.persons; ++p) {
    const uint8_t* src =
        clip.joint_valid.data() + (static_cast<size_t>(p) * clip.rows + start) * kNumJoints;
    std::transform(src, src + rows * kNumJoints,
                   out.data() + static_cast<size_t>(p) * rows * kNumJoints,
                   [](uint8_t v) { return v ? 1.0f : 0.0f; });
  }
  return out;
}

// Swaps the left/right joint slots of validity rows [N, 22] (as the mirror
// swaps the joints).
void MirrorValid(float* valid, int64_t rows) {
  static constexpr int kPairs[8][2] = {{1, 2},   {4, 5},   {7, 8},   {10, 11},
                                       {13, 14}, {16, 17}, {18, 19}, {20, 21}};
  for (int64_t n = 0; n < rows; ++n) {
    for (const auto& pair : kPairs)
      std::swap(valid[n * kNumJoints + pair[0]], valid[n * kNumJoints + pair[1]]);
  }
}

const std::string& PickText(const TrainingClip& clip, Rng& rng) {
  return clip.texts[rng.UniformInt(0, static_cast<int64_t>(clip.texts.size()) - 1)];
}

int PickIndex(const std::vector<int>& indices, Rng& rng) {
  return indices[rng.UniformInt(0, static_cast<int64_t>(indices.size()) - 1)];
}

}  // namespace

std::vector<std::string> TrainingCorpus::AllTexts() const {
  std::vector<std::string> texts;
  for (const TrainingClip& clip : clips)
    texts.insert(texts.end(), clip.texts.begin(), clip.texts.end());
  return texts;
}

TrainingClip MakeTrainingClip(const std::string& id, const MotionClip& clip) {
  TrainingClip out;
  out.id = id;
  out.persons = clip.num_persons;
  out.texts = clip.text;
  const InterGenFeatures features = EncodeInterGen(clip);
  out.rows = features.num_rows;
  out.features = features.values;
  out.joint_valid.assign(static_cast<size_t>(out.persons) * out.rows * kNumJoints, 1);
  if (!clip.valid.empty()) {
    for (int p = 0; p < out.persons; ++p) {
      for (int64_t n = 0; n < out.rows; ++n) {
        for (int j = 0; j < kNumJoints; ++j) {
          const size_t a = (static_cast<size_t>(p) * clip.num_frames + n) * kNumJoints + j;
          out.joint_valid[(static_cast<size_t>(p) * out.rows + n) * kNumJoints + j] =
              clip.valid[a] && clip.valid[a + kNumJoints];
        }
      }
    }
  }
  return out;
}

std::vector<std::string> TokenizerCaptions(const TrainingCorpus& corpus, int max_persons) {
  std::vector<std::string> texts = corpus.AllTexts();
  const size_t real = texts.size();
  for (size_t i = 0; i < real; ++i) texts.push_back(MirrorCaption(texts[i]));
  // The words composed scenes add ("one person ... while another ..."), so
  // the tokenizer knows them even when no caption uses them.
  std::vector<std::string> parts = {"a person walks"};
  for (int k = 2; k <= std::min(max_persons, 4); ++k) {
    parts.push_back("a person walks");
    texts.push_back(JoinCaptions(parts));
  }
  return texts;
}

TrainingCorpus MakeTrainingCorpus(std::vector<TrainingClip> clips, FeatureNormalizer normalizer) {
  if (normalizer.dim() != kDim) {
    throw Error(fmt::format("{}: expected {} channels, found {}", normalizer.source, kDim,
                            normalizer.dim()));
  }
  TrainingCorpus corpus;
  corpus.clips = std::move(clips);
  corpus.normalizer = std::move(normalizer);
  for (int i = 0; i < static_cast<int>(corpus.clips.size()); ++i) {
    (corpus.clips[i].persons == 1 ? corpus.single_person : corpus.multi_person).push_back(i);
  }
  return corpus;
}

TrainingCorpus LoadTrainingCorpus(const std::filesystem::path& dataset_dir,
                                  const std::string& split,
                                  int jobs) {
  const std::vector<DatasetEntry> index = ReadDatasetIndex(dataset_dir);
  std::vector<const DatasetEntry*> entries;
  for (const DatasetEntry& entry : index) {
    if (entry.split != split) continue;
    if (entry.texts.empty()) {
      LogWarn("{}: clip {} has no text; not used for training", dataset_dir.string(), entry.id);
      continue;
    }
    entries.push_back(&entry);
  }
  if (entries.empty()) {
    throw Error(
        fmt::format("{}: the {} split has no clips with text", dataset_dir.string(), split));
  }
  for (const DatasetEntry* entry : entries) {
    if (std::abs(entry->fps - entries.front()->fps) > 1e-3f) {
      throw Error(fmt::format(
          "{}: clips {} ({} fps) and {} ({} fps) differ in frame rate; a dataset has one",
          dataset_dir.string(), entries.front()->id, entries.front()->fps, entry->id, entry->fps));
    }
  }
  FeatureNormalizer normalizer =
      FeatureNormalizer::Load(dataset_dir / "mean_262.npy", dataset_dir / "std_262.npy");

  // Encode the clips on `jobs` threads; the first error wins.
  std::vector<TrainingClip> clips(entries.size());
  std::atomic<size_t> next{0};
  std::string first_error;
  std::mutex error_mutex;
  ProgressBar bar("load " + split, static_cast<int64_t>(entries.size()));
  std::mutex bar_mutex;
  auto work = [&]() {
    for (size_t i = next++; i < entries.size(); i = next++) {
      try {
        const std::filesystem::path path = dataset_dir / entries[i]->file;
        MotionClip clip = ReadMotionFile(path);
        if (clip.text.empty()) clip.text = entries[i]->texts;
        clips[i] = MakeTrainingClip(entries[i]->id, clip);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
        next = entries.size();
      }
      std::lock_guard<std::mutex> lock(bar_mutex);
      bar.Tick();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < std::max(1, jobs); ++j) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  bar.Finish();
  if (!first_error.empty()) throw Error(first_error);
  TrainingCorpus corpus = MakeTrainingCorpus(std::move(clips), std::move(normalizer));
  corpus.fps = entries.front()->fps;
  return corpus;
}

StepPlan PlanStep(const TrainingCorpus& corpus,
                  const TrainConfig& config,
                  uint64_t seed,
                  int64_t step) {
  Rng rng(MixSeed(seed, static_cast<uint64_t>(step), 0xC0FFEEULL));
  const double u = rng.Uniform();
  const int64_t max_k = std::min<int64_t>(config.max_composed_persons,
                                          static_cast<int64_t>(corpus.single_person.size()));
  const int64_t k = max_k >= 2 ? rng.UniformInt(2, max_k) : 0;
  StepPlan plan;
  if (u < config.real_multi_person_rate && !corpus.multi_person.empty()) {
    plan.kind = SceneKind::kReal;
  } else if (u < config.real_multi_person_rate + config.composed_rate && k >= 2) {
    plan.kind = SceneKind::kComposed;
    plan.persons = static_cast<int>(k);
  } else if (!corpus.single_person.empty()) {
    plan.kind = SceneKind::kSingle;
  } else {
    plan.kind = SceneKind::kReal;
  }
  return plan;
}

TrainingSample DrawSample(const TrainingCorpus& corpus,
                          const DiffusionConfig& config,
                          const StepPlan& plan,
                          uint64_t seed,
                          int64_t step,
                          int index) {
  const TrainConfig& train = config.train;
  Rng rng(MixSeed(seed, static_cast<uint64_t>(step), static_cast<uint64_t>(index) + 1));
  TrainingSample sample;

  if (plan.kind == SceneKind::kComposed) {
    // Clips, one common crop length, crops, then a placement; a failed
    // placement (paths that cross everywhere) draws other clips.
    const ComposeOptions compose{train.composed_min_separation_m, 3.0, 50};
    for (int attempt = 0;; ++attempt) {
      std::vector<const TrainingClip*> parts;
      int64_t rows = std::min(train.crop_frames, train.composed_max_tokens / plan.persons);
      for (int p = 0; p < plan.persons; ++p) {
        parts.push_back(&corpus.clips[PickIndex(corpus.single_person, rng)]);
        rows = std::min(rows, parts.back()->rows);
      }
      std::vector<std::vector<float>> crops, valids;
      std::vector<const float*> pointers;
      std::vector<std::string> texts;
      for (const TrainingClip* part : parts) {
        const int64_t start = rng.UniformInt(0, part->rows - rows);
        crops.push_back(CropRows(*part, start, rows));
        valids.push_back(CropValid(*part, start, rows));
        texts.push_back(PickText(*part, rng));
      }
      for (const auto& crop : crops) pointers.push_back(crop.data());
      ComposedScene scene = ComposeScene(pointers, rows, rng, compose);
      if (!scene.success) {
        if (attempt >= 20)
          throw Error("composed scene: no placement found after 20 draws: " + scene.message);
        continue;
      }
      sample.persons = plan.persons;
      sample.rows = rows;
      sample.values = std::move(scene.values);
      for (const auto& valid : valids)
        sample.joint_valid.insert(sample.joint_valid.end(), valid.begin(), valid.end());
      sample.text = JoinCaptions(texts);
      for (const TrainingClip* part : parts) sample.clip_ids.push_back(part->id);
      break;
    }
  } else {
    const std::vector<int>& pool =
        plan.kind == SceneKind::kReal ? corpus.multi_person : corpus.single_person;
    INTERSYNTH_CHECK(!pool.empty()) << "PlanStep chose a kind without clips";
    const TrainingClip& clip = corpus.clips[PickIndex(pool, rng)];
    const int64_t rows = std::min<int64_t>(train.crop_frames, clip.rows);
    const int64_t start = rng.UniformInt(0, clip.rows - rows);
    sample.persons = clip.persons;
    sample.rows = rows;
    sample.values = CropRows(clip, start, rows);
    sample.joint_valid = CropValid(clip, start, rows);
    sample.text = PickText(clip, rng);
    sample.clip_ids.push_back(clip.id);
  }

  // Mirror the whole scene (every person, and the caption).
  if (rng.Bernoulli(train.mirror_rate)) {
    MirrorInterGenFeatures(sample.values.data(), sample.persons * sample.rows);
    MirrorValid(sample.joint_valid.data(), sample.persons * sample.rows);
    sample.text = MirrorCaption(sample.text);
  }

  // Random person order: a permutation of the blocks; the identity ids are
  // distinct ids drawn from all max_persons, so every embedding trains.
  std::vector<int> order(sample.persons);
  std::iota(order.begin(), order.end(), 0);
  if (train.shuffle_persons) rng.Shuffle(order);
  std::vector<float> values(sample.values.size()), valid(sample.joint_valid.size());
  const size_t block = static_cast<size_t>(sample.rows) * kDim,
               vblock = static_cast<size_t>(sample.rows) * kNumJoints;
  for (int p = 0; p < sample.persons; ++p) {
    std::copy_n(sample.values.data() + order[p] * block, block, values.data() + p * block);
    std::copy_n(sample.joint_valid.data() + order[p] * vblock, vblock, valid.data() + p * vblock);
  }
  sample.values = std::move(values);
  sample.joint_valid = std::move(valid);
  std::vector<int64_t> ids(config.model.max_persons);
  std::iota(ids.begin(), ids.end(), 0);
  if (train.shuffle_persons) rng.Shuffle(ids);
  sample.person_ids.assign(ids.begin(), ids.begin() + sample.persons);

  sample.timestep = rng.UniformInt(0, config.diffusion.steps - 1);
  sample.drop_text =
      rng.Bernoulli(plan.kind == SceneKind::kComposed ? train.composed_cond_drop : train.cond_drop);
  sample.noise_seed = rng.NextSeed();
  corpus.normalizer.Normalize(sample.values.data(), sample.persons * sample.rows);
  return sample;
}

TrainingBatch CollateSamples(const std::vector<TrainingSample>& samples, int64_t max_persons) {
  INTERSYNTH_CHECK(!samples.empty()) << "no samples";
  TrainingBatch batch;
  batch.batch = static_cast<int64_t>(samples.size());
  for (const TrainingSample& s : samples) {
    batch.persons = std::max<int64_t>(batch.persons, s.persons);
    batch.rows = std::max<int64_t>(batch.rows, s.rows);
  }
  const int64_t B = batch.batch, P = batch.persons, T = batch.rows;
  batch.values.assign(B * P * T * kDim, 0.0f);
  batch.token_mask.assign(B * P * T, 0);
  batch.joint_valid.assign(B * P * T * kNumJoints, 0.0f);
  batch.person_ids.assign(B * P, 0);
  for (int64_t b = 0; b < B; ++b) {
    const TrainingSample& s = samples[b];
    for (int p = 0; p < s.persons; ++p) {
      for (int64_t n = 0; n < s.rows; ++n) {
        std::copy_n(s.values.data() + (p * s.rows + n) * kDim, kDim,
                    batch.values.data() + ((b * P + p) * T + n) * kDim);
        std::copy_n(s.joint_valid.data() + (p * s.rows + n) * kNumJoints, kNumJoints,
                    batch.joint_valid.data() + ((b * P + p) * T + n) * kNumJoints);
        batch.token_mask[(b * P + p) * T + n] = 1;
      }
    }
    // Padding slots take ids no real person of the sample uses.
    std::vector<bool> used(max_persons, false);
    for (int p = 0; p < s.persons; ++p) {
      batch.person_ids[b * P + p] = s.person_ids[p];
      used[s.person_ids[p]] = true;
    }
    int64_t free_id = 0;
    for (int64_t p = s.persons; p < P; ++p) {
      while (free_id < max_persons - 1 && used[free_id]) ++free_id;
      batch.person_ids[b * P + p] = free_id;
    }
    batch.timesteps.push_back(s.timestep);
    batch.drop_text.push_back(s.drop_text ? 1 : 0);
    batch.noise_seeds.push_back(s.noise_seed);
    batch.texts.push_back(s.text);
    batch.sample_rows.push_back(s.rows);
    batch.sample_persons.push_back(s.persons);
  }
  return batch;
}

}  // namespace intersynth
