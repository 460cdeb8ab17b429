#include "intersynth/geometry/euler.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <array>
#include <cctype>
#include <cmath>
#include <string>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::kPi;
using testing::MaxAbsDiff;
using testing::RandomRotation;

constexpr std::array<EulerOrder, 6> kAllOrders = {EulerOrder::kXYZ, EulerOrder::kXZY,
                                                  EulerOrder::kYXZ, EulerOrder::kYZX,
                                                  EulerOrder::kZXY, EulerOrder::kZYX};

// Each Euler matrix is a product of three axis rotations: in float these
// checks get the looser 5e-5 (1e-12 in double, as for every conversion).
template <typename T>
T Tol() {
  return testing::Tol<T>(5e-5f);
}

// The order's definition built from Eigen's AngleAxis about the unit axes
// (an independent construction of the same product).
template <typename T>
Matrix3<T> ReferenceEulerMatrix(const Vector3<T>& angles, EulerOrder order) {
  const std::array<int, 3> axes = EulerOrderAxes(order);
  Matrix3<T> r = Matrix3<T>::Identity();
  for (int n = 0; n < 3; ++n) {
    r = r * Eigen::AngleAxis<T>(angles[n], Vector3<T>::Unit(axes[n])).toRotationMatrix();
  }
  return r;
}

template <typename T>
class EulerTyped : public ::testing::Test {};
TYPED_TEST_SUITE(EulerTyped, testing::FloatAndDouble);

TEST(Euler, ParseEulerOrderAllSixAnyCase) {
  for (EulerOrder order : kAllOrders) {
    const std::string name(ToString(order));
    EXPECT_EQ(ParseEulerOrder(name), order);
    std::string lower = name;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(ParseEulerOrder(lower), order);
  }
  EXPECT_EQ(EulerOrderAxes(EulerOrder::kZXY), (std::array<int, 3>{2, 0, 1}));
}

TEST(Euler, ParseEulerOrderRejectsBadNames) {
  for (const std::string bad : {"", "XY", "XYZW", "XYX", "ZZY", "ABC", "X Y Z"}) {
    SCOPED_TRACE("name '" + bad + "'");
    // The message quotes the bad name and lists the six valid ones.
    EXPECT_ERROR_CONTAINS(ParseEulerOrder(bad),
                          {"order must be XYZ, XZY, YXZ, YZX, ZXY or ZYX, got '" + bad + "'"});
  }
  try {
    ParseEulerOrder("XYX", "axis_order");
    ADD_FAILURE() << "XYX was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"axis_order"});
  }
}

TEST(Euler, EveryOrderPrintsAndParsesBack) {
  for (const EnumName<EulerOrder>& n : kEulerOrderNames) {
    EXPECT_EQ(ToString(n.value), n.name);
    EXPECT_EQ(ParseEulerOrder(n.name), n.value);
  }
}

TYPED_TEST(EulerTyped, EulerToMatrixIsLeftToRightProduct) {
  using T = TypeParam;
  Rng rng(1);
  for (EulerOrder order : kAllOrders) {
    for (int n = 0; n < 50; ++n) {
      const Vector3<T> angles(T(rng.Uniform(-4, 4)), T(rng.Uniform(-4, 4)), T(rng.Uniform(-4, 4)));
      EXPECT_LE(MaxAbsDiff(EulerToMatrix(angles, order), ReferenceEulerMatrix(angles, order)),
                Tol<T>())
          << ToString(order);
    }
  }
}

TEST(Euler, HandWorkedExampleComposesIntrinsically) {
  // XYZ with (90deg, 90deg, 0): R = R_X(90) R_Y(90). R_Y(90) takes +X to -Z,
  // then R_X(90) takes -Z to +Y; so R x = y. (The reversed product
  // R_Y(90) R_X(90) would take +X to -Z instead.)
  const Matrix3<double> r = EulerDegreesToMatrix(Vector3<double>(90, 90, 0), EulerOrder::kXYZ);
  EXPECT_LE(MaxAbsDiff(r * Vector3<double>::UnitX(), Vector3<double>::UnitY()), 1e-15);
  EXPECT_LE(MaxAbsDiff(r * Vector3<double>::UnitZ(), Vector3<double>::UnitX()), 1e-15);
  // BVH "Zrotation Xrotation Yrotation" 30 0 0 is a yaw about Z only; the
  // first angle belongs to the first axis of the order, not to X.
  const Matrix3<double> zxy = EulerDegreesToMatrix(Vector3<double>(30, 0, 0), EulerOrder::kZXY);
  EXPECT_LE(
      MaxAbsDiff(zxy, Eigen::AngleAxisd(kPi / 6, Vector3<double>::UnitZ()).toRotationMatrix()),
      1e-15);
}

TYPED_TEST(EulerTyped, AnglesRoundTripInPrincipalRangeAllOrders) {
  using T = TypeParam;
  Rng rng(2);
  for (EulerOrder order : kAllOrders) {
    for (int n = 0; n < 200; ++n) {
      // Stay a little inside the range ends, where +-pi alias.
      const Vector3<T> angles(T(rng.Uniform(-3.1, 3.1)), T(rng.Uniform(-1.5, 1.5)),
                              T(rng.Uniform(-3.1, 3.1)));
      const Vector3<T> back = MatrixToEuler(EulerToMatrix(angles, order), order);
      EXPECT_LE(MaxAbsDiff(back, angles), T(20) * Tol<T>())
          << ToString(order) << " " << angles.transpose() << " -> " << back.transpose();
    }
  }
}

