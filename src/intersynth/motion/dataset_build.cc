#include "intersynth/motion/dataset_build.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/body/joint_map.h"
#include "intersynth/body/mocap_import.h"
#include "intersynth/body/retarget.h"
#include "intersynth/io/archive.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/humanml3d_source.h"
#include "intersynth/motion/interhuman_source.h"
#include "intersynth/motion/label_text.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/motion/nuisi_source.h"
#include "intersynth/motion/resample.h"
#include "intersynth/motion/source_labels.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/interrupt.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/progress.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

constexpr int kJ = kNumJoints;

// Percentile of the per-frame lowest foot joint taken as a clip's floor: 10
// ignores dips that last under a tenth of the clip (a CMU 131_02 ankle sinks
// 5 cm for 8 of 104 frames) and keeps running and jumping clips, whose feet
// are down in more than a tenth of the frames, on the ground.
constexpr double kClipFloorPercentile = 10.0;

// What each source kind is, where its licence comes from, and which files
// it needs from an archive.
struct KindInfo {
  const char* kind;
  const char* licence;
  std::vector<std::string> extensions;
};

const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kKinds = {
      {"bandai", "CC BY-NC 4.0 (Bandai Namco Research Motiondataset)", {"bvh"}},
      {"hdm05", "HDM05: free for research, cite Mueller et al. 2007 (HDM05 report)", {"amc", "asf"}},
      {"cmu", "CMU Graphics Lab Motion Capture Database: free for research and commercial use",
       {"bvh", "amc", "asf", "tsv"}},
      {"reactidle", "MIT (ReActIdle)", {"bvh"}},
      {"nuisi", "AGPL-3.0 (NuiSI dataset)", {"txt"}},
      {"humanml3d", "HumanML3D: code MIT; motion from AMASS (research use)", {"npy", "txt"}},
      {"interhuman", "InterHuman: research use under its licence", {"npy", "txt"}},
  };
  return kKinds;
}

const KindInfo& FindKind(const std::string& kind) {
  for (const KindInfo& info : Kinds()) {
    if (kind == info.kind) return info;
  }
  throw Error(fmt::format("unknown source kind '{}' (known: {})", kind,
                          fmt::join(DatasetSourceKinds(), ", ")));
}

// One take of any source, before resampling: P persons on smpl22.
struct SourceTake {
  std::string take;
  std::string source_file;
  std::string split;  // "" = from the hash of `group`
  std::string group;
  std::vector<std::string> texts;
  std::vector<std::string> labels;
  int num_persons = 1;
  int num_frames = 0;
  double fps = 0.0;                  // uniform input rate; 0 when timestamps_s is used
  std::vector<double> timestamps_s;  // per frame, or empty
  std::vector<float> joints;         // [P, T, 22, 3] metres, Y up
  std::vector<uint8_t> valid;        // [P, T, 22] or empty
};

// One unit of parallel work: a source file that gives one or more takes.
struct Job {
  int source = 0;
  std::string display;  // the file as the user knows it (archive/member)
  std::function<std::vector<SourceTake>()> load;
};

struct JobResult {
  std::vector<DatasetEntry> entries;
  FeatureStatistics train_statistics;
  FeatureStatistics all_statistics;
  std::vector<SkippedFile> skipped;
  std::vector<std::string> notes;
  int takes = 0;
  int too_short = 0;
};

// Everything a source contributes before the parallel part.
struct PreparedSource {
  std::unique_ptr<ScratchFolder> scratch;  // archives: where they were unpacked
  fs::path root;
  std::string display_root;                // what stands for `root` in messages
};

std::string SanitizeId(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    out += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? static_cast<char>(c) : '_';
  }
  return out;
}

