#include "intersynth/recovery_torch/body_fit_joints.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

std::filesystem::path Asset(const std::string& name) {
  return testing::SourceDir() / "assets" / name;
}

class JointFitTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new BodyModelData(LoadBodyModel(Asset("body/open_body.npz")));
    prior_ = new PosePrior(LoadPosePrior(Asset("priors/pose_gmm8.npz")));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete prior_;
  }
  static BodyModelData* model_;
  static PosePrior* prior_;
};

BodyModelData* JointFitTest::model_ = nullptr;
PosePrior* JointFitTest::prior_ = nullptr;

// The model's own joints (a first fit's output) are fitted back to within a
// few millimetres: the energy's minimum is where it should be.
TEST_F(JointFitTest, TheModelsOwnJointsFitBackClosely) {
  const MotionClip walk = SyntheticSmpl22Motion(1, 12, 5);
  JointFitOptions options;
  options.threads = 1;
  const JointFit first = FitBodiesToJoints(walk, *model_, *prior_, options)[0];
  MotionClip own = MotionClip::Zeros(1, 12);
  own.joints = first.joints22;
  options.betas = {first.betas};
  options.iterations = 60;
  const JointFit again = FitBodiesToJoints(own, *model_, *prior_, options)[0];
  std::printf("own joints: %.2f mm mean, %.2f mm max; first fit %.1f mm mean\n",
              again.mean_error_mm, again.max_error_mm, first.mean_error_mm);
  EXPECT_LT(again.mean_error_mm, 5.0);
}

// A synthetic two-person motion: every person gets a body whose joints follow
// the motion's (the skeletons differ, so not exactly), its own shape from the
// seed, and meshes of the model's size.
TEST_F(JointFitTest, EveryPersonGetsABodyThatFollowsTheJoints) {
  const MotionClip two = SyntheticSmpl22Motion(2, 20, 7);
  JointFitOptions options;
  options.threads = 1;
  const std::vector<JointFit> fits = FitBodiesToJoints(two, *model_, *prior_, options);
  ASSERT_EQ(fits.size(), 2u);
  for (const JointFit& fit : fits) {
    std::printf("%.1f mm mean, %.1f mm max, %.2f s\n", fit.mean_error_mm, fit.max_error_mm,
                fit.seconds);
    EXPECT_LT(fit.mean_error_mm, 40.0);
    EXPECT_EQ(fit.joints22.size(), 20u * 22 * 3);
    EXPECT_EQ(fit.betas.size(), 10u);
    for (float v : fit.joints22) ASSERT_TRUE(std::isfinite(v));
  }
  EXPECT_NE(fits[0].betas, fits[1].betas);
  const std::vector<float> vertices = PosedVertices(*model_, fits[1], 5, 3);
  ASSERT_EQ(vertices.size(), 3u * model_->num_vertices * 3);
  // The posed body stands where the person does: its vertices' mean is near
  // the pelvis.
  double x = 0.0, z = 0.0;
  for (int v = 0; v < model_->num_vertices; ++v) {
    x += vertices[3 * v] / model_->num_vertices;
    z += vertices[3 * v + 2] / model_->num_vertices;
  }
  EXPECT_NEAR(x, two.joint(1, 5, 0)[0], 0.15);
  EXPECT_NEAR(z, two.joint(1, 5, 0)[2], 0.15);
  EXPECT_ERROR_CONTAINS(PosedVertices(*model_, fits[0], 18, 5), {"frames [18, 23)", "20 frames"});
}

TEST_F(JointFitTest, BadInputIsAClearError) {
  MotionClip bad = SyntheticSmpl22Motion(1, 5, 1);
  bad.joint(0, 3, 7)[1] = std::nanf("");
  EXPECT_ERROR_CONTAINS(FitBodiesToJoints(bad, *model_, *prior_), {"frame 3"});
  JointFitOptions options;
  options.betas = {{0.0f, 1.0f}};
  EXPECT_ERROR_CONTAINS(
      FitBodiesToJoints(SyntheticSmpl22Motion(1, 5, 1), *model_, *prior_, options),
      {"2 betas", "expected 10"});
  options = JointFitOptions();
  options.iterations = -1;
  EXPECT_ERROR_CONTAINS(
      FitBodiesToJoints(SyntheticSmpl22Motion(1, 5, 1), *model_, *prior_, options), {"iterations"});
}

}  // namespace
}  // namespace intersynth
