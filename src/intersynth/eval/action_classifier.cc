#include "intersynth/eval/action_classifier.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

#include "intersynth/diffusion/training_data.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/feature_augment.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/options.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/random.h"
#include "intersynth/util/timer.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;
using L = InterGenLayout;
constexpr int64_t kInput = L::kDim - 4;  // the foot contacts are dropped
constexpr int kFormatVersion = 1;

struct NetworkShape {
  int64_t width = 128;
  double dropout = 0.2;
  int64_t contents = 0;
  int64_t styles = 0;
};

// Conv1d x3 -> masked mean + max over time -> MLP -> two heads.
class ActionNetworkImpl : public torch::nn::Module {
 public:
  explicit ActionNetworkImpl(const NetworkShape& shape) : shape_(shape) {
    const int64_t w = shape.width;
    auto conv = [](int64_t in, int64_t out, int64_t stride) {
      return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 5).stride(stride).padding(2));
    };
    conv1_ = register_module("conv1", conv(kInput, w, 1));
    conv2_ = register_module("conv2", conv(w, w, 2));
    conv3_ = register_module("conv3", conv(w, w, 2));
    hidden_ = register_module("hidden", torch::nn::Linear(2 * w, w));
    content_ = register_module("content", torch::nn::Linear(w, shape.contents));
    style_ = register_module("style", torch::nn::Linear(w, std::max<int64_t>(1, shape.styles)));
    dropout_ = register_module("dropout", torch::nn::Dropout(shape.dropout));
  }

  // x [B, T, 258], lengths [B] (rows) -> {content logits [B, C], style logits [B, S]}.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x,
                                                  const torch::Tensor& lengths) {
    torch::Tensor h = x.transpose(1, 2);  // [B, 258, T]
    torch::Tensor valid = (torch::arange(x.size(1)).unsqueeze(0) < lengths.unsqueeze(1))
                              .to(torch::kFloat)
                              .unsqueeze(1);  // [B, 1, T]
    h = dropout_(torch::gelu(conv1_(h * valid))) * valid;
    for (torch::nn::Conv1d& conv : {std::ref(conv2_), std::ref(conv3_)}) {
      h = dropout_(torch::gelu(conv(h)));
      // Frames of the strided output that read at least one real frame.
      valid = torch::max_pool1d(valid, 5, 2, 2);
      h = h * valid;
    }
    const torch::Tensor count = valid.sum(2).clamp_min(1.0);  // [B, 1]
    const torch::Tensor mean = h.sum(2) / count;
    const torch::Tensor max = (h + (valid - 1.0) * 1e4).amax(2);
    const torch::Tensor z = dropout_(torch::gelu(hidden_(torch::cat({mean, max}, 1))));
    return {content_(z), style_(z)};
  }

  const NetworkShape& shape() const { return shape_; }

 private:
  NetworkShape shape_;
  torch::nn::Conv1d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::Linear hidden_{nullptr}, content_{nullptr}, style_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(ActionNetwork);

// Normalised rows without contacts: [rows, 258].
std::vector<float> ClassifierRows(const float* features, int64_t rows, const FeatureNormalizer& n) {
  std::vector<float> normalised(features, features + rows * L::kDim);
  n.Normalize(normalised.data(), rows);
  std::vector<float> out(static_cast<size_t>(rows) * kInput);
  for (int64_t r = 0; r < rows; ++r) {
    std::copy_n(normalised.data() + r * L::kDim, kInput, out.data() + r * kInput);
  }
  return out;
}

// A batch of variable-length rows, zero-padded: {x [B, T, 258], lengths [B]}.
std::pair<torch::Tensor, torch::Tensor> Pad(const std::vector<std::vector<float>>& items) {
  int64_t longest = 0;
  for (const auto& item : items) longest = std::max<int64_t>(longest, item.size() / kInput);
  torch::Tensor x = torch::zeros({static_cast<int64_t>(items.size()), longest, kInput});
  torch::Tensor lengths = torch::zeros({static_cast<int64_t>(items.size())}, torch::kLong);
  for (size_t b = 0; b < items.size(); ++b) {
    const int64_t rows = static_cast<int64_t>(items[b].size()) / kInput;
    if (rows > 0) {
      x[b].narrow(0, 0, rows)
          .copy_(torch::from_blob(const_cast<float*>(items[b].data()), {rows, kInput}));
    }
    lengths[b] = rows;
  }
  return {x, lengths};
}

