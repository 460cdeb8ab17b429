#pragma once
// `intersynth data build`: every real motion source onto one dataset on the
// smpl22 skeleton (layout in motion/dataset.h).
//
// Per source (--source KIND=PATH, PATH a folder or an archive such as the
// shared mocap .tar.xz files, which are unpacked into a temp folder):
//
//   kind        finds                          text from                  split
//   bandai      **/*.bvh                       content + style in the name  hash
//   hdm05       **/*.amc (+ HDM_<actor>.asf)   class in the name            actor (train/ test/)
//   cmu         **/*.bvh, **/*.amc             cmu_trials.tsv in the folder hash of the subject
//   reactidle   **/*.bvh                       acted / genuine idle         hash of the performer
//   nuisi       **/<Action>_p1.txt + _p2.txt   the action (two persons)     hash of the repetition
//   humanml3d   new_joints/, texts/, lists     its captions                 its lists, else hash
//   interhuman  motions_processed/, annots/    its captions (two persons)   its lists, else hash
//   recovered   **/*.npz (intersynth recover)  NAME.txt beside, else the file's  hash
//
// Each take then goes through the same steps:
//   1. onto smpl22 in metres (mocap: body/mocap_import.h; NuiSI:
//      motion/nuisi_source.h; the corpora are smpl22 already),
//   2. resampled to --fps (by timestamps where the source has them),
//   3. bones set to their median length (body UniformBoneLengths: resampling
//      and sensors change them),
//   4. cut into clips of at most --max-frames (a take of T frames gives
//      ceil(T / max) clips of near-equal length; takes shorter than
//      --min-frames are dropped and counted),
//   5. the floor at y = 0 for each clip from the lowest foot joints of all
//      its persons (body/retarget.h PutOnFloor at the 10th percentile of the
//      per-frame lowest foot joint, robust to glitches in up to a tenth of the
//      frames; per clip because long takes drift by a few centimetres),
//   6. each clip canonicalised (motion/features_262.h CanonicalizeClip:
//      person 0's root over the origin facing +Z at frame 0), checked and
//      written.
// A file that fails (parse error, unknown skeleton, NaN) is skipped with its
// reason and the build goes on; the report lists them. The output folder
// appears only when the build succeeds (util/file_util.h AtomicFolderWriter);
// Ctrl-C stops it cleanly (util/interrupt.h) and leaves nothing behind.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// The source kinds `data build` reads, in the order --help lists them.
const std::vector<std::string>& DatasetSourceKinds();

/// One --source KIND=PATH.
struct DatasetSource {
  std::string kind;
  std::filesystem::path path;
};

/// Parses "KIND=PATH". Throws OptionError naming `field` for a missing '=',
/// an empty path or an unknown kind (listing the known ones). Does not touch
/// the file system.
DatasetSource ParseDatasetSource(const std::string& spec, std::string_view field = "sources");

/// A frame rate for the takes of one source whose file name stem matches:
/// "cmu:18_01=120" (KIND:STEM=FPS) or "18_01=120" (any source).
struct FpsOverride {
  std::string kind;  ///< "" for any source.
  std::string stem;
  double fps = 0.0;
};

/// Parses a rule "[KIND:]STEM=FPS" (see FpsOverride). Throws OptionError
/// naming `field` when it is malformed, names an unknown kind or the rate is
/// not a positive number.
FpsOverride ParseFpsOverride(const std::string& rule, std::string_view field = "fps_overrides");

/// Frame rates known to be wrong in the shared files' headers: CMU 18_01.bvh
/// says 30 fps but is 120 fps (its 303 frames, ../shared/data/README.md).
const std::vector<FpsOverride>& KnownFpsOverrides();

