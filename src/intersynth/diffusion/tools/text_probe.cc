// Developer tool: how much does a trained model's denoiser use its text?
//
//   diffusion_text_probe MODEL_DIR DATASET_DIR [SPLIT] [MAX_CLIPS]
//
// For every single-person clip of SPLIT (default val) whose first caption
// names a side ("left" or "right"), the first min(rows, 120) feature rows are
// noised to x_t at a few diffusion steps t with one fixed noise, and the
// denoiser's x_0 prediction is scored (MSE in normalised feature units) under
// three conditions: the clip's own caption, its mirror image ("left" <->
// "right", the caption of the mirrored motion) and the null text. A model
// that reads laterality predicts better with its own caption than with the
// mirrored one; a model that reads the action but not the side has
// own ~ mirrored < null; a model that ignores the text has all three equal.
// The same is printed for the captions without a side, with the null text
// only. Output: one table, per t.

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

#include "intersynth/diffusion/gaussian_diffusion.h"
#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/noise_schedule.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/motion/feature_augment.h"
#include "intersynth/util/error.h"

namespace {

using namespace intersynth;

bool NamesASide(const std::string& text) { return MirrorCaption(text) != text; }

int Run(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: %s MODEL_DIR DATASET_DIR [SPLIT] [MAX_CLIPS]\n", argv[0]);
    return 2;
  }
  const std::string split = argc > 3 ? argv[3] : "val";
  const int max_clips = argc > 4 ? std::stoi(argv[4]) : 400;
  torch::manual_seed(0);
  LoadedModel loaded = LoadModelFolder(argv[1], torch::kCPU);
  loaded.model->eval();
  const TrainingCorpus corpus = LoadTrainingCorpus(argv[2], split, 2);
  const NoiseSchedule schedule =
      NoiseSchedule::Cosine(loaded.config.diffusion.steps, loaded.config.diffusion.cosine_s);
  const std::vector<int> steps = {50, 200, 400, 600, 800};
  constexpr int64_t kRows = 120;

  // Sums per t: [own, mirrored, null] for sided clips, [own, null] for others.
  std::vector<std::array<double, 3>> sided(steps.size(), {0, 0, 0});
  std::vector<std::array<double, 2>> plain(steps.size(), {0, 0});
  int n_sided = 0, n_plain = 0;
  torch::NoGradGuard no_grad;
  for (const TrainingClip& clip : corpus.clips) {
    if (clip.persons != 1) continue;
    const std::string& text = clip.texts.front();
    const bool has_side = NamesASide(text);
    if ((has_side ? n_sided : n_plain) >= max_clips) continue;
    const int64_t rows = std::min<int64_t>(kRows, clip.rows);
    std::vector<float> values(clip.features.begin(), clip.features.begin() + rows * 262);
    loaded.normalizer.Normalize(values.data(), rows);
    const torch::Tensor x0 = torch::from_blob(values.data(), {1, 1, rows, 262}).clone();
    const torch::Tensor mask = torch::ones({1, 1, rows}, torch::kBool);
    const torch::Tensor ids = torch::zeros({1, 1}, torch::kLong);
    const torch::Tensor keep = torch::zeros({1}, torch::kBool);
    const TextCondition own = loaded.model->EncodeText({text}, keep);
    const TextCondition mirrored = loaded.model->EncodeText({MirrorCaption(text)}, keep);
    const TextCondition null = loaded.model->NullText(1);
    for (size_t k = 0; k < steps.size(); ++k) {
      const torch::Tensor t = torch::full({1}, steps[k], torch::kLong);
      const torch::Tensor noise = torch::randn_like(x0);
      const torch::Tensor x_t = QSample(schedule, x0, t, noise);
      auto score = [&](const TextCondition& c) {
        return (loaded.model->forward(x_t, t, c, mask, ids) - x0).pow(2).mean().item<double>();
      };
      if (has_side) {
        sided[k][0] += score(own);
        sided[k][1] += score(mirrored);
        sided[k][2] += score(null);
      } else {
        plain[k][0] += score(own);
        plain[k][1] += score(null);
      }
    }
    ++(has_side ? n_sided : n_plain);
  }
  // Distances between text embeddings (after the denoiser's projection
  // would be the same up to a linear map; this is the encoder's output).
  const std::vector<std::string> probes = {"a person raises the left hand",
                                           "a person raises the right hand",
                                           "a person raises both hands",
                                           "a person waves the left hand",
                                           "a person walks while turning left",
                                           "a person walks while turning right",
                                           "a person runs"};
  const torch::Tensor e =
      loaded.model
          ->EncodeText(probes, torch::zeros({static_cast<int64_t>(probes.size())}, torch::kBool))
          .pooled;
  const torch::Tensor null = loaded.model->NullText(1).pooled;
  std::printf("text embeddings: |e| and the distance to the first caption, to the null text\n");
  for (size_t i = 0; i < probes.size(); ++i) {
    std::printf("  %-38s |e| %7.3f  d(first) %7.3f  d(null) %7.3f\n", probes[i].c_str(),
                e[i].norm().item<double>(), (e[i] - e[0]).norm().item<double>(),
                (e[i] - null[0]).norm().item<double>());
  }
  std::printf("x0 MSE (normalised units) on %s: %d clips whose caption names a side, %d without\n",
              split.c_str(), n_sided, n_plain);
  std::printf("%6s | %9s %9s %9s %10s | %9s %9s\n", "t", "own", "mirrored", "null", "mirr-own",
              "own", "null");
  for (size_t k = 0; k < steps.size(); ++k) {
    const double a = sided[k][0] / std::max(1, n_sided), b = sided[k][1] / std::max(1, n_sided),
                 c = sided[k][2] / std::max(1, n_sided);
    std::printf("%6d | %9.4f %9.4f %9.4f %10.4f | %9.4f %9.4f\n", steps[k], a, b, c, b - a,
                plain[k][0] / std::max(1, n_plain), plain[k][1] / std::max(1, n_plain));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
