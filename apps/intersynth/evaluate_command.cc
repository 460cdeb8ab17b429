// intersynth evaluate --model RUN --evaluator EVAL --data DATASET --out REPORT
//   [--classifier CLASSIFIER] [--split test] [--replications 5] [--samples 1000]
//   [--action-samples 2] [--mm-prompts N] [--mm-samples 30] [--guidance 2.5]
//   [--sampler ddim] [--steps 50]
// intersynth evaluate-steps --model RUN --evaluator EVAL --classifier CLASSIFIER --data DATASET
//   --out REPORT [--split val] [--steps 10,20,50,100] [--reference-steps 50]

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/eval/evaluate.h"
#include "intersynth/eval/evaluate_steps.h"

namespace intersynth::cli {

namespace {

// The sampling flags `evaluate` and `evaluate-steps` share (fields of the
// same names in EvaluateOptions and StepsStudyOptions).
template <typename Options>
void AddSamplingFlags(FieldFlags& flags, Options& o) {
  flags.Add("--guidance", "guidance", &o.guidance, "classifier-free guidance scale")
      ->capture_default_str();
  flags.AddEnum("--decoding", "decoding", &o.decoding, ParseJointDecoding,
                "joints from the position channels or, as a rigid skeleton, the rotation channels");
  flags
      .Add("--smooth", "smooth_frames", &o.smooth_frames,
           "Gaussian smoothing of generated motions along time, sigma in frames (0: none)")
      ->capture_default_str();
  flags.AddFlag("--foot-lock", "foot_lock", &o.foot_lock,
                "lock the feet of generated motions where they rest on the floor");
  flags.Add("--seed", "seed", &o.seed, "seed of items, crops and sampling")->capture_default_str();
  flags.AddEnum("--device", "device", &o.device, ParseComputeDevice, "cpu or cuda");
  flags.Add("--threads", "threads", &o.threads, "LibTorch threads (default: every core)");
}

}  // namespace

void SetupEvaluate(CLI::App* command) {
  auto options = std::make_shared<EvaluateOptions>();
  auto model = std::make_shared<std::string>();
  auto evaluator = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto no_baselines = std::make_shared<bool>(false);
  auto classifier = std::make_shared<std::string>();
  command->footer(
      "Measures a generator on a dataset split with a trained evaluator (and an action\n"
      "classifier), beside the real floor and three baselines. Per replication the split\n"
      "is cut into two random halves: --samples items (at most half the split) come from\n"
      "one, each with one random caption and a random crop (at most the evaluator's\n"
      "training crop); the other half gives as many real clips, the floor. Sets: the model\n"
      "(one motion per item with its caption, persons and frames), real, the caption-blind\n"
      "model (the same seeds at guidance 0), a random training clip and the still mean pose\n"
      "(both cut to the item's length). Metrics, each against the items' real crops at the\n"
      "same n: FID, KID (also for the seen and the unseen content x style parts),\n"
      "R-precision top-1/2/3 (32 distinct label sets per batch), MM-Dist, action and style\n"
      "accuracy (--classifier; overall and per part), plain-prompt action accuracy\n"
      "(--action-samples motions per content label from its plain caption), the\n"
      "multi-person benchmark (--scenes composed 2- and 3-person prompts beside the same\n"
      "clips composed for real: per-person action accuracy, closest pelvis distance, share\n"
      "of scenes with two pelvises within 0.3 m, penetration), diversity,\n"
      "multimodality, the distance to the nearest training clip, foot skating, floating,\n"
      "ground and inter-person penetration, jitter and bone-length drift; each as the mean\n"
      "and Student-t 95% interval over --replications.\n"
      "--evaluator is a folder from `intersynth evaluator train` or a TorchScript file\n"
      "(the adapter for published evaluators; contract in docs/evaluation.md).\n\n"
      "Writes REPORT/report.json, report.md, metrics.png and training_curves.png (when\n"
      "the model folder has metrics.jsonl), atomically. Leakage is an error: no network\n"
      "(generator, evaluator, classifier) may have trained on a clip, a take or a\n"
      "performer of the split (their train_clips.txt are checked against the dataset).\n"
      "The full protocol generates replications x (2 x samples + prompts x mm-samples +\n"
      "2 x labels x action-samples + scenes) motions: hours on a CPU; use fewer for a quick look,\n"
      "and say so beside the numbers.\n\n"
      "Examples:\n"
      "  intersynth evaluate --model runs/gpu1 --evaluator evals/cpu1 --classifier "
      "classifiers/v2 \\\n"
      "      --data ds --out reports/gpu1\n"
      "  intersynth evaluate --model assets/models/intersynth-cpu --evaluator "
      "assets/models/evaluator-cpu \\\n"
      "      --data ds --split val --replications 2 --samples 64 --mm-prompts 4 --mm-samples 10 "
      "--steps 20 --out r");
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
  flags->Add("--classifier", "classifier_dir", classifier.get(),
             "action classifier folder (intersynth classifier train): action accuracy");
  flags->Add("--split", "split", &o.split, "split to measure on")->capture_default_str();
  flags->Add("--replications", "replications", &o.replications, "replications")
      ->capture_default_str();
  flags
      ->Add("--samples", "samples", &o.samples,
            "items per replication (capped at half the split's clips)")
      ->capture_default_str();
  flags
      ->Add("--action-samples", "action_samples", &o.action_samples,
            "motions per content label and replication from its plain caption")
      ->capture_default_str();
  flags
      ->Add("--scenes", "scenes", &o.scenes,
            "composed 2- and 3-person prompts per replication (multi-person benchmark; 0: none)")
      ->capture_default_str();
  flags->Add("--mm-prompts", "mm_prompts", &o.mm_prompts,
             "multimodality prompts (default 0: 100 x split clips / 4,384, at least 2)");
  flags->Add("--mm-samples", "mm_samples", &o.mm_samples, "motions per multimodality prompt")
      ->capture_default_str();
  flags->Add("--mm-pairs", "mm_pairs", &o.mm_pairs, "pairs per multimodality prompt")
      ->capture_default_str();
  flags->Add("--diversity-pairs", "diversity_pairs", &o.diversity_pairs, "diversity pairs")
      ->capture_default_str();
  flags->AddEnum("--sampler", "sampler", &o.sampler, ParseSamplerKind, "ddim or ddpm");
  flags->Add("--steps", "sampler_steps", &o.sampler_steps, "sampler steps")->capture_default_str();
  AddSamplingFlags(*flags, o);
  command->add_flag("--no-baselines", *no_baselines,
                    "leave out the caption-blind, random-clip and mean-pose baselines");
  command->callback([=] {
    flags->Run([&] {
      options->model_dir = *model;
      options->evaluator_dir = *evaluator;
      options->data_dir = *data;
      options->out_dir = *out;
      options->classifier_dir = *classifier;
      options->baselines = !*no_baselines;
      const EvaluateReport report = Evaluate(*options);
      for (const std::string& line : report.leakage) std::printf("leakage: %s\n", line.c_str());
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
      if (!report.prompts.empty()) {
        std::printf("\n%-28s %7s %6s %6s %13s  prompt\n", "content label", "motions", "real",
                    "model", "caption-blind");
        for (const PromptAccuracy& p : report.prompts) {
          const double m = std::max(1, p.motions);
          std::printf("%-28s %7d %6.2f %6.2f %13.2f  %s\n", p.label.c_str(), p.motions,
                      p.real_correct / m, p.generated_correct / m, p.caption_blind_correct / m,
                      p.prompt.c_str());
        }
      }
      std::printf(
          "%d items per replication (FID and KID at n = %d) from %d clips with %d label sets; "
          "wrote %s and %s\n",
          report.items, report.items, report.split_clips, report.label_sets,
          report.report_json.c_str(), report.report_md.c_str());
    });
  });
}

void SetupEvaluateSteps(CLI::App* command) {
  auto options = std::make_shared<StepsStudyOptions>();
  auto model = std::make_shared<std::string>();
  auto evaluator = std::make_shared<std::string>();
  auto classifier = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  command->footer(
      "Quality against speed of the DDIM sampler, paired: every step count generates the\n"
      "same items (--samples clips of the split per replication, each with a random caption\n"
      "and crop, as evaluate draws them) and the same plain-caption prompts (--action-samples\n"
      "per content label) from the same seeds. Per step count: seconds per motion, KID\n"
      "against the items' real crops and action accuracy (the classifier's content label);\n"
      "then the paired differences to --reference-steps with Student-t 95% intervals (KID\n"
      "over replications, accuracy over motions). A step count is within the margins when\n"
      "its accuracy may have fallen by at most --accuracy-margin and its KID risen by at\n"
      "most --kid-margin x the reference's KID, each at the end of its interval; the report\n"
      "recommends the fewest steps within both. Choose on val (the default split), never on\n"
      "test. No real floor or baselines here: for quality against real data run evaluate.\n\n"
      "Writes REPORT/report.json and report.md atomically; leakage is an error as in\n"
      "evaluate. It generates replications x (samples + labels x action-samples) motions\n"
      "per step count; the time goes as the sum of the step counts.\n\n"
      "Example:\n"
      "  intersynth evaluate-steps --model runs/gen-v2 --evaluator assets/models/evaluator-cpu \\\n"
      "      --classifier assets/models/classifier-cpu --data ds --out reports/steps");
  auto flags = std::make_shared<FieldFlags>(command);
  StepsStudyOptions& o = *options;
  flags->Add("--model", "model_dir", model.get(), "generator: a run or model folder")->required();
  flags
      ->Add("--evaluator", "evaluator_dir", evaluator.get(),
            "evaluator folder or TorchScript evaluator file")
      ->required();
  flags
      ->Add("--classifier", "classifier_dir", classifier.get(),
            "action classifier folder (intersynth classifier train)")
      ->required();
  flags->Add("--data", "data_dir", data.get(), "dataset folder (intersynth data build --out)")
      ->required();
  flags->Add("--out", "out_dir", out.get(), "report folder (replaced)")->required();
  flags->Add("--split", "split", &o.split, "split to measure on")->capture_default_str();
  flags->Add("--steps", "steps", &o.steps, "DDIM step counts to compare (comma-separated)")
      ->delimiter(',')
      ->capture_default_str();
  flags
      ->Add("--reference-steps", "reference_steps", &o.reference_steps,
            "the step count every other is paired with")
      ->capture_default_str();
  flags->Add("--replications", "replications", &o.replications, "replications (at least 2)")
      ->capture_default_str();
  flags
      ->Add("--samples", "samples", &o.samples,
            "items per replication (capped at the split's clips)")
      ->capture_default_str();
  flags
      ->Add("--action-samples", "action_samples", &o.action_samples,
            "motions per content label and replication from its plain caption")
      ->capture_default_str();
  flags
      ->Add("--accuracy-margin", "accuracy_margin", &o.accuracy_margin,
            "largest accepted fall of action accuracy (absolute)")
      ->capture_default_str();
  flags
      ->Add("--kid-margin", "kid_margin", &o.kid_margin,
            "largest accepted rise of KID, as a share of the reference's KID")
      ->capture_default_str();
  AddSamplingFlags(*flags, o);
  command->callback([=] {
    flags->Run([&] {
      options->model_dir = *model;
      options->evaluator_dir = *evaluator;
      options->classifier_dir = *classifier;
      options->data_dir = *data;
      options->out_dir = *out;
      const StepsStudyReport report = StudySteps(*options);
      for (const std::string& line : report.leakage) std::printf("leakage: %s\n", line.c_str());
      for (const std::string& note : report.notes) std::printf("note: %s\n", note.c_str());
      std::printf("%5s %12s %18s %30s %9s %30s %7s\n", "steps", "s per motion", "KID",
                  "KID - reference [95%]", "accuracy", "accuracy - reference [95%]", "within");
      for (const StepsRow& row : report.rows) {
        std::printf(
            "%5d %12.3f %9.4f +- %-6.4f %+9.4f [%+8.4f, %+8.4f] %9.3f %+9.3f [%+7.3f, %+7.3f] "
            "%7s\n",
            row.steps, row.seconds_per_motion, row.kid.mean, row.kid.ci95, row.kid_difference.mean,
            row.kid_difference.low, row.kid_difference.high, row.accuracy,
            row.accuracy_difference.mean, row.accuracy_difference.low, row.accuracy_difference.high,
            row.within_margins ? "yes" : "no");
      }
      std::printf(
          "the fewest steps within the margins (accuracy -%.3f, KID +%.4g): %d; %d items and %d "
          "prompts per replication; wrote %s and %s\n",
          report.accuracy_margin, report.kid_margin_absolute, report.recommended_steps,
          report.items, report.prompts, report.report_json.c_str(), report.report_md.c_str());
    });
  });
}

}  // namespace intersynth::cli
