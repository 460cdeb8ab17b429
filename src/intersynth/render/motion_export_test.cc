#include "intersynth/render/motion_export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "intersynth/body/forward_kinematics.h"
#include "intersynth/body/inverse_kinematics.h"
#include "intersynth/body/joint_map.h"
#include "intersynth/body/mocap_import.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/io/bvh.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/nuisi_source.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;

/// Max distance between every smpl22 joint of BVH FK (metres) and person p.
double MaxFkError(const BvhMotion& bvh, const MotionClip& clip, int person) {
  const NamedJointPositions fk = BvhForwardKinematics(bvh, 1.0);
  EXPECT_EQ(fk.num_frames, clip.num_frames);
  double max_error = 0.0;
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const int index = bvh.FindJoint(kSmpl22JointNames[j]);
    EXPECT_GE(index, 0) << kSmpl22JointNames[j];
    if (index < 0) return std::numeric_limits<double>::infinity();
    for (int t = 0; t < clip.num_frames; ++t) {
      const double* y = fk.at(t, index);
      const float* x = clip.joint(person, t, j);
      max_error = std::max(max_error, std::hypot(y[0] - x[0], y[1] - x[1], y[2] - x[2]));
    }
  }
  return max_error;
}

TEST(MotionExport, OnePersonBvhReloadsWithinAMicrometreOrSo) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 120, 7);
  testing::TempDir dir;
  const MotionExportReport report = ExportMotion(clip, dir / "walk.bvh");
  ASSERT_EQ(report.files.size(), 1u);
  EXPECT_EQ(report.files[0], dir / "walk.bvh");
  EXPECT_EQ(testing::CountEntries(dir.path()), 1);  // no temp file left

  const BvhMotion bvh = ReadBvh(dir / "walk.bvh");
  EXPECT_EQ(bvh.num_frames, 120);
  EXPECT_NEAR(bvh.Fps(), 20.0, 1e-9);
  EXPECT_EQ(bvh.NumJointsWithoutEndSites(), kSmpl22NumJoints);
  EXPECT_EQ(bvh.joints[0].name, "pelvis");
  EXPECT_EQ(bvh.joints[0].channels.size(), 6u);
  // 6 channels on the pelvis and on the six children of pelvis and spine3.
  EXPECT_EQ(bvh.NumChannels(), 7 * 6 + 15 * 3);
  for (const char* name :
       {"left_hip", "right_hip", "spine1", "neck", "left_collar", "right_collar"}) {
    EXPECT_EQ(bvh.joints[bvh.FindJoint(name)].channels.size(), 6u) << name;
  }
  EXPECT_EQ(bvh.joints[bvh.FindJoint("left_knee")].channels.size(), 3u);
  // Parents as smpl22 has them; End Sites after the five leaves.
  for (int j = 1; j < kSmpl22NumJoints; ++j) {
    const int index = bvh.FindJoint(kSmpl22JointNames[j]);
    ASSERT_GE(index, 0);
    EXPECT_EQ(bvh.joints[bvh.joints[index].parent].name, kSmpl22JointNames[kSmpl22Parents[j]]);
  }
  for (const char* leaf : {"head", "left_foot", "right_foot", "left_wrist", "right_wrist"}) {
    const int end = bvh.FindJoint(std::string(leaf) + "_End");
    ASSERT_GE(end, 0) << leaf;
    EXPECT_TRUE(bvh.joints[end].is_end_site);
  }

  const double error = MaxFkError(bvh, clip, 0);
  EXPECT_LT(error, 1e-3);
  EXPECT_LT(error, 1e-5);  // expected ~1e-6: the 6 written decimals
  EXPECT_LT(report.max_reload_error, 1e-5);
  EXPECT_LE(report.mean_reload_error, report.max_reload_error);
  EXPECT_NE(report.summary.find("reload error"), std::string::npos);
}

TEST(MotionExport, TwoPersonsGiveOneBvhPerPerson) {
  const MotionClip clip = SyntheticSmpl22Motion(2, 80, 11);
  testing::TempDir dir;
  const MotionExportReport report = ExportMotion(clip, dir / "pair.bvh");
  ASSERT_EQ(report.files.size(), 2u);
  EXPECT_EQ(report.files[0], dir / "pair_p0.bvh");
  EXPECT_EQ(report.files[1], dir / "pair_p1.bvh");
  EXPECT_FALSE(fs::exists(dir / "pair.bvh"));
  EXPECT_EQ(testing::CountEntries(dir.path()), 2);
  for (int p = 0; p < 2; ++p) {
    EXPECT_LT(MaxFkError(ReadBvh(report.files[p]), clip, p), 1e-5) << "person " << p;
  }
  EXPECT_LT(report.max_reload_error, 1e-5);
}

