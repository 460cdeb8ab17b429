#pragma once
// How the training commands (train, evaluator train) end a call that stopped
// before its last step: the library's message and how to go on.

#include <cstdio>
#include <cstdlib>

#include "intersynth/diffusion/training_run.h"

namespace intersynth::cli {

/// Prints a paused or interrupted call's message with "continue with
/// --resume"; an interrupted call (Ctrl-C) then exits with 130, as a shell
/// expects of SIGINT.
inline void ReportTrainingStop(const TrainingRunReport& report) {
  if (!report.interrupted && !report.paused) return;
  std::printf("%s, continue with --resume\n", report.message.c_str());
  std::fflush(stdout);
  if (report.interrupted) std::exit(130);
}

}  // namespace intersynth::cli
