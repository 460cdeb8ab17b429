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
       "Frechet distance between the set's and the items' real motion embeddings, n against n "
       "(FID's bias grows as n falls: compare it only within this table)"},
      {"kid", "KID", "lower",
       "kernel inception distance to the items' real motions (unbiased: about 0 for two samples "
       "of one distribution, at any n)"},
      {"kid_seen", "KID, seen part", "lower",
       "KID over the items whose content x style combination the training split shows"},
      {"kid_unseen", "KID, unseen part", "lower",
       "KID over the items of held-out content x style combinations"},
      {"r_precision_top1", "R-precision top-1", "higher",
       "share of motions whose own caption ranks first among 32 captions of 32 distinct label "
       "sets (chance 1/32)"},
      {"r_precision_top2", "R-precision top-2", "higher",
       "as top-1, within the first two (chance 2/32)"},
      {"r_precision_top3", "R-precision top-3", "higher",
       "as top-1, within the first three (chance 3/32)"},
      {"mm_dist", "MM-Dist", "lower",
       "mean distance between a motion's and its caption's embedding"},
      {"content_accuracy", "Action accuracy", "higher",
       "share of single-person motions the action classifier labels with their item's content"},
      {"content_accuracy_seen", "Action accuracy, seen part", "higher",
       "the same over items of content x style combinations seen in training"},
      {"content_accuracy_unseen", "Action accuracy, unseen part", "higher",
       "the same over items of held-out content x style combinations"},
      {"style_accuracy", "Style accuracy", "higher",
       "share of motions the classifier labels with their item's style (where the source has one)"},
      {"style_accuracy_unseen", "Style accuracy, unseen part", "higher",
       "the same over items of held-out content x style combinations"},
      {"prompt_accuracy", "Plain-prompt action accuracy", "higher",
       "share of motions made from a content label's plain caption (\"a person raises the left "
       "hand\") that the classifier labels with that content; for real, crops of the label's "
       "clips"},
      {"scene_action_accuracy", "Scenes: per-person action accuracy", "higher",
       "multi-person benchmark: share of persons of composed 2- and 3-person prompts the "
       "classifier labels with the content of their own clause (real: the clips composed)"},
      {"scene_closest_pelvis_m", "Scenes: closest pelvis distance (m)", "closer to real",
       "mean over scenes of the smallest horizontal distance between two pelvises"},
      {"scene_close_share_2p", "Scenes: 2-person pelvises < 0.3 m", "lower",
       "share of 2-person scenes in which two pelvises come within 0.3 m"},
      {"scene_close_share_3p", "Scenes: 3-person pelvises < 0.3 m", "lower",
       "share of 3-person scenes in which two pelvises come within 0.3 m"},
      {"scene_interpenetration_mm", "Scenes: inter-person penetration (mm)", "lower",
       "mean deepest overlap of body capsules of two people in the composed scenes"},
      {"diversity", "Diversity", "closer to real",
       "mean embedding distance of random pairs of the set"},
      {"multimodality", "MultiModality", "closer to real",
       "mean embedding distance between motions generated for the same caption"},
      {"nearest_train", "Nearest training clip", "closer to real",
       "mean embedding distance to the nearest crop of a training clip (far below real: "
       "memorised)"},
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
      {"caption_blind", "baseline: caption-blind model"},
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
          {"classifier",
           o.classifier_dir.empty()
               ? nlohmann::json(nullptr)
               : nlohmann::json(
                     std::filesystem::absolute(o.classifier_dir).lexically_normal().string())},
          {"action_samples", o.action_samples},
          {"scenes", o.scenes},
          {"scene_separation_m", o.scene_separation_m},
          {"mm_prompts", c.mm_prompts},
          {"mm_samples", o.mm_samples},
          {"mm_pairs", o.mm_pairs},
          {"diversity_pairs", o.diversity_pairs},
          {"crop_frames", c.crop_frames},
          {"fps", c.fps},
          {"guidance", o.guidance},
          {"sampler", std::string(ToString(o.sampler))},
          {"sampler_steps", o.sampler_steps},
          {"decoding", std::string(ToString(o.decoding))},
          {"smooth_frames", o.smooth_frames},
          {"foot_lock", o.foot_lock},
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
  nlohmann::json prompts = nlohmann::json::array();
  for (const PromptAccuracy& p : report.prompts) {
    prompts.push_back({{"label", p.label},
                       {"prompt", p.prompt},
                       {"motions", p.motions},
                       {"real_correct", p.real_correct},
                       {"generated_correct", p.generated_correct},
                       {"caption_blind_correct", p.caption_blind_correct}});
  }
  return {{"format", "intersynth-evaluation-v2"},
          {"settings", Settings(options, context)},
          {"items_per_replication", report.items},
          {"unseen_items_per_replication", report.unseen_items},
          {"split_clips", report.split_clips},
          {"distinct_captions", report.distinct_captions},
          {"label_sets", report.label_sets},
          {"leakage", report.leakage},
          {"scene_examples", report.scene_examples},
          {"notes", report.notes},
          {"sets", sets},
          {"prompts", prompts}};
}

