#include "intersynth/eval/evaluate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "intersynth/body/retarget.h"
#include "intersynth/diffusion/generate.h"
#include "intersynth/diffusion/run_files.h"
#include "intersynth/eval/action_classifier.h"
#include "intersynth/eval/evaluate_report.h"
#include "intersynth/eval/evaluator_io.h"
#include "intersynth/eval/leakage.h"
#include "intersynth/eval_metrics/embedding_metrics.h"
#include "intersynth/eval_metrics/plausibility.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/label_text.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/motion/scene_compose.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// Two pelvises closer than this in a scene count as a collision.
constexpr double kCloseMetres = 0.3;

// HumanML3D's multimodality protocol: 100 prompts for its 4,384 test clips.
constexpr double kProtocolPrompts = 100.0;
constexpr double kProtocolTestClips = 4384.0;
// R-precision batches: the match and 31 negatives (Guo et al. 2022).
constexpr int kRPrecisionBatch = 32;
// Plausibility needs the third difference (jerk).
constexpr int kMinFrames = 4;

// Sets in report order.
constexpr const char* kSets[] = {"generated", "real", "caption_blind", "random_clip", "mean_pose"};

struct SplitClip {
  DatasetEntry entry;
  MotionClip clip;
  /// The action classifier's truths ("" where the source has none).
  std::string content;
  std::string style;
  bool unseen = false;
};

// The clips of one split that have captions and enough frames.
std::vector<SplitClip> LoadSplit(const std::filesystem::path& data_dir,
                                 const std::vector<DatasetEntry>& index,
                                 const std::string& split) {
  std::vector<SplitClip> clips;
  for (const DatasetEntry& entry : index) {
    if (entry.split != split) continue;
    SplitClip clip{entry, ReadMotionFile(data_dir / entry.file), ContentLabel(entry),
                   StyleLabel(entry), entry.part == kUnseenCombinationPart};
    if (clip.clip.text.empty()) clip.clip.text = entry.texts;
    if (clip.clip.text.empty() || clip.clip.num_frames < kMinFrames) continue;
    clips.push_back(std::move(clip));
  }
  return clips;
}

// The R-precision identity of an item: its label set, or its caption where
// the clip has no labels (CMU's free text, corpora).
std::string LabelSetKey(const DatasetEntry& entry, const std::string& caption) {
  if (entry.labels.empty()) return "caption:" + caption;
  std::string key = "labels:";
  for (const std::string& label : entry.labels) key += label + "|";
  return key;
}

// The caption a user would write for a content label: the source's own
// phrasing without a style (Bandai's "normal", ReActIdle's genuine idling),
// or, for a label the caption tables do not know, the shortest caption of
// the label's clips.
std::string PlainCaption(const std::vector<const SplitClip*>& clips) {
  const DatasetEntry& entry = clips[0]->entry;
  const std::string& content = clips[0]->content;
  SourceLabels labels;
  labels.source = entry.source;
  labels.take = entry.take;
  auto known = [&](const char* kind) {
    const std::vector<std::string> names = KnownLabels(entry.source, kind);
    return std::find(names.begin(), names.end(), content) != names.end();
  };
  if (entry.source == "bandai" && known("content")) {
    labels.labels = {content, "normal"};
  } else if (entry.source == "hdm05" && known("class")) {
    labels.labels = {content};
  } else if (entry.source == "reactidle" && content == "idle") {
    labels.labels = {"idle", "genuine"};
  }
  if (!labels.labels.empty()) return DescribeLabels(labels, 1)[0];
  std::string shortest;
  for (const SplitClip* clip : clips) {
    for (const std::string& text : clip->clip.text) {
      if (shortest.empty() || text.size() < shortest.size()) shortest = text;
    }
  }
  return shortest;
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

// Exactly `frames` frames of a clip: a random crop, or the whole clip with
// its last pose held when it is shorter.
MotionClip FitLength(const MotionClip& clip, int frames, Rng& rng) {
  if (clip.num_frames >= frames) return RandomCrop(clip, frames, rng);
  MotionClip out = MotionClip::Zeros(clip.num_persons, frames, clip.fps);
  out.text = clip.text;
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < frames; ++t) {
      std::copy_n(clip.joint(p, std::min(t, clip.num_frames - 1), 0), kNumJoints * 3,
                  out.joint(p, t, 0));
    }
  }
  return out;
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

