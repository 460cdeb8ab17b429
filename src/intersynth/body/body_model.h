#pragma once
// A linear-blend-skinning body model in SMPL's file layout (Loper et al.,
// "SMPL: A Skinned Multi-Person Linear Model", SIGGRAPH Asia 2015): the arrays
// of a user's SMPL / SMPL+H / SMPL-X `.npz` (SMPL's licence forbids shipping
// them) or of the bundled open body model, checked and held read-only.
//
// Keys of the .npz (float32 or float64; integer arrays int32, int64 or uint32):
//   v_template    [V, 3]          rest-pose vertices T (metres)
//   shapedirs     [V, 3, B]       shape blend shapes S (B >= 0 betas)
//   posedirs      [V, 3, 9(J-1)]  pose-corrective blend shapes P, or absent /
//                                 with 0 columns (no correctives: the open
//                                 model); also accepted as [9(J-1), 3V], the
//                                 layout smplx uses in memory
//   J_regressor   [J, V]          dense joint regressor
//   weights       [V, J]          skinning weights, rows summing to 1
//   kintree_table [2, J]          row 0 = parents (the root's is -1 or any
//                                 value >= J, as SMPL's uint32 4294967295);
//                                 parents come before their children
//   f             [F, 3]          triangles (vertex indices)
//   smpl22_joints [22]            optional: the model joint of each smpl22
//                                 joint; by default joints 0..21 (SMPL order,
//                                 true for SMPL, SMPL+H and SMPL-X)
//   coco17_face_vertices [5]      optional: the vertices of COCO-17's nose,
//                                 left eye, right eye, left ear, right ear
//   joint_names   [J]             optional unicode: the model's joint names
//
// The model itself (body_model_torch.h):
//   v_shaped = T + S beta,              J = J_regressor v_shaped,
//   v_posed  = v_shaped + P vec(R_1 - I, ..., R_{J-1} - I),
//   G_0 = [R_0 | J_0],  G_k = G_parent(k) [R_k | J_k - J_parent(k)],
//   v = sum_k w_vk (G_k [I | -J_k]) [v_posed; 1] + transl,
// with R_k the rotation of joint k's pose parameter (axis-angle, SMPL's
// convention: it turns the bones that START at joint k; R_0 is the global
// orientation about J_0).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace intersynth {

/// The arrays of a body model (see the file comment), float32, row-major.
/// Immutable once loaded; share it by const reference.
struct BodyModelData {
  int num_vertices = 0;  ///< V
  int num_joints = 0;    ///< J
  int num_betas = 0;     ///< B
  /// [V, 3]
  std::vector<float> v_template;
  /// [V, 3, B]
  std::vector<float> shapedirs;
  /// [9(J-1), 3V] (smplx's in-memory layout), or empty: no pose correctives.
  std::vector<float> posedirs;
  /// [J, V]
  std::vector<float> j_regressor;
  /// [V, J]
  std::vector<float> weights;
  /// [J]; parents[0] = -1, parents[k] < k.
  std::vector<int> parents;
  /// [F, 3]
  std::vector<int32_t> faces;
  /// [22]: the model joint of each smpl22 joint; empty for a model of fewer
  /// than 22 joints without the key (it cannot give smpl22 joints).
  std::vector<int> smpl22_joints;
  /// [5] or empty: the vertices of COCO-17's five face points (nose, left
  /// eye, right eye, left ear, right ear).
  std::vector<int> coco17_face_vertices;
  /// [J] or empty.
  std::vector<std::string> joint_names;
  /// Where it was loaded from (for messages).
  std::string source;

  bool has_pose_correctives() const { return !posedirs.empty(); }
};

/// Loads and checks a body model .npz (see the file comment). Throws Error
/// naming the file and the key that is missing, of the wrong type or shape,
/// non-finite, or inconsistent (a parent after its child, a face index out
/// of range, skinning weights whose rows do not sum to 1 within 1e-3).
BodyModelData LoadBodyModel(const std::filesystem::path& path);

/// Writes `model` as a body model .npz (SMPL's layout; posedirs [V, 3, P],
/// or [V, 3, 0] without correctives), atomically. Throws Error on write
/// failure or inconsistent sizes.
void SaveBodyModel(const std::filesystem::path& path, const BodyModelData& model);

}  // namespace intersynth
