#include "intersynth/eval/evaluate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/diffusion/trainer.h"
#include "intersynth/eval/action_classifier.h"
#include "intersynth/eval/evaluate_report.h"
#include "intersynth/eval/evaluate_steps.h"
#include "intersynth/eval/evaluator_config.h"
#include "intersynth/eval/evaluator_io.h"
#include "intersynth/eval/evaluator_train.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

std::filesystem::path ScriptedEvaluator(const std::string& name = "scripted_evaluator.pt") {
  return testing::SourceDir() / "testdata" / "evaluator" / name;
}

// The tiny generator (DIR/run) and the tiny evaluator (DIR/eval), each
// trained 2 steps on `data`.
void TrainTinyNetworks(const std::filesystem::path& data, const std::filesystem::path& dir) {
  testing::WriteTinyConfig(dir / "tiny.json");
  TrainOptions train;
  train.data_dir = data;
  train.out_dir = dir / "run";
  train.config = (dir / "tiny.json").string();
  train.steps = 2;
  train.threads = 1;
  train.progress = false;
  Train(train);

  EvaluatorConfig config;
  config.base = testing::TinyDiffusionConfig();
  config.base.train.steps = 2;
  config.evaluator.embed_dim = 16;
  WriteJson(dir / "evaluator.json", EvaluatorConfigToJson(config));
  EvaluatorTrainOptions evaluator;
  evaluator.data_dir = data;
  evaluator.out_dir = dir / "eval";
  evaluator.config = (dir / "evaluator.json").string();
  evaluator.threads = 1;
  evaluator.progress = false;
  TrainEvaluator(evaluator);
}

// A tiny generator and a tiny evaluator trained a few steps on a tiny
// dataset, shared by the tests.
class TinyEvaluation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    // Val: three single clips and a pair, two halves of two.
    testing::WriteTinyDataset(*dir_ / "data", 6, 2, 40, /*val_singles=*/3);
    TrainTinyNetworks(*dir_ / "data", dir_->path());
  }
  static void TearDownTestSuite() { delete dir_; }

  static EvaluateOptions Options(const std::string& out = "report") {
    EvaluateOptions options;
    options.model_dir = *dir_ / "run";
    options.evaluator_dir = *dir_ / "eval";
    options.data_dir = *dir_ / "data";
    options.split = "val";
    options.replications = 2;
    options.samples = 2;
    options.mm_prompts = 1;
    options.mm_samples = 2;
    options.mm_pairs = 1;
    options.sampler_steps = 2;
    options.threads = 1;
    options.progress = false;
    options.out_dir = *dir_ / out;
    return options;
  }

  static const MetricFigure& Find(const EvaluateReport& report,
                                  const std::string& set,
                                  const std::string& name) {
    for (const SetFigures& figures : report.sets) {
      if (figures.set != set) continue;
      for (const MetricFigure& f : figures.metrics) {
        if (f.name == name) return f;
      }
    }
    throw Error("no figure " + set + "/" + name);
  }

  static testing::TempDir* dir_;
};

testing::TempDir* TinyEvaluation::dir_ = nullptr;

