// Generation end to end on tiny runs trained in the test: the sampler's
// determinism, inpainting, the bad-input errors, and the overfit check.

#include "intersynth/diffusion/generate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/diffusion/model_folder.h"
#include "intersynth/diffusion/trainer.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

using ::testing::HasSubstr;

// A tiny run trained for a few steps on a tiny dataset (shared by the tests
// that only need some model).
class TinyRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    testing::WriteTinyDataset(*dir_ / "data");
    testing::WriteTinyConfig(*dir_ / "tiny.json");
    TrainOptions options;
    options.data_dir = *dir_ / "data";
    options.out_dir = *dir_ / "run";
    options.config = (*dir_ / "tiny.json").string();
    options.steps = 3;
    options.threads = 1;
    options.progress = false;
    Train(options);
  }
  static void TearDownTestSuite() { delete dir_; }

  static GenerateOptions Options(const std::string& text = "a person walks forward") {
    GenerateOptions options;
    options.model_dir = *dir_ / "run";
    options.text = text;
    options.frames = 16;
    options.sampler_steps = 5;
    options.threads = 1;
    options.progress = false;
    return options;
  }

  static std::string ErrorOf(const GenerateOptions& options) {
    try {
      Generate(options);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  static testing::TempDir* dir_;
};

testing::TempDir* TinyRun::dir_ = nullptr;

TEST_F(TinyRun, ShapesForOneToFourPersons) {
  for (int persons = 1; persons <= 4; ++persons) {
    GenerateOptions options = Options();
    options.persons = persons;
    options.samples = 2;
    const GenerateResult result = Generate(options);
    ASSERT_EQ(result.motions.size(), 2u);
    for (const MotionClip& clip : result.motions) {
      EXPECT_EQ(clip.num_persons, persons);
      EXPECT_EQ(clip.num_frames, 16);
      EXPECT_EQ(clip.text, std::vector<std::string>{"a person walks forward"});
      EXPECT_THAT(clip.metadata, HasSubstr("\"sampler\":\"ddim\""));
    }
  }
}

TEST_F(TinyRun, SameSeedSameSampleWhateverTheBatch) {
  GenerateOptions options = Options();
  options.persons = 2;
  options.seed = 11;
  const GenerateResult alone = Generate(options);
  options.samples = 3;
  const GenerateResult batch = Generate(options);
  // Sample 0 of a batch of 3 is the sample drawn alone (its noise depends on
  // the seed and its index only); matmuls of other batch sizes may round
  // differently, hence the tolerance.
  ASSERT_EQ(alone.motions[0].joints.size(), batch.motions[0].joints.size());
  for (size_t i = 0; i < alone.motions[0].joints.size(); ++i) {
    ASSERT_NEAR(alone.motions[0].joints[i], batch.motions[0].joints[i], 1e-4) << i;
  }
  EXPECT_EQ(Generate(options).motions[2].joints, batch.motions[2].joints);
  options.seed = 12;
  EXPECT_NE(Generate(options).motions[0].joints, batch.motions[0].joints);
}

TEST_F(TinyRun, DdpmSamplerRuns) {
  GenerateOptions options = Options();
  options.sampler = SamplerKind::kDdpm;
  const GenerateResult result = Generate(options);
  ASSERT_EQ(result.motions.size(), 1u);
  for (float v : result.motions[0].joints) ASSERT_TRUE(std::isfinite(v));
}

// Smoothing takes the jitter out of the same sample (a tiny model's samples
// are mostly noise) and is recorded; sigma 0 changes nothing.
TEST_F(TinyRun, SmoothingLowersTheJitterOfTheSameSample) {
  GenerateOptions options = Options();
  options.frames = 40;
  options.seed = 5;
  const MotionClip raw = Generate(options).motions[0];
  options.smooth_frames = 1.5;
  const MotionClip smooth = Generate(options).motions[0];
  auto jerk = [](const MotionClip& clip) {
    double sum = 0.0;
    for (int t = 0; t + 3 < clip.num_frames; ++t) {
      for (int k = 0; k < kNumJoints * 3; ++k) {
        const float* a = clip.joint(0, t, 0);
        const size_t s = kNumJoints * 3;
        sum += std::abs(a[k + 3 * s] - 3 * a[k + 2 * s] + 3 * a[k + s] - a[k]);
      }
    }
    return sum;
  };
  EXPECT_LT(jerk(smooth), 0.5 * jerk(raw));
  EXPECT_THAT(smooth.metadata, HasSubstr("\"smooth_frames\":1.5"));
  options.smooth_frames = 0.0;
  EXPECT_EQ(Generate(options).motions[0].joints, raw.joints);
  options.smooth_frames = -1.0;
  EXPECT_THAT(ErrorOf(options), HasSubstr("smooth_frames"));
}

// Foot locking moves only leg joints, keeps the thigh and shin lengths of
// the same sample, and is recorded; it cannot be combined with inpainting.
TEST_F(TinyRun, FootLockingMovesOnlyTheLegsOfTheSameSample) {
  GenerateOptions options = Options();
  options.frames = 40;
  options.seed = 6;
  const MotionClip raw = Generate(options).motions[0];
  options.foot_lock = true;
  const MotionClip locked = Generate(options).motions[0];
  EXPECT_THAT(locked.metadata, HasSubstr("\"foot_lock\":true"));
  for (int t = 0; t < raw.num_frames; ++t) {
    for (int j : {0, 3, 6, 9, 12, 15, 20, 21})
      ASSERT_EQ(locked.joint(0, t, j)[0], raw.joint(0, t, j)[0]) << t << " " << j;
    for (const auto& [a, b] : {std::pair{1, 4}, {4, 7}, {2, 5}, {5, 8}}) {
      auto length = [&](const MotionClip& m) {
        const float* x = m.joint(0, t, a);
        const float* y = m.joint(0, t, b);
        return std::sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) +
                         (x[2] - y[2]) * (x[2] - y[2]));
      };
      ASSERT_NEAR(length(locked), length(raw), 1e-4) << t;
    }
  }
  options.motion = *dir_ / "in.npz";
  options.keep_person = 0;
  EXPECT_THAT(ErrorOf(options), HasSubstr("foot_lock"));
}

