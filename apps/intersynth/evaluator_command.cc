// intersynth evaluator train --data DATASET --out EVAL [--config cpu|FILE]
//   [--steps N] [--batch B] [--device cpu|cuda] [--threads K] [--resume]
// intersynth evaluator export --evaluator EVAL --out DIR [--half] [--overwrite]

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "apps/intersynth/training_report.h"
#include "intersynth/eval/evaluator_io.h"
#include "intersynth/eval/evaluator_train.h"

namespace intersynth::cli {
namespace {

void SetupEvaluatorTrain(CLI::App* command) {
  auto options = std::make_shared<EvaluatorTrainOptions>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  command->footer(
      "Trains the contrastive motion-text evaluator that generators are to be measured\n"
      "with (`intersynth evaluate`): a transformer over every person's frame tokens\n"
      "(262 features without the 4 foot contacts) and a text encoder, mapped to unit\n"
      "vectors in one space (src/intersynth/eval/evaluator.h), trained with a symmetric\n"
      "InfoNCE loss on the train split; pairs that share a caption are not negatives of\n"
      "each other.\n"
      "Batches are drawn as the generator's: single clips, composed 2-4 person scenes\n"
      "with joined captions and real multi-person clips, so the evaluator knows every\n"
      "kind of prompt it will judge. Validation prints the loss and R-precision\n"
      "(top-1, top-3, batches of 32) on the val split.\n\n"
      "Config: cpu (data/configs/evaluator_cpu.json) or a JSON file with sections\n"
      "model, text, train and evaluator (embed_dim, temperature); unknown keys are errors.\n"
      "The folder gets config.json, evaluator.json (feature layout, checked by readers),\n"
      "tokenizer.json, the feature statistics, train_clips.txt, metrics.jsonl and\n"
      "checkpoint/ (atomic, every train.checkpoint_every steps, at the end and at Ctrl-C).\n"
      "--resume continues exactly (same data, dropout and learning rate; CPU).\n\n"
      "Examples:\n"
      "  intersynth evaluator train --data ds --out evals/cpu1\n"
      "  intersynth evaluator train --data ds --out evals/cpu1 --resume --max-minutes 30");
  auto flags = std::make_shared<FieldFlags>(command);
  EvaluatorTrainOptions& o = *options;
  flags->Add("--data", "data_dir", data.get(), "dataset folder (intersynth data build --out)")
      ->required();
  flags
      ->Add("--out", "out_dir", out.get(),
            "evaluator folder (new, or an existing one with --resume)")
      ->required();
  flags->Add("--config", "config", config.get(),
             "cpu or a config JSON file (default cpu; on --resume: the folder's)");
  flags->Add("--steps", "steps", &o.steps, "total steps (overrides train.steps)");
  flags->Add("--batch", "batch", &o.batch, "batch size, at least 2 (overrides train.batch)");
  flags->AddEnum("--device", "device", &o.device, ParseComputeDevice, "cpu or cuda");
  flags->Add("--threads", "threads", &o.threads, "LibTorch threads (default: every core)");
  flags->AddFlag("--resume", "resume", &o.resume,
                 "continue the evaluator in --out from its checkpoint");
  flags->Add("--stop-after", "stop_after_steps", &o.stop_after_steps,
             "stop with a checkpoint after this many steps of this call");
  flags->Add("--max-minutes", "max_minutes", &o.max_minutes,
             "stop with a checkpoint after this many minutes (resume later with --resume)");
  flags->Add("--jobs", "load_jobs", &o.load_jobs, "threads that load the dataset")
      ->capture_default_str();
  command->callback([=] {
    flags->Run([&] {
      options->data_dir = *data;
      options->out_dir = *out;
      options->config = *config;
      const EvaluatorTrainReport report = TrainEvaluator(*options);
      ReportTrainingStop(report);
      std::printf(
          "trained the evaluator to step %lld (%lld this run); loss %.4f, val loss %.4f, val "
          "R-precision "
          "top-1 %.3f top-3 %.3f; folder %s\n",
          static_cast<long long>(report.step), static_cast<long long>(report.steps_trained),
          report.loss, report.val_loss, report.val_top1, report.val_top3, out->c_str());
    });
  });
}

void SetupEvaluatorExport(CLI::App* command) {
  auto from = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto half = std::make_shared<bool>(false);
  auto overwrite = std::make_shared<bool>(false);
  command->footer(
      "Copies config.json, evaluator.json, tokenizer.json, the feature statistics,\n"
      "train_clips.txt, metrics.jsonl and checkpoint/{state.json,model.pt}; no optimizer\n"
      "state, so the copy cannot resume. --half stores the weights as float16 (read back\n"
      "as float32). The folder is written atomically.\n"
      "Example:\n"
      "  intersynth evaluator export --evaluator evals/cpu1 --out assets/models/evaluator-cpu "
      "--half");
  command->add_option("--evaluator", *from, "evaluator folder (intersynth evaluator train --out)")
      ->required();
  command->add_option("--out", *out, "output folder")->required();
  command->add_flag("--half", *half, "store the weights as float16");
  auto flags = std::make_shared<FieldFlags>(command);
  flags->AddFlag("--overwrite", "overwrite", overwrite.get(), "replace an existing output folder");
  command->callback([=] {
    flags->Run([&] {
      ExportEvaluatorFolder(*from, *out, *half, *overwrite);
      std::printf("wrote %s (%s weights)\n", out->c_str(), *half ? "float16" : "float32");
    });
  });
}

}  // namespace

void SetupEvaluator(CLI::App* command) {
  command->require_subcommand(1);
  SetupEvaluatorTrain(
      command->add_subcommand("train", "Train the contrastive motion-text evaluator on a dataset"));
  SetupEvaluatorExport(command->add_subcommand(
      "export", "Copy an evaluator folder without its optimizer state (to bundle it)"));
}

}  // namespace intersynth::cli
