// intersynth model info DIR
// intersynth model export --model RUN --out DIR [--half] [--overwrite]

#include <cstdio>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/diffusion/model_folder.h"
#include "intersynth/eval/evaluate_report.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {

void SetupModel(CLI::App* command) {
  command->require_subcommand(1);
  command->footer(
      "A model folder is a run of `intersynth train` or an exported copy of one.\n"
      "Examples:\n"
      "  intersynth model info runs/cpu1 --curves curves.png\n"
      "  intersynth model export --model runs/cpu1 --out assets/models/intersynth-cpu --half");

  CLI::App* info =
      command->add_subcommand("info", "Describe a model folder (sizes, training, data)");
  auto info_dir = std::make_shared<std::string>();
  auto curves_png = std::make_shared<std::string>();
  info->add_option("DIR", *info_dir, "run or model folder")->required();
  info->add_option("--curves", *curves_png,
                   "also plot the training and validation loss (metrics.jsonl) into this PNG");
  info->callback([=] {
    std::printf("%s", FormatModelSummary(DescribeModelFolder(*info_dir)).c_str());
    if (curves_png->empty()) return;
    if (!WriteTrainingCurvesPlot(*info_dir, *curves_png)) {
      throw Error(*info_dir + ": no metrics.jsonl with losses to plot");
    }
    std::printf("wrote %s\n", curves_png->c_str());
  });

  CLI::App* exporter = command->add_subcommand(
      "export",
      "Copy a run into a folder that only generates (EMA weights, config, tokenizer, statistics)");
  auto run = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto half = std::make_shared<bool>(false);
  auto overwrite = std::make_shared<bool>(false);
  exporter->footer(
      "Writes config.json, run.json, tokenizer.json, the feature statistics, train_clips.txt,\n"
      "metrics.jsonl and checkpoint/{state.json,ema.pt}; no optimizer state, so the copy\n"
      "cannot resume. --half stores the weights as float16 (half the size; generation reads\n"
      "them back as float32). The folder is written atomically.");
  exporter->add_option("--model", *run, "run folder")->required();
  exporter->add_option("--out", *out, "output folder")->required();
  exporter->add_flag("--half", *half, "store the weights as float16");
  auto flags = std::make_shared<FieldFlags>(exporter);
  flags->AddFlag("--overwrite", "overwrite", overwrite.get(), "replace an existing output folder");
  exporter->callback([=] {
    flags->Run([&] {
      ExportModelFolder(*run, *out, *half, *overwrite);
      std::printf("%s", FormatModelSummary(DescribeModelFolder(*out)).c_str());
    });
  });
}

}  // namespace intersynth::cli
