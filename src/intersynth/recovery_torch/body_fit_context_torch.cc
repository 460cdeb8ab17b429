#include "intersynth/recovery_torch/body_fit_context_torch.h"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "intersynth/body/smpl_pose.h"
#include "intersynth/recovery_torch/body_fit_points_torch.h"
#include "intersynth/util/error.h"

namespace intersynth::body_fit {

/// The fitted smpl22 joints: the prior's 16 and the head.
std::vector<int> FreeJoints() {
  std::vector<int> joints(kPosePriorJoints.begin(), kPosePriorJoints.end());
  joints.push_back(kSmpl22Head);
  return joints;
}

/// Model local rotations [N, J, 3, 3] from the prior-convention variables.
torch::Tensor ModelRotations(const Context& c,
                             const torch::Tensor& root6d,
                             const torch::Tensor& x) {
  const int64_t N = root6d.size(0);
  const torch::Tensor identity = torch::eye(3).expand({N, 3, 3});
  std::vector<torch::Tensor> local(c.num_joints, identity);
  const torch::Tensor prior_root = Rot6dToMatrixTorch(root6d);
  local[c.smpl22[0]] = torch::matmul(prior_root, c.rest[0].transpose(0, 1));
  const std::vector<int> free = FreeJoints();
  const torch::Tensor rot = AxisAngleToMatrixTorch(x);  // [N, 17, 3, 3]
  for (size_t i = 0; i < free.size(); ++i) {
    const int k = free[i];
    const int p = kSmpl22Parents[k];
    local[c.smpl22[k]] =
        torch::matmul(torch::matmul(c.rest[p], rot.select(1, static_cast<int64_t>(i))),
                      c.rest[k].transpose(0, 1));
  }
  return torch::stack(local, 1);
}

// Metres added to each model joint's rest position [J, 3] by bone-length
// changes `offsets` [kNumBoneLengths]: a joint moves by the changes of all
// bones above it.
torch::Tensor JointOffsetsFromBones(const Context& c, const torch::Tensor& offsets) {
  const torch::Tensor bones = torch::matmul(c.bone_tie, offsets).unsqueeze(1) * c.bone_direction;
  return torch::matmul(c.bone_paths, bones);
}

// The posed model's points; `offsets` (bone-length changes) may be undefined.
Points Pose(const Context& c,
            const torch::Tensor& betas,
            const torch::Tensor& root6d,
            const torch::Tensor& x,
            const torch::Tensor& transl,
            const torch::Tensor& offsets) {
  const torch::Tensor joint_offsets =
      offsets.defined() ? JointOffsetsFromBones(c, offsets).unsqueeze(0) : torch::Tensor();
  const BodyModelOutput out = c.model->ForwardRotations(betas, ModelRotations(c, root6d, x), transl,
                                                        c.vertex_ids, joint_offsets);
  Points p;
  p.joints22 = out.joints.index_select(1, c.smpl22_index);
  p.coco = CocoPointsFromSmpl22(p.joints22,
                                c.num_face == 5 ? out.vertices.narrow(1, 0, 5) : torch::Tensor());
  p.sole = out.vertices.narrow(1, c.num_face, c.num_sole);
  return p;
}

/// SMPLify's max-mixture energy per frame [N] of x [N, 17, 3] (the first 16).
torch::Tensor PriorTerm(const Context& c, const torch::Tensor& x) {
  const int64_t N = x.size(0);
  const torch::Tensor v = x.narrow(1, 0, 16).reshape({N, 1, -1}) - c.prior_means.unsqueeze(0);
  const torch::Tensor w = torch::einsum("kde,nke->nkd", {c.prior_inverse, v});
  const torch::Tensor energy = 0.5 * w.pow(2).sum(-1) + c.prior_const.unsqueeze(0);  // [N, K]
  return std::get<0>(energy.min(1));
}

/// Sole points of the mean body: per foot, the lowest vertices' heel and toe.
std::vector<int64_t> SolePoints(const BodyModelData& data) {
  std::vector<int64_t> out;
  const int J = data.num_joints;
  for (const auto& [foot, toe] : {std::pair{7, 10}, std::pair{8, 11}}) {
    const int a = data.smpl22_joints[foot], b = data.smpl22_joints[toe];
    std::vector<int> vertices;
    float lowest = 1e30f;
    for (int v = 0; v < data.num_vertices; ++v) {
      const float w = data.weights[static_cast<size_t>(v) * J + a] +
                      data.weights[static_cast<size_t>(v) * J + b];
      if (w > 0.5f) {
        vertices.push_back(v);
        lowest = std::min(lowest, data.v_template[3 * v + 1]);
      }
    }
    if (vertices.empty()) continue;
    int heel = -1, tip = -1;
    for (int v : vertices) {
      if (data.v_template[3 * v + 1] > lowest + 0.015f) continue;
      if (heel < 0 || data.v_template[3 * v + 2] < data.v_template[3 * heel + 2]) heel = v;
      if (tip < 0 || data.v_template[3 * v + 2] > data.v_template[3 * tip + 2]) tip = v;
    }
    out.push_back(heel);
    out.push_back(tip);
  }
  return out;
}

Context MakeContext(const BodyModelData& data,
                    const BodyModelTorch& model,
                    const PosePrior& prior,
                    const PinholeCamera& camera,
                    const RigidTransformd& camera_from_world,
                    const std::optional<Plane>& floor) {
  if (data.smpl22_joints.size() != static_cast<size_t>(kSmpl22NumJoints))
    throw Error(fmt::format("{}: the body model has no smpl22 map", data.source));
  Context c;
  c.model = &model;
  c.num_joints = data.num_joints;
  c.smpl22 = data.smpl22_joints;
  c.smpl22_index = torch::tensor(std::vector<int64_t>(c.smpl22.begin(), c.smpl22.end()));
  // A_k: world rotations that carry the prior's rest skeleton onto the model's.
  const torch::Tensor rest_joints =
      model.RestJoints(torch::zeros({1, 0})).index_select(1, c.smpl22_index)[0].contiguous();
  std::vector<float> joints(rest_joints.data_ptr<float>(), rest_joints.data_ptr<float>() + 66);
  for (int k = 0; k < kSmpl22NumJoints; ++k)
    c.rest_joints[k] = Eigen::Vector3d(joints[3 * k], joints[3 * k + 1], joints[3 * k + 2]);
  const auto local = SmplLocalRotationsFromJoints(joints.data(), prior.rest_joints);
  std::array<Eigen::Matrix3d, kSmpl22NumJoints> world;
  std::vector<torch::Tensor> rest(kSmpl22NumJoints);
  for (int k = 0; k < kSmpl22NumJoints; ++k) {
    const int p = kSmpl22Parents[k];
    world[k] = p < 0 ? local[k] : Eigen::Matrix3d(world[p] * local[k]);
    rest[k] = Matrix3dToTensor(world[k]);
  }
  c.rest = torch::stack(rest, 0);
  // Skeleton adaptation matrices (see Context).
  {
    std::vector<float> tie(kSmpl22NumJoints * kNumBoneLengths, 0.0f), direction(66, 0.0f);
    for (int k = 1; k < kSmpl22NumJoints; ++k) {
      tie[k * kNumBoneLengths + kBoneLengthOf[k]] = 1.0f;
      Eigen::Vector3d d;
      for (int i = 0; i < 3; ++i) d[i] = joints[3 * k + i] - joints[3 * kSmpl22Parents[k] + i];
      if (d.norm() > 1e-6) d.normalize();
      for (int i = 0; i < 3; ++i) direction[3 * k + i] = static_cast<float>(d[i]);
    }
    std::vector<int> smpl22_of(data.num_joints, -1);
    for (int k = 0; k < kSmpl22NumJoints; ++k) smpl22_of[data.smpl22_joints[k]] = k;
    std::vector<float> paths(static_cast<size_t>(data.num_joints) * kSmpl22NumJoints, 0.0f);
    for (int m = 0; m < data.num_joints; ++m) {
      int a = m;
      while (a >= 0 && smpl22_of[a] < 0) a = data.parents[a];
      for (int k = a >= 0 ? smpl22_of[a] : -1; k > 0; k = kSmpl22Parents[k])
        paths[static_cast<size_t>(m) * kSmpl22NumJoints + k] = 1.0f;
    }
    c.bone_tie = torch::tensor(tie).view({kSmpl22NumJoints, kNumBoneLengths});
    c.bone_direction = torch::tensor(direction).view({kSmpl22NumJoints, 3});
    c.bone_paths = torch::tensor(paths).view({data.num_joints, kSmpl22NumJoints});
  }
  std::vector<int64_t> ids;
  if (data.coco17_face_vertices.size() == 5) {
    ids.assign(data.coco17_face_vertices.begin(), data.coco17_face_vertices.end());
    c.num_face = 5;
  }
  const std::vector<int64_t> sole = SolePoints(data);
  ids.insert(ids.end(), sole.begin(), sole.end());
  c.num_sole = static_cast<int>(sole.size());
  c.vertex_ids = torch::tensor(ids, torch::kInt64);
  c.cam_r = Matrix3dToTensor(camera_from_world.rotation);
  c.cam_t =
      torch::tensor(std::vector<float>{static_cast<float>(camera_from_world.translation.x()),
                                       static_cast<float>(camera_from_world.translation.y()),
                                       static_cast<float>(camera_from_world.translation.z())});
  c.fx = camera.fx, c.fy = camera.fy, c.cx = camera.cx, c.cy = camera.cy;
  if (floor) {
    c.floor_normal = torch::tensor(std::vector<float>{static_cast<float>(floor->normal.x()),
                                                      static_cast<float>(floor->normal.y()),
                                                      static_cast<float>(floor->normal.z())});
    c.floor_offset = floor->offset;
  }

  const GaussianMixture& m = prior.mixture;
  const int K = m.components(), D = m.dimension();
  if (D != 48)
    throw Error(fmt::format("the pose prior has {} dimensions, expected 48 (16 joints)", D));
  std::vector<float> means, inverse, constant;
  for (int k = 0; k < K; ++k) {
    const Eigen::LLT<Eigen::MatrixXd> llt(m.covariances()[k]);
    const Eigen::MatrixXd l = llt.matrixL();
    const Eigen::MatrixXd li = l.inverse();
    for (int i = 0; i < D; ++i) {
      means.push_back(static_cast<float>(m.means()[k][i]));
      for (int j = 0; j < D; ++j) inverse.push_back(static_cast<float>(li(i, j)));
    }
    double log_det = 0.0;
    for (int i = 0; i < D; ++i) log_det += 2.0 * std::log(l(i, i));
    constant.push_back(static_cast<float>(-std::log(m.weights()[k]) + 0.5 * log_det +
                                          0.5 * D * std::log(2.0 * M_PI)));
  }
  c.prior_means = torch::tensor(means).view({K, D});
  c.prior_inverse = torch::tensor(inverse).view({K, D, D});
  c.prior_const = torch::tensor(constant);
  // Fits start from the prior's most likely component (as SMPLify starts from
  // the mean pose), not from the T pose whose arms are out.
  const int heaviest = static_cast<int>(std::max_element(m.weights().begin(), m.weights().end()) -
                                        m.weights().begin());
  c.mean_pose = torch::cat({c.prior_means[heaviest].view({16, 3}), torch::zeros({1, 3})}, 0);
  return c;
}

}  // namespace intersynth::body_fit