TEST(MotionExport, BvhExportPathsNamePersons) {
  EXPECT_EQ(BvhExportPaths("a/b.bvh", 1), std::vector<fs::path>{"a/b.bvh"});
  EXPECT_EQ(BvhExportPaths("b.bvh", 3),
            (std::vector<fs::path>{"b_p0.bvh", "b_p1.bvh", "b_p2.bvh"}));
  EXPECT_EQ(BvhExportPaths("out/x.y.bvh", 2),
            (std::vector<fs::path>{"out/x.y_p0.bvh", "out/x.y_p1.bvh"}));
}

TEST(MotionExport, RestPoseIsTPoseLikeFacingPlusZ) {
  const BvhMotion bvh = MotionToBvh(SyntheticSmpl22Motion(1, 40, 3), 0);
  const auto offset = [&](const char* name) { return bvh.joints[bvh.FindJoint(name)].offset; };
  // Body-frame children of the pelvis: left hip at +X, spine up.
  EXPECT_GT(offset("left_hip").x(), 0.03);
  EXPECT_LT(offset("right_hip").x(), -0.03);
  EXPECT_GT(offset("spine1").y(), 0.05);
  // The other bones along kBvhExportRestDirections: legs down, feet forward,
  // arms out sideways (T-pose), head up.
  EXPECT_LT(offset("left_knee").y(), -0.3);
  EXPECT_NEAR(offset("left_knee").x(), 0.0, 1e-12);
  EXPECT_GT(offset("left_elbow").x(), 0.2);
  EXPECT_LT(offset("right_elbow").x(), -0.2);
  EXPECT_GT(offset("left_wrist").x(), 0.2);
  EXPECT_GT(offset("left_foot").z(), 0.05);
  EXPECT_GT(offset("head").y(), 0.05);
  EXPECT_GT(offset("head_End").y(), 0.05);
  EXPECT_GT(offset("left_wrist_End").x(), 0.05);
}

TEST(MotionExport, RestDirectionsAreHumanML3DsExceptArmsAndHead) {
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const bool changed = j == 15 || j >= 16;
    EXPECT_EQ(kBvhExportRestDirections[j] != kHumanML3DRawOffsets[j], changed) << j;
    if (j > 0) {
      const auto& d = kBvhExportRestDirections[j];
      EXPECT_FLOAT_EQ(d[0] * d[0] + d[1] * d[1] + d[2] * d[2], 1.0f) << j;
    }
  }
}

// The swing of a single-child joint carries no twist about its bone, so the
// middle Euler angle (the twist axis) stays far from gimbal lock.
TEST(MotionExport, MiddleEulerAngleStaysAwayFromGimbalLock) {
  const BvhMotion bvh = MotionToBvh(SyntheticSmpl22Motion(1, 200, 5), 0);
  const int knee = bvh.FindJoint("left_knee");
  ASSERT_EQ(bvh.joints[knee].channels[1], BvhChannel::kYrotation);  // "ZYX"
  const int elbow = bvh.FindJoint("left_elbow");
  ASSERT_EQ(bvh.joints[elbow].channels[1], BvhChannel::kXrotation);  // "ZXY"
  for (const int joint : {knee, elbow}) {
    const int column = bvh.ChannelOffset(joint) + 1;
    for (int t = 0; t < bvh.num_frames; ++t) EXPECT_LT(std::abs(bvh.values(t, column)), 60.0);
  }
}

TEST(MotionExport, RealBandaiWalkReloadsWithinAMillimetre) {
  INTERSYNTH_REQUIRE_SHARED_DATA(path, "mocap/samples/dataset-2_walk_normal_001.bvh");
  const ImportedTake take = ImportMocapTake(path);
  MotionClip clip = MotionClip::Zeros(1, take.num_frames, static_cast<float>(take.fps));
  clip.joints = take.joints;
  testing::TempDir dir;
  const MotionExportReport report = ExportMotion(clip, dir / "walk.bvh");
  const double error = MaxFkError(ReadBvh(dir / "walk.bvh"), clip, 0);
  std::printf("Bandai walk (%d frames): BVH reload error max %.3g m, mean %.3g m\n",
              take.num_frames, report.max_reload_error, report.mean_reload_error);
  EXPECT_LT(error, 1e-3);
  EXPECT_NEAR(error, report.max_reload_error, 1e-6);
}

// The exported BVH converts back through data/joint_maps/smpl22.json (unit
// guessed as metres, floor re-estimated): the same joints up to a height shift.
TEST(MotionExport, RealCmuTakeWithNonRigidHipsReloadsWithinAMillimetre) {
  // CMU 131_01: the hips and the spine base move relative to each other (up
  // to 26 mm), which the position channels of the pelvis' children carry.
  INTERSYNTH_REQUIRE_SHARED_DATA(path, "mocap/cmu/131_01.bvh");
  const ImportedTake take = ImportMocapTake(path);
  MotionClip clip = MotionClip::Zeros(1, take.num_frames, static_cast<float>(take.fps));
  clip.joints = take.joints;
  testing::TempDir dir;
  const MotionExportReport report = ExportMotion(clip, dir / "walk.bvh");
  std::printf("CMU 131_01 (%d frames): BVH reload error max %.3g m, mean %.3g m\n", take.num_frames,
              report.max_reload_error, report.mean_reload_error);
  EXPECT_LT(MaxFkError(ReadBvh(dir / "walk.bvh"), clip, 0), 1e-3);
}

