#include "intersynth/motion/convert.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/io/npy.h"
#include "intersynth/motion/demo.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/normalization.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

// The bundled HumanML3D sample (always in the project).
std::filesystem::path Asset(const std::string& name) {
  return testing::SourceDir() / "assets" / "humanml3d" / name;
}

float MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  float worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

ConvertOptions Options(std::filesystem::path in, std::filesystem::path out) {
  ConvertOptions options;
  options.input = std::move(in);
  options.output = std::move(out);
  return options;
}

TEST(Convert, DetectsEveryKind) {
  testing::TempDir dir;
  EXPECT_EQ(DetectInputFormat(Asset("012314_joints.npy")), MotionFormat::kJoints);
  EXPECT_EQ(DetectInputFormat(Asset("012314_features263.npy")), MotionFormat::kHumanML3D);
  WriteNpy(dir / "f.npy", NpyArray::Float32({2, 4, 262}, std::vector<float>(2 * 4 * 262, 0)));
  EXPECT_EQ(DetectInputFormat(dir / "f.npy"), MotionFormat::kInterGen);
  EXPECT_EQ(DetectInputFormat(dir / "clip.npz"), MotionFormat::kMotion);
  WriteNpy(dir / "odd.npy", NpyArray::Float32({4, 5}, std::vector<float>(20, 0)));
  EXPECT_THROW(DetectInputFormat(dir / "odd.npy"), Error);
  EXPECT_EQ(DetectInputFormat(dir / "take.BVH"), MotionFormat::kMocap);
  EXPECT_EQ(DetectInputFormat(dir / "take.amc"), MotionFormat::kMocap);
  EXPECT_THROW(DetectInputFormat(dir / "clip.fbx"), Error);
}

TEST(Convert, ParseKindNamesAndUnknownKind) {
  EXPECT_EQ(ParseMotionFormat("hml263"), MotionFormat::kHumanML3D);
  EXPECT_EQ(ParseMotionFormat("262"), MotionFormat::kInterGen);
  EXPECT_ERROR_CONTAINS(ParseMotionFormat("bvhx"),
                        {"'bvhx'", "motion, joints, hml263, ig262 or mocap"});
}

TEST(Convert, JointsToMotionToJointsIsExact) {
  testing::TempDir dir;
  ConvertOptions a = Options(Asset("012314_joints.npy"), dir / "clip.npz");
  a.text = {"a person walks"};
  a.fps = 20;
  const ConvertReport report = ConvertMotion(a);
  EXPECT_EQ(report.from, MotionFormat::kJoints);
  EXPECT_EQ(report.to, MotionFormat::kMotion);
  EXPECT_EQ(report.frames_out, 170);
  const MotionClip clip = ReadMotionFile(dir / "clip.npz");
  EXPECT_EQ(clip.text, std::vector<std::string>{"a person walks"});

  ConvertOptions b = Options(dir / "clip.npz", dir / "joints.npy");
  b.to = MotionFormat::kJoints;
  ConvertMotion(b);
  const NpyArray back = ReadNpy(dir / "joints.npy");
  EXPECT_EQ(back.shape, (std::vector<int64_t>{170, 22, 3}));  // one person: no person axis
  EXPECT_EQ(back.ToVector<float>(), ReadNpy(Asset("012314_joints.npy")).ToVector<float>());
}

TEST(Convert, HumanML3DFeaturesDecodeToReferenceJoints) {
  testing::TempDir dir;
  ConvertMotion(Options(Asset("012314_features263.npy"), dir / "clip.npz"));
  const MotionClip clip = ReadMotionFile(dir / "clip.npz");
  EXPECT_LT(MaxAbsDiff(clip.joints, ReadNpy(Asset("012314_joints.npy")).ToVector<float>()), 1e-5f);
}

