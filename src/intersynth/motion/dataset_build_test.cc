#include "intersynth/motion/dataset_build.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/io/bvh.h"
#include "intersynth/io/json.h"
#include "intersynth/io/npy.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"
#include "intersynth/util/statistics.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;

TEST(CutTake, NearEqualPiecesCoverTheTake) {
  EXPECT_TRUE(CutTake(39, 196, 40).empty());
  EXPECT_EQ(CutTake(40, 196, 40), (std::vector<std::pair<int, int>>{{0, 40}}));
  EXPECT_EQ(CutTake(196, 196, 40), (std::vector<std::pair<int, int>>{{0, 196}}));
  EXPECT_EQ(CutTake(197, 196, 40), (std::vector<std::pair<int, int>>{{0, 98}, {98, 197}}));
  for (int T : {41, 250, 393, 1000, 5017}) {
    const auto cuts = CutTake(T, 196, 40);
    ASSERT_EQ(static_cast<int>(cuts.size()), (T + 195) / 196);
    EXPECT_EQ(cuts.front().first, 0);
    EXPECT_EQ(cuts.back().second, T);
    int shortest = T, longest = 0;
    for (size_t k = 0; k < cuts.size(); ++k) {
      if (k > 0) {
        EXPECT_EQ(cuts[k].first, cuts[k - 1].second);
      }
      shortest = std::min(shortest, cuts[k].second - cuts[k].first);
      longest = std::max(longest, cuts[k].second - cuts[k].first);
    }
    EXPECT_LE(longest, 196);
    EXPECT_LE(longest - shortest, 1);
  }
}

TEST(HashSplit, DeterministicWithTheAskedShares) {
  EXPECT_EQ(HashSplit("bandai/dataset-1_walk_normal_001", 0.1, 0.1),
            HashSplit("bandai/dataset-1_walk_normal_001", 0.1, 0.1));
  std::map<std::string, int> counts;
  for (int i = 0; i < 20000; ++i) ++counts[HashSplit(fmt::format("take{}", i), 0.1, 0.1)];
  EXPECT_NEAR(counts["train"] / 20000.0, 0.8, 0.015);
  EXPECT_NEAR(counts["val"] / 20000.0, 0.1, 0.01);
  EXPECT_NEAR(counts["test"] / 20000.0, 0.1, 0.01);
  // Known values pin the hash (FNV-1a 64) across platforms and versions.
  EXPECT_EQ(HashSplit("", 0.1, 0.1), "train");  // 14695981039346656037 % 10^6 = 656037
  EXPECT_EQ(HashSplit("", 0.1, 0.6), "val");
  EXPECT_EQ(HashSplit("", 0.0, 0.7), "test");
}

TEST(UnseenCombinationSplit, HoldsOutWholeCombinationsIntoValOrTest) {
  std::map<std::string, int> counts;
  for (int i = 0; i < 20000; ++i) {
    const std::string combination = fmt::format("content{}/style{}", i % 100, i / 100);
    const std::string split = UnseenCombinationSplit("bandai", combination, 0.1);
    // The same combination always goes to the same place.
    EXPECT_EQ(split, UnseenCombinationSplit("bandai", combination, 0.1));
    ++counts[split];
  }
  EXPECT_NEAR(counts[""] / 20000.0, 0.9, 0.015);
  EXPECT_NEAR(counts["val"] / 20000.0, 0.05, 0.01);
  EXPECT_NEAR(counts["test"] / 20000.0, 0.05, 0.01);
  EXPECT_EQ(UnseenCombinationSplit("bandai", "walk/normal", 0.0), "");
  EXPECT_NE(UnseenCombinationSplit("bandai", "walk/normal", 1.0), "");
}

TEST(DatasetBuildOptions, SourceAndFpsRulesParseOrSayWhatIsExpected) {
  const DatasetSource source = ParseDatasetSource("hdm05=../shared/data/mocap/hdm05.tar.xz");
  EXPECT_EQ(source.kind, "hdm05");
  EXPECT_EQ(source.path, "../shared/data/mocap/hdm05.tar.xz");
  EXPECT_ERROR_CONTAINS(ParseDatasetSource("hdm05"), {"KIND=PATH", "bandai"});
  EXPECT_ERROR_CONTAINS(ParseDatasetSource("mixamo=x"), {"unknown source kind 'mixamo'", "nuisi"});
  const FpsOverride rule = ParseFpsOverride("cmu:18_01=120");
  EXPECT_EQ(rule.kind, "cmu");
  EXPECT_EQ(rule.stem, "18_01");
  EXPECT_EQ(rule.fps, 120.0);
  EXPECT_EQ(ParseFpsOverride("take=29.97").kind, "");
  EXPECT_ERROR_CONTAINS(ParseFpsOverride("18_01=fast"), {"STEM=FPS"});
  EXPECT_ERROR_CONTAINS(ParseFpsOverride("18_01=-3"), {"FPS > 0"});
  EXPECT_ERROR_CONTAINS(ParseFpsOverride("foo:18_01=30"), {"unknown source kind 'foo'"});
}

