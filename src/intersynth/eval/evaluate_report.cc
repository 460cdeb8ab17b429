#include "intersynth/eval/evaluate_report.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/diffusion/model_folder.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/io/json.h"
#include "intersynth/render/bar_plot.h"
#include "intersynth/render/line_plot.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// How to read one metric.
struct MetricInfo {
  const char* name;
  const char* label;
  // "lower", "higher" or "closer to real".
  const char* better;
  const char* meaning;
};

const std::vector<MetricInfo>& Metrics() {
  static const std::vector<MetricInfo> metrics = {
      {"fid", "FID", "lower",
       "Frechet distance between the set's and the real split's motion embeddings"},
      {"r_precision_top1", "R-precision top-1", "higher",
       "share of motions whose own caption ranks first among 32 captions (31 distinct others)"},
      {"r_precision_top2", "R-precision top-2", "higher", "as top-1, within the first two"},
      {"r_precision_top3", "R-precision top-3", "higher",
       "as top-1, within the first three (chance: 3/32)"},
      {"mm_dist", "MM-Dist", "lower",
       "mean distance between a motion's and its caption's embedding"},
      {"diversity", "Diversity", "closer to real",
       "mean embedding distance of random pairs of the set"},
      {"multimodality", "MultiModality", "closer to real",
       "mean embedding distance between motions generated for the same caption"},
      {"foot_skate_m_s", "Foot skating (m/s)", "lower",
       "mean horizontal speed of feet in contact with the floor (within 5 cm)"},
      {"foot_skate_ratio", "Foot skating ratio", "lower",
       "share of contact frames whose foot moves faster than 0.5 m/s"},
      {"floating_mm", "Floating (mm)", "lower",
       "mean height of the lowest joint above the floor y = 0"},
      {"penetration_mm", "Ground penetration (mm)", "lower",
       "mean depth of the lowest joint below the floor"},
      {"interpenetration_mm", "Inter-person penetration (mm)", "lower",
       "mean deepest overlap of body capsules of two people, per pair and frame"},
      {"jitter_m_s3", "Jitter (m/s^3)", "closer to real",
       "mean joint jerk (third difference of position)"},
      {"bone_drift_mm", "Bone-length drift (mm)", "lower",
       "mean deviation of bone lengths from their median"},
  };
  return metrics;
}

// Sets in table order, with their column titles.
const std::vector<std::pair<std::string, std::string>>& SetTitles() {
  static const std::vector<std::pair<std::string, std::string>> titles = {
      {"generated", "model"},
      {"real", "real (floor)"},
      {"random_clip", "baseline: random clip"},
      {"mean_pose", "baseline: mean pose"}};
  return titles;
}

std::string Figure(const MetricFigure& f) {
  if (!std::isfinite(f.mean)) return "n/a";
  if (!std::isfinite(f.ci95)) return fmt::format("{:.4g} (no interval)", f.mean);
  return fmt::format("{:.4g} ± {:.2g}", f.mean, f.ci95);
}

nlohmann::json Number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json Settings(const EvaluateOptions& o, const ReportContext& c) {
  return {{"model", std::filesystem::absolute(o.model_dir).lexically_normal().string()},
          {"evaluator", std::filesystem::absolute(o.evaluator_dir).lexically_normal().string()},
          {"data", std::filesystem::absolute(o.data_dir).lexically_normal().string()},
          {"split", o.split},
          {"replications", o.replications},
          {"samples", o.samples},
          {"mm_prompts", c.mm_prompts},
          {"mm_samples", o.mm_samples},
          {"mm_pairs", o.mm_pairs},
          {"diversity_pairs", o.diversity_pairs},
          {"crop_frames", c.crop_frames},
          {"fps", c.fps},
          {"guidance", o.guidance},
          {"sampler", std::string(ToString(o.sampler))},
          {"sampler_steps", o.sampler_steps},
          {"seed", o.seed},
          {"device", std::string(ToString(o.device))}};
}

}  // namespace

const std::vector<std::string>& EvaluationMetricNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const MetricInfo& m : Metrics()) out.push_back(m.name);
    return out;
  }();
  return names;
}

nlohmann::json EvaluationReportJson(const EvaluateOptions& options,
                                    const ReportContext& context,
                                    const EvaluateReport& report) {
  nlohmann::json sets = nlohmann::json::object();
  for (const SetFigures& set : report.sets) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const MetricFigure& f : set.metrics)
      metrics[f.name] = {{"mean", Number(f.mean)}, {"ci95", Number(f.ci95)}};
    sets[set.set] = metrics;
  }
  return {{"format", "intersynth-evaluation-v1"},
          {"settings", Settings(options, context)},
          {"items_per_replication", report.items},
          {"split_clips", report.split_clips},
          {"distinct_captions", report.distinct_captions},
          {"notes", report.notes},
          {"sets", sets}};
}

