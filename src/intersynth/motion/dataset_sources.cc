#include "intersynth/motion/dataset_sources.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "intersynth/body/joint_map.h"
#include "intersynth/body/mocap_import.h"
#include "intersynth/io/archive.h"
#include "intersynth/motion/corpus_lists.h"
#include "intersynth/motion/humanml3d_source.h"
#include "intersynth/motion/interhuman_source.h"
#include "intersynth/motion/label_text.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/nuisi_source.h"
#include "intersynth/motion/source_labels.h"
#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/util/options.h"
#include "intersynth/util/timer.h"

namespace intersynth::internal {
namespace fs = std::filesystem;
namespace {

constexpr int kJ = kNumJoints;
std::string Relative(const fs::path& path, const fs::path& root) {
  return path.lexically_relative(root).generic_string();
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

// The rate to use instead of a file's own, or 0.
double LookupFps(const std::vector<FpsOverride>& rules,
                 const std::string& kind,
                 const std::string& stem) {
  for (const FpsOverride& rule : rules) {
    if ((rule.kind.empty() || rule.kind == kind) && rule.stem == stem) return rule.fps;
  }
  return 0.0;
}

// Stems that occur more than once get a short hash of their path appended.
std::map<fs::path, std::string> TakeNames(const std::vector<fs::path>& files,
                                          const fs::path& root) {
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

// One job per file of `files` (sorted, at most options.limit of them), each
// take built by `load(file, take name, path relative to the source)`; take
// names come from TakeNames.
using FileTakeLoader =
    std::function<SourceTake(const fs::path&, const std::string&, const std::string&)>;
void AddFileJobs(int index,
                 const PreparedSource& prepared,
                 std::vector<fs::path> files,
                 const DatasetBuildOptions& options,
                 const FileTakeLoader& load,
                 std::vector<Job>* jobs) {
  if (options.limit > 0 && static_cast<int>(files.size()) > options.limit)
    files.resize(options.limit);
  const std::map<fs::path, std::string> names = TakeNames(files, prepared.root);
  for (const fs::path& file : files) {
    Job job;
    job.source = index;
    const std::string relative = Relative(file, prepared.root);
    job.display = prepared.display_root + "/" + relative;
    job.load = [load, file, take_name = names.at(file), relative]() {
      return std::vector<SourceTake>{load(file, take_name, relative)};
    };
    jobs->push_back(std::move(job));
  }
}

// Jobs of a mocap source (bandai, hdm05, cmu, reactidle): one take per file.
void AddMocapJobs(int index,
                  const DatasetSource& source,
                  const PreparedSource& prepared,
                  const DatasetBuildOptions& options,
                  const std::vector<FpsOverride>& rules,
                  std::vector<Job>* jobs) {
  const std::string kind = source.kind;
  std::vector<std::string> extensions = {"bvh"};
  if (kind == "hdm05") extensions = {"amc"};
  if (kind == "cmu") extensions = {"bvh", "amc"};
  std::vector<fs::path> files = FindFiles(prepared.root, extensions);

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
      LogWarn("{}",
              fmt::format("cmu: no cmu_trials.tsv under {}: CMU takes have no text and will be "
                          "skipped",
                          prepared.display_root));
    }
  }
  const FileTakeLoader load = [=, &options](const fs::path& file, const std::string& take_name,
                                            const std::string& relative) {
    const SourceLabels labels = ParseSourceLabels(kind, file.string(), cmu_index.get());
    SourceTake take;
    take.take = take_name;
    take.source_file = relative;
    take.texts = DescribeLabels(labels, options.max_texts);
    take.labels = labels.labels;
    take.split = labels.split_hint;
    // Performers stay in one split; a take is its own group otherwise.
    take.group = kind + "/" + (labels.actor.empty() ? take_name : labels.actor);
    if (kind == "bandai" && labels.labels.size() >= 2) {
      take.combination = labels.labels[0] + "/" + labels.labels[1];
    }

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
    return take;
  };
  AddFileJobs(index, prepared, std::move(files), options, load, jobs);
}

// NuiSI: one job per recording pair, one take per listed repetition.
void AddNuisiJobs(int index,
                  const PreparedSource& prepared,
                  const DatasetBuildOptions& options,
                  std::vector<Job>* jobs,
                  std::vector<SkippedFile>* skipped) {
  std::vector<fs::path> firsts;
  for (const fs::path& file : FindFiles(prepared.root, {"txt"})) {
    const std::string stem = file.stem().string();
    if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, "_p1") == 0) firsts.push_back(file);
  }
  if (options.limit > 0 && static_cast<int>(firsts.size()) > options.limit) {
    firsts.resize(options.limit);
  }
  const fs::path map_dir =
      options.joint_map_dir.empty() ? DefaultJointMapDir() : options.joint_map_dir;
  for (const fs::path& p1 : firsts) {
    const std::string stem = p1.stem().string();
    const fs::path p2 = p1.parent_path() / (stem.substr(0, stem.size() - 3) + "_p2.txt");
    const std::string display = prepared.display_root + "/" + Relative(p1, prepared.root);
    std::error_code ec;
    if (!fs::is_regular_file(p2, ec)) {
      skipped->push_back(
          {"nuisi", display,
           fmt::format("{}: its partner file {} is missing", display, p2.filename().string())});
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
      LogInfo(
          "{}",
          fmt::format(
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
void AddHumanML3DJobs(int index,
                      const PreparedSource& prepared,
                      const DatasetBuildOptions& options,
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
void AddInterHumanJobs(int index,
                       const PreparedSource& prepared,
                       const DatasetBuildOptions& options,
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

// Recovered motion (`intersynth recover` output, or any motion file): one
// take per .npz with its persons, frame rate and `valid` mask; captions from
// NAME.txt beside NAME.npz (one per line; HumanML3D's "caption#tokens#..."
// lines keep the caption) or the file's own; labels the file's.
void AddRecoveredJobs(int index,
                      const PreparedSource& prepared,
                      const DatasetBuildOptions& options,
                      std::vector<Job>* jobs) {
  const FileTakeLoader load = [](const fs::path& file, const std::string& take_name,
                                 const std::string& relative) {
    const MotionClip clip = ReadMotionFile(file);
    SourceTake take;
    take.take = take_name;
    take.source_file = relative;
    take.group = "recovered/" + take_name;
    take.texts = clip.text;
    fs::path captions = file;
    captions.replace_extension(".txt");
    if (fs::is_regular_file(captions)) {
      take.texts.clear();
      for (const auto& [number, line] : ReadTrimmedLines(captions)) {
        std::string caption = line.substr(0, line.find('#'));
        caption.erase(caption.find_last_not_of(" \t") + 1);  // blanks before a '#'
        if (!caption.empty()) take.texts.push_back(caption);
      }
    }
    take.labels = clip.labels;
    if (std::find(take.labels.begin(), take.labels.end(), "recovered") == take.labels.end())
      take.labels.push_back("recovered");
    take.num_persons = clip.num_persons;
    take.num_frames = clip.num_frames;
    take.fps = clip.fps;
    take.joints = clip.joints;
    take.valid = clip.valid;
    return take;
  };
  AddFileJobs(index, prepared, FindFiles(prepared.root, {"npz"}), options, load, jobs);
}

}  // namespace

const std::vector<KindInfo>& Kinds() {
  static const std::vector<KindInfo> kKinds = {
      {"bandai", "CC BY-NC 4.0 (Bandai Namco Research Motiondataset)", {"bvh"}},
      {"hdm05",
       "HDM05: free for research, cite Mueller et al. 2007 (HDM05 report)",
       {"amc", "asf"}},
      {"cmu",
       "CMU Graphics Lab Motion Capture Database: free for research and commercial use",
       {"bvh", "amc", "asf", "tsv"}},
      {"reactidle", "MIT (ReActIdle)", {"bvh"}},
      {"nuisi", "AGPL-3.0 (NuiSI dataset)", {"txt"}},
      {"humanml3d", "HumanML3D: code MIT; motion from AMASS (research use)", {"npy", "txt"}},
      {"interhuman", "InterHuman: research use under its licence", {"npy", "txt"}},
      {"recovered", "the licence of the footage the motion was recovered from", {"npz", "txt"}},
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

uint64_t Fnv1a64(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
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

PreparedSource PrepareSource(const DatasetSource& source) {
  PreparedSource prepared;
  std::error_code ec;
  if (fs::is_directory(source.path, ec)) {
    prepared.root = source.path;
    prepared.display_root = source.path.string();
    return prepared;
  }
  if (!fs::is_regular_file(source.path, ec) || !IsArchivePath(source.path)) {
    throw OptionError(
        fmt::format("{{sources}} {}={}: no such folder or archive (.tar.xz, .tar.gz, .zip)",
                    source.kind, source.path.string()));
  }
  const KindInfo& info = FindKind(source.kind);
  prepared.scratch = std::make_unique<ScratchFolder>("intersynth-" + source.kind);
  const Timer timer;
  const ArchiveExtraction extraction =
      ExtractArchive(source.path, prepared.scratch->path(), [&](const std::string& member) {
        const std::string ext = LowerExtension(member);
        return std::find(info.extensions.begin(), info.extensions.end(), ext) !=
               info.extensions.end();
      });
  const double seconds = timer.Seconds();
  LogInfo("{}", fmt::format("{}: unpacked {} files ({:.0f} MB) from {} in {:.1f} s", source.kind,
                            extraction.files.size(), extraction.bytes / 1e6, source.path.string(),
                            seconds));
  prepared.root = prepared.scratch->path();
  prepared.display_root = source.path.string();
  return prepared;
}

void AddSourceJobs(int index,
                   const DatasetSource& source,
                   const PreparedSource& prepared,
                   const DatasetBuildOptions& options,
                   const std::vector<FpsOverride>& rules,
                   std::vector<Job>* jobs,
                   std::vector<SkippedFile>* skipped) {
  if (source.kind == "nuisi") {
    AddNuisiJobs(index, prepared, options, jobs, skipped);
  } else if (source.kind == "humanml3d") {
    AddHumanML3DJobs(index, prepared, options, jobs);
  } else if (source.kind == "interhuman") {
    AddInterHumanJobs(index, prepared, options, jobs);
  } else if (source.kind == "recovered") {
    AddRecoveredJobs(index, prepared, options, jobs);
  } else {
    AddMocapJobs(index, source, prepared, options, rules, jobs);
  }
}

}  // namespace intersynth::internal