// A ReActIdle-style take of `frames` frames at 24 fps made from the bundled
// 4-frame cut of a real take, the root walking slowly along +Z.
std::string ReactIdleLikeBvh(int frames) {
  BvhMotion motion = ReadBvh(testing::SourceDir() / "testdata/bvh/reactidle_001_acted_first4.bvh");
  const Eigen::MatrixXd four = motion.values;
  motion.values.resize(frames, four.cols());
  for (int f = 0; f < frames; ++f) {
    motion.values.row(f) = four.row(f % 4);
    motion.values(f, 2) += 0.01 * f;  // root Zposition (metres)
  }
  motion.num_frames = frames;
  return SerializeBvh(motion);
}

// A HumanML3D corpus in its own layout: two clips from the bundled sample
// (the second shifted and shortened), captions, split lists.
void WriteHumanML3DFixture(const fs::path& root) {
  const NpyArray sample = ReadNpy(testing::SourceDir() / "assets/humanml3d/012314_joints.npy");
  fs::create_directories(root / "new_joints");
  fs::create_directories(root / "texts");
  WriteNpy(root / "new_joints" / "000001.npy", sample);
  std::vector<float> shorter = sample.ToVector<float>();
  shorter.resize(static_cast<size_t>(120) * 22 * 3);
  for (size_t i = 0; i < shorter.size(); i += 3) shorter[i] += 1.5f;
  WriteNpy(root / "new_joints" / "000002.npy", NpyArray::Float32({120, 22, 3}, shorter));
  WriteFileAtomic(root / "texts" / "000001.txt",
                  "a person walks forward.#a/DET person/NOUN walk/VERB forward/ADV#0.0#0.0\n"
                  "someone strides ahead#someone/PRON stride/VERB ahead/ADV#0.0#0.0\n"
                  "the person stops#the/DET person/NOUN stop/VERB#3.0#6.0\n");
  WriteFileAtomic(root / "texts" / "000002.txt", "a person steps to the side#a/DET#0.0#0.0\n");
  WriteFileAtomic(root / "train.txt", "000001\n");
  WriteFileAtomic(root / "test.txt", "000002\n");
}

// An InterHuman corpus in InterGen's layout: one two-person clip at 30 fps
// (Z up), the partner 1.2 m away.
void WriteInterHumanFixture(const fs::path& root) {
  const NpyArray sample = ReadNpy(testing::SourceDir() / "assets/humanml3d/012314_joints.npy");
  const std::vector<float> joints = sample.ToVector<float>();
  const int T = static_cast<int>(sample.shape[0]);
  std::array<std::vector<float>, 2> rows;
  for (int p = 0; p < 2; ++p) {
    rows[p].assign(static_cast<size_t>(T) * 492, 0.0f);
    for (int t = 0; t < T; ++t) {
      for (int j = 0; j < 22; ++j) {
        const float* y_up = joints.data() + (static_cast<size_t>(t) * 22 + j) * 3;
        float* z_up = rows[p].data() + static_cast<size_t>(t) * 492 + 3 * j;
        // Y-up (x, y, z) -> Z-up (x, -z, y), the inverse of the reader's (x, y, z) -> (x, z, -y).
        z_up[0] = y_up[0] + (p == 1 ? 1.2f : 0.0f);
        z_up[1] = -y_up[2];
        z_up[2] = y_up[1];
      }
    }
  }
  fs::create_directories(root / "motions_processed" / "person1");
  fs::create_directories(root / "motions_processed" / "person2");
  fs::create_directories(root / "annots");
  WriteNpy(root / "motions_processed" / "person1" / "7.npy", NpyArray::Float32({T, 492}, rows[0]));
  WriteNpy(root / "motions_processed" / "person2" / "7.npy", NpyArray::Float32({T, 492}, rows[1]));
  WriteFileAtomic(root / "annots" / "7.txt", "two people walk side by side.\n");
  WriteFileAtomic(root / "val.txt", "7\n");
}

DatasetBuildOptions Options(const fs::path& out) {
  DatasetBuildOptions options;
  options.out = out;
  options.jobs = 2;
  options.progress = false;
  return options;
}

