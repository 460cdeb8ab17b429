#include "intersynth/recovery_torch/torchscript_pose_regressor.h"

#include <gtest/gtest.h>

#include "intersynth/io/json.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

// Fixtures made by testdata/recovery/make_tiny_pose_regressors.py (see its
// header).
std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / "recovery" / name;
}

// The script's test crop k: R = (37 r + 11 c + 60 k) % 256, G = (5 r + 23 c +
// 100 + 90 k) % 256, B = (7 r c + 50 + 30 k) % 256 at row r, column c.
RgbCrop TestCrop(int size, int k) {
  RgbCrop crop;
  crop.size = size;
  crop.rgb.resize(static_cast<size_t>(size) * size * 3);
  for (int r = 0; r < size; ++r) {
    for (int c = 0; c < size; ++c) {
      uint8_t* pixel = crop.rgb.data() + (static_cast<size_t>(r) * size + c) * 3;
      pixel[0] = static_cast<uint8_t>((37 * r + 11 * c + 60 * k) % 256);
      pixel[1] = static_cast<uint8_t>((5 * r + 23 * c + 100 + 90 * k) % 256);
      pixel[2] = static_cast<uint8_t>((7 * r * c + 50 + 30 * k) % 256);
    }
  }
  return crop;
}

// A crop of one grey level.
RgbCrop GreyCrop(int size, uint8_t level) {
  RgbCrop crop;
  crop.size = size;
  crop.rgb.assign(static_cast<size_t>(size) * size * 3, level);
  return crop;
}

// The expected-values entry of one fixture file.
nlohmann::json ExpectedFor(const std::string& file) {
  const nlohmann::json expected = ReadJson(Fixture("tiny_pose_expected.json"));
  for (const nlohmann::json& model : expected.at("models")) {
    if (model.at("file").get<std::string>() == file) return model;
  }
  ADD_FAILURE() << file << " is not in tiny_pose_expected.json";
  return {};
}

// Regresses the script's test crops in one batch and compares every value
// with Python's output.
void ExpectMatchesPython(const std::string& file) {
  SCOPED_TRACE(file);
  const nlohmann::json expected = ExpectedFor(file);
  const nlohmann::json crops_info = ReadJson(Fixture("tiny_pose_expected.json")).at("crops");
  const TorchScriptPoseRegressor regressor = TorchScriptPoseRegressor::Load(Fixture(file));
  EXPECT_EQ(regressor.input_size(), expected.at("input_size").get<int>());
  EXPECT_EQ(regressor.focal_length(), expected.at("focal_length").get<double>());
  EXPECT_EQ(regressor.num_body_joints(), expected.at("num_body_joints").get<int>());
  EXPECT_EQ(regressor.num_betas(), expected.at("num_betas").get<int>());

  std::vector<RgbCrop> crops;
  for (int k = 0; k < crops_info.at("count").get<int>(); ++k) {
    crops.push_back(TestCrop(crops_info.at("size").get<int>(), k));
  }
  const std::vector<PoseRegression> result = regressor.Predict(crops);
  ASSERT_EQ(result.size(), crops.size());
  for (size_t i = 0; i < crops.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "crop " << i);
    const nlohmann::json& want = expected.at("crops").at(i);
    const PoseRegression& got = result[i];
    ASSERT_EQ(got.rotations.size(), want.at("rotations").size());
    ASSERT_EQ(got.rotations.size(), static_cast<size_t>(1 + regressor.num_body_joints()));
    for (size_t j = 0; j < got.rotations.size(); ++j) {
      for (int e = 0; e < 9; ++e) {
        EXPECT_NEAR(got.rotations[j][e], want.at("rotations").at(j).at(e).get<double>(), 1e-5)
            << "rotation " << j << ", entry " << e;
      }
    }
    ASSERT_EQ(got.betas.size(), static_cast<size_t>(regressor.num_betas()));
    for (size_t b = 0; b < got.betas.size(); ++b) {
      EXPECT_NEAR(got.betas[b], want.at("betas").at(b).get<float>(), 1e-5) << "beta " << b;
    }
    for (int c = 0; c < 3; ++c) {
      EXPECT_NEAR(got.weak_camera[c], want.at("weak_camera").at(c).get<float>(), 1e-5)
          << "camera " << c;
    }
  }
}

TEST(TorchScriptPoseRegressor, SmplRegressorMatchesPython) {
  // [N, 1, 3, 3] root, 23 joints, 10 betas, an extra key "features" ignored.
  ExpectMatchesPython("tiny_pose_regressor.pt");
}

TEST(TorchScriptPoseRegressor, SmplxFloat64RegressorMatchesPython) {
  // [N, 3, 3] root, 21 joints, 16 betas, float64 converted to float32.
  ExpectMatchesPython("tiny_smplx_pose_regressor.pt");
}

