#include "intersynth/geometry/rotation.h"

namespace intersynth {
namespace {

// How each rotation form lies in a flat array: its number of scalars, and
// how to read one item into (and write it from) its Eigen type.

// Axis-angle (3), quaternion (4) and both 6D orders (6): kSize contiguous
// scalars, read as an Eigen column vector. Which 6D order they are in is the
// converter's business.
template <typename T, int N>
struct VectorLayout {
  static constexpr int kSize = N;
  using Vector = Eigen::Matrix<T, kSize, 1>;
  static Vector Load(const T* p) { return Eigen::Map<const Vector>(p); }
  static void Store(const Vector& v, T* p) {
    Eigen::Map<Vector> out(p);
    out = v;
  }
};
template <typename T>
using AxisAngleLayout = VectorLayout<T, 3>;
template <typename T>
using QuaternionLayout = VectorLayout<T, 4>;
template <typename T>
using Rotation6dLayout = VectorLayout<T, 6>;

// Matrices are row-major in flat arrays (DESIGN.md); Eigen's are column-major.
template <typename T>
struct MatrixLayout {
  static constexpr int kSize = 9;
  using RowMajor3 = Eigen::Matrix<T, 3, 3, Eigen::RowMajor>;
  static Matrix3<T> Load(const T* p) { return Eigen::Map<const RowMajor3>(p); }
  static void Store(const Matrix3<T>& r, T* p) {
    Eigen::Map<RowMajor3> out(p);
    out = r;
  }
};

// The one loop behind every *Batch function.
template <typename In, typename Out, typename T, typename Convert>
void ConvertBatch(const T* in, int64_t n, T* out, Convert convert) {
  INTERSYNTH_CHECK(n >= 0) << "negative batch size " << n;
  INTERSYNTH_CHECK(n == 0 || (in != nullptr && out != nullptr)) << "null batch pointer";
  for (int64_t i = 0; i < n; ++i) {
    Out::Store(convert(In::Load(in + i * In::kSize)), out + i * Out::kSize);
  }
}

}  // namespace

// Each definition: (name, input layout, output layout, single-item converter).
#define INTERSYNTH_DEFINE_ROTATION_BATCH(name, in_layout, out_layout, convert)              \
  template <typename T>                                                                     \
  void name(const T* in, int64_t n, T* out) {                                               \
    ConvertBatch<in_layout<T>, out_layout<T>>(in, n, out,                                   \
                                              [](const auto& x) { return convert<T>(x); }); \
  }                                                                                         \
  template void name<float>(const float*, int64_t, float*);                                 \
  template void name<double>(const double*, int64_t, double*);

INTERSYNTH_DEFINE_ROTATION_BATCH(AxisAngleToMatrixBatch,
                                 AxisAngleLayout,
                                 MatrixLayout,
                                 AxisAngleToMatrix)
INTERSYNTH_DEFINE_ROTATION_BATCH(MatrixToAxisAngleBatch,
                                 MatrixLayout,
                                 AxisAngleLayout,
                                 MatrixToAxisAngle)
INTERSYNTH_DEFINE_ROTATION_BATCH(AxisAngleToQuaternionBatch,
                                 AxisAngleLayout,
                                 QuaternionLayout,
                                 AxisAngleToQuaternion)
INTERSYNTH_DEFINE_ROTATION_BATCH(QuaternionToAxisAngleBatch,
                                 QuaternionLayout,
                                 AxisAngleLayout,
                                 QuaternionToAxisAngle)
INTERSYNTH_DEFINE_ROTATION_BATCH(QuaternionToMatrixBatch,
                                 QuaternionLayout,
                                 MatrixLayout,
                                 QuaternionToMatrix)
INTERSYNTH_DEFINE_ROTATION_BATCH(MatrixToQuaternionBatch,
                                 MatrixLayout,
                                 QuaternionLayout,
                                 MatrixToQuaternion)
INTERSYNTH_DEFINE_ROTATION_BATCH(MatrixToRotation6dBatch,
                                 MatrixLayout,
                                 Rotation6dLayout,
                                 MatrixToRotation6d)
INTERSYNTH_DEFINE_ROTATION_BATCH(Rotation6dToMatrixBatch,
                                 Rotation6dLayout,
                                 MatrixLayout,
                                 Rotation6dToMatrix)
INTERSYNTH_DEFINE_ROTATION_BATCH(AxisAngleToRotation6dBatch,
                                 AxisAngleLayout,
                                 Rotation6dLayout,
                                 AxisAngleToRotation6d)
INTERSYNTH_DEFINE_ROTATION_BATCH(Rotation6dToAxisAngleBatch,
                                 Rotation6dLayout,
                                 AxisAngleLayout,
                                 Rotation6dToAxisAngle)
INTERSYNTH_DEFINE_ROTATION_BATCH(QuaternionToRotation6dBatch,
                                 QuaternionLayout,
                                 Rotation6dLayout,
                                 QuaternionToRotation6d)
INTERSYNTH_DEFINE_ROTATION_BATCH(Rotation6dToQuaternionBatch,
                                 Rotation6dLayout,
                                 QuaternionLayout,
                                 Rotation6dToQuaternion)
INTERSYNTH_DEFINE_ROTATION_BATCH(MatrixToRotation6dInterGenBatch,
                                 MatrixLayout,
                                 Rotation6dLayout,
                                 MatrixToRotation6dInterGen)
INTERSYNTH_DEFINE_ROTATION_BATCH(Rotation6dInterGenToMatrixBatch,
                                 Rotation6dLayout,
                                 MatrixLayout,
                                 Rotation6dInterGenToMatrix)

#undef INTERSYNTH_DEFINE_ROTATION_BATCH

}  // namespace intersynth