TEST(BuildDataset, CorpusLayoutsBuildWithTheirCaptionsAndSplits) {
  testing::TempDir dir;
  WriteHumanML3DFixture(dir / "hml");
  WriteInterHumanFixture(dir / "ih");
  DatasetBuildOptions options = Options(dir / "ds");
  options.max_frames = 100;
  options.sources = {{"humanml3d", dir / "hml"}, {"interhuman", dir / "ih"}};
  const DatasetBuildReport report = BuildDataset(options);

  const std::vector<DatasetEntry> entries = ReadDatasetIndex(dir / "ds");
  std::map<std::string, DatasetEntry> by_id;
  for (const DatasetEntry& entry : entries) by_id[entry.id] = entry;
  // 000001: 170 frames -> 2 cuts with the two whole-clip captions; its
  // 3-6 s caption is a take of its own (60 frames); 000002: 120 frames -> 2 cuts.
  ASSERT_EQ(by_id.count("humanml3d_000001_00"), 1u);
  EXPECT_EQ(by_id["humanml3d_000001_00"].texts,
            (std::vector<std::string>{"a person walks forward.", "someone strides ahead"}));
  EXPECT_EQ(by_id["humanml3d_000001_00"].frames, 85);
  EXPECT_EQ(by_id["humanml3d_000001_00"].split, "train");
  ASSERT_EQ(by_id.count("humanml3d_000001_seg1_00"), 1u);
  EXPECT_EQ(by_id["humanml3d_000001_seg1_00"].frames, 60);
  EXPECT_EQ(by_id["humanml3d_000001_seg1_00"].texts,
            (std::vector<std::string>{"the person stops"}));
  EXPECT_EQ(by_id["humanml3d_000002_01"].split, "test");
  // InterHuman: 170 frames at 30 fps -> 113 at 20 fps -> 2 cuts, two persons, its split.
  ASSERT_EQ(by_id.count("interhuman_7_00"), 1u);
  EXPECT_EQ(by_id["interhuman_7_00"].persons, 2);
  EXPECT_EQ(by_id["interhuman_7_00"].frames + by_id["interhuman_7_01"].frames, 113);
  EXPECT_EQ(by_id["interhuman_7_00"].split, "val");
  EXPECT_EQ(report.clips, static_cast<int>(entries.size()));

  // The partner stays 1.2 m away (canonicalisation is rigid), both on the floor.
  const MotionClip clip = ReadMotionFile(dir / "ds" / by_id["interhuman_7_00"].file);
  const float* a = clip.joint(0, 0, 0);
  const float* b = clip.joint(1, 0, 0);
  EXPECT_NEAR(std::hypot(a[0] - b[0], a[2] - b[2]), 1.2, 1e-4);
  // Files of the layout: manifest, statistics [262] over the train split, split lists.
  const nlohmann::json manifest = ReadJson(dir / "ds" / "dataset.json");
  EXPECT_EQ(manifest["version"], kDatasetVersion);
  EXPECT_EQ(manifest["clips"], report.clips);
  const FeatureNormalizer statistics =
      FeatureNormalizer::Load(dir / "ds" / "mean_262.npy", dir / "ds" / "std_262.npy");
  EXPECT_EQ(statistics.dim(), 262);
  EXPECT_EQ(report.statistics_split, "train split");
  EXPECT_NE(ReadFileToString(dir / "ds" / "test.txt").find("humanml3d_000002_00\n"),
            std::string::npos);
}