TEST(MotionExport, RealNuisiPairReloadsWithinAMillimetre) {
  // Kinect joints: nothing rigid; bones made constant as data build does.
  INTERSYNTH_REQUIRE_SHARED_DATA(nuisi, "mocap/nuisi");
  const NuisiRecording recording =
      ReadNuisiRecording(nuisi / "Rocket_p1.txt", nuisi / "Rocket_p2.txt");
  const NuisiWorld world = NuisiPlaceFaceToFace(recording, DefaultJointMapDir() / "nuisi.json");
  const int T = 300;  // ten seconds are plenty
  MotionClip clip = MotionClip::Zeros(2, T, 30.0f);
  for (int p = 0; p < 2; ++p) {
    const float* person = world.joints.data() + static_cast<size_t>(p) * world.num_frames * 66;
    const std::vector<float> uniform = UniformBoneLengths(person, T);
    std::copy(uniform.begin(), uniform.end(), clip.person(p));
  }
  testing::TempDir dir;
  const MotionExportReport report = ExportMotion(clip, dir / "bump.bvh");
  ASSERT_EQ(report.files.size(), 2u);
  std::printf("NuiSI Rocket (2 persons, %d frames): BVH reload error max %.3g m\n", T,
              report.max_reload_error);
  for (int p = 0; p < 2; ++p) EXPECT_LT(MaxFkError(ReadBvh(report.files[p]), clip, p), 1e-3);
}

TEST(MotionExport, BvhImportsBackThroughTheIdentityJointMap) {
  const MotionClip clip = SyntheticSmpl22Motion(1, 100, 9);
  testing::TempDir dir;
  ExportMotion(clip, dir / "walk.bvh");
  const ImportedTake take = ImportMocapTake(dir / "walk.bvh");
  EXPECT_EQ(take.joint_map, "smpl22");
  EXPECT_DOUBLE_EQ(take.metres_per_unit, 1.0);
  ASSERT_EQ(take.num_frames, clip.num_frames);
  const double shift = take.joints[1] - clip.joints[1];
  for (size_t i = 0; i < clip.joints.size(); ++i) {
    const double expected = clip.joints[i] + (i % 3 == 1 ? shift : 0.0);
    ASSERT_NEAR(take.joints[i], expected, 1e-5) << "value " << i;
  }
}

TEST(MotionExport, IdentityJointMapNamesEverySmpl22Joint) {
  const JointMap map = LoadJointMap(testing::SourceDir() / "data/joint_maps/smpl22.json");
  EXPECT_EQ(map.name, "smpl22");
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    EXPECT_EQ(map.targets[j].a, kSmpl22JointNames[j]);
    EXPECT_FALSE(map.targets[j].interpolated());
  }
}

TEST(MotionExport, JsonRoundTripWithinAMicrometre) {
  MotionClip clip = SyntheticSmpl22Motion(2, 30, 13);
  clip.text = {"two people walk", "zwei Menschen gehen \xc3\xbc"};
  clip.labels = {"walk"};
  clip.valid.assign(static_cast<size_t>(2) * 30 * kNumJoints, 1);
  clip.valid[5] = 0;  // person 0, frame 0, right_knee
  testing::TempDir dir;
  const MotionExportReport report = ExportMotion(clip, dir / "pair.json");
  EXPECT_EQ(report.format, MotionExportFormat::kJson);
  ASSERT_EQ(report.files, std::vector<fs::path>{dir / "pair.json"});

  const nlohmann::json doc = ReadJson(dir / "pair.json");
  EXPECT_EQ(doc["format"], "intersynth-motion-json");
  EXPECT_EQ(doc["version"], 1);
  EXPECT_DOUBLE_EQ(doc["fps"].get<double>(), 20.0);
  EXPECT_EQ(doc["text"].get<std::vector<std::string>>(), clip.text);
  EXPECT_EQ(doc["labels"].get<std::vector<std::string>>(), clip.labels);
  ASSERT_EQ(doc["joint_names"].size(), 22u);
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    EXPECT_EQ(doc["joint_names"][j], kSmpl22JointNames[j]);
    EXPECT_EQ(doc["parents"][j], kSmpl22Parents[j]);
  }
  ASSERT_EQ(doc["persons"].size(), 2u);
  for (int p = 0; p < 2; ++p) {
    const nlohmann::json& joints = doc["persons"][p]["joints"];
    ASSERT_EQ(joints.size(), 30u);
    for (int t = 0; t < 30; ++t) {
      ASSERT_EQ(joints[t].size(), 22u);
      for (int j = 0; j < kSmpl22NumJoints; ++j) {
        for (int k = 0; k < 3; ++k) {
          ASSERT_NEAR(joints[t][j][k].get<double>(), clip.joint(p, t, j)[k], 1e-6);
        }
      }
    }
    ASSERT_EQ(doc["persons"][p]["valid"].size(), 30u);
  }
  EXPECT_FALSE(doc["persons"][0]["valid"][0][5].get<bool>());
  EXPECT_TRUE(doc["persons"][0]["valid"][0][4].get<bool>());
}

