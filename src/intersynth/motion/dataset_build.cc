#include "intersynth/motion/dataset_build.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/body/joint_map.h"
#include "intersynth/body/retarget.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/dataset_sources.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/motion/resample.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/interrupt.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/options.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/timer.h"

namespace intersynth {
namespace fs = std::filesystem;
using internal::AddSourceJobs;
using internal::FindKind;
using internal::Fnv1a64;
using internal::ForUser;
using internal::Job;
using internal::KindInfo;
using internal::Kinds;
using internal::PreparedSource;
using internal::PrepareSource;
using internal::SourceTake;

namespace {

constexpr int kJ = kNumJoints;

struct JobResult {
  std::vector<DatasetEntry> entries;
  FeatureStatistics train_statistics;
  FeatureStatistics all_statistics;
  std::vector<SkippedFile> skipped;
  int takes = 0;
  int too_short = 0;
  int lifted = 0;
};

std::string SanitizeId(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    out += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? static_cast<char>(c) : '_';
  }
  return out;
}

// Resampling of one person's block [T, width] (uniform or by timestamps).
template <typename T>
std::vector<T> ResamplePerson(
    const SourceTake& take, const T* block, int width, double fps, const std::string& context) {
  if constexpr (std::is_same_v<T, float>) {
    return take.timestamps_s.empty()
               ? ResampleUniform(block, take.num_frames, width, take.fps, fps)
               : ResampleByTimestamps(block, take.timestamps_s, width, fps, context);
  } else {
    return take.timestamps_s.empty()
               ? ResampleValidityUniform(block, take.num_frames, width, take.fps, fps)
               : ResampleValidityByTimestamps(block, take.timestamps_s, width, fps, context);
  }
}

// Steps 2-6 of the file comment for one take; appends entries to `result`.
void ProcessTake(const SourceTake& take,
                 const std::string& kind,
                 const std::string& display,
                 const fs::path& clips_dir,
                 const DatasetBuildOptions& options,
                 JobResult* result) {
  const int P = take.num_persons;
  const size_t in_block = static_cast<size_t>(take.num_frames) * kJ;
  INTERSYNTH_CHECK(take.joints.size() == P * in_block * 3) << display << ": joints do not match";

  // 2. Resample each person to the dataset rate.
  std::vector<float> joints;
  std::vector<uint8_t> valid;
  int T = 0;
  for (int p = 0; p < P; ++p) {
    const std::vector<float> resampled =
        ResamplePerson(take, take.joints.data() + p * in_block * 3, kJ * 3, options.fps, display);
    T = static_cast<int>(resampled.size() / (kJ * 3));
    // 3. Constant bones.
    const std::vector<float> uniform = T > 0 ? UniformBoneLengths(resampled.data(), T) : resampled;
    joints.insert(joints.end(), uniform.begin(), uniform.end());
    if (!take.valid.empty()) {
      const std::vector<uint8_t> v =
          ResamplePerson(take, take.valid.data() + p * in_block, kJ, options.fps, display);
      valid.insert(valid.end(), v.begin(), v.end());
    }
  }
  ++result->takes;
  if (T < options.min_frames) {
    ++result->too_short;
    return;
  }

  // 4.-6. Cut, floor, canonicalise, check, write.
  const std::vector<std::pair<int, int>> cuts = CutTake(T, options.max_frames, options.min_frames);
  const std::string unseen =
      take.combination.empty()
          ? ""
          : UnseenCombinationSplit(kind, take.combination, options.unseen_combination_fraction);
  const std::string split =
      !unseen.empty()       ? unseen
      : !take.split.empty() ? take.split
                            : HashSplit(take.group, options.val_fraction, options.test_fraction);
  for (size_t k = 0; k < cuts.size(); ++k) {
    const auto [start, end] = cuts[k];
    const int length = end - start;
    MotionClip clip = MotionClip::Zeros(P, length, static_cast<float>(options.fps));
    clip.text = take.texts;
    clip.labels = take.labels;
    if (!valid.empty()) clip.valid.resize(static_cast<size_t>(P) * length * kJ);
    for (int p = 0; p < P; ++p) {
      const size_t from = (static_cast<size_t>(p) * T + start) * kJ;
      std::copy_n(joints.begin() + from * 3, static_cast<size_t>(length) * kJ * 3, clip.person(p));
      if (!valid.empty()) {
        std::copy_n(valid.begin() + from, static_cast<size_t>(length) * kJ,
                    clip.valid.begin() + static_cast<size_t>(p) * length * kJ);
      }
    }
    // One floor for everybody in the clip: persons are extra frames of one
    // [P*T, 22, 3] array. Per clip, not per take: long takes drift by a few cm.
    PutOnFloorOptions floor;
    floor.percentile = kDatasetFloorPercentile;
    PutOnFloor(clip.joints, P * length, floor);
    // A person lying, sitting or kneeling on the floor is lifted out of it
    // in those frames (the floor above comes from the feet).
    for (int p = 0; p < P; ++p) {
      std::vector<float> person(clip.person(p),
                                clip.person(p) + static_cast<size_t>(length) * kJ * 3);
      if (LiftBodyAboveFloor(person, length) > 0.0) {
        std::copy(person.begin(), person.end(), clip.person(p));
        ++result->lifted;
      }
    }
    DatasetEntry entry;
    entry.id = SanitizeId(fmt::format("{}_{}_{:02}", kind, take.take, k));
    entry.file = "clips/" + entry.id + ".npz";
    CanonicalizeClip(clip);
    ValidateMotionClip(clip, display);
    WriteMotionFile(clips_dir / (entry.id + ".npz"), clip);

    entry.source = kind;
    entry.take = take.take;
    entry.source_file = take.source_file;
    entry.licence = FindKind(kind).licence;
    entry.persons = P;
    entry.frames = length;
    entry.fps = static_cast<float>(options.fps);
    entry.start_frame = start;
    entry.texts = take.texts;
    entry.labels = take.labels;
    entry.split = split;
    if (!unseen.empty()) entry.part = kUnseenCombinationPart;

    // The 262 features of the clip for the statistics (all persons' rows).
    const InterGenFeatures features = EncodeInterGen(clip);
    const int64_t rows = static_cast<int64_t>(features.num_persons) * features.num_rows;
    result->all_statistics.Add(features.values.data(), rows, InterGenLayout::kDim);
    if (split == "train") {
      result->train_statistics.Add(features.values.data(), rows, InterGenLayout::kDim);
    }
    result->entries.push_back(std::move(entry));
  }
}

std::string FormatSummary(const DatasetBuildReport& report, const fs::path& out) {
  std::string text = fmt::format("built {} clips ({:.1f} min) in {:.1f} s -> {}\n", report.clips,
                                 report.minutes, report.seconds, out.string());
  text += fmt::format("  {:<11} {:>6} {:>6} {:>6} {:>8} {:>8} {:>6} {:>7}\n", "source", "files",
                      "takes", "clips", "minutes", "skipped", "short", "lifted");
  for (const DatasetSourceReport& source : report.sources) {
    text += fmt::format("  {:<11} {:>6} {:>6} {:>6} {:>8.1f} {:>8} {:>6} {:>7}\n", source.kind,
                        source.files, source.takes, source.clips, source.minutes, source.skipped,
                        source.too_short, source.lifted);
  }
  text += fmt::format(
      "splits: train {}, val {} ({} of unseen content x style combinations), test {} ({})\n",
      report.train, report.val, report.unseen_val, report.test, report.unseen_test);
  text += fmt::format("feature statistics (262): {} rows of the {} -> mean_262.npy, std_262.npy\n",
                      report.statistics_rows, report.statistics_split);
  text += fmt::format("skipped {} file{}", report.skipped.size(),
                      report.skipped.size() == 1 ? "" : "s");
  text += report.skipped.empty() ? "\n" : ":\n";
  for (const SkippedFile& file : report.skipped) text += "  " + file.reason + "\n";
  return text;
}

// Throws OptionError "{field} 'given': unknown source kind 'kind' (known: ...)"
// unless `kind` is one of DatasetSourceKinds().
void CheckKnownKind(const std::string& kind, std::string_view field, const std::string& given) {
  const std::vector<std::string>& kinds = DatasetSourceKinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    throw OptionError(fmt::format("{{{}}} '{}': unknown source kind '{}' (known: {})", field, given,
                                  kind, fmt::join(kinds, ", ")));
  }
}