// Recovered motion (intersynth recover's motion files): persons, frame
// rate and the `valid` mask of unseen frames come through; captions from a
// NAME.txt beside the file, else the file's own.
TEST(BuildDataset, RecoveredMotionFilesKeepTheirPersonsValidMasksAndCaptions) {
  testing::TempDir dir;
  MotionClip two = SyntheticSmpl22Motion(2, 90, 4);
  two.fps = 30.0f;
  two.labels = {"recovered"};
  two.valid.assign(static_cast<size_t>(2) * 90 * kNumJoints, 1);
  for (int t = 0; t < 30; ++t)  // person 1 not seen in the first second
    std::fill_n(two.valid.begin() + (static_cast<size_t>(90) + t) * kNumJoints, kNumJoints, 0);
  fs::create_directories(dir / "rec" / "ward");
  WriteMotionFile(dir / "rec" / "ward" / "help_up.npz", two);
  WriteFileAtomic(
      dir / "rec" / "ward" / "help_up.txt",
      "a nurse helps a patient stand up#a/DET nurse/NOUN#0.0#0.0\n\n  the carer lifts him \n");
  MotionClip one = SyntheticSmpl22Motion(1, 80, 5);
  one.text = {"a person walks"};
  WriteMotionFile(dir / "rec" / "walk.npz", one);

  DatasetBuildOptions options = Options(dir / "ds");
  options.sources = {{"recovered", dir / "rec"}};
  BuildDataset(options);
  std::map<std::string, DatasetEntry> by_id;
  for (const DatasetEntry& entry : ReadDatasetIndex(dir / "ds")) by_id[entry.id] = entry;
  ASSERT_EQ(by_id.count("recovered_help_up_00"), 1u);
  const DatasetEntry& help = by_id["recovered_help_up_00"];
  EXPECT_EQ(help.persons, 2);
  EXPECT_EQ(help.frames, 60);  // 90 frames at 30 fps -> 60 at 20
  EXPECT_EQ(help.texts,
            (std::vector<std::string>{"a nurse helps a patient stand up", "the carer lifts him"}));
  EXPECT_EQ(help.labels, (std::vector<std::string>{"recovered"}));
  ASSERT_EQ(by_id.count("recovered_walk_00"), 1u);
  EXPECT_EQ(by_id["recovered_walk_00"].texts, (std::vector<std::string>{"a person walks"}));
  EXPECT_EQ(by_id["recovered_walk_00"].labels, (std::vector<std::string>{"recovered"}));
  const MotionClip clip = ReadMotionFile(dir / "ds" / help.file);
  ASSERT_EQ(clip.valid.size(), static_cast<size_t>(2) * 60 * kNumJoints);
  EXPECT_EQ(clip.valid[(static_cast<size_t>(60) + 5) * kNumJoints], 0);   // person 1, frame 5
  EXPECT_EQ(clip.valid[(static_cast<size_t>(60) + 40) * kNumJoints], 1);  // person 1, frame 40
  EXPECT_EQ(clip.valid[5 * kNumJoints], 1);                               // person 0
}

TEST(BuildDataset, OneOrTwoWorkersGiveTheSameDataset) {
  testing::TempDir dir;
  WriteHumanML3DFixture(dir / "hml");
  WriteInterHumanFixture(dir / "ih");
  for (int jobs : {1, 2}) {
    DatasetBuildOptions options = Options(dir / ("ds" + std::to_string(jobs)));
    options.jobs = jobs;
    options.max_frames = 60;
    options.sources = {{"humanml3d", dir / "hml"}, {"interhuman", dir / "ih"}};
    BuildDataset(options);
  }
  for (const char* file : {"index.jsonl", "mean_262.npy", "std_262.npy", "train.txt", "test.txt",
                           "clips/interhuman_7_01.npz", "clips/humanml3d_000001_02.npz"}) {
    EXPECT_EQ(ReadFileToString(dir / "ds1" / file), ReadFileToString(dir / "ds2" / file)) << file;
  }
}

TEST(BuildDataset, BadFilesAreSkippedWithTheirReasonAndTheRestIsBuilt) {
  testing::TempDir dir;
  const fs::path src = dir / "reactidle";
  fs::create_directories(src);
  const std::string good = ReactIdleLikeBvh(120);
  WriteFileAtomic(src / "001_acted.bvh", good);
  WriteFileAtomic(src / "002_genuine.bvh", good);
  // Truncated in the middle of the motion data.
  WriteFileAtomic(src / "003_acted.bvh", good.substr(0, good.size() * 2 / 3));
  // A NaN channel.
  std::string with_nan = good;
  const size_t motion = with_nan.find("Frame Time:");
  const size_t value = with_nan.find('\n', motion) + 1;
  with_nan.replace(value, with_nan.find(' ', value) - value, "nan");
  WriteFileAtomic(src / "004_acted.bvh", with_nan);
  // An unknown rig, and a name that does not follow the source's pattern.
  fs::copy_file(testing::SourceDir() / "testdata/bvh/bandai_like.bvh", src / "005_acted.bvh");
  WriteFileAtomic(src / "walking.bvh", good);

  DatasetBuildOptions options = Options(dir / "ds");
  options.sources = {{"reactidle", src}};
  const DatasetBuildReport report = BuildDataset(options);
  EXPECT_EQ(report.sources[0].files, 6);
  EXPECT_EQ(report.sources[0].skipped, 4);
  ASSERT_EQ(report.skipped.size(), 4u);
  std::map<std::string, std::string> reasons;
  for (const SkippedFile& file : report.skipped)
    reasons[fs::path(file.file).filename()] = file.reason;
  EXPECT_NE(reasons["003_acted.bvh"].find("003_acted.bvh:"), std::string::npos)
      << reasons["003_acted.bvh"];
  EXPECT_NE(reasons["004_acted.bvh"].find("expected a finite number"), std::string::npos)
      << reasons["004_acted.bvh"];
  EXPECT_NE(reasons["005_acted.bvh"].find("joint_map"), std::string::npos)
      << reasons["005_acted.bvh"];
  EXPECT_NE(reasons["walking.bvh"].find("walking.bvh"), std::string::npos);
  EXPECT_NE(report.summary.find("skipped 4 files"), std::string::npos);
  EXPECT_NE(report.summary.find("003_acted.bvh"), std::string::npos);
  // The two good takes: 120 frames at 24 fps -> 100 at 20 fps, one clip each.
  const std::vector<DatasetEntry> entries = ReadDatasetIndex(dir / "ds");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "reactidle_001_acted_00");
  EXPECT_EQ(entries[0].frames, 100);
  EXPECT_EQ(entries[0].licence, "MIT (ReActIdle)");
  EXPECT_FALSE(entries[0].texts.empty());
  const nlohmann::json manifest = ReadJson(dir / "ds" / "dataset.json");
  EXPECT_EQ(manifest["skipped"].size(), 4u);
}

