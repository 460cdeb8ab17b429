#pragma once
// The layout of a training run folder (`intersynth train --out RUN`), which
// is also what `intersynth generate --model RUN` reads. Plain C++.
//
//   RUN/config.json          the full config (diffusion/config.h)
//   RUN/run.json             dataset path, clip counts, parameter count
//   RUN/tokenizer.json       the vocabulary (text/tokenizer.h)
//   RUN/mean_262.npy         the dataset's feature statistics the model
//   RUN/std_262.npy          was trained with
//   RUN/train_clips.txt      the id of every clip the run trains on, one per
//                            line (evaluation uses it to rule out leakage)
//   RUN/metrics.jsonl        one JSON object per log interval and per validation
//   RUN/checkpoint/          written atomically as one folder:
//       state.json           step, samples seen, elapsed time, architecture
//       model.pt             the trained weights
//       ema.pt               their exponential moving average (used to generate)
//       optimizer.pt         AdamW state (exact resume)
// A bundled model (assets/models/NAME) holds the same files without
// model.pt, optimizer.pt and metrics.jsonl: enough to generate, not to resume.

#include <filesystem>

namespace intersynth {

struct RunPaths {
  explicit RunPaths(std::filesystem::path run_dir) : dir(std::move(run_dir)) {}
  std::filesystem::path dir;
  std::filesystem::path config() const { return dir / "config.json"; }
  std::filesystem::path run() const { return dir / "run.json"; }
  std::filesystem::path tokenizer() const { return dir / "tokenizer.json"; }
  std::filesystem::path mean() const { return dir / "mean_262.npy"; }
  std::filesystem::path std() const { return dir / "std_262.npy"; }
  std::filesystem::path train_clips() const { return dir / "train_clips.txt"; }
  std::filesystem::path metrics() const { return dir / "metrics.jsonl"; }
  std::filesystem::path checkpoint() const { return dir / "checkpoint"; }
  static constexpr const char* kState = "state.json";
  static constexpr const char* kModel = "model.pt";
  static constexpr const char* kEma = "ema.pt";
  static constexpr const char* kOptimizer = "optimizer.pt";
};

}  // namespace intersynth
