#include "intersynth/geometry/rotation.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <vector>

#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr double kPi = EIGEN_PI;

// Tolerances for quantities of size ~1 (matrix entries, unit vectors, angles).
template <typename T>
T Tol();
template <>
float Tol<float>() {
  return 2e-5f;
}
template <>
double Tol<double>() {
  return 1e-12;
}

// max_i |a_i - b_i| over two same-shaped matrices or vectors.
template <typename A, typename B>
typename A::Scalar MaxAbsDiff(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  return (a - b).cwiseAbs().maxCoeff();
}

// R^T R = I and det R = +1.
template <typename T>
void ExpectRotation(const Matrix3<T>& r, T tol) {
  ASSERT_TRUE(r.allFinite()) << r;
  EXPECT_LE((r.transpose() * r - Matrix3<T>::Identity()).cwiseAbs().maxCoeff(), tol) << r;
  EXPECT_NEAR(r.determinant(), T(1), tol) << r;
}

template <typename T>
Vector3<T> RandomUnitVector(Rng& rng) {
  Vector3<double> v;
  do {
    v = Vector3<double>(rng.Normal(), rng.Normal(), rng.Normal());
  } while (v.norm() < 1e-3);
  return v.normalized().cast<T>();
}

// A uniformly random rotation as a unit quaternion with w >= 0.
template <typename T>
Quaternion<T> RandomQuaternion(Rng& rng) {
  Quaternion<double> q(rng.Normal(), rng.Normal(), rng.Normal(), rng.Normal());
  q.normalize();
  if (q[0] < 0) q = -q;
  return q.cast<T>();
}

// Random axis-angle with theta uniform in [0, pi - margin].
template <typename T>
Vector3<T> RandomAxisAngle(Rng& rng, double margin = 1e-3) {
  return RandomUnitVector<T>(rng) * static_cast<T>(rng.Uniform(0.0, kPi - margin));
}

// The edge-case axes: coordinate axes, diagonals, negative components.
template <typename T>
std::vector<Vector3<T>> EdgeAxes() {
  std::vector<Vector3<double>> axes = {{1, 0, 0},   {0, 1, 0},        {0, 0, 1},   {0, -1, 0},
                                       {1, 1, 0},   {1, 0, -1},       {-1, -1, 0}, {1, 1, 1},
                                       {-1, 2, -3}, {0.3, -0.2, 0.9}, {1e-3, 1, 0}};
  std::vector<Vector3<T>> result;
  for (const auto& a : axes) result.push_back(a.normalized().cast<T>());
  return result;
}

// The edge-case angles: zero, tiny, small, a quarter turn, near pi, pi.
std::vector<double> EdgeAngles() {
  return {0.0, 1e-8, 1e-4, 0.5, kPi / 2, 2.0, kPi - 1e-4, kPi - 1e-6, kPi};
}

// Matrices from Eigen's own AngleAxis: an outside reference implementation.
template <typename T>
Matrix3<T> EigenAxisAngleMatrix(const Vector3<T>& aa) {
  const T theta = aa.norm();
  if (theta == T(0)) return Matrix3<T>::Identity();
  return Eigen::AngleAxis<T>(theta, aa / theta).toRotationMatrix();
}

// Axis-angle vectors of the same rotation: equal, or at theta = pi, opposite.
template <typename T>
void ExpectSameAxisAngle(const Vector3<T>& got, const Vector3<T>& want, T tol) {
  EXPECT_NEAR(got.norm(), want.norm(), tol);
  const T diff = MaxAbsDiff(got, want);
  if (want.norm() > T(kPi) - T(100) * tol) {
    EXPECT_LE(std::min(diff, MaxAbsDiff(got, Vector3<T>(-want))), tol)
        << "got " << got.transpose() << " want +-" << want.transpose();
  } else {
    EXPECT_LE(diff, tol) << "got " << got.transpose() << " want " << want.transpose();
  }
}

// Quaternions of the same rotation: q or -q.
template <typename T>
void ExpectSameQuaternion(const Quaternion<T>& got, const Quaternion<T>& want, T tol) {
  EXPECT_LE(std::min(MaxAbsDiff(got, want), MaxAbsDiff(got, Quaternion<T>(-want))), tol)
      << "got " << got.transpose() << " want +-" << want.transpose();
}

template <typename T>
class RotationTyped : public ::testing::Test {};
using Scalars = ::testing::Types<float, double>;
TYPED_TEST_SUITE(RotationTyped, Scalars);

// ---------------------------------------------------------------------------
// Layouts and reference values
// ---------------------------------------------------------------------------

TYPED_TEST(RotationTyped, AxisAngleToMatrixMatchesEigenAngleAxis) {
  using T = TypeParam;
  Rng rng(1);
  for (int n = 0; n < 200; ++n) {
    const Vector3<T> aa = RandomAxisAngle<T>(rng, 0.0);
    EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(aa), EigenAxisAngleMatrix(aa)), Tol<T>());
  }
  for (const auto& axis : EdgeAxes<T>()) {
    for (double theta : EdgeAngles()) {
      const Vector3<T> aa = axis * T(theta);
      EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(aa), EigenAxisAngleMatrix(aa)), Tol<T>())
          << "theta " << theta;
    }
  }
}

