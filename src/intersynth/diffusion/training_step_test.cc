#include "intersynth/diffusion/training_step.h"

#include <gtest/gtest.h>

#include <thread>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/diffusion/distributed.h"

namespace intersynth {
namespace {

struct StepSetup {
  DiffusionConfig config = testing::TinyDiffusionConfig();
  TrainingCorpus corpus;
  std::optional<Tokenizer> tokenizer;
  NoiseSchedule schedule = NoiseSchedule::Cosine(1000);
};

StepSetup MakeSetup() {
  StepSetup s;
  std::vector<MotionClip> clips;
  std::vector<TrainingClip> training;
  for (int i = 0; i < 4; ++i)
    clips.push_back(testing::TinyClip(1, 24 + 4 * i, 20 + i, "a person walks forward"));
  clips.push_back(testing::TinyClip(2, 30, 31, "two people walk side by side"));
  for (size_t i = 0; i < clips.size(); ++i)
    training.push_back(MakeTrainingClip("c" + std::to_string(i), clips[i]));
  s.corpus = MakeTrainingCorpus(std::move(training), testing::TinyNormalizer(clips));
  s.tokenizer = Tokenizer::Build(s.corpus.AllTexts());
  return s;
}

std::vector<TrainingSample> Samples(const StepSetup& s, int64_t step, int first, int count) {
  const StepPlan plan = PlanStep(s.corpus, s.config.train, s.config.train.seed, step);
  std::vector<TrainingSample> out;
  for (int i = first; i < first + count; ++i) {
    out.push_back(DrawSample(s.corpus, s.config, plan, s.config.train.seed, step, i));
  }
  return out;
}

// Gradients of the mean loss over `samples` for a copy of `model`.
std::vector<torch::Tensor> Gradients(const StepSetup& s,
                                     MotionDiffusion& model,
                                     const std::vector<TrainingSample>& samples,
                                     ProcessGroup* group = nullptr) {
  model->zero_grad();
  const auto [mean, std] = NormalizerTensors(s.corpus.normalizer, torch::kCPU);
  const BatchTensors tensors =
      ToTensors(CollateSamples(samples, s.config.model.max_persons), torch::kCPU);
  TrainingLoss(model, tensors, s.schedule, mean, std, s.config).total.backward();
  std::vector<torch::Tensor> grads;
  for (auto& p : model->parameters()) {
    grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  }
  if (group != nullptr) group->AllReduceMean(grads);
  return grads;
}

TEST(TrainingStep, LossIsTheMeanOfPerSampleLosses) {
  const StepSetup s = MakeSetup();
  torch::manual_seed(1);
  MotionDiffusion model(s.config, *s.tokenizer);
  const auto [mean, std] = NormalizerTensors(s.corpus.normalizer, torch::kCPU);
  const std::vector<TrainingSample> samples = Samples(s, 2, 0, 4);
  auto loss_of = [&](const std::vector<TrainingSample>& part) {
    const BatchTensors t = ToTensors(CollateSamples(part, s.config.model.max_persons), torch::kCPU);
    return TrainingLoss(model, t, s.schedule, mean, std, s.config).total.item<double>();
  };
  double sum = 0;
  for (const TrainingSample& sample : samples) sum += loss_of({sample});
  EXPECT_NEAR(loss_of(samples), sum / 4, 1e-4 * std::abs(sum));
}

// Two ranks (threads, each with its own Gloo process group over loopback)
// each take half of the batch; their all-reduced gradients equal the
// gradients of one process on the whole batch.
TEST(TrainingStep, TwoProcessGradientsEqualOneProcessOnTheCombinedBatch) {
  const StepSetup s = MakeSetup();
  for (int64_t step : {0, 5}) {
    torch::manual_seed(7);
    MotionDiffusion reference(s.config, *s.tokenizer);
    const std::vector<torch::Tensor> expected = Gradients(s, reference, Samples(s, step, 0, 4));

    const int port = FindFreeLoopbackPort();
    std::vector<std::vector<torch::Tensor>> results(2);
    std::vector<std::string> errors(2);
    std::vector<std::thread> ranks;
    for (int rank = 0; rank < 2; ++rank) {
      ranks.emplace_back([&, rank] {
        try {
          DistributedOptions options;
          options.rank = rank;
          options.world_size = 2;
          options.master_port = port;
          options.timeout_s = 60;
          ProcessGroup group(options);
          MotionDiffusion model(s.config, *s.tokenizer);
          CopyWeights(*reference, *model);
          results[rank] = Gradients(s, model, Samples(s, step, 2 * rank, 2), &group);
        } catch (const std::exception& e) {
          errors[rank] = e.what();
        }
      });
    }
    for (auto& thread : ranks) thread.join();
    ASSERT_EQ(errors[0], "");
    ASSERT_EQ(errors[1], "");
    ASSERT_EQ(results[0].size(), expected.size());
    double max_error = 0, max_value = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      max_error = std::max(max_error, (results[0][i] - expected[i]).abs().max().item<double>());
      max_error = std::max(max_error, (results[1][i] - expected[i]).abs().max().item<double>());
      max_value = std::max(max_value, expected[i].abs().max().item<double>());
    }
    EXPECT_GT(max_value, 0.0);
    EXPECT_LT(max_error, 1e-5 * max_value) << "step " << step;
  }
}

TEST(TrainingStep, DroppedTextUsesTheNullEmbedding) {
  const StepSetup s = MakeSetup();
  torch::manual_seed(2);
  MotionDiffusion model(s.config, *s.tokenizer);
  const TextCondition cond =
      model->EncodeText({"a person walks", "a person walks"}, torch::tensor({false, true}));
  EXPECT_TRUE(torch::equal(cond.pooled[1], model->NullText(1).pooled[0]));
  EXPECT_FALSE(torch::allclose(cond.pooled[0], cond.pooled[1]));
  EXPECT_FALSE(cond.words.defined());
}

TEST(TrainingStep, WordTokensCarryTheSideAndAreMaskedWhereDropped) {
  StepSetup s = MakeSetup();
  s.config.model.word_tokens = true;
  torch::manual_seed(2);
  MotionDiffusion model(s.config, *s.tokenizer);
  model->eval();
  const TextCondition cond =
      model->EncodeText({"a person walks", "a person walks left", "a person walks"},
                        torch::tensor({false, false, true}));
  ASSERT_TRUE(cond.words.defined());
  EXPECT_EQ(cond.words.sizes(), torch::IntArrayRef({3, 4, s.config.text.d_model}));
  // Real words are keys; padding and a dropped caption are not.
  EXPECT_TRUE(torch::equal(cond.word_mask, torch::tensor({{true, true, true, false},
                                                          {true, true, true, true},
                                                          {false, false, false, false}})));
  // Padding the words of a condition (as guidance does when it joins the
  // conditional and the null rows) changes no prediction: masked keys count
  // for nothing.
  const TextCondition one = model->EncodeText({"a person walks"}, torch::tensor({false}));
  const TextCondition joined =
      CatTextConditions(one, model->EncodeText({"a person walks left"}, torch::tensor({false})));
  const torch::Tensor x = torch::randn({1, 1, 6, 262});
  const torch::Tensor t = torch::tensor({300}, torch::kLong);
  const torch::Tensor mask = torch::ones({1, 1, 6}, torch::kBool);
  const torch::Tensor ids = torch::zeros({1, 1}, torch::kLong);
  torch::NoGradGuard no_grad;
  const torch::Tensor alone = model->forward(x, t, one, mask, ids);
  const torch::Tensor both = model->forward(torch::cat({x, x}), torch::cat({t, t}), joined,
                                            torch::cat({mask, mask}), torch::cat({ids, ids}));
  EXPECT_TRUE(torch::allclose(both[0], alone[0], 1e-5, 1e-5));
  // A model with word tokens needs them.
  EXPECT_ANY_THROW(model->forward(x, t, TextCondition{one.pooled, {}, {}}, mask, ids));
}

}  // namespace
}  // namespace intersynth
