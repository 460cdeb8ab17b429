#include "intersynth/scene/depth_fusion.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/scene/scene_test_util.h"
#include "intersynth/scene/synthetic_room.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::AddRelativeNoise;
using testing::FusionCase;
using testing::MakeFusionCase;
using testing::MaskWithOutliers;

TEST(DepthFusion, RecoversAlphaAndBetaWithinOnePercentDespiteOutliers) {
  const double alpha = 2.5, beta = 0.04;
  SyntheticRoomOptions room;
  room.pitch_down_deg = 20.0;
  const FusionCase c = MakeFusionCase(RenderSyntheticRoom(room), alpha, beta, 320, 240, 0.15, 1);
  const DisparityFitReport fit = FitDisparityToMetric({c.metric}, {c.disparity});
  ASSERT_TRUE(fit.success) << fit.message;
  EXPECT_NEAR(fit.alpha / alpha, 1.0, 0.01) << fit.message;
  EXPECT_NEAR(fit.beta / beta, 1.0, 0.01) << fit.message;
  EXPECT_EQ(fit.frames, 1);
  EXPECT_EQ(fit.valid_pixels, 320 * 240);
  // The outliers are found as such.
  EXPECT_LT(fit.inlier_ratio, 0.9);
  EXPECT_GT(fit.inlier_ratio, 0.75);

  // The fused depth at full resolution follows the truth.
  const FusedDepth fused = FuseDepth(c.disparity, fit.alpha, fit.beta);
  EXPECT_EQ(fused.invalid, 0);
  double sum_rel = 0.0;
  for (int64_t i = 0; i < fused.depth.size(); ++i) {
    sum_rel += std::abs(fused.depth.values[i] - c.truth.values[i]) / c.truth.values[i];
  }
  EXPECT_LT(sum_rel / static_cast<double>(fused.depth.size()), 0.01);
}

TEST(DepthFusion, ThirtyPercentOutliersOnOneSide) {
  // Every outlier lies too far: Huber alone would be pulled by ~1%; the inlier refit is not.
  const double alpha = 0.8, beta = 0.1;
  const FusionCase c = MakeFusionCase(RenderSyntheticRoom(), alpha, beta, 256, 192, 0.3, 2);
  const DisparityFitReport fit = FitDisparityToMetric({c.metric}, {c.disparity});
  ASSERT_TRUE(fit.success) << fit.message;
  EXPECT_NEAR(fit.alpha / alpha, 1.0, 0.01) << fit.message;
  EXPECT_NEAR(fit.beta / beta, 1.0, 0.01) << fit.message;
}

TEST(DepthFusion, SeveralKeyFramesShareOneFit) {
  const double alpha = 1.7, beta = 0.02;
  std::vector<DepthMap> metric, disparity;
  for (int k = 0; k < 3; ++k) {
    SyntheticRoomOptions room;
    room.pitch_down_deg = 15.0 + 10.0 * k;
    room.width = 320;
    room.height = 240;
    const FusionCase c =
        MakeFusionCase(RenderSyntheticRoom(room), alpha, beta, 160, 120, 0.1, 10 + k);
    metric.push_back(c.metric);
    disparity.push_back(c.disparity);
  }
  const DisparityFitReport fit = FitDisparityToMetric(metric, disparity);
  ASSERT_TRUE(fit.success) << fit.message;
  EXPECT_EQ(fit.frames, 3);
  EXPECT_EQ(fit.valid_pixels, 3 * 160 * 120);
  EXPECT_NEAR(fit.alpha / alpha, 1.0, 0.01);
  EXPECT_NEAR(fit.beta / beta, 1.0, 0.01);
}

TEST(DepthFusion, ExactDataGiveExactFitAndInvalidPixelsAreSkipped) {
  // 1/m = 3 d + 0.5 exactly, with NaN, zero and negative metric values and NaN disparities mixed
  // in.
  DepthMap m = DepthMap::Filled(20, 10, 0.0f), d = DepthMap::Filled(20, 10, 0.0f);
  for (int64_t i = 0; i < m.size(); ++i) {
    d.values[i] = 0.01f * static_cast<float>(i % 37) + 0.1f;
    m.values[i] = static_cast<float>(1.0 / (3.0 * d.values[i] + 0.5));
  }
  m.values[0] = std::nanf("");
  m.values[1] = 0.0f;
  m.values[2] = -1.0f;
  d.values[3] = std::nanf("");
  const DisparityFitReport fit = FitDisparityToMetric({m}, {d});
  ASSERT_TRUE(fit.success) << fit.message;
  EXPECT_EQ(fit.valid_pixels, 200 - 4);
  EXPECT_NEAR(fit.alpha, 3.0, 1e-4);
  EXPECT_NEAR(fit.beta, 0.5, 1e-4);
}