TYPED_TEST(RotationTyped, QuaternionToMatrixMatchesEigenQuaternion) {
  using T = TypeParam;
  Rng rng(2);
  for (int n = 0; n < 200; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    // Eigen::Quaternion's constructor takes (w, x, y, z); its storage is (x, y, z, w).
    const Eigen::Quaternion<T> eigen_q(q[0], q[1], q[2], q[3]);
    EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(q), eigen_q.toRotationMatrix()), Tol<T>());
  }
}

TEST(Rotation, QuaternionStoresScalarFirst) {
  // A quarter turn about +Z: q = (cos 45deg, 0, 0, sin 45deg), w in q[0].
  const Quaternion<double> q = AxisAngleToQuaternion(Vector3<double>(0, 0, kPi / 2));
  EXPECT_NEAR(q[0], std::sqrt(0.5), 1e-15);
  EXPECT_NEAR(q[3], std::sqrt(0.5), 1e-15);
  // It takes +X to +Y (right-hand rule, column vectors).
  EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(q) * Vector3<double>::UnitX(),
                       Vector3<double>(Vector3<double>::UnitY())),
            1e-15);
}

TEST(Rotation, Rotation6dIsFirstTwoColumnsColumnMajor) {
  Matrix3<double> r;
  r << 0, 1, 2,  //
      3, 4, 5,   //
      6, 7, 8;
  Rotation6d<double> expected;
  expected << 0, 3, 6, 1, 4, 7;  // (R00, R10, R20, R01, R11, R21)
  EXPECT_EQ(MatrixToRotation6d(r), expected);
  Rotation6d<double> intergen;
  intergen << 0, 1, 3, 4, 6, 7;  // (R00, R01, R10, R11, R20, R21)
  EXPECT_EQ(MatrixToRotation6dInterGen(r), intergen);
}

// ---------------------------------------------------------------------------
// Round trips A -> B -> A, for every pair, random rotations
// ---------------------------------------------------------------------------

TYPED_TEST(RotationTyped, AxisAngleMatrixRoundTripRandom) {
  using T = TypeParam;
  Rng rng(3);
  for (int n = 0; n < 500; ++n) {
    const Vector3<T> aa = RandomAxisAngle<T>(rng);
    const Matrix3<T> r = AxisAngleToMatrix(aa);
    ExpectRotation(r, Tol<T>());
    EXPECT_LE(MaxAbsDiff(MatrixToAxisAngle(r), aa), T(4) * Tol<T>());
    EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(MatrixToAxisAngle(r)), r), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AxisAngleQuaternionRoundTripRandom) {
  using T = TypeParam;
  Rng rng(4);
  for (int n = 0; n < 500; ++n) {
    const Vector3<T> aa = RandomAxisAngle<T>(rng);
    const Quaternion<T> q = AxisAngleToQuaternion(aa);
    EXPECT_NEAR(q.norm(), T(1), Tol<T>());
    EXPECT_GE(q[0], T(0));
    EXPECT_LE(MaxAbsDiff(QuaternionToAxisAngle(q), aa), T(4) * Tol<T>());
    const Quaternion<T> q2 = RandomQuaternion<T>(rng);
    EXPECT_LE(MaxAbsDiff(AxisAngleToQuaternion(QuaternionToAxisAngle(q2)), q2), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionMatrixRoundTripRandom) {
  using T = TypeParam;
  Rng rng(5);
  for (int n = 0; n < 500; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    const Matrix3<T> r = QuaternionToMatrix(q);
    ExpectRotation(r, Tol<T>());
    const Quaternion<T> back = MatrixToQuaternion(r);
    EXPECT_GE(back[0], T(0));
    EXPECT_LE(MaxAbsDiff(back, q), Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(back), r), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, MatrixRotation6dRoundTripRandom) {
  using T = TypeParam;
  Rng rng(6);
  for (int n = 0; n < 500; ++n) {
    const Matrix3<T> r = QuaternionToMatrix(RandomQuaternion<T>(rng));
    const Rotation6d<T> d = MatrixToRotation6d(r);
    EXPECT_LE(MaxAbsDiff(Rotation6dToMatrix(d), r), Tol<T>());
    EXPECT_LE(MaxAbsDiff(MatrixToRotation6d(Rotation6dToMatrix(d)), d), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AxisAngleRotation6dRoundTripRandom) {
  using T = TypeParam;
  Rng rng(7);
  for (int n = 0; n < 500; ++n) {
    const Vector3<T> aa = RandomAxisAngle<T>(rng);
    const Rotation6d<T> d = AxisAngleToRotation6d(aa);
    EXPECT_LE(MaxAbsDiff(Rotation6dToAxisAngle(d), aa), T(4) * Tol<T>());
    EXPECT_LE(MaxAbsDiff(AxisAngleToRotation6d(Rotation6dToAxisAngle(d)), d), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionRotation6dRoundTripRandom) {
  using T = TypeParam;
  Rng rng(8);
  for (int n = 0; n < 500; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    const Rotation6d<T> d = QuaternionToRotation6d(q);
    EXPECT_LE(MaxAbsDiff(Rotation6dToQuaternion(d), q), Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionToRotation6d(Rotation6dToQuaternion(d)), d), Tol<T>());
  }
}

// ---------------------------------------------------------------------------
// Consistency A -> B == A -> C -> B, every pair, random and edge rotations
// ---------------------------------------------------------------------------

// All four forms of one rotation, each made independently from (axis, theta)
// through Eigen, then every direct conversion compared with them.
template <typename T>
void ExpectAllConversionsConsistent(const Vector3<T>& axis, T theta, T tol) {
  const Vector3<T> aa = axis * theta;
  const Matrix3<T> r = Eigen::AngleAxis<T>(theta, axis).toRotationMatrix();
  const Quaternion<T> q(std::cos(theta / 2), std::sin(theta / 2) * axis.x(),
                        std::sin(theta / 2) * axis.y(), std::sin(theta / 2) * axis.z());
  const Rotation6d<T> d = MatrixToRotation6d(r);
  SCOPED_TRACE(::testing::Message() << "axis " << axis.transpose() << " theta " << theta);

  // Into the matrix, from every form and through every intermediate form.
  EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(aa), r), tol);
  EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(q), r), tol);
  EXPECT_LE(MaxAbsDiff(Rotation6dToMatrix(d), r), tol);
  EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(AxisAngleToQuaternion(aa)), r), tol);
  EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(QuaternionToAxisAngle(q)), r), tol);
  EXPECT_LE(MaxAbsDiff(Rotation6dToMatrix(AxisAngleToRotation6d(aa)), r), tol);
  EXPECT_LE(MaxAbsDiff(Rotation6dToMatrix(QuaternionToRotation6d(q)), r), tol);
  EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(Rotation6dToQuaternion(d)), r), tol);
  EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(Rotation6dToAxisAngle(d)), r), tol);

  // Into axis-angle: from the matrix, the quaternion and 6D.
  ExpectSameAxisAngle(MatrixToAxisAngle(r), aa, tol);
  ExpectSameAxisAngle(QuaternionToAxisAngle(q), aa, tol);
  ExpectSameAxisAngle(Rotation6dToAxisAngle(d), aa, tol);
  ExpectSameAxisAngle(QuaternionToAxisAngle(MatrixToQuaternion(r)), MatrixToAxisAngle(r), tol);

  // Into the quaternion.
  ExpectSameQuaternion(AxisAngleToQuaternion(aa), q, tol);
  ExpectSameQuaternion(MatrixToQuaternion(r), q, tol);
  ExpectSameQuaternion(Rotation6dToQuaternion(d), q, tol);
  ExpectSameQuaternion(MatrixToQuaternion(AxisAngleToMatrix(aa)), AxisAngleToQuaternion(aa), tol);

  // Into 6D.
  EXPECT_LE(MaxAbsDiff(AxisAngleToRotation6d(aa), d), tol);
  EXPECT_LE(MaxAbsDiff(QuaternionToRotation6d(q), d), tol);
  EXPECT_LE(MaxAbsDiff(MatrixToRotation6d(AxisAngleToMatrix(aa)), AxisAngleToRotation6d(aa)), tol);

  // Every matrix output is a rotation.
  ExpectRotation(AxisAngleToMatrix(aa), tol);
  ExpectRotation(QuaternionToMatrix(q), tol);
  ExpectRotation(Rotation6dToMatrix(d), tol);
}