uint64_t Fnv1a64(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string Relative(const fs::path& path, const fs::path& root) {
  return path.lexically_relative(root).generic_string();
}

// Replaces the scratch folder in a message by the archive it stands for.
std::string ForUser(std::string message, const PreparedSource& source) {
  if (!source.scratch) return message;
  const std::string from = source.root.string() + "/";
  const std::string to = source.display_root + "/";
  for (size_t at = message.find(from); at != std::string::npos; at = message.find(from, at)) {
    message.replace(at, from.size(), to);
    at += to.size();
  }
  return message;
}

// Files under `root` whose lower-case extension is one of `extensions`, sorted.
std::vector<fs::path> FindFiles(const fs::path& root, const std::vector<std::string>& extensions) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::string ext = LowerExtension(it->path());
    if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

PreparedSource PrepareSource(const DatasetSource& source) {
  PreparedSource prepared;
  std::error_code ec;
  if (fs::is_directory(source.path, ec)) {
    prepared.root = source.path;
    prepared.display_root = source.path.string();
    return prepared;
  }
  if (!fs::is_regular_file(source.path, ec) || !IsArchivePath(source.path)) {
    throw Error(fmt::format("--source {}={}: no such folder or archive (.tar.xz, .tar.gz, .zip)",
                            source.kind, source.path.string()));
  }
  const KindInfo& info = FindKind(source.kind);
  prepared.scratch = std::make_unique<ScratchFolder>("intersynth-" + source.kind);
  const auto start = std::chrono::steady_clock::now();
  const ArchiveExtraction extraction =
      ExtractArchive(source.path, prepared.scratch->path(), [&](const std::string& member) {
        const std::string ext = LowerExtension(member);
        return std::find(info.extensions.begin(), info.extensions.end(), ext) !=
               info.extensions.end();
      });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  LogInfo("{}", fmt::format("{}: unpacked {} files ({:.0f} MB) from {} in {:.1f} s", source.kind,
                      extraction.files.size(), extraction.bytes / 1e6, source.path.string(),
                      seconds));
  prepared.root = prepared.scratch->path();
  prepared.display_root = source.path.string();
  return prepared;
}

// The rate to use instead of a file's own, or 0.
double LookupFps(const std::vector<FpsOverride>& rules, const std::string& kind,
                 const std::string& stem) {
  for (const FpsOverride& rule : rules) {
    if ((rule.kind.empty() || rule.kind == kind) && rule.stem == stem) return rule.fps;
  }
  return 0.0;
}

// Stems that occur more than once get a short hash of their path appended.
std::map<fs::path, std::string> TakeNames(const std::vector<fs::path>& files, const fs::path& root) {
  std::map<std::string, int> counts;
  for (const fs::path& file : files) ++counts[file.stem().string()];
  std::map<fs::path, std::string> names;
  for (const fs::path& file : files) {
    const std::string stem = file.stem().string();
    names[file] = counts[stem] == 1
                      ? stem
                      : fmt::format("{}_{:06x}", stem, Fnv1a64(Relative(file, root)) & 0xffffff);
  }
  return names;
}

// Jobs of a mocap source (bandai, hdm05, cmu, reactidle): one take per file.
void AddMocapJobs(int index, const DatasetSource& source, const PreparedSource& prepared,
                  const DatasetBuildOptions& options, const std::vector<FpsOverride>& rules,
                  std::vector<Job>* jobs) {
  const std::string kind = source.kind;
  std::vector<std::string> extensions = {"bvh"};
  if (kind == "hdm05") extensions = {"amc"};
  if (kind == "cmu") extensions = {"bvh", "amc"};
  std::vector<fs::path> files = FindFiles(prepared.root, extensions);
  if (options.limit > 0 && static_cast<int>(files.size()) > options.limit) files.resize(options.limit);

  // CMU texts come from the trial index beside the files.
  std::shared_ptr<const CmuTrialIndex> cmu_index;
  if (kind == "cmu") {
    const std::vector<fs::path> tables = FindFiles(prepared.root, {"tsv"});
    for (const fs::path& table : tables) {
      if (table.filename() == "cmu_trials.tsv") {
        cmu_index = std::make_shared<CmuTrialIndex>(LoadCmuTrials(table.string()));
        break;
      }
    }
    if (!cmu_index) {
      LogWarn("{}", fmt::format("cmu: no cmu_trials.tsv under {}: CMU takes have no text and will be "
                             "skipped",
                             prepared.display_root));
    }
  }
  const std::map<fs::path, std::string> names = TakeNames(files, prepared.root);
  for (const fs::path& file : files) {
    Job job;
    job.source = index;
    job.display = prepared.display_root + "/" + Relative(file, prepared.root);
    const std::string take_name = names.at(file);
    const std::string relative = Relative(file, prepared.root);
    job.load = [=, &options]() {
      const SourceLabels labels = ParseSourceLabels(kind, file.string(), cmu_index.get());
      SourceTake take;
      take.take = take_name;
      take.source_file = relative;
      take.texts = DescribeLabels(labels, options.max_texts);
      take.labels = labels.labels;
      take.split = labels.split_hint;
      // Performers stay in one split; a take is its own group otherwise.
      take.group = kind + "/" + (labels.actor.empty() ? take_name : labels.actor);

      MocapImportOptions import;
      import.joint_map = options.joint_map;
      import.joint_map_dir = options.joint_map_dir;
      import.fps_override = LookupFps(rules, kind, file.stem().string());
      if (kind == "hdm05") {
        // Folders hold one ASF per actor (HDM_bd.asf, ...).
        const fs::path asf = file.parent_path() / ("HDM_" + labels.actor + ".asf");
        std::error_code ec;
        if (fs::is_regular_file(asf, ec)) import.asf = asf;
      }
      const ImportedTake imported = ImportMocapTake(file, import);
      take.num_frames = imported.num_frames;
      take.fps = imported.fps;
      take.joints = imported.joints;
      return std::vector<SourceTake>{std::move(take)};
    };
    jobs->push_back(std::move(job));
  }
}

// NuiSI: one job per recording pair, one take per listed repetition.
void AddNuisiJobs(int index, const PreparedSource& prepared, const DatasetBuildOptions& options,
                  std::vector<Job>* jobs, std::vector<SkippedFile>* skipped) {
  std::vector<fs::path> firsts;
  for (const fs::path& file : FindFiles(prepared.root, {"txt"})) {
    const std::string stem = file.stem().string();
    if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, "_p1") == 0) firsts.push_back(file);
  }
  if (options.limit > 0 && static_cast<int>(firsts.size()) > options.limit) {
    firsts.resize(options.limit);
  }
  const fs::path map_dir = options.joint_map_dir.empty() ? DefaultJointMapDir() : options.joint_map_dir;
  for (const fs::path& p1 : firsts) {
    const std::string stem = p1.stem().string();
    const fs::path p2 = p1.parent_path() / (stem.substr(0, stem.size() - 3) + "_p2.txt");
    const std::string display = prepared.display_root + "/" + Relative(p1, prepared.root);
    std::error_code ec;
    if (!fs::is_regular_file(p2, ec)) {
      skipped->push_back({"nuisi", display,
                          fmt::format("{}: its partner file {} is missing", display,
                                      p2.filename().string())});
      continue;
    }
    Job job;
    job.source = index;
    job.display = display;
    const std::string relative = Relative(p1, prepared.root);
    job.load = [=]() {
      const NuisiRecording recording = ReadNuisiRecording(p1, p2);
      const NuisiAction& action = FindNuisiAction(recording.action);
      const NuisiWorld world = NuisiPlaceFaceToFace(recording, map_dir / "nuisi.json");
      const NuisiPlacement& placement = world.placement;
      LogInfo("{}", fmt::format(
          "nuisi {}: levelled by {:.1f} / {:.1f} deg; {} hands; fists {:.3f} m apart (median, "
          "p90 {:.3f}) over {} contact frames; pelvises {:.2f} m apart",
          recording.action, placement.level_degrees[0], placement.level_degrees[1],
          placement.contact_hand[0].empty() ? "no contact" : placement.contact_hand[0],
          placement.fist_distance_median_m, placement.fist_distance_p90_m,
          placement.contact_frames, placement.pelvis_distance_median_m));
      std::vector<SourceTake> takes;
      const int T = world.num_frames;
      for (size_t k = 0; k < action.segments.size(); ++k) {
        std::vector<int> frames;
        for (int t = 0; t < T; ++t) {
          if (world.index[t] >= action.segments[k][0] && world.index[t] <= action.segments[k][1]) {
            frames.push_back(t);
          }
        }
        if (frames.size() < 2) continue;
        SourceTake take;
        take.take = fmt::format("{}_{:02}", recording.action, k + 1);
        take.source_file = relative;
        take.group = "nuisi/" + take.take;
        take.texts = action.texts;
        take.labels = action.labels;
        take.num_persons = 2;
        take.num_frames = static_cast<int>(frames.size());
        for (int p = 0; p < 2; ++p) {
          for (int t : frames) {
            const size_t row = static_cast<size_t>(p) * T + t;
            take.joints.insert(take.joints.end(), world.joints.begin() + row * kJ * 3,
                               world.joints.begin() + (row + 1) * kJ * 3);
            take.valid.insert(take.valid.end(), world.valid.begin() + row * kJ,
                              world.valid.begin() + (row + 1) * kJ);
          }
        }
        for (int t : frames) take.timestamps_s.push_back(world.time_s[t]);
        takes.push_back(std::move(take));
      }
      return takes;
    };
    jobs->push_back(std::move(job));
  }
}

