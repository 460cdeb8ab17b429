#include "intersynth/geometry/euler.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <limits>
#include <string>

#include "intersynth/util/error.h"

namespace intersynth {
namespace {

// The axes of each order, in the enum's order (the names are kEulerOrderNames).
constexpr std::array<std::array<int, 3>, 6> kOrderAxes = {{
    {0, 1, 2},  // XYZ
    {0, 2, 1},  // XZY
    {1, 0, 2},  // YXZ
    {1, 2, 0},  // YZX
    {2, 0, 1},  // ZXY
    {2, 1, 0},  // ZYX
}};

// R_axis(angle) for axis 0 = X, 1 = Y, 2 = Z (right-hand rule).
template <typename T>
Matrix3<T> ElementaryRotation(int axis, T angle) {
  const T c = std::cos(angle);
  const T s = std::sin(angle);
  const int j = (axis + 1) % 3;
  const int k = (axis + 2) % 3;
  Matrix3<T> r = Matrix3<T>::Zero();
  r(axis, axis) = T(1);
  r(j, j) = c;
  r(j, k) = -s;
  r(k, j) = s;
  r(k, k) = c;
  return r;
}

}  // namespace

EulerOrder ParseEulerOrder(std::string_view text, std::string_view field) {
  // Any case: "zxy" is ZXY.
  std::string upper(text);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const EnumName<EulerOrder>& n : kEulerOrderNames) {
    if (upper == n.name) return n.value;
  }
  throw OptionError(
      fmt::format("{{{}}} must be {}, got '{}'", field, EnumChoices(kEulerOrderNames), text));
}

std::array<int, 3> EulerOrderAxes(EulerOrder order) {
  const auto index = static_cast<size_t>(order);
  INTERSYNTH_CHECK(index < kOrderAxes.size()) << "invalid EulerOrder " << index;
  return kOrderAxes[index];
}

template <typename T>
Matrix3<T> EulerToMatrix(const Vector3<T>& angles_rad, EulerOrder order) {
  const std::array<int, 3> axes = EulerOrderAxes(order);
  return ElementaryRotation(axes[0], angles_rad[0]) * ElementaryRotation(axes[1], angles_rad[1]) *
         ElementaryRotation(axes[2], angles_rad[2]);
}

template <typename T>
Vector3<T> MatrixToEuler(const Matrix3<T>& r, EulerOrder order) {
  const std::array<int, 3> axes = EulerOrderAxes(order);
  const int i = axes[0], j = axes[1], k = axes[2];
  // Parity: +1 when (i, j, k) is a cyclic shift of (0, 1, 2).
  const T s = (j == (i + 1) % 3) ? T(1) : T(-1);

  // The middle angle from R_ik = s sin b and |(R_ii, R_ij)| = cos b >= 0.
  const T cos_b = std::hypot(r(i, i), r(i, j));
  const T b = std::atan2(s * r(i, k), cos_b);

  // Gimbal lock: only a + s sin(b) c is defined; choose c = 0 and read a off
  // column j, which R_j(b) leaves alone.
  if (cos_b <= T(16) * std::numeric_limits<T>::epsilon()) {
    const T a = std::atan2(s * r(k, j), r(j, j));
    return Vector3<T>(a, b, T(0));
  }

  // First angle from column k: (R_jk, R_kk) = cos b (-s sin a, cos a).
  const T a = std::atan2(-s * r(j, k), r(k, k));
  // Third angle from row j of N = R_i(a)^T R = R_j(b) R_k(c), using the a just
  // chosen so that the three angles reproduce R together.
  const T cos_a = std::cos(a);
  const T sin_a = std::sin(a);
  const T n_ji = cos_a * r(j, i) + s * sin_a * r(k, i);
  const T n_jj = cos_a * r(j, j) + s * sin_a * r(k, j);
  const T c = std::atan2(s * n_ji, n_jj);
  return Vector3<T>(a, b, c);
}

template Matrix3<float> EulerToMatrix<float>(const Vector3<float>&, EulerOrder);
template Matrix3<double> EulerToMatrix<double>(const Vector3<double>&, EulerOrder);
template Vector3<float> MatrixToEuler<float>(const Matrix3<float>&, EulerOrder);
template Vector3<double> MatrixToEuler<double>(const Matrix3<double>&, EulerOrder);

}  // namespace intersynth
