#include "intersynth/geometry/rigid_transform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::ExpectRotation;
using testing::MaxAbsDiff;
using testing::RandomRotation;

// Composed transforms chain several products: in float they get the looser
// 5e-5 (1e-12 in double, as for every conversion).
template <typename T>
T Tol() {
  return testing::Tol<T>(5e-5f);
}

// A random rotation and a translation in [-5, 5)^3.
template <typename T>
RigidTransform<T> RandomTransform(Rng& rng) {
  const Matrix3<T> rotation = RandomRotation<T>(rng);
  const Vector3<T> t(T(rng.Uniform(-5, 5)), T(rng.Uniform(-5, 5)), T(rng.Uniform(-5, 5)));
  return RigidTransform<T>{rotation, t};
}

// A random point in [-3, 3)^3.
template <typename T>
Vector3<T> RandomPoint(Rng& rng) {
  return Vector3<T>(T(rng.Uniform(-3, 3)), T(rng.Uniform(-3, 3)), T(rng.Uniform(-3, 3)));
}

// Expects two points or 4x4 transforms to agree to 10 Tol, the rounding of a
// few products of random transforms.
template <typename A, typename B>
void ExpectNearAfterProducts(const Eigen::MatrixBase<A>& got, const Eigen::MatrixBase<B>& want) {
  using T = typename A::Scalar;
  const T diff = MaxAbsDiff(got.eval(), want.eval());
  EXPECT_LE(diff, T(10) * Tol<T>()) << "got\n" << got << "\nwant\n" << want;
}

template <typename T>
class RigidTransformTyped : public ::testing::Test {};
TYPED_TEST_SUITE(RigidTransformTyped, testing::FloatAndDouble);

TYPED_TEST(RigidTransformTyped, DefaultIsIdentity) {
  using T = TypeParam;
  const RigidTransform<T> identity;
  EXPECT_EQ(identity.rotation, Matrix3<T>::Identity());
  EXPECT_EQ(identity.translation, Vector3<T>::Zero());
  EXPECT_EQ(RigidTransform<T>::Identity().ToMatrix4(), Matrix4<T>::Identity());
  const Vector3<T> x(T(1), T(-2), T(3));
  EXPECT_EQ(identity * x, x);
}

TYPED_TEST(RigidTransformTyped, ApplyIsRotateThenTranslate) {
  using T = TypeParam;
  // world_from_camera: camera 1.5 m above the floor, turned 90deg about +Y.
  const RigidTransform<T> world_from_camera{AxisAngleToMatrix(Vector3<T>(0, T(EIGEN_PI / 2), 0)),
                                            Vector3<T>(0, T(1.5), 0)};
  // The camera's origin lands at the translation; its +Z axis at world +X.
  EXPECT_LE(MaxAbsDiff(world_from_camera * Vector3<T>::Zero(), Vector3<T>(0, T(1.5), 0)), Tol<T>());
  const Vector3<T> x_in_camera(0, 0, T(2));
  const Vector3<T> x_in_world = world_from_camera * x_in_camera;
  EXPECT_LE(MaxAbsDiff(x_in_world, Vector3<T>(T(2), T(1.5), 0)), Tol<T>());
}

TYPED_TEST(RigidTransformTyped, ComposeAppliesRightOperandFirst) {
  using T = TypeParam;
  Rng rng(1);
  for (int n = 0; n < 100; ++n) {
    const RigidTransform<T> a_from_b = RandomTransform<T>(rng);
    const RigidTransform<T> b_from_c = RandomTransform<T>(rng);
    const RigidTransform<T> c_from_d = RandomTransform<T>(rng);
    const Vector3<T> x_in_c = RandomPoint<T>(rng);
    const RigidTransform<T> a_from_c = a_from_b * b_from_c;
    ExpectNearAfterProducts(a_from_c * x_in_c, a_from_b * (b_from_c * x_in_c));
    // Associative, and the 4x4 forms multiply the same way.
    const RigidTransform<T> left = (a_from_b * b_from_c) * c_from_d;
    const RigidTransform<T> right = a_from_b * (b_from_c * c_from_d);
    ExpectNearAfterProducts(left.ToMatrix4(), right.ToMatrix4());
    ExpectNearAfterProducts(a_from_c.ToMatrix4(), a_from_b.ToMatrix4() * b_from_c.ToMatrix4());
  }
}

TYPED_TEST(RigidTransformTyped, InverseUndoesTransform) {
  using T = TypeParam;
  Rng rng(2);
  for (int n = 0; n < 100; ++n) {
    const RigidTransform<T> b_from_a = RandomTransform<T>(rng);
    const RigidTransform<T> a_from_b = b_from_a.Inverse();
    const Vector3<T> x_in_a = RandomPoint<T>(rng);
    ExpectNearAfterProducts(a_from_b * (b_from_a * x_in_a), x_in_a);
    ExpectNearAfterProducts((b_from_a * a_from_b).ToMatrix4(), Matrix4<T>::Identity());
    ExpectNearAfterProducts((a_from_b * b_from_a).ToMatrix4(), Matrix4<T>::Identity());
    ExpectNearAfterProducts(a_from_b.ToMatrix4(), b_from_a.ToMatrix4().inverse());
  }
}