// HumanML3D: one job per clip id; captions with a time range become takes of their own.
void AddHumanML3DJobs(int index, const PreparedSource& prepared, const DatasetBuildOptions& options,
                      std::vector<Job>* jobs) {
  std::vector<std::string> ids = ListHumanML3DClips(prepared.root);
  if (options.limit > 0 && static_cast<int>(ids.size()) > options.limit) ids.resize(options.limit);
  const auto splits = std::make_shared<const std::map<std::string, std::string>>(
      ReadHumanML3DSplits(prepared.root));
  const fs::path root = prepared.root;
  for (const std::string& id : ids) {
    Job job;
    job.source = index;
    job.display = prepared.display_root + "/new_joints/" + id + ".npy";
    job.load = [=]() {
      const HumanML3DClip clip = ReadHumanML3DClip(root, id);
      constexpr double kCorpusFps = 20.0;  // new_joints are at 20 fps
      const auto split = splits->find(id);
      // Mirrored copies ("M" + id) share their original's group.
      const std::string base = !id.empty() && id[0] == 'M' ? id.substr(1) : id;
      SourceTake whole;
      whole.take = id;
      whole.source_file = "new_joints/" + id + ".npy";
      whole.split = split == splits->end() ? "" : split->second;
      whole.group = "humanml3d/" + base;
      whole.num_frames = clip.num_frames;
      whole.fps = kCorpusFps;
      whole.joints = clip.joints;
      std::vector<SourceTake> takes;
      int segment = 0;
      for (const HumanML3DCaption& caption : clip.captions) {
        if (caption.start_s == 0.0 && caption.end_s == 0.0) {
          whole.texts.push_back(caption.text);
          continue;
        }
        const int first = std::clamp(static_cast<int>(std::lround(caption.start_s * kCorpusFps)), 0,
                                     clip.num_frames);
        const int last = std::clamp(static_cast<int>(std::lround(caption.end_s * kCorpusFps)), 0,
                                    clip.num_frames);
        if (last - first < 2) continue;
        SourceTake part = whole;
        part.take = fmt::format("{}_seg{}", id, ++segment);
        part.texts = {caption.text};
        part.num_frames = last - first;
        part.joints.assign(clip.joints.begin() + static_cast<size_t>(first) * kJ * 3,
                           clip.joints.begin() + static_cast<size_t>(last) * kJ * 3);
        takes.push_back(std::move(part));
      }
      if (!whole.texts.empty() || takes.empty()) takes.insert(takes.begin(), std::move(whole));
      return takes;
    };
    jobs->push_back(std::move(job));
  }
}

