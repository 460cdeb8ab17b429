#include "intersynth/geometry/rigid_transform.h"

#include <fmt/format.h>

#include <Eigen/SVD>
#include <string>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// "context: " or "" so that messages read well with and without a context.
std::string Prefix(std::string_view context) {
  return context.empty() ? std::string() : fmt::format("{}: ", context);
}

}  // namespace

template <typename T>
RigidTransform<T> RigidTransform<T>::FromMatrix4(const Matrix4<T>& matrix,
                                                 std::string_view context,
                                                 T tolerance) {
  // NaN or infinity would slip through every comparison below.
  if (!matrix.allFinite()) {
    throw Error(fmt::format("{}expected a finite 4x4 rigid transform, found NaN or infinity",
                            Prefix(context)));
  }

  // Homogeneous bottom row.
  const Eigen::Matrix<T, 1, 4> bottom = matrix.template bottomRows<1>();
  const Eigen::Matrix<T, 1, 4> expected_bottom(T(0), T(0), T(0), T(1));
  const T bottom_error = (bottom - expected_bottom).cwiseAbs().maxCoeff();
  if (bottom_error > tolerance) {
    throw Error(
        fmt::format("{}expected the bottom row of a rigid transform to be 0 0 0 1, got "
                    "{} {} {} {}",
                    Prefix(context), bottom[0], bottom[1], bottom[2], bottom[3]));
  }

  // Orthonormal rotation block, not a reflection.
  const Matrix3<T> r = matrix.template topLeftCorner<3, 3>();
  const T orthonormality_error = (r.transpose() * r - Matrix3<T>::Identity()).cwiseAbs().maxCoeff();
  if (orthonormality_error > tolerance) {
    throw Error(
        fmt::format("{}expected an orthonormal 3x3 rotation block (max |R^T R - I| <= {}),"
                    " got max |R^T R - I| = {}",
                    Prefix(context), tolerance, orthonormality_error));
  }
  const T det = r.determinant();
  if (!(det > T(0))) {
    throw Error(
        fmt::format("{}expected a rotation (det +1) in the rigid transform, got det = {} "
                    "(a reflection)",
                    Prefix(context), det));
  }

  // Snap R to the nearest rotation, R = U V^T (det stays +1 since R is
  // within tolerance of a rotation), so Inverse() = transpose is exact.
  const Eigen::JacobiSVD<Matrix3<T>> svd(r, Eigen::ComputeFullU | Eigen::ComputeFullV);
  RigidTransform<T> result;
  result.rotation = svd.matrixU() * svd.matrixV().transpose();
  result.translation = matrix.template topRightCorner<3, 1>();
  return result;
}

template <typename T>
void RigidTransform<T>::TransformPoints(const T* points_in_a, int64_t n, T* points_in_b) const {
  INTERSYNTH_CHECK(n >= 0) << "negative point count " << n;
  for (int64_t i = 0; i < n; ++i) {
    // Copy first: points_in_b may alias points_in_a.
    const Vector3<T> x = Eigen::Map<const Vector3<T>>(points_in_a + 3 * i);
    Eigen::Map<Vector3<T>>(points_in_b + 3 * i) = rotation * x + translation;
  }
}

template struct RigidTransform<float>;
template struct RigidTransform<double>;

}  // namespace intersynth
