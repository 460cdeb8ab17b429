#include "intersynth/diffusion/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(const nlohmann::json& json) {
  try {
    DiffusionConfigFromJson(json, "test.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(DiffusionConfig, ShippedCpuFileEqualsTheDefaults) {
  const DiffusionConfig cpu = LoadDiffusionConfig("cpu");
  EXPECT_EQ(DiffusionConfigToJson(cpu), DiffusionConfigToJson(DiffusionConfig{}));
  EXPECT_EQ(cpu.model.d_model, 256);
  EXPECT_EQ(cpu.model.layers, 4);
  EXPECT_LE(cpu.train.crop_frames, 120);
}

TEST(DiffusionConfig, ShippedGpuFileIsLarger) {
  const DiffusionConfig gpu = LoadDiffusionConfig("gpu");
  EXPECT_GE(gpu.model.d_model, 512);
  EXPECT_LE(gpu.model.d_model, 1024);
  EXPECT_EQ(gpu.model.layers, 8);
  // Keys the file leaves out keep the defaults (InterGen's loss weights).
  EXPECT_EQ(gpu.loss.velocity, 30.0);
}

TEST(DiffusionConfig, DefaultsFollowTheIssueAndInterGen) {
  const DiffusionConfig c;
  EXPECT_EQ(c.diffusion.steps, 1000);
  EXPECT_DOUBLE_EQ(c.diffusion.cosine_s, 0.008);
  EXPECT_EQ(c.diffusion.t_bar, 700);
  EXPECT_DOUBLE_EQ(c.train.cond_drop, 0.1);
  EXPECT_EQ(c.model.max_persons, 8);
  // shared/notes/intergen-format.md "Losses".
  EXPECT_DOUBLE_EQ(c.loss.velocity, 30);
  EXPECT_DOUBLE_EQ(c.loss.bone_length, 10);
  EXPECT_DOUBLE_EQ(c.loss.foot_contact, 30);
  EXPECT_DOUBLE_EQ(c.loss.distance_map, 3);
  EXPECT_DOUBLE_EQ(c.loss.joint_affinity, 3);
  EXPECT_DOUBLE_EQ(c.loss.relative_orientation, 0.01);
}

TEST(DiffusionConfig, RoundTripsThroughJson) {
  DiffusionConfig c;
  c.model.d_model = 128;
  c.train.seed = 12345678901ULL;
  c.loss.mse = 0.5;
  const DiffusionConfig back = DiffusionConfigFromJson(DiffusionConfigToJson(c), "x");
  EXPECT_EQ(DiffusionConfigToJson(back), DiffusionConfigToJson(c));
}

TEST(DiffusionConfig, UnknownKeysAndSectionsAreErrors) {
  EXPECT_THAT(
      ErrorOf({{"model", {{"d_modle", 128}}}}),
      HasSubstr("test.json: unknown key 'model.d_modle' (known in 'model': d_model, layers"));
  EXPECT_THAT(ErrorOf({{"optimizer", {{"lr", 1}}}}),
              HasSubstr("unknown config section 'optimizer'"));
}

TEST(DiffusionConfig, WrongTypesAndRangesAreErrors) {
  EXPECT_THAT(ErrorOf({{"model", {{"layers", 2.5}}}}),
              HasSubstr("model.layers: expected an integer"));
  EXPECT_THAT(ErrorOf({{"train", {{"lr", "fast"}}}}), HasSubstr("train.lr: expected a number"));
  EXPECT_THAT(ErrorOf({{"model", {{"d_model", 250}, {"heads", 4}}}}),
              HasSubstr("divisible by model.heads"));
  EXPECT_THAT(ErrorOf({{"train", {{"cond_drop", 1.5}}}}),
              HasSubstr("test.json: train.cond_drop must be in [0, 1], got 1.5"));
  EXPECT_THAT(ErrorOf({{"diffusion", {{"t_bar", 1000}}}}), HasSubstr("t_bar"));
  EXPECT_THAT(ErrorOf({{"model", {{"person_embedding_init_std", 0.0}}}}),
              HasSubstr("person_embedding_init_std"));
  EXPECT_THAT(ErrorOf({{"train", {{"crop_frames", 500}}}}), HasSubstr("crop_frames"));
  EXPECT_THAT(ErrorOf(nlohmann::json::array()), HasSubstr("expected a JSON object"));
}

TEST(DiffusionConfig, MissingFileNamesThePath) {
  try {
    LoadDiffusionConfig("/nonexistent/config.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/config.json"));
  }
}

TEST(DiffusionConfig, ArchitectureSignatureIgnoresTrainingSettings) {
  DiffusionConfig a, b;
  b.train.lr = 3e-4;
  b.loss.velocity = 1;
  b.model.dropout = 0.0;
  EXPECT_EQ(ArchitectureSignature(a), ArchitectureSignature(b));
  b.model.layers = 6;
  EXPECT_NE(ArchitectureSignature(a), ArchitectureSignature(b));
}

}  // namespace
}  // namespace intersynth
