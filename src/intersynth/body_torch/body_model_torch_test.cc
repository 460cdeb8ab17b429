#include "intersynth/body_torch/body_model_torch.h"

#include <gtest/gtest.h>

#include "intersynth/geometry/rotation.h"
#include "intersynth/io/npz.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

// testdata/body/make_tiny_body_model.py made both files (see its header).
std::filesystem::path Fixture(const std::string& name) {
  return testing::SourceDir() / "testdata" / "body" / name;
}

torch::Tensor Float(const NpyArray& array) {
  const std::vector<float> values = array.ToVector<float>();
  return torch::tensor(values, torch::kFloat32).view(array.shape);
}

TEST(BodyModelTorch, MatchesAnIndependentPythonLbs) {
  const BodyModelTorch model(LoadBodyModel(Fixture("tiny_body_model.npz")));
  const NpzArchive expected = ReadNpz(Fixture("tiny_body_expected.npz"));
  const BodyModelOutput out = model.Forward(Float(expected.at("betas")), Float(expected.at("pose")),
                                            Float(expected.at("transl")));
  const torch::Tensor vertices = Float(expected.at("vertices"));
  const torch::Tensor joints = Float(expected.at("joints"));
  ASSERT_EQ(out.vertices.sizes(), vertices.sizes());
  ASSERT_EQ(out.joints.sizes(), joints.sizes());
  EXPECT_LT((out.vertices - vertices).abs().max().item<double>(), 1e-5);
  EXPECT_LT((out.joints - joints).abs().max().item<double>(), 1e-5);
  // The reference poses move the body by decimetres: the comparison is not vacuous.
  EXPECT_GT((vertices[1] - vertices[0]).abs().max().item<double>(), 0.1);
}

TEST(BodyModelTorch, AVertexSubsetPosesLikeTheWholeModel) {
  // The fixture has pose correctives, so the subset's posedirs are checked too.
  const BodyModelTorch model(LoadBodyModel(Fixture("tiny_body_model.npz")));
  const NpzArchive expected = ReadNpz(Fixture("tiny_body_expected.npz"));
  const torch::Tensor betas = Float(expected.at("betas"));
  const torch::Tensor pose = Float(expected.at("pose"));
  const torch::Tensor transl = Float(expected.at("transl"));
  const BodyModelOutput full = model.Forward(betas, pose, transl);
  const torch::Tensor ids = torch::tensor(std::vector<int64_t>{7, 0, 59, 31}, torch::kInt64);
  const BodyModelOutput part =
      model.ForwardRotations(betas, AxisAngleToMatrixTorch(pose), transl, ids);
  EXPECT_LT((part.vertices - full.vertices.index_select(1, ids)).abs().max().item<double>(), 1e-6);
  EXPECT_LT((part.joints - full.joints).abs().max().item<double>(), 1e-6);
  EXPECT_ERROR_CONTAINS(model.ForwardRotations(betas, AxisAngleToMatrixTorch(pose), transl,
                                               torch::tensor(std::vector<int64_t>{60})),
                        {"vertex_ids"});
}

TEST(BodyModelTorch, ZeroPoseAndShapeGiveTheTemplate) {
  const BodyModelData data = LoadBodyModel(Fixture("tiny_body_model.npz"));
  const BodyModelTorch model(data);
  const BodyModelOutput out =
      model.Forward(torch::zeros({2, 4}), torch::zeros({2, 6, 3}), torch::zeros({2, 3}));
  const torch::Tensor templ = torch::tensor(data.v_template).view({60, 3});
  EXPECT_LT((out.vertices[0] - templ).abs().max().item<double>(), 1e-6);
  EXPECT_LT((out.vertices[1] - templ).abs().max().item<double>(), 1e-6);
}

TEST(BodyModelTorch, JointsAreTheRegressorOfTheShapedTemplate) {
  const BodyModelData data = LoadBodyModel(Fixture("tiny_body_model.npz"));
  const BodyModelTorch model(data);
  torch::manual_seed(1);
  const torch::Tensor betas = torch::randn({3, 4});
  const torch::Tensor transl = torch::randn({3, 3});
  const BodyModelOutput out = model.Forward(betas, torch::zeros({3, 6, 3}), transl);
  const torch::Tensor templ = torch::tensor(data.v_template).view({60, 3});
  const torch::Tensor shapedirs = torch::tensor(data.shapedirs).view({60, 3, 4});
  const torch::Tensor regressor = torch::tensor(data.j_regressor).view({6, 60});
  const torch::Tensor shaped = templ + torch::einsum("nb,vkb->nvk", {betas, shapedirs});
  // Zero pose: the vertices are the shaped template, the joints its regression.
  EXPECT_LT((out.vertices - shaped - transl.unsqueeze(1)).abs().max().item<double>(), 1e-5);
  const torch::Tensor joints =
      torch::einsum("jv,nvk->njk", {regressor, shaped}) + transl.unsqueeze(1);
  EXPECT_LT((out.joints - joints).abs().max().item<double>(), 1e-5);
  // Fewer betas than the model has: the missing ones are zero.
  const BodyModelOutput two = model.Forward(betas.narrow(1, 0, 2), torch::zeros({3, 6, 3}), transl);
  const torch::Tensor padded = torch::cat({betas.narrow(1, 0, 2), torch::zeros({3, 2})}, 1);
  const BodyModelOutput four = model.Forward(padded, torch::zeros({3, 6, 3}), transl);
  EXPECT_LT((two.vertices - four.vertices).abs().max().item<double>(), 1e-6);
}

