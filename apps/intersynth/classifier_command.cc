// intersynth classifier train --data DATASET --out DIR [--steps N] [--seed S] [--threads K]
// intersynth classifier test --classifier DIR --data DATASET [--split test]

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/eval/action_classifier.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {
namespace {

void SetupClassifierTrain(CLI::App* command) {
  auto options = std::make_shared<ActionClassifierTrainOptions>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  command->footer(
      "Trains the action classifier that `evaluate` measures text following with: which\n"
      "action (Bandai content, HDM05 class, ReActIdle idle) and which style (Bandai style,\n"
      "ReActIdle acted/genuine) one person's motion shows. Temporal convolutions over\n"
      "the normalised 262 features without foot contacts, mean and max pooled, two heads\n"
      "(src/intersynth/eval/action_classifier.h); random crops of --min-crop..--max-crop\n"
      "frames of the train split; scored on val (test when there is no labelled val clip).\n"
      "The folder (classifier.json, weights.pt, statistics, train_clips.txt) is written\n"
      "whole at the end. A few minutes on 2 cores.\n\n"
      "Example:\n"
      "  intersynth classifier train --data ds --out classifiers/cpu1");
  auto flags = std::make_shared<FieldFlags>(command);
  ActionClassifierTrainOptions& o = *options;
  flags->Add("--data", "data_dir", data.get(), "dataset folder (intersynth data build --out)")
      ->required();
  flags->Add("--out", "out_dir", out.get(), "classifier folder to write")->required();
  flags->Add("--steps", "steps", &o.steps, "optimiser steps")->capture_default_str();
  flags->Add("--batch", "batch", &o.batch, "crops per step")->capture_default_str();
  flags->Add("--lr", "lr", &o.lr, "peak learning rate (AdamW, cosine)")->capture_default_str();
  flags->Add("--width", "width", &o.width, "channels of the convolutions")->capture_default_str();
  flags
      ->Add("--noise", "noise_m", &o.noise_m,
            "joint noise of training crops: sigma drawn from [0, NOISE] metres")
      ->capture_default_str();
  flags->Add("--min-crop", "min_crop", &o.min_crop, "shortest training crop, frames")
      ->capture_default_str();
  flags->Add("--max-crop", "max_crop", &o.max_crop, "longest training crop, frames")
      ->capture_default_str();
  flags->Add("--seed", "seed", &o.seed, "seed of the weights and crops")->capture_default_str();
  flags->Add("--threads", "threads", &o.threads, "LibTorch threads (default: every core)");
  flags->AddFlag("--overwrite", "overwrite", &o.overwrite, "replace an existing folder");
  command->callback([=] {
    flags->Run([&] {
      options->data_dir = *data;
      options->out_dir = *out;
      const ActionClassifierTrainReport report = TrainActionClassifier(*options);
      std::printf("%s", report.summary.c_str());
    });
  });
}

void SetupClassifierTest(CLI::App* command) {
  auto classifier = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto split = std::make_shared<std::string>("test");
  command->footer(
      "Labels every single-person clip of a split that has an action label and prints\n"
      "top-1 accuracy per label and overall, the balanced accuracy (labels count alike)\n"
      "and chance, for content and style. This is the classifier's ceiling on real\n"
      "motion: a generator's action accuracy is read against it.\n\n"
      "Example:\n"
      "  intersynth classifier test --classifier classifiers/cpu1 --data ds --split test");
  command->add_option("--classifier", *classifier, "classifier folder")->required();
  command->add_option("--data", *data, "dataset folder")->required();
  command->add_option("--split", *split, "train, val or test")->capture_default_str();
  command->callback([=] {
    const ActionClassifier model = ActionClassifier::Load(*classifier);
    std::vector<MotionClip> motions;
    std::vector<std::string> truth_content, truth_style;
    for (const DatasetEntry& entry : ReadDatasetIndex(*data)) {
      if (entry.split != *split || ContentLabel(entry).empty()) continue;
      motions.push_back(ReadMotionFile(std::filesystem::path(*data) / entry.file));
      truth_content.push_back(ContentLabel(entry));
      truth_style.push_back(StyleLabel(entry));
    }
    if (motions.empty()) {
      throw Error(fmt::format("{}: the {} split has no clip with an action label", *data, *split));
    }
    std::vector<std::string> content, style;
    for (const ActionPrediction& p : model.Classify(motions)) {
      content.push_back(p.content);
      style.push_back(p.style);
    }
    std::printf("%s",
                FormatAccuracy(ScoreLabels(truth_content, content), *split + " content").c_str());
    std::printf("%s", FormatAccuracy(ScoreLabels(truth_style, style), *split + " style").c_str());
  });
}

void SetupClassifierLabel(CLI::App* command) {
  auto classifier = std::make_shared<std::string>();
  auto files = std::make_shared<std::vector<std::string>>();
  command->footer(
      "Prints, for every person of every motion file (intersynth generate's output, a\n"
      "dataset clip, a recovered motion), the action and style the classifier sees and\n"
      "its probability. The motions must be at the classifier's frame rate.\n\n"
      "Example:\n"
      "  intersynth classifier label --classifier classifiers/cpu1 left_000.npz left_001.npz");
  command->add_option("--classifier", *classifier, "classifier folder")->required();
  command->add_option("motions", *files, "motion files (.npz)")->required();
  command->callback([=] {
    const ActionClassifier model = ActionClassifier::Load(*classifier);
    std::printf("%-40s %6s  %-28s %11s  %s\n", "file", "person", "action", "probability", "style");
    for (const std::string& file : *files) {
      const MotionClip motion = ReadMotionFile(file);
      for (int person = 0; person < motion.num_persons; ++person) {
        const ActionPrediction p = model.Classify({motion}, person)[0];
        std::printf("%-40s %6d  %-28s %11.3f  %s\n", file.c_str(), person, p.content.c_str(),
                    p.content_probability, p.style.empty() ? "-" : p.style.c_str());
      }
    }
  });
}

}  // namespace

void SetupClassifier(CLI::App* command) {
  command->require_subcommand(1);
  SetupClassifierTrain(command->add_subcommand(
      "train", "Train the action classifier on a dataset's labelled clips"));
  SetupClassifierTest(
      command->add_subcommand("test", "Score an action classifier on a split's labelled clips"));
  SetupClassifierLabel(command->add_subcommand(
      "label", "Label the persons of motion files with the classifier's action and style"));
}

}  // namespace intersynth::cli
