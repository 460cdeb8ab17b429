// The overfit check: a tiny model trained on ONE short two-person clip must
// reproduce it. This exercises the whole path (dataset folder, Train with
// its data recipe, checkpoint, Generate with DDIM and guidance, decoding,
// the floor) on a case with a known answer.
//
// Threshold. The error is the mean per-joint position error (MPJPE, metres)
// of the generated scene against the clip, over both persons, every frame and
// joint, taking the better of the two person assignments. The reference that
// makes it meaningful: the clip against its own time-averaged pose per person
// (a model that learned where the persons stand but not how they move).
// The test needs MPJPE < 0.25 x the first and < 0.05 m (measured: 0.010 m
// against a 0.076 m baseline after 800 steps; ~1 minute on one core). The
// same model after 300 steps lands at 1.41 m, far above both, so the test
// can fail.
//
// Person order: training normally shuffles which identity id each person
// gets (train.shuffle_persons). With ONE clip that makes the target bimodal
// (either person may come out under either id) and the model must learn to
// split the modes from the noise alone; this tiny model does not manage that
// in a CI budget (1200 steps at lr 2e-3: 1.5 m), so the check fixes the
// assignment and measures reproduction, which is what it is for.
//
// Identity-embedding scale. The test keeps the old initial std 0.02 of the
// person-identity embedding (the default became 0.5, config.h, because at
// 0.02 a 5,500-step model mixed the persons of 3-person scenes). With the
// assignment fixed there is nothing to mix here, but at 0.5 this tiny model
// trains to the same loss (0.0086 vs 0.0094 after 800 steps) and generates
// worse: 0.027 and 0.033 m for train seeds 1 and 2 (0.024 m after 1,200
// steps), against 0.010 m at 0.02. Why a larger identity bias hurts this
// 64-wide model's sampling is not understood yet.

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/diffusion/generate.h"
#include "intersynth/diffusion/trainer.h"

namespace intersynth {
namespace {

double Mpjpe(const MotionClip& a, const MotionClip& b, const std::vector<int>& order) {
  double sum = 0;
  int64_t count = 0;
  for (int p = 0; p < a.num_persons; ++p) {
    for (int t = 0; t < a.num_frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* x = a.joint(p, t, j);
        const float* y = b.joint(order[p], t, j);
        sum += std::sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) +
                         (x[2] - y[2]) * (x[2] - y[2]));
        ++count;
      }
    }
  }
  return sum / count;
}

double BestMpjpe(const MotionClip& generated, const MotionClip& clip) {
  return std::min(Mpjpe(generated, clip, {0, 1}), Mpjpe(generated, clip, {1, 0}));
}

// The clip against each person's mean pose over time.
double MeanPoseMpjpe(const MotionClip& clip) {
  MotionClip mean = clip;
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int j = 0; j < kNumJoints; ++j) {
      for (int k = 0; k < 3; ++k) {
        double s = 0;
        for (int t = 0; t < clip.num_frames; ++t) s += clip.joint(p, t, j)[k];
        for (int t = 0; t < clip.num_frames; ++t)
          mean.joint(p, t, j)[k] = static_cast<float>(s / clip.num_frames);
      }
    }
  }
  return Mpjpe(mean, clip, {0, 1});
}

TEST(Overfit, TinyModelReproducesOneTwoPersonClip) {
  testing::TempDir dir;
  const int frames = 25;
  // The dataset: the one clip (train) and a copy as val.
  const MotionClip clip = testing::TinyClip(2, frames, 5, "two people walk side by side");
  std::filesystem::create_directories(dir / "data" / "clips");
  WriteMotionFile(dir / "data" / "clips" / "pair.npz", clip);
  WriteMotionFile(dir / "data" / "clips" / "pair_val.npz", clip);
  {
    DatasetEntry entry;
    entry.id = "pair";
    entry.file = "clips/pair.npz";
    entry.source = entry.take = entry.source_file = entry.licence = "test";
    entry.persons = 2;
    entry.frames = frames;
    entry.fps = 20;
    entry.texts = clip.text;
    entry.split = "train";
    std::ofstream index(dir / "data" / "index.jsonl");
    index << DatasetEntryToJson(entry) << "\n";
    entry.id = "pair_val";
    entry.file = "clips/pair_val.npz";
    entry.split = "val";
    index << DatasetEntryToJson(entry) << "\n";
    testing::TinyNormalizer({clip}).Save(dir / "data" / "mean_262.npy",
                                         dir / "data" / "std_262.npy");
  }
  // Only this clip, whole, never mirrored; no composed scenes.
  DiffusionConfig config = testing::TinyDiffusionConfig();
  config.model.d_model = 64;
  config.model.ff_dim = 128;
  config.train.batch = 16;
  config.train.lr = 3e-3;
  config.train.warmup_steps = 20;
  config.train.ema_decay = 0.95;
  config.train.mirror_rate = 0.0;
  config.train.shuffle_persons = false;
  config.train.composed_rate = 0.0;
  config.train.real_multi_person_rate = 1.0;
  config.train.crop_frames = 24;
  config.train.val_every = 0;
  config.train.checkpoint_every = 10000;
  config.train.log_every = 100;
  config.model.person_embedding_init_std = 0.02;  // see the header comment
  testing::WriteTinyConfig(dir / "overfit.json", config);

  TrainOptions train;
  train.data_dir = dir / "data";
  train.out_dir = dir / "run";
  train.config = (dir / "overfit.json").string();
  train.steps = 800;
  train.threads = 1;
  train.progress = false;
  const TrainReport report = Train(train);
  ASSERT_TRUE(report.success) << report.message;

  GenerateOptions generate;
  generate.model_dir = dir / "run";
  generate.text = clip.text[0];
  generate.persons = 2;
  generate.frames = frames - 1;
  generate.samples = 4;
  generate.guidance = 1.0;
  generate.progress = false;
  generate.threads = 1;
  const GenerateResult result = Generate(generate);
  MotionClip reference = clip;
  reference.num_frames = frames - 1;
  reference.joints.clear();
  for (int p = 0; p < 2; ++p) {
    reference.joints.insert(reference.joints.end(), clip.person(p),
                            clip.person(p) + (frames - 1) * 66);
  }
  const double baseline = MeanPoseMpjpe(reference);
  double worst = 0;
  for (const MotionClip& motion : result.motions)
    worst = std::max(worst, BestMpjpe(motion, reference));
  std::printf(
      "overfit: loss %.4f after %lld steps; MPJPE worst of 4 samples %.4f m; mean-pose baseline "
      "%.4f m\n",
      report.loss, static_cast<long long>(report.step), worst, baseline);
  EXPECT_LT(worst, 0.25 * baseline);
  EXPECT_LT(worst, 0.05);
}

}  // namespace
}  // namespace intersynth