// A rule as it is written: "[KIND:]STEM=FPS".
std::string FpsOverrideText(const FpsOverride& rule) {
  return fmt::format("{}{}{}={}", rule.kind, rule.kind.empty() ? "" : ":", rule.stem, rule.fps);
}

}  // namespace

const std::vector<std::string>& DatasetSourceKinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> names;
    for (const KindInfo& info : Kinds()) names.emplace_back(info.kind);
    return names;
  }();
  return kinds;
}

DatasetSource ParseDatasetSource(const std::string& spec, std::string_view field) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw OptionError(fmt::format("{{{}}} '{}': expected KIND=PATH with KIND one of {}", field,
                                  spec, fmt::join(DatasetSourceKinds(), ", ")));
  }
  DatasetSource source{spec.substr(0, eq), spec.substr(eq + 1)};
  CheckKnownKind(source.kind, field, spec);
  return source;
}

FpsOverride ParseFpsOverride(const std::string& rule, std::string_view field) {
  const size_t eq = rule.rfind('=');
  if (eq == std::string::npos || eq == 0) {
    throw OptionError(
        fmt::format("{{{}}} '{}': expected [KIND:]STEM=FPS, e.g. cmu:18_01=120", field, rule));
  }
  FpsOverride out;
  std::string name = rule.substr(0, eq);
  const size_t colon = name.find(':');
  if (colon != std::string::npos) {
    out.kind = name.substr(0, colon);
    name = name.substr(colon + 1);
    CheckKnownKind(out.kind, field, rule);
  }
  out.stem = name;
  const std::string number = rule.substr(eq + 1);
  char* end = nullptr;
  out.fps = std::strtod(number.c_str(), &end);
  if (out.stem.empty() || number.empty() || end != number.c_str() + number.size() ||
      !std::isfinite(out.fps) || out.fps <= 0.0) {
    throw OptionError(
        fmt::format("{{{}}} '{}': expected [KIND:]STEM=FPS with FPS > 0", field, rule));
  }
  return out;
}

