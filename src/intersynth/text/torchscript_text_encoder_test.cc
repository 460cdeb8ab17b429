#include "intersynth/text/torchscript_text_encoder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// Fixtures made by testdata/text/make_tiny_text_encoder.py (see its header).
std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / "text" / name;
}

TEST(TorchScriptTextEncoder, MatchesPythonOutputs) {
  const nlohmann::json expected = ReadJson(Fixture("tiny_text_encoder_expected.json"));
  const auto texts = expected.at("texts").get<std::vector<std::string>>();
  const auto rows = expected.at("embeddings").get<std::vector<std::vector<float>>>();
  const TorchScriptTextEncoder encoder =
      TorchScriptTextEncoder::Load(Fixture("tiny_text_encoder.pt"));
  EXPECT_EQ(encoder.embedding_dim(), 8);
  EXPECT_EQ(encoder.embedding_dim(), expected.at("embedding_dim").get<int64_t>());

  const torch::Tensor out = encoder.Encode(texts);
  ASSERT_EQ(out.sizes(), (std::vector<int64_t>{3, 8}));
  EXPECT_EQ(out.scalar_type(), torch::kFloat);
  for (size_t b = 0; b < texts.size(); ++b) {
    SCOPED_TRACE(texts[b]);
    for (size_t d = 0; d < rows[b].size(); ++d) {
      EXPECT_NEAR(out[b][d].item<float>(), rows[b][d], 1e-6) << "column " << d;
    }
    // A text alone gives the same row as in the batch.
    const torch::Tensor alone = encoder.Encode({texts[b]});
    EXPECT_LT((alone[0] - out[b]).abs().max().item<double>(), 1e-6);
  }
}

TEST(TorchScriptTextEncoder, NoTextsGiveAnEmptyBatch) {
  const TorchScriptTextEncoder encoder =
      TorchScriptTextEncoder::Load(Fixture("tiny_text_encoder.pt"));
  EXPECT_EQ(encoder.Encode({}).sizes(), (std::vector<int64_t>{0, 8}));
}

TEST(TorchScriptTextEncoder, OutputNeedsNoGradient) {
  const TorchScriptTextEncoder encoder =
      TorchScriptTextEncoder::Load(Fixture("tiny_text_encoder.pt"));
  EXPECT_FALSE(encoder.Encode({"a person walks"}).requires_grad());
}

TEST(TorchScriptTextEncoder, EmbeddingDimFromExportedMethod) {
  const TorchScriptTextEncoder encoder =
      TorchScriptTextEncoder::Load(Fixture("misbehaving_text_encoder.pt"));
  EXPECT_EQ(encoder.embedding_dim(), 4);
  EXPECT_EQ(encoder.Encode({"a", "b"}).sizes(), (std::vector<int64_t>{2, 4}));
}

TEST(TorchScriptTextEncoder, MissingFileIsNamed) {
  const std::string path = Fixture("no_such_encoder.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptTextEncoder::Load(path), {path, "no such file"});
  const std::string folder = Fixture("").string();
  EXPECT_ERROR_CONTAINS(TorchScriptTextEncoder::Load(folder), {"not a file"});
}

TEST(TorchScriptTextEncoder, NotATorchScriptArchive) {
  testing::TempDir dir;
  const std::string garbage = (dir / "garbage.pt").string();
  WriteFileAtomic(garbage, "this is not a zip archive");
  EXPECT_ERROR_CONTAINS(TorchScriptTextEncoder::Load(garbage),
                        {garbage, "not a TorchScript archive"});
  // A real file of another kind: the expected-values JSON.
  const std::string json = Fixture("tiny_text_encoder_expected.json").string();
  EXPECT_ERROR_CONTAINS(TorchScriptTextEncoder::Load(json), {json, "not a TorchScript archive"});
}

TEST(TorchScriptTextEncoder, ModuleWithoutForward) {
  const std::string path = Fixture("no_forward_text_encoder.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptTextEncoder::Load(path), {path, "no forward"});
}

TEST(TorchScriptTextEncoder, OneDimensionalOutputFailsAtLoad) {
  const std::string path = Fixture("wrong_shape_text_encoder.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptTextEncoder::Load(path), {path, "shape [1]", "[B, D]"});
}

TEST(TorchScriptTextEncoder, ContractViolationsAtRunTime) {
  const std::string path = Fixture("misbehaving_text_encoder.pt").string();
  const TorchScriptTextEncoder encoder = TorchScriptTextEncoder::Load(path);
  EXPECT_ERROR_CONTAINS(encoder.Encode({"wrong batch", "b"}), {path, "3 rows for 2 texts"});
  EXPECT_ERROR_CONTAINS(encoder.Encode({"not finite", "b"}),
                        {path, "non-finite", "row 0", "not finite"});
  EXPECT_ERROR_CONTAINS(encoder.Encode({"integer"}), {path, "Long", "expected float32"});
}

}  // namespace
}  // namespace intersynth