TEST(DepthFusion, FusedDepthMarksNonPositiveInverseDepthInvalid) {
  DepthMap d = DepthMap::Filled(4, 1, 0.0f);
  d.values = {1.0f, 0.0f, -1.0f, std::nanf("")};
  // 1/m = 2 d + 0: positive, zero, negative, NaN.
  const FusedDepth fused = FuseDepth(d, 2.0, 0.0);
  EXPECT_FLOAT_EQ(fused.depth.values[0], 0.5f);
  EXPECT_EQ(fused.depth.values[1], 0.0f);
  EXPECT_EQ(fused.depth.values[2], 0.0f);
  EXPECT_EQ(fused.depth.values[3], 0.0f);
  EXPECT_EQ(fused.invalid, 3);
}

TEST(DepthFusion, DegenerateInputsAreReported) {
  // One disparity value everywhere: alpha and beta cannot be separated.
  DepthMap m = DepthMap::Filled(8, 8, 2.0f), d = DepthMap::Filled(8, 8, 0.3f);
  DisparityFitReport fit = FitDisparityToMetric({m}, {d});
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("same"), std::string::npos) << fit.message;
  // No valid metric pixel.
  fit = FitDisparityToMetric({DepthMap::Filled(8, 8, std::nanf(""))}, {d});
  EXPECT_FALSE(fit.success);
  EXPECT_NE(fit.message.find("0 pixel"), std::string::npos) << fit.message;
  // Mismatched lists and empty maps are usage errors.
  EXPECT_ERROR_CONTAINS(FitDisparityToMetric({m, m}, {d}), {"one disparity map per metric map"});
  EXPECT_ERROR_CONTAINS(FitDisparityToMetric({DepthMap()}, {d}), {"empty metric depth"});
}

TEST(DepthFusion, ADepthMapPassedAsDisparityIsCaught) {
  // The "disparity" is the depth itself: it falls as 1/m rises, alpha < 0.
  const SyntheticRoom room = RenderSyntheticRoom();
  const DepthMap metric = Resample(room.depth, 160, 120, ResampleMethod::kArea);
  const DisparityFitReport fit = FitDisparityToMetric({metric}, {room.depth});
  EXPECT_FALSE(fit.success);
  EXPECT_LT(fit.alpha, 0.0);
  EXPECT_NE(fit.message.find("depth map rather than a disparity"), std::string::npos)
      << fit.message;
  // It names LiftSceneInputs' fields, which the CLI shows as its flags.
  EXPECT_NE(fit.message.find("{metric} or {depth}"), std::string::npos) << fit.message;
}

TEST(DepthFusion, SameSeedSameFit) {
  const FusionCase c = MakeFusionCase(RenderSyntheticRoom(), 1.0, 0.05, 160, 120, 0.2, 4);
  const DisparityFitReport a = FitDisparityToMetric({c.metric}, {c.disparity});
  const DisparityFitReport b = FitDisparityToMetric({c.metric}, {c.disparity});
  EXPECT_EQ(a.alpha, b.alpha);
  EXPECT_EQ(a.beta, b.beta);
}

TEST(DisparityFitOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(DisparityFitOptions{}.Check());
  DisparityFitOptions options;
  options.huber_k = 0.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"huber_k must be > 0, got 0"});
  options = {};
  options.ransac_confidence = 1.0;
  const DepthMap m = DepthMap::Filled(4, 4, 2.0f);
  try {
    FitDisparityToMetric({m}, {m}, options);
    ADD_FAILURE() << "a confidence of 1 was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"ransac_confidence"});
  }
  options = {};
  options.max_pixels = -1;
  EXPECT_ERROR_CONTAINS(options.Check(), {"max_pixels must be >= 0, got -1"});
}

TEST(SyntheticRoomOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(SyntheticRoomOptions{}.Check());
  SyntheticRoomOptions options;
  options.camera_height = 3.0;
  try {
    RenderSyntheticRoom(options);
    ADD_FAILURE() << "a camera above the ceiling was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"camera_height", "ceiling"}));
  }
  options = {};
  options.width = 0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"width must be >= 1, got 0"});
  options = {};
  options.horizontal_fov_deg = 180.0;
  EXPECT_ERROR_CONTAINS(options.Check(), {"horizontal_fov_deg must be in (0, 180), got 180"});
}

}  // namespace
}  // namespace intersynth