TYPED_TEST(RotationTyped, AllPairsConsistentRandom) {
  using T = TypeParam;
  Rng rng(9);
  for (int n = 0; n < 300; ++n) {
    ExpectAllConversionsConsistent(RandomUnitVector<T>(rng), T(rng.Uniform(0.0, kPi)),
                                   T(4) * Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AllPairsConsistentEdgeAngles) {
  using T = TypeParam;
  for (const auto& axis : EdgeAxes<T>()) {
    for (double theta : EdgeAngles()) {
      ExpectAllConversionsConsistent(axis, T(theta), T(4) * Tol<T>());
    }
  }
}

// ---------------------------------------------------------------------------
// Edge cases by name
// ---------------------------------------------------------------------------

TYPED_TEST(RotationTyped, ZeroRotationIsExactIdentity) {
  using T = TypeParam;
  const Vector3<T> zero = Vector3<T>::Zero();
  const Matrix3<T> identity = Matrix3<T>::Identity();
  const Quaternion<T> unit(T(1), T(0), T(0), T(0));
  EXPECT_EQ(AxisAngleToMatrix(zero), identity);
  EXPECT_EQ(AxisAngleToQuaternion(zero), unit);
  EXPECT_EQ(MatrixToAxisAngle(identity), zero);
  EXPECT_EQ(QuaternionToAxisAngle(unit), zero);
  EXPECT_EQ(MatrixToQuaternion(identity), unit);
  EXPECT_EQ(QuaternionToMatrix(unit), identity);
  EXPECT_EQ(Rotation6dToMatrix(MatrixToRotation6d(identity)), identity);
}

TYPED_TEST(RotationTyped, MatrixToAxisAngleNearZero) {
  using T = TypeParam;
  // Relative precision survives at tiny angles (series, no acos).
  for (double theta : {1e-12, 1e-8, 1e-6, 1e-4, 1e-2}) {
    for (const auto& axis : EdgeAxes<T>()) {
      const Vector3<T> aa = axis * T(theta);
      const Vector3<T> from_matrix = MatrixToAxisAngle(AxisAngleToMatrix(aa));
      const Vector3<T> from_quaternion = QuaternionToAxisAngle(AxisAngleToQuaternion(aa));
      EXPECT_LE((from_matrix - aa).norm(), T(8) * std::numeric_limits<T>::epsilon() * T(theta))
          << "theta " << theta << " axis " << axis.transpose();
      EXPECT_LE((from_quaternion - aa).norm(), T(8) * std::numeric_limits<T>::epsilon() * T(theta))
          << "theta " << theta << " axis " << axis.transpose();
    }
  }
}

TYPED_TEST(RotationTyped, MatrixToAxisAngleNearPi) {
  using T = TypeParam;
  // Just short of a half turn the sign of the axis is still defined (by the
  // antisymmetric part), and both axis and angle keep full precision.
  const std::vector<double> deltas = std::is_same_v<T, float>
                                         ? std::vector<double>{1e-2, 1e-3}
                                         : std::vector<double>{1e-2, 1e-4, 1e-6};
  for (double delta : deltas) {
    for (const auto& axis : EdgeAxes<T>()) {
      const Vector3<T> aa = axis * T(kPi - delta);
      const Matrix3<T> r = AxisAngleToMatrix(aa);
      EXPECT_LE(MaxAbsDiff(MatrixToAxisAngle(r), aa), T(4) * Tol<T>())
          << "pi - " << delta << " axis " << axis.transpose();
      EXPECT_LE(MaxAbsDiff(QuaternionToAxisAngle(MatrixToQuaternion(r)), aa), T(4) * Tol<T>());
    }
  }
}

TYPED_TEST(RotationTyped, MatrixToAxisAngleAtPiGivesEitherSign) {
  using T = TypeParam;
  for (const auto& axis : EdgeAxes<T>()) {
    // The exact half turn R = 2 n n^T - I (no sin(pi) rounding involved).
    const Matrix3<T> r = T(2) * axis * axis.transpose() - Matrix3<T>::Identity();
    const Vector3<T> aa = MatrixToAxisAngle(r);
    ASSERT_TRUE(aa.allFinite());
    EXPECT_NEAR(aa.norm(), T(kPi), Tol<T>());
    ExpectSameAxisAngle(aa, Vector3<T>(axis * T(kPi)), T(4) * Tol<T>());
    EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(aa), r), T(4) * Tol<T>());
    const Quaternion<T> q = MatrixToQuaternion(r);
    EXPECT_NEAR(q[0], T(0), Tol<T>());
    ExpectSameAxisAngle(QuaternionToAxisAngle(q), Vector3<T>(axis * T(kPi)), T(4) * Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AxisAngleBeyondPiMapsToShortestEquivalent) {
  using T = TypeParam;
  // theta = 3pi/2 about n is -pi/2 about n: the inverse maps return |aa| <= pi.
  const Vector3<T> n = Vector3<T>(1, 2, 2) / T(3);
  const Vector3<T> aa = n * T(1.5 * kPi);
  const Vector3<T> expected = -n * T(0.5 * kPi);
  const Quaternion<T> q = AxisAngleToQuaternion(aa);
  EXPECT_LT(q[0], T(0));  // no sign flip on the way in
  EXPECT_LE(MaxAbsDiff(QuaternionToAxisAngle(q), expected), T(4) * Tol<T>());
  EXPECT_LE(MaxAbsDiff(MatrixToAxisAngle(AxisAngleToMatrix(aa)), expected), T(4) * Tol<T>());
}

TYPED_TEST(RotationTyped, QuaternionToAxisAngleNegativeWIsSameRotation) {
  using T = TypeParam;
  Rng rng(10);
  for (int n = 0; n < 100; ++n) {
    const Quaternion<T> q = -RandomQuaternion<T>(rng);  // w <= 0
    const Vector3<T> aa = QuaternionToAxisAngle(q);
    EXPECT_LE(aa.norm(), T(kPi) + Tol<T>());
    EXPECT_LE(MaxAbsDiff(AxisAngleToMatrix(aa), QuaternionToMatrix(q)), Tol<T>());
    EXPECT_LE(MaxAbsDiff(aa, QuaternionToAxisAngle(Quaternion<T>(-q))), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, NonUnitQuaternionIsScaleInvariant) {
  using T = TypeParam;
  Rng rng(11);
  for (int n = 0; n < 100; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    const Quaternion<T> scaled = q * T(rng.Uniform(0.1, 10.0));
    EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(scaled), QuaternionToMatrix(q)), Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionToAxisAngle(scaled), QuaternionToAxisAngle(q)), T(4) * Tol<T>());
  }
}

TYPED_TEST(RotationTyped, MatrixToQuaternionEveryShepperdBranch) {
  using T = TypeParam;
  // Largest of trace (small angles), R00, R11, R22 (half turns about x, y, z
  // and near them), and the diagonal (1,1,0) axis where R00 = R11 tie.
  const std::vector<Vector3<T>> aas = {Vector3<T>(T(0.1), T(-0.2), T(0.05)),
                                       Vector3<T>(T(3.0), T(0.1), T(-0.2)),
                                       Vector3<T>(T(0.1), T(-3.0), T(0.2)),
                                       Vector3<T>(T(-0.1), T(0.2), T(3.0)),
                                       Vector3<T>(1, 1, 0).normalized() * T(kPi),
                                       Vector3<T>(T(kPi), T(0), T(0)),
                                       Vector3<T>(T(0), T(kPi), T(0)),
                                       Vector3<T>(T(0), T(0), -T(kPi)),
                                       Vector3<T>(1, -1, 1).normalized() * T(2.1),
                                       Vector3<T>(1, -1, 1).normalized() * T(2.0)};
  for (const auto& aa : aas) {
    const Matrix3<T> r = AxisAngleToMatrix(aa);
    const Quaternion<T> q = MatrixToQuaternion(r);
    EXPECT_GE(q[0], T(0));
    EXPECT_NEAR(q.norm(), T(1), Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(q), r), Tol<T>()) << aa.transpose();
    ExpectSameQuaternion(q, AxisAngleToQuaternion(aa), T(2) * Tol<T>());
    // Eigen's own matrix -> quaternion (an outside reference), up to sign.
    const Eigen::Quaternion<T> eigen_q(r);
    ExpectSameQuaternion(q, Quaternion<T>(eigen_q.w(), eigen_q.x(), eigen_q.y(), eigen_q.z()),
                         T(2) * Tol<T>());
  }
}