TEST(BuildDataset, ArchiveSourcesAreReadDirectlyAndNamedInReasons) {
  testing::TempDir dir;
  const std::string good = ReactIdleLikeBvh(120);
  {
    archive* writer = archive_write_new();
    archive_write_add_filter_xz(writer);
    archive_write_set_format_pax_restricted(writer);
    ASSERT_EQ(archive_write_open_filename(writer, (dir / "idle.tar.xz").c_str()), ARCHIVE_OK);
    for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
             {"idle/acted/001_acted.bvh", good},
             {"idle/acted/002_acted.bvh", good.substr(0, 900)},
             {"idle/README.md", "not a take"}}) {
      archive_entry* entry = archive_entry_new();
      archive_entry_set_pathname(entry, name.c_str());
      archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, 0644);
      archive_write_header(writer, entry);
      archive_write_data(writer, content.data(), content.size());
      archive_entry_free(entry);
    }
    archive_write_close(writer);
    archive_write_free(writer);
  }
  DatasetBuildOptions options = Options(dir / "ds");
  options.sources = {{"reactidle", dir / "idle.tar.xz"}};
  const DatasetBuildReport report = BuildDataset(options);
  EXPECT_EQ(report.clips, 1);
  ASSERT_EQ(report.skipped.size(), 1u);
  // The reason names the member inside the archive, not the temp folder it was unpacked to.
  const std::string where = (dir / "idle.tar.xz").string() + "/idle/acted/002_acted.bvh:";
  EXPECT_NE(report.skipped[0].reason.find(where), std::string::npos) << report.skipped[0].reason;
  EXPECT_EQ(report.skipped[0].reason.find("intersynth-reactidle"), std::string::npos);
  EXPECT_EQ(ReadDatasetIndex(dir / "ds")[0].source_file, "idle/acted/001_acted.bvh");
}

TEST(BuildDataset, NothingIsWrittenWhenNoClipCanBeBuiltOrTheInputIsWrong) {
  testing::TempDir dir;
  fs::create_directories(dir / "empty");
  DatasetBuildOptions options = Options(dir / "ds");
  options.sources = {{"bandai", dir / "empty"}};
  EXPECT_ERROR_CONTAINS(BuildDataset(options), {"no clip could be built"});
  EXPECT_FALSE(fs::exists(dir / "ds"));
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // no temp folder left beside it

  options.sources = {{"bandai", dir / "missing"}};
  EXPECT_ERROR_CONTAINS(BuildDataset(options), {"sources bandai=", "missing", "no such folder"});
  options.sources = {{"bandai", dir / "empty"}};
  options.max_frames = 10;
  EXPECT_ERROR_CONTAINS(BuildDataset(options),
                        {"expected 2 <= min_frames (20) <= max_frames (10)"});
  options.max_frames = 196;
  fs::create_directories(dir / "ds");
  EXPECT_ERROR_CONTAINS(BuildDataset(options), {"already exists", "pass overwrite"});
  options.sources.clear();
  EXPECT_ERROR_CONTAINS(BuildDataset(options), {"no sources given"});
}

