#pragma once
// Test-only helpers shared by the geometry tests (header-only; never part of
// the library): tolerances, comparisons of rotations in every form, seeded
// random rotations, and the edge-case axes and angles that every conversion
// is checked at.
//
// The random helpers draw from the caller's Rng in a fixed order, so a test
// with a fixed seed sees the same rotations on every run.

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <type_traits>
#include <vector>

#include "intersynth/geometry/rotation.h"
#include "intersynth/util/random.h"

namespace intersynth::testing {

/// pi, in double.
inline constexpr double kPi = EIGEN_PI;

/// The scalar types every typed geometry test runs with.
using FloatAndDouble = ::testing::Types<float, double>;

/// Tolerance for quantities of size ~1 (matrix entries, unit vectors,
/// angles) after a few conversions: 1e-12 in double; `float_tolerance` in
/// float (2e-5, about 170 float eps, unless a test chains more products).
template <typename T>
T Tol(float float_tolerance = 2e-5f) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  if constexpr (std::is_same_v<T, float>) {
    return float_tolerance;
  } else {
    return 1e-12;
  }
}

/// max_i |a_i - b_i| over two same-shaped matrices or vectors.
template <typename A, typename B>
typename A::Scalar MaxAbsDiff(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  return (a - b).cwiseAbs().maxCoeff();
}

/// Expects a rotation: finite, max |R^T R - I| <= tol and |det R - 1| <= tol.
template <typename T>
void ExpectRotation(const Matrix3<T>& r, T tol) {
  ASSERT_TRUE(r.allFinite()) << r;
  EXPECT_LE((r.transpose() * r - Matrix3<T>::Identity()).cwiseAbs().maxCoeff(), tol) << r;
  EXPECT_NEAR(r.determinant(), T(1), tol) << r;
}

/// Expects two quaternions of the same rotation: got = +-want within tol.
template <typename T>
void ExpectSameQuaternion(const Quaternion<T>& got, const Quaternion<T>& want, T tol) {
  EXPECT_LE(std::min(MaxAbsDiff(got, want), MaxAbsDiff(got, Quaternion<T>(-want))), tol)
      << "got " << got.transpose() << " want +-" << want.transpose();
}

/// A uniformly random direction (three normal draws, normalised in double).
template <typename T>
Vector3<T> RandomUnitVector(Rng& rng) {
  Vector3<double> v;
  do {
    v = Vector3<double>(rng.Normal(), rng.Normal(), rng.Normal());
  } while (v.norm() < 1e-3);
  return v.normalized().cast<T>();
}

/// A uniformly random rotation as a unit quaternion with w >= 0 (four
/// normal draws, normalised in double).
template <typename T>
Quaternion<T> RandomQuaternion(Rng& rng) {
  Quaternion<double> q(rng.Normal(), rng.Normal(), rng.Normal(), rng.Normal());
  q.normalize();
  if (q[0] < 0) q = -q;
  return q.cast<T>();
}

/// A uniformly random rotation matrix: QuaternionToMatrix(RandomQuaternion).
template <typename T>
Matrix3<T> RandomRotation(Rng& rng) {
  return QuaternionToMatrix(RandomQuaternion<T>(rng));
}

/// A random axis-angle vector: random axis, theta uniform in [0, pi - margin].
template <typename T>
Vector3<T> RandomAxisAngle(Rng& rng, double margin = 1e-3) {
  return RandomUnitVector<T>(rng) * static_cast<T>(rng.Uniform(0.0, kPi - margin));
}

/// The edge-case unit axes: coordinate axes, diagonals, negative components,
/// and one axis 1e-3 off a coordinate axis.
template <typename T>
std::vector<Vector3<T>> EdgeAxes() {
  const std::vector<Vector3<double>> axes = {{1, 0, 0},   {0, 1, 0},        {0, 0, 1},   {0, -1, 0},
                                             {1, 1, 0},   {1, 0, -1},       {-1, -1, 0}, {1, 1, 1},
                                             {-1, 2, -3}, {0.3, -0.2, 0.9}, {1e-3, 1, 0}};
  std::vector<Vector3<T>> result;
  for (const auto& a : axes) result.push_back(a.normalized().cast<T>());
  return result;
}

/// The edge-case angles: zero, tiny, small, a quarter turn, near pi, pi.
inline std::vector<double> EdgeAngles() {
  return {0.0, 1e-8, 1e-4, 0.5, kPi / 2, 2.0, kPi - 1e-4, kPi - 1e-6, kPi};
}

}  // namespace intersynth::testing
