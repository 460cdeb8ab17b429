#include "intersynth/eval/evaluator.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/eval/evaluator_config.h"
#include "intersynth/eval/evaluator_train.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

EvaluatorConfig TinyEvaluatorConfig() {
  EvaluatorConfig config;
  config.base = testing::TinyDiffusionConfig();
  config.evaluator.embed_dim = 16;
  return config;
}

Tokenizer TinyTokenizer() {
  return Tokenizer::Build(
      {"a person walks forward", "someone waves", "two people walk side by side"});
}

// A padded batch of B samples with the given person counts and frames.
struct TinyMotionBatch {
  torch::Tensor features, token_mask, person_ids;
};

TinyMotionBatch MakeBatch(const std::vector<std::pair<int, int>>& persons_frames,
                          int64_t P,
                          int64_t T) {
  const int64_t B = static_cast<int64_t>(persons_frames.size());
  TinyMotionBatch batch;
  batch.features = torch::randn({B, P, T, kEvaluatorFeatureDim});
  batch.token_mask = torch::zeros({B, P, T}, torch::kBool);
  for (int64_t b = 0; b < B; ++b) {
    batch.token_mask[b]
        .narrow(0, 0, persons_frames[b].first)
        .narrow(1, 0, persons_frames[b].second)
        .fill_(true);
  }
  batch.person_ids = torch::arange(P).repeat({B, 1});
  return batch;
}

TEST(Evaluator, EmbeddingsAreUnitRowsForOneToFourPersons) {
  torch::manual_seed(0);
  MotionTextEvaluator model(TinyEvaluatorConfig(), TinyTokenizer());
  model->eval();
  const TinyMotionBatch batch = MakeBatch({{1, 20}, {2, 33}, {3, 12}, {4, 40}}, 4, 40);
  const torch::Tensor motion =
      model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids);
  ASSERT_EQ(motion.sizes(), torch::IntArrayRef({4, 16}));
  EXPECT_TRUE(torch::allclose(motion.norm(2, 1), torch::ones({4}), 1e-5, 1e-5));
  const torch::Tensor text = model->EncodeText({"a person walks forward", "someone waves"});
  ASSERT_EQ(text.sizes(), torch::IntArrayRef({2, 16}));
  EXPECT_TRUE(torch::allclose(text.norm(2, 1), torch::ones({2}), 1e-5, 1e-5));
}

// Changing the features of padded tokens (absent persons, frames past a
// clip's end) changes no embedding.
TEST(Evaluator, PaddingNeverLeaksIntoTheEmbedding) {
  torch::manual_seed(1);
  MotionTextEvaluator model(TinyEvaluatorConfig(), TinyTokenizer());
  model->eval();
  TinyMotionBatch batch = MakeBatch({{1, 10}, {2, 25}}, 3, 30);
  torch::NoGradGuard no_grad;
  const torch::Tensor before =
      model->EncodeMotion(batch.features, batch.token_mask, batch.person_ids);
  const torch::Tensor noise = torch::randn_like(batch.features) * 100.0;
  const torch::Tensor padded = batch.token_mask.logical_not().unsqueeze(-1);
  const torch::Tensor changed = torch::where(padded, noise, batch.features);
  const torch::Tensor after = model->EncodeMotion(changed, batch.token_mask, batch.person_ids);
  EXPECT_TRUE(torch::allclose(before, after, 1e-5, 1e-5)) << (before - after).abs().max();
  // And a real token does change it.
  const torch::Tensor real_changed = batch.features.clone();
  real_changed[0][0][3] += 5.0;
  EXPECT_FALSE(torch::allclose(
      before[0], model->EncodeMotion(real_changed, batch.token_mask, batch.person_ids)[0], 1e-4,
      1e-4));
}

// The loss equals the closed form on three pairs whose first two share a
// caption: their mutual similarities leave both softmaxes.
TEST(ContrastiveLoss, SameCaptionPairsAreNotNegatives) {
  const torch::Tensor text = torch::tensor({{1.0f, 0.0f}, {0.6f, 0.8f}, {0.0f, 1.0f}});
  const torch::Tensor motion = torch::tensor({{0.8f, 0.6f}, {1.0f, 0.0f}, {0.0f, 1.0f}});
  const torch::Tensor scale = torch::tensor(2.0f);
  const torch::Tensor s = 2.0f * torch::matmul(text, motion.t());
  // Row/column i keeps the diagonal and every j of another caption.
  auto term = [](const torch::Tensor& logits, int i, std::vector<int> keep) {
    torch::Tensor kept = torch::stack({logits[i][keep[0]], logits[i][keep[1]]});
    return -(logits[i][i] - torch::logsumexp(kept, 0));
  };
  const torch::Tensor rows =
      (term(s, 0, {0, 2}) + term(s, 1, {1, 2}) + -(s[2][2] - torch::logsumexp(s[2], 0))) / 3.0;
  const torch::Tensor st = s.t();
  const torch::Tensor cols =
      (term(st, 0, {0, 2}) + term(st, 1, {1, 2}) + -(st[2][2] - torch::logsumexp(st[2], 0))) / 3.0;
  const torch::Tensor expected = 0.5 * (rows + cols);
  const torch::Tensor loss = ContrastiveLoss(text, motion, scale, {7, 7, 3});
  EXPECT_NEAR(loss.item<float>(), expected.item<float>(), 1e-5);
  // With distinct captions the loss is the plain symmetric cross-entropy.
  const torch::Tensor targets = torch::arange(3);
  const torch::Tensor plain = 0.5 * (torch::nn::functional::cross_entropy(s, targets) +
                                     torch::nn::functional::cross_entropy(st, targets));
  EXPECT_NEAR(ContrastiveLoss(text, motion, scale, {0, 1, 2}).item<float>(), plain.item<float>(),
              1e-5);
}