TEST(BuildDataset, SharedHumanML3DSampleKeepsItsMotion) {
  // The shared sample has new_joints/ only (no texts, no split lists): one
  // clip without text, hashed into a split, its joints the sample's up to the
  // rigid canonical placement and the floor.
  INTERSYNTH_REQUIRE_SHARED_DATA(root, "humanml3d");
  testing::TempDir dir;
  DatasetBuildOptions options = Options(dir / "ds");
  options.sources = {{"humanml3d", root}};
  BuildDataset(options);
  const std::vector<DatasetEntry> entries = ReadDatasetIndex(dir / "ds");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, "humanml3d_012314_00");
  EXPECT_EQ(entries[0].frames, 170);
  EXPECT_TRUE(entries[0].texts.empty());
  EXPECT_EQ(SummarizeDataset(entries).clips_without_text, 1);
  const MotionClip clip = ReadMotionFile(dir / "ds" / entries[0].file);
  const NpyArray sample = ReadNpy(root / "new_joints" / "012314.npy");
  const std::vector<float> joints = sample.ToVector<float>();
  // Rigid: every distance between two joints of one frame is kept (1e-5 m).
  double worst = 0.0;
  for (int t = 0; t < 170; t += 13) {
    for (int a = 0; a < 22; ++a) {
      for (int b = a + 1; b < 22; ++b) {
        auto dist = [&](const float* p, const float* q) {
          return std::sqrt(double(p[0] - q[0]) * (p[0] - q[0]) +
                           double(p[1] - q[1]) * (p[1] - q[1]) +
                           double(p[2] - q[2]) * (p[2] - q[2]));
        };
        const float* x = joints.data() + (static_cast<size_t>(t) * 22) * 3;
        worst = std::max(worst, std::abs(dist(x + 3 * a, x + 3 * b) -
                                         dist(clip.joint(0, t, a), clip.joint(0, t, b))));
      }
    }
  }
  EXPECT_LT(worst, 1e-5);
  // Heights: the same up to one shift (the floor), the sample being on its own floor already.
  const double shift = clip.joint(0, 0, kSmpl22Head)[1] - joints[kSmpl22Head * 3 + 1];
  EXPECT_LT(std::abs(shift), 0.02);
  for (int t = 0; t < 170; t += 17) {
    EXPECT_NEAR(clip.joint(0, t, 0)[1] - joints[static_cast<size_t>(t) * 66 + 1], shift, 1e-5);
  }
}

// Facing yaw of a frame from hips and shoulders (across = left - right).
double HipsAndShouldersYaw(const float* frame) {
  const auto at = [&](int j, int c) { return double(frame[3 * j + c]); };
  const double ax = at(kSmpl22LeftHip, 0) - at(kSmpl22RightHip, 0) + at(kSmpl22LeftShoulder, 0) -
                    at(kSmpl22RightShoulder, 0);
  const double az = at(kSmpl22LeftHip, 2) - at(kSmpl22RightHip, 2) + at(kSmpl22LeftShoulder, 2) -
                    at(kSmpl22RightShoulder, 2);
  // forward = across x up = (-az, 0, ax)
  return std::atan2(-az, ax);
}