TEST(BodyModelTorch, RotatingOneJointMovesOnlyItsSubtree) {
  // Without pose correctives (they move every vertex a little, by design).
  BodyModelData data = LoadBodyModel(Fixture("tiny_body_model.npz"));
  data.posedirs.clear();
  const BodyModelTorch model(data);
  // Joint 4's subtree is {4, 5} (parents -1, 0, 1, 0, 3, 4).
  torch::Tensor pose = torch::zeros({1, 6, 3});
  pose[0][4] = torch::tensor({0.3f, -0.8f, 0.5f});
  const BodyModelOutput rest =
      model.Forward(torch::zeros({1, 4}), torch::zeros({1, 6, 3}), torch::zeros({1, 3}));
  const BodyModelOutput posed = model.Forward(torch::zeros({1, 4}), pose, torch::zeros({1, 3}));
  const torch::Tensor moved = (posed.vertices[0] - rest.vertices[0]).norm(2, 1);  // [V]
  int64_t in_subtree = 0;
  for (int v = 0; v < 60; ++v) {
    const float w = data.weights[v * 6 + 4] + data.weights[v * 6 + 5];
    if (w == 0.0f) {
      EXPECT_LT(moved[v].item<float>(), 1e-6) << "vertex " << v << " has no weight on joints 4, 5";
    } else {
      ++in_subtree;
      EXPECT_GT(moved[v].item<float>(), 1e-4) << "vertex " << v << " has weight " << w;
    }
  }
  EXPECT_GT(in_subtree, 0);
  // Joints outside the subtree stay put, joint 5 moves (joint 4 is the pivot).
  const torch::Tensor joint_moves = (posed.joints[0] - rest.joints[0]).norm(2, 1);
  for (int k = 0; k <= 4; ++k) EXPECT_LT(joint_moves[k].item<float>(), 1e-6) << "joint " << k;
  EXPECT_GT(joint_moves[5].item<float>(), 1e-3);
}

TEST(BodyModelTorch, RodriguesMatchesGeometryAndHasFiniteGradientsAtZero) {
  torch::manual_seed(2);
  const torch::Tensor aa =
      torch::cat({torch::randn({5, 3}), torch::randn({3, 3}) * 1e-6, torch::zeros({1, 3})});
  const torch::Tensor r = AxisAngleToMatrixTorch(aa.to(torch::kFloat64));
  for (int i = 0; i < aa.size(0); ++i) {
    const Vector3<double> v(aa[i][0].item<double>(), aa[i][1].item<double>(),
                            aa[i][2].item<double>());
    const Matrix3<double> expected = AxisAngleToMatrix(v);
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) EXPECT_NEAR(r[i][a][b].item<double>(), expected(a, b), 1e-12);
    }
  }
  // d R / d aa at aa = 0 is the skew basis: finite, and d R01 / d z = -1.
  torch::Tensor zero = torch::zeros({3}, torch::requires_grad());
  AxisAngleToMatrixTorch(zero)[0][1].backward();
  EXPECT_TRUE(torch::isfinite(zero.grad()).all().item<bool>());
  EXPECT_NEAR(zero.grad()[2].item<double>(), -1.0, 1e-6);
}

TEST(BodyModelTorch, GradientsReachBetasPoseAndTranslation) {
  const BodyModelTorch model(LoadBodyModel(Fixture("tiny_body_model.npz")));
  torch::Tensor betas = torch::zeros({1, 4}, torch::requires_grad());
  torch::Tensor pose = torch::zeros({1, 6, 3}, torch::requires_grad());
  torch::Tensor transl = torch::zeros({1, 3}, torch::requires_grad());
  model.Forward(betas, pose, transl).vertices.pow(2).sum().backward();
  for (const torch::Tensor& t : {betas, pose, transl}) {
    EXPECT_TRUE(torch::isfinite(t.grad()).all().item<bool>());
    EXPECT_GT(t.grad().abs().sum().item<double>(), 0.0);
  }
}

TEST(BodyModelTorch, BadShapesAreErrors) {
  const BodyModelTorch model(LoadBodyModel(Fixture("tiny_body_model.npz")));
  EXPECT_ERROR_CONTAINS(
      model.Forward(torch::zeros({1, 4}), torch::zeros({1, 5, 3}), torch::zeros({1, 3})),
      {"tiny_body_model.npz", "pose must be [N, 6, 3]", "[1, 5, 3]"});
  EXPECT_ERROR_CONTAINS(
      model.Forward(torch::zeros({1, 7}), torch::zeros({1, 6, 3}), torch::zeros({1, 3})),
      {"betas", "B <= 4"});
  EXPECT_ERROR_CONTAINS(
      model.Forward(torch::zeros({1, 4}), torch::zeros({1, 6, 3}), torch::zeros({2, 3})),
      {"transl must be [1, 3]"});
  EXPECT_ERROR_CONTAINS(model.Smpl22Joints(torch::zeros({1, 6, 3})), {"6 joints", "smpl22"});
}

}  // namespace
}  // namespace intersynth