TEST_F(TinyRun, UnknownWordsAreReported) {
  const GenerateResult result = Generate(Options("a person zorbs forward quickly"));
  EXPECT_EQ(result.unknown_words, (std::vector<std::string>{"zorbs", "quickly"}));
}

TEST_F(TinyRun, InpaintedFramesAndPersonsEqualTheGivenOnesExactly) {
  const MotionClip input = testing::TinyClip(2, 20, 77, "two people walk");
  const std::filesystem::path path = *dir_ / "input.npz";
  WriteMotionFile(path, input);

  GenerateOptions frames = Options();
  frames.motion = path;
  frames.frames = 0;
  frames.keep_frames = {{0, 5}, {15, 20}};
  const MotionClip between = Generate(frames).motions[0];
  ASSERT_EQ(between.num_persons, 2);
  ASSERT_EQ(between.num_frames, 20);
  for (int p = 0; p < 2; ++p) {
    for (int t = 0; t < 20; ++t) {
      const bool kept = t < 5 || t >= 15;
      const bool same =
          std::equal(input.joint(p, t, 0), input.joint(p, t, 0) + 66, between.joint(p, t, 0));
      EXPECT_EQ(same, kept) << "person " << p << " frame " << t;
    }
  }

  GenerateOptions partner = Options();
  partner.motion = path;
  partner.frames = 0;
  partner.keep_person = 1;
  partner.persons = 3;
  const MotionClip scene = Generate(partner).motions[0];
  ASSERT_EQ(scene.num_persons, 3);
  EXPECT_TRUE(std::equal(input.person(1), input.person(1) + 20 * 66, scene.person(0)));
}

TEST_F(TinyRun, BadInputsAreClearErrors) {
  EXPECT_THAT(ErrorOf(Options("   ")), HasSubstr("text is empty"));
  GenerateOptions persons = Options();
  persons.persons = 9;
  EXPECT_THAT(ErrorOf(persons),
              HasSubstr("persons (this model's max_persons) must be in [1, 8], got 9"));
  GenerateOptions frames = Options();
  frames.frames = 65;
  EXPECT_THAT(ErrorOf(frames), HasSubstr("frames (this model's max_frames"));
  EXPECT_THAT(ErrorOf(frames), HasSubstr("got 65"));
  GenerateOptions sampler = Options();
  sampler.sampler_steps = 0;
  EXPECT_THAT(ErrorOf(sampler), HasSubstr("sampler_steps must be >= 1, got 0"));
  GenerateOptions keep = Options();
  keep.keep_person = 0;
  EXPECT_THAT(ErrorOf(keep), HasSubstr("keep_frames and keep_person need motion IN.npz"));
  GenerateOptions missing = Options();
  missing.model_dir = *dir_ / "nothing";
  EXPECT_THAT(ErrorOf(missing), HasSubstr("no such model folder"));
}

TEST_F(TinyRun, CheckpointOfAnotherConfigIsAnError) {
  // Copy the run and make its config claim a wider model.
  const std::filesystem::path other = *dir_ / "other_run";
  std::filesystem::copy(*dir_ / "run", other, std::filesystem::copy_options::recursive);
  DiffusionConfig wider = testing::TinyDiffusionConfig();
  wider.model.d_model = 64;
  testing::WriteTinyConfig(other / "config.json", wider);
  GenerateOptions options = Options();
  options.model_dir = other;
  EXPECT_THAT(ErrorOf(options), HasSubstr("does not fit this model's config"));
}

