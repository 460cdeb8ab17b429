#include "intersynth/diffusion/training_data.h"

#include <gtest/gtest.h>

#include <set>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

TrainingCorpus TinyCorpus() {
  std::vector<MotionClip> clips;
  std::vector<TrainingClip> training;
  for (int i = 0; i < 5; ++i) {
    clips.push_back(
        testing::TinyClip(1, 30 + 5 * i, 10 + i, i % 2 ? "a person walks left" : "someone turns"));
  }
  clips.push_back(testing::TinyClip(2, 50, 99, "two people walk side by side"));
  for (size_t i = 0; i < clips.size(); ++i)
    training.push_back(MakeTrainingClip("c" + std::to_string(i), clips[i]));
  return MakeTrainingCorpus(std::move(training), testing::TinyNormalizer(clips));
}

TEST(TrainingData, SampleDependsOnlyOnSeedStepAndIndex) {
  const TrainingCorpus corpus = TinyCorpus();
  const DiffusionConfig config = testing::TinyDiffusionConfig();
  for (int64_t step : {0, 1, 7, 123}) {
    const StepPlan plan = PlanStep(corpus, config.train, 5, step);
    const TrainingSample a = DrawSample(corpus, config, plan, 5, step, 3);
    const TrainingSample b = DrawSample(corpus, config, plan, 5, step, 3);
    EXPECT_EQ(a.values, b.values);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.timestep, b.timestep);
    EXPECT_EQ(a.person_ids, b.person_ids);
    EXPECT_EQ(a.noise_seed, b.noise_seed);
    const TrainingSample c = DrawSample(corpus, config, plan, 5, step, 4);
    EXPECT_NE(a.noise_seed, c.noise_seed);
  }
}

TEST(TrainingData, PlansMixTheSceneKindsAtTheConfiguredRates) {
  const TrainingCorpus corpus = TinyCorpus();
  TrainConfig config = testing::TinyDiffusionConfig().train;
  config.composed_rate = 0.3;
  config.real_multi_person_rate = 0.1;
  int counts[3] = {0, 0, 0};
  std::set<int> composed_persons;
  const int n = 4000;
  for (int step = 0; step < n; ++step) {
    const StepPlan plan = PlanStep(corpus, config, 1, step);
    ++counts[static_cast<int>(plan.kind)];
    if (plan.kind == SceneKind::kComposed) composed_persons.insert(plan.persons);
  }
  EXPECT_NEAR(counts[static_cast<int>(SceneKind::kComposed)] / double(n), 0.3, 0.03);
  EXPECT_NEAR(counts[static_cast<int>(SceneKind::kReal)] / double(n), 0.1, 0.02);
  EXPECT_EQ(composed_persons, (std::set<int>{2, 3, 4}));
}

TEST(TrainingData, ComposedSceneHasJoinedCaptionAndDistinctIds) {
  const TrainingCorpus corpus = TinyCorpus();
  DiffusionConfig config = testing::TinyDiffusionConfig();
  config.train.mirror_rate = 0.0;
  StepPlan plan;
  plan.kind = SceneKind::kComposed;
  plan.persons = 3;
  const TrainingSample s = DrawSample(corpus, config, plan, 2, 0, 0);
  EXPECT_EQ(s.persons, 3);
  // Token budget: 80 tokens / 3 persons -> at most 26 rows.
  EXPECT_LE(s.rows, 26);
  EXPECT_EQ(s.values.size(), static_cast<size_t>(3 * s.rows * 262));
  EXPECT_EQ(s.text.rfind("one person ", 0), 0u) << s.text;
  EXPECT_NE(s.text.find("another"), std::string::npos) << s.text;
  EXPECT_EQ(std::set<int64_t>(s.person_ids.begin(), s.person_ids.end()).size(), 3u);
  for (int64_t id : s.person_ids) EXPECT_LT(id, config.model.max_persons);
  EXPECT_EQ(s.clip_ids.size(), 3u);
}

TEST(TrainingData, CropsAreCanonicalOnTheirFirstRow) {
  // A crop of a single-person clip starts with the pelvis over the origin
  // (raw x = z = 0 at row 0; features are normalised, so undo it).
  const TrainingCorpus corpus = TinyCorpus();
  DiffusionConfig config = testing::TinyDiffusionConfig();
  config.train.crop_frames = 12;
  config.train.mirror_rate = 0.0;
  for (int step = 0; step < 10; ++step) {
    TrainingSample s = DrawSample(corpus, config, StepPlan{}, 3, step, 0);
    corpus.normalizer.Denormalize(s.values.data(), s.persons * s.rows);
    EXPECT_NEAR(s.values[0], 0.0f, 1e-4);
    EXPECT_NEAR(s.values[2], 0.0f, 1e-4);
    EXPECT_EQ(s.rows, 12);
  }
}

TEST(TrainingData, CollatePadsPersonsAndFrames) {
  const TrainingCorpus corpus = TinyCorpus();
  DiffusionConfig config = testing::TinyDiffusionConfig();
  StepPlan real;
  real.kind = SceneKind::kReal;
  std::vector<TrainingSample> samples = {DrawSample(corpus, config, StepPlan{}, 1, 0, 0),
                                         DrawSample(corpus, config, real, 1, 0, 1)};
  const TrainingBatch batch = CollateSamples(samples, config.model.max_persons);
  EXPECT_EQ(batch.batch, 2);
  EXPECT_EQ(batch.persons, 2);
  EXPECT_EQ(batch.rows, std::max(samples[0].rows, samples[1].rows));
  // Sample 0 has one person: its second slot is all padding, with an id its
  // real person does not use.
  for (int64_t t = 0; t < batch.rows; ++t)
    EXPECT_EQ(batch.token_mask[(0 * 2 + 1) * batch.rows + t], 0);
  EXPECT_NE(batch.person_ids[1], batch.person_ids[0]);
  int real_tokens = 0;
  for (uint8_t m : batch.token_mask) real_tokens += m;
  EXPECT_EQ(real_tokens, samples[0].rows + 2 * samples[1].rows);
}

TEST(TrainingData, MakeTrainingClipMarksUnseenJoints) {
  MotionClip clip = testing::TinyClip(1, 10, 4, "a person walks");
  clip.valid.assign(10 * 22, 1);
  clip.valid[5 * 22 + 7] = 0;  // left ankle unseen at frame 5
  const TrainingClip training = MakeTrainingClip("x", clip);
  EXPECT_EQ(training.rows, 9);
  // Rows 4 (5 is its next frame) and 5 lose joint 7; others keep it.
  EXPECT_EQ(training.joint_valid[4 * 22 + 7], 0);
  EXPECT_EQ(training.joint_valid[5 * 22 + 7], 0);
  EXPECT_EQ(training.joint_valid[3 * 22 + 7], 1);
  EXPECT_EQ(training.joint_valid[6 * 22 + 7], 1);
}

TEST(TrainingData, LoadingAMissingSplitIsAnError) {
  testing::TempDir dir;
  testing::WriteTinyDataset(dir.path(), 2, 0);
  EXPECT_EQ(LoadTrainingCorpus(dir.path(), "train").clips.size(), 2u);
  EXPECT_THROW(LoadTrainingCorpus(dir.path(), "test"), Error);
  EXPECT_THROW(LoadTrainingCorpus(dir.path() / "missing", "train"), Error);
}

}  // namespace
}  // namespace intersynth