// One person's feature rows with Gaussian noise of `sigma` metres on every
// joint of every frame: decoded to joints, noised, encoded again (rotations by
// IK, velocities and contacts from the noisy joints). Returns rows - 1 rows.
std::vector<float> NoisyRows(
    const std::vector<float>& rows_in, int64_t rows, float fps, double sigma, Rng& rng) {
  InterGenFeatures features;
  features.num_persons = 1;
  features.num_rows = static_cast<int>(rows);
  features.fps = fps;
  features.values = rows_in;
  MotionClip clip = DecodeInterGen(features, /*to_world=*/false);
  clip.rotations.clear();
  for (float& v : clip.joints) v += static_cast<float>(rng.Normal(0.0, sigma));
  return EncodeInterGen(clip).values;
}

int IndexOf(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

struct LabelledClip {
  const TrainingClip* clip = nullptr;
  int content = -1;
  int style = -1;  // -1: none
};

// Predicts in batches of 64 in eval mode: {content index, probability, style index}.
struct RawPrediction {
  int content = 0;
  double probability = 0.0;
  int style = -1;
};
std::vector<RawPrediction> Predict(ActionNetwork& network,
                                   const std::vector<std::vector<float>>& items) {
  torch::NoGradGuard no_grad;
  network->eval();
  std::vector<RawPrediction> out;
  for (size_t first = 0; first < items.size(); first += 64) {
    const size_t last = std::min(items.size(), first + 64);
    const auto [x, lengths] =
        Pad(std::vector<std::vector<float>>(items.begin() + first, items.begin() + last));
    const auto [content, style] = network->forward(x, lengths);
    const torch::Tensor probability = torch::softmax(content, 1);
    const torch::Tensor best = content.argmax(1);
    const torch::Tensor best_style = style.argmax(1);
    for (int64_t b = 0; b < x.size(0); ++b) {
      RawPrediction p;
      p.content = static_cast<int>(best[b].item<int64_t>());
      p.probability = probability[b][p.content].item<double>();
      p.style = network->shape().styles > 0 ? static_cast<int>(best_style[b].item<int64_t>()) : -1;
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace

std::string ContentLabel(const DatasetEntry& entry) {
  if (entry.labels.empty() || entry.persons != 1) return "";
  if (entry.source == "bandai" || entry.source == "hdm05" || entry.source == "reactidle")
    return entry.labels[0];
  return "";
}

std::string StyleLabel(const DatasetEntry& entry) {
  if (entry.labels.size() < 2 || entry.persons != 1) return "";
  if (entry.source == "bandai" || entry.source == "reactidle") return entry.labels[1];
  return "";
}

void ActionClassifierTrainOptions::Check() const {
  if (data_dir.empty()) throw OptionError("{data_dir} is required");
  if (out_dir.empty()) throw OptionError("{out_dir} is required");
  CheckAtLeast(steps, 1, "steps");
  CheckAtLeast(batch, 1, "batch");
  CheckPositive(lr, "lr");
  CheckAtLeast(weight_decay, 0.0, "weight_decay");
  CheckAtLeast(width, 4, "width");
  CheckInRange(dropout, 0.0, 0.9, "dropout");
  CheckAtLeast(min_crop, 3, "min_crop");
  CheckAtLeast(noise_m, 0.0, "noise_m");
  if (max_crop < min_crop)
    throw OptionError(
        fmt::format("{{max_crop}} ({}) must be >= {{min_crop}} ({})", max_crop, min_crop));
}

double AccuracyReport::balanced_accuracy() const {
  if (labels.empty()) return 0.0;
  double sum = 0.0;
  for (const LabelAccuracy& label : labels) sum += label.accuracy();
  return sum / labels.size();
}

AccuracyReport ScoreLabels(const std::vector<std::string>& truth,
                           const std::vector<std::string>& predicted) {
  INTERSYNTH_CHECK(truth.size() == predicted.size())
      << truth.size() << " truths, " << predicted.size() << " predictions";
  std::map<std::string, LabelAccuracy> by_label;
  AccuracyReport report;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (truth[i].empty()) continue;
    LabelAccuracy& label = by_label[truth[i]];
    label.label = truth[i];
    ++label.items;
    ++report.items;
    if (predicted[i] == truth[i]) {
      ++label.correct;
      ++report.correct;
    }
  }
  for (auto& [name, label] : by_label) report.labels.push_back(label);
  return report;
}

std::string FormatAccuracy(const AccuracyReport& report, const std::string& title) {
  std::string out = fmt::format("{}: top-1 {:.3f} ({} of {}), balanced {:.3f}, chance {:.3f}\n",
                                title, report.accuracy(), report.correct, report.items,
                                report.balanced_accuracy(), report.chance());
  size_t width = 5;
  for (const LabelAccuracy& label : report.labels) width = std::max(width, label.label.size());
  for (const LabelAccuracy& label : report.labels) {
    out += fmt::format("  {:<{}} {:>4}/{:<4} {:.3f}\n", label.label, width, label.correct,
                       label.items, label.accuracy());
  }
  return out;
}

ActionClassifierTrainReport TrainActionClassifier(const ActionClassifierTrainOptions& options) {
  options.Check();
  if (fs::exists(options.out_dir) && !options.overwrite) {
    throw Error(fmt::format("{} exists; pass overwrite (--overwrite) to replace it",
                            options.out_dir.string()));
  }
  const Timer timer;
  if (options.threads > 0) torch::set_num_threads(options.threads);
  torch::manual_seed(options.seed);

  const std::vector<DatasetEntry> index = ReadDatasetIndex(options.data_dir);
  std::map<std::string, const DatasetEntry*> by_id;
  for (const DatasetEntry& entry : index) by_id[entry.id] = &entry;
  std::vector<std::string> contents, styles;
  for (const DatasetEntry& entry : index) {
    if (entry.split != "train") continue;
    const std::string content = ContentLabel(entry), style = StyleLabel(entry);
    if (!content.empty() && IndexOf(contents, content) < 0) contents.push_back(content);
    if (!style.empty() && IndexOf(styles, style) < 0) styles.push_back(style);
  }
  if (contents.empty()) {
    throw Error(fmt::format(
        "{}: no train clip has an action label (Bandai, HDM05 or ReActIdle single-person clips)",
        options.data_dir.string()));
  }
  std::sort(contents.begin(), contents.end());
  std::sort(styles.begin(), styles.end());

  auto labelled = [&](const TrainingCorpus& corpus) {
    std::vector<LabelledClip> out;
    for (const TrainingClip& clip : corpus.clips) {
      const DatasetEntry& entry = *by_id.at(clip.id);
      LabelledClip item{&clip, IndexOf(contents, ContentLabel(entry)),
                        IndexOf(styles, StyleLabel(entry))};
      if (item.content >= 0 && clip.persons == 1 && clip.rows >= 1) out.push_back(item);
    }
    return out;
  };
  const TrainingCorpus train_corpus = LoadTrainingCorpus(options.data_dir, "train", 2);
  const std::vector<LabelledClip> train = labelled(train_corpus);
  std::string held_out_split = "val";
  TrainingCorpus held_out_corpus;
  std::vector<LabelledClip> held_out;
  for (const char* split : {"val", "test"}) {
    bool any = false;
    for (const DatasetEntry& entry : index)
      any = any || (entry.split == split && IndexOf(contents, ContentLabel(entry)) >= 0);
    if (!any) continue;
    held_out_split = split;
    held_out_corpus = LoadTrainingCorpus(options.data_dir, split, 2);
    held_out = labelled(held_out_corpus);
    break;
  }

  NetworkShape shape;
  shape.width = options.width;
  shape.dropout = options.dropout;
  shape.contents = static_cast<int64_t>(contents.size());
  shape.styles = static_cast<int64_t>(styles.size());
  ActionNetwork network(shape);
  torch::optim::AdamW optimizer(
      network->parameters(),
      torch::optim::AdamWOptions(options.lr).weight_decay(options.weight_decay));

  // A training crop of a random labelled clip: canonical on its first row,
  // with joint noise when asked for. Returns the rows.
  auto draw_crop = [&](Rng& rng, const LabelledClip** drawn) {
    const LabelledClip& item = train[rng.UniformInt(0, static_cast<int64_t>(train.size()) - 1)];
    *drawn = &item;
    const TrainingClip& clip = *item.clip;
    const int64_t longest = std::min<int64_t>(options.max_crop, clip.rows);
    const int64_t shortest = std::min<int64_t>(options.min_crop, longest);
    const int64_t rows = rng.UniformInt(shortest, longest);
    const int64_t start = rng.UniformInt(0, clip.rows - rows);
    std::vector<float> crop(clip.features.begin() + start * L::kDim,
                            clip.features.begin() + (start + rows) * L::kDim);
    CanonicalizeFeatureRows(crop.data(), 1, rows, 0);
    if (options.noise_m > 0.0 && rows >= 2)
      crop = NoisyRows(crop, rows, train_corpus.fps, rng.Uniform() * options.noise_m, rng);
    return crop;
  };
  // The input statistics: the dataset's, or with noise those of noisy crops
  // (noise on channels the clean data barely moves, such as a synthetic
  // clip's sideways velocities, would otherwise be many standard deviations).
  FeatureNormalizer normalizer = train_corpus.normalizer;
  if (options.noise_m > 0.0) {
    Rng stats_rng(MixSeed(options.seed, 0x57A7ULL, 0));
    std::vector<float> rows;
    const LabelledClip* unused = nullptr;
    for (int k = 0; k < 512; ++k) {
      const std::vector<float> crop = draw_crop(stats_rng, &unused);
      rows.insert(rows.end(), crop.begin(), crop.end());
    }
    normalizer = FeatureNormalizer::Compute(rows.data(),
                                            static_cast<int64_t>(rows.size()) / L::kDim, L::kDim);
  }

  std::optional<ProgressBar> bar;
  if (options.progress) bar.emplace("train classifier", options.steps);
  Rng rng(options.seed);
  double running = 0.0;
  for (int step = 0; step < options.steps; ++step) {
    // Cosine learning rate to 5% after a 100-step warm-up.
    const double warm = std::min(1.0, (step + 1) / 100.0);
    const double lr =
        options.lr * warm * (0.05 + 0.95 * 0.5 * (1.0 + std::cos(M_PI * step / options.steps)));
    for (auto& group : optimizer.param_groups())
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    network->train();
    std::vector<std::vector<float>> items;
    std::vector<int64_t> content_targets, style_targets;
    for (int b = 0; b < options.batch; ++b) {
      const LabelledClip* drawn = nullptr;
      const std::vector<float> crop = draw_crop(rng, &drawn);
      const LabelledClip& item = *drawn;
      items.push_back(
          ClassifierRows(crop.data(), static_cast<int64_t>(crop.size()) / L::kDim, normalizer));
      content_targets.push_back(item.content);
      style_targets.push_back(item.style);
    }
    const auto [x, lengths] = Pad(items);
    const auto [content, style] = network->forward(x, lengths);
    torch::Tensor loss =
        torch::nn::functional::cross_entropy(content, torch::tensor(content_targets));
    const torch::Tensor style_target = torch::tensor(style_targets);
    if (shape.styles > 0 && style_target.ge(0).any().item<bool>()) {
      loss = loss + torch::nn::functional::cross_entropy(
                        style, style_target,
                        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
    }
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    running = step == 0 ? loss.item<double>() : 0.98 * running + 0.02 * loss.item<double>();
    if (bar) bar->Tick();
  }
  if (bar) bar->Finish();
  LogInfo("classifier: training loss {:.3f} (running mean) after {} steps", running, options.steps);

  ActionClassifierTrainReport report;
  report.train_clips = static_cast<int>(train.size());
  report.val_clips = static_cast<int>(held_out.size());
  report.contents = static_cast<int>(contents.size());
  report.styles = static_cast<int>(styles.size());
  {
    std::vector<std::vector<float>> items;
    std::vector<std::string> truth_content, truth_style;
    for (const LabelledClip& item : held_out) {
      items.push_back(ClassifierRows(item.clip->features.data(), item.clip->rows, normalizer));
      truth_content.push_back(contents[item.content]);
      truth_style.push_back(item.style >= 0 ? styles[item.style] : "");
    }
    const std::vector<RawPrediction> predictions = Predict(network, items);
    std::vector<std::string> predicted_content, predicted_style;
    for (const RawPrediction& p : predictions) {
      predicted_content.push_back(contents[p.content]);
      predicted_style.push_back(p.style >= 0 ? styles[p.style] : "");
    }
    report.val_content = ScoreLabels(truth_content, predicted_content);
    report.val_style = ScoreLabels(truth_style, predicted_style);
  }

  // The folder, written whole.
  AtomicFolderWriter out(options.out_dir, options.overwrite);
  torch::save(network, (out.temp_path() / "weights.pt").string());
  normalizer.Save(out.temp_path() / "mean_262.npy", out.temp_path() / "std_262.npy");
  std::vector<std::string> ids;
  for (const LabelledClip& item : train) ids.push_back(item.clip->id);
  WriteLinesAtomic(out.temp_path() / "train_clips.txt", ids);
  const nlohmann::json manifest = {
      {"format", "intersynth-action-classifier"},
      {"version", kFormatVersion},
      {"fps", train_corpus.fps},
      {"width", shape.width},
      {"dropout", shape.dropout},
      {"contents", contents},
      {"styles", styles},
      {"train",
       {{"dataset", options.data_dir.string()},
        {"clips", report.train_clips},
        {"steps", options.steps},
        {"batch", options.batch},
        {"lr", options.lr},
        {"min_crop", options.min_crop},
        {"noise_m", options.noise_m},
        {"max_crop", options.max_crop},
        {"seed", options.seed}}},
      {"scores",
       {{"split", held_out_split},
        {"clips", report.val_clips},
        {"content_accuracy", report.val_content.accuracy()},
        {"content_balanced_accuracy", report.val_content.balanced_accuracy()},
        {"content_chance", report.val_content.chance()},
        {"style_accuracy", report.val_style.accuracy()},
        {"style_chance", report.val_style.chance()}}}};
  WriteFileAtomic(out.temp_path() / "classifier.json", manifest.dump(2) + "\n");
  out.Commit();

  report.seconds = timer.Seconds();
  report.summary = fmt::format(
      "trained the action classifier on {} clips ({} actions, {} styles) in {:.0f} s -> {}\n",
      report.train_clips, report.contents, report.styles, report.seconds, options.out_dir.string());
  report.summary += FormatAccuracy(report.val_content, held_out_split + " content");
  if (!report.val_style.labels.empty())
    report.summary += FormatAccuracy(report.val_style, held_out_split + " style");
  return report;
}

struct ActionClassifier::Impl {
  ActionNetwork network{nullptr};
  FeatureNormalizer normalizer;
  float fps = 20.0f;
  std::vector<std::string> contents, styles, train_clips;
};

ActionClassifier::ActionClassifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ActionClassifier::ActionClassifier(ActionClassifier&&) noexcept = default;
ActionClassifier& ActionClassifier::operator=(ActionClassifier&&) noexcept = default;
ActionClassifier::~ActionClassifier() = default;

ActionClassifier ActionClassifier::Load(const fs::path& dir) {
  const fs::path manifest_path = dir / "classifier.json";
  if (!fs::is_regular_file(manifest_path)) {
    throw Error(
        fmt::format("{}: not an action classifier folder (no classifier.json; make one "
                    "with 'intersynth classifier train')",
                    dir.string()));
  }
  const nlohmann::json manifest = ReadJson(manifest_path);
  const std::string where = manifest_path.string();
  if (JsonRequire<std::string>(manifest, "format", where) != "intersynth-action-classifier" ||
      JsonRequire<int>(manifest, "version", where) != kFormatVersion) {
    throw Error(fmt::format("{}: not an intersynth action classifier of version {}", where,
                            kFormatVersion));
  }
  auto impl = std::make_unique<Impl>();
  impl->fps = JsonRequire<float>(manifest, "fps", where);
  impl->contents = JsonRequire<std::vector<std::string>>(manifest, "contents", where);
  impl->styles = JsonRequire<std::vector<std::string>>(manifest, "styles", where);
  if (impl->contents.empty()) throw Error(where + ": no content labels");
  NetworkShape shape;
  shape.width = JsonRequire<int64_t>(manifest, "width", where);
  shape.dropout = JsonRequire<double>(manifest, "dropout", where);
  shape.contents = static_cast<int64_t>(impl->contents.size());
  shape.styles = static_cast<int64_t>(impl->styles.size());
  impl->network = ActionNetwork(shape);
  const fs::path weights = dir / "weights.pt";
  if (!fs::is_regular_file(weights)) throw Error(weights.string() + " is missing");
  try {
    torch::load(impl->network, weights.string());
  } catch (const c10::Error& e) {
    throw Error(fmt::format("{} does not fit {} (labels or width differ): {}", weights.string(),
                            where, e.what_without_backtrace()));
  }
  impl->normalizer = FeatureNormalizer::Load(dir / "mean_262.npy", dir / "std_262.npy");
  const fs::path clips = dir / "train_clips.txt";
  if (!fs::is_regular_file(clips)) throw Error(clips.string() + " is missing");
  impl->train_clips = ReadNonEmptyLines(clips);
  return ActionClassifier(std::move(impl));
}

const std::vector<std::string>& ActionClassifier::contents() const { return impl_->contents; }
const std::vector<std::string>& ActionClassifier::styles() const { return impl_->styles; }
const std::vector<std::string>& ActionClassifier::train_clips() const { return impl_->train_clips; }

std::vector<ActionPrediction> ActionClassifier::Classify(const std::vector<MotionClip>& motions,
                                                         int person) const {
  std::vector<std::vector<float>> items;
  for (size_t i = 0; i < motions.size(); ++i) {
    const MotionClip& motion = motions[i];
    if (person < 0 || person >= motion.num_persons || motion.num_frames < 2) {
      throw Error(
          fmt::format("motion {}: the classifier needs person {} and >= 2 frames; it has "
                      "{} persons and {} frames",
                      i, person, motion.num_persons, motion.num_frames));
    }
    if (std::abs(motion.fps - impl_->fps) > 1e-3f) {
      throw Error(fmt::format("motion {} is at {} fps; the classifier was trained at {} fps", i,
                              motion.fps, impl_->fps));
    }
    MotionClip one = MotionClip::Zeros(1, motion.num_frames, motion.fps);
    std::copy_n(motion.joint(person, 0, 0), one.joints.size(), one.joints.begin());
    CanonicalizeClip(one);
    const InterGenFeatures features = EncodeInterGen(one);
    items.push_back(ClassifierRows(features.values.data(), features.num_rows, impl_->normalizer));
  }
  std::vector<ActionPrediction> out;
  for (const RawPrediction& p : Predict(impl_->network, items)) {
    ActionPrediction prediction;
    prediction.content = impl_->contents[p.content];
    prediction.content_probability = p.probability;
    if (p.style >= 0) prediction.style = impl_->styles[p.style];
    out.push_back(prediction);
  }
  return out;
}

}  // namespace intersynth