// Every source of the shared data (archives read directly, a few files of
// each) through one build, checked against the dataset's contract.
TEST(BuildDataset, RealSourcesMeetTheDatasetContract) {
  INTERSYNTH_REQUIRE_SHARED_DATA(mocap, "mocap");
  testing::TempDir dir;
  DatasetBuildOptions options = Options(dir / "ds");
  options.limit = 10;
  options.sources = {{"bandai", mocap / "samples"},
                     {"hdm05", mocap / "hdm05.tar.xz"},
                     {"cmu", mocap / "cmu"},
                     {"reactidle", mocap / "reactidle.tar.xz"},
                     {"nuisi", mocap / "nuisi"}};
  const DatasetBuildReport report = BuildDataset(options);
  std::printf("%s", report.summary.c_str());
  EXPECT_TRUE(report.skipped.empty());
  const std::vector<DatasetEntry> entries = ReadDatasetIndex(dir / "ds");

  std::map<std::string, int> clips, floor_ok;
  int people = 0;
  std::map<std::string, double> take_head;    // source/take -> highest head (p95 per clip)
  std::map<std::string, double> take_pelvis;  // source/take -> median pelvis height
  double worst_bone_std = 0.0, worst_round_trip = 0.0;
  for (const DatasetEntry& entry : entries) {
    SCOPED_TRACE(entry.id);
    const MotionClip clip = ReadMotionFile(dir / "ds" / entry.file);
    ASSERT_EQ(clip.num_frames, entry.frames);
    ++clips[entry.source];
    // Canonical: person 0's root over the origin, facing +Z at frame 0
    // (hips exactly; hips and shoulders within 25 degrees).
    EXPECT_NEAR(clip.joint(0, 0, 0)[0], 0.0, 1e-5);
    EXPECT_NEAR(clip.joint(0, 0, 0)[2], 0.0, 1e-5);
    EXPECT_NEAR(*HipFacingYaw(clip.person(0)), 0.0, 1e-5);
    EXPECT_LT(std::abs(HipsAndShouldersYaw(clip.person(0))), 25.0 * M_PI / 180.0);
    for (int p = 0; p < clip.num_persons; ++p) {
      const float* joints = clip.person(p);
      const int T = clip.num_frames;
      // Constant bones.
      for (double spread : BoneLengthStd(joints, T))
        worst_bone_std = std::max(worst_bone_std, spread);
      // Floor: the lowest foot joint where it stands still sits on y = 0.
      std::vector<double> still, lowest(T), head(T), pelvis(T);
      for (int t = 0; t < T; ++t) {
        int low_joint = kSmpl22FootJoints[0];
        for (int j : kSmpl22FootJoints) {
          if (clip.joint(p, t, j)[1] < clip.joint(p, t, low_joint)[1]) low_joint = j;
        }
        lowest[t] = clip.joint(p, t, low_joint)[1];
        // Nothing but a foot is ever in the floor (LiftBodyAboveFloor).
        for (int j = 0; j < kSmpl22NumJoints; ++j) {
          if (std::find(kSmpl22FootJoints.begin(), kSmpl22FootJoints.end(), j) !=
              kSmpl22FootJoints.end())
            continue;
          EXPECT_GE(clip.joint(p, t, j)[1], -1e-5) << "frame " << t << " joint " << j;
        }
        head[t] = clip.joint(p, t, kSmpl22Head)[1] - lowest[t];
        pelvis[t] = clip.joint(p, t, 0)[1];
        if (t + 1 < T) {
          const float* a = clip.joint(p, t, low_joint);
          const float* b = clip.joint(p, t + 1, low_joint);
          const double speed =
              std::sqrt(double(b[0] - a[0]) * (b[0] - a[0]) + double(b[1] - a[1]) * (b[1] - a[1]) +
                        double(b[2] - a[2]) * (b[2] - a[2])) *
              clip.fps;
          if (speed < 0.2) still.push_back(lowest[t]);
        }
      }
      EXPECT_GT(*std::min_element(lowest.begin(), lowest.end()), -0.07);
      ASSERT_GE(still.size(), 3u);
      EXPECT_LT(std::abs(Percentile(still, 50)), 0.06);
      ++people;
      if (std::abs(Percentile(still, 50)) <= 0.02) ++floor_ok[entry.source];
      const std::string take = entry.source + "/" + entry.take + "/" + std::to_string(p);
      take_head[take] = std::max(take_head[take], Percentile(head, 95));
      take_pelvis[take] = std::max(take_pelvis[take], Percentile(pelvis, 50));
      // IK round trip: positions -> swing rotations -> FK.
      std::vector<Quaternion<double>> roots(T, QuaternionIdentity<double>());
      std::vector<Vector3<double>> root_positions(T);
      for (int t = 0; t < T; ++t) {
        root_positions[t] = Vector3<double>(joints[t * 66], joints[t * 66 + 1], joints[t * 66 + 2]);
      }
      SwingIkOptions ik;
      ik.arm_chains_from_root = false;
      const std::vector<float> rebuilt =
          Smpl22ForwardKinematics(SwingInverseKinematics(joints, T, roots, ik), root_positions,
                                  Smpl22RestOffsets(joints, T));
      for (size_t i = 0; i < rebuilt.size(); ++i) {
        worst_round_trip = std::max(worst_round_trip, double(std::abs(rebuilt[i] - joints[i])));
      }
    }
    // NuiSI: two people face to face, apart, whose fists meet.
    if (entry.source == "nuisi") {
      ASSERT_EQ(clip.num_persons, 2);
      ASSERT_FALSE(clip.valid.empty());
      EXPECT_FALSE(clip.valid[kSmpl22LeftFoot]);  // never tracked
      EXPECT_TRUE(clip.valid[kSmpl22Head]);
      EXPECT_EQ(entry.texts.front(), "two people bump fists, then raise them together");
      std::vector<double> distance, facing, fist;
      for (int t = 0; t < clip.num_frames; ++t) {
        const float* a = clip.joint(0, t, 0);
        const float* b = clip.joint(1, t, 0);
        distance.push_back(std::hypot(a[0] - b[0], a[2] - b[2]));
        double turn = std::abs(HipsAndShouldersYaw(clip.joint(0, t, 0)) -
                               HipsAndShouldersYaw(clip.joint(1, t, 0)));
        if (turn > M_PI) turn = 2 * M_PI - turn;
        facing.push_back(turn * 180.0 / M_PI);
        // Fist centre: 8 cm beyond the wrist along the forearm.
        Vector3<double> f[2];
        for (int p = 0; p < 2; ++p) {
          const float* w = clip.joint(p, t, kSmpl22RightWrist);
          const float* e = clip.joint(p, t, 19);  // right elbow
          const Vector3<double> wrist(w[0], w[1], w[2]), elbow(e[0], e[1], e[2]);
          f[p] = wrist + 0.08 * (wrist - elbow).normalized();
        }
        fist.push_back((f[0] - f[1]).norm());
      }
      EXPECT_GT(Percentile(distance, 50), 0.4);
      EXPECT_LT(Percentile(distance, 50), 1.2);
      EXPECT_GT(Percentile(facing, 50), 150.0);
      EXPECT_LT(*std::min_element(fist.begin(), fist.end()), 0.15);
    }
    // Held-out combinations only in val and test.
    if (!entry.part.empty()) {
      EXPECT_EQ(entry.part, kUnseenCombinationPart);
      EXPECT_NE(entry.split, "train");
      EXPECT_EQ(entry.source, "bandai");
    }
    // HDM05's own split, by actor.
    if (entry.source == "hdm05") {
      const std::string actor = entry.take.substr(4, 2);
      EXPECT_EQ(entry.split, (actor == "mm" || actor == "tr") ? "test" : "train");
    }
  }
  EXPECT_LT(worst_bone_std, 1e-3);
  EXPECT_LT(worst_round_trip, 1e-3);
  std::printf("worst bone-length std %.2e m, worst IK round trip %.2e m\n", worst_bone_std,
              worst_round_trip);
  // The still foot within 2 cm of the floor in nine persons of ten (the rest
  // within 6 cm, above): a few real clips stand on tiptoe or glitch longer.
  int on_floor = 0;
  for (const auto& [source, count] : clips) {
    std::printf("%s: %d clips; still foot within 2 cm of the floor for %d persons\n",
                source.c_str(), count, floor_ok[source]);
    on_floor += floor_ok[source];
  }
  EXPECT_GE(on_floor, 0.9 * people);
  for (const char* source : {"bandai", "hdm05", "cmu", "reactidle", "nuisi"}) {
    EXPECT_GT(clips[source], 0) << source;
  }
  // A standing adult is 1.4-2.0 m tall: the head joint sits about 0.2 m
  // below the top of the head (SMPL: 1.48 m head joint on HumanML3D 012314).
  for (const auto& [take, head] : take_head) {
    if (take_pelvis[take] < 0.6) continue;  // lying or crouching the whole take
    EXPECT_GE(head + 0.2, 1.4) << take;
    EXPECT_LE(head + 0.2, 2.0) << take;
  }
  // CMU 18_01 says 30 fps but is 120: 303 frames = 2.5 s -> 51 frames at 20 fps.
  const auto cmu18 = std::find_if(entries.begin(), entries.end(),
                                  [](const DatasetEntry& e) { return e.take == "18_01"; });
  ASSERT_NE(cmu18, entries.end());
  EXPECT_EQ(cmu18->frames, 51);
}