// InterHuman: one job per clip id, two persons.
void AddInterHumanJobs(int index, const PreparedSource& prepared, const DatasetBuildOptions& options,
                       std::vector<Job>* jobs) {
  std::vector<std::string> ids = ListInterHumanClips(prepared.root);
  if (options.limit > 0 && static_cast<int>(ids.size()) > options.limit) ids.resize(options.limit);
  const auto splits = std::make_shared<const std::map<std::string, std::string>>(
      ReadInterHumanSplits(prepared.root));
  const fs::path root = prepared.root;
  for (const std::string& id : ids) {
    Job job;
    job.source = index;
    job.display = prepared.display_root + "/motions_processed/person1/" + id + ".npy";
    job.load = [=]() {
      const InterHumanClip clip = ReadInterHumanClip(root, id);
      SourceTake take;
      take.take = id;
      take.source_file = "motions_processed/person1/" + id + ".npy";
      const auto split = splits->find(id);
      take.split = split == splits->end() ? "" : split->second;
      take.group = "interhuman/" + id;
      take.texts = clip.captions;
      take.num_persons = 2;
      take.num_frames = clip.num_frames;
      take.fps = clip.fps;
      take.joints = clip.joints;
      return std::vector<SourceTake>{std::move(take)};
    };
    jobs->push_back(std::move(job));
  }
}

