#pragma once
// The sources of `intersynth data build` (internal to the motion module):
// what each kind is, how its files are found (folders or unpacked archives)
// and how each file becomes takes on smpl22, as jobs for the builder's
// workers. The builder (dataset_build.cc) resamples, cuts and writes them.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "intersynth/motion/dataset_build.h"
#include "intersynth/util/file_util.h"

namespace intersynth::internal {

/// What each source kind is, where its licence comes from, and which files
/// it needs from an archive.
struct KindInfo {
  const char* kind;
  const char* licence;
  std::vector<std::string> extensions;
};

/// Every kind in the order --help lists them.
const std::vector<KindInfo>& Kinds();

/// The kind called `kind`; throws Error listing the known ones otherwise.
const KindInfo& FindKind(const std::string& kind);

/// One take of any source, before resampling: P persons on smpl22.
struct SourceTake {
  std::string take;
  std::string source_file;
  std::string split;  // "" = from the hash of `group`
  std::string group;
  /// What the take shows as "content/style" where the source labels both
  /// (Bandai); "" otherwise. Whole combinations can be held out of training
  /// (DatasetBuildOptions::unseen_combination_fraction).
  std::string combination;
  std::vector<std::string> texts;
  std::vector<std::string> labels;
  int num_persons = 1;
  int num_frames = 0;
  double fps = 0.0;                  // uniform input rate; 0 when timestamps_s is used
  std::vector<double> timestamps_s;  // per frame, or empty
  std::vector<float> joints;         // [P, T, 22, 3] metres, Y up
  std::vector<uint8_t> valid;        // [P, T, 22] or empty
};

/// One unit of parallel work: a source file that gives one or more takes.
struct Job {
  int source = 0;
  std::string display;  // the file as the user knows it (archive/member)
  std::function<std::vector<SourceTake>()> load;
};

/// Everything a source contributes before the parallel part.
struct PreparedSource {
  std::unique_ptr<ScratchFolder> scratch;  // archives: where they were unpacked
  std::filesystem::path root;
  std::string display_root;  // what stands for `root` in messages
};

/// FNV-1a, 64 bits: a hash that is the same on every platform.
uint64_t Fnv1a64(const std::string& text);

/// `message` with the scratch folder of an archive source replaced by the
/// archive's path, so that users read "x.tar.xz/member.bvh:12: ...".
std::string ForUser(std::string message, const PreparedSource& source);

/// A folder source as it is; an archive unpacked (only the files its kind
/// needs) into a scratch folder. Throws OptionError ({sources}) for anything
/// else.
PreparedSource PrepareSource(const DatasetSource& source);

/// Appends the jobs of source `index` (options.sources[index], prepared) to
/// `jobs`; files that cannot even become a job (a NuiSI file without its
/// partner) go to `skipped`. `rules` are the frame-rate overrides in force.
void AddSourceJobs(int index,
                   const DatasetSource& source,
                   const PreparedSource& prepared,
                   const DatasetBuildOptions& options,
                   const std::vector<FpsOverride>& rules,
                   std::vector<Job>* jobs,
                   std::vector<SkippedFile>* skipped);

}  // namespace intersynth::internal
