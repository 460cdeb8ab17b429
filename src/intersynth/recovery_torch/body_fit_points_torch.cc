#include "intersynth/recovery_torch/body_fit_points_torch.h"

#include <vector>

#include "intersynth/body/smpl22.h"

namespace intersynth {

using torch::indexing::Slice;

torch::Tensor Rot6dToMatrixTorch(const torch::Tensor& d) {
  const torch::Tensor a1 = d.index({"...", Slice(0, 3)});
  const torch::Tensor a2 = d.index({"...", Slice(3, 6)});
  const torch::Tensor b1 = torch::nn::functional::normalize(
      a1, torch::nn::functional::NormalizeFuncOptions().dim(-1).eps(1e-8));
  const torch::Tensor b2 = torch::nn::functional::normalize(
      a2 - (b1 * a2).sum(-1, true) * b1,
      torch::nn::functional::NormalizeFuncOptions().dim(-1).eps(1e-8));
  const torch::Tensor b3 = torch::cross(b1, b2, -1);
  return torch::stack({b1, b2, b3}, -1);  // columns
}

torch::Tensor Matrix3dToTensor(const Eigen::Matrix3d& m) {
  std::vector<float> v(9);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) v[3 * i + j] = static_cast<float>(m(i, j));
  return torch::tensor(v).view({3, 3});
}

torch::Tensor CocoPointsFromSmpl22(const torch::Tensor& joints22, const torch::Tensor& face) {
  std::vector<torch::Tensor> coco(kCoco17NumKeypoints);
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    if (kCoco17FromSmpl22[k] >= 0) {
      coco[k] = joints22.select(1, kCoco17FromSmpl22[k]);
    } else if (face.defined()) {
      coco[k] = face.select(1, k);
    } else {
      coco[k] = joints22.select(1, kSmpl22Head);
    }
  }
  return torch::stack(coco, 1);
}

torch::Tensor ProjectPointsTorch(
    const torch::Tensor& points, double fx, double fy, double cx, double cy) {
  const torch::Tensor z = points.select(-1, 2).clamp_min(0.05);
  const torch::Tensor u = points.select(-1, 0) / z * fx + cx;
  const torch::Tensor v = points.select(-1, 1) / z * fy + cy;
  return torch::stack({u, v}, -1);
}

}  // namespace intersynth