// Resampling of one person's block [T, width] (uniform or by timestamps).
template <typename T>
std::vector<T> ResamplePerson(const SourceTake& take, const T* block, int width, double fps,
                              const std::string& context) {
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
void ProcessTake(const SourceTake& take, const std::string& kind, const std::string& display,
                 const fs::path& clips_dir, const DatasetBuildOptions& options,
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
  const std::string split =
      !take.split.empty() ? take.split
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
    FloorOptions floor;
    floor.percentile = kClipFloorPercentile;
    PutOnFloor(clip.joints, P * length, floor);
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
  text += fmt::format("  {:<11} {:>6} {:>6} {:>6} {:>8} {:>8} {:>6}\n", "source", "files", "takes",
                      "clips", "minutes", "skipped", "short");
  for (const DatasetSourceReport& source : report.sources) {
    text += fmt::format("  {:<11} {:>6} {:>6} {:>6} {:>8.1f} {:>8} {:>6}\n", source.kind,
                        source.files, source.takes, source.clips, source.minutes, source.skipped,
                        source.too_short);
  }
  text += fmt::format("splits: train {}, val {}, test {}\n", report.train, report.val, report.test);
  text += fmt::format("feature statistics (262): {} rows of the {} -> mean_262.npy, std_262.npy\n",
                      report.statistics_rows, report.statistics_split);
  text += fmt::format("skipped {} file{}", report.skipped.size(),
                      report.skipped.size() == 1 ? "" : "s");
  text += report.skipped.empty() ? "\n" : ":\n";
  for (const SkippedFile& file : report.skipped) text += "  " + file.reason + "\n";
  return text;
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

DatasetSource ParseDatasetSource(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw Error(fmt::format("--source '{}': expected KIND=PATH with KIND one of {}", spec,
                            fmt::join(DatasetSourceKinds(), ", ")));
  }
  DatasetSource source{spec.substr(0, eq), spec.substr(eq + 1)};
  FindKind(source.kind);
  return source;
}

FpsOverride ParseFpsOverride(const std::string& rule) {
  const size_t eq = rule.rfind('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error(fmt::format("--fps-override '{}': expected [KIND:]STEM=FPS, e.g. cmu:18_01=120", rule));
  }
  FpsOverride out;
  std::string name = rule.substr(0, eq);
  const size_t colon = name.find(':');
  if (colon != std::string::npos) {
    out.kind = name.substr(0, colon);
    name = name.substr(colon + 1);
    FindKind(out.kind);
  }
  out.stem = name;
  const std::string number = rule.substr(eq + 1);
  char* end = nullptr;
  out.fps = std::strtod(number.c_str(), &end);
  if (out.stem.empty() || number.empty() || end != number.c_str() + number.size() ||
      !std::isfinite(out.fps) || out.fps <= 0.0) {
    throw Error(fmt::format("--fps-override '{}': expected [KIND:]STEM=FPS with FPS > 0", rule));
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

std::string HashSplit(const std::string& group, double val_fraction, double test_fraction) {
  const double u = static_cast<double>(Fnv1a64(group) % 1000000ull) / 1e6;
  if (u < test_fraction) return "test";
  if (u < test_fraction + val_fraction) return "val";
  return "train";
}

DatasetBuildReport BuildDataset(const DatasetBuildOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  InterruptGuard interrupt_guard;  // Ctrl-C stops unpacking and the workers; nothing is written
  // Options first, so that nothing is unpacked for a build that cannot run.
  if (options.sources.empty()) {
    throw Error(fmt::format("data build: no --source given (KIND=PATH, KIND one of {})",
                            fmt::join(DatasetSourceKinds(), ", ")));
  }
  if (!(options.fps > 0.0) || !std::isfinite(options.fps)) {
    throw Error(fmt::format("data build: --fps {} is not a positive frame rate", options.fps));
  }
  if (options.max_frames < 2 || options.min_frames < 2 || options.min_frames > options.max_frames) {
    throw Error(fmt::format("data build: expected 2 <= --min-frames ({}) <= --max-frames ({})",
                            options.min_frames, options.max_frames));
  }
  if (options.val_fraction < 0 || options.test_fraction < 0 ||
      options.val_fraction + options.test_fraction >= 1.0) {
    throw Error("data build: val and test fractions must be >= 0 and leave room for train");
  }
  for (const DatasetSource& source : options.sources) {
    FindKind(source.kind);
    std::error_code ec;
    if (!fs::exists(source.path, ec)) {
      throw Error(fmt::format("--source {}={}: no such folder or archive", source.kind,
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
    const int index = static_cast<int>(i);
    if (source.kind == "nuisi") {
      AddNuisiJobs(index, prepared.back(), options, &jobs, &early_skips);
    } else if (source.kind == "humanml3d") {
      AddHumanML3DJobs(index, prepared.back(), options, &jobs);
    } else if (source.kind == "interhuman") {
      AddInterHumanJobs(index, prepared.back(), options, &jobs);
    } else {
      AddMocapJobs(index, source, prepared.back(), options, rules, &jobs);
    }
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
  if (options.progress) bar = std::make_unique<ProgressBar>("data build", jobs.size(), progress_options);
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
      throw Error(fmt::format("data build: two clips have the id '{}' (the same source given "
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

  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
      {"splits", {{"train", report.train}, {"val", report.val}, {"test", report.test}}},
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
                       {"too_short", source.too_short}});
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