// ---------------------------------------------------------------------------
// 6D (Zhou et al. 2019) and the InterGen order
// ---------------------------------------------------------------------------

TYPED_TEST(RotationTyped, Rotation6dGramSchmidtOfNonOrthonormalInput) {
  using T = TypeParam;
  Rng rng(12);
  for (int n = 0; n < 300; ++n) {
    Rotation6d<T> d;
    for (int i = 0; i < 6; ++i) d[i] = T(rng.Normal(0.0, 3.0));
    const Matrix3<T> r = Rotation6dToMatrix(d);
    ExpectRotation(r, Tol<T>());
    // Column 0 is a1's direction; column 1 lies in span(a1, a2) on a2's side.
    const Vector3<T> a1 = d.template head<3>();
    const Vector3<T> a2 = d.template tail<3>();
    EXPECT_LE(MaxAbsDiff(Vector3<T>(r.col(0)), Vector3<T>(a1.normalized())), Tol<T>());
    EXPECT_NEAR(r.col(1).dot(a1.cross(a2).normalized()), T(0), Tol<T>());
    EXPECT_GT(r.col(1).dot(a2), T(0));
    // Invariant to scaling a1, a2 and to adding multiples of a1 to a2.
    Rotation6d<T> d2;
    d2 << a1 * T(2.5), a2 * T(0.3) + a1 * T(-1.7);
    EXPECT_LE(MaxAbsDiff(Rotation6dToMatrix(d2), r), T(10) * Tol<T>());
  }
}

