#pragma once
// The rotation that best aligns one set of vectors with another (Wahba's
// problem; Kabsch 1976):
//   R = argmin_{R in SO(3)} sum_i |R a_i - b_i|^2,
//   H = sum_i a_i b_i^T = U S V^T,  R = V diag(1, 1, s) U^T,  s = sign(det(V U^T))
// (s = -1 turns a reflection into the nearest rotation). Identity when
// H = 0 (no vectors, or all zero).

#include <Eigen/Core>
#include <vector>

namespace intersynth {

/// argmin_R sum |R a_i - b_i|^2 over rotations; a and b have the same size (checked).
Eigen::Matrix3d KabschRotation(const std::vector<Eigen::Vector3d>& a,
                               const std::vector<Eigen::Vector3d>& b);

}  // namespace intersynth