TYPED_TEST(RigidTransformTyped, Matrix4RoundTrip) {
  using T = TypeParam;
  Rng rng(3);
  for (int n = 0; n < 100; ++n) {
    const RigidTransform<T> transform = RandomTransform<T>(rng);
    const Matrix4<T> m = transform.ToMatrix4();
    EXPECT_EQ(m.row(3), (Eigen::Matrix<T, 1, 4>(0, 0, 0, 1)));
    const RigidTransform<T> back = RigidTransform<T>::FromMatrix4(m);
    EXPECT_LE(MaxAbsDiff(back.rotation, transform.rotation), Tol<T>());
    EXPECT_EQ(back.translation, transform.translation);
  }
}

TYPED_TEST(RigidTransformTyped, FromMatrix4SnapsSlightlyOffRotation) {
  using T = TypeParam;
  Rng rng(4);
  const RigidTransform<T> transform = RandomTransform<T>(rng);
  Matrix4<T> m = transform.ToMatrix4();
  // Noise below the tolerance, as in a matrix written with ~6 digits.
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) m(i, j) += T(rng.Uniform(-2e-6, 2e-6));
  }
  const RigidTransform<T> back = RigidTransform<T>::FromMatrix4(m);
  // Snapped to a rotation to rounding, and still close to the one written.
  ExpectRotation(back.rotation, T(10) * std::numeric_limits<T>::epsilon());
  EXPECT_LE(MaxAbsDiff(back.rotation, transform.rotation), T(1e-5));
}

TYPED_TEST(RigidTransformTyped, FromMatrix4RejectsNonRigidWithContext) {
  using T = TypeParam;
  const Matrix4<T> good =
      RigidTransform<T>{AxisAngleToMatrix(Vector3<T>(T(0.1), T(0.2), T(0.3))), Vector3<T>(1, 2, 3)}
          .ToMatrix4();
  const std::string context = "scene/scene.json: key 'world_from_camera'";

  Matrix4<T> bottom = good;
  bottom(3, 0) = T(0.5);
  Matrix4<T> scaled = good;
  scaled.template topLeftCorner<3, 3>() *= T(2);
  Matrix4<T> reflection = good;
  reflection.row(0) *= T(-1);
  Matrix4<T> not_finite = good;
  not_finite(1, 3) = std::numeric_limits<T>::quiet_NaN();
  Matrix4<T> sheared = good;
  sheared(0, 1) += T(0.01);

  const std::vector<std::pair<Matrix4<T>, std::string>> cases = {{bottom, "bottom row"},
                                                                 {scaled, "orthonormal"},
                                                                 {reflection, "reflection"},
                                                                 {not_finite, "finite"},
                                                                 {sheared, "orthonormal"}};
  for (const auto& item : cases) {
    const Matrix4<T>& m = item.first;
    SCOPED_TRACE("case '" + item.second + "'");
    // The message starts with the context, then says what was expected.
    EXPECT_THAT([&] { RigidTransform<T>::FromMatrix4(m, context); },
                ::testing::ThrowsMessage<Error>(::testing::StartsWith(context + ": ")));
    EXPECT_ERROR_CONTAINS(RigidTransform<T>::FromMatrix4(m, context), {item.second});
  }
  EXPECT_NO_THROW(RigidTransform<T>::FromMatrix4(good, context));
}

TYPED_TEST(RigidTransformTyped, TransformPointsMatchesOperatorInPlaceToo) {
  using T = TypeParam;
  Rng rng(5);
  const RigidTransform<T> b_from_a = RandomTransform<T>(rng);
  constexpr int kCount = 20;
  std::vector<T> points(3 * kCount);
  for (T& v : points) v = T(rng.Uniform(-3, 3));
  std::vector<T> out(3 * kCount);
  b_from_a.TransformPoints(points.data(), kCount, out.data());
  std::vector<T> in_place = points;
  b_from_a.TransformPoints(in_place.data(), kCount, in_place.data());
  for (int i = 0; i < kCount; ++i) {
    const Vector3<T> want = b_from_a * Vector3<T>(Eigen::Map<const Vector3<T>>(&points[3 * i]));
    EXPECT_EQ(Vector3<T>(Eigen::Map<const Vector3<T>>(&out[3 * i])), want);
    EXPECT_EQ(Vector3<T>(Eigen::Map<const Vector3<T>>(&in_place[3 * i])), want);
  }
}

TEST(RigidTransform, CastBetweenFloatAndDouble) {
  Rng rng(6);
  const RigidTransformd d = RandomTransform<double>(rng);
  const RigidTransformf f = d.Cast<float>();
  EXPECT_LE(MaxAbsDiff(f.rotation.cast<double>(), d.rotation), 1e-7);
  EXPECT_LE(MaxAbsDiff(f.translation.cast<double>(), d.translation), 1e-6);
  const RigidTransformd back = f.Cast<double>();
  EXPECT_EQ(back.rotation, f.rotation.cast<double>());
}

}  // namespace
}  // namespace intersynth
