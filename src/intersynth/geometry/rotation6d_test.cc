// The continuous 6D rotation form (Zhou et al. 2019): its layout, the
// Gram-Schmidt decoder on arbitrary and degenerate input, and InterGen's
// row-wise order. Conversions between all forms: rotation_test.cc.

#include <gtest/gtest.h>

#include "intersynth/geometry/geometry_test_util.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

using testing::ExpectRotation;
using testing::MaxAbsDiff;
using testing::RandomRotation;
using testing::Tol;

template <typename T>
class Rotation6dTyped : public ::testing::Test {};
TYPED_TEST_SUITE(Rotation6dTyped, testing::FloatAndDouble);

// ---------------------------------------------------------------------------
// Layout: standard (column-wise) and InterGen (row-wise)
// ---------------------------------------------------------------------------

TEST(Rotation6d, IsFirstTwoColumnsColumnMajor) {
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
// Gram-Schmidt decoder (Zhou et al. 2019, eq. 16)
// ---------------------------------------------------------------------------

TYPED_TEST(Rotation6dTyped, GramSchmidtOfNonOrthonormalInput) {
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

TYPED_TEST(Rotation6dTyped, DegenerateInputGivesRotation) {
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

// ---------------------------------------------------------------------------
// InterGen's row-wise order
// ---------------------------------------------------------------------------

TYPED_TEST(Rotation6dTyped, InterGenOrderRoundTrip) {
  using T = TypeParam;
  Rng rng(13);
  for (int n = 0; n < 200; ++n) {
    const Matrix3<T> r = RandomRotation<T>(rng);
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

}  // namespace
}  // namespace intersynth
