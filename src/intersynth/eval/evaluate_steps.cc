#include "intersynth/eval/evaluate_steps.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>

#include "intersynth/diffusion/generate.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/eval/action_classifier.h"
#include "intersynth/eval/evaluate_sets.h"
#include "intersynth/eval/evaluator_io.h"
#include "intersynth/eval/leakage.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// What one motion asks for: its caption, persons, frames and seed, and the
// content label the classifier should name ("" where none applies).
struct Request {
  std::string caption;
  int persons = 1;
  int frames = 0;
  uint64_t seed = 0;
  std::string content;
};

// The motions of one step count and replication, with their generation time.
struct StepDraw {
  std::vector<MotionClip> motions;
  double seconds = 0.0;
};

std::string FormatInterval(const PairedDifference& d, int precision) {
  return fmt::format("{:+.{}f} [{:+.{}f}, {:+.{}f}]", d.mean, precision, d.low, precision, d.high,
                     precision);
}

nlohmann::json DifferenceJson(const PairedDifference& d) {
  return {{"mean", d.mean}, {"low", d.low}, {"high", d.high}};
}

void WriteStepsReport(const StepsStudyOptions& options, StepsStudyReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const StepsRow& row : report.rows) {
    rows.push_back({{"steps", row.steps},
                    {"seconds_per_motion", row.seconds_per_motion},
                    {"kid", {{"mean", row.kid.mean}, {"ci95", row.kid.ci95}}},
                    {"accuracy", row.accuracy},
                    {"classified", row.classified},
                    {"kid_difference", DifferenceJson(row.kid_difference)},
                    {"accuracy_difference", DifferenceJson(row.accuracy_difference)},
                    {"within_margins", row.within_margins}});
  }
  const nlohmann::json json = {{"format", "intersynth-steps-study-v1"},
                               {"model", options.model_dir.string()},
                               {"evaluator", options.evaluator_dir.string()},
                               {"classifier", options.classifier_dir.string()},
                               {"data", options.data_dir.string()},
                               {"split", options.split},
                               {"replications", options.replications},
                               {"items", report.items},
                               {"prompts", report.prompts},
                               {"split_clips", report.split_clips},
                               {"guidance", options.guidance},
                               {"decoding", std::string(ToString(options.decoding))},
                               {"smooth_frames", options.smooth_frames},
                               {"foot_lock", options.foot_lock},
                               {"seed", options.seed},
                               {"reference_steps", report.reference_steps},
                               {"accuracy_margin", report.accuracy_margin},
                               {"kid_margin_relative", options.kid_margin},
                               {"kid_margin_absolute", report.kid_margin_absolute},
                               {"recommended_steps", report.recommended_steps},
                               {"rows", rows},
                               {"leakage", report.leakage},
                               {"notes", report.notes}};

  std::string md = fmt::format(
      "# DDIM steps: quality against speed\n\n"
      "Model `{}` on the {} split ({} clips): {} items and {} plain-prompt motions per "
      "replication, {} replications, guidance {}, {} decoding, smoothing sigma {} frames, foot "
      "locking {}, seed {}. "
      "Every step count "
      "generates the same items and prompts from the same seeds; each difference is paired "
      "with the {}-step run on the same motions, with its Student-t 95% interval (KID: over "
      "replications; accuracy: over motions).\n\n"
      "Margins: the accuracy may fall by at most {:.3f} and KID may rise by at most {:.0f}% of "
      "the reference's KID ({:.4g}), each at the end of its interval. **The fewest steps within "
      "both: {}.**\n\n"
      "| steps | s per motion | KID | KID - KID({}) | action accuracy | accuracy - accuracy({}) "
      "| within margins |\n|---|---|---|---|---|---|---|\n",
      options.model_dir.string(), options.split, report.split_clips, report.items, report.prompts,
      options.replications, options.guidance, std::string(ToString(options.decoding)),
      options.smooth_frames, options.foot_lock ? "on" : "off", options.seed, report.reference_steps,
      report.accuracy_margin, 100.0 * options.kid_margin, report.kid_margin_absolute,
      report.recommended_steps, report.reference_steps, report.reference_steps);
  for (const StepsRow& row : report.rows) {
    md +=
        fmt::format("| {} | {:.3f} | {:.4f} +- {:.4f} | {} | {:.3f} ({} motions) | {} | {} |\n",
                    row.steps, row.seconds_per_motion, row.kid.mean, row.kid.ci95,
                    FormatInterval(row.kid_difference, 4), row.accuracy, row.classified,
                    FormatInterval(row.accuracy_difference, 3), row.within_margins ? "yes" : "no");
  }
  md +=
      "\nWhat this shows: how much of the reference's quality each step count keeps on this "
      "model and split, and what it costs in time on this machine (one process, the given "
      "threads). What it does not show: quality against real data (see `intersynth evaluate`, "
      "whose real floor and baselines this study leaves out), or the same for another model.\n";
  if (!report.leakage.empty()) {
    md += "\n## Leakage\n\n";
    for (const std::string& line : report.leakage) md += "- " + line + "\n";
  }
  if (!report.notes.empty()) {
    md += "\n## Notes\n\n";
    for (const std::string& note : report.notes) md += "- " + note + "\n";
  }
  AtomicFolderWriter out(options.out_dir, /*overwrite=*/true);
  WriteJson(out.temp_path() / "report.json", json);
  WriteFileAtomic(out.temp_path() / "report.md", md);
  out.Commit();
  report.report_json = options.out_dir / "report.json";
  report.report_md = options.out_dir / "report.md";
}

}  // namespace

