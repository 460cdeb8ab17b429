#pragma once
// The evaluator's config file and folder format. Plain C++ (no Torch).
//
// Config file (data/configs/evaluator_cpu.json; a user's file overrides its
// keys over the same defaults): the sections "model" (the motion encoder:
// d_model, layers, heads, ff_dim, dropout, max_persons, max_frames), "text"
// (the learned text encoder; text.torchscript must stay empty: external
// evaluators come in through the TorchScript adapter instead), "train" (as
// for the generator, diffusion/config.h: batch, steps, lr, schedule, crops,
// mirroring and composed scenes; cond_drop and ema_decay are unused) and
// "evaluator" (embed_dim, temperature). "diffusion" and "loss" are rejected.
//
// Evaluator folder (`intersynth evaluator train --out EVAL`):
//   EVAL/config.json       the full config
//   EVAL/evaluator.json    format, feature layout, feature width, embedding
//                          width and frame rate (checked by every reader)
//   EVAL/tokenizer.json    the evaluator's vocabulary
//   EVAL/mean_262.npy      the dataset's feature statistics
//   EVAL/std_262.npy
//   EVAL/train_clips.txt   every clip id it trained on
//   EVAL/metrics.jsonl     training and validation records
//   EVAL/checkpoint/       state.json, model.pt, optimizer.pt (atomic)

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "intersynth/diffusion/config.h"

namespace intersynth {

/// The evaluator's own settings (config section "evaluator").
struct EvaluatorSettings {
  /// Width of the joint embedding space.
  int64_t embed_dim = 256;
  /// Initial softmax temperature (CLIP's 0.07); its log inverse is learned.
  double temperature = 0.07;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// An evaluator's whole config (data/configs/evaluator_cpu.json).
struct EvaluatorConfig {
  /// The model, text and train sections (the others keep their defaults).
  DiffusionConfig base;
  EvaluatorSettings evaluator;

  /// base.Check() (its fields named as in the file: "{train.lr}"), an
  /// evaluator without an external text encoder, and evaluator.Check().
  void Check() const;
};

/// Number of feature channels the motion encoder reads (262 - 4 contacts).
inline constexpr int64_t kEvaluatorFeatureDim = 258;

/// The feature layout an evaluator reads, recorded in evaluator.json and
/// checked by every reader of the folder.
inline constexpr const char* kEvaluatorFeatureLayout = "intergen262-no-contacts";

/// The name of evaluator.json inside an evaluator folder.
inline constexpr const char* kEvaluatorDescriptionFile = "evaluator.json";

/// "cpu" -> data/configs/evaluator_cpu.json; anything else is a JSON file.
/// Throws Error naming the file and key for unknown sections or keys, wrong
/// types and values out of range.
EvaluatorConfig LoadEvaluatorConfig(const std::string& name_or_path);

/// Parses a config from JSON over the defaults; `source` names it in errors.
EvaluatorConfig EvaluatorConfigFromJson(const nlohmann::json& json, const std::string& source);

/// The model, text, train and evaluator sections.
nlohmann::json EvaluatorConfigToJson(const EvaluatorConfig& config);

/// The contents of evaluator.json for an evaluator of `config` trained at `fps`.
nlohmann::json EvaluatorDescription(const EvaluatorConfig& config, double fps);

/// Checks an evaluator.json (`path` names it in errors): the format, the
/// feature layout and width this build reads; returns its frame rate.
double CheckEvaluatorDescription(const nlohmann::json& description, const std::string& path);

}  // namespace intersynth
