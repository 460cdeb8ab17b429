// Conversions between the four rotation forms (axis-angle, quaternion,
// matrix, 6D): layouts against Eigen, round trips and consistency of every
// pair, the named edge cases (theta = 0, near and at pi, beyond pi, every
// Shepperd branch) and the batched conversions.
// Quaternion algebra and AlignVectors: quaternion_test.cc; the 6D decoder and
// InterGen order: rotation6d_test.cc.

#include "intersynth/geometry/rotation.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::EdgeAngles;
using testing::EdgeAxes;
using testing::ExpectRotation;
using testing::ExpectSameQuaternion;
using testing::kPi;
using testing::MaxAbsDiff;
using testing::RandomAxisAngle;
using testing::RandomQuaternion;
using testing::RandomRotation;
using testing::RandomUnitVector;
using testing::Tol;

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

template <typename T>
class RotationTyped : public ::testing::Test {};
TYPED_TEST_SUITE(RotationTyped, testing::FloatAndDouble);

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

// ---------------------------------------------------------------------------
// Round trips A -> B -> A, for every pair, random rotations
// ---------------------------------------------------------------------------

// One round trip x -> y = forth(x) -> back(y) between two rotation forms:
// back(y) = x within tol_x, and forth(back(y)) = y within tol_y.
template <typename X, typename Forth, typename Back, typename T>
void ExpectRoundTrip(const X& x, Forth forth, Back back, T tol_x, T tol_y) {
  const auto y = forth(x);
  const auto x_back = back(y);
  EXPECT_LE(MaxAbsDiff(x_back, x), tol_x) << "x " << x.transpose();
  EXPECT_LE(MaxAbsDiff(forth(x_back), y), tol_y) << "x " << x.transpose();
}

TYPED_TEST(RotationTyped, AxisAngleMatrixRoundTripRandom) {
  using T = TypeParam;
  Rng rng(3);
  for (int n = 0; n < 500; ++n) {
    const Vector3<T> aa = RandomAxisAngle<T>(rng);
    ExpectRotation(AxisAngleToMatrix(aa), Tol<T>());
    ExpectRoundTrip(aa, AxisAngleToMatrix<T>, MatrixToAxisAngle<T>, T(4) * Tol<T>(), Tol<T>());
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
    ExpectRotation(QuaternionToMatrix(q), Tol<T>());
    EXPECT_GE(MatrixToQuaternion(QuaternionToMatrix(q))[0], T(0));
    ExpectRoundTrip(q, QuaternionToMatrix<T>, MatrixToQuaternion<T>, Tol<T>(), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, MatrixRotation6dRoundTripRandom) {
  using T = TypeParam;
  Rng rng(6);
  for (int n = 0; n < 500; ++n) {
    ExpectRoundTrip(RandomRotation<T>(rng), MatrixToRotation6d<T>, Rotation6dToMatrix<T>, Tol<T>(),
                    Tol<T>());
  }
}

TYPED_TEST(RotationTyped, AxisAngleRotation6dRoundTripRandom) {
  using T = TypeParam;
  Rng rng(7);
  for (int n = 0; n < 500; ++n) {
    ExpectRoundTrip(RandomAxisAngle<T>(rng), AxisAngleToRotation6d<T>, Rotation6dToAxisAngle<T>,
                    T(4) * Tol<T>(), Tol<T>());
  }
}

TYPED_TEST(RotationTyped, QuaternionRotation6dRoundTripRandom) {
  using T = TypeParam;
  Rng rng(8);
  for (int n = 0; n < 500; ++n) {
    ExpectRoundTrip(RandomQuaternion<T>(rng), QuaternionToRotation6d<T>, Rotation6dToQuaternion<T>,
                    Tol<T>(), Tol<T>());
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
  auto make_m = [](Rng& rng) { return FlattenRowMajor(RandomRotation<T>(rng)); };
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