void StepsStudyOptions::Check() const {
  CheckRequired(model_dir.string(), "model_dir");
  CheckRequired(evaluator_dir.string(), "evaluator_dir");
  CheckRequired(classifier_dir.string(), "classifier_dir");
  CheckRequired(data_dir.string(), "data_dir");
  CheckRequired(split, "split");
  if (steps.empty()) throw OptionError("{steps} needs at least one step count");
  for (int s : steps) CheckAtLeast(s, 1, "steps");
  CheckAtLeast(reference_steps, 1, "reference_steps");
  CheckAtLeast(replications, 2, "replications");
  CheckAtLeast(samples, 2, "samples");
  CheckAtLeast(action_samples, 1, "action_samples");
  CheckAtLeast(guidance, 0.0, "guidance");
  CheckAtLeast(smooth_frames, 0.0, "smooth_frames");
  CheckAtLeast(accuracy_margin, 0.0, "accuracy_margin");
  CheckAtLeast(kid_margin, 0.0, "kid_margin");
  CheckRequired(out_dir.string(), "out_dir");
}

PairedDifference SummarizePaired(const std::vector<double>& differences) {
  if (differences.size() < 2)
    throw Error(fmt::format("a paired interval needs 2 differences, got {}", differences.size()));
  const MeanInterval summary = Summarize(differences);
  return {summary.mean, summary.mean - summary.ci95, summary.mean + summary.ci95};
}

void DecideSteps(StepsStudyReport& report, double kid_margin) {
  const auto reference =
      std::find_if(report.rows.begin(), report.rows.end(),
                   [&](const StepsRow& row) { return row.steps == report.reference_steps; });
  if (reference == report.rows.end())
    throw Error(fmt::format("no row of the reference, {} steps", report.reference_steps));
  report.kid_margin_absolute = kid_margin * std::abs(reference->kid.mean);
  report.recommended_steps = report.reference_steps;
  for (StepsRow& row : report.rows) {
    row.within_margins = row.steps == report.reference_steps ||
                         (row.kid_difference.high <= report.kid_margin_absolute &&
                          row.accuracy_difference.low >= -report.accuracy_margin);
    if (row.within_margins)
      report.recommended_steps = std::min(report.recommended_steps, row.steps);
    // An interval wider than its margin cannot show a difference within it,
    // however small the difference is: the reader needs more motions.
    if (!row.within_margins &&
        row.kid_difference.high - row.kid_difference.low > 2.0 * report.kid_margin_absolute) {
      report.notes.push_back(fmt::format(
          "{} steps: the KID difference's interval ({:.4g} wide) is wider than twice the margin "
          "({:.4g}), so it cannot be shown within it; more replications or items would resolve it",
          row.steps, row.kid_difference.high - row.kid_difference.low, report.kid_margin_absolute));
    }
    if (!row.within_margins &&
        row.accuracy_difference.high - row.accuracy_difference.low > 2.0 * report.accuracy_margin) {
      report.notes.push_back(fmt::format(
          "{} steps: the accuracy difference's interval ({:.3f} wide) is wider than twice the "
          "margin ({:.3f}); more motions would resolve it",
          row.steps, row.accuracy_difference.high - row.accuracy_difference.low,
          report.accuracy_margin));
    }
  }
}

