#include "intersynth/eval/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "intersynth/diffusion/generate.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/eval/action_classifier.h"
#include "intersynth/eval/evaluate_report.h"
#include "intersynth/eval/evaluate_scenes.h"
#include "intersynth/eval/evaluate_sets.h"
#include "intersynth/eval/evaluator_io.h"
#include "intersynth/eval/leakage.h"
#include "intersynth/eval_metrics/embedding_metrics.h"
#include "intersynth/eval_metrics/plausibility.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// HumanML3D's multimodality protocol: 100 prompts for its 4,384 test clips.
constexpr double kProtocolPrompts = 100.0;
constexpr double kProtocolTestClips = 4384.0;
// R-precision batches: the match and 31 negatives (Guo et al. 2022).
constexpr int kRPrecisionBatch = 32;

// Sets in report order.
constexpr const char* kSets[] = {"generated", "real", "caption_blind", "random_clip", "mean_pose"};

// What a set's motions stand for, one clip of the split each (the items'
// clips for every set but real, real's own clips for real): the caption each
// is matched with in R-precision, its label set's id and, when there are
// enough distinct label sets for one R-precision batch, the captions'
// embeddings (computed once per replication, not per set).
struct Matched {
  std::vector<const SplitClip*> truths;
  std::vector<std::string> captions;
  std::vector<int> label_sets;
  int distinct_label_sets = 0;
  Eigen::MatrixXd text;

  void Finish(const Evaluator& evaluator) {
    std::map<std::string, int> ids;
    for (size_t i = 0; i < truths.size(); ++i) {
      label_sets.push_back(
          ids.emplace(LabelSetKey(truths[i]->entry, captions[i]), static_cast<int>(ids.size()))
              .first->second);
    }
    distinct_label_sets = static_cast<int>(ids.size());
    if (distinct_label_sets >= kRPrecisionBatch) text = evaluator.EmbedTexts(captions);
  }
};

// One set's motions of one replication and its multimodality groups.
struct SetDraw {
  std::vector<MotionClip> motions;
  std::vector<std::vector<MotionClip>> mm_groups;
};

// Mean distance from each row of `set` to its nearest row of `pool`.
double MeanNearestDistance(const Eigen::MatrixXd& set, const Eigen::MatrixXd& pool) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < set.rows(); ++i)
    sum += std::sqrt((pool.rowwise() - set.row(i)).rowwise().squaredNorm().minCoeff());
  return sum / static_cast<double>(set.rows());
}

// The rows of `embeddings` whose item is (or is not) in the unseen part.
Eigen::MatrixXd RowsOfPart(const Eigen::MatrixXd& embeddings,
                           const std::vector<const SplitClip*>& truths,
                           bool unseen) {
  std::vector<Eigen::Index> rows;
  for (size_t i = 0; i < truths.size(); ++i) {
    if (truths[i]->unseen == unseen) rows.push_back(static_cast<Eigen::Index>(i));
  }
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), embeddings.cols());
  for (size_t k = 0; k < rows.size(); ++k)
    out.row(static_cast<Eigen::Index>(k)) = embeddings.row(rows[k]);
  return out;
}

bool HasUnseen(const std::vector<const SplitClip*>& truths) {
  return std::any_of(truths.begin(), truths.end(), [](const SplitClip* c) { return c->unseen; });
}

// KID of two sets, NaN when either has fewer than 2 rows.
double KidOrNan(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() >= 2 && b.rows() >= 2 ? Kid(a, b) : std::nan("");
}

// Everything Measure needs besides the set.
struct Reference {
  const Evaluator* evaluator = nullptr;
  const ActionClassifier* classifier = nullptr;
  /// The items' real crops and their parts.
  Eigen::MatrixXd items;
  std::vector<const SplitClip*> item_truths;
  /// Embeddings of a crop of every train clip (memorisation).
  Eigen::MatrixXd train;
  const EvaluateOptions* options = nullptr;
};