TEST(TorchScriptPoseRegressor, AttributesAndCounts) {
  const TorchScriptPoseRegressor smpl =
      TorchScriptPoseRegressor::Load(Fixture("tiny_pose_regressor.pt"));
  EXPECT_EQ(smpl.input_size(), 32);
  EXPECT_DOUBLE_EQ(smpl.focal_length(), 625.0);  // 5000 for 256 px, at 32 px
  EXPECT_EQ(smpl.num_body_joints(), 23);
  EXPECT_EQ(smpl.num_betas(), 10);
  EXPECT_EQ(smpl.path(), Fixture("tiny_pose_regressor.pt"));
  const TorchScriptPoseRegressor smplx =
      TorchScriptPoseRegressor::Load(Fixture("tiny_smplx_pose_regressor.pt"));
  EXPECT_EQ(smplx.input_size(), 32);
  EXPECT_EQ(smplx.focal_length(), 0.0);  // not declared
  EXPECT_EQ(smplx.num_body_joints(), 21);
  EXPECT_EQ(smplx.num_betas(), 16);
}

TEST(TorchScriptPoseRegressor, OutputsAreRotationsOnAnyCrop) {
  // The identity the adapter checks, on crops other than the test's: R^T R =
  // I and det R = 1 to float precision.
  const TorchScriptPoseRegressor regressor =
      TorchScriptPoseRegressor::Load(Fixture("tiny_pose_regressor.pt"));
  const std::vector<PoseRegression> result =
      regressor.Predict({GreyCrop(32, 0), GreyCrop(32, 255), TestCrop(32, 7), TestCrop(32, 100)});
  ASSERT_EQ(result.size(), 4u);
  for (const PoseRegression& regression : result) {
    for (const std::array<double, 9>& r : regression.rotations) {
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) {
          double dot = 0.0;
          for (int k = 0; k < 3; ++k) dot += r[3 * k + a] * r[3 * k + b];
          EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-5);
        }
      }
      const double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) +
                         r[2] * (r[3] * r[7] - r[4] * r[6]);
      EXPECT_NEAR(det, 1.0, 1e-5);
    }
    EXPECT_GT(regression.weak_camera[0], 0.0f);
  }
}

TEST(TorchScriptPoseRegressor, EachCropIndependentOfItsBatch) {
  // result[i] belongs to crops[i]: alone, in a batch, in reverse order.
  const TorchScriptPoseRegressor regressor =
      TorchScriptPoseRegressor::Load(Fixture("tiny_pose_regressor.pt"));
  const std::vector<PoseRegression> batch =
      regressor.Predict({TestCrop(32, 0), TestCrop(32, 1), TestCrop(32, 2)});
  const std::vector<PoseRegression> reversed =
      regressor.Predict({TestCrop(32, 2), TestCrop(32, 1), TestCrop(32, 0)});
  ASSERT_EQ(batch.size(), 3u);
  ASSERT_EQ(reversed.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(::testing::Message() << "crop " << i);
    const std::vector<PoseRegression> alone = regressor.Predict({TestCrop(32, i)});
    ASSERT_EQ(alone.size(), 1u);
    for (const PoseRegression* other : {&alone[0], &reversed[2 - i]}) {
      for (size_t j = 0; j < batch[i].rotations.size(); ++j) {
        for (int e = 0; e < 9; ++e) {
          EXPECT_NEAR(other->rotations[j][e], batch[i].rotations[j][e], 1e-6);
        }
      }
      for (size_t b = 0; b < batch[i].betas.size(); ++b) {
        EXPECT_NEAR(other->betas[b], batch[i].betas[b], 1e-6);
      }
      for (int c = 0; c < 3; ++c) {
        EXPECT_NEAR(other->weak_camera[c], batch[i].weak_camera[c], 1e-6);
      }
    }
  }
  // Different crops, different outputs.
  EXPECT_NE(batch[0].weak_camera, batch[1].weak_camera);
}

TEST(TorchScriptPoseRegressor, NoCropsNoCall) {
  const TorchScriptPoseRegressor regressor =
      TorchScriptPoseRegressor::Load(Fixture("tiny_pose_regressor.pt"));
  EXPECT_TRUE(regressor.Predict({}).empty());
}

TEST(TorchScriptPoseRegressor, CropOfAnotherSizeIsAnError) {
  const std::string path = Fixture("tiny_pose_regressor.pt").string();
  const TorchScriptPoseRegressor regressor = TorchScriptPoseRegressor::Load(path);
  EXPECT_ERROR_CONTAINS(regressor.Predict({TestCrop(32, 0), TestCrop(64, 1)}),
                        {path, "crop 1 is 64 x 64 pixels", "takes 32 x 32 crops"});
  EXPECT_ERROR_CONTAINS(regressor.Predict({RgbCrop{}}), {path, "crop 0 is 0 x 0 pixels"});
}

