// Quaternion algebra (product, inverse, rotate, slerp) and the shortest-arc
// rotations between two directions (QuaternionBetween, AlignVectors).
// Conversions between the rotation forms: rotation_test.cc.

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::EdgeAxes;
using testing::ExpectRotation;
using testing::ExpectSameQuaternion;
using testing::kPi;
using testing::MaxAbsDiff;
using testing::RandomQuaternion;
using testing::RandomUnitVector;
using testing::Tol;

template <typename T>
class QuaternionTyped : public ::testing::Test {};
TYPED_TEST_SUITE(QuaternionTyped, testing::FloatAndDouble);

// ---------------------------------------------------------------------------
// Quaternion algebra
// ---------------------------------------------------------------------------

TYPED_TEST(QuaternionTyped, MultiplyComposesLikeMatrices) {
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

TYPED_TEST(QuaternionTyped, InverseAndConjugate) {
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

TYPED_TEST(QuaternionTyped, RotateEqualsMatrixTimesVector) {
  using T = TypeParam;
  Rng rng(16);
  for (int n = 0; n < 200; ++n) {
    const Quaternion<T> q = RandomQuaternion<T>(rng);
    const Vector3<T> v = RandomUnitVector<T>(rng) * T(rng.Uniform(0.1, 5.0));
    EXPECT_LE(MaxAbsDiff(QuaternionRotate(q, v), Vector3<T>(QuaternionToMatrix(q) * v)),
              T(5) * Tol<T>());
  }
}

TYPED_TEST(QuaternionTyped, SlerpEndpointsAndConstantSpeed) {
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

TYPED_TEST(QuaternionTyped, SlerpOfNearlyEqualQuaternions) {
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

TYPED_TEST(QuaternionTyped, AlignVectorsRandomPairsOfAnyLength) {
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

TYPED_TEST(QuaternionTyped, AlignVectorsParallelIsExactIdentity) {
  using T = TypeParam;
  for (const auto& axis : EdgeAxes<T>()) {
    // Scaling by a power of two keeps the normalised directions bit-identical.
    EXPECT_EQ(AlignVectors(axis, Vector3<T>(axis * T(4))), Matrix3<T>::Identity());
    EXPECT_EQ(QuaternionBetween(axis, axis), Quaternion<T>(T(1), T(0), T(0), T(0)));
  }
}

TYPED_TEST(QuaternionTyped, AlignVectorsAntiparallelIsHalfTurn) {
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

// For 100 random unit vectors u (from an Rng seeded `seed`) and each angle:
// check(u, v, angle) with v = u turned by `angle` about a random axis
// perpendicular to u, all in double.
template <typename Check>
void ForRandomPairsAtAngles(uint64_t seed, std::initializer_list<double> angles, Check check) {
  Rng rng(seed);
  for (int n = 0; n < 100; ++n) {
    const Vector3<double> u = RandomUnitVector<double>(rng);
    const Vector3<double> perp = (u.cross(RandomUnitVector<double>(rng))).normalized();
    for (double angle : angles) {
      check(u, Vector3<double>(Eigen::AngleAxis<double>(angle, perp) * u), angle);
    }
  }
}

TYPED_TEST(QuaternionTyped, AlignVectorsNearlyAntiparallel) {
  using T = TypeParam;
  // 1e-9 off antiparallel: the naive (u x v) / (1 + u . v) form loses ~1e-7
  // here in double; R * u must still hit v to a few eps.
  const auto check = [](const Vector3<double>& u, const Vector3<double>& v, double angle) {
    ExpectAligns<T>(u.cast<T>() * T(1.7), v.cast<T>(), Tol<T>());
    if (std::is_same_v<T, double>) {
      const Matrix3<double> r = AlignVectors(u, v);
      EXPECT_LE((r * u - v).norm(), 1e-14);
      EXPECT_NEAR(MatrixToAxisAngle(r).norm(), angle, 1e-14);
    }
  };
  ForRandomPairsAtAngles(19, {kPi - 1e-9, kPi - 1e-6}, check);
}

TYPED_TEST(QuaternionTyped, AlignVectorsNearlyParallel) {
  using T = TypeParam;
  const auto check = [](const Vector3<double>& u, const Vector3<double>& v, double) {
    ExpectAligns<T>(u.cast<T>(), v.cast<T>() * T(0.2), Tol<T>());
    if (std::is_same_v<T, double>) {
      const Matrix3<double> r = AlignVectors(u, v);
      EXPECT_LE((r * u - v).norm(), 1e-14);
    }
  };
  ForRandomPairsAtAngles(20, {1e-12, 1e-9, 1e-6}, check);
}

}  // namespace
}  // namespace intersynth

namespace intersynth {
namespace {

TEST(Quaternion, BetweenOrIdentityGivesIdentityForZeroVectors) {
  const Vector3<double> zero = Vector3<double>::Zero();
  const Vector3<double> x = Vector3<double>::UnitX();
  const Vector3<double> y(0.0, 2.0, 0.0);
  EXPECT_EQ(QuaternionBetweenOrIdentity(zero, x), QuaternionIdentity<double>());
  EXPECT_EQ(QuaternionBetweenOrIdentity(x, zero), QuaternionIdentity<double>());
  EXPECT_EQ(QuaternionBetweenOrIdentity(x, y), QuaternionBetween(x, y));
  EXPECT_LT((QuaternionRotate(QuaternionIdentity<double>(), y) - y).norm(), 1e-15);
}

}  // namespace
}  // namespace intersynth
