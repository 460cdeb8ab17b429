#pragma once
// The report folder of `intersynth evaluate` (eval/evaluate.h). Torch-free.
//
//   REPORT/report.json           settings, counts, notes and every figure
//                                (mean, ci95) of every set
//   REPORT/report.md             the same as a table (sets as columns, the
//                                real-data floor and both baselines beside
//                                the model), with how to read each metric
//   REPORT/metrics.png           one bar panel per metric, 95% whiskers
//   REPORT/training_curves.png   the generator's loss curves, when its folder
//                                has metrics.jsonl
// The folder is written beside its target and renamed into place.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "intersynth/eval/evaluate.h"

namespace intersynth {

/// The metrics of a report in table order.
const std::vector<std::string>& EvaluationMetricNames();

/// What the numbers rest on, besides the options (for report.json/.md).
struct ReportContext {
  /// Multimodality prompts actually used and the longest crop in frames.
  int mm_prompts = 0;
  int crop_frames = 0;
  float fps = 20.0f;
};

/// report.json's content.
nlohmann::json EvaluationReportJson(const EvaluateOptions& options,
                                    const ReportContext& context,
                                    const EvaluateReport& report);

/// report.md's content.
std::string EvaluationReportMarkdown(const EvaluateOptions& options,
                                     const ReportContext& context,
                                     const EvaluateReport& report);

/// Writes the report folder at options.out_dir (replacing one there) and
/// fills report.report_json / report_md.
void WriteEvaluationReport(const EvaluateOptions& options,
                           const ReportContext& context,
                           EvaluateReport& report);

/// Plots the training and validation losses of a run or model folder's
/// metrics.jsonl into `png` (log y, smoothed). Returns false, writing
/// nothing, when the folder has no losses.
bool WriteTrainingCurvesPlot(const std::filesystem::path& model_dir,
                             const std::filesystem::path& png);

}  // namespace intersynth