const std::vector<FpsOverride>& KnownFpsOverrides() {
  static const std::vector<FpsOverride> rules = {{"cmu", "18_01", 120.0}};
  return rules;
}

std::vector<std::pair<int, int>> CutTake(int num_frames, int max_frames, int min_frames) {
  INTERSYNTH_CHECK(max_frames > 0) << "max_frames " << max_frames;
  std::vector<std::pair<int, int>> cuts;
  if (num_frames < std::max(1, min_frames)) return cuts;
  const int n = (num_frames + max_frames - 1) / max_frames;
  for (int k = 0; k < n; ++k) {
    cuts.emplace_back(static_cast<int>(static_cast<int64_t>(num_frames) * k / n),
                      static_cast<int>(static_cast<int64_t>(num_frames) * (k + 1) / n));
  }
  return cuts;
}

std::string UnseenCombinationSplit(const std::string& kind,
                                   const std::string& combination,
                                   double fraction) {
  const std::string key = "combination/" + kind + "/" + combination;
  const double u = static_cast<double>(Fnv1a64(key) % 1000000ull) / 1e6;
  if (!(u < fraction)) return "";
  return Fnv1a64(key + "/split") % 2 == 0 ? "val" : "test";
}

std::string HashSplit(const std::string& group, double val_fraction, double test_fraction) {
  const double u = static_cast<double>(Fnv1a64(group) % 1000000ull) / 1e6;
  if (u < test_fraction) return "test";
  if (u < test_fraction + val_fraction) return "val";
  return "train";
}

void DatasetBuildOptions::Check() const {
  CheckRequired(out.string(), "out");
  if (sources.empty()) {
    throw OptionError(fmt::format("no {{sources}} given (KIND=PATH, KIND one of {})",
                                  fmt::join(DatasetSourceKinds(), ", ")));
  }
  for (const DatasetSource& source : sources) {
    const std::string spec = fmt::format("{}={}", source.kind, source.path.string());
    CheckKnownKind(source.kind, "sources", spec);
    if (source.path.empty())
      throw OptionError(
          fmt::format("{{sources}} '{}': expected KIND=PATH, the path is empty", spec));
  }
  CheckPositive(fps, "fps");
  CheckFinite(fps, "fps");
  if (max_frames < 2 || min_frames < 2 || min_frames > max_frames) {
    throw OptionError(fmt::format("expected 2 <= {{min_frames}} ({}) <= {{max_frames}} ({})",
                                  min_frames, max_frames));
  }
  for (const FpsOverride& rule : fps_overrides) {
    if (!rule.kind.empty()) CheckKnownKind(rule.kind, "fps_overrides", FpsOverrideText(rule));
    if (rule.stem.empty() || !(rule.fps > 0.0) || !std::isfinite(rule.fps)) {
      throw OptionError(fmt::format("{{fps_overrides}} '{}': expected [KIND:]STEM=FPS with FPS > 0",
                                    FpsOverrideText(rule)));
    }
  }
  CheckAtLeast(jobs, 0, "jobs");
  CheckAtLeast(limit, 0, "limit");
  CheckInRange(val_fraction, 0.0, 1.0, "val_fraction");
  CheckInRange(test_fraction, 0.0, 1.0, "test_fraction");
  CheckInRange(unseen_combination_fraction, 0.0, 1.0, "unseen_combination_fraction");
  if (!(val_fraction + test_fraction < 1.0)) {
    throw OptionError(fmt::format(
        "{{val_fraction}} + {{test_fraction}} must leave room for train (< 1), got {} + {}",
        val_fraction, test_fraction));
  }
  CheckAtLeast(max_texts, 1, "max_texts");
}