TEST_F(TinyEvaluation, WritesEveryFigureOfEverySetAndTheReportFolder) {
  EvaluateOptions options = Options();
  options.samples = 5;  // capped at half the split
  const EvaluateReport report = Evaluate(options);
  ASSERT_EQ(report.sets.size(), 5u);
  EXPECT_EQ(report.sets[0].set, "generated");
  EXPECT_EQ(report.sets[1].set, "real");
  EXPECT_EQ(report.sets[2].set, "caption_blind");
  EXPECT_EQ(report.items, 2);
  EXPECT_EQ(report.split_clips, 4);
  // Every network's leakage is checked (the tiny run and evaluator list
  // their training clips), and the cap is said.
  ASSERT_EQ(report.leakage.size(), 2u);
  EXPECT_NE(report.leakage[0].find("generator: 8 of its 8 training clips"), std::string::npos)
      << report.leakage[0];
  EXPECT_NE(report.leakage[0].find("0 are training clips"), std::string::npos);
  for (const SetFigures& set : report.sets)
    EXPECT_EQ(set.metrics.size(), EvaluationMetricNames().size());
  EXPECT_TRUE(std::isfinite(Find(report, "generated", "fid").mean));
  EXPECT_TRUE(std::isfinite(Find(report, "real", "fid").mean));
  EXPECT_TRUE(std::isfinite(Find(report, "real", "kid").mean));
  EXPECT_TRUE(std::isfinite(Find(report, "caption_blind", "kid").mean));
  EXPECT_TRUE(std::isfinite(Find(report, "generated", "nearest_train").mean));
  // No classifier: no accuracy; no unseen part: no KID there.
  EXPECT_TRUE(std::isnan(Find(report, "generated", "content_accuracy").mean));
  EXPECT_TRUE(std::isnan(Find(report, "generated", "kid_unseen").mean));
  EXPECT_TRUE(report.prompts.empty());
  EXPECT_TRUE(std::isfinite(Find(report, "generated", "multimodality").mean));
  // Real data has no multimodality; two distinct captions give no R-precision.
  EXPECT_TRUE(std::isnan(Find(report, "real", "multimodality").mean));
  EXPECT_TRUE(std::isnan(Find(report, "generated", "r_precision_top3").mean));
  // The mean pose is held still: no skating, no jitter, no multimodality.
  EXPECT_NEAR(Find(report, "mean_pose", "foot_skate_m_s").mean, 0.0, 1e-6);
  EXPECT_NEAR(Find(report, "mean_pose", "jitter_m_s3").mean, 0.0, 1e-6);
  EXPECT_NEAR(Find(report, "mean_pose", "multimodality").mean, 0.0, 1e-6);
  EXPECT_NEAR(Find(report, "mean_pose", "bone_drift_mm").mean, 0.0, 1e-3);
  // The two replications sample with different seeds: their FIDs differ, so
  // the interval is not zero.
  EXPECT_GT(Find(report, "generated", "fid").ci95, 0.0);

  for (const char* file : {"report.json", "report.md", "metrics.png", "training_curves.png"}) {
    EXPECT_TRUE(std::filesystem::exists(*dir_ / "report" / file)) << file;
  }
  const nlohmann::json json = ReadJson(*dir_ / "report" / "report.json");
  EXPECT_EQ(json["format"], "intersynth-evaluation-v2");
  EXPECT_EQ(json["items_per_replication"], 2);
  EXPECT_EQ(json["settings"]["split"], "val");
  EXPECT_TRUE(json["sets"]["real"]["multimodality"]["mean"].is_null());
  const std::string md = ReadFileToString(*dir_ / "report" / "report.md");
  EXPECT_NE(md.find("| FID | lower |"), std::string::npos) << md;
  EXPECT_NE(md.find("real (floor)"), std::string::npos);
  EXPECT_NE(md.find("4 clips of the split"), std::string::npos);
  EXPECT_NE(md.find("n = 2 with n = 2"), std::string::npos);
  EXPECT_NE(md.find("capped at half the val split (2 clips)"), std::string::npos);
  EXPECT_NE(md.find("baseline: caption-blind model"), std::string::npos);
  EXPECT_EQ(md.find("| Action accuracy |"), std::string::npos);
  EXPECT_NE(md.find("no R-precision"), std::string::npos);

  // The same seed gives the same figures.
  options.out_dir = *dir_ / "report_again";
  const EvaluateReport again = Evaluate(options);
  EXPECT_DOUBLE_EQ(Find(again, "generated", "fid").mean, Find(report, "generated", "fid").mean);
}

TEST_F(TinyEvaluation, BadInputIsAClearError) {
  EvaluateOptions train_split = Options("leak");
  train_split.split = "train";
  EXPECT_ERROR_CONTAINS(Evaluate(train_split), {"leakage: generator", "8 are training clips"});
  EvaluateOptions empty = Options("empty");
  empty.split = "test";
  EXPECT_ERROR_CONTAINS(Evaluate(empty), {"the test split has 0 clips", "at least 4"});
  EvaluateOptions no_folder = Options("nothing");
  no_folder.evaluator_dir = *dir_ / "missing";
  EXPECT_ERROR_CONTAINS(Evaluate(no_folder), {"missing", "no such evaluator"});
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "leak"));
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "empty"));
}

TEST_F(TinyEvaluation, AnEvaluatorOfAnotherFeatureLayoutIsRejected) {
  const std::filesystem::path copy = *dir_ / "eval_other_layout";
  std::filesystem::copy(*dir_ / "eval", copy, std::filesystem::copy_options::recursive);
  nlohmann::json description = ReadJson(copy / kEvaluatorDescriptionFile);
  description["feature_layout"] = "humanml3d263";
  WriteJson(copy / kEvaluatorDescriptionFile, description);
  EvaluateOptions options = Options("other_layout");
  options.evaluator_dir = copy;
  EXPECT_ERROR_CONTAINS(Evaluate(options), {"humanml3d263"});
}

