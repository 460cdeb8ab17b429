#pragma once
// The scaffolding every training loop shares (`intersynth train`,
// diffusion/trainer.cc, and `intersynth evaluator train`,
// eval/evaluator_train.cc): the run folder of a new or resumed run, the train
// and val splits, the tokenizer and feature statistics kept with the run,
// AdamW with its learning-rate schedule, checkpoints written atomically, the
// stop conditions (Ctrl-C, stop_after_steps, max_minutes) and the
// metrics.jsonl log. Torch header (training targets only).
//
// A loop built on it:
//   CheckRunFolder(options, paths, "run");
//   TrainingSplits splits = LoadTrainingSplits(options, leader);
//   const Tokenizer tokenizer = RunTokenizer(options, paths, "run", max_persons, &splits);
//   ... write the config; WriteRunData(paths, tokenizer, splits) on a new run ...
//   TrainingLoop loop(options, paths, config.train.steps, leader);
//   if (options.resume) state = loop.Resume();  // then load the weights
//   while (step < total) {
//     ... one step ...
//     const TrainingLoop::StepEnd end = loop.EndOfStep(step, InterruptRequested(),
//     loop.OutOfTime());
//     ... log with loop.Log(record), checkpoint with loop.SaveCheckpoint(...) ...
//     if (loop.Stop(end, step, &report)) break;
//   }

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/diffusion/training_run.h"
#include "intersynth/text/tokenizer.h"
#include "intersynth/util/interrupt.h"
#include "intersynth/util/timer.h"

namespace intersynth {

/// Checks that the run folder suits the mode: on resume it must hold a run
/// (Error when config.json is missing), otherwise it must not exist or be
/// empty (OptionError naming out_dir and resume). `kind` names the folder in
/// messages ("run", "evaluator").
void CheckRunFolder(const TrainingRunOptions& options,
                    const RunPaths& paths,
                    std::string_view kind);

/// The train split, and the val split when the dataset has one.
struct TrainingSplits {
  TrainingCorpus train;
  std::optional<TrainingCorpus> val;
  /// The id of every train clip, in the split's order (RUN/train_clips.txt).
  std::vector<std::string> train_clip_ids;
};

/// Loads the splits of options.data_dir; a missing or empty val split is a
/// warning (when `warn`), not an error.
TrainingSplits LoadTrainingSplits(const TrainingRunOptions& options, bool warn);

/// The run's tokenizer. On resume: the saved one, after checking that the
/// train split is the one the run started on (Error naming both otherwise);
/// the saved feature statistics then replace the splits' own. On a new run:
/// built from every caption a draw can make (TokenizerCaptions).
Tokenizer RunTokenizer(const TrainingRunOptions& options,
                       const RunPaths& paths,
                       std::string_view kind,
                       int max_persons,
                       TrainingSplits* splits);

/// Saves a new run's tokenizer, feature statistics and train_clips.txt.
void WriteRunData(const RunPaths& paths, const Tokenizer& tokenizer, const TrainingSplits& splits);

/// AdamW with the config's peak learning rate, betas and weight decay.
torch::optim::AdamW MakeAdamW(const std::vector<torch::Tensor>& parameters,
                              const TrainConfig& config);

/// Sets every parameter group's learning rate (the schedule's value for a step).
void SetLearningRate(torch::optim::AdamW& optimizer, double lr);

/// The clock, the stop conditions, the checkpoint and the metrics log of one
/// training call. Only the leader (rank 0 of a data-parallel run) writes.
class TrainingLoop {
 public:
  /// How a step ended: `last` when the loop ends after it (the run is done
  /// or paused).
  struct StepEnd {
    bool last = false;
    bool paused = false;
    bool interrupted = false;
  };

  /// Starts the clock and the Ctrl-C guard; `total_steps` is train.steps.
  TrainingLoop(const TrainingRunOptions& options, RunPaths paths, int64_t total_steps, bool leader);

  /// Reads RUN/checkpoint/state.json of a resumed run and returns it; the
  /// loop then starts at its "step" with its "elapsed_s".
  nlohmann::json Resume();

  /// The step this call started from.
  int64_t first_step() const { return first_step_; }
  /// Seconds of this call, and of the whole run so far.
  double Seconds() const { return timer_.Seconds(); }
  double ElapsedSeconds() const { return elapsed_before_ + timer_.Seconds(); }
  /// Whether this call has run past options.max_minutes.
  bool OutOfTime() const;

  /// After step `step` (steps done), given whether Ctrl-C arrived and the
  /// time ran out (on any process: the caller agrees on them first): paused
  /// = neither done nor interrupted, but out of time or past
  /// stop_after_steps.
  StepEnd EndOfStep(int64_t step, bool interrupted, bool out_of_time) const;

  /// Appends a record to RUN/metrics.jsonl (leader only).
  void Log(const nlohmann::json& record);

  /// Writes RUN/checkpoint atomically (leader only): `write(folder)` saves
  /// the weights into the new folder, then state.json gets `state` with the
  /// step and the run's elapsed seconds.
  void SaveCheckpoint(int64_t step,
                      const std::function<void(const std::filesystem::path& folder)>& write,
                      nlohmann::json state = nlohmann::json::object());

  /// Records a pause or an interruption in `report` (the flags and a
  /// message: "paused at step 4 of 6; checkpoint written"); true when the
  /// loop stops here.
  bool Stop(const StepEnd& end, int64_t step, TrainingRunReport* report) const;

 private:
  TrainingRunOptions options_;
  RunPaths paths_;
  int64_t total_steps_ = 0;
  bool leader_ = true;
  int64_t first_step_ = 0;
  double elapsed_before_ = 0.0;
  Timer timer_;
  InterruptGuard interrupt_guard_;
  std::ofstream metrics_;
};

}  // namespace intersynth
