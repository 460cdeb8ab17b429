#pragma once
// The differentiable, batched linear-blend-skinning body model in LibTorch
// (SMPL, Loper et al. 2015, eq. 1-4; formulas in body_model.h):
//   M(beta, theta) = W(T + B_S(beta) + B_P(theta), J(beta), theta, weights).
// For fitting (recovery) and rendering. Includes Torch: for Torch targets
// only (the plain loader is body_model.h).
//
// Tensor layouts (float32 on the model's device):
//   betas   [N, B']      B' <= B (the first B' shape directions are used)
//   pose    [N, J, 3]    axis-angle per joint, SMPL's convention: pose[:, 0]
//                        is the global orientation about the root joint,
//                        pose[:, k] turns the bones that start at joint k
//   transl  [N, 3]       added to every vertex and joint
//   vertices [N, V, 3], joints [N, J, 3]: posed, in the same frame as transl.
// Gradients flow to betas, pose and transl (and nowhere else: the model's
// arrays are constants).

#include <torch/torch.h>

#include "intersynth/body/body_model.h"

namespace intersynth {

/// Rodrigues' formula, batched: axis-angle [..., 3] -> rotation matrices
/// [..., 3, 3]:  R = I + (sin t / t) K + ((1 - cos t) / t^2) K^2, K = [aa]x,
/// t = |aa|. Near t = 0 the two coefficients come from their Taylor series
/// (1 - t^2/6, 1/2 - t^2/24), so R and its gradient stay exact and finite
/// at aa = 0.
torch::Tensor AxisAngleToMatrixTorch(const torch::Tensor& axis_angle);

/// The posed body.
struct BodyModelOutput {
  torch::Tensor vertices;  ///< [N, V, 3]
  torch::Tensor joints;    ///< [N, J, 3]
};

/// A body model's arrays as tensors. Immutable; Forward allocates per call.
class BodyModelTorch {
 public:
  /// Copies `data` into float32 tensors on `device`.
  explicit BodyModelTorch(const BodyModelData& data, torch::Device device = torch::kCPU);

  /// Poses the model (see the file comment for the layouts). Throws Error
  /// for wrong shapes, more betas than the model has, or batch sizes that
  /// disagree.
  BodyModelOutput Forward(const torch::Tensor& betas,
                          const torch::Tensor& pose,
                          const torch::Tensor& transl) const;
  /// As Forward, with the local rotations given as matrices [N, J, 3, 3],
  /// and only the vertices `vertex_ids` (int64 [n], any order; undefined =
  /// all): vertices is then [N, n, 3]. The joints do not depend on which
  /// vertices are posed (J = J_regressor (T + S beta) is precomputed), so a
  /// fit that needs joints and a few surface points poses only those.
  /// `joint_offsets` [N or 1, J, 3], when defined, is added to the rest
  /// joints J(beta) (a fit's per-person skeleton adaptation); the skin
  /// follows the moved joints through the skinning transforms.
  BodyModelOutput ForwardRotations(const torch::Tensor& betas,
                                   const torch::Tensor& rotations,
                                   const torch::Tensor& transl,
                                   const torch::Tensor& vertex_ids = {},
                                   const torch::Tensor& joint_offsets = {}) const;
  /// Rest joints J(beta) [N, J, 3] of betas [N, B'].
  torch::Tensor RestJoints(const torch::Tensor& betas) const;

  /// The smpl22 joints [N, 22, 3] of joints [N, J, 3]. Throws Error when the
  /// model has no smpl22 map (fewer than 22 joints and no smpl22_joints key).
  torch::Tensor Smpl22Joints(const torch::Tensor& joints) const;

  int num_vertices() const { return num_vertices_; }
  int num_joints() const { return num_joints_; }
  int num_betas() const { return num_betas_; }
  const std::vector<int>& parents() const { return parents_; }
  /// [F, 3] int64.
  const torch::Tensor& faces() const { return faces_; }

 private:
  int num_vertices_ = 0;
  int num_joints_ = 0;
  int num_betas_ = 0;
  std::string source_;
  std::vector<int> parents_;
  torch::Tensor v_template_;   // [V, 3]
  torch::Tensor shapedirs_;    // [V, 3, B]
  torch::Tensor posedirs_;     // [9(J-1), 3V] or undefined
  torch::Tensor j_regressor_;  // [J, V]
  torch::Tensor j_template_;   // [J, 3] = J_regressor v_template
  torch::Tensor j_shapedirs_;  // [J, 3, B] = J_regressor shapedirs
  torch::Tensor weights_;      // [V, J]
  torch::Tensor faces_;        // [F, 3]
  torch::Tensor smpl22_;       // [22] int64 or undefined
};

}  // namespace intersynth