TEST_F(TinyRun, ExportedModelGeneratesAndCannotResume) {
  for (bool half : {false, true}) {
    const std::filesystem::path exported = *dir_ / (half ? "export_half" : "export_full");
    ExportModelFolder(*dir_ / "run", exported, half, /*overwrite=*/false);
    const ModelSummary summary = DescribeModelFolder(exported);
    EXPECT_EQ(summary.weights_dtype, half ? "float16" : "float32");
    EXPECT_FALSE(summary.resumable);
    EXPECT_EQ(summary.step, 3);
    EXPECT_EQ(summary.samples, 3 * 4);
    EXPECT_TRUE(DescribeModelFolder(*dir_ / "run").resumable);
    GenerateOptions options = Options();
    const MotionClip original = Generate(options).motions[0];
    options.model_dir = exported;
    const MotionClip copy = Generate(options).motions[0];
    double max_difference = 0;
    for (size_t i = 0; i < copy.joints.size(); ++i) {
      max_difference = std::max(max_difference,
                                static_cast<double>(std::abs(copy.joints[i] - original.joints[i])));
    }
    // float32: the same weights; float16: ~1e-3 relative rounding per weight.
    EXPECT_LT(max_difference, half ? 0.05 : 1e-6);
  }
  EXPECT_THROW(ExportModelFolder(*dir_ / "run", *dir_ / "export_full", false, false), Error);
}

TEST_F(TinyRun, FrameRangesParse) {
  EXPECT_EQ(ParseFrameRanges("0:20,100:120"),
            (std::vector<std::pair<int, int>>{{0, 20}, {100, 120}}));
  EXPECT_THROW(ParseFrameRanges("5:5"), Error);
  EXPECT_THROW(ParseFrameRanges("a:b"), Error);
  EXPECT_THROW(ParseFrameRanges("3"), Error);
  EXPECT_THROW(ParseFrameRanges("1:4,"), Error);
  try {
    ParseFrameRanges("0:10,9:3");
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"keep_frames"});
    EXPECT_THAT(e.what(), HasSubstr("keep_frames: '9:3' is not a range"));
  }
}

TEST(GenerateOptions, EnumsParseAndCheckNamesTheField) {
  EXPECT_EQ(ParseSamplerKind("ddpm"), SamplerKind::kDdpm);
  EXPECT_EQ(ToString(SamplerKind::kDdim), "ddim");
  EXPECT_EQ(ParseComputeDevice("cuda"), ComputeDevice::kCuda);
  try {
    ParseSamplerKind("euler");
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.message_with_fields(), "{sampler} must be ddim or ddpm, got 'euler'");
  }
  GenerateOptions options;
  options.text = "a person walks";
  EXPECT_NO_THROW(options.Check());
  options.samples = 0;
  EXPECT_THROW(options.Check(), OptionError);
  options.samples = 1;
  options.keep_person = 0;  // without a motion to keep it from
  try {
    options.Check();
    FAIL() << "no error";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"keep_frames", "keep_person", "motion"}));
  }
}

}  // namespace
}  // namespace intersynth

namespace intersynth {
namespace {

// A run whose text goes through a TorchScript encoder (the tiny fixture of
// testdata/text): the run keeps its own copy, and generation uses it.
TEST(TorchScriptTextRun, TrainsAndGeneratesWithAnExportedEncoder) {
  testing::TempDir dir;
  testing::WriteTinyDataset(dir / "data", 3, 1);
  DiffusionConfig config = testing::TinyDiffusionConfig();
  config.text.torchscript = (testing::SourceDir() / "testdata/text/tiny_text_encoder.pt").string();
  testing::WriteTinyConfig(dir / "ts.json", config);
  TrainOptions train;
  train.data_dir = dir / "data";
  train.out_dir = dir / "run";
  train.config = (dir / "ts.json").string();
  train.steps = 2;
  train.threads = 1;
  train.progress = false;
  ASSERT_TRUE(Train(train).success);
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "text_encoder.pt"));
  EXPECT_THAT(ReadFileToString(dir / "run" / "config.json"),
              HasSubstr("\"torchscript\": \"text_encoder.pt\""));

  GenerateOptions generate;
  generate.model_dir = dir / "run";
  generate.text = "a person zorbs";
  generate.frames = 10;
  generate.sampler_steps = 3;
  generate.progress = false;
  const GenerateResult a = Generate(generate);
  // The exported encoder has no vocabulary: no unknown words are reported.
  EXPECT_TRUE(a.unknown_words.empty());
  generate.text = "someone runs fast";
  const GenerateResult b = Generate(generate);
  EXPECT_NE(a.motions[0].joints, b.motions[0].joints);

  // A missing encoder file is an error that names it.
  config.text.torchscript = (dir / "missing.pt").string();
  testing::WriteTinyConfig(dir / "missing.json", config);
  train.out_dir = dir / "run2";
  train.config = (dir / "missing.json").string();
  try {
    Train(train);
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.pt"));
  }
}

}  // namespace
}  // namespace intersynth