TEST(Convert, NormalisedFeaturesAreRawMinusMeanOverStd) {
  testing::TempDir dir;
  ConvertOptions raw = Options(Asset("012314_joints.npy"), dir / "raw.npy");
  raw.to = MotionFormat::kHumanML3D;
  ConvertMotion(raw);
  ConvertOptions normalised = raw;
  normalised.output = dir / "normalised.npy";
  normalised.mean = Asset("Mean.npy");
  normalised.std = Asset("Std.npy");
  ConvertMotion(normalised);

  std::vector<float> expected = ReadNpy(dir / "raw.npy").ToVector<float>();
  FeatureNormalizer::Load(Asset("Mean.npy"), Asset("Std.npy")).Normalize(expected.data(), 169);
  EXPECT_LT(MaxAbsDiff(ReadNpy(dir / "normalised.npy").ToVector<float>(), expected), 1e-6f);

  // Decoding the normalised file with the same statistics gives the raw decoding.
  ConvertOptions from_raw = Options(dir / "raw.npy", dir / "a.npz");
  ConvertOptions from_normalised = Options(dir / "normalised.npy", dir / "b.npz");
  from_normalised.mean = normalised.mean;
  from_normalised.std = normalised.std;
  ConvertMotion(from_raw);
  ConvertMotion(from_normalised);
  EXPECT_LT(MaxAbsDiff(ReadMotionFile(dir / "a.npz").joints, ReadMotionFile(dir / "b.npz").joints),
            1e-4f);
}

TEST(Convert, HumanML3DEncodingIgnoresWhereTheClipStandsAndFaces) {
  // The same motion turned by 1 rad about +Y and moved by (3, 0, -2) encodes to
  // the same 263 features: the encoder canonicalises first, as HumanML3D does.
  testing::TempDir dir;
  std::vector<float> joints = ReadNpy(Asset("012314_joints.npy")).ToVector<float>();
  const float c = std::cos(1.0f), s = std::sin(1.0f);
  for (size_t i = 0; i < joints.size(); i += 3) {
    const float x = joints[i], z = joints[i + 2];
    joints[i] = c * x + s * z + 3.0f;
    joints[i + 2] = -s * x + c * z - 2.0f;
  }
  WriteNpy(dir / "moved.npy", NpyArray::Float32({170, 22, 3}, joints));
  for (const char* name : {"moved", "original"}) {
    ConvertOptions options =
        Options(std::string(name) == "moved" ? dir / "moved.npy" : Asset("012314_joints.npy"),
                dir / (std::string(name) + "_263.npy"));
    options.to = MotionFormat::kHumanML3D;
    ConvertMotion(options);
  }
  EXPECT_LT(MaxAbsDiff(ReadNpy(dir / "moved_263.npy").ToVector<float>(),
                       ReadNpy(dir / "original_263.npy").ToVector<float>()),
            1e-4f);
}

TEST(Convert, TwoPersonJointsTo262AndBackKeepsRelativePlacement) {
  testing::TempDir dir;
  // Person 1 is person 0 moved 1.5 m along x: the shared 262 frame keeps that.
  const std::vector<float> one = ReadNpy(Asset("012314_joints.npy")).ToVector<float>();
  std::vector<float> two = one;
  two.insert(two.end(), one.begin(), one.end());
  for (size_t i = one.size(); i < two.size(); i += 3) two[i] += 1.5f;
  WriteNpy(dir / "two.npy", NpyArray::Float32({2, 170, 22, 3}, two));
  ConvertOptions to_262 = Options(dir / "two.npy", dir / "two_262.npy");
  to_262.to = MotionFormat::kInterGen;
  ConvertMotion(to_262);
  EXPECT_EQ(ReadNpy(dir / "two_262.npy").shape, (std::vector<int64_t>{2, 169, 262}));
  ConvertMotion(Options(dir / "two_262.npy", dir / "back.npz"));
  const MotionClip back = ReadMotionFile(dir / "back.npz");
  ASSERT_EQ(back.num_persons, 2);
  for (int t = 0; t < back.num_frames; t += 17) {
    for (int j = 0; j < kNumJoints; j += 3) {
      const float* a = back.joint(0, t, j);
      const float* b = back.joint(1, t, j);
      EXPECT_NEAR(std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]), 1.5f, 1e-4f);
    }
  }
}

TEST(Convert, MocapTakeToMotionFileOnSmpl22) {
  // A real ReActIdle BVH (19 joints, metres, 24 fps) through the bundled joint maps.
  testing::TempDir dir;
  const ConvertReport report = ConvertMotion(Options(
      testing::SourceDir() / "testdata/bvh/reactidle_001_acted_first4.bvh", dir / "take.npz"));
  EXPECT_EQ(report.from, MotionFormat::kMocap);
  const MotionClip clip = ReadMotionFile(dir / "take.npz");
  EXPECT_EQ(clip.num_persons, 1);
  EXPECT_EQ(clip.num_frames, 4);
  EXPECT_NEAR(clip.fps, 24.0f, 1e-3f);  // "Frame Time: 0.041667"
  float lowest = clip.joints[1];
  for (size_t i = 1; i < clip.joints.size(); i += 3) lowest = std::min(lowest, clip.joints[i]);
  EXPECT_NEAR(lowest, 0.0f, 0.03f);
}