// Content and style accuracy of a set's single-person motions.
void MeasureActions(const ActionClassifier& classifier,
                    const Matched& matched,
                    const SetDraw& draw,
                    std::map<std::string, double>& figures) {
  std::vector<MotionClip> motions;
  std::vector<const SplitClip*> truths;
  for (size_t i = 0; i < draw.motions.size(); ++i) {
    if (matched.truths[i]->content.empty() || draw.motions[i].num_persons != 1) continue;
    motions.push_back(draw.motions[i]);
    truths.push_back(matched.truths[i]);
  }
  std::vector<ActionPrediction> predictions;
  if (!motions.empty()) predictions = classifier.Classify(motions);
  auto score = [&](int part, bool style) {
    std::vector<std::string> truth, predicted;
    for (size_t i = 0; i < truths.size(); ++i) {
      if (part >= 0 && truths[i]->unseen != (part == 1)) continue;
      truth.push_back(style ? truths[i]->style : truths[i]->content);
      predicted.push_back(style ? predictions[i].style : predictions[i].content);
    }
    return ActionAccuracy(truth, predicted);
  };
  figures["content_accuracy"] = score(-1, false);
  figures["content_accuracy_seen"] = HasUnseen(matched.truths) ? score(0, false) : std::nan("");
  figures["content_accuracy_unseen"] = score(1, false);
  figures["style_accuracy"] = score(-1, true);
  figures["style_accuracy_unseen"] = score(1, true);
}

// Every figure of one set and replication.
std::map<std::string, double> Measure(const Reference& reference,
                                      const Matched& matched,
                                      const SetDraw& draw,
                                      uint64_t seed) {
  const EvaluateOptions& options = *reference.options;
  std::map<std::string, double> figures;
  const Eigen::MatrixXd motion = reference.evaluator->EmbedMotions(draw.motions);
  figures["fid"] = Fid(motion, reference.items);
  figures["kid"] = Kid(motion, reference.items);
  // Per part only where the split has an unseen part (else "seen" is all).
  const bool parts = HasUnseen(matched.truths) && HasUnseen(reference.item_truths);
  figures["kid_seen"] = parts ? KidOrNan(RowsOfPart(motion, matched.truths, false),
                                         RowsOfPart(reference.items, reference.item_truths, false))
                              : std::nan("");
  figures["kid_unseen"] = parts ? KidOrNan(RowsOfPart(motion, matched.truths, true),
                                           RowsOfPart(reference.items, reference.item_truths, true))
                                : std::nan("");
  // R-precision needs one full batch of distinct label sets; with fewer the
  // figures do not apply (the report says why).
  if (matched.distinct_label_sets >= kRPrecisionBatch) {
    const RPrecisionResult r =
        RPrecision(matched.text, motion, matched.label_sets, {kRPrecisionBatch, seed});
    figures["r_precision_top1"] = r.top_k[0];
    figures["r_precision_top2"] = r.top_k[1];
    figures["r_precision_top3"] = r.top_k[2];
    figures["mm_dist"] = r.mm_dist;
  } else {
    for (const char* name :
         {"r_precision_top1", "r_precision_top2", "r_precision_top3", "mm_dist"}) {
      figures[name] = std::nan("");
    }
  }
  figures["diversity"] = Diversity(
      motion, std::min(options.diversity_pairs, static_cast<int>(motion.rows())), seed + 1);
  if (draw.mm_groups.empty()) {
    figures["multimodality"] = std::nan("");
  } else {
    std::vector<Eigen::MatrixXd> groups;
    for (const std::vector<MotionClip>& group : draw.mm_groups)
      groups.push_back(reference.evaluator->EmbedMotions(group));
    figures["multimodality"] = Multimodality(groups, options.mm_pairs, seed + 2);
  }
  figures["nearest_train"] = MeanNearestDistance(motion, reference.train);
  if (reference.classifier != nullptr)
    MeasureActions(*reference.classifier, matched, draw, figures);
  std::vector<ClipPlausibility> plausibility;
  for (const MotionClip& clip : draw.motions) {
    if (clip.num_frames >= kEvaluateMinFrames) plausibility.push_back(MeasurePlausibility(clip));
  }
  const ClipPlausibility mean = AveragePlausibility(plausibility);
  figures["foot_skate_m_s"] = mean.person_mean.foot_skate_m_s;
  figures["foot_skate_ratio"] = mean.person_mean.foot_skate_ratio;
  figures["floating_mm"] = mean.person_mean.floating_mm;
  figures["penetration_mm"] = mean.person_mean.penetration_mm;
  figures["jitter_m_s3"] = mean.person_mean.jitter_m_s3;
  figures["bone_drift_mm"] = mean.person_mean.bone_drift_mm;
  figures["interpenetration_mm"] = mean.num_pairs > 0 ? mean.interpenetration_mm : std::nan("");
  return figures;
}

