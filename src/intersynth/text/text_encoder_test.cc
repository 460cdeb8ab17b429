#include "intersynth/text/text_encoder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "intersynth/text/tokenizer.h"

namespace intersynth {
namespace {

// Small enough that the whole suite runs in well under a second.
TextEncoderOptions SmallOptions() {
  TextEncoderOptions options;
  options.vocab_size = 20;
  options.d_model = 32;
  options.layers = 2;
  options.heads = 4;
  options.ff_dim = 64;
  options.max_tokens = 8;
  options.out_dim = 16;
  return options;
}

TextEncoder MakeEncoder(const TextEncoderOptions& options = SmallOptions()) {
  torch::manual_seed(7);
  TextEncoder encoder(options);
  encoder->eval();
  return encoder;
}

double MaxAbsDifference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

TEST(TextEncoder, OutputIsBatchByOutDim) {
  TextEncoder encoder = MakeEncoder();
  const torch::Tensor ids = PadTokenBatch({{2, 3, 4}, {5, 6}, {7}}, 8);
  const torch::Tensor out = encoder->forward(ids);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{3, 16}));
  EXPECT_EQ(out.scalar_type(), torch::kFloat);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
  // Different captions give different vectors.
  EXPECT_GT(MaxAbsDifference(out[0], out[1]), 1e-3);
}

TEST(TextEncoder, ExtraPaddingDoesNotChangeTheOutput) {
  TextEncoder encoder = MakeEncoder();
  const torch::Tensor tight = PadTokenBatch({{2, 3, 4}, {5, 6}}, 8);  // [2, 3]
  const torch::Tensor padded =
      torch::cat({tight, torch::zeros({2, 5}, torch::kLong)}, 1);  // [2, 8]
  torch::NoGradGuard no_grad;
  EXPECT_LT(MaxAbsDifference(encoder->forward(tight), encoder->forward(padded)), 1e-6);
  // A caption alone and beside a longer one (so padded) agree as well.
  const torch::Tensor alone = encoder->forward(PadTokenBatch({{5, 6}}, 8));
  EXPECT_LT(MaxAbsDifference(alone[0], encoder->forward(tight)[1]), 1e-6);
}

TEST(TextEncoder, ExtraPaddingDoesNotChangeTheOutputAtDefaultSize) {
  TextEncoderOptions options;  // d_model 256, 2 layers, 4 heads, 32 tokens
  options.vocab_size = 100;
  TextEncoder encoder = MakeEncoder(options);
  const torch::Tensor tight = PadTokenBatch({{12, 13, 14, 15, 16}, {17, 18}}, 32);
  const torch::Tensor padded = torch::cat({tight, torch::zeros({2, 27}, torch::kLong)}, 1);
  torch::NoGradGuard no_grad;
  // Float32 outputs of unit scale: the two shapes take different BLAS
  // blockings, which differ by ~1e-6 on some CPUs (1.07e-6 measured on an AMD
  // EPYC); a padded token that leaked into attention would move them by ~1e-2.
  EXPECT_LT(MaxAbsDifference(encoder->forward(tight), encoder->forward(padded)), 1e-5);
}

TEST(TextEncoder, SameSeedSameWeights) {
  const torch::Tensor ids = PadTokenBatch({{2, 3, 4}}, 8);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(MaxAbsDifference(MakeEncoder()->forward(ids), MakeEncoder()->forward(ids)), 0.0);
}

TEST(TextEncoder, GradientReachesTheUsedEmbeddingsOnly) {
  TextEncoderOptions options = SmallOptions();
  options.dropout = 0.0;
  TextEncoder encoder = MakeEncoder(options);
  encoder->train();
  encoder->forward(PadTokenBatch({{2, 3}, {4}}, 8)).pow(2).sum().backward();

  const torch::Tensor grad = encoder->named_parameters()["token_embedding.weight"].grad();
  ASSERT_TRUE(grad.defined());
  const torch::Tensor row_norm = grad.norm(2, 1);
  for (int64_t id : {2, 3, 4}) EXPECT_GT(row_norm[id].item<double>(), 0.0) << "id " << id;
  // "<pad>" (padding_idx) and unused ids get no gradient.
  for (int64_t id : {0, 1, 5}) EXPECT_EQ(row_norm[id].item<double>(), 0.0) << "id " << id;
  EXPECT_GT(
      encoder->named_parameters()["position_embedding.weight"].grad().abs().sum().item<double>(),
      0.0);
}

TEST(TextEncoder, PadRowOfEmbeddingStartsAtZero) {
  TextEncoder encoder = MakeEncoder();
  const torch::Tensor weight = encoder->named_parameters()["token_embedding.weight"];
  EXPECT_EQ(weight[0].abs().sum().item<double>(), 0.0);
  EXPECT_GT(weight[1].abs().sum().item<double>(), 0.0);
}

TEST(TextEncoder, AllPaddingRowIsRejected) {
  TextEncoder encoder = MakeEncoder();
  const torch::Tensor ids = torch::tensor({2, 3, 0, 0}, torch::kLong).view({2, 2});
  EXPECT_THROW(encoder->forward(ids), c10::Error);
}

TEST(TextEncoder, BadIdsAreRejected) {
  TextEncoder encoder = MakeEncoder();
  EXPECT_THROW(encoder->forward(torch::ones({2}, torch::kLong)), c10::Error);     // 1-D
  EXPECT_THROW(encoder->forward(torch::ones({1, 2}, torch::kInt)), c10::Error);   // int32
  EXPECT_THROW(encoder->forward(torch::ones({1, 9}, torch::kLong)), c10::Error);  // > max_tokens
  EXPECT_THROW(encoder->forward(torch::full({1, 2}, 20, torch::kLong)), c10::Error);  // >= vocab
}

TEST(TextEncoder, BadOptionsAreRejected) {
  TextEncoderOptions no_vocab = SmallOptions();
  no_vocab.vocab_size = 0;
  EXPECT_THROW(TextEncoder{no_vocab}, OptionError);
  TextEncoderOptions odd_heads = SmallOptions();
  odd_heads.heads = 5;
  EXPECT_THROW(TextEncoder{odd_heads}, OptionError);
}

TEST(PadTokenBatch, PadsWithZerosToTheLongestList) {
  const torch::Tensor ids = PadTokenBatch({{4, 5}, {6, 7, 8}, {9}}, 8);
  const torch::Tensor expected =
      torch::tensor({4, 5, 0, 6, 7, 8, 9, 0, 0}, torch::kLong).view({3, 3});
  EXPECT_TRUE(torch::equal(ids, expected));
  EXPECT_THROW(PadTokenBatch({}, 8), c10::Error);
  EXPECT_THROW(PadTokenBatch({{4}, {}}, 8), c10::Error);
  EXPECT_THROW(PadTokenBatch({{1, 2, 3}}, 2), c10::Error);
}

TEST(TextEncoder, EncodesTokenizedCaptions) {
  const Tokenizer tokenizer =
      Tokenizer::Build({"a person walks forward", "someone sits down on a chair"});
  TextEncoderOptions options = SmallOptions();
  options.vocab_size = tokenizer.vocab_size();
  TextEncoder encoder = MakeEncoder(options);
  std::vector<std::vector<int64_t>> ids;
  for (const char* text : {"A person sits.", "someone walks forward on a zorbing chair"}) {
    ids.push_back(tokenizer.Encode(text, static_cast<int>(options.max_tokens)));
  }
  EXPECT_EQ(encoder->forward(PadTokenBatch(ids, options.max_tokens)).sizes(),
            (std::vector<int64_t>{2, 16}));
}

}  // namespace
}  // namespace intersynth
