#pragma once
// Model folders as a whole: describe one (`intersynth model info`) and export
// a run into a folder that only generates (`intersynth model export`), e.g.
// the bundled model under assets/models/NAME. Torch-free header.
//
// An exported folder (diffusion/run_files.h layout) holds config.json,
// run.json, tokenizer.json, mean_262.npy, std_262.npy, train_clips.txt,
// metrics.jsonl (when the run has one), text_encoder.pt (when the config uses
// one) and checkpoint/{state.json, ema.pt}: no optimizer state and no raw
// weights, so it cannot resume. With `half`, ema.pt holds float16 tensors
// (half the size; generation loads them back as float32, a relative rounding
// of ~5e-4 per weight).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "intersynth/diffusion/config.h"

namespace intersynth {

struct ModelSummary {
  std::filesystem::path dir;
  DiffusionConfig config;
  int64_t parameters = 0;
  int vocabulary = 0;
  /// From checkpoint/state.json: optimiser steps, samples seen, training seconds.
  int64_t step = 0;
  int64_t samples = 0;
  double elapsed_s = 0.0;
  /// From run.json and train_clips.txt.
  std::string dataset;
  int64_t train_clips = 0;
  /// "float32" or "float16" (of ema.pt), and its size in bytes.
  std::string weights_dtype;
  uintmax_t weights_bytes = 0;
  /// Whether the folder can resume training (model.pt and optimizer.pt present).
  bool resumable = false;
};

/// Reads a run or exported model folder. Throws Error naming the missing or
/// bad file.
ModelSummary DescribeModelFolder(const std::filesystem::path& dir);

/// The multi-line text `intersynth model info` prints.
std::string FormatModelSummary(const ModelSummary& summary);

/// The loss curves of a run's metrics.jsonl: per logged step the training
/// loss terms ("loss_total", "loss_mse", ...), and per validation the
/// validation terms ("val_total", ...). Empty when the folder has no metrics.
struct TrainingCurves {
  /// name -> (steps, values), in file order.
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> series;
};

/// Reads DIR/metrics.jsonl. Throws Error naming the line that is not JSON.
TrainingCurves ReadTrainingCurves(const std::filesystem::path& dir);

/// Writes the generation-only copy of run `run_dir` to `out_dir` (atomically;
/// an existing out_dir only with `overwrite`).
void ExportModelFolder(const std::filesystem::path& run_dir,
                       const std::filesystem::path& out_dir,
                       bool half,
                       bool overwrite);

}  // namespace intersynth