// `samples` generated motions of one prompt with the options' sampler.
std::vector<MotionClip> GenerateMotions(Generator& generator,
                                        const std::string& caption,
                                        int persons,
                                        int frames,
                                        int samples,
                                        uint64_t seed,
                                        double guidance,
                                        const EvaluateOptions& options) {
  GenerateOptions g;
  g.text = caption;
  g.persons = persons;
  g.frames = frames;
  g.samples = samples;
  g.seed = seed;
  g.guidance = guidance;
  g.sampler = options.sampler;
  g.sampler_steps = options.sampler_steps;
  g.decoding = options.decoding;
  g.smooth_frames = options.smooth_frames;
  g.foot_lock = options.foot_lock;
  g.progress = false;
  return generator.Generate(g).motions;
}

// One generated motion.
MotionClip GenerateOne(Generator& generator,
                       const std::string& caption,
                       int persons,
                       int frames,
                       uint64_t seed,
                       double guidance,
                       const EvaluateOptions& options) {
  return std::move(
      GenerateMotions(generator, caption, persons, frames, 1, seed, guidance, options)[0]);
}

}  // namespace

void EvaluateOptions::Check() const {
  CheckRequired(model_dir.string(), "model_dir");
  CheckRequired(evaluator_dir.string(), "evaluator_dir");
  CheckRequired(data_dir.string(), "data_dir");
  CheckRequired(split, "split");
  CheckAtLeast(replications, 1, "replications");
  CheckAtLeast(samples, 2, "samples");
  CheckAtLeast(action_samples, 1, "action_samples");
  CheckAtLeast(scenes, 0, "scenes");
  CheckAtLeast(scene_separation_m, 0.0, "scene_separation_m");
  if (mm_prompts < 0 || mm_samples < 2 || mm_pairs < 1 || mm_pairs > mm_samples) {
    throw OptionError(
        fmt::format("multimodality needs {{mm_prompts}} >= 0, {{mm_samples}} >= 2 and 1 <= "
                    "{{mm_pairs}} <= {{mm_samples}}, "
                    "got {}, {} and {}",
                    mm_prompts, mm_samples, mm_pairs));
  }
  CheckAtLeast(diversity_pairs, 1, "diversity_pairs");
  CheckAtLeast(guidance, 0.0, "guidance");
  CheckAtLeast(sampler_steps, 1, "sampler_steps");
  CheckAtLeast(smooth_frames, 0.0, "smooth_frames");
  CheckRequired(out_dir.string(), "out_dir");
}