TEST(EvaluatorConfig, RejectsGeneratorSectionsUnknownKeysAndTorchScript) {
  EXPECT_NO_THROW(LoadEvaluatorConfig("cpu"));
  EXPECT_THROW(EvaluatorConfigFromJson({{"loss", {{"mse", 1.0}}}}, "e.json"), Error);
  EXPECT_THROW(EvaluatorConfigFromJson({{"evaluator", {{"width", 3}}}}, "e.json"), Error);
  EXPECT_THROW(EvaluatorConfigFromJson({{"evaluator", {{"embed_dim", 0}}}}, "e.json"), Error);
  EXPECT_THROW(EvaluatorConfigFromJson({{"text", {{"torchscript", "clip.pt"}}}}, "e.json"), Error);
  const EvaluatorConfig round =
      EvaluatorConfigFromJson(EvaluatorConfigToJson(TinyEvaluatorConfig()), "round");
  EXPECT_EQ(EvaluatorConfigToJson(round), EvaluatorConfigToJson(TinyEvaluatorConfig()));
}

TEST(EvaluatorConfig, DescriptionOfAnotherFeatureLayoutIsAnError) {
  nlohmann::json description = EvaluatorDescription(TinyEvaluatorConfig(), 20.0);
  EXPECT_DOUBLE_EQ(CheckEvaluatorDescription(description, "evaluator.json"), 20.0);
  description["feature_layout"] = "humanml3d263";
  try {
    CheckEvaluatorDescription(description, "evaluator.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("humanml3d263"), std::string::npos) << e.what();
  }
}

class TinyEvaluatorRun : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteTinyDataset(dir_ / "data", 8, 2, 40);
    EvaluatorConfig config = TinyEvaluatorConfig();
    config.base.train.steps = 6;
    config.base.train.val_every = 3;
    config.base.train.checkpoint_every = 100;
    WriteJson(dir_ / "evaluator.json", EvaluatorConfigToJson(config));
  }
  EvaluatorTrainOptions Options(const std::string& out) const {
    EvaluatorTrainOptions options;
    options.data_dir = dir_ / "data";
    options.out_dir = dir_ / out;
    options.config = (dir_ / "evaluator.json").string();
    options.threads = 1;
    options.progress = false;
    return options;
  }
  testing::TempDir dir_;
};

// Three steps, a resume for three more, and six steps straight end with the
// same weights.
TEST_F(TinyEvaluatorRun, ResumeContinuesExactly) {
  const EvaluatorTrainReport straight = TrainEvaluator(Options("straight"));
  EXPECT_EQ(straight.step, 6);
  EXPECT_TRUE(std::isfinite(straight.loss));
  EXPECT_TRUE(std::isfinite(straight.val_loss));
  EvaluatorTrainOptions first = Options("resumed");
  first.stop_after_steps = 3;
  EXPECT_TRUE(TrainEvaluator(first).paused);
  EvaluatorTrainOptions second = Options("resumed");
  second.resume = true;
  EXPECT_EQ(TrainEvaluator(second).step, 6);

  const EvaluatorConfig config =
      EvaluatorConfigFromJson(ReadJson(dir_ / "straight" / "config.json"), "config");
  const Tokenizer tokenizer = Tokenizer::Load(dir_ / "straight" / "tokenizer.json");
  MotionTextEvaluator a(config, tokenizer), b(config, tokenizer);
  LoadModuleWeights(*a, dir_ / "straight" / "checkpoint" / RunPaths::kModel);
  LoadModuleWeights(*b, dir_ / "resumed" / "checkpoint" / RunPaths::kModel);
  const auto pa = a->parameters(), pb = b->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i)
    EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  CheckEvaluatorDescription(ReadJson(dir_ / "straight" / kEvaluatorDescriptionFile),
                            "evaluator.json");
}

TEST_F(TinyEvaluatorRun, ExistingFolderWithoutResumeIsAnError) {
  TrainEvaluator(Options("run"));
  EXPECT_THROW(TrainEvaluator(Options("run")), Error);
  EvaluatorTrainOptions missing = Options("nothing_here");
  missing.resume = true;
  EXPECT_THROW(TrainEvaluator(missing), Error);
}

}  // namespace
}  // namespace intersynth
