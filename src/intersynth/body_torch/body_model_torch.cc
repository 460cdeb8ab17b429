#include "intersynth/body_torch/body_model_torch.h"

#include <fmt/format.h>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

/// A float32 tensor of `shape` holding a copy of `values`.
torch::Tensor FromVector(const std::vector<float>& values,
                         std::vector<int64_t> shape,
                         torch::Device device) {
  return torch::from_blob(const_cast<float*>(values.data()), shape, torch::kFloat32)
      .clone()
      .to(device);
}

std::string ShapeString(const torch::Tensor& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

}  // namespace

torch::Tensor AxisAngleToMatrixTorch(const torch::Tensor& axis_angle) {
  TORCH_CHECK(axis_angle.size(-1) == 3, "axis-angle must end in 3, got ", axis_angle.sizes());
  const torch::Tensor x = axis_angle.select(-1, 0), y = axis_angle.select(-1, 1),
                      z = axis_angle.select(-1, 2);
  const torch::Tensor zero = torch::zeros_like(x);
  // K = [aa]x, [..., 3, 3].
  std::vector<int64_t> shape = axis_angle.sizes().vec();
  shape.push_back(3);
  const torch::Tensor k = torch::stack({zero, -z, y, z, zero, -x, -y, x, zero}, -1).view(shape);
  // Coefficients a = sin t / t, b = (1 - cos t) / t^2, from t^2 (no sqrt at 0).
  const torch::Tensor t2 =
      (axis_angle * axis_angle).sum(-1, /*keepdim=*/true).unsqueeze(-1);  // [..., 1, 1]
  const torch::Tensor small = t2 < 1e-8;
  const torch::Tensor t2_safe = torch::where(small, torch::ones_like(t2), t2);
  const torch::Tensor t = torch::sqrt(t2_safe);
  const torch::Tensor a = torch::where(small, 1.0 - t2 / 6.0, torch::sin(t) / t);
  const torch::Tensor b = torch::where(small, 0.5 - t2 / 24.0, (1.0 - torch::cos(t)) / t2_safe);
  const torch::Tensor eye = torch::eye(3, axis_angle.options());
  return eye + a * k + b * torch::matmul(k, k);
}

BodyModelTorch::BodyModelTorch(const BodyModelData& data, torch::Device device)
    : num_vertices_(data.num_vertices),
      num_joints_(data.num_joints),
      num_betas_(data.num_betas),
      source_(data.source),
      parents_(data.parents) {
  const int64_t V = num_vertices_, J = num_joints_, B = num_betas_;
  v_template_ = FromVector(data.v_template, {V, 3}, device);
  shapedirs_ = FromVector(data.shapedirs, {V, 3, B}, device);
  if (data.has_pose_correctives())
    posedirs_ = FromVector(data.posedirs, {9 * (J - 1), 3 * V}, device);
  j_regressor_ = FromVector(data.j_regressor, {J, V}, device);
  weights_ = FromVector(data.weights, {V, J}, device);
  j_template_ = torch::matmul(j_regressor_, v_template_);
  j_shapedirs_ = torch::einsum("jv,vkb->jkb", {j_regressor_, shapedirs_});
  std::vector<int64_t> faces(data.faces.begin(), data.faces.end());
  faces_ = torch::tensor(faces, torch::kInt64).view({-1, 3}).to(device);
  if (!data.smpl22_joints.empty()) {
    std::vector<int64_t> map(data.smpl22_joints.begin(), data.smpl22_joints.end());
    smpl22_ = torch::tensor(map, torch::kInt64).to(device);
  }
}

BodyModelOutput BodyModelTorch::Forward(const torch::Tensor& betas,
                                        const torch::Tensor& pose,
                                        const torch::Tensor& transl) const {
  const int64_t J = num_joints_;
  if (pose.dim() != 3 || pose.size(1) != J || pose.size(2) != 3) {
    throw Error(fmt::format("{}: pose must be [N, {}, 3] (axis-angle per joint), got {}", source_,
                            J, ShapeString(pose)));
  }
  return ForwardRotations(betas, AxisAngleToMatrixTorch(pose), transl);
}

torch::Tensor BodyModelTorch::RestJoints(const torch::Tensor& betas) const {
  const int64_t b = betas.size(1);
  torch::Tensor joints = j_template_.unsqueeze(0).expand({betas.size(0), num_joints_, 3});
  if (b > 0) joints = joints + torch::einsum("nb,jkb->njk", {betas, j_shapedirs_.narrow(2, 0, b)});
  return joints;
}

