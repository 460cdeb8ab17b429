#include "intersynth/motion/motion_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "intersynth/io/npz.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

MotionClip MakeClip(int persons, int frames) {
  MotionClip clip = MotionClip::Zeros(persons, frames, 30.0f);
  for (size_t i = 0; i < clip.joints.size(); ++i)
    clip.joints[i] = 0.001f * static_cast<float>(i % 997);
  clip.text = {"two people shake hands", "Zwei Menschen begrüßen sich 🤝"};
  clip.labels = {"greeting"};
  return clip;
}

TEST(MotionFile, RoundTripAllFieldsCompressedAndStored) {
  testing::TempDir dir;
  MotionClip clip = MakeClip(2, 5);
  clip.rotations.assign(2 * 5 * 22 * 6, 0.5f);
  clip.root_translation.assign(2 * 5 * 3, -1.25f);
  clip.valid.assign(2 * 5 * 22, 1);
  clip.valid[7] = 0;
  clip.metadata = R"({"generator": "test", "seed": 3, "text": "é"})";
  for (bool compress : {true, false}) {
    const auto path = dir / (compress ? "a.npz" : "b.npz");
    WriteMotionFile(path, clip, {.compress = compress});
    const MotionClip back = ReadMotionFile(path);
    EXPECT_EQ(back.num_persons, 2);
    EXPECT_EQ(back.num_frames, 5);
    EXPECT_EQ(back.fps, 30.0f);
    EXPECT_EQ(back.joints, clip.joints);
    EXPECT_EQ(back.rotations, clip.rotations);
    EXPECT_EQ(back.root_translation, clip.root_translation);
    EXPECT_EQ(back.valid, clip.valid);
    EXPECT_EQ(back.text, clip.text);
    EXPECT_EQ(back.labels, clip.labels);
    EXPECT_EQ(back.metadata, clip.metadata);
  }
  // No metadata written when there is none.
  clip.metadata.clear();
  WriteMotionFile(dir / "c.npz", clip);
  EXPECT_EQ(ReadNpz(dir / "c.npz").count("metadata"), 0u);
}

TEST(MotionFile, OnePersonJointsWithoutPersonAxisAccepted) {
  testing::TempDir dir;
  NpzArchive archive;
  archive["joints"] = NpyArray::Float64({4, 22, 3}, std::vector<double>(4 * 22 * 3, 0.25));
  archive["fps"] = NpyArray::Float64({1}, {20.0});
  WriteNpz(dir / "c.npz", archive);
  const MotionClip clip = ReadMotionFile(dir / "c.npz");
  EXPECT_EQ(clip.num_persons, 1);
  EXPECT_EQ(clip.num_frames, 4);
  EXPECT_TRUE(clip.text.empty());
  EXPECT_FLOAT_EQ(clip.joints.back(), 0.25f);
}

TEST(MotionFile, MissingJointsKeyNamesFileAndKey) {
  testing::TempDir dir;
  NpzArchive archive;
  archive["fps"] = NpyArray::ScalarFloat32(20);
  WriteNpz(dir / "nojoints.npz", archive);
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "nojoints.npz"), {"nojoints.npz", "joints"});
}

TEST(MotionFile, IntegerJointsAreWrongDtype) {
  testing::TempDir dir;
  NpzArchive archive;
  archive["joints"] = NpyArray::Int64({1, 2, 22, 3}, std::vector<int64_t>(132, 1));
  archive["fps"] = NpyArray::ScalarFloat32(20);
  WriteNpz(dir / "int.npz", archive);
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "int.npz"),
                        {"int.npz", "'joints'", "int64", "float32"});
}

TEST(MotionFile, TwentyOneJointsIsWrongShape) {
  testing::TempDir dir;
  NpzArchive archive;
  archive["joints"] = NpyArray::Float32({1, 2, 21, 3}, std::vector<float>(126, 0));
  archive["fps"] = NpyArray::ScalarFloat32(20);
  WriteNpz(dir / "shape.npz", archive);
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "shape.npz"), {"shape.npz", "(1, 2, 21, 3)", "22, 3"});
}

TEST(MotionFile, NumericTextIsWrongDtype) {
  testing::TempDir dir;
  NpzArchive archive;
  archive["joints"] = NpyArray::Float32({1, 2, 22, 3}, std::vector<float>(132, 0));
  archive["fps"] = NpyArray::ScalarFloat32(20);
  archive["text"] = NpyArray::Float32({1}, {1.0f});
  WriteNpz(dir / "text.npz", archive);
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "text.npz"), {"text.npz", "'text'", "unicode"});
}