TEST(DatasetBuildOptions, CheckNamesTheBadField) {
  DatasetBuildOptions options = Options("ds");
  options.sources = {{"bandai", "somewhere"}};
  EXPECT_NO_THROW(options.Check());
  options.sources = {{"mixamo", "somewhere"}};
  try {
    options.Check();
    ADD_FAILURE() << "the kind mixamo was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"sources"});
    EXPECT_NE(std::string(e.what()).find("unknown source kind 'mixamo'"), std::string::npos);
  }
  options.sources = {{"bandai", "somewhere"}};
  options.val_fraction = 0.5;
  options.test_fraction = 0.5;
  EXPECT_ERROR_CONTAINS(options.Check(),
                        {"val_fraction + test_fraction must leave room for train (< 1), got 0.5 "
                         "+ 0.5"});
  options.val_fraction = options.test_fraction = 0.1;
  options.fps_overrides = {{"cmu", "18_01", 0.0}};
  EXPECT_ERROR_CONTAINS(options.Check(), {"fps_overrides 'cmu:18_01=0'", "FPS > 0"});
  options.fps_overrides.clear();
  options.max_texts = 0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"max_texts must be >= 1, got 0"});
  // The parsers name the field they are given.
  try {
    ParseDatasetSource("hdm05", "source");
    ADD_FAILURE() << "'hdm05' was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"source"});
  }
}

}  // namespace
}  // namespace intersynth