TEST_F(TinyEvaluation, MorePersonsThanTheEvaluatorTakesIsAnError) {
  // The val split has a two-person clip; a one-person evaluator cannot judge it.
  EvaluateOptions options = Options("one_person");
  options.evaluator_dir = ScriptedEvaluator("scripted_one_person.pt");
  EXPECT_ERROR_CONTAINS(Evaluate(options), {"has 2 persons", "the evaluator up to 1"});
}

TEST_F(TinyEvaluation, RunsWithATorchScriptEvaluator) {
  EvaluateOptions options = Options("scripted");
  options.evaluator_dir = ScriptedEvaluator();
  const EvaluateReport report = Evaluate(options);
  EXPECT_TRUE(std::isfinite(Find(report, "generated", "fid").mean));
  EXPECT_TRUE(std::isfinite(Find(report, "mean_pose", "diversity").mean));
}

TEST_F(TinyEvaluation, AnExportedEvaluatorEmbedsAsTheOriginal) {
  ExportEvaluatorFolder(*dir_ / "eval", *dir_ / "eval_half", /*half=*/true, /*overwrite=*/false);
  EXPECT_FALSE(std::filesystem::exists(*dir_ / "eval_half" / "checkpoint" / "optimizer.pt"));
  const Evaluator original(*dir_ / "eval"), exported(*dir_ / "eval_half");
  EXPECT_EQ(exported.kind(), "intersynth");
  const std::vector<MotionClip> clips = {testing::TinyClip(1, 30, 5, "a person walks"),
                                         testing::TinyClip(2, 40, 6, "two people walk")};
  const Eigen::MatrixXd a = original.EmbedMotions(clips), b = exported.EmbedMotions(clips);
  EXPECT_LT((a - b).cwiseAbs().maxCoeff(), 5e-3);
  EXPECT_LT((original.EmbedTexts({"a person walks"}) - exported.EmbedTexts({"a person walks"}))
                .cwiseAbs()
                .maxCoeff(),
            5e-3);
  EXPECT_ERROR_CONTAINS(ExportEvaluatorFolder(*dir_ / "eval", *dir_ / "eval_half", true, false),
                        {"pass overwrite"});
}

// With an action classifier: content accuracy of every set and the
// plain-prompt table, on four synthetic actions (a left/right pair among
// them). The classifier labels real held-out crops well and the still mean
// pose as one label, whatever the item.
class EvaluateActions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::WriteActionDataset(*dir_ / "ds", /*per_action=*/12, /*held_out=*/4);
    TrainTinyNetworks(*dir_ / "ds", dir_->path());
    ActionClassifierTrainOptions classifier;
    classifier.data_dir = *dir_ / "ds";
    classifier.out_dir = *dir_ / "classifier";
    classifier.steps = 150;
    classifier.batch = 16;
    classifier.width = 32;
    classifier.threads = 1;
    classifier.progress = false;
    TrainActionClassifier(classifier);
  }
  static void TearDownTestSuite() { delete dir_; }

  static testing::TempDir* dir_;
};

testing::TempDir* EvaluateActions::dir_ = nullptr;