// P single-person clips of the same length side by side (1 m apart).
MotionClip SideBySide(const std::vector<MotionClip>& singles) {
  const int frames = singles[0].num_frames;
  MotionClip out = MotionClip::Zeros(static_cast<int>(singles.size()), frames, singles[0].fps);
  for (size_t p = 0; p < singles.size(); ++p) {
    for (int t = 0; t < frames; ++t) {
      for (int j = 0; j < kNumJoints; ++j) {
        const float* from = singles[p].joint(0, t, j);
        float* to = out.joint(static_cast<int>(p), t, j);
        to[0] = from[0] + 1.0f * static_cast<float>(p);
        to[1] = from[1];
        to[2] = from[2];
      }
    }
  }
  return out;
}

// The train clips by person count, for the random-clip baseline.
class TrainPool {
 public:
  explicit TrainPool(const std::vector<SplitClip>& train) : train_(train) {
    for (size_t i = 0; i < train.size(); ++i)
      by_persons_[train[i].clip.num_persons].push_back(static_cast<int>(i));
  }

  bool Covers(int persons) const { return by_persons_.count(persons) || by_persons_.count(1); }

  // A random clip of `persons` persons, `frames` long: drawn among the clips
  // that are at least that long when there are any (else the longest, its
  // last pose held); persons side by side from single clips when the split
  // has none of that count.
  MotionClip Draw(int persons, int frames, Rng& rng) const {
    if (by_persons_.count(persons)) return FitLength(Pick(persons, frames, rng), frames, rng);
    std::vector<MotionClip> singles;
    for (int p = 0; p < persons; ++p)
      singles.push_back(FitLength(Pick(1, frames, rng), frames, rng));
    return SideBySide(singles);
  }

 private:
  const MotionClip& Pick(int persons, int frames, Rng& rng) const {
    const std::vector<int>& pool = by_persons_.at(persons);
    std::vector<int> long_enough;
    int longest = pool[0];
    for (int i : pool) {
      if (train_[i].clip.num_frames >= frames) long_enough.push_back(i);
      if (train_[i].clip.num_frames > train_[longest].clip.num_frames) longest = i;
    }
    if (long_enough.empty()) return train_[longest].clip;
    return train_[long_enough[rng.UniformInt(0, static_cast<int64_t>(long_enough.size()) - 1)]]
        .clip;
  }

  const std::vector<SplitClip>& train_;
  std::map<int, std::vector<int>> by_persons_;
};

// One set's motions of one replication: what each stands for (its item's
// clip, or for the real set its own clip), the captions it is matched with
// in R-precision, and its multimodality groups.
struct SetDraw {
  std::vector<MotionClip> motions;
  std::vector<const SplitClip*> truths;
  std::vector<std::string> captions;
  std::vector<std::vector<MotionClip>> mm_groups;
};

// The ids of matched label sets, for R-precision's distinct negatives.
std::vector<int> LabelSetIds(const SetDraw& draw) {
  std::map<std::string, int> ids;
  std::vector<int> out;
  for (size_t i = 0; i < draw.truths.size(); ++i) {
    out.push_back(ids.emplace(LabelSetKey(draw.truths[i]->entry, draw.captions[i]),
                              static_cast<int>(ids.size()))
                      .first->second);
  }
  return out;
}

int DistinctIds(const std::vector<int>& ids) {
  return static_cast<int>(std::set<int>(ids.begin(), ids.end()).size());
}

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

