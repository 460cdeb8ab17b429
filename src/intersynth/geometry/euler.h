#pragma once
// Euler angles (Tait-Bryan: three different axes) in the six orders that BVH
// files use, and their conversion to and from rotation matrices.
//
// Convention: the order names the axes left to right as the matrix product
// composes them, which is how BVH channel lists read ("Zrotation Xrotation
// Yrotation" -> "ZXY"):
//
//   EulerToMatrix(angles, order) = R_{order[0]}(angles[0])
//                                * R_{order[1]}(angles[1])
//                                * R_{order[2]}(angles[2])
//
// angles[k] is always the angle about order[k] (not about X, Y, Z). Read as
// motions, these are INTRINSIC rotations: first about order[0], then about
// the rotated order[1], then about the twice-rotated order[2] (equivalently
// extrinsic about fixed axes in the reverse order). Matrices act on column
// vectors (x_parent = R * x_child), R_X(a) = [1 0 0; 0 cos a -sin a; 0 sin a cos a].
//
// Example: order "ZXY", angles (0.1, 0.2, 0.3) rad:
//   R = R_Z(0.1) * R_X(0.2) * R_Y(0.3);  MatrixToEuler(R, kZXY) = (0.1, 0.2, 0.3).
// A BVH joint with channels "Zrotation Xrotation Yrotation" and values
// (10, 20, 30) degrees is EulerDegreesToMatrix({10, 20, 30}, ParseEulerOrder("ZXY")).
//
// Ranges returned by MatrixToEuler: angles[0], angles[2] in (-pi, pi],
// angles[1] in [-pi/2, pi/2]. At gimbal lock (angles[1] = +-pi/2) only a
// sum or difference of angles[0] and angles[2] is defined; MatrixToEuler then
// returns angles[2] = 0 (see there).
//
// Implemented in euler.cc for T = float and double.

#include <array>
#include <string_view>

#include "intersynth/geometry/rotation.h"
#include "intersynth/util/options.h"

namespace intersynth {

/// The six Tait-Bryan orders, named left to right as in EulerToMatrix.
enum class EulerOrder { kXYZ, kXZY, kYXZ, kYZX, kZXY, kZYX };
inline constexpr EnumName<EulerOrder> kEulerOrderNames[] = {
    {EulerOrder::kXYZ, "XYZ"}, {EulerOrder::kXZY, "XZY"}, {EulerOrder::kYXZ, "YXZ"},
    {EulerOrder::kYZX, "YZX"}, {EulerOrder::kZXY, "ZXY"}, {EulerOrder::kZYX, "ZYX"}};

/// The upper-case name of an order, e.g. "ZXY".
inline std::string_view ToString(EulerOrder order) { return EnumToString(order, kEulerOrderNames); }

/// "XYZ", "XZY", "YXZ", "YZX", "ZXY" or "ZYX" (case-insensitive) -> the
/// order. Throws OptionError "{field} must be XYZ, ..., got 'text'" otherwise
/// (callers reading a file add its name and line).
EulerOrder ParseEulerOrder(std::string_view text, std::string_view field = "order");

/// The axis indices (0 = X, 1 = Y, 2 = Z) of an order, left to right.
std::array<int, 3> EulerOrderAxes(EulerOrder order);

/// R = R_{order[0]}(angles_rad[0]) * R_{order[1]}(angles_rad[1]) * R_{order[2]}(angles_rad[2]).
template <typename T>
Matrix3<T> EulerToMatrix(const Vector3<T>& angles_rad, EulerOrder order);

/// The angles (radians, in the order's own order) with
/// EulerToMatrix(MatrixToEuler(R, order), order) = R, for a rotation R.
///
/// With axes (i, j, k) = order and parity s = +1 for the cyclic orders XYZ,
/// YZX, ZXY (e_i x e_j = e_k) and -1 for XZY, YXZ, ZYX (e_i x e_j = -e_k),
/// R = R_i(a) R_j(b) R_k(c) has
///   R_ik = s sin b,   (R_ii, R_ij) = cos b (cos c, -s sin c),
///   (R_jk, R_kk) = cos b (-s sin a, cos a),
/// so
///   b = atan2(s R_ik, sqrt(R_ii^2 + R_ij^2))               in [-pi/2, pi/2]
///   a = atan2(-s R_jk, R_kk)
///   c from N = R_i(a)^T R = R_j(b) R_k(c), whose row j is row j of R_k(c):
///     c = atan2(s N_ji, N_jj),  N_j. = cos a R_j. + s sin a R_k.
///   (c computed from the a actually chosen, so that the matrix round trip
///   stays exact even close to gimbal lock, where a and c are ill-defined
///   individually).
/// Gimbal lock, cos b = 0 (to rounding): R = R_i(a + s sin(b) c) R_j(b), so
/// only that combination is defined. Then c = 0 and a comes from column j,
/// R e_j = R_i(a) e_j = cos a e_j + s sin a e_k:  a = atan2(s R_kj, R_jj).
/// Never NaN for a finite rotation matrix.
template <typename T>
Vector3<T> MatrixToEuler(const Matrix3<T>& rotation, EulerOrder order);

/// degrees * pi / 180.
template <typename T>
constexpr T DegreesToRadians(T degrees) {
  return degrees * (T(EIGEN_PI) / T(180));
}

/// radians * 180 / pi.
template <typename T>
constexpr T RadiansToDegrees(T radians) {
  return radians * (T(180) / T(EIGEN_PI));
}

/// EulerToMatrix with the angles in degrees (as BVH files store them).
template <typename T>
Matrix3<T> EulerDegreesToMatrix(const Vector3<T>& angles_deg, EulerOrder order) {
  return EulerToMatrix<T>(angles_deg * DegreesToRadians(T(1)), order);
}

/// MatrixToEuler with the angles returned in degrees.
template <typename T>
Vector3<T> MatrixToEulerDegrees(const Matrix3<T>& rotation, EulerOrder order) {
  return MatrixToEuler<T>(rotation, order) * RadiansToDegrees(T(1));
}

}  // namespace intersynth