std::string EvaluationReportMarkdown(const EvaluateOptions& options,
                                     const ReportContext& context,
                                     const EvaluateReport& report) {
  std::string md = "# intersynth evaluation\n\n";
  md += fmt::format("- model: `{}`\n- evaluator: `{}`\n", options.model_dir.string(),
                    options.evaluator_dir.string());
  if (!options.classifier_dir.empty())
    md += fmt::format("- action classifier: `{}`\n", options.classifier_dir.string());
  md += fmt::format("- data: `{}`, split `{}`\n", options.data_dir.string(), options.split);
  md += fmt::format(
      "- rests on: {} clips of the split ({} distinct captions, {} label sets); per replication "
      "the split is cut into two random halves, {} items are drawn from one half (on average "
      "{:.1f} "
      "of them of held-out content x style combinations) and the real floor is {} clips of the "
      "other half, so every FID and KID compares n = {} with n = {}; {} replications (figures are "
      "means with Student-t 95% intervals over replications)\n",
      report.split_clips, report.distinct_captions, report.label_sets, report.items,
      report.unseen_items, report.items, report.items, report.items, options.replications);
  md += fmt::format(
      "- crops of at most {} frames ({:.1f} s at {} fps); every baseline has its item's length; "
      "multimodality {} prompts x {} motions, {} pairs each; diversity over {} pairs\n",
      context.crop_frames, context.crop_frames / context.fps, context.fps, context.mm_prompts,
      options.mm_samples, options.mm_pairs, std::min(options.diversity_pairs, report.items));
  md += fmt::format(
      "- sampling: {} with {} steps, guidance {}, seed {}, joints from the {}, smoothed over {} "
      "frames (Gaussian sigma; 0: not), feet {}\n",
      ToString(options.sampler), options.sampler_steps, options.guidance, options.seed,
      ToString(options.decoding), options.smooth_frames,
      options.foot_lock ? "locked where they rest (foot_lock)" : "not locked");
  for (const std::string& line : report.leakage) md += "- leakage: " + line + "\n";
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
    bool any = false;
    for (const SetFigures* set : columns) any = any || std::isfinite(set->metrics.at(m).mean);
    if (!any) continue;
    md += fmt::format("| {} | {} |", Metrics()[m].label, Metrics()[m].better);
    for (const SetFigures* set : columns) md += " " + Figure(set->metrics.at(m)) + " |";
    md += "\n";
  }
  md +=
      "\nHow to read it. The real column is the other half of the split against the items: the "
      "floor, what a perfect model would score at this n. The caption-blind column is the same "
      "model and seeds at guidance 0: what the model does without reading the text, the floor of "
      "every text-following figure (R-precision, action accuracy). The random clip (real motion, "
      "unrelated to the text) and the still mean pose (only the item's length and persons) are "
      "trivial baselines: a figure the model does not beat them on says nothing about the model. "
      "Rows without any value (no classifier, no unseen part, too few label sets) are left out.\n";
  if (!report.scene_examples.empty()) {
    md += fmt::format(
        "\nThe scene rows are the multi-person benchmark: {} composed 2- and 3-person prompts per "
        "replication from the split's single-person captions, e.g. \"{}\"; their real column is "
        "the same clips composed as the trainer composes them (pelvises at least {} m apart).\n",
        options.scenes, report.scene_examples[0], options.scene_separation_m);
  }

  if (!report.prompts.empty()) {
    md += fmt::format(
        "\n## Plain-prompt action accuracy\n\nPer content label, {} motions per replication "
        "({} in all) from its plain caption, the same seeds at guidance 0, and as many real crops "
        "of the label's clips, each labelled by the action classifier. Chance is 1/{} (a uniform "
        "guess among the split's labels).\n\n| label | prompt | motions | real | model | "
        "caption-blind |\n|---|---|---|---|---|---|\n",
        options.action_samples, report.prompts.empty() ? 0 : report.prompts[0].motions,
        report.prompts.size());
    for (const PromptAccuracy& p : report.prompts) {
      auto share = [&](int correct) {
        return p.motions > 0 ? fmt::format("{:.2f}", static_cast<double>(correct) / p.motions)
                             : std::string("n/a");
      };
      md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", p.label, p.prompt, p.motions,
                        share(p.real_correct), share(p.generated_correct),
                        options.baselines ? share(p.caption_blind_correct) : "n/a");
    }
  }
  md += "\n## Metrics\n\n";
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
    bool any = false;
    for (const SetFigures& set : report.sets) {
      panel.values.push_back(set.metrics.at(m).mean);
      panel.errors.push_back(set.metrics.at(m).ci95);
      any = any || std::isfinite(set.metrics.at(m).mean);
    }
    if (any) panels.push_back(std::move(panel));
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