TEST(MotionFile, NanJointNamesPersonFrameAndJoint) {
  testing::TempDir dir;
  MotionClip clip = MakeClip(2, 3);
  clip.joint(1, 2, 5)[1] = std::nanf("");
  EXPECT_ERROR_CONTAINS(WriteMotionFile(dir / "nan.npz", clip),
                        {"nan.npz", "person 1", "frame 2", "joint 5"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);  // nothing half-written

  // The same NaN in a file is reported on reading.
  NpzArchive archive;
  archive["joints"] = NpyArray::Float32({2, 3, 22, 3}, clip.joints);
  archive["fps"] = NpyArray::ScalarFloat32(20);
  WriteNpz(dir / "nan.npz", archive);
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "nan.npz"),
                        {"nan.npz", "person 1", "frame 2", "joint 5"});
}

TEST(MotionFile, NanWhereNotValidReadsAsZero) {
  testing::TempDir dir;
  MotionClip clip = MakeClip(1, 2);
  clip.joint(0, 1, 3)[0] = std::nanf("");
  clip.valid.assign(2 * 22, 1);
  clip.valid[22 + 3] = 0;
  WriteMotionFile(dir / "unseen.npz", clip);
  const MotionClip back = ReadMotionFile(dir / "unseen.npz");
  EXPECT_EQ(back.joint(0, 1, 3)[0], 0.0f);
  EXPECT_EQ(back.valid[22 + 3], 0);
}

TEST(MotionFile, FpsMustBeOneNumber) {
  testing::TempDir dir;
  NpzArchive archive;
  archive["joints"] = NpyArray::Float32({1, 2, 22, 3}, std::vector<float>(132, 0));
  archive["fps"] = NpyArray::Float32({2}, {20, 30});
  WriteNpz(dir / "fps.npz", archive);
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "fps.npz"), {"fps.npz", "'fps'", "one number"});
}

TEST(MotionFile, MismatchedRotationsSizeIsAnErrorAndWritesNothing) {
  testing::TempDir dir;
  MotionClip clip = MakeClip(1, 2);
  clip.rotations.assign(10, 0.0f);
  EXPECT_ERROR_CONTAINS(WriteMotionFile(dir / "rot.npz", clip), {"rot.npz", "rotations", "10"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(MotionFile, NotAZipNamesTheFile) {
  testing::TempDir dir;
  std::ofstream(dir / "junk.npz") << "not a zip";
  EXPECT_ERROR_CONTAINS(ReadMotionFile(dir / "junk.npz"), {"junk.npz"});
}

TEST(MotionFile, NumPyReadsWhatWeWrite) {
  const auto python = testing::PythonWithNumpy();
  if (!python) GTEST_SKIP() << "/usr/bin/python3 with numpy not found";
  testing::TempDir dir;
  MotionClip clip = MakeClip(2, 3);
  clip.valid.assign(2 * 3 * 22, 1);
  WriteMotionFile(dir / "clip.npz", clip);
  const std::string script =
      "import numpy as np, sys\n"
      "d = np.load(sys.argv[1])\n"
      "assert d['joints'].dtype == np.float32 and d['joints'].shape == (2, 3, 22, 3)\n"
      "assert d['fps'].dtype == np.float32 and d['fps'].shape == () and d['fps'] == 30\n"
      "assert list(d['text']) == ['two people shake hands', 'Zwei Menschen begrüßen sich 🤝']\n"
      "assert list(d['labels']) == ['greeting']\n"
      "assert d['valid'].dtype == bool and d['valid'].all()\n"
      "assert abs(float(d['joints'][1, 2, 21, 2]) - 0.001 * ((((1*3+2)*22+21)*3+2) % 997)) < "
      "1e-6\n";
  std::ofstream(dir / "check.py") << script;
  std::string output;
  EXPECT_EQ(
      testing::RunCommand(
          *python + " " + (dir / "check.py").string() + " " + (dir / "clip.npz").string(), &output),
      0)
      << output;
}

TEST(MotionFileWriteOptions, CheckNamesTheBadField) {
  MotionFileWriteOptions options;
  EXPECT_NO_THROW(options.Check());
  options.extra["body_betas"] = NpyArray::Float32({1, 2}, {0.0f, 1.0f});
  EXPECT_NO_THROW(options.Check());
  options.extra["rotations"] = NpyArray::Float32({1}, {0.0f});
  try {
    options.Check();
    ADD_FAILURE() << "an extra array named rotations was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"extra"});
    EXPECT_STREQ(e.what(), "extra array 'rotations' would replace the motion file's own");
  }
}

}  // namespace
}  // namespace intersynth
