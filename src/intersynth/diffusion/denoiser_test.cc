#include "intersynth/diffusion/denoiser.h"

#include <gtest/gtest.h>

#include "intersynth/diffusion/diffusion_test_util.h"

namespace intersynth {
namespace {

constexpr int64_t kC = 262;

// A denoiser whose zero-initialised modulations are randomised, so that the
// blocks are not the identity (the start state would hide mixing bugs).
Denoiser RandomDenoiser(uint64_t seed) {
  torch::manual_seed(seed);
  DenoiserConfig config = testing::TinyDiffusionConfig().model;
  Denoiser model(config, kC, 16);
  torch::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.add_(torch::randn_like(p) * 0.05);
  model->eval();
  return model;
}

struct Inputs {
  torch::Tensor x, t, cond, mask, ids;
};

Inputs RandomInputs(int64_t batch, int64_t persons, int64_t frames) {
  Inputs in;
  in.x = torch::randn({batch, persons, frames, kC});
  in.t = torch::randint(0, 1000, {batch}, torch::kLong);
  in.cond = torch::randn({batch, 16});
  in.mask = torch::ones({batch, persons, frames}, torch::kBool);
  in.ids = torch::arange(persons, torch::kLong).unsqueeze(0).expand({batch, persons}).contiguous();
  return in;
}

TEST(Denoiser, OutputShapeForOneToFourPersons) {
  Denoiser model = RandomDenoiser(1);
  for (int64_t persons = 1; persons <= 4; ++persons) {
    Inputs in = RandomInputs(2, persons, 12);
    const torch::Tensor out = model->forward(in.x, in.t, in.cond, in.mask, in.ids);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({2, persons, 12, kC}));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  }
}

TEST(Denoiser, PaddingNeverLeaksIntoRealTokens) {
  torch::NoGradGuard no_grad;
  Denoiser model = RandomDenoiser(2);
  // Sample 0: 2 persons x 9 real frames of 14; sample 1: 1 real person x 14.
  Inputs in = RandomInputs(2, 2, 14);
  in.mask[0].narrow(1, 9, 5).fill_(false);
  in.mask[1][1].fill_(false);
  const torch::Tensor out = model->forward(in.x, in.t, in.cond, in.mask, in.ids);
  // Any change in padded tokens (values and the identity of an absent slot)
  // changes no real token's output.
  torch::Tensor x2 = in.x.clone();
  x2.masked_fill_(in.mask.logical_not().unsqueeze(-1), 1e3);
  torch::Tensor ids2 = in.ids.clone();
  ids2[1][1] = 5;
  const torch::Tensor out2 = model->forward(x2, in.t, in.cond, in.mask, ids2);
  const torch::Tensor real = in.mask.unsqueeze(-1).expand_as(out);
  EXPECT_TRUE(torch::equal(out.masked_select(real), out2.masked_select(real)));
  // And a real token's change does reach the others (the test can fail).
  torch::Tensor x3 = in.x.clone();
  x3[0][0][0] += 1.0;
  const torch::Tensor out3 = model->forward(x3, in.t, in.cond, in.mask, in.ids);
  EXPECT_FALSE(torch::allclose(out3[0][1], out[0][1]));
}

TEST(Denoiser, ShortClipAloneEqualsItsPaddedVersion) {
  torch::NoGradGuard no_grad;
  Denoiser model = RandomDenoiser(3);
  Inputs in = RandomInputs(1, 2, 10);
  const torch::Tensor alone = model->forward(in.x, in.t, in.cond, in.mask, in.ids);
  // The same clip padded to 16 frames in a batch with another clip.
  Inputs big = RandomInputs(2, 2, 16);
  big.x[0].narrow(1, 0, 10).copy_(in.x[0]);
  big.t[0] = in.t[0];
  big.cond[0] = in.cond[0];
  big.mask[0].narrow(1, 10, 6).fill_(false);
  const torch::Tensor padded = model->forward(big.x, big.t, big.cond, big.mask, big.ids);
  EXPECT_TRUE(torch::allclose(padded[0].narrow(1, 0, 10), alone[0], 1e-5, 1e-5));
}

TEST(Denoiser, PermutingPersonsWithTheirIdsPermutesTheOutput) {
  torch::NoGradGuard no_grad;
  Denoiser model = RandomDenoiser(4);
  Inputs in = RandomInputs(1, 3, 8);
  in.ids = torch::tensor({{4, 0, 6}}, torch::kLong);
  const torch::Tensor out = model->forward(in.x, in.t, in.cond, in.mask, in.ids);
  const torch::Tensor order = torch::tensor({2, 0, 1}, torch::kLong);
  const torch::Tensor permuted = model->forward(in.x.index_select(1, order), in.t, in.cond, in.mask,
                                                in.ids.index_select(1, order));
  EXPECT_TRUE(torch::allclose(permuted, out.index_select(1, order), 1e-5, 1e-5));
  // The identity embedding matters: the same persons under other ids differ.
  const torch::Tensor other =
      model->forward(in.x, in.t, in.cond, in.mask, torch::tensor({{1, 2, 3}}, torch::kLong));
  EXPECT_FALSE(torch::allclose(other, out, 1e-4, 1e-4));
}

TEST(Denoiser, ConditionAndStepChangeTheOutput) {
  torch::NoGradGuard no_grad;
  Denoiser model = RandomDenoiser(5);
  Inputs in = RandomInputs(1, 1, 8);
  const torch::Tensor out = model->forward(in.x, in.t, in.cond, in.mask, in.ids);
  EXPECT_FALSE(torch::allclose(model->forward(in.x, in.t, in.cond + 1, in.mask, in.ids), out));
  EXPECT_FALSE(
      torch::allclose(model->forward(in.x, (in.t + 100) % 1000, in.cond, in.mask, in.ids), out));
}

// Tokens of two persons in one frame differ only by their identity embeddings
// (and their features): at the old 0.02 the persons of 3-person scenes were
// mixed token by token. The embeddings must start on the scale of the frame
// encoding (RMS 1/sqrt(2)).
TEST(Denoiser, IdentityEmbeddingStartsOnTheScaleOfTheFrameEncoding) {
  torch::manual_seed(3);
  DenoiserConfig config = testing::TinyDiffusionConfig().model;
  config.d_model = 256;
  config.heads = 4;
  Denoiser model(config, kC, 16);
  const torch::Tensor weight = model->named_parameters()["person_embedding.weight"];
  const double rms = weight.pow(2).mean().sqrt().item<double>();
  EXPECT_NEAR(rms, config.person_embedding_init_std, 0.05 * config.person_embedding_init_std);
  const double pe_rms =
      SinusoidalEncoding(torch::arange(196, torch::kLong), 256).pow(2).mean().sqrt().item<double>();
  EXPECT_GT(rms / pe_rms, 0.5);
  EXPECT_LT(rms / pe_rms, 1.5);
  config.person_embedding_init_std = 0.1;
  Denoiser narrow(config, kC, 16);
  EXPECT_NEAR(
      narrow->named_parameters()["person_embedding.weight"].pow(2).mean().sqrt().item<double>(),
      0.1, 0.005);
}

TEST(Denoiser, SinusoidalEncodingValues) {
  const torch::Tensor pe = SinusoidalEncoding(torch::tensor({0, 3}, torch::kLong), 4);
  // PE[n, 2i] = sin(n / 10000^(2i/4)), PE[n, 2i+1] = cos(...).
  EXPECT_NEAR(pe[0][0].item<float>(), 0.0, 1e-7);
  EXPECT_NEAR(pe[0][1].item<float>(), 1.0, 1e-7);
  EXPECT_NEAR(pe[1][0].item<float>(), std::sin(3.0), 1e-6);
  EXPECT_NEAR(pe[1][3].item<float>(), std::cos(3.0 / 100.0), 1e-6);
}

}  // namespace
}  // namespace intersynth
