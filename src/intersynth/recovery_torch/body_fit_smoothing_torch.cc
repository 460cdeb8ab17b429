#include "intersynth/recovery_torch/body_fit_smoothing_torch.h"

#include <fmt/format.h>

#include <Eigen/Core>

#include "intersynth/geometry/rotation.h"
#include "intersynth/recovery/whittaker_smooth.h"
#include "intersynth/recovery_torch/body_fit_points_torch.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// The fit's joint offsets as ForwardRotations takes them ([1, J, 3]), or
// undefined when the fit has none.
torch::Tensor JointOffsets(const BodyFit& fit, int num_joints) {
  if (fit.joint_offsets.empty()) return {};
  return torch::tensor(fit.joint_offsets).view({1, num_joints, 3});
}

}  // namespace

std::vector<float> BodyFitVertices(const BodyFit& fit, const BodyModelTorch& model, int f) {
  const int J = model.num_joints(), B = fit.num_betas;
  if (f < 0 || f >= fit.num_frames)
    throw Error(fmt::format("BodyFitVertices: frame {} of a {}-frame fit", f, fit.num_frames));
  torch::NoGradGuard guard;
  const size_t at = static_cast<size_t>(f);
  const torch::Tensor betas = torch::tensor(std::vector<float>(fit.betas.begin() + at * B,
                                                               fit.betas.begin() + (at + 1) * B))
                                  .view({1, B});
  const torch::Tensor pose = torch::tensor(std::vector<float>(fit.pose.begin() + at * J * 3,
                                                              fit.pose.begin() + (at + 1) * J * 3))
                                 .view({1, J, 3});
  const torch::Tensor transl = torch::tensor(std::vector<float>(fit.transl.begin() + at * 3,
                                                                fit.transl.begin() + at * 3 + 3))
                                   .view({1, 3});
  const BodyModelOutput out = model.ForwardRotations(betas, AxisAngleToMatrixTorch(pose), transl,
                                                     torch::Tensor(), JointOffsets(fit, J));
  const torch::Tensor v = out.vertices[0].contiguous();
  return std::vector<float>(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
}

BodyFit SmoothBodyFit(const BodyFit& fit,
                      const BodyModelData& model_data,
                      const BodyModelTorch& model,
                      const PinholeCamera& camera,
                      const RigidTransformd& camera_from_world,
                      double lambda) {
  const int F = fit.num_frames, J = model.num_joints(), B = fit.num_betas;
  const int D = J * 6 + 3 + B;
  Eigen::MatrixXd y(F, D);
  for (int t = 0; t < F; ++t) {
    for (int j = 0; j < J; ++j) {
      const size_t at = (static_cast<size_t>(t) * J + j) * 3;
      const Vector3<double> aa(fit.pose[at], fit.pose[at + 1], fit.pose[at + 2]);
      y.block<1, 6>(t, 6 * j) = AxisAngleToRotation6d(aa).transpose();
    }
    for (int i = 0; i < 3; ++i) y(t, 6 * J + i) = fit.transl[3 * t + i];
    for (int i = 0; i < B; ++i) y(t, 6 * J + 3 + i) = fit.betas[static_cast<size_t>(t) * B + i];
  }
  const Eigen::MatrixXd s = WhittakerSmooth(y, lambda);
  BodyFit out = fit;
  std::vector<float> rotations(static_cast<size_t>(F) * J * 9);
  for (int t = 0; t < F; ++t) {
    for (int j = 0; j < J; ++j) {
      const Rotation6d<double> d6 = s.block<1, 6>(t, 6 * j).transpose();
      const Matrix3<double> r = Rotation6dToMatrix(d6);
      const Vector3<double> aa = MatrixToAxisAngle(r);
      const size_t at = (static_cast<size_t>(t) * J + j) * 3;
      for (int i = 0; i < 3; ++i) out.pose[at + i] = static_cast<float>(aa[i]);
      for (int a = 0; a < 3; ++a)
        for (int b2 = 0; b2 < 3; ++b2)
          rotations[(static_cast<size_t>(t) * J + j) * 9 + 3 * a + b2] =
              static_cast<float>(r(a, b2));
    }
    for (int i = 0; i < 3; ++i) out.transl[3 * t + i] = static_cast<float>(s(t, 6 * J + i));
    for (int i = 0; i < B; ++i)
      out.betas[static_cast<size_t>(t) * B + i] = static_cast<float>(s(t, 6 * J + 3 + i));
  }
  torch::NoGradGuard guard;
  std::vector<int64_t> face_ids;
  if (model_data.coco17_face_vertices.size() == 5)
    face_ids.assign(model_data.coco17_face_vertices.begin(), model_data.coco17_face_vertices.end());
  const BodyModelOutput posed = model.ForwardRotations(
      torch::tensor(out.betas).view({F, B}), torch::tensor(rotations).view({F, J, 3, 3}),
      torch::tensor(out.transl).view({F, 3}), torch::tensor(face_ids, torch::kInt64),
      JointOffsets(fit, J));
  const torch::Tensor r = Matrix3dToTensor(camera_from_world.rotation);
  const torch::Tensor t =
      torch::tensor(std::vector<float>{static_cast<float>(camera_from_world.translation.x()),
                                       static_cast<float>(camera_from_world.translation.y()),
                                       static_cast<float>(camera_from_world.translation.z())});
  const torch::Tensor joints22 = model.Smpl22Joints(posed.joints);
  const torch::Tensor world = torch::matmul(joints22 - t, r).contiguous();
  out.joints_world.assign(world.data_ptr<float>(), world.data_ptr<float>() + world.numel());
  const torch::Tensor projected =
      ProjectPointsTorch(
          CocoPointsFromSmpl22(joints22, face_ids.empty() ? torch::Tensor() : posed.vertices),
          camera.fx, camera.fy, camera.cx, camera.cy)
          .contiguous();
  out.keypoints_fitted.assign(projected.data_ptr<float>(),
                              projected.data_ptr<float>() + projected.numel());
  return out;
}

}  // namespace intersynth
