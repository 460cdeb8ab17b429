#include "intersynth/geometry/rotation.h"

namespace intersynth {
namespace {

// How each rotation form lies in a flat array: its number of scalars, and
// how to read one item into (and write it from) its Eigen type.

template <typename T>
struct AxisAngleLayout {
  static constexpr int kSize = 3;
  static Vector3<T> Load(const T* p) { return Eigen::Map<const Vector3<T>>(p); }
  static void Store(const Vector3<T>& v, T* p) {
    Eigen::Map<Vector3<T>> out(p);
    out = v;
  }
};

template <typename T>
struct QuaternionLayout {
  static constexpr int kSize = 4;
  static Quaternion<T> Load(const T* p) { return Eigen::Map<const Quaternion<T>>(p); }
  static void Store(const Quaternion<T>& q, T* p) {
    Eigen::Map<Quaternion<T>> out(p);
    out = q;
  }
};

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

// Both 6D orders are six contiguous scalars; the order is the converter's business.
template <typename T>
struct Rotation6dLayout {
  static constexpr int kSize = 6;
  static Rotation6d<T> Load(const T* p) { return Eigen::Map<const Rotation6d<T>>(p); }
  static void Store(const Rotation6d<T>& d, T* p) {
    Eigen::Map<Rotation6d<T>> out(p);
    out = d;
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
