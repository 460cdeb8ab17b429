#include "intersynth/body/open_body_build.h"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "intersynth/body/body_model.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

Eigen::Vector3d TemplateVertex(const BodyModelData& model, int v) {
  return Eigen::Vector3d(model.v_template[3 * v], model.v_template[3 * v + 1],
                         model.v_template[3 * v + 2]);
}

TEST(OpenBodyBuild, BuildsACheckedModelFromTheSharedAssets) {
  INTERSYNTH_REQUIRE_SHARED_DATA(mpfb, "body/mpfb2");
  OpenBodyBuildOptions options;
  options.num_samples = 80;
  options.num_betas = 8;
  options.regressor_vertices = 120;
  OpenBodyBuildReport report;
  const BodyModelData model = BuildOpenBodyModel(mpfb, options, &report);
  EXPECT_EQ(model.num_vertices, 13380);
  EXPECT_EQ(report.num_mesh_vertices, 19158);
  EXPECT_EQ(report.num_targets, 348);
  EXPECT_EQ(model.num_joints, 31);
  EXPECT_EQ(model.num_betas, 8);
  EXPECT_FALSE(model.has_pose_correctives());
  // Axes and units: the default body's cube centres land on the rig's
  // default positions (Z up metres converted to Y up).
  EXPECT_LT(report.rig_default_max_distance, 0.005);
  EXPECT_GT(report.mean_height, 1.5);
  EXPECT_LT(report.mean_height, 1.9);
  EXPECT_GT(report.explained_variance, 0.99);
  for (int j = 0; j < model.num_joints; ++j) {
    EXPECT_LT(report.regressor_rms[j], 0.015) << model.joint_names[j];
  }
  // The regressor's rows are affine (sum to 1).
  for (int j = 0; j < model.num_joints; ++j) {
    double sum = 0.0;
    for (int v = 0; v < model.num_vertices; ++v)
      sum += model.j_regressor[static_cast<size_t>(j) * model.num_vertices + v];
    EXPECT_NEAR(sum, 1.0, 1e-4) << model.joint_names[j];
  }
  // smpl22: the pelvis is the root, the left hip is on +X, the head above the neck.
  ASSERT_EQ(model.smpl22_joints.size(), 22u);
  EXPECT_EQ(model.joint_names[model.smpl22_joints[0]], "Hips");
  EXPECT_EQ(model.parents[model.smpl22_joints[0]], -1);
  auto joint = [&](int smpl22) {
    const int j = model.smpl22_joints[smpl22];
    Eigen::Vector3d p = Eigen::Vector3d::Zero();
    for (int v = 0; v < model.num_vertices; ++v)
      p += model.j_regressor[static_cast<size_t>(j) * model.num_vertices + v] *
           TemplateVertex(model, v);
    return p;
  };
  EXPECT_GT(joint(1).x(), 0.05);
  EXPECT_LT(joint(2).x(), -0.05);
  EXPECT_GT(joint(15).y(), joint(12).y());
  EXPECT_GT(joint(12).y(), joint(0).y() + 0.4);
  // Face points: the nose in front of the eyes, the left eye and ear on +X,
  // all on the head (above the neck joint).
  ASSERT_EQ(model.coco17_face_vertices.size(), 5u);
  const auto& face = model.coco17_face_vertices;
  EXPECT_GT(TemplateVertex(model, face[0]).z(), TemplateVertex(model, face[1]).z());
  EXPECT_GT(TemplateVertex(model, face[1]).x(), 0.01);
  EXPECT_LT(TemplateVertex(model, face[2]).x(), -0.01);
  EXPECT_GT(TemplateVertex(model, face[3]).x(), 0.05);
  EXPECT_LT(TemplateVertex(model, face[4]).x(), -0.05);
  for (int v : face) EXPECT_GT(TemplateVertex(model, v).y(), joint(12).y());

  // It saves and loads back as a body model.
  const testing::TempDir dir;
  const std::filesystem::path path = dir / "open_body.npz";
  SaveBodyModel(path, model);
  const BodyModelData loaded = LoadBodyModel(path);
  EXPECT_EQ(loaded.v_template, model.v_template);
  EXPECT_EQ(loaded.shapedirs, model.shapedirs);
  EXPECT_EQ(loaded.parents, model.parents);
  EXPECT_EQ(loaded.smpl22_joints, model.smpl22_joints);
  EXPECT_EQ(loaded.coco17_face_vertices, model.coco17_face_vertices);
  EXPECT_EQ(loaded.joint_names, model.joint_names);
}

TEST(OpenBodyBuild, MissingFolderIsAClearError) {
  EXPECT_ERROR_CONTAINS(BuildOpenBodyModel("/nonexistent/mpfb2", {}, nullptr), {"base.obj"});
}

TEST(OpenBodyBuildOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(OpenBodyBuildOptions{}.Check());
  OpenBodyBuildOptions options;
  options.num_samples = 10;
  options.num_betas = 16;
  try {
    options.Check();
    ADD_FAILURE() << "10 samples for 16 betas were accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), (std::vector<std::string>{"num_samples", "num_betas"}));
    EXPECT_STREQ(e.what(),
                 "num_samples (10) cannot give num_betas (16) shape directions: it must be at "
                 "least 18");
  }
  options = {};
  options.min_age = 1.5;
  EXPECT_ERROR_CONTAINS(options.Check(), {"min_age must be in [0, 1], got 1.5"});
  options = {};
  options.regressor_vertices = 3;
  EXPECT_ERROR_CONTAINS(options.Check(), {"regressor_vertices must be >= 4, got 3"});
  // Checked before any file is read.
  EXPECT_THROW(BuildOpenBodyModel("/nonexistent/mpfb2", options, nullptr), OptionError);
}

}  // namespace
}  // namespace intersynth
