// intersynth evaluate --model RUN --evaluator EVAL --data DATASET --out REPORT
//   [--split test] [--replications 20] [--samples 1000] [--mm-prompts N]
//   [--mm-samples 30] [--guidance 2.5] [--sampler ddim] [--steps 50]

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/eval/evaluate.h"

namespace intersynth::cli {

void SetupEvaluate(CLI::App* command) {
  auto options = std::make_shared<EvaluateOptions>();
  auto model = std::make_shared<std::string>();
  auto evaluator = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto no_baselines = std::make_shared<bool>(false);
  command->footer(
      "Measures a generator on a dataset split with a trained evaluator, beside the same\n"
      "numbers for real held-out data (the floor) and two baselines (a random training\n"
      "clip for every prompt; the mean pose held still). Per replication: --samples clips\n"
      "of the split with one random caption each and a random crop (at most the\n"
      "evaluator's training crop), one generated motion per item with the clip's persons\n"
      "and frames. Metrics: FID, R-precision top-1/2/3 (batches of 32 distinct captions),\n"
      "MM-Dist, diversity (300 pairs), multimodality (--mm-prompts prompts x --mm-samples\n"
      "motions; default 100 prompts scaled by the split's clips / 4,384 as HumanML3D's\n"
      "protocol), foot skating, floating, ground and inter-person penetration, jitter and\n"
      "bone-length drift; each as the mean and 95% interval over --replications.\n"
      "--evaluator is a folder from `intersynth evaluator train` or a TorchScript file\n"
      "(the adapter for published evaluators; contract in docs/evaluation.md).\n\n"
      "Writes REPORT/report.json, report.md, metrics.png and training_curves.png (when\n"
      "the model folder has metrics.jsonl), atomically. The generator must not have\n"
      "trained on the split (its train_clips.txt is checked).\n"
      "The full protocol generates replications x (samples + prompts x mm-samples)\n"
      "motions: hours on a CPU; use fewer for a quick look, and say so beside the numbers.\n\n"
      "Examples:\n"
      "  intersynth evaluate --model runs/gpu1 --evaluator evals/cpu1 --data ds --out "
      "reports/gpu1\n"
      "  intersynth evaluate --model assets/models/intersynth-cpu --evaluator "
      "assets/models/evaluator-cpu \\\n"
      "      --data ds --replications 3 --samples 128 --mm-prompts 4 --mm-samples 10 --steps 20 "
      "--out r");
  auto flags = std::make_shared<FieldFlags>(command);
  EvaluateOptions& o = *options;
  flags->Add("--model", "model_dir", model.get(), "generator: a run or model folder")->required();
  flags
      ->Add("--evaluator", "evaluator_dir", evaluator.get(),
            "evaluator folder or TorchScript evaluator file")
      ->required();
  flags->Add("--data", "data_dir", data.get(), "dataset folder (intersynth data build --out)")
      ->required();
  flags->Add("--out", "out_dir", out.get(), "report folder (replaced)")->required();
  flags->Add("--split", "split", &o.split, "split to measure on")->capture_default_str();
  flags->Add("--replications", "replications", &o.replications, "replications")
      ->capture_default_str();
  flags
      ->Add("--samples", "samples", &o.samples,
            "items per replication (capped at the split's clips)")
      ->capture_default_str();
  flags->Add("--mm-prompts", "mm_prompts", &o.mm_prompts,
             "multimodality prompts (default 0: 100 x split clips / 4,384, at least 2)");
  flags->Add("--mm-samples", "mm_samples", &o.mm_samples, "motions per multimodality prompt")
      ->capture_default_str();
  flags->Add("--mm-pairs", "mm_pairs", &o.mm_pairs, "pairs per multimodality prompt")
      ->capture_default_str();
  flags->Add("--diversity-pairs", "diversity_pairs", &o.diversity_pairs, "diversity pairs")
      ->capture_default_str();
  flags->Add("--guidance", "guidance", &o.guidance, "classifier-free guidance scale")
      ->capture_default_str();
  flags->AddEnum("--sampler", "sampler", &o.sampler, ParseSamplerKind, "ddim or ddpm");
  flags->Add("--steps", "sampler_steps", &o.sampler_steps, "sampler steps")->capture_default_str();
  flags->Add("--seed", "seed", &o.seed, "seed of items, crops and sampling")->capture_default_str();
  flags->AddEnum("--device", "device", &o.device, ParseComputeDevice, "cpu or cuda");
  flags->Add("--threads", "threads", &o.threads, "LibTorch threads (default: every core)");
  command->add_flag("--no-baselines", *no_baselines,
                    "leave out the random-clip and mean-pose baselines");
  command->callback([=] {
    flags->Run([&] {
      options->model_dir = *model;
      options->evaluator_dir = *evaluator;
      options->data_dir = *data;
      options->out_dir = *out;
      options->baselines = !*no_baselines;
      const EvaluateReport report = Evaluate(*options);
      for (const std::string& note : report.notes) std::printf("note: %s\n", note.c_str());
      std::printf("%-22s", "metric");
      for (const SetFigures& set : report.sets) std::printf(" %22s", set.set.c_str());
      std::printf("\n");
      for (size_t m = 0; m < report.sets[0].metrics.size(); ++m) {
        std::printf("%-22s", report.sets[0].metrics[m].name.c_str());
        for (const SetFigures& set : report.sets) {
          const MetricFigure& f = set.metrics[m];
          if (std::isfinite(f.mean)) {
            std::printf(" %13.4g +- %-6.2g", f.mean, f.ci95);
          } else {
            std::printf(" %22s", "n/a");
          }
        }
        std::printf("\n");
      }
      std::printf(
          "%d items per replication from %d clips with %d distinct captions; wrote %s and %s\n",
          report.items, report.split_clips, report.distinct_captions, report.report_json.c_str(),
          report.report_md.c_str());
    });
  });
}

}  // namespace intersynth::cli