DatasetBuildReport BuildDataset(const DatasetBuildOptions& options) {
  const Timer timer;
  InterruptGuard interrupt_guard;  // Ctrl-C stops unpacking and the workers; nothing is written
  // Options first, so that nothing is unpacked for a build that cannot run.
  options.Check();
  for (const DatasetSource& source : options.sources) {
    std::error_code ec;
    if (!fs::exists(source.path, ec)) {
      throw OptionError(fmt::format("{{sources}} {}={}: no such folder or archive", source.kind,
                                    source.path.string()));
    }
  }
  if (!options.joint_map.empty()) LoadJointMap(options.joint_map);  // fail early on a bad map
  AtomicFolderWriter out(options.out, options.overwrite);
  const fs::path clips_dir = out.temp_path() / "clips";
  fs::create_directories(clips_dir);

  // Unpack and list every source; frame-rate rules: the user's, then the known ones.
  std::vector<FpsOverride> rules = options.fps_overrides;
  rules.insert(rules.end(), KnownFpsOverrides().begin(), KnownFpsOverrides().end());
  std::vector<PreparedSource> prepared;
  std::vector<Job> jobs;
  std::vector<SkippedFile> early_skips;
  DatasetBuildReport report;
  for (size_t i = 0; i < options.sources.size(); ++i) {
    const DatasetSource& source = options.sources[i];
    prepared.push_back(PrepareSource(source));
    const size_t before = jobs.size();
    AddSourceJobs(static_cast<int>(i), source, prepared.back(), options, rules, &jobs,
                  &early_skips);
    DatasetSourceReport source_report;
    source_report.kind = source.kind;
    source_report.path = source.path.string();
    source_report.files = static_cast<int>(jobs.size() - before);
    report.sources.push_back(source_report);
    LogInfo("{}", fmt::format("{}: {} files from {}", source.kind, jobs.size() - before,
                              source.path.string()));
  }
  for (const SkippedFile& file : early_skips) {
    for (DatasetSourceReport& source : report.sources) {
      if (source.kind == file.source) ++source.skipped, ++source.files;
    }
  }

  // Parse and process in parallel; results land in job order (deterministic).
  std::vector<JobResult> results(jobs.size());
  const int threads = std::max(
      1, std::min<int>(options.jobs > 0 ? options.jobs
                                        : static_cast<int>(std::thread::hardware_concurrency()),
                       static_cast<int>(jobs.size())));
  ProgressOptions progress_options;
  std::unique_ptr<ProgressBar> bar;
  if (options.progress)
    bar = std::make_unique<ProgressBar>("data build", jobs.size(), progress_options);
  std::mutex bar_mutex;
  std::atomic<size_t> next{0};
  auto worker = [&]() {
    for (size_t i = next++; i < jobs.size() && !InterruptRequested(); i = next++) {
      const Job& job = jobs[i];
      const DatasetSource& source = options.sources[job.source];
      JobResult& result = results[i];
      try {
        for (const SourceTake& take : job.load()) {
          ProcessTake(take, source.kind, job.display, clips_dir, options, &result);
        }
      } catch (const std::exception& e) {
        // The file's clips written so far go too: a file is built whole or not at all.
        for (const DatasetEntry& entry : result.entries) {
          std::error_code ec;
          fs::remove(out.temp_path() / entry.file, ec);
        }
        const bool user_error = dynamic_cast<const Error*>(&e) != nullptr;
        std::string reason = ForUser(e.what(), prepared[job.source]);
        if (reason.find(job.display) == std::string::npos) reason = job.display + ": " + reason;
        if (!user_error) reason += " (internal error)";
        JobResult failed;
        failed.skipped.push_back({source.kind, job.display, reason});
        result = std::move(failed);
      }
      if (bar) {
        std::lock_guard<std::mutex> lock(bar_mutex);
        bar->Tick();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  if (bar) bar->Finish();
  if (InterruptRequested()) {
    throw Error("data build: interrupted; nothing was written");
  }

  // Gather, in job order.
  std::vector<DatasetEntry> entries;
  FeatureStatistics train_statistics, all_statistics;
  report.skipped = early_skips;
  for (size_t i = 0; i < jobs.size(); ++i) {
    DatasetSourceReport& source = report.sources[jobs[i].source];
    JobResult& result = results[i];
    source.takes += result.takes;
    source.too_short += result.too_short;
    source.lifted += result.lifted;
    source.skipped += static_cast<int>(result.skipped.size());
    for (const DatasetEntry& entry : result.entries) {
      ++source.clips;
      source.minutes += entry.frames / entry.fps / 60.0;
    }
    report.skipped.insert(report.skipped.end(), result.skipped.begin(), result.skipped.end());
    train_statistics.Merge(result.train_statistics);
    all_statistics.Merge(result.all_statistics);
    std::move(result.entries.begin(), result.entries.end(), std::back_inserter(entries));
  }
  if (entries.empty()) {
    throw Error(fmt::format("data build: no clip could be built ({} files skipped{})",
                            report.skipped.size(),
                            report.skipped.empty() ? "" : "; first: " + report.skipped[0].reason));
  }
  std::sort(entries.begin(), entries.end(),
            [](const DatasetEntry& a, const DatasetEntry& b) { return a.id < b.id; });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].id == entries[i - 1].id) {
      throw Error(
          fmt::format("data build: two clips have the id '{}' (the same source given "
                      "twice?)",
                      entries[i].id));
    }
  }

  // Index, split lists, statistics, manifest.
  std::string index;
  std::map<std::string, std::string> split_lists;
  for (const DatasetEntry& entry : entries) {
    index += DatasetEntryToJson(entry) + "\n";
    split_lists[entry.split] += entry.id + "\n";
    report.minutes += entry.frames / entry.fps / 60.0;
    if (entry.split == "train") ++report.train;
    if (entry.split == "val") ++report.val;
    if (entry.split == "test") ++report.test;
    if (!entry.part.empty()) ++(entry.split == "val" ? report.unseen_val : report.unseen_test);
  }
  report.clips = static_cast<int>(entries.size());
  WriteFileAtomic(out.temp_path() / "index.jsonl", index);
  for (const char* split : {"train", "val", "test"}) {
    WriteFileAtomic(out.temp_path() / (std::string(split) + ".txt"), split_lists[split]);
  }
  const bool have_train = train_statistics.num_rows() > 0;
  report.statistics_split = have_train ? "train split" : "whole dataset (no train clip)";
  const FeatureStatistics& statistics = have_train ? train_statistics : all_statistics;
  report.statistics_rows = statistics.num_rows();
  statistics.Finish("dataset feature statistics")
      .Save(out.temp_path() / "mean_262.npy", out.temp_path() / "std_262.npy");

  report.seconds = timer.Seconds();
  nlohmann::json manifest = {
      {"format", "intersynth-dataset"},
      {"version", kDatasetVersion},
      {"created_by", "intersynth " INTERSYNTH_VERSION},
      {"fps", options.fps},
      {"max_frames", options.max_frames},
      {"min_frames", options.min_frames},
      {"skeleton", "smpl22"},
      {"clips", report.clips},
      {"minutes", report.minutes},
      {"splits",
       {{"train", report.train},
        {"val", report.val},
        {"test", report.test},
        {"unseen_combination", {{"val", report.unseen_val}, {"test", report.unseen_test}}}}},
      {"features",
       {{"layout", "ig262"},
        {"mean", "mean_262.npy"},
        {"std", "std_262.npy"},
        {"rows", report.statistics_rows},
        {"from", report.statistics_split}}},
  };
  nlohmann::json sources = nlohmann::json::array();
  for (const DatasetSourceReport& source : report.sources) {
    sources.push_back({{"kind", source.kind},
                       {"path", source.path},
                       {"licence", FindKind(source.kind).licence},
                       {"files", source.files},
                       {"takes", source.takes},
                       {"clips", source.clips},
                       {"minutes", source.minutes},
                       {"skipped", source.skipped},
                       {"too_short", source.too_short},
                       {"lifted", source.lifted}});
  }
  manifest["sources"] = sources;
  nlohmann::json skipped = nlohmann::json::array();
  for (const SkippedFile& file : report.skipped) {
    skipped.push_back({{"source", file.source}, {"file", file.file}, {"reason", file.reason}});
  }
  manifest["skipped"] = skipped;
  WriteJson(out.temp_path() / "dataset.json", manifest);
  out.Commit();
  report.summary = FormatSummary(report, options.out);
  return report;
}

}  // namespace intersynth
