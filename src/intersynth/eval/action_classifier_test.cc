#include "intersynth/eval/action_classifier.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <string>
#include <vector>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

TEST(ActionLabels, ContentAndStyleBySource) {
  DatasetEntry entry;
  entry.persons = 1;
  entry.labels = {"raise-up-left-hand", "active"};
  entry.source = "bandai";
  EXPECT_EQ(ContentLabel(entry), "raise-up-left-hand");
  EXPECT_EQ(StyleLabel(entry), "active");
  entry.source = "reactidle";
  entry.labels = {"idle", "genuine"};
  EXPECT_EQ(ContentLabel(entry), "idle");
  EXPECT_EQ(StyleLabel(entry), "genuine");
  entry.source = "hdm05";
  entry.labels = {"kickLFront1Reps"};
  EXPECT_EQ(ContentLabel(entry), "kickLFront1Reps");
  EXPECT_EQ(StyleLabel(entry), "");
  // Free text (CMU), pairs and unlabelled corpora have no label.
  entry.source = "cmu";
  entry.labels = {"walk, shake hands (2 subjects - subject A)"};
  EXPECT_EQ(ContentLabel(entry), "");
  entry.source = "bandai";
  entry.persons = 2;
  EXPECT_EQ(ContentLabel(entry), "");
}

TEST(ActionLabels, ScoreCountsPerLabelAndSkipsUnlabelled) {
  const AccuracyReport report = ScoreLabels({"a", "a", "b", "", "c"}, {"a", "b", "b", "a", "a"});
  EXPECT_EQ(report.items, 4);
  EXPECT_EQ(report.correct, 2);
  ASSERT_EQ(report.labels.size(), 3u);
  EXPECT_DOUBLE_EQ(report.labels[0].accuracy(), 0.5);  // a
  EXPECT_DOUBLE_EQ(report.balanced_accuracy(), (0.5 + 1.0 + 0.0) / 3.0);
  EXPECT_DOUBLE_EQ(report.chance(), 1.0 / 3.0);
  EXPECT_NE(FormatAccuracy(report, "test").find("chance 0.333"), std::string::npos);
}

// Four synthetic actions, a left/right pair among them: a few hundred steps
// label held-out clips (and new motions) correctly; the folder reloads.
TEST(ActionClassifier, LearnsSyntheticActionsIncludingLeftAndRight) {
  torch::set_num_threads(1);
  testing::TempDir dir;
  testing::WriteActionDataset(dir / "ds", /*per_action=*/12, /*held_out=*/4);
  ActionClassifierTrainOptions options;
  options.data_dir = dir / "ds";
  options.out_dir = dir / "classifier";
  options.steps = 150;
  options.batch = 16;
  options.width = 32;
  options.progress = false;
  const ActionClassifierTrainReport report = TrainActionClassifier(options);
  std::printf("%s", report.summary.c_str());
  EXPECT_EQ(report.train_clips, 48);
  EXPECT_EQ(report.contents, 4);
  EXPECT_EQ(report.val_clips, 16);
  EXPECT_GE(report.val_content.accuracy(), 0.9);

  const ActionClassifier classifier = ActionClassifier::Load(dir / "classifier");
  EXPECT_EQ(classifier.contents().size(), 4u);
  EXPECT_EQ(classifier.train_clips().size(), 48u);
  std::vector<MotionClip> motions;
  std::vector<std::string> truth;
  for (const testing::ActionSpec& spec : testing::SyntheticActions()) {
    for (int i = 0; i < 3; ++i) {
      // Another length than in training, and not canonicalised: Classify
      // canonicalises.
      motions.push_back(SyntheticActionMotion(spec.action, 80, 9000 + 10 * i));
      truth.push_back(spec.label);
    }
  }
  std::vector<std::string> predicted;
  for (const ActionPrediction& p : classifier.Classify(motions)) {
    predicted.push_back(p.content);
    EXPECT_EQ(p.style, "normal");
    EXPECT_GT(p.content_probability, 0.0);
  }
  EXPECT_GE(ScoreLabels(truth, predicted).accuracy(), 0.9)
      << FormatAccuracy(ScoreLabels(truth, predicted), "new motions");

  // Errors: a person the motion does not have, an existing folder, a
  // folder that is not a classifier.
  EXPECT_ERROR_CONTAINS(classifier.Classify(motions, 1), {"needs person 1"});
  EXPECT_ERROR_CONTAINS(TrainActionClassifier(options), {"exists"});
  EXPECT_ERROR_CONTAINS(ActionClassifier::Load(dir / "ds"), {"no classifier.json"});
}

TEST(ActionClassifier, RefusesADatasetWithoutLabelsAndBadOptions) {
  testing::TempDir dir;
  testing::WriteTinyDataset(dir / "ds");  // captions, no labels
  ActionClassifierTrainOptions options;
  options.data_dir = dir / "ds";
  options.out_dir = dir / "classifier";
  options.progress = false;
  EXPECT_ERROR_CONTAINS(TrainActionClassifier(options), {"no train clip has an action label"});
  options.min_crop = 50;
  options.max_crop = 40;
  EXPECT_ERROR_CONTAINS(TrainActionClassifier(options), {"max_crop", "min_crop"});
  EXPECT_FALSE(std::filesystem::exists(dir / "classifier"));
}

}  // namespace
}  // namespace intersynth