std::string EvaluationReportMarkdown(const EvaluateOptions& options,
                                     const ReportContext& context,
                                     const EvaluateReport& report) {
  std::string md = "# intersynth evaluation\n\n";
  md += fmt::format("- model: `{}`\n- evaluator: `{}`\n- data: `{}`, split `{}`\n",
                    options.model_dir.string(), options.evaluator_dir.string(),
                    options.data_dir.string(), options.split);
  md += fmt::format(
      "- rests on: {} clips of the split with {} distinct captions; {} items per replication, {} "
      "replications "
      "(figures are means with 95% intervals over replications)\n",
      report.split_clips, report.distinct_captions, report.items, options.replications);
  md += fmt::format(
      "- crops of at most {} frames ({:.1f} s at {} fps); multimodality {} prompts x {} motions, "
      "{} pairs each; "
      "diversity over {} pairs\n",
      context.crop_frames, context.crop_frames / context.fps, context.fps, context.mm_prompts,
      options.mm_samples, options.mm_pairs, std::min(options.diversity_pairs, report.items));
  md +=
      fmt::format("- sampling: {} with {} steps, guidance {}, seed {}\n", ToString(options.sampler),
                  options.sampler_steps, options.guidance, options.seed);
  for (const std::string& note : report.notes) md += "- note: " + note + "\n";

  md += "\n| metric | better |";
  std::string rule = "\n|---|---|";
  std::vector<const SetFigures*> columns;
  for (const auto& [set, title] : SetTitles()) {
    for (const SetFigures& figures : report.sets) {
      if (figures.set != set) continue;
      columns.push_back(&figures);
      md += " " + title + " |";
      rule += "---|";
    }
  }
  md += rule + "\n";
  for (size_t m = 0; m < Metrics().size(); ++m) {
    md += fmt::format("| {} | {} |", Metrics()[m].label, Metrics()[m].better);
    for (const SetFigures* set : columns) md += " " + Figure(set->metrics.at(m)) + " |";
    md += "\n";
  }
  md +=
      "\nThe real column measures held-out real clips (FID against train-split crops): the floor a "
      "model is "
      "measured against. A model must beat both baselines: a random training clip for every prompt "
      "(realistic "
      "motion, unrelated to the text) and the dataset's mean pose held still.\n\n## Metrics\n\n";
  for (const MetricInfo& m : Metrics()) md += fmt::format("- **{}**: {}.\n", m.label, m.meaning);
  md += "\nPlots: `metrics.png` (bars with 95% whiskers)";
  md += std::filesystem::exists(RunPaths(options.model_dir).metrics())
            ? ", `training_curves.png` (the generator's losses).\n"
            : ".\n";
  return md;
}

void WriteEvaluationReport(const EvaluateOptions& options,
                           const ReportContext& context,
                           EvaluateReport& report) {
  AtomicFolderWriter out(options.out_dir, /*overwrite=*/true);
  const nlohmann::json json = EvaluationReportJson(options, context, report);
  WriteJson(out.temp_path() / "report.json", json);
  WriteFileAtomic(out.temp_path() / "report.md",
                  EvaluationReportMarkdown(options, context, report));

  std::vector<std::string> bar_names;
  for (const SetFigures& set : report.sets) bar_names.push_back(set.set);
  std::vector<BarPanel> panels;
  for (size_t m = 0; m < Metrics().size(); ++m) {
    BarPanel panel{Metrics()[m].label, {}, {}};
    for (const SetFigures& set : report.sets) {
      panel.values.push_back(set.metrics.at(m).mean);
      panel.errors.push_back(set.metrics.at(m).ci95);
    }
    panels.push_back(std::move(panel));
  }
  BarPlotOptions plot;
  plot.output = out.temp_path() / "metrics.png";
  plot.title = fmt::format(
      "{} on {} ({} replications, 95% intervals)",
      std::filesystem::absolute(options.model_dir).lexically_normal().filename().string(),
      options.split, options.replications);
  WriteBarPlot(panels, bar_names, plot);
  WriteTrainingCurvesPlot(options.model_dir, out.temp_path() / "training_curves.png");
  out.Commit();
  report.report_json = options.out_dir / "report.json";
  report.report_md = options.out_dir / "report.md";
}

bool WriteTrainingCurvesPlot(const std::filesystem::path& model_dir,
                             const std::filesystem::path& png) {
  const TrainingCurves curves = ReadTrainingCurves(model_dir);
  std::vector<PlotSeries> series;
  for (const auto& [key, name] :
       {std::pair<std::string, std::string>{"loss_total", "train loss (total)"},
        {"loss_mse", "train mse"},
        {"val_total", "val loss (total)"},
        {"val_mse", "val mse"}}) {
    const auto it = curves.series.find(key);
    if (it == curves.series.end()) continue;
    PlotSeries s;
    s.name = name;
    s.x = it->second.first;
    s.y = it->second.second;
    series.push_back(std::move(s));
  }
  if (series.empty()) return false;
  LinePlotOptions plot;
  plot.output = png;
  plot.title = "training curves of " +
               std::filesystem::absolute(model_dir).lexically_normal().filename().string();
  plot.x_label = "step";
  plot.y_label = "loss";
  plot.log_y = true;
  plot.smooth = true;
  WriteLinePlot(series, plot);
  return true;
}

}  // namespace intersynth