StepsStudyReport StudySteps(const StepsStudyOptions& options) {
  options.Check();
  StepsStudyReport report;
  std::vector<int> steps = options.steps;
  steps.push_back(options.reference_steps);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  report.reference_steps = options.reference_steps;
  report.accuracy_margin = options.accuracy_margin;

  const Evaluator evaluator(options.evaluator_dir, options.device);
  Generator generator(options.model_dir, options.device, options.threads);
  const ActionClassifier classifier = ActionClassifier::Load(options.classifier_dir);
  const std::vector<DatasetEntry> index = ReadDatasetIndex(options.data_dir);
  const std::vector<SplitClip> split = LoadSplit(options.data_dir, index, options.split);
  if (split.size() < 2) {
    throw Error(
        fmt::format("{}: the {} split has {} clips with captions and at least {} frames; "
                    "the study needs at least 2",
                    options.data_dir.string(), options.split, split.size(), kEvaluateMinFrames));
  }
  CheckSplitFitsNetworks(split, options.split, generator.fps(), generator.max_persons(),
                         evaluator.fps(), evaluator.max_persons());
  std::vector<TrainedOn> networks;
  AddTrainedOn("generator", RunPaths(options.model_dir).train_clips(), networks, report.notes);
  AddTrainedOn("evaluator", options.evaluator_dir / "train_clips.txt", networks, report.notes);
  networks.push_back({"action classifier", classifier.train_clips()});
  report.split_clips = static_cast<int>(split.size());
  report.leakage = CheckNoLeakage(index, options.split, report.split_clips, networks);

  // Content labels the classifier knows, with their plain captions.
  std::map<std::string, std::vector<const SplitClip*>> by_content;
  for (const SplitClip& clip : split) {
    if (clip.content.empty() || clip.clip.num_persons != 1) continue;
    const std::vector<std::string>& known = classifier.contents();
    if (std::find(known.begin(), known.end(), clip.content) != known.end())
      by_content[clip.content].push_back(&clip);
  }
  if (by_content.empty()) {
    throw Error(fmt::format(
        "the {} split has no single-person clip with a content label the action classifier "
        "knows: no action accuracy to compare",
        options.split));
  }
  const int n = std::min(options.samples, report.split_clips);
  if (n < options.samples) {
    report.notes.push_back(
        fmt::format("{} items per replication asked for, capped at the {} "
                    "split's {} clips",
                    options.samples, options.split, report.split_clips));
  }
  report.items = n;
  report.prompts = static_cast<int>(by_content.size()) * options.action_samples;
  const int longest = std::min(evaluator.crop_frames(), generator.max_frames());

  int64_t steps_per_draw = 0;
  for (int s : steps) steps_per_draw += s;
  std::unique_ptr<ProgressBar> bar;
  if (options.progress) {
    bar =
        std::make_unique<ProgressBar>("evaluate-steps", static_cast<int64_t>(options.replications) *
                                                            (n + report.prompts) * steps_per_draw);
  }

  // Per step count: KID per replication, correct per classified motion,
  // generation seconds and motions.
  std::map<int, std::vector<double>> kid;
  std::map<int, std::vector<double>> correct;
  std::map<int, double> seconds;
  int64_t motions_per_step = 0;
  for (int r = 0; r < options.replications; ++r) {
    const uint64_t rep = static_cast<uint64_t>(r);
    Rng rng(MixSeed(options.seed, rep, 0x57E95ULL));
    std::vector<int> order(split.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    rng.Shuffle(order);
    std::vector<Request> requests;
    std::vector<MotionClip> crops;
    for (int k = 0; k < n; ++k) {
      const SplitClip& clip = split[order[k]];
      crops.push_back(RandomCrop(clip.clip, longest, rng));
      const bool classified = clip.clip.num_persons == 1 && by_content.count(clip.content) > 0;
      requests.push_back(
          {clip.clip.text[rng.UniformInt(0, static_cast<int64_t>(clip.clip.text.size()) - 1)],
           clip.clip.num_persons, crops.back().num_frames, MixSeed(options.seed, rep, k),
           classified ? clip.content : ""});
    }
    int label_index = 0;
    for (const auto& [label, clips] : by_content) {
      const std::string prompt = PlainCaption(clips);
      for (int k = 0; k < options.action_samples; ++k) {
        const MotionClip& clip =
            clips[rng.UniformInt(0, static_cast<int64_t>(clips.size()) - 1)]->clip;
        const int frames = std::min(clip.num_frames, longest);
        requests.push_back({prompt, 1, frames,
                            MixSeed(options.seed, rep, 0xAC7000ULL + label_index * 1000ULL + k),
                            label});
      }
      ++label_index;
    }
    const Eigen::MatrixXd reference = evaluator.EmbedMotions(crops);

    for (int s : steps) {
      StepDraw draw;
      for (const Request& request : requests) {
        GenerateOptions g;
        g.text = request.caption;
        g.persons = request.persons;
        g.frames = request.frames;
        g.seed = request.seed;
        g.guidance = options.guidance;
        g.sampler = SamplerKind::kDdim;
        g.sampler_steps = s;
        g.decoding = options.decoding;
        g.smooth_frames = options.smooth_frames;
        g.foot_lock = options.foot_lock;
        g.progress = false;
        const auto start = std::chrono::steady_clock::now();
        draw.motions.push_back(std::move(generator.Generate(g).motions[0]));
        draw.seconds +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (bar) bar->Tick(s);
      }
      const std::vector<MotionClip> item_motions(draw.motions.begin(), draw.motions.begin() + n);
      kid[s].push_back(Kid(evaluator.EmbedMotions(item_motions), reference));
      std::vector<MotionClip> classified;
      std::vector<std::string> truth;
      for (size_t i = 0; i < requests.size(); ++i) {
        if (requests[i].content.empty()) continue;
        classified.push_back(draw.motions[i]);
        truth.push_back(requests[i].content);
      }
      const std::vector<ActionPrediction> predictions = classifier.Classify(classified);
      for (size_t i = 0; i < predictions.size(); ++i)
        correct[s].push_back(predictions[i].content == truth[i] ? 1.0 : 0.0);
      seconds[s] += draw.seconds;
    }
    motions_per_step += static_cast<int64_t>(requests.size());
  }
  if (bar) bar->Finish();

  const std::vector<double>& kid_ref = kid[options.reference_steps];
  const std::vector<double>& correct_ref = correct[options.reference_steps];
  for (int s : steps) {
    StepsRow row;
    row.steps = s;
    row.seconds_per_motion = seconds[s] / static_cast<double>(motions_per_step);
    row.kid = Summarize(kid[s]);
    row.classified = static_cast<int>(correct[s].size());
    double right = 0.0;
    for (double c : correct[s]) right += c;
    row.accuracy = row.classified > 0 ? right / row.classified : std::nan("");
    std::vector<double> kid_diff, correct_diff;
    for (size_t r = 0; r < kid[s].size(); ++r) kid_diff.push_back(kid[s][r] - kid_ref[r]);
    for (size_t i = 0; i < correct[s].size(); ++i)
      correct_diff.push_back(correct[s][i] - correct_ref[i]);
    row.kid_difference = SummarizePaired(kid_diff);
    row.accuracy_difference = SummarizePaired(correct_diff);
    report.rows.push_back(row);
  }
  DecideSteps(report, options.kid_margin);
  WriteStepsReport(options, report);
  return report;
}

}  // namespace intersynth