TEST_F(EvaluateActions, ClassifiesEverySetAndThePlainPrompts) {
  const testing::TempDir& dir = *dir_;
  EvaluateOptions options;
  options.model_dir = dir / "run";
  options.evaluator_dir = dir / "eval";
  options.classifier_dir = dir / "classifier";
  options.data_dir = dir / "ds";
  options.split = "test";
  options.replications = 2;
  options.samples = 8;
  options.action_samples = 2;
  options.scenes = 4;
  options.mm_prompts = 1;
  options.mm_samples = 2;
  options.mm_pairs = 1;
  options.sampler_steps = 2;
  options.threads = 1;
  options.progress = false;
  options.out_dir = dir / "report";
  const EvaluateReport report = Evaluate(options);
  EXPECT_EQ(report.leakage.size(), 3u);

  // The plain prompts: the caption tables' phrasing without a style, or the
  // shortest caption for a label they do not know (squat).
  ASSERT_EQ(report.prompts.size(), 4u);
  EXPECT_EQ(report.prompts[0].label, "raise-up-left-hand");
  EXPECT_EQ(report.prompts[0].prompt, "a person raises the left hand");
  EXPECT_EQ(report.prompts[2].label, "squat");
  EXPECT_EQ(report.prompts[2].prompt, "a person squats down");
  for (const PromptAccuracy& p : report.prompts) EXPECT_EQ(p.motions, 4) << p.label;
  auto figure = [&](const std::string& set, const std::string& name) {
    for (const SetFigures& figures : report.sets) {
      if (figures.set != set) continue;
      for (const MetricFigure& f : figures.metrics) {
        if (f.name == name) return f.mean;
      }
    }
    throw Error("no figure " + set + "/" + name);
  };
  EXPECT_GE(figure("real", "prompt_accuracy"), 0.75);
  EXPECT_GE(figure("real", "content_accuracy"), 0.75);
  EXPECT_TRUE(std::isfinite(figure("generated", "prompt_accuracy")));
  EXPECT_TRUE(std::isfinite(figure("caption_blind", "prompt_accuracy")));
  EXPECT_TRUE(std::isnan(figure("random_clip", "prompt_accuracy")));
  EXPECT_TRUE(std::isfinite(figure("random_clip", "content_accuracy")));
  EXPECT_TRUE(std::isfinite(figure("generated", "style_accuracy")));
  // 8 items of 4 labels: one label for all of them is right at most 4 times.
  EXPECT_LE(figure("mean_pose", "content_accuracy"), 0.5);
  const std::string md = ReadFileToString(dir / "report" / "report.md");
  EXPECT_NE(md.find("## Plain-prompt action accuracy"), std::string::npos) << md;
  EXPECT_NE(md.find("| squat | a person squats down | 4 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Action accuracy | higher |"), std::string::npos) << md;
  const nlohmann::json json = ReadJson(dir / "report" / "report.json");
  EXPECT_EQ(json["prompts"].size(), 4u);

  // The multi-person benchmark: the real clips composed as the trainer does
  // keep 0.8 m between pelvises and their persons are labelled as alone.
  ASSERT_FALSE(report.scene_examples.empty());
  EXPECT_NE(report.scene_examples[0].find("one person "), std::string::npos)
      << report.scene_examples[0];
  EXPECT_NE(report.scene_examples[0].find(" while another "), std::string::npos);
  EXPECT_GE(figure("real", "scene_closest_pelvis_m"), 0.8 - 1e-3);
  EXPECT_DOUBLE_EQ(figure("real", "scene_close_share_2p"), 0.0);
  EXPECT_DOUBLE_EQ(figure("real", "scene_close_share_3p"), 0.0);
  EXPECT_GE(figure("real", "scene_action_accuracy"), 0.75);
  EXPECT_TRUE(std::isfinite(figure("generated", "scene_action_accuracy")));
  EXPECT_TRUE(std::isfinite(figure("generated", "scene_close_share_2p")));
  EXPECT_TRUE(std::isnan(figure("mean_pose", "scene_close_share_2p")));
  EXPECT_NE(md.find("| Scenes: 2-person pelvises < 0.3 m | lower |"), std::string::npos) << md;
}