TYPED_TEST(RotationTyped, Rotation6dDegenerateInputGivesRotation) {
  using T = TypeParam;
  Rotation6d<T> zero_a1, parallel, all_zero, antiparallel;
  zero_a1 << 0, 0, 0, 0, 1, 0;
  parallel << 1, 2, 3, 2, 4, 6;
  all_zero << 0, 0, 0, 0, 0, 0;
  antiparallel << 0, 0, 1, 0, 0, T(-1e-3);
  for (const auto& d : {zero_a1, parallel, all_zero, antiparallel}) {
    ExpectRotation(Rotation6dToMatrix(d), Tol<T>());
  }
  // The first column still follows a1 when only a2 is degenerate.
  EXPECT_LE(MaxAbsDiff(Vector3<T>(Rotation6dToMatrix(parallel).col(0)),
                       Vector3<T>(Vector3<T>(1, 2, 3).normalized())),
            Tol<T>());
}

TYPED_TEST(RotationTyped, Rotation6dInterGenOrderRoundTrip) {
  using T = TypeParam;
  Rng rng(13);
  for (int n = 0; n < 200; ++n) {
    const Matrix3<T> r = QuaternionToMatrix(RandomQuaternion<T>(rng));
    const Rotation6d<T> standard = MatrixToRotation6d(r);
    const Rotation6d<T> intergen = MatrixToRotation6dInterGen(r);
    // Same six numbers, row-wise instead of column-wise.
    EXPECT_EQ(Rotation6dStandardToInterGen(standard), intergen);
    EXPECT_EQ(Rotation6dInterGenToStandard(intergen), standard);
    EXPECT_EQ(intergen,
              (Rotation6d<T>() << r(0, 0), r(0, 1), r(1, 0), r(1, 1), r(2, 0), r(2, 1)).finished());
    // Both decoders give back R from their own order.
    EXPECT_LE(MaxAbsDiff(Rotation6dInterGenToMatrix(intergen), r), Tol<T>());
    EXPECT_LE(
        MaxAbsDiff(MatrixToRotation6dInterGen(Rotation6dInterGenToMatrix(intergen)), intergen),
        Tol<T>());
    // Reading InterGen data with the standard (3 + 3) decoder is wrong
    // (shared/notes/intergen-format.md): a generic R does not come back.
    EXPECT_GT(MaxAbsDiff(Rotation6dToMatrix(intergen), r), T(1e-3));
  }
  // The two permutations are inverse to each other on arbitrary numbers.
  Rotation6d<T> v;
  v << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(Rotation6dInterGenToStandard(Rotation6dStandardToInterGen(v)), v);
  EXPECT_EQ(Rotation6dStandardToInterGen(Rotation6dInterGenToStandard(v)), v);
}

// ---------------------------------------------------------------------------
// Quaternion algebra
// ---------------------------------------------------------------------------