// Share of correct labels among the items with a truth; NaN without any.
double Accuracy(const std::vector<std::string>& truth, const std::vector<std::string>& predicted) {
  const AccuracyReport report = ScoreLabels(truth, predicted);
  return report.items > 0 ? report.accuracy() : std::nan("");
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
                    const SetDraw& draw,
                    std::map<std::string, double>& figures) {
  std::vector<MotionClip> motions;
  std::vector<const SplitClip*> truths;
  for (size_t i = 0; i < draw.motions.size(); ++i) {
    if (draw.truths[i]->content.empty() || draw.motions[i].num_persons != 1) continue;
    motions.push_back(draw.motions[i]);
    truths.push_back(draw.truths[i]);
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
    return Accuracy(truth, predicted);
  };
  figures["content_accuracy"] = score(-1, false);
  figures["content_accuracy_seen"] = HasUnseen(draw.truths) ? score(0, false) : std::nan("");
  figures["content_accuracy_unseen"] = score(1, false);
  figures["style_accuracy"] = score(-1, true);
  figures["style_accuracy_unseen"] = score(1, true);
}

// Every figure of one set and replication.
std::map<std::string, double> Measure(const Reference& reference,
                                      const SetDraw& draw,
                                      uint64_t seed) {
  const EvaluateOptions& options = *reference.options;
  std::map<std::string, double> figures;
  const Eigen::MatrixXd motion = reference.evaluator->EmbedMotions(draw.motions);
  figures["fid"] = Fid(motion, reference.items);
  figures["kid"] = Kid(motion, reference.items);
  // Per part only where the split has an unseen part (else "seen" is all).
  const bool parts = HasUnseen(draw.truths) && HasUnseen(reference.item_truths);
  figures["kid_seen"] = parts ? KidOrNan(RowsOfPart(motion, draw.truths, false),
                                         RowsOfPart(reference.items, reference.item_truths, false))
                              : std::nan("");
  figures["kid_unseen"] = parts ? KidOrNan(RowsOfPart(motion, draw.truths, true),
                                           RowsOfPart(reference.items, reference.item_truths, true))
                                : std::nan("");
  // R-precision needs one full batch of distinct label sets; with fewer the
  // figures do not apply (the report says why).
  const std::vector<int> label_sets = LabelSetIds(draw);
  if (DistinctIds(label_sets) >= kRPrecisionBatch) {
    const Eigen::MatrixXd text = reference.evaluator->EmbedTexts(draw.captions);
    const RPrecisionResult r = RPrecision(text, motion, label_sets, {kRPrecisionBatch, seed});
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
  if (reference.classifier != nullptr) MeasureActions(*reference.classifier, draw, figures);
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

// One generated motion.
MotionClip GenerateOne(Generator& generator,
                       const std::string& caption,
                       int persons,
                       int frames,
                       uint64_t seed,
                       double guidance,
                       const EvaluateOptions& options) {
  GenerateOptions g;
  g.text = caption;
  g.persons = persons;
  g.frames = frames;
  g.seed = seed;
  g.guidance = guidance;
  g.sampler = options.sampler;
  g.sampler_steps = options.sampler_steps;
  g.decoding = options.decoding;
  g.progress = false;
  return std::move(generator.Generate(g).motions[0]);
}

// The closest horizontal distance between two persons' pelvises over a
// clip's frames and pairs, metres (infinity for one person).
double ClosestPelvisDistance(const MotionClip& clip) {
  double closest = std::numeric_limits<double>::infinity();
  for (int t = 0; t < clip.num_frames; ++t) {
    for (int a = 0; a < clip.num_persons; ++a) {
      for (int b = a + 1; b < clip.num_persons; ++b) {
        const float* pa = clip.joint(a, t, 0);
        const float* pb = clip.joint(b, t, 0);
        closest = std::min(closest, std::hypot(double(pa[0]) - pb[0], double(pa[2]) - pb[2]));
      }
    }
  }
  return closest;
}

// One composed scene of the benchmark: its clips (one per person), the
// joined prompt and the real clips composed as the trainer composes them.
struct Scene {
  std::vector<const SplitClip*> clips;
  std::string prompt;
  MotionClip real;
};

// Draws a scene of `persons` single-person clips of `pool`: crops of one
// length, encoded, placed by ComposeScene and decoded. std::nullopt when no
// placement keeps the separation (other clips are drawn by the caller).
std::optional<Scene> DrawScene(const std::vector<const SplitClip*>& pool,
                               int persons,
                               int longest,
                               double separation_m,
                               Rng& rng) {
  Scene scene;
  int frames = longest;
  for (int p = 0; p < persons; ++p) {
    scene.clips.push_back(pool[rng.UniformInt(0, static_cast<int64_t>(pool.size()) - 1)]);
    frames = std::min(frames, scene.clips.back()->clip.num_frames);
  }
  std::vector<InterGenFeatures> features;
  std::vector<std::string> captions;
  for (const SplitClip* clip : scene.clips) {
    MotionClip crop = RandomCrop(clip->clip, frames, rng);
    features.push_back(EncodeInterGen(crop));
    captions.push_back(
        clip->clip.text[rng.UniformInt(0, static_cast<int64_t>(clip->clip.text.size()) - 1)]);
  }
  std::vector<const float*> rows;
  for (const InterGenFeatures& f : features) rows.push_back(f.values.data());
  ComposeOptions compose;
  compose.min_separation_m = separation_m;
  const ComposedScene composed = ComposeScene(rows, features[0].num_rows, rng, compose);
  if (!composed.success) return std::nullopt;
  InterGenFeatures joined;
  joined.num_persons = persons;
  joined.num_rows = static_cast<int>(composed.num_rows);
  joined.fps = features[0].fps;
  joined.values = composed.values;
  scene.real = DecodeInterGen(joined, /*to_world=*/false);
  scene.real.rotations.clear();
  scene.prompt = JoinCaptions(captions);
  return scene;
}

// The benchmark's figures of one set of scenes.
void MeasureScenes(const std::vector<Scene>& scenes,
                   const std::vector<MotionClip>& motions,
                   const ActionClassifier* classifier,
                   std::map<std::string, double>& figures) {
  std::vector<std::string> truth, predicted;
  double interpenetration = 0.0, closest = 0.0;
  int close[2] = {0, 0}, count[2] = {0, 0};
  for (size_t s = 0; s < scenes.size(); ++s) {
    const MotionClip& motion = motions[s];
    if (classifier != nullptr) {
      for (int p = 0; p < motion.num_persons; ++p) {
        const std::string& content = scenes[s].clips[p]->content;
        if (content.empty()) continue;
        truth.push_back(content);
        predicted.push_back(classifier->Classify({motion}, p)[0].content);
      }
    }
    if (motion.num_frames >= kMinFrames)
      interpenetration += MeasurePlausibility(motion).interpenetration_mm;
    const double d = ClosestPelvisDistance(motion);
    closest += d;
    const int k = motion.num_persons == 2 ? 0 : 1;
    ++count[k];
    close[k] += d < kCloseMetres ? 1 : 0;
  }
  const double n = static_cast<double>(scenes.size());
  figures["scene_action_accuracy"] = Accuracy(truth, predicted);
  figures["scene_interpenetration_mm"] = interpenetration / n;
  figures["scene_closest_pelvis_m"] = closest / n;
  figures["scene_close_share_2p"] =
      count[0] > 0 ? static_cast<double>(close[0]) / count[0] : std::nan("");
  figures["scene_close_share_3p"] =
      count[1] > 0 ? static_cast<double>(close[1]) / count[1] : std::nan("");
}

// Reads a network's list of training clips, or names it in a note.
void AddTrainedOn(const std::string& network,
                  const std::filesystem::path& list,
                  std::vector<TrainedOn>& networks,
                  std::vector<std::string>& notes) {
  if (std::filesystem::is_regular_file(list)) {
    networks.push_back({network, ReadNonEmptyLines(list)});
  } else {
    notes.push_back(
        fmt::format("{} has no {}: its leakage was not checked", network, list.string()));
  }
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
        options.data_dir.string(), options.split, split.size(), kMinFrames));
  }
  const std::vector<SplitClip> train = LoadSplit(options.data_dir, index, "train");
  if (train.empty())
    throw Error(fmt::format("{}: the train split is empty", options.data_dir.string()));
  const float fps = split[0].clip.fps;
  if (std::abs(generator.fps() - fps) > 1e-3f || std::abs(evaluator.fps() - fps) > 1e-3f) {
    throw Error(
        fmt::format("frame rates differ: dataset {} fps, generator {} fps, evaluator {} fps", fps,
                    generator.fps(), evaluator.fps()));
  }
  const TrainPool pool(train);
  std::set<std::string> label_sets;
  for (const SplitClip& clip : split) {
    const int persons = clip.clip.num_persons;
    if (persons > generator.max_persons() || persons > evaluator.max_persons()) {
      throw Error(fmt::format(
          "{}: clip {} has {} persons; the generator takes up to {} and the evaluator up to {}",
          options.split, clip.entry.id, persons, generator.max_persons(), evaluator.max_persons()));
    }
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
  for (const LeakageFinding& finding : FindLeakage(index, options.split, networks)) {
    const std::string line = finding.Summary(options.split, static_cast<int>(split.size()));
    if (finding.leaks()) {
      throw Error(
          fmt::format("leakage: {}; evaluate on another split or dataset, or retrain it", line));
    }
    report.leakage.push_back(line);
  }

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
    SetDraw items, real;
    for (int k = 0; k < n; ++k) {
      for (SetDraw* draw : {&items, &real}) {
        const SplitClip& clip = split[order[draw == &items ? k : half + k]];
        draw->truths.push_back(&clip);
        draw->captions.push_back(
            clip.clip.text[rng.UniformInt(0, static_cast<int64_t>(clip.clip.text.size()) - 1)]);
        draw->motions.push_back(RandomCrop(clip.clip, longest, rng));
      }
    }
    fewest_label_sets = std::min(fewest_label_sets, DistinctIds(LabelSetIds(items)));
    for (const SplitClip* clip : items.truths) unseen_items += clip->unseen ? 1.0 : 0.0;

    // Generated motions (and multimodality groups for the first prompts), and
    // the same seeds at guidance 0.
    std::map<std::string, SetDraw> sets;
    for (const char* set : kSets) {
      if (std::string(set) == "real") continue;
      sets[set].truths = items.truths;
      sets[set].captions = items.captions;
    }
    SetDraw& generated = sets["generated"];
    for (int i = 0; i < n; ++i) {
      const MotionClip& item = items.motions[i];
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
        GenerateOptions g;
        g.text = items.captions[i];
        g.persons = item.num_persons;
        g.frames = item.num_frames;
        g.samples = options.mm_samples;
        g.seed = seed + 0x5A5AULL;
        g.guidance = options.guidance;
        g.sampler = options.sampler;
        g.sampler_steps = options.sampler_steps;
        g.decoding = options.decoding;
        g.progress = false;
        generated.mm_groups.push_back(generator.Generate(g).motions);
        tick(options.mm_samples);
      }
    }

    // Baselines, each cut to its item's length.
    if (options.baselines) {
      for (int i = 0; i < n; ++i) {
        const MotionClip& item = items.motions[i];
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
    reference.items = evaluator.EmbedMotions(items.motions);
    reference.item_truths = items.truths;
    const uint64_t seed = MixSeed(options.seed, rep, 0xF1DULL);
    auto record = [&](const std::string& set, const std::map<std::string, double>& figures) {
      for (const auto& [name, value] : figures) values[set][name].push_back(value);
    };
    record("real", Measure(reference, real, seed));
    for (const auto& [name, draw] : sets) {
      if (!draw.motions.empty()) record(name, Measure(reference, draw, seed));
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
