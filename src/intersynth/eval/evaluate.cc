#include "intersynth/eval/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "intersynth/body/retarget.h"
#include "intersynth/diffusion/generate.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/diffusion/training_data.h"
#include "intersynth/eval/evaluate_report.h"
#include "intersynth/eval/evaluator_io.h"
#include "intersynth/eval_metrics/embedding_metrics.h"
#include "intersynth/eval_metrics/plausibility.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// HumanML3D's multimodality protocol: 100 prompts for its 4,384 test clips.
constexpr double kProtocolPrompts = 100.0;
constexpr double kProtocolTestClips = 4384.0;
// R-precision batches: the match and 31 negatives (Guo et al. 2022).
constexpr int kRPrecisionBatch = 32;
// Plausibility needs the third difference (jerk).
constexpr int kMinFrames = 4;

struct SplitClip {
  std::string id;
  MotionClip clip;
};

// The clips of one split, read from the dataset's index.
std::vector<SplitClip> LoadSplit(const std::filesystem::path& data_dir, const std::string& split) {
  std::vector<SplitClip> clips;
  for (const DatasetEntry& entry : ReadDatasetIndex(data_dir)) {
    if (entry.split != split) continue;
    SplitClip clip{entry.id, ReadMotionFile(data_dir / entry.file)};
    if (clip.clip.text.empty()) clip.clip.text = entry.texts;
    if (clip.clip.text.empty() || clip.clip.num_frames < kMinFrames) continue;
    clips.push_back(std::move(clip));
  }
  return clips;
}

// Frames [start, start + frames) of a clip (joints, valid mask and captions).
MotionClip Crop(const MotionClip& clip, int start, int frames) {
  MotionClip out = MotionClip::Zeros(clip.num_persons, frames, clip.fps);
  out.text = clip.text;
  for (int p = 0; p < clip.num_persons; ++p) {
    std::copy_n(clip.joint(p, start, 0), static_cast<size_t>(frames) * kNumJoints * 3,
                out.joint(p, 0, 0));
  }
  if (!clip.valid.empty()) {
    out.valid.resize(static_cast<size_t>(clip.num_persons) * frames * kNumJoints);
    for (int p = 0; p < clip.num_persons; ++p) {
      std::copy_n(
          clip.valid.begin() + (static_cast<size_t>(p) * clip.num_frames + start) * kNumJoints,
          static_cast<size_t>(frames) * kNumJoints,
          out.valid.begin() + static_cast<size_t>(p) * frames * kNumJoints);
    }
  }
  return out;
}

// A random crop of at most `longest` frames.
MotionClip RandomCrop(const MotionClip& clip, int longest, Rng& rng) {
  const int frames = std::min(clip.num_frames, longest);
  return Crop(clip, static_cast<int>(rng.UniformInt(0, clip.num_frames - frames)), frames);
}

// The dataset's mean pose (the position channels of mean_262, centred over
// the origin), P copies 1 m apart along x, held for `frames` frames, on the
// floor as the dataset's clips are.
MotionClip MeanPoseClip(const FeatureNormalizer& statistics, int persons, int frames, float fps) {
  MotionClip clip = MotionClip::Zeros(persons, frames, fps);
  const float centre_x = statistics.mean[0], centre_z = statistics.mean[2];
  for (int p = 0; p < persons; ++p) {
    for (int t = 0; t < frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        float* joint = clip.joint(p, t, j);
        joint[0] = statistics.mean[3 * j] - centre_x + 1.0f * p;
        joint[1] = statistics.mean[3 * j + 1];
        joint[2] = statistics.mean[3 * j + 2] - centre_z;
      }
    }
  }
  PutOnFloorOptions floor;
  floor.percentile = kDatasetFloorPercentile;
  PutOnFloor(clip.joints, persons * frames, floor);
  return clip;
}

// P single-person clips side by side (1 m apart), when the train split has
// no clip of P persons for the random-clip baseline.
MotionClip SideBySide(const std::vector<const MotionClip*>& singles, int frames) {
  MotionClip out = MotionClip::Zeros(static_cast<int>(singles.size()), frames, singles[0]->fps);
  for (size_t p = 0; p < singles.size(); ++p) {
    for (int t = 0; t < frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* from = singles[p]->joint(0, std::min(t, singles[p]->num_frames - 1), j);
        float* to = out.joint(static_cast<int>(p), t, j);
        to[0] = from[0] + 1.0f * static_cast<float>(p);
        to[1] = from[1];
        to[2] = from[2];
      }
    }
  }
  return out;
}