EvaluateReport Evaluate(const EvaluateOptions& options) {
  options.Check();
  EvaluateReport report;

  // The networks and the data, checked against each other.
  const Evaluator evaluator(options.evaluator_dir, options.device);
  Generator generator(options.model_dir, options.device, options.threads);
  std::unique_ptr<ActionClassifier> classifier;
  if (!options.classifier_dir.empty())
    classifier = std::make_unique<ActionClassifier>(ActionClassifier::Load(options.classifier_dir));
  const std::vector<DatasetEntry> index = ReadDatasetIndex(options.data_dir);
  const std::vector<SplitClip> split = LoadSplit(options.data_dir, index, options.split);
  if (split.size() < 4) {
    throw Error(fmt::format(
        "{}: the {} split has {} clips with captions and at least {} frames; the protocol needs "
        "at least 4 (two halves of 2)",
        options.data_dir.string(), options.split, split.size(), kEvaluateMinFrames));
  }
  const std::vector<SplitClip> train = LoadSplit(options.data_dir, index, "train");
  if (train.empty())
    throw Error(fmt::format("{}: the train split is empty", options.data_dir.string()));
  const float fps = split[0].clip.fps;
  CheckSplitFitsNetworks(split, options.split, generator.fps(), generator.max_persons(),
                         evaluator.fps(), evaluator.max_persons());
  const TrainPool pool(train);
  std::set<std::string> label_sets;
  for (const SplitClip& clip : split) {
    const int persons = clip.clip.num_persons;
    if (options.baselines && !pool.Covers(persons)) {
      throw Error(fmt::format(
          "the train split has no {}-person and no 1-person clip for the random-clip baseline",
          persons));
    }
    for (const std::string& caption : clip.clip.text)
      label_sets.insert(LabelSetKey(clip.entry, caption));
  }

  // Leakage: no network may have trained on the split's clips, takes or
  // performers.
  std::vector<TrainedOn> networks;
  AddTrainedOn("generator", RunPaths(options.model_dir).train_clips(), networks, report.notes);
  AddTrainedOn("evaluator", options.evaluator_dir / "train_clips.txt", networks, report.notes);
  if (classifier) networks.push_back({"action classifier", classifier->train_clips()});
  report.leakage = CheckNoLeakage(index, options.split, static_cast<int>(split.size()), networks);

  // Sizes: items, crops and multimodality prompts.
  const int half = static_cast<int>(split.size()) / 2;
  const int n = std::min(options.samples, half);
  if (n < options.samples) {
    report.notes.push_back(fmt::format(
        "{} items per replication asked for, capped at half the {} split ({} clips), so that the "
        "real floor is measured at the same n",
        options.samples, options.split, half));
  }
  const int longest = std::min(evaluator.crop_frames(), generator.max_frames());
  const int mm_prompts =
      std::min(n, options.mm_prompts > 0
                      ? options.mm_prompts
                      : std::max(2, static_cast<int>(std::lround(kProtocolPrompts * split.size() /
                                                                 kProtocolTestClips))));
  if (options.diversity_pairs > n) {
    report.notes.push_back(fmt::format(
        "diversity over {} pairs (the items per replication), not {}", n, options.diversity_pairs));
  }
  std::set<std::string> distinct_captions;
  for (const SplitClip& clip : split)
    distinct_captions.insert(clip.clip.text.begin(), clip.clip.text.end());
  const std::vector<std::string> unknown =
      evaluator.UnknownWords({distinct_captions.begin(), distinct_captions.end()});
  if (!unknown.empty()) {
    report.notes.push_back(fmt::format(
        "{} words of the split's captions are unknown to the evaluator", unknown.size()));
  }
  const FeatureNormalizer statistics =
      FeatureNormalizer::Load(options.data_dir / "mean_262.npy", options.data_dir / "std_262.npy");

  // The content labels of the split and their plain captions.
  std::map<std::string, std::vector<const SplitClip*>> by_content;
  if (classifier) {
    for (const SplitClip& clip : split) {
      if (!clip.content.empty() && clip.clip.num_persons == 1)
        by_content[clip.content].push_back(&clip);
    }
    for (const auto& [label, clips] : by_content)
      report.prompts.push_back({label, PlainCaption(clips)});
    std::vector<std::string> unknown_labels;
    for (const auto& [label, clips] : by_content) {
      const std::vector<std::string>& known = classifier->contents();
      if (std::find(known.begin(), known.end(), label) == known.end())
        unknown_labels.push_back(label);
    }
    if (!unknown_labels.empty()) {
      report.notes.push_back(fmt::format(
          "the action classifier does not know {} of the split's {} content labels (first: {}); "
          "their items count as wrong",
          unknown_labels.size(), by_content.size(), unknown_labels[0]));
    }
  }

  // A crop of every train clip, for the nearest-training-clip distance.
  std::vector<MotionClip> train_crops;
  {
    Rng rng(MixSeed(options.seed, 0x7A1EULL, 0));
    for (const SplitClip& clip : train) train_crops.push_back(RandomCrop(clip.clip, longest, rng));
  }
  Reference reference;
  reference.evaluator = &evaluator;
  reference.classifier = classifier.get();
  reference.train = evaluator.EmbedMotions(train_crops);
  reference.options = &options;
  train_crops.clear();

  // Replications.
  const int baseline_factor = options.baselines ? 2 : 1;
  const int prompt_motions =
      static_cast<int>(report.prompts.size()) * options.action_samples * baseline_factor;
  const bool scenes_on = options.scenes > 0 && generator.max_persons() >= 3;
  if (options.scenes > 0 && !scenes_on) {
    report.notes.push_back(fmt::format(
        "no multi-person benchmark: the generator takes at most {} persons (it needs 3)",
        generator.max_persons()));
  }
  std::vector<const SplitClip*> scene_pool;
  for (const SplitClip& clip : split) {
    if (clip.clip.num_persons == 1) scene_pool.push_back(&clip);
  }
  int failed_scenes = 0;
  int fewest_label_sets = n;
  double unseen_items = 0.0;
  std::map<std::string, std::map<std::string, std::vector<double>>> values;
  std::unique_ptr<ProgressBar> bar;
  if (options.progress) {
    bar = std::make_unique<ProgressBar>(
        "evaluate", static_cast<int64_t>(options.replications) *
                        (n * baseline_factor + mm_prompts * options.mm_samples + prompt_motions +
                         (scenes_on ? options.scenes : 0)));
  }
  auto tick = [&](int64_t k) {
    if (bar) bar->Tick(k);
  };
  for (int r = 0; r < options.replications; ++r) {
    const uint64_t rep = static_cast<uint64_t>(r);
    Rng rng(MixSeed(options.seed, rep, 0xE7A1ULL));
    std::vector<int> order(split.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    rng.Shuffle(order);

    // Items (the first n clips of half A) and the real floor (the first n of B).
    Matched items, real_matched;
    SetDraw item_crops, real;
    for (int k = 0; k < n; ++k) {
      for (bool is_item : {true, false}) {
        const SplitClip& clip = split[order[is_item ? k : half + k]];
        Matched& matched = is_item ? items : real_matched;
        matched.truths.push_back(&clip);
        matched.captions.push_back(
            clip.clip.text[rng.UniformInt(0, static_cast<int64_t>(clip.clip.text.size()) - 1)]);
        (is_item ? item_crops : real).motions.push_back(RandomCrop(clip.clip, longest, rng));
      }
    }
    items.Finish(evaluator);
    real_matched.Finish(evaluator);
    fewest_label_sets = std::min(fewest_label_sets, items.distinct_label_sets);
    for (const SplitClip* clip : items.truths) unseen_items += clip->unseen ? 1.0 : 0.0;

    // Generated motions (and multimodality groups for the first prompts), and
    // the same seeds at guidance 0.
    std::map<std::string, SetDraw> sets;
    SetDraw& generated = sets["generated"];
    for (int i = 0; i < n; ++i) {
      const MotionClip& item = item_crops.motions[i];
      const uint64_t seed = MixSeed(options.seed, rep, static_cast<uint64_t>(i));
      generated.motions.push_back(GenerateOne(generator, items.captions[i], item.num_persons,
                                              item.num_frames, seed, options.guidance, options));
      tick(1);
      if (options.baselines) {
        sets["caption_blind"].motions.push_back(GenerateOne(
            generator, items.captions[i], item.num_persons, item.num_frames, seed, 0.0, options));
        tick(1);
      }
      if (i < mm_prompts) {
        generated.mm_groups.push_back(
            GenerateMotions(generator, items.captions[i], item.num_persons, item.num_frames,
                            options.mm_samples, seed + 0x5A5AULL, options.guidance, options));
        tick(options.mm_samples);
      }
    }

    // Baselines, each cut to its item's length.
    if (options.baselines) {
      for (int i = 0; i < n; ++i) {
        const MotionClip& item = item_crops.motions[i];
        sets["random_clip"].motions.push_back(pool.Draw(item.num_persons, item.num_frames, rng));
        sets["mean_pose"].motions.push_back(
            MeanPoseClip(statistics, item.num_persons, item.num_frames, fps));
        if (i < mm_prompts) {
          sets["random_clip"].mm_groups.emplace_back();
          sets["mean_pose"].mm_groups.emplace_back();
          for (int k = 0; k < options.mm_samples; ++k) {
            sets["random_clip"].mm_groups.back().push_back(
                pool.Draw(item.num_persons, item.num_frames, rng));
            sets["mean_pose"].mm_groups.back().push_back(sets["mean_pose"].motions.back());
          }
        }
      }
    }

    // Figures of every set, against the items' real crops.
    reference.items = evaluator.EmbedMotions(item_crops.motions);
    reference.item_truths = items.truths;
    const uint64_t seed = MixSeed(options.seed, rep, 0xF1DULL);
    auto record = [&](const std::string& set, const std::map<std::string, double>& figures) {
      for (const auto& [name, value] : figures) values[set][name].push_back(value);
    };
    record("real", Measure(reference, real_matched, real, seed));
    for (const auto& [name, draw] : sets) {
      if (!draw.motions.empty()) record(name, Measure(reference, items, draw, seed));
    }

    // Plain-caption action accuracy: per content label, action_samples
    // motions of the model, as many at guidance 0 and as many real crops.
    if (classifier) {
      std::vector<MotionClip> prompt_real, prompt_generated, prompt_blind;
      std::vector<std::string> truth;
      int label_index = 0;
      for (const auto& [label, clips] : by_content) {
        const std::string& prompt = report.prompts[label_index].prompt;
        for (int k = 0; k < options.action_samples; ++k) {
          const MotionClip& clip =
              clips[rng.UniformInt(0, static_cast<int64_t>(clips.size()) - 1)]->clip;
          prompt_real.push_back(RandomCrop(clip, longest, rng));
          const int frames = prompt_real.back().num_frames;
          const uint64_t prompt_seed =
              MixSeed(options.seed, rep, 0xAC7000ULL + label_index * 1000ULL + k);
          prompt_generated.push_back(
              GenerateOne(generator, prompt, 1, frames, prompt_seed, options.guidance, options));
          tick(1);
          if (options.baselines) {
            prompt_blind.push_back(
                GenerateOne(generator, prompt, 1, frames, prompt_seed, 0.0, options));
            tick(1);
          }
          truth.push_back(label);
        }
        ++label_index;
      }
      auto classify = [&](const std::vector<MotionClip>& motions, int PromptAccuracy::*correct,
                          const char* set) {
        if (motions.empty()) return;
        const std::vector<ActionPrediction> predictions = classifier->Classify(motions);
        int right = 0;
        for (size_t i = 0; i < predictions.size(); ++i) {
          const bool hit = predictions[i].content == truth[i];
          right += hit ? 1 : 0;
          report.prompts[i / options.action_samples].*correct += hit ? 1 : 0;
        }
        values[set]["prompt_accuracy"].push_back(static_cast<double>(right) / predictions.size());
      };
      classify(prompt_real, &PromptAccuracy::real_correct, "real");
      classify(prompt_generated, &PromptAccuracy::generated_correct, "generated");
      classify(prompt_blind, &PromptAccuracy::caption_blind_correct, "caption_blind");
      for (PromptAccuracy& prompt : report.prompts) prompt.motions += options.action_samples;
    }

    // The multi-person benchmark: composed prompts, the model's scenes and
    // the real clips composed the same way.
    if (scenes_on && !scene_pool.empty()) {
      std::vector<Scene> scenes;
      std::vector<MotionClip> scene_motions;
      for (int k = 0; k < options.scenes; ++k) {
        const int persons = k % 2 == 0 ? 2 : 3;
        std::optional<Scene> scene;
        for (int attempt = 0; attempt < 10 && !scene; ++attempt)
          scene = DrawScene(scene_pool, persons, longest, options.scene_separation_m, rng);
        tick(1);
        if (!scene) {
          ++failed_scenes;
          continue;
        }
        scene_motions.push_back(
            GenerateOne(generator, scene->prompt, persons, scene->real.num_frames,
                        MixSeed(options.seed, rep, 0x5CE0000ULL + k), options.guidance, options));
        scenes.push_back(std::move(*scene));
      }
      if (!scenes.empty()) {
        std::vector<MotionClip> real_scenes;
        for (const Scene& scene : scenes) real_scenes.push_back(scene.real);
        std::map<std::string, double> generated_figures, real_figures;
        MeasureScenes(scenes, scene_motions, classifier.get(), generated_figures);
        MeasureScenes(scenes, real_scenes, classifier.get(), real_figures);
        for (const auto& [name, value] : generated_figures)
          values["generated"][name].push_back(value);
        for (const auto& [name, value] : real_figures) values["real"][name].push_back(value);
        if (r == 0) {
          for (size_t k = 0; k < std::min<size_t>(3, scenes.size()); ++k)
            report.scene_examples.push_back(scenes[k].prompt);
        }
      }
    }
  }
  if (bar) bar->Finish();
  if (failed_scenes > 0) {
    report.notes.push_back(
        fmt::format("{} composed scenes were left out: no placement kept {} m between the pelvises",
                    failed_scenes, options.scene_separation_m));
  }

  // Summaries over replications, in a fixed set and metric order.
  for (const char* set : kSets) {
    if (!values.count(set)) continue;
    SetFigures figures{set, {}};
    for (const std::string& name : EvaluationMetricNames()) {
      std::vector<double> finite;
      for (double v : values[set][name]) {
        if (std::isfinite(v)) finite.push_back(v);
      }
      if (finite.empty()) {
        figures.metrics.push_back({name, std::nan(""), std::nan("")});
      } else {
        const MeanInterval summary = Summarize(finite);
        figures.metrics.push_back({name, summary.mean, summary.ci95});
      }
    }
    report.sets.push_back(std::move(figures));
  }
  report.items = n;
  report.distinct_captions = static_cast<int>(distinct_captions.size());
  report.label_sets = static_cast<int>(label_sets.size());
  report.split_clips = static_cast<int>(split.size());
  report.unseen_items = unseen_items / options.replications;
  if (report.label_sets < kRPrecisionBatch) {
    report.notes.push_back(
        fmt::format("only {} distinct label sets: no R-precision (needs batches of {})",
                    report.label_sets, kRPrecisionBatch));
  } else if (fewest_label_sets < kRPrecisionBatch) {
    report.notes.push_back(fmt::format(
        "a replication's {} items had only {} distinct label sets: R-precision (batches of {} "
        "distinct label sets) left out there; draw more items per replication",
        n, fewest_label_sets, kRPrecisionBatch));
  }
  WriteEvaluationReport(options, ReportContext{mm_prompts, longest, fps}, report);
  return report;
}

}  // namespace intersynth
