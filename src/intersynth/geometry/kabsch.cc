#include "intersynth/geometry/kabsch.h"

#include <Eigen/LU>
#include <Eigen/SVD>

#include "intersynth/util/error.h"

namespace intersynth {

Eigen::Matrix3d KabschRotation(const std::vector<Eigen::Vector3d>& a,
                               const std::vector<Eigen::Vector3d>& b) {
  INTERSYNTH_CHECK(a.size() == b.size())
      << "Kabsch: " << a.size() << " vs " << b.size() << " vectors";
  Eigen::Matrix3d h = Eigen::Matrix3d::Zero();
  for (size_t i = 0; i < a.size(); ++i) h += a[i] * b[i].transpose();
  if (!(h.norm() > 0.0)) return Eigen::Matrix3d::Identity();
  const Eigen::JacobiSVD<Eigen::Matrix3d> svd(h, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::Matrix3d& u = svd.matrixU();
  const Eigen::Matrix3d& v = svd.matrixV();
  Eigen::Matrix3d s = Eigen::Matrix3d::Identity();
  s(2, 2) = (v * u.transpose()).determinant() < 0.0 ? -1.0 : 1.0;
  return v * s * u.transpose();
}

}  // namespace intersynth