TEST(TorchScriptPoseRegressor, MissingFileIsNamed) {
  const std::string path = Fixture("no_such_pose_regressor.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "no such file", "pose regressor"});
  const std::string folder = Fixture("").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(folder), {"not a file"});
}

TEST(TorchScriptPoseRegressor, NotATorchScriptArchive) {
  testing::TempDir dir;
  const std::string garbage = (dir / "garbage.pt").string();
  WriteFileAtomic(garbage, "this is not a zip archive");
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(garbage),
                        {garbage, "not a TorchScript archive"});
  const std::string json = Fixture("tiny_pose_expected.json").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(json), {json, "not a TorchScript archive"});
}

TEST(TorchScriptPoseRegressor, ModuleWithoutForward) {
  const std::string path = Fixture("no_forward_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path), {path, "no forward(crops: Tensor)"});
}

TEST(TorchScriptPoseRegressor, MissingOrZeroInputSize) {
  const std::string missing = Fixture("no_input_size_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(missing),
                        {missing, "no attribute input_size", "256 for HMR2.0"});
  const std::string zero = Fixture("zero_input_size_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(zero),
                        {zero, "input_size is 0", "expected a positive int"});
}

TEST(TorchScriptPoseRegressor, ForwardFailingOnTheProbe) {
  // Declares 48, asserts 32 x 32: forward fails on the probe at load.
  const std::string path = Fixture("wrong_input_size_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "forward failed on a [2, 3, 48, 48] batch of crops",
                         "wants 32 x 32 crops", "load-time probe: 2 grey crops"});
}

TEST(TorchScriptPoseRegressor, MissingKeyListsTheKeys) {
  const std::string path = Fixture("no_betas_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "no key \"betas\"", "global_orient", "pred_cam",
                         "expected at least global_orient, body_pose, betas, pred_cam"});
}

TEST(TorchScriptPoseRegressor, TensorInsteadOfDict) {
  const std::string path = Fixture("tensor_output_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "forward returned Tensor", "expected Dict[str, Tensor]"});
}

TEST(TorchScriptPoseRegressor, AxisAngleInsteadOfMatricesFailsAtLoad) {
  // [N, 23, 3]: caught by the shape, on the probe batch of 2.
  const std::string path = Fixture("axis_angle_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "\"body_pose\" is a Float tensor of shape [2, 23, 3]",
                         "[2, 23, 3, 3] or [2, 21, 3, 3]"});
}

TEST(TorchScriptPoseRegressor, RootInBodyPoseIsAnUnknownJointCount) {
  const std::string path = Fixture("joints_24_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "\"body_pose\"", "shape [2, 24, 3, 3]", "23 or 21"});
}

TEST(TorchScriptPoseRegressor, SkewMatricesAreNotRotations) {
  // matrix_exp forgotten: [a]_x has the right shape but R^T R != I.
  const std::string path = Fixture("skew_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "\"body_pose\"[0, 0] (crop 0, SMPL joint 1)",
                         "is not a rotation matrix", "max |R^T R - I| <= 0.001 and det > 0"});
}

TEST(TorchScriptPoseRegressor, ReflectionOnABrightCropNamesCropAndJoint) {
  // Passes the grey probe; on a batch [dark, bright] the bright crop's
  // body_pose joint 5 is negated: orthonormal, det = -1.
  const std::string path = Fixture("reflection_pose.pt").string();
  const TorchScriptPoseRegressor regressor = TorchScriptPoseRegressor::Load(path);
  EXPECT_EQ(regressor.Predict({GreyCrop(32, 40)}).size(), 1u);
  EXPECT_ERROR_CONTAINS(
      regressor.Predict({GreyCrop(32, 40), GreyCrop(32, 220)}),
      {path, "\"body_pose\"[1, 5] (crop 1, SMPL joint 6)", "is not a rotation", "det = -1"});
}

TEST(TorchScriptPoseRegressor, NonFiniteOutputFailsAtLoad) {
  const std::string path = Fixture("nan_pose.pt").string();
  EXPECT_ERROR_CONTAINS(
      TorchScriptPoseRegressor::Load(path),
      {path, "\"pred_cam\" has non-finite values (crop 0", "broken", "load-time probe"});
}

TEST(TorchScriptPoseRegressor, MishandledBatchFailsAtLoad) {
  // pred_cam always [1, 3]: the probe batch of 2 catches it.
  const std::string path = Fixture("wrong_batch_pose.pt").string();
  EXPECT_ERROR_CONTAINS(TorchScriptPoseRegressor::Load(path),
                        {path, "\"pred_cam\" is a Float tensor of shape [1, 3]",
                         "expected a "
                         "floating-point [2, 3] (s, tx, ty)"});
}

}  // namespace
}  // namespace intersynth