// The random-clip baseline's motion for an item of `persons` persons.
MotionClip RandomTrainMotion(const std::vector<SplitClip>& train,
                             const std::map<int, std::vector<int>>& by_persons,
                             int persons,
                             int longest,
                             Rng& rng) {
  const auto found = by_persons.find(persons);
  if (found != by_persons.end()) {
    const std::vector<int>& pool = found->second;
    return RandomCrop(train[pool[rng.UniformInt(0, static_cast<int64_t>(pool.size()) - 1)]].clip,
                      longest, rng);
  }
  const std::vector<int>& singles = by_persons.at(1);
  std::vector<MotionClip> crops;
  for (int p = 0; p < persons; ++p) {
    crops.push_back(
        RandomCrop(train[singles[rng.UniformInt(0, static_cast<int64_t>(singles.size()) - 1)]].clip,
                   longest, rng));
  }
  int frames = longest;
  std::vector<const MotionClip*> pointers;
  for (const MotionClip& crop : crops) {
    frames = std::min(frames, crop.num_frames);
    pointers.push_back(&crop);
  }
  return SideBySide(pointers, frames);
}

// One set's motions of one replication, with its multimodality groups.
struct SetDraw {
  std::vector<MotionClip> motions;
  std::vector<std::vector<MotionClip>> mm_groups;
};