TEST(MotionExport, JsonWithoutValidMaskHasNoValidKey) {
  const nlohmann::json doc = MotionToJson(SyntheticSmpl22Motion(1, 3, 1));
  EXPECT_FALSE(doc["persons"][0].contains("valid"));
}

TEST(MotionExport, EmptyClipIsAnError) {
  testing::TempDir dir;
  MotionExportOptions options;
  options.source = "empty.npz";
  EXPECT_ERROR_CONTAINS(ExportMotion(MotionClip::Zeros(1, 0), dir / "x.bvh", options),
                        {"empty.npz", "empty", "0 frames"});
  EXPECT_ERROR_CONTAINS(ExportMotion(MotionClip::Zeros(0, 10), dir / "x.json", options),
                        {"empty.npz", "0 persons"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(MotionExport, NonFiniteJointIsNamed) {
  MotionClip clip = SyntheticSmpl22Motion(2, 10, 2);
  clip.joint(1, 4, 7)[1] = std::numeric_limits<float>::quiet_NaN();
  testing::TempDir dir;
  MotionExportOptions options;
  options.source = "nan.npz";
  EXPECT_ERROR_CONTAINS(ExportMotion(clip, dir / "x.bvh", options),
                        {"nan.npz", "person 1", "frame 4", "left_ankle"});
  EXPECT_ERROR_CONTAINS(ExportMotion(clip, dir / "x.json", options), {"nan.npz", "person 1"});
  // Also where the valid mask says no sensor saw it: the file cannot hold NaN.
  clip.valid.assign(static_cast<size_t>(2) * 10 * kNumJoints, 1);
  clip.valid[(static_cast<size_t>(1) * 10 + 4) * kNumJoints + 7] = 0;
  EXPECT_ERROR_CONTAINS(ExportMotion(clip, dir / "x.bvh", options), {"person 1", "frame 4"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(MotionExport, UnknownFormatIsAnError) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ExportMotion(SyntheticSmpl22Motion(1, 5, 1), dir / "x.fbx"),
                        {"x.fbx", "unknown export format 'fbx'", "(format bvh|json)"});
  EXPECT_ERROR_CONTAINS(ParseMotionExportFormat("gltf"),
                        {"format must be bvh or json, got 'gltf'"});
  EXPECT_EQ(ParseMotionExportFormat("BVH"), MotionExportFormat::kBvh);
  // An explicit format wins over the extension.
  MotionExportOptions options;
  options.format = MotionExportFormat::kJson;
  ExportMotion(SyntheticSmpl22Motion(1, 5, 1), dir / "x.txt", options);
  EXPECT_NO_THROW(ReadJson(dir / "x.txt"));
}

TEST(MotionExport, MissingOutputFolderLeavesNothing) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ExportMotion(SyntheticSmpl22Motion(2, 5, 1), dir / "no/such/x.bvh"),
                        {"does not exist"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

TEST(MotionExportFormat, PrintsAndParsesBackInAnyCase) {
  for (const EnumName<MotionExportFormat>& n : kMotionExportFormatNames) {
    EXPECT_EQ(ToString(n.value), n.name);
    EXPECT_EQ(ParseMotionExportFormat(n.name), n.value);
  }
  EXPECT_EQ(ParseMotionExportFormat("Json"), MotionExportFormat::kJson);
  try {
    ParseMotionExportFormat("fbx", "export_format");
    ADD_FAILURE() << "fbx was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"export_format"});
  }
}

TEST(MotionExportOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(MotionExportOptions{}.Check());
  MotionExportOptions options;
  options.bvh_decimals = -1;  // shortest exact text
  EXPECT_NO_THROW(options.Check());
  options.bvh_decimals = 21;
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(ExportMotion(SyntheticSmpl22Motion(1, 5, 1), dir / "x.bvh", options),
                        {"bvh_decimals must be -1 (shortest) or in [0, 20], got 21"});
  EXPECT_EQ(testing::CountEntries(dir.path()), 0);
}

}  // namespace
}  // namespace intersynth