TEST(Convert, MocapIsAnInputKindOnly) {
  testing::TempDir dir;
  ConvertOptions options = Options(Asset("012314_joints.npy"), dir / "x.npy");
  options.to = MotionFormat::kMocap;
  EXPECT_ERROR_CONTAINS(ConvertMotion(options), {"x.npy", "input kind only"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(Convert, MeanStdWithFeaturesOnBothSidesIsAmbiguous) {
  testing::TempDir dir;
  ConvertOptions options = Options(Asset("012314_features263.npy"), dir / "x.npy");
  options.to = MotionFormat::kInterGen;
  options.mean = Asset("Mean.npy");
  options.std = Asset("Std.npy");
  EXPECT_THROW(ConvertMotion(options), Error);
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(Convert, OutputExtensionMustMatchKind) {
  testing::TempDir dir;
  ConvertOptions options = Options(Asset("012314_joints.npy"), dir / "x.npz");
  options.to = MotionFormat::kHumanML3D;
  EXPECT_THROW(ConvertMotion(options), Error);
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(Convert, WrongFeatureWidthNamesShape) {
  testing::TempDir dir;
  WriteNpy(dir / "bad.npy",
           NpyArray::Float32({3, 4, 5, 263}, std::vector<float>(3 * 4 * 5 * 263, 0)));
  ConvertOptions options = Options(dir / "bad.npy", dir / "out.npz");
  options.from = MotionFormat::kHumanML3D;
  EXPECT_ERROR_CONTAINS(ConvertMotion(options), {"bad.npy", "(3, 4, 5, 263)"});
  EXPECT_FALSE(std::filesystem::exists(dir / "out.npz"));
}

TEST(MotionFormat, EveryKindPrintsAndParsesBack) {
  for (const EnumName<MotionFormat>& n : kMotionFormatNames) {
    EXPECT_EQ(ToString(n.value), n.name);
    EXPECT_EQ(ParseMotionFormat(n.name), n.value);
  }
  // The aliases keep working.
  EXPECT_EQ(ParseMotionFormat("npz"), MotionFormat::kMotion);
  EXPECT_EQ(ParseMotionFormat("263"), MotionFormat::kHumanML3D);
  EXPECT_EQ(ParseMotionFormat("humanml3d"), MotionFormat::kHumanML3D);
  EXPECT_EQ(ParseMotionFormat("intergen"), MotionFormat::kInterGen);
  EXPECT_EQ(ParseMotionFormat("bvh"), MotionFormat::kMocap);
  EXPECT_EQ(ParseMotionFormat("amc"), MotionFormat::kMocap);
  try {
    ParseMotionFormat("fbx", "to");
    ADD_FAILURE() << "fbx was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"to"});
    EXPECT_STREQ(e.what(), "to must be motion, joints, hml263, ig262 or mocap, got 'fbx'");
  }
}

TEST(ConvertOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(Options("in.npy", "out.npz").Check());
  EXPECT_ERROR_CONTAINS(ConvertOptions{}.Check(), {"input is required"});
  ConvertOptions options = Options("in.npy", "out.npz");
  options.mean = "Mean.npy";
  try {
    options.Check();
    ADD_FAILURE() << "a mean without a std was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"mean", "std"}));
  }
  options = Options("in.npy", "out.npz");
  options.fps = 0.0f;
  EXPECT_ERROR_CONTAINS(options.Check(), {"fps must be > 0, got 0"});
  options = Options("in.npy", "out.npz");
  options.source_fps = -30.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"source_fps must be >= 0, got -30"});
}

TEST(DemoOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(DemoOptions{}.Check());
  DemoOptions options;
  options.out.clear();
  EXPECT_ERROR_CONTAINS(options.Check(), {"out is required"});
  options = {};
  options.assets.clear();
  EXPECT_THROW(RunDemo(options), OptionError);
}

}  // namespace
}  // namespace intersynth