/// Options of BuildDataset.
struct DatasetBuildOptions {
  /// Output folder; must not exist unless `overwrite`.
  std::filesystem::path out;
  /// The sources, at least one (KIND=PATH on the command line).
  std::vector<DatasetSource> sources;
  /// Dataset frame rate.
  double fps = 20.0;
  /// Longest clip, frames (HumanML3D's 196 = 9.8 s at 20 fps).
  int max_frames = 196;
  /// Shortest take kept, frames: 1 s at 20 fps. HumanML3D keeps 40 (2 s), but
  /// the HDM05 cuts are short actions (median 1.7 s; 173 of 288 under 2 s).
  /// 2 <= min_frames <= max_frames.
  int min_frames = 20;
  /// A joint map tried before the bundled ones.
  std::filesystem::path joint_map;
  /// Folder of the bundled joint maps; empty = DefaultJointMapDir().
  std::filesystem::path joint_map_dir;
  /// Extra frame-rate rules, tried before KnownFpsOverrides().
  std::vector<FpsOverride> fps_overrides;
  /// Worker threads parsing takes; 0 = the number of cores.
  int jobs = 0;
  /// At most this many source files per source (first in sorted order); 0 = all.
  int limit = 0;
  /// Shares of the hashed split groups that go to val and test (each in
  /// [0, 1], less than 1 together).
  double val_fraction = 0.1;
  double test_fraction = 0.1;
  /// Share of the content x style combinations (Bandai) held out of training
  /// whole: their takes go to val or test (half of the combinations each, by
  /// hash) with DatasetEntry::part "unseen-combination", so an evaluation
  /// can tell composing a known action and a known style anew from
  /// repeating a pair seen in training. In [0, 1].
  double unseen_combination_fraction = 0.1;
  /// Captions per mocap clip made from its labels (motion/label_text.h).
  int max_texts = 3;
  /// Replace an existing output folder.
  bool overwrite = false;
  /// Draw a progress bar (on a terminal only).
  bool progress = true;

  /// Throws OptionError naming the first bad field (values only; the source
  /// paths are checked when BuildDataset opens them).
  void Check() const;
};

/// A source file that was not built, and why (file, line and reason).
struct SkippedFile {
  std::string source;
  std::string file;
  std::string reason;
};

/// Counts of one source.
struct DatasetSourceReport {
  std::string kind;
  std::string path;
  int files = 0;
  int takes = 0;
  int clips = 0;
  int skipped = 0;
  /// Takes shorter than min_frames after resampling.
  int too_short = 0;
  /// Person-clips lifted out of the floor (LiftBodyAboveFloor).
  int lifted = 0;
  double minutes = 0.0;
};

struct DatasetBuildReport {
  int clips = 0;
  double minutes = 0.0;
  std::vector<DatasetSourceReport> sources;
  std::vector<SkippedFile> skipped;
  /// Clips per split.
  int train = 0, val = 0, test = 0;
  /// Of val and test, the clips of held-out content x style combinations.
  int unseen_val = 0, unseen_test = 0;
  /// Rows the feature statistics rest on, and which split they came from.
  int64_t statistics_rows = 0;
  std::string statistics_split;
  double seconds = 0.0;
  /// The multi-line summary the CLI prints.
  std::string summary;
};

/// Builds the dataset (see the file comment). Throws before any work for bad
/// options (OptionError: unknown kind, missing source path, max_frames <
/// min_frames, fps not positive; Error: existing output without overwrite),
/// and at the end when no clip at all could be built (nothing is written then).
DatasetBuildReport BuildDataset(const DatasetBuildOptions& options);

/// The clips a take of `num_frames` frames is cut into: [start, end) ranges
/// of near-equal length, n = ceil(T / max_frames) of them covering every frame
/// (lengths differ by at most one). Empty when T < min_frames.
std::vector<std::pair<int, int>> CutTake(int num_frames, int max_frames, int min_frames);

/// "train", "val" or "test" for a split group, from the FNV-1a 64-bit hash
/// of `group`: u = (hash mod 10^6) / 10^6, test when u < test_fraction, val
/// when u < test_fraction + val_fraction, else train. Deterministic on every
/// platform.
std::string HashSplit(const std::string& group, double val_fraction, double test_fraction);

/// Where a take of a content x style `combination` goes when combinations
/// are held out: "" when its combination is kept for training (hash share
/// u >= fraction), else "val" or "test" (by a second hash of the
/// combination, so each held-out combination lies in one split whole).
/// `kind` keeps the sources' combinations apart.
std::string UnseenCombinationSplit(const std::string& kind,
                                   const std::string& combination,
                                   double fraction);

}  // namespace intersynth