// Every figure of one set and replication.
std::map<std::string, double> Measure(const Evaluator& evaluator,
                                      const SetDraw& draw,
                                      const Eigen::MatrixXd& text_embeddings,
                                      const std::vector<int>& caption_ids,
                                      const Eigen::MatrixXd& reference,
                                      const EvaluateOptions& options,
                                      uint64_t seed) {
  std::map<std::string, double> figures;
  const Eigen::MatrixXd motion = evaluator.EmbedMotions(draw.motions);
  figures["fid"] = Fid(motion, reference);
  // R-precision needs one full batch of distinct captions; with fewer the
  // figures do not apply (the report says why). Other errors propagate.
  const int distinct_captions =
      static_cast<int>(std::set<int>(caption_ids.begin(), caption_ids.end()).size());
  if (distinct_captions >= kRPrecisionBatch) {
    const RPrecisionResult r =
        RPrecision(text_embeddings, motion, caption_ids, {kRPrecisionBatch, seed});
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
      groups.push_back(evaluator.EmbedMotions(group));
    figures["multimodality"] = Multimodality(groups, options.mm_pairs, seed + 2);
  }
  std::vector<ClipPlausibility> plausibility;
  for (const MotionClip& clip : draw.motions) {
    if (clip.num_frames >= kMinFrames) plausibility.push_back(MeasurePlausibility(clip));
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

}  // namespace

void EvaluateOptions::Check() const {
  CheckRequired(model_dir.string(), "model_dir");
  CheckRequired(evaluator_dir.string(), "evaluator_dir");
  CheckRequired(data_dir.string(), "data_dir");
  CheckRequired(split, "split");
  CheckAtLeast(replications, 1, "replications");
  CheckAtLeast(samples, 2, "samples");
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
  CheckRequired(out_dir.string(), "out_dir");
}

EvaluateReport Evaluate(const EvaluateOptions& options) {
  options.Check();
  EvaluateReport report;

  // The evaluator, the generator and the data, checked against each other.
  const Evaluator evaluator(options.evaluator_dir, options.device);
  Generator generator(options.model_dir, options.device, options.threads);
  const std::vector<SplitClip> split = LoadSplit(options.data_dir, options.split);
  if (split.empty()) {
    throw Error(fmt::format("{}: the {} split has no clips with captions and at least {} frames",
                            options.data_dir.string(), options.split, kMinFrames));
  }
  const std::vector<SplitClip> train = LoadSplit(options.data_dir, "train");
  if (train.empty())
    throw Error(fmt::format("{}: the train split is empty", options.data_dir.string()));
  const float fps = split[0].clip.fps;
  if (std::abs(generator.fps() - fps) > 1e-3f || std::abs(evaluator.fps() - fps) > 1e-3f) {
    throw Error(
        fmt::format("frame rates differ: dataset {} fps, generator {} fps, evaluator {} fps", fps,
                    generator.fps(), evaluator.fps()));
  }
  std::map<int, std::vector<int>> train_by_persons;
  for (size_t i = 0; i < train.size(); ++i)
    train_by_persons[train[i].clip.num_persons].push_back(static_cast<int>(i));
  std::set<std::string> distinct_captions;
  for (const SplitClip& clip : split) {
    const int persons = clip.clip.num_persons;
    if (persons > generator.max_persons() || persons > evaluator.max_persons()) {
      throw Error(fmt::format(
          "{}: clip {} has {} persons; the generator takes up to {} and the evaluator up to {}",
          options.split, clip.id, persons, generator.max_persons(), evaluator.max_persons()));
    }
    if (options.baselines && !train_by_persons.count(persons) && !train_by_persons.count(1)) {
      throw Error(fmt::format(
          "the train split has no {}-person and no 1-person clip for the random-clip baseline",
          persons));
    }
    distinct_captions.insert(clip.clip.text.begin(), clip.clip.text.end());
  }

  // Leakage: the generator must not have trained on the split.
  const std::filesystem::path trained_on = RunPaths(options.model_dir).train_clips();
  if (std::filesystem::exists(trained_on)) {
    const std::vector<std::string> ids = ReadNonEmptyLines(trained_on);
    const std::set<std::string> trained(ids.begin(), ids.end());
    int leaked = 0;
    for (const SplitClip& clip : split) leaked += trained.count(clip.id) ? 1 : 0;
    if (leaked > 0) {
      throw Error(fmt::format(
          "{}: the generator trained on {} clips of the {} split (leakage); evaluate on another "
          "split or dataset",
          trained_on.string(), leaked, options.split));
    }
  } else {
    report.notes.push_back(fmt::format("{} is missing: leakage of the {} split was not checked",
                                       trained_on.string(), options.split));
  }

  // Sizes: items, crops and multimodality prompts.
  const int n = std::min<int>(options.samples, static_cast<int>(split.size()));
  if (n < options.samples) {
    report.notes.push_back(
        fmt::format("{} items per replication asked for, capped at the {} clips of the {} "
                    "split",
                    options.samples, n, options.split));
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
  const std::vector<std::string> unknown =
      evaluator.UnknownWords({distinct_captions.begin(), distinct_captions.end()});
  if (!unknown.empty()) {
    report.notes.push_back(fmt::format(
        "{} words of the split's captions are unknown to the evaluator", unknown.size()));
  }
  const FeatureNormalizer statistics =
      FeatureNormalizer::Load(options.data_dir / "mean_262.npy", options.data_dir / "std_262.npy");

  // Replications.
  int fewest_item_captions = n;
  std::map<std::string, std::map<std::string, std::vector<double>>> values;
  std::unique_ptr<ProgressBar> bar;
  if (options.progress) {
    bar = std::make_unique<ProgressBar>("evaluate", static_cast<int64_t>(options.replications) *
                                                        (n + mm_prompts * options.mm_samples));
  }
  auto tick = [&](int64_t k) {
    if (bar) bar->Tick(k);
  };
  for (int r = 0; r < options.replications; ++r) {
    Rng rng(MixSeed(options.seed, static_cast<uint64_t>(r), 0xE7A1ULL));
    std::vector<int> order(split.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    rng.Shuffle(order);
    order.resize(n);

    // Items: the real crops and their captions.
    SetDraw real, generated, random_clip, mean_pose;
    std::vector<std::string> captions;
    std::vector<int> caption_ids;
    std::map<std::string, int> ids;
    for (int index : order) {
      const MotionClip& clip = split[index].clip;
      const std::string& caption =
          clip.text[rng.UniformInt(0, static_cast<int64_t>(clip.text.size()) - 1)];
      captions.push_back(caption);
      caption_ids.push_back(ids.emplace(caption, static_cast<int>(ids.size())).first->second);
      real.motions.push_back(RandomCrop(clip, longest, rng));
    }
    fewest_item_captions = std::min(fewest_item_captions, static_cast<int>(ids.size()));

    // Generated motions (and multimodality groups for the first prompts).
    for (int i = 0; i < n; ++i) {
      GenerateOptions g;
      g.text = captions[i];
      g.persons = real.motions[i].num_persons;
      g.frames = real.motions[i].num_frames;
      g.seed = MixSeed(options.seed, static_cast<uint64_t>(r), static_cast<uint64_t>(i));
      g.guidance = options.guidance;
      g.sampler = options.sampler;
      g.sampler_steps = options.sampler_steps;
      g.progress = false;
      generated.motions.push_back(std::move(generator.Generate(g).motions[0]));
      tick(1);
      if (i < mm_prompts) {
        g.samples = options.mm_samples;
        g.seed += 0x5A5AULL;
        generated.mm_groups.push_back(generator.Generate(g).motions);
        tick(options.mm_samples);
      }
    }

    // Baselines, and the train crops real data is measured against.
    std::vector<MotionClip> train_crops;
    for (int i = 0; i < n; ++i) {
      train_crops.push_back(RandomCrop(
          train[rng.UniformInt(0, static_cast<int64_t>(train.size()) - 1)].clip, longest, rng));
    }
    if (options.baselines) {
      for (int i = 0; i < n; ++i) {
        const MotionClip& item = real.motions[i];
        random_clip.motions.push_back(
            RandomTrainMotion(train, train_by_persons, item.num_persons, longest, rng));
        mean_pose.motions.push_back(
            MeanPoseClip(statistics, item.num_persons, item.num_frames, fps));
        if (i < mm_prompts) {
          random_clip.mm_groups.emplace_back();
          mean_pose.mm_groups.emplace_back();
          for (int k = 0; k < options.mm_samples; ++k) {
            random_clip.mm_groups.back().push_back(
                RandomTrainMotion(train, train_by_persons, item.num_persons, longest, rng));
            mean_pose.mm_groups.back().push_back(mean_pose.motions.back());
          }
        }
      }
    }

    // Figures of every set.
    const Eigen::MatrixXd text_embeddings = evaluator.EmbedTexts(captions);
    const Eigen::MatrixXd real_embeddings = evaluator.EmbedMotions(real.motions);
    const Eigen::MatrixXd train_embeddings = evaluator.EmbedMotions(train_crops);
    const uint64_t seed = MixSeed(options.seed, static_cast<uint64_t>(r), 0xF1DULL);
    auto record = [&](const std::string& set, const std::map<std::string, double>& figures) {
      for (const auto& [name, value] : figures) values[set][name].push_back(value);
    };
    record("generated", Measure(evaluator, generated, text_embeddings, caption_ids, real_embeddings,
                                options, seed));
    record("real",
           Measure(evaluator, real, text_embeddings, caption_ids, train_embeddings, options, seed));
    if (options.baselines) {
      record("random_clip", Measure(evaluator, random_clip, text_embeddings, caption_ids,
                                    real_embeddings, options, seed));
      record("mean_pose", Measure(evaluator, mean_pose, text_embeddings, caption_ids,
                                  real_embeddings, options, seed));
    }
  }
  if (bar) bar->Finish();

  // Summaries over replications, in a fixed set and metric order.
  for (const char* set : {"generated", "real", "random_clip", "mean_pose"}) {
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
  report.split_clips = static_cast<int>(split.size());
  if (report.distinct_captions < kRPrecisionBatch) {
    report.notes.push_back(
        fmt::format("only {} distinct captions: no R-precision (needs batches of {})",
                    report.distinct_captions, kRPrecisionBatch));
  } else if (fewest_item_captions < kRPrecisionBatch) {
    report.notes.push_back(fmt::format(
        "a replication's {} items had only {} distinct captions: R-precision "
        "(batches of {} distinct captions) left out there; draw more items per replication",
        n, fewest_item_captions, kRPrecisionBatch));
  }
  WriteEvaluationReport(options, ReportContext{mm_prompts, longest, fps}, report);
  return report;
}

}  // namespace intersynth