TYPED_TEST(EulerTyped, MatrixRoundTripRandomRotationsAllOrders) {
  using T = TypeParam;
  Rng rng(3);
  for (EulerOrder order : kAllOrders) {
    for (int n = 0; n < 200; ++n) {
      const Matrix3<T> r = RandomRotation<T>(rng);
      const Vector3<T> angles = MatrixToEuler(r, order);
      EXPECT_LE(std::abs(angles[0]), T(kPi));
      EXPECT_LE(std::abs(angles[1]), T(kPi / 2));
      EXPECT_LE(std::abs(angles[2]), T(kPi));
      EXPECT_LE(MaxAbsDiff(EulerToMatrix(angles, order), r), T(4) * Tol<T>()) << ToString(order);
    }
  }
}

TYPED_TEST(EulerTyped, GimbalLockSetsThirdAngleToZero) {
  using T = TypeParam;
  Rng rng(4);
  for (EulerOrder order : kAllOrders) {
    for (double middle : {kPi / 2, -kPi / 2}) {
      for (int n = 0; n < 50; ++n) {
        const Vector3<T> angles(T(rng.Uniform(-3, 3)), T(middle), T(rng.Uniform(-3, 3)));
        const Matrix3<T> r = EulerToMatrix(angles, order);
        const Vector3<T> back = MatrixToEuler(r, order);
        ASSERT_TRUE(back.allFinite()) << ToString(order);
        EXPECT_NEAR(back[1], T(middle), T(1e-3));  // float cos(pi/2) is 4e-8
        EXPECT_EQ(back[2], T(0)) << ToString(order);
        // Angles are not unique here: compare the matrices.
        EXPECT_LE(MaxAbsDiff(EulerToMatrix(back, order), r), T(4) * Tol<T>())
            << ToString(order) << " " << angles.transpose() << " -> " << back.transpose();
      }
    }
  }
}

TYPED_TEST(EulerTyped, GimbalLockExactFromConstruction) {
  using T = TypeParam;
  // Exact gimbal lock (entries exactly 0 and +-1, no rounding of cos(pi/2)):
  // the third angle is 0 and the first carries a + s sin(b) c.
  for (EulerOrder order : kAllOrders) {
    const std::array<int, 3> axes = EulerOrderAxes(order);
    const int j = axes[1];
    for (int sign : {1, -1}) {
      // R_j(+-90deg) with exact entries, then a turn about axis i in front.
      Matrix3<T> rj = Matrix3<T>::Zero();
      rj(j, j) = T(1);
      const int p = (j + 1) % 3, q = (j + 2) % 3;
      rj(p, q) = T(-sign);
      rj(q, p) = T(sign);
      const Matrix3<T> r = ReferenceEulerMatrix(Vector3<T>(T(0.7), T(0), T(0)), order) * rj;
      const Vector3<T> back = MatrixToEuler(r, order);
      ASSERT_TRUE(back.allFinite());
      EXPECT_EQ(back[2], T(0)) << ToString(order);
      EXPECT_NEAR(back[0], T(0.7), Tol<T>()) << ToString(order);
      EXPECT_NEAR(back[1], T(sign * kPi / 2), Tol<T>());
      EXPECT_LE(MaxAbsDiff(EulerToMatrix(back, order), r), T(4) * Tol<T>());
    }
  }
}

TYPED_TEST(EulerTyped, NearGimbalLockMatrixRoundTrip) {
  using T = TypeParam;
  // Close to the lock the first and third angles are individually
  // ill-conditioned; the matrix must still come back.
  Rng rng(5);
  for (EulerOrder order : kAllOrders) {
    for (double delta : {1e-3, 1e-6, 1e-9, 1e-12}) {
      for (double middle : {kPi / 2 - delta, -kPi / 2 + delta}) {
        const Vector3<T> angles(T(rng.Uniform(-3, 3)), T(middle), T(rng.Uniform(-3, 3)));
        // Through a quaternion, so that the tiny entries (~cos b) carry
        // absolute rounding noise as measured data does, not only relative.
        const Matrix3<T> r = QuaternionToMatrix(MatrixToQuaternion(EulerToMatrix(angles, order)));
        const Vector3<T> back = MatrixToEuler(r, order);
        ASSERT_TRUE(back.allFinite());
        EXPECT_LE(MaxAbsDiff(EulerToMatrix(back, order), r), T(4) * Tol<T>())
            << ToString(order) << " delta " << delta;
      }
    }
  }
}

TYPED_TEST(EulerTyped, DegreeHelpers) {
  using T = TypeParam;
  EXPECT_NEAR(DegreesToRadians(T(180)), T(kPi), Tol<T>());
  EXPECT_NEAR(RadiansToDegrees(T(kPi / 2)), T(90), T(100) * Tol<T>());
  EXPECT_NEAR(RadiansToDegrees(DegreesToRadians(T(37.5))), T(37.5), T(100) * Tol<T>());
  const Vector3<T> degrees(T(10), T(-20), T(30));
  const Matrix3<T> r = EulerDegreesToMatrix(degrees, EulerOrder::kYZX);
  EXPECT_LE(MaxAbsDiff(r, EulerToMatrix(Vector3<T>(degrees * T(kPi / 180)), EulerOrder::kYZX)),
            Tol<T>());
  EXPECT_LE(MaxAbsDiff(MatrixToEulerDegrees(r, EulerOrder::kYZX), degrees), T(100) * Tol<T>());
}

}  // namespace
}  // namespace intersynth