BodyModelOutput BodyModelTorch::ForwardRotations(const torch::Tensor& betas,
                                                 const torch::Tensor& rotations,
                                                 const torch::Tensor& transl,
                                                 const torch::Tensor& vertex_ids,
                                                 const torch::Tensor& joint_offsets) const {
  const int64_t J = num_joints_;
  if (rotations.dim() != 4 || rotations.size(1) != J || rotations.size(2) != 3 ||
      rotations.size(3) != 3) {
    throw Error(fmt::format("{}: rotations must be [N, {}, 3, 3], got {}", source_, J,
                            ShapeString(rotations)));
  }
  const int64_t N = rotations.size(0);
  if (betas.dim() != 2 || betas.size(0) != N || betas.size(1) > num_betas_) {
    throw Error(fmt::format("{}: betas must be [{}, B] with B <= {}, got {}", source_, N,
                            num_betas_, ShapeString(betas)));
  }
  if (transl.dim() != 2 || transl.size(0) != N || transl.size(1) != 3) {
    throw Error(fmt::format("{}: transl must be [{}, 3], got {}", source_, N, ShapeString(transl)));
  }
  // The posed vertices: all, or a subset.
  torch::Tensor v_template = v_template_, shapedirs = shapedirs_, weights = weights_;
  torch::Tensor posedirs = posedirs_;
  if (vertex_ids.defined()) {
    if (vertex_ids.dim() != 1 || vertex_ids.scalar_type() != torch::kInt64 ||
        (vertex_ids.numel() > 0 && (vertex_ids.min().item<int64_t>() < 0 ||
                                    vertex_ids.max().item<int64_t>() >= num_vertices_))) {
      throw Error(
          fmt::format("{}: vertex_ids must be int64 [n] within [0, {})", source_, num_vertices_));
    }
    const torch::Tensor ids = vertex_ids.to(v_template_.device());
    v_template = v_template_.index_select(0, ids);
    shapedirs = shapedirs_.index_select(0, ids);
    weights = weights_.index_select(0, ids);
    if (posedirs_.defined()) {
      posedirs = posedirs_.view({posedirs_.size(0), num_vertices_, 3})
                     .index_select(1, ids)
                     .reshape({posedirs_.size(0), -1});
    }
  }
  const int64_t V = v_template.size(0);

  // Shape: v_shaped = T + S beta; the rest joints J = J_regressor (T + S beta).
  const int64_t b = betas.size(1);
  torch::Tensor v_shaped = v_template.unsqueeze(0).expand({N, V, 3});
  if (b > 0) v_shaped = v_shaped + torch::einsum("nb,vkb->nvk", {betas, shapedirs.narrow(2, 0, b)});
  torch::Tensor rest_joints = RestJoints(betas);  // [N, J, 3]
  if (joint_offsets.defined()) {
    if (joint_offsets.dim() != 3 || (joint_offsets.size(0) != N && joint_offsets.size(0) != 1) ||
        joint_offsets.size(1) != J || joint_offsets.size(2) != 3) {
      throw Error(fmt::format("{}: joint_offsets must be [{} or 1, {}, 3], got {}", source_, N, J,
                              ShapeString(joint_offsets)));
    }
    rest_joints = rest_joints + joint_offsets;
  }

  // Pose correctives P vec(R_k - I), k >= 1.
  torch::Tensor v_posed = v_shaped;
  if (posedirs.defined() && J > 1) {
    const torch::Tensor feature =
        (rotations.narrow(1, 1, J - 1) - torch::eye(3, rotations.options()))
            .reshape({N, 9 * (J - 1)});
    v_posed = v_posed + torch::matmul(feature, posedirs).view({N, V, 3});
  }

  // The chain: G_0 = [R_0 | J_0], G_k = G_parent [R_k | J_k - J_parent].
  std::vector<torch::Tensor> world_rotation(J), world_translation(J);
  for (int64_t k = 0; k < J; ++k) {
    const torch::Tensor r = rotations.select(1, k);    // [N, 3, 3]
    const torch::Tensor j = rest_joints.select(1, k);  // [N, 3]
    const int p = parents_[k];
    if (p < 0) {
      world_rotation[k] = r;
      world_translation[k] = j;
    } else {
      const torch::Tensor offset = (j - rest_joints.select(1, p)).unsqueeze(-1);  // [N, 3, 1]
      world_rotation[k] = torch::matmul(world_rotation[p], r);
      world_translation[k] =
          torch::matmul(world_rotation[p], offset).squeeze(-1) + world_translation[p];
    }
  }
  const torch::Tensor g_rotation = torch::stack(world_rotation, 1);        // [N, J, 3, 3]
  const torch::Tensor g_translation = torch::stack(world_translation, 1);  // [N, J, 3]

  // Skinning: A_k = G_k [I | -J_k], blended per vertex by the weights.
  const torch::Tensor a_translation =
      g_translation -
      torch::matmul(g_rotation, rest_joints.unsqueeze(-1)).squeeze(-1);  // [N, J, 3]
  const torch::Tensor blend_rotation =
      torch::einsum("vj,njab->nvab", {weights, g_rotation});  // [N, V, 3, 3]
  const torch::Tensor blend_translation = torch::einsum("vj,nja->nva", {weights, a_translation});
  const torch::Tensor offset = transl.unsqueeze(1);
  BodyModelOutput out;
  out.vertices =
      torch::matmul(blend_rotation, v_posed.unsqueeze(-1)).squeeze(-1) + blend_translation + offset;
  out.joints = g_translation + offset;
  return out;
}

torch::Tensor BodyModelTorch::Smpl22Joints(const torch::Tensor& joints) const {
  if (!smpl22_.defined()) {
    throw Error(
        fmt::format("{}: the model has {} joints and no smpl22_joints map", source_, num_joints_));
  }
  return joints.index_select(1, smpl22_);
}

}  // namespace intersynth