TYPED_TEST(RotationTyped, QuaternionMultiplyComposesLikeMatrices) {
  using T = TypeParam;
  Rng rng(14);
  for (int n = 0; n < 200; ++n) {
    const Quaternion<T> a = RandomQuaternion<T>(rng);
    const Quaternion<T> b = RandomQuaternion<T>(rng);
    const Quaternion<T> c = RandomQuaternion<T>(rng);
    // a * b applies b first.
    EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(QuaternionMultiply(a, b)),
                         Matrix3<T>(QuaternionToMatrix(a) * QuaternionToMatrix(b))),
              Tol<T>());
    // Associative, with identity (1, 0, 0, 0).
    EXPECT_LE(MaxAbsDiff(QuaternionMultiply(QuaternionMultiply(a, b), c),
                         QuaternionMultiply(a, QuaternionMultiply(b, c))),
              Tol<T>());
    const Quaternion<T> identity(T(1), T(0), T(0), T(0));
    EXPECT_EQ(QuaternionMultiply(a, identity), a);
    EXPECT_EQ(QuaternionMultiply(identity, a), a);
    // Agrees with Eigen's Hamilton product.
    const Eigen::Quaternion<T> ea(a[0], a[1], a[2], a[3]), eb(b[0], b[1], b[2], b[3]);
    const Eigen::Quaternion<T> eab = ea * eb;
    EXPECT_LE(
        MaxAbsDiff(QuaternionMultiply(a, b), Quaternion<T>(eab.w(), eab.x(), eab.y(), eab.z())),
        Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionInverseAndConjugate) {
  using T = TypeParam;
  Rng rng(15);
  const Quaternion<T> identity(T(1), T(0), T(0), T(0));
  for (int n = 0; n < 100; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    EXPECT_LE(MaxAbsDiff(QuaternionMultiply(q, QuaternionConjugate(q)), identity), Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionMultiply(QuaternionInverse(q), q), identity), Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(QuaternionConjugate(q)),
                         Matrix3<T>(QuaternionToMatrix(q).transpose())),
              Tol<T>());
    // For a non-unit quaternion the inverse is conj / |q|^2.
    const Quaternion<T> scaled = q * T(3);
    EXPECT_LE(MaxAbsDiff(QuaternionMultiply(scaled, QuaternionInverse(scaled)), identity),
              Tol<T>());
    EXPECT_LE(MaxAbsDiff(QuaternionNormalize(scaled), q), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionRotateEqualsMatrixTimesVector) {
  using T = TypeParam;
  Rng rng(16);
  for (int n = 0; n < 200; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    const Vector3<T> v = RandomUnitVector<T>(rng) * T(rng.Uniform(0.1, 5.0));
    EXPECT_LE(MaxAbsDiff(QuaternionRotate(q, v), Vector3<T>(QuaternionToMatrix(q) * v)),
              T(5) * Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionSlerpEndpointsAndConstantSpeed) {
  using T = TypeParam;
  Rng rng(17);
  for (int n = 0; n < 100; ++n) {
    const Quaternion<T> a = RandomQuaternion<T>(rng);
    const Quaternion<T> b = RandomQuaternion<T>(rng);
    ExpectSameQuaternion(QuaternionSlerp(a, b, T(0)), a, Tol<T>());
    ExpectSameQuaternion(QuaternionSlerp(a, b, T(1)), b, Tol<T>());
    // The relative rotation a^-1 * slerp(t) has t times the angle of a^-1 * b
    // (the shorter way round, so at most pi), about the same axis.
    const Vector3<T> full = QuaternionToAxisAngle(QuaternionMultiply(QuaternionConjugate(a), b));
    for (T t : {T(0.25), T(0.5), T(0.8)}) {
      const Quaternion<T> s = QuaternionSlerp(a, b, t);
      EXPECT_NEAR(s.norm(), T(1), Tol<T>());
      const Vector3<T> part = QuaternionToAxisAngle(QuaternionMultiply(QuaternionConjugate(a), s));
      EXPECT_LE(MaxAbsDiff(part, Vector3<T>(t * full)), T(10) * Tol<T>());
    }
    // Shortest path: -b is the same rotation and gives the same curve.
    ExpectSameQuaternion(QuaternionSlerp(a, Quaternion<T>(-b), T(0.3)),
                         QuaternionSlerp(a, b, T(0.3)), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionSlerpOfNearlyEqualQuaternions) {
  using T = TypeParam;
  const Quaternion<T> a = AxisAngleToQuaternion(Vector3<T>(T(0.3), T(-0.1), T(0.2)));
  for (double tiny : {0.0, 1e-12, 1e-7}) {
    const Quaternion<T> b =
        QuaternionMultiply(a, AxisAngleToQuaternion(Vector3<T>(T(tiny), T(0), T(0))));
    const Quaternion<T> s = QuaternionSlerp(a, b, T(0.5));
    ASSERT_TRUE(s.allFinite());
    EXPECT_LE(MaxAbsDiff(s, a), T(tiny) + Tol<T>());
  }
}

// ---------------------------------------------------------------------------
// QuaternionBetween and AlignVectors
// ---------------------------------------------------------------------------

// Checks that R maps u's direction onto v's, is a rotation, and is the
// shortest arc (angle = angle between u and v; axis perpendicular to both).
template <typename T>
void ExpectAligns(const Vector3<T>& u, const Vector3<T>& v, T tol) {
  SCOPED_TRACE(::testing::Message() << "u " << u.transpose() << " v " << v.transpose());
  const Vector3<T> u_hat = u.normalized(), v_hat = v.normalized();
  const Matrix3<T> r = AlignVectors(u, v);
  ExpectRotation(r, tol);
  EXPECT_LE(MaxAbsDiff(Vector3<T>(r * u_hat), v_hat), tol);
  const Quaternion<T> q = QuaternionBetween(u, v);
  EXPECT_NEAR(q.norm(), T(1), tol);
  EXPECT_GE(q[0], T(0));
  EXPECT_LE(MaxAbsDiff(QuaternionRotate(q, u_hat), v_hat), tol);
  EXPECT_LE(MaxAbsDiff(QuaternionToMatrix(q), r), tol);
  // Shortest arc: the rotation angle equals the angle between u and v.
  const T between = std::atan2(u_hat.cross(v_hat).norm(), u_hat.dot(v_hat));
  EXPECT_NEAR(QuaternionToAxisAngle(q).norm(), between, T(4) * tol);
}

TYPED_TEST(RotationTyped, AlignVectorsRandomPairsOfAnyLength) {
  using T = TypeParam;
  Rng rng(18);
  for (int n = 0; n < 300; ++n) {
    const Vector3<T> u = RandomUnitVector<T>(rng) * T(rng.Uniform(0.01, 100.0));
    const Vector3<T> v = RandomUnitVector<T>(rng) * T(rng.Uniform(0.01, 100.0));
    ExpectAligns(u, v, Tol<T>());
    // The axis is perpendicular to both directions.
    const Vector3<T> axis = QuaternionToAxisAngle(QuaternionBetween(u, v)).normalized();
    EXPECT_NEAR(axis.dot(u.normalized()), T(0), Tol<T>());
    EXPECT_NEAR(axis.dot(v.normalized()), T(0), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AlignVectorsParallelIsExactIdentity) {
  using T = TypeParam;
  for (const auto& axis : EdgeAxes<T>()) {
    // Scaling by a power of two keeps the normalised directions bit-identical.
    EXPECT_EQ(AlignVectors(axis, Vector3<T>(axis * T(4))), Matrix3<T>::Identity());
    EXPECT_EQ(QuaternionBetween(axis, axis), Quaternion<T>(T(1), T(0), T(0), T(0)));
  }
}

TYPED_TEST(RotationTyped, AlignVectorsAntiparallelIsHalfTurn) {
  using T = TypeParam;
  for (const auto& axis : EdgeAxes<T>()) {
    const Vector3<T> u = axis * T(2);
    const Vector3<T> v = -axis * T(0.5);
    ExpectAligns(u, v, Tol<T>());
    const Matrix3<T> r = AlignVectors(u, v);
    // A half turn: symmetric, trace -1.
    EXPECT_LE(MaxAbsDiff(r, Matrix3<T>(r.transpose())), Tol<T>());
    EXPECT_NEAR(r.trace(), T(-1), Tol<T>());
    EXPECT_NEAR(QuaternionBetween(u, v)[0], T(0), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AlignVectorsNearlyAntiparallel) {
  using T = TypeParam;
  Rng rng(19);
  // 1e-9 off antiparallel: the naive (u x v) / (1 + u . v) form loses ~1e-7
  // here in double; R * u must still hit v to a few eps.
  for (int n = 0; n < 100; ++n) {
    const Vector3<double> u = RandomUnitVector<double>(rng);
    const Vector3<double> perp = (u.cross(RandomUnitVector<double>(rng))).normalized();
    for (double off : {1e-9, 1e-6}) {
      const Vector3<double> v = Eigen::AngleAxis<double>(kPi - off, perp) * u;
      ExpectAligns<T>(u.cast<T>() * T(1.7), v.cast<T>(), Tol<T>());
      if (std::is_same_v<T, double>) {
        const Matrix3<double> r = AlignVectors(u, v);
        EXPECT_LE((r * u - v).norm(), 1e-14);
        EXPECT_NEAR(MatrixToAxisAngle(r).norm(), kPi - off, 1e-14);
      }
    }
  }
}

TYPED_TEST(RotationTyped, AlignVectorsNearlyParallel) {
  using T = TypeParam;
  Rng rng(20);
  for (int n = 0; n < 100; ++n) {
    const Vector3<double> u = RandomUnitVector<double>(rng);
    const Vector3<double> perp = (u.cross(RandomUnitVector<double>(rng))).normalized();
    for (double off : {1e-12, 1e-9, 1e-6}) {
      const Vector3<double> v = Eigen::AngleAxis<double>(off, perp) * u;
      ExpectAligns<T>(u.cast<T>(), v.cast<T>() * T(0.2), Tol<T>());
      if (std::is_same_v<T, double>) {
        const Matrix3<double> r = AlignVectors(u, v);
        EXPECT_LE((r * u - v).norm(), 1e-14);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Batched == single
// ---------------------------------------------------------------------------

// Runs `batch` on n random inputs made by `make` and compares each output
// item with `single` of the same input, exactly.
template <typename T, int kIn, int kOut, typename Make, typename Single, typename Batch>
void ExpectBatchMatchesSingle(Make make, Single single, Batch batch) {
  Rng rng(21);
  constexpr int kCount = 64;
  std::vector<T> in(kCount * kIn), out(kCount * kOut, T(-99));
  for (int i = 0; i < kCount; ++i) {
    const Eigen::Matrix<T, kIn, 1> x = make(rng);
    Eigen::Map<Eigen::Matrix<T, kIn, 1>>(in.data() + i * kIn) = x;
  }
  batch(in.data(), int64_t{kCount}, out.data());
  for (int i = 0; i < kCount; ++i) {
    const Eigen::Matrix<T, kOut, 1> want = single(in.data() + i * kIn);
    const Eigen::Matrix<T, kOut, 1> got =
        Eigen::Map<Eigen::Matrix<T, kOut, 1>>(out.data() + i * kOut);
    EXPECT_EQ(got, want) << "item " << i;
  }
  // An empty batch touches nothing.
  batch(static_cast<const T*>(nullptr), int64_t{0}, static_cast<T*>(nullptr));
}

template <typename T>
Matrix3<T> LoadRowMajor(const T* p) {
  return Eigen::Map<const Eigen::Matrix<T, 3, 3, Eigen::RowMajor>>(p);
}
template <typename T>
Eigen::Matrix<T, 9, 1> FlattenRowMajor(const Matrix3<T>& r) {
  Eigen::Matrix<T, 9, 1> flat;
  Eigen::Map<Eigen::Matrix<T, 3, 3, Eigen::RowMajor>>(flat.data()) = r;
  return flat;
}

TYPED_TEST(RotationTyped, BatchedEqualsSingleForEveryPair) {
  using T = TypeParam;
  auto make_aa = [](Rng& rng) { return RandomAxisAngle<T>(rng, 0.0); };
  auto make_q = [](Rng& rng) { return RandomQuaternion<T>(rng); };
  auto make_m = [](Rng& rng) {
    return FlattenRowMajor(QuaternionToMatrix(RandomQuaternion<T>(rng)));
  };
  auto make_6d = [](Rng& rng) {
    Rotation6d<T> d;
    for (int i = 0; i < 6; ++i) d[i] = T(rng.Normal());
    return d;
  };
  using V3 = Eigen::Map<const Vector3<T>>;
  using V4 = Eigen::Map<const Quaternion<T>>;
  using V6 = Eigen::Map<const Rotation6d<T>>;

  ExpectBatchMatchesSingle<T, 3, 9>(
      make_aa, [](const T* p) { return FlattenRowMajor(AxisAngleToMatrix<T>(V3(p))); },
      AxisAngleToMatrixBatch<T>);
  ExpectBatchMatchesSingle<T, 9, 3>(
      make_m, [](const T* p) { return MatrixToAxisAngle(LoadRowMajor(p)); },
      MatrixToAxisAngleBatch<T>);
  ExpectBatchMatchesSingle<T, 3, 4>(
      make_aa, [](const T* p) { return AxisAngleToQuaternion<T>(V3(p)); },
      AxisAngleToQuaternionBatch<T>);
  ExpectBatchMatchesSingle<T, 4, 3>(
      make_q, [](const T* p) { return QuaternionToAxisAngle<T>(V4(p)); },
      QuaternionToAxisAngleBatch<T>);
  ExpectBatchMatchesSingle<T, 4, 9>(
      make_q, [](const T* p) { return FlattenRowMajor(QuaternionToMatrix<T>(V4(p))); },
      QuaternionToMatrixBatch<T>);
  ExpectBatchMatchesSingle<T, 9, 4>(
      make_m, [](const T* p) { return MatrixToQuaternion(LoadRowMajor(p)); },
      MatrixToQuaternionBatch<T>);
  ExpectBatchMatchesSingle<T, 9, 6>(
      make_m, [](const T* p) { return MatrixToRotation6d(LoadRowMajor(p)); },
      MatrixToRotation6dBatch<T>);
  ExpectBatchMatchesSingle<T, 6, 9>(
      make_6d, [](const T* p) { return FlattenRowMajor(Rotation6dToMatrix<T>(V6(p))); },
      Rotation6dToMatrixBatch<T>);
  ExpectBatchMatchesSingle<T, 3, 6>(
      make_aa, [](const T* p) { return AxisAngleToRotation6d<T>(V3(p)); },
      AxisAngleToRotation6dBatch<T>);
  ExpectBatchMatchesSingle<T, 6, 3>(
      make_6d, [](const T* p) { return Rotation6dToAxisAngle<T>(V6(p)); },
      Rotation6dToAxisAngleBatch<T>);
  ExpectBatchMatchesSingle<T, 4, 6>(
      make_q, [](const T* p) { return QuaternionToRotation6d<T>(V4(p)); },
      QuaternionToRotation6dBatch<T>);
  ExpectBatchMatchesSingle<T, 6, 4>(
      make_6d, [](const T* p) { return Rotation6dToQuaternion<T>(V6(p)); },
      Rotation6dToQuaternionBatch<T>);
  ExpectBatchMatchesSingle<T, 9, 6>(
      make_m, [](const T* p) { return MatrixToRotation6dInterGen(LoadRowMajor(p)); },
      MatrixToRotation6dInterGenBatch<T>);
  ExpectBatchMatchesSingle<T, 6, 9>(
      make_6d, [](const T* p) { return FlattenRowMajor(Rotation6dInterGenToMatrix<T>(V6(p))); },
      Rotation6dInterGenToMatrixBatch<T>);
}

TEST(Rotation, BatchMatricesAreRowMajor) {
  // A quarter turn about +Z: R = [0 -1 0; 1 0 0; 0 0 1], row by row in memory.
  const double aa[3] = {0, 0, kPi / 2};
  double m[9];
  AxisAngleToMatrixBatch(aa, 1, m);
  const double expected[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(m[i], expected[i], 1e-15) << "entry " << i;
}

}  // namespace
}  // namespace intersynth