// The DDIM steps study on the same networks: every step count generates the
// same items and prompts, so the reference's paired differences are exactly
// zero, and a run repeats itself.
TEST_F(EvaluateActions, StudiesStepsPairedWithTheReference) {
  const testing::TempDir& dir = *dir_;
  StepsStudyOptions options;
  options.model_dir = dir / "run";
  options.evaluator_dir = dir / "eval";
  options.classifier_dir = dir / "classifier";
  options.data_dir = dir / "ds";
  options.split = "test";
  options.steps = {1, 4, 2};
  options.reference_steps = 2;
  options.replications = 2;
  options.samples = 6;
  options.action_samples = 1;
  options.threads = 1;
  options.progress = false;
  options.out_dir = dir / "steps";
  const StepsStudyReport report = StudySteps(options);
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.rows[0].steps, 1);
  EXPECT_EQ(report.rows[1].steps, 2);
  EXPECT_EQ(report.rows[2].steps, 4);
  EXPECT_EQ(report.items, 6);
  EXPECT_EQ(report.prompts, 4);  // one per content label
  EXPECT_EQ(report.leakage.size(), 3u);
  const StepsRow& reference = report.rows[1];
  EXPECT_DOUBLE_EQ(reference.kid_difference.mean, 0.0);
  EXPECT_DOUBLE_EQ(reference.kid_difference.high, 0.0);
  EXPECT_DOUBLE_EQ(reference.accuracy_difference.low, 0.0);
  EXPECT_TRUE(reference.within_margins);
  // 6 items of 4 single-person actions and 4 prompts per replication, all
  // classified.
  for (const StepsRow& row : report.rows) {
    EXPECT_EQ(row.classified, 20) << row.steps;
    EXPECT_GT(row.seconds_per_motion, 0.0);
    EXPECT_TRUE(std::isfinite(row.kid.mean));
  }
  // More steps cost more time per motion (4 network passes against 1).
  EXPECT_GT(report.rows[2].seconds_per_motion, report.rows[0].seconds_per_motion);
  EXPECT_TRUE(report.recommended_steps == 1 || report.recommended_steps == 2);
  const nlohmann::json json = ReadJson(dir / "steps" / "report.json");
  EXPECT_EQ(json["format"], "intersynth-steps-study-v1");
  EXPECT_EQ(json["recommended_steps"], report.recommended_steps);
  const std::string md = ReadFileToString(dir / "steps" / "report.md");
  EXPECT_NE(md.find("| 2 | "), std::string::npos) << md;

  // The same seed draws the same items and motions.
  options.out_dir = dir / "steps_again";
  const StepsStudyReport again = StudySteps(options);
  for (size_t i = 0; i < report.rows.size(); ++i) {
    EXPECT_DOUBLE_EQ(again.rows[i].kid.mean, report.rows[i].kid.mean);
    EXPECT_DOUBLE_EQ(again.rows[i].accuracy, report.rows[i].accuracy);
  }

  // The classifier is required; a split without labels it knows is an error.
  options.classifier_dir.clear();
  EXPECT_ERROR_CONTAINS(StudySteps(options), {"classifier_dir"});
}

// The TorchScript adapter passes world joints and the frame mask as the
// contract says: the tiny scripted module returns the mean joint position
// and the number of real person-frames.
TEST(ScriptedEvaluator, EmbedsJointsAndTextsByTheContract) {
  const Evaluator evaluator(ScriptedEvaluator());
  EXPECT_EQ(evaluator.kind(), "torchscript");
  EXPECT_FLOAT_EQ(evaluator.fps(), 20.0f);
  EXPECT_EQ(evaluator.max_persons(), 4);
  EXPECT_EQ(evaluator.max_frames(), 64);
  EXPECT_EQ(evaluator.crop_frames(), 64);
  MotionClip one = SyntheticSmpl22Motion(1, 10, 3);
  MotionClip two = SyntheticSmpl22Motion(2, 30, 4);
  const Eigen::MatrixXd e = evaluator.EmbedMotions({one, two});
  ASSERT_EQ(e.rows(), 2);
  ASSERT_EQ(e.cols(), 4);
  for (int i = 0; i < 2; ++i) {
    const MotionClip& clip = i == 0 ? one : two;
    Eigen::Vector3d mean = Eigen::Vector3d::Zero();
    const size_t points = clip.joints.size() / 3;
    for (size_t k = 0; k < points; ++k) {
      for (int c = 0; c < 3; ++c) mean[c] += clip.joints[3 * k + c];
    }
    mean /= static_cast<double>(points);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(e(i, c), mean[c], 1e-4) << "clip " << i << " axis " << c;
    EXPECT_DOUBLE_EQ(e(i, 3), clip.num_persons * clip.num_frames);
  }
  const Eigen::MatrixXd t =
      evaluator.EmbedTexts({"a person walks", "two people wave at each other"});
  EXPECT_DOUBLE_EQ(t(0, 0), 3.0);
  EXPECT_DOUBLE_EQ(t(1, 0), 6.0);
  EXPECT_DOUBLE_EQ(t(1, 1), 29.0);
  EXPECT_TRUE(evaluator.UnknownWords({"zzz qqq"}).empty());
  // Outside its limits: a clear error naming the motion.
  EXPECT_ERROR_CONTAINS(evaluator.EmbedMotions({SyntheticSmpl22Motion(5, 10, 1)}),
                        {"motion 0", "5 persons", "1..4 persons"});
}

TEST(ScriptedEvaluator, AModuleOutsideTheContractIsAClearError) {
  EXPECT_ERROR_CONTAINS(Evaluator(ScriptedEvaluator("scripted_no_text.pt")),
                        {"scripted_no_text.pt", "encode_text"});
  testing::TempDir dir;
  std::ofstream(dir / "junk.pt") << "not a zip archive";
  EXPECT_ERROR_CONTAINS(Evaluator(dir / "junk.pt"), {"junk.pt", "not a TorchScript evaluator"});
}

}  // namespace
}  // namespace intersynth
