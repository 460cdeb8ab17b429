#pragma once
// Rotations in four forms and the conversions between every pair of them:
// axis-angle, unit quaternion, 3x3 matrix and the continuous 6D form.
//
// Conventions (fixed for the whole project, DESIGN.md):
//   * Rotation matrices act on column vectors: x_in_b = R * x_in_a (+ t).
//     When a matrix lies in a flat array (the *Batch functions, npz files),
//     it is stored ROW-MAJOR: R00 R01 R02 R10 ... R22.
//   * Axis-angle: a Vector3 aa = theta * n with |n| = 1, theta = |aa| in
//     radians, rotating counter-clockwise (right-hand rule) about n.
//   * Quaternion: Eigen::Matrix<T, 4, 1> q = (w, x, y, z) with q[0] the SCALAR
//     part, q = (cos(theta/2), sin(theta/2) * n). This is NOT the storage
//     order of Eigen::Quaternion (whose coeffs() are x, y, z, w); never
//     memcpy between the two. q and -q are the same rotation.
//   * 6D rotation (Zhou et al., "On the Continuity of Rotation
//     Representations in Neural Networks", CVPR 2019, Sec. 4.2 / eq. 15-16):
//     the first two COLUMNS of R, stored column 0 then column 1:
//        d = (R00, R10, R20, R01, R11, R21).
//     This is the memory order of the motion file's `rotations` and of the
//     HumanML3D 263 layout. InterGen's 262 files store the same six numbers
//     row by row, (R00, R01, R10, R11, R20, R21)
//     (shared/notes/intergen-format.md, "rot6d order"): use the *InterGen*
//     helpers for those.
//
// Numerics: every conversion is exact (to rounding) at theta = 0 and at
// theta = pi, and has no loss of digits near them (series at theta -> 0,
// atan2 instead of acos, the symmetric part of R near theta = pi, Shepperd's
// branch choice for matrix -> quaternion). Tests: rotation_test.cc
// (conversions, edge cases, batches), quaternion_test.cc (quaternion algebra,
// QuaternionBetween, AlignVectors), rotation6d_test.cc (6D decoder, InterGen).
//
// The single-rotation functions are inline templates (T = float or double);
// the *Batch functions over contiguous arrays are compiled in rotation.cc for
// float and double.

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "intersynth/util/error.h"

namespace intersynth {

/// A 3-vector of scalar T (points, directions, axis-angle).
template <typename T>
using Vector3 = Eigen::Matrix<T, 3, 1>;
/// A 3x3 matrix of scalar T (rotation matrices act on column vectors).
template <typename T>
using Matrix3 = Eigen::Matrix<T, 3, 3>;
/// A 4x4 matrix of scalar T (homogeneous transforms).
template <typename T>
using Matrix4 = Eigen::Matrix<T, 4, 4>;
/// A quaternion (w, x, y, z), q[0] = w is the scalar part. Not Eigen::Quaternion.
template <typename T>
using Quaternion = Eigen::Matrix<T, 4, 1>;
/// A 6D rotation (R00, R10, R20, R01, R11, R21): column 0 then column 1 of R.
template <typename T>
using Rotation6d = Eigen::Matrix<T, 6, 1>;

namespace internal {

/// Below this angle (radians) the trigonometric ratios use their Taylor
/// series: eps^(1/4), i.e. 1.2e-4 for double and 1.9e-2 for float, where the
/// first dropped term (theta^6 / 5040) is far below eps.
template <typename T>
inline T SmallAngle() {
  return std::sqrt(std::sqrt(std::numeric_limits<T>::epsilon()));
}

/// [v]x, the cross-product matrix: [v]x * u = v x u.
template <typename T>
inline Matrix3<T> CrossMatrix(const Vector3<T>& v) {
  Matrix3<T> k;
  k << T(0), -v.z(), v.y(),  //
      v.z(), T(0), -v.x(),   //
      -v.y(), v.x(), T(0);
  return k;
}

/// A unit vector perpendicular to the non-zero vector v: v x e, with e the
/// coordinate axis least aligned with v (so |v x e| >= |v| sqrt(2/3)).
template <typename T>
inline Vector3<T> AnyPerpendicular(const Vector3<T>& v) {
  const Vector3<T> a = v.cwiseAbs();
  Vector3<T> e = Vector3<T>::Zero();
  if (a.x() <= a.y() && a.x() <= a.z()) {
    e.x() = T(1);
  } else if (a.y() <= a.z()) {
    e.y() = T(1);
  } else {
    e.z() = T(1);
  }
  return v.cross(e).normalized();
}

/// Rodrigues' formula from a unit axis n and the sine and cosine of theta:
///   R = cos(theta) I + sin(theta) [n]x + (1 - cos(theta)) n n^T.
/// one_minus_cos is passed separately so callers can compute it as
/// 2 sin^2(theta/2) without cancellation near theta = 0.
template <typename T>
inline Matrix3<T> RodriguesFromUnitAxis(const Vector3<T>& n,
                                        T sin_theta,
                                        T cos_theta,
                                        T one_minus_cos) {
  Matrix3<T> r = one_minus_cos * (n * n.transpose()) + sin_theta * CrossMatrix(n);
  r.diagonal().array() += cos_theta;
  return r;
}

/// The shortest-arc rotation taking direction `from` to direction `to`, as a
/// unit axis and an angle in [0, pi] (see AlignVectors for the method).
template <typename T>
inline void ShortestArc(const Vector3<T>& from, const Vector3<T>& to, Vector3<T>* axis, T* angle) {
  const T from_norm = from.norm();
  const T to_norm = to.norm();
  INTERSYNTH_CHECK(from_norm > T(0) && to_norm > T(0))
      << "ShortestArc needs non-zero vectors, got |from| = " << from_norm << ", |to| = " << to_norm;
  const Vector3<T> u = from / from_norm;
  const Vector3<T> v = to / to_norm;
  const T d = u.dot(v);
  // u x v = u x (v - u) = u x (v + u). The small difference v -+ u is exact
  // (Sterbenz) when u and v are nearly (anti)parallel, so c keeps its full
  // relative precision and stays perpendicular to u; the naive u x v loses
  // eps / sin(theta) of it to cancellation.
  const Vector3<T> c = d >= T(0) ? Vector3<T>(u.cross(v - u)) : Vector3<T>(u.cross(v + u));
  const T c_norm = c.norm();
  // Parallel: no rotation. Antiparallel: half a turn about any axis
  // perpendicular to u (every such axis maps u to -u).
  if (!(c_norm > std::numeric_limits<T>::min())) {
    *angle = d >= T(0) ? T(0) : T(EIGEN_PI);
    *axis = d >= T(0) ? Vector3<T>::UnitX() : AnyPerpendicular(u);
    return;
  }
  *axis = c / c_norm;
  *angle = std::atan2(c_norm, d);
}

}  // namespace internal

// ---------------------------------------------------------------------------
// Axis-angle <-> matrix
// ---------------------------------------------------------------------------

/// Rodrigues' rotation formula. With theta = |aa| and K = [aa]x:
///   R = I + a K + b K^2,  a = sin(theta) / theta,
///                         b = (1 - cos(theta)) / theta^2 = 2 sin^2(theta/2) / theta^2.
/// Since K^2 = aa aa^T - theta^2 I:  R = (1 - b theta^2) I + a K + b aa aa^T.
/// theta < SmallAngle: a = 1 - theta^2/6 + theta^4/120,
///                     b = 1/2 - theta^2/24 + theta^4/720   (exact I at 0).
template <typename T>
inline Matrix3<T> AxisAngleToMatrix(const Vector3<T>& axis_angle) {
  const T theta2 = axis_angle.squaredNorm();
  const T small = internal::SmallAngle<T>();
  T a, b;
  if (theta2 < small * small) {
    a = T(1) - theta2 / T(6) + theta2 * theta2 / T(120);
    b = T(0.5) - theta2 / T(24) + theta2 * theta2 / T(720);
  } else {
    const T theta = std::sqrt(theta2);
    const T half_sin = std::sin(T(0.5) * theta);
    a = std::sin(theta) / theta;
    b = T(2) * half_sin * half_sin / theta2;
  }
  Matrix3<T> r = b * (axis_angle * axis_angle.transpose()) + a * internal::CrossMatrix(axis_angle);
  r.diagonal().array() += T(1) - b * theta2;
  return r;
}

/// The axis-angle vector of a rotation matrix, with |aa| = theta in [0, pi].
///   s = (R21 - R12, R02 - R20, R10 - R01) / 2 = sin(theta) n
///   c = (trace(R) - 1) / 2                     = cos(theta)
///   theta = atan2(|s|, c)                      (no acos: exact near 0 and pi)
/// theta < pi/2 (c > 0): aa = s * theta / |s|, where theta / |s| uses the
///   series theta / sin(theta) = 1 + theta^2/6 + 7 theta^4/360 when theta <
///   SmallAngle (exact 0 at R = I).
/// theta >= pi/2 (c <= 0): s -> 0 as theta -> pi, so the axis comes from the symmetric
///   part instead: (R + R^T)/2 = c I + (1 - c) n n^T, hence
///   n n^T = ((R + R^T)/2 - c I) / (1 - c). Take the column i with the largest
///   diagonal R_ii (n_i^2 >= 1/3, no cancellation): n_i = sqrt(nn_ii),
///   n_j = nn_ij / n_i; then flip n so that n . s >= 0. At theta = pi exactly,
///   n and -n are both right; this returns the one with n_i > 0.
/// R must be a rotation (orthonormal, det +1) up to rounding.
template <typename T>
inline Vector3<T> MatrixToAxisAngle(const Matrix3<T>& r) {
  const Vector3<T> s(T(0.5) * (r(2, 1) - r(1, 2)), T(0.5) * (r(0, 2) - r(2, 0)),
                     T(0.5) * (r(1, 0) - r(0, 1)));
  const T c = T(0.5) * (r.trace() - T(1));
  const T s_norm = s.norm();
  const T theta = std::atan2(s_norm, c);

  // Less than a quarter turn: the antisymmetric part holds the axis accurately.
  if (c > T(0)) {
    const T small = internal::SmallAngle<T>();
    const T theta2 = theta * theta;
    const T factor =
        theta < small ? T(1) + theta2 / T(6) + T(7) * theta2 * theta2 / T(360) : theta / s_norm;
    return factor * s;
  }

  // A quarter turn or more: read n n^T off the symmetric part, pivoting on the
  // largest diagonal entry.
  Matrix3<T> nn = T(0.5) * (r + r.transpose());
  nn.diagonal().array() -= c;
  nn /= (T(1) - c);
  int i = 0;
  nn.diagonal().maxCoeff(&i);
  const T n_i = std::sqrt(std::max(nn(i, i), T(0)));
  Vector3<T> n = nn.col(i) / n_i;
  n(i) = n_i;
  n.normalize();
  if (n.dot(s) < T(0)) n = -n;
  return theta * n;
}

// ---------------------------------------------------------------------------
// Axis-angle <-> quaternion
// ---------------------------------------------------------------------------

/// q = (cos(theta/2), sin(theta/2)/theta * aa), theta = |aa|;
/// sin(theta/2)/theta = 1/2 - theta^2/48 + theta^4/3840 below SmallAngle.
/// w >= 0 whenever theta <= pi (no sign flip is applied: q stays a smooth
/// function of aa).
template <typename T>
inline Quaternion<T> AxisAngleToQuaternion(const Vector3<T>& axis_angle) {
  const T theta2 = axis_angle.squaredNorm();
  const T small = internal::SmallAngle<T>();
  T w, k;
  if (theta2 < small * small) {
    w = T(1) - theta2 / T(8) + theta2 * theta2 / T(384);
    k = T(0.5) - theta2 / T(48) + theta2 * theta2 / T(3840);
  } else {
    const T theta = std::sqrt(theta2);
    w = std::cos(T(0.5) * theta);
    k = std::sin(T(0.5) * theta) / theta;
  }
  return Quaternion<T>(w, k * axis_angle.x(), k * axis_angle.y(), k * axis_angle.z());
}

/// The axis-angle vector of a quaternion, |aa| = theta in [0, pi]:
///   q is first flipped to w >= 0 (q and -q are the same rotation), then
///   theta = 2 atan2(|v|, w)     (v = (x, y, z); no acos, exact near 0 and pi)
///   aa    = v * theta / |v|, with theta / |v| = (2 / w)(1 - t^2/3 + t^4/5),
///           t = |v| / w, when t < SmallAngle (exact 0 at q = identity).
/// Scale-invariant: q need not be exactly unit (it must be non-zero).
template <typename T>
inline Vector3<T> QuaternionToAxisAngle(const Quaternion<T>& q_in) {
  const Quaternion<T> q = q_in[0] < T(0) ? Quaternion<T>(-q_in) : q_in;
  const Vector3<T> v = q.template tail<3>();
  const T w = q[0];
  const T v_norm = v.norm();
  const T small = internal::SmallAngle<T>();
  if (v_norm < small * w) {
    const T t2 = (v_norm / w) * (v_norm / w);
    return (T(2) / w) * (T(1) - t2 / T(3) + t2 * t2 / T(5)) * v;
  }
  return (T(2) * std::atan2(v_norm, w) / v_norm) * v;
}

// ---------------------------------------------------------------------------
// Quaternion <-> matrix
// ---------------------------------------------------------------------------

/// The rotation matrix of q = (w, x, y, z), with s = 2 / |q|^2 so that a
/// non-unit q gives the rotation of q / |q|:
///   R = [1 - s(y^2 + z^2)   s(xy - zw)         s(xz + yw)
///        s(xy + zw)         1 - s(x^2 + z^2)   s(yz - xw)
///        s(xz - yw)         s(yz + xw)         1 - s(x^2 + y^2)]
/// q must be non-zero.
template <typename T>
inline Matrix3<T> QuaternionToMatrix(const Quaternion<T>& q) {
  const T s = T(2) / q.squaredNorm();
  const T w = q[0], x = q[1], y = q[2], z = q[3];
  Matrix3<T> r;
  r << T(1) - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w),  //
      s * (x * y + z * w), T(1) - s * (x * x + z * z), s * (y * z - x * w),   //
      s * (x * z - y * w), s * (y * z + x * w), T(1) - s * (x * x + y * y);
  return r;
}

/// Shepperd's method (S. W. Shepperd, "Quaternion from rotation matrix",
/// J. Guidance and Control 1(3), 1978): of
///   4w^2 = 1 + tr,  4x^2 = 1 + 2 R00 - tr,  4y^2 = 1 + 2 R11 - tr,
///   4z^2 = 1 + 2 R22 - tr,
/// take the square root of the largest (largest of tr, R00, R11, R22; it is
/// >= 1/4, so no cancellation and no division by a small number) and get
/// the other three from the off-diagonal sums and differences:
///   4wx = R21 - R12, 4wy = R02 - R20, 4wz = R10 - R01,
///   4xy = R01 + R10, 4xz = R02 + R20, 4yz = R12 + R21.
/// The result is normalised and has w >= 0.
template <typename T>
inline Quaternion<T> MatrixToQuaternion(const Matrix3<T>& r) {
  const T trace = r.trace();
  Quaternion<T> q;
  // Pick the best-conditioned of the four square roots.
  if (trace >= r(0, 0) && trace >= r(1, 1) && trace >= r(2, 2)) {
    const T w4 = T(2) * std::sqrt(T(1) + trace);  // 4w
    q << T(0.25) * w4, (r(2, 1) - r(1, 2)) / w4, (r(0, 2) - r(2, 0)) / w4, (r(1, 0) - r(0, 1)) / w4;
  } else if (r(0, 0) >= r(1, 1) && r(0, 0) >= r(2, 2)) {
    const T x4 = T(2) * std::sqrt(T(1) + r(0, 0) - r(1, 1) - r(2, 2));  // 4x
    q << (r(2, 1) - r(1, 2)) / x4, T(0.25) * x4, (r(0, 1) + r(1, 0)) / x4, (r(0, 2) + r(2, 0)) / x4;
  } else if (r(1, 1) >= r(2, 2)) {
    const T y4 = T(2) * std::sqrt(T(1) - r(0, 0) + r(1, 1) - r(2, 2));  // 4y
    q << (r(0, 2) - r(2, 0)) / y4, (r(0, 1) + r(1, 0)) / y4, T(0.25) * y4, (r(1, 2) + r(2, 1)) / y4;
  } else {
    const T z4 = T(2) * std::sqrt(T(1) - r(0, 0) - r(1, 1) + r(2, 2));  // 4z
    q << (r(1, 0) - r(0, 1)) / z4, (r(0, 2) + r(2, 0)) / z4, (r(1, 2) + r(2, 1)) / z4, T(0.25) * z4;
  }
  // Canonical sign and unit length (absorbs small non-orthonormality of R).
  if (q[0] < T(0)) q = -q;
  return q / q.norm();
}

// ---------------------------------------------------------------------------
// 6D <-> matrix (Zhou et al. 2019)
// ---------------------------------------------------------------------------

/// The first two columns of R: (R00, R10, R20, R01, R11, R21).
template <typename T>
inline Rotation6d<T> MatrixToRotation6d(const Matrix3<T>& r) {
  Rotation6d<T> d;
  d << r.col(0), r.col(1);
  return d;
}

/// Gram-Schmidt (Zhou et al. 2019, eq. 16) of d = (a1, a2), a1 = d[0:3],
/// a2 = d[3:6], any scale and not necessarily orthogonal:
///   b1 = a1 / |a1|
///   b2 = (a2 - (b1 . a2) b1) / |a2 - (b1 . a2) b1|
///   b3 = b1 x b2,          R = [b1 b2 b3] (columns).
/// Degenerate input (not expected from data, possible from a network): a1 = 0
/// gives b1 = +X; a2 parallel to a1 gives b2 = AnyPerpendicular(b1). The
/// result is always a rotation, never NaN (for finite input).
template <typename T>
inline Matrix3<T> Rotation6dToMatrix(const Rotation6d<T>& d) {
  const Vector3<T> a1 = d.template head<3>();
  const Vector3<T> a2 = d.template tail<3>();
  const T tiny = std::numeric_limits<T>::min();
  const T a1_norm = a1.norm();
  const Vector3<T> b1 = a1_norm > tiny ? Vector3<T>(a1 / a1_norm) : Vector3<T>::UnitX();
  const Vector3<T> u2 = a2 - b1.dot(a2) * b1;
  const T u2_norm = u2.norm();
  // The relative test catches a2 parallel to a1 up to rounding, not only
  // exactly: then u2 is rounding noise and its direction is meaningless.
  const Vector3<T> b2 =
      u2_norm > std::numeric_limits<T>::epsilon() * T(4) * a2.norm() && u2_norm > tiny
          ? Vector3<T>(u2 / u2_norm)
          : internal::AnyPerpendicular(b1);
  Matrix3<T> r;
  r << b1, b2, b1.cross(b2);
  return r;
}

/// The standard 6D order (column 0, column 1) from InterGen's row-wise order:
/// (R00, R01, R10, R11, R20, R21) -> (R00, R10, R20, R01, R11, R21).
template <typename T>
inline Rotation6d<T> Rotation6dInterGenToStandard(const Rotation6d<T>& intergen) {
  Rotation6d<T> d;
  d << intergen[0], intergen[2], intergen[4], intergen[1], intergen[3], intergen[5];
  return d;
}

/// InterGen's row-wise 6D order from the standard one:
/// (R00, R10, R20, R01, R11, R21) -> (R00, R01, R10, R11, R20, R21).
template <typename T>
inline Rotation6d<T> Rotation6dStandardToInterGen(const Rotation6d<T>& d) {
  Rotation6d<T> g;
  g << d[0], d[3], d[1], d[4], d[2], d[5];
  return g;
}

/// The first two columns of R in InterGen's 262 order (R00, R01, R10, R11, R20, R21).
template <typename T>
inline Rotation6d<T> MatrixToRotation6dInterGen(const Matrix3<T>& r) {
  Rotation6d<T> g;
  g << r(0, 0), r(0, 1), r(1, 0), r(1, 1), r(2, 0), r(2, 1);
  return g;
}

/// Rotation6dToMatrix of a 6D rotation in InterGen's order (R00, R01, R10, R11, R20, R21).
template <typename T>
inline Matrix3<T> Rotation6dInterGenToMatrix(const Rotation6d<T>& intergen) {
  return Rotation6dToMatrix(Rotation6dInterGenToStandard(intergen));
}

// ---------------------------------------------------------------------------
// The remaining pairs, through the matrix
// ---------------------------------------------------------------------------

/// The standard 6D form of an axis-angle rotation.
template <typename T>
inline Rotation6d<T> AxisAngleToRotation6d(const Vector3<T>& axis_angle) {
  return MatrixToRotation6d(AxisAngleToMatrix(axis_angle));
}

/// The axis-angle form (|aa| in [0, pi]) of a 6D rotation (Gram-Schmidt first).
template <typename T>
inline Vector3<T> Rotation6dToAxisAngle(const Rotation6d<T>& d) {
  return MatrixToAxisAngle(Rotation6dToMatrix(d));
}

/// The standard 6D form of a quaternion (need not be unit, must be non-zero).
template <typename T>
inline Rotation6d<T> QuaternionToRotation6d(const Quaternion<T>& q) {
  return MatrixToRotation6d(QuaternionToMatrix(q));
}

/// The unit quaternion (w >= 0) of a 6D rotation (Gram-Schmidt first).
template <typename T>
inline Quaternion<T> Rotation6dToQuaternion(const Rotation6d<T>& d) {
  return MatrixToQuaternion(Rotation6dToMatrix(d));
}

// ---------------------------------------------------------------------------
// Quaternion algebra
// ---------------------------------------------------------------------------

/// The Hamilton product a * b, the rotation that applies b first, then a:
///   QuaternionToMatrix(a * b) = QuaternionToMatrix(a) * QuaternionToMatrix(b).
///   (a * b).w = aw bw - av . bv,   (a * b).v = aw bv + bw av + av x bv.
template <typename T>
inline Quaternion<T> QuaternionMultiply(const Quaternion<T>& a, const Quaternion<T>& b) {
  return Quaternion<T>(a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
                       a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
                       a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
                       a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0]);
}

/// (w, -x, -y, -z): the inverse rotation of a unit quaternion.
template <typename T>
inline Quaternion<T> QuaternionConjugate(const Quaternion<T>& q) {
  return Quaternion<T>(q[0], -q[1], -q[2], -q[3]);
}

/// q^-1 = conj(q) / |q|^2; for a unit quaternion (the intended use) this is
/// the conjugate, the inverse rotation. q must be non-zero.
template <typename T>
inline Quaternion<T> QuaternionInverse(const Quaternion<T>& q) {
  return QuaternionConjugate(q) / q.squaredNorm();
}

/// q / |q|. Aborts (programmer error) on the zero quaternion.
template <typename T>
inline Quaternion<T> QuaternionNormalize(const Quaternion<T>& q) {
  const T norm = q.norm();
  INTERSYNTH_CHECK(norm > T(0)) << "QuaternionNormalize of the zero quaternion";
  return q / norm;
}

/// Rotates v by the unit quaternion q (= QuaternionToMatrix(q) * v):
///   t = 2 (u x v),  v' = v + w t + u x t,   with q = (w, u).
template <typename T>
inline Vector3<T> QuaternionRotate(const Quaternion<T>& q, const Vector3<T>& v) {
  const Vector3<T> u = q.template tail<3>();
  const Vector3<T> t = T(2) * u.cross(v);
  return v + q[0] * t + u.cross(t);
}

/// The shortest-arc unit quaternion (w >= 0) taking direction u to direction
/// v (both non-zero, any length): QuaternionRotate(q, u/|u|) = v/|v|.
/// Same axis and angle as AlignVectors (see there for the numerics);
/// q = (cos(theta/2), sin(theta/2) n). Antiparallel u, v give a half turn
/// (w = 0) about an axis perpendicular to u.
template <typename T>
inline Quaternion<T> QuaternionBetween(const Vector3<T>& u, const Vector3<T>& v) {
  Vector3<T> axis;
  T angle;
  internal::ShortestArc(u, v, &axis, &angle);
  const T half = T(0.5) * angle;
  const T s = std::sin(half);
  // angle <= pi, but T(pi) rounds up in float, so cos(half) can be -4e-8:
  // clamp to keep the documented w >= 0.
  const T w = std::max(T(0), std::cos(half));
  return Quaternion<T>(w, s * axis.x(), s * axis.y(), s * axis.z());
}

/// The identity rotation (1, 0, 0, 0).
template <typename T>
inline Quaternion<T> QuaternionIdentity() {
  return Quaternion<T>(T(1), T(0), T(0), T(0));
}

/// QuaternionBetween, except that a zero u or v (a bone of zero length, a
/// direction that cannot be told) gives the identity instead of a failed check.
template <typename T>
inline Quaternion<T> QuaternionBetweenOrIdentity(const Vector3<T>& u, const Vector3<T>& v) {
  if (u.squaredNorm() == T(0) || v.squaredNorm() == T(0)) return QuaternionIdentity<T>();
  return QuaternionBetween(u, v);
}

/// Spherical linear interpolation between unit quaternions a (t = 0) and
/// b (t = 1) along the shorter arc (b is negated when a . b < 0):
///   Omega = 2 atan2(|a - b|, |a + b|)     (angle between a and b in R^4;
///                                          accurate also for tiny Omega)
///   slerp = (sin((1 - t) Omega) a + sin(t Omega) b) / sin(Omega)
/// falling back to normalised linear interpolation when sin(Omega) is at
/// rounding level (a = +-b). The result is normalised.
template <typename T>
inline Quaternion<T> QuaternionSlerp(const Quaternion<T>& a, const Quaternion<T>& b_in, T t) {
  const Quaternion<T> b = a.dot(b_in) < T(0) ? Quaternion<T>(-b_in) : b_in;
  const T omega = T(2) * std::atan2((a - b).norm(), (a + b).norm());
  const T sin_omega = std::sin(omega);
  Quaternion<T> q;
  if (sin_omega < T(16) * std::numeric_limits<T>::epsilon()) {
    q = a + t * (b - a);
  } else {
    q = (std::sin((T(1) - t) * omega) / sin_omega) * a + (std::sin(t * omega) / sin_omega) * b;
  }
  return q / q.norm();
}

// ---------------------------------------------------------------------------
// Aligning two directions
// ---------------------------------------------------------------------------

/// The Rodrigues rotation matrix taking direction `from` onto direction `to`
/// (both non-zero, any length) by the shortest arc:
///   AlignVectors(from, to) * from/|from| = to/|to|.
/// With u = from/|from|, v = to/|to|:
///   c = u x v,  computed as u x (v - u) if u . v >= 0 else u x (v + u)
///               (the same vector; the difference is exact for nearly
///               (anti)parallel u, v, so c keeps full relative precision and
///               is perpendicular to u to rounding),
///   n = c / |c|,  theta = atan2(|c|, u . v),
///   R = cos(theta) I + sin(theta) [n]x + 2 sin^2(theta/2) n n^T.
/// Exactly parallel: R = I. Exactly antiparallel (c = 0, u . v < 0): the half
/// turn R = 2 n n^T - I about n = AnyPerpendicular(u).
/// Nearly antiparallel vectors stay accurate: the error of R * u is a few eps
/// (the naive (u x v) / (1 + u . v) form loses eps / (1 + u . v) of it).
/// Aborts (programmer error) on a zero vector.
template <typename T>
inline Matrix3<T> AlignVectors(const Vector3<T>& from, const Vector3<T>& to) {
  Vector3<T> axis;
  T angle;
  internal::ShortestArc(from, to, &axis, &angle);
  const T half_sin = std::sin(T(0.5) * angle);
  return internal::RodriguesFromUnitAxis(axis, std::sin(angle), std::cos(angle),
                                         T(2) * half_sin * half_sin);
}

// ---------------------------------------------------------------------------
// Batched conversions over contiguous arrays
// ---------------------------------------------------------------------------
// Layouts: axis-angle [n, 3], quaternion [n, 4] (w, x, y, z), matrix [n, 3, 3]
// ROW-MAJOR, 6D [n, 6] standard order, InterGen 6D [n, 6] InterGen order.
// Input and output must not overlap. Compiled for T = float and double.

/// [n,3] axis-angle -> [n,3,3] row-major matrices.
template <typename T>
void AxisAngleToMatrixBatch(const T* axis_angles, int64_t n, T* matrices);
/// [n,3,3] row-major matrices -> [n,3] axis-angle.
template <typename T>
void MatrixToAxisAngleBatch(const T* matrices, int64_t n, T* axis_angles);
/// [n,3] axis-angle -> [n,4] quaternions (w, x, y, z).
template <typename T>
void AxisAngleToQuaternionBatch(const T* axis_angles, int64_t n, T* quaternions);
/// [n,4] quaternions (w, x, y, z) -> [n,3] axis-angle.
template <typename T>
void QuaternionToAxisAngleBatch(const T* quaternions, int64_t n, T* axis_angles);
/// [n,4] quaternions (w, x, y, z) -> [n,3,3] row-major matrices.
template <typename T>
void QuaternionToMatrixBatch(const T* quaternions, int64_t n, T* matrices);
/// [n,3,3] row-major matrices -> [n,4] quaternions (w, x, y, z), w >= 0.
template <typename T>
void MatrixToQuaternionBatch(const T* matrices, int64_t n, T* quaternions);
/// [n,3,3] row-major matrices -> [n,6] standard 6D.
template <typename T>
void MatrixToRotation6dBatch(const T* matrices, int64_t n, T* rotations_6d);
/// [n,6] standard 6D -> [n,3,3] row-major matrices (Gram-Schmidt).
template <typename T>
void Rotation6dToMatrixBatch(const T* rotations_6d, int64_t n, T* matrices);
/// [n,3] axis-angle -> [n,6] standard 6D.
template <typename T>
void AxisAngleToRotation6dBatch(const T* axis_angles, int64_t n, T* rotations_6d);
/// [n,6] standard 6D -> [n,3] axis-angle.
template <typename T>
void Rotation6dToAxisAngleBatch(const T* rotations_6d, int64_t n, T* axis_angles);
/// [n,4] quaternions (w, x, y, z) -> [n,6] standard 6D.
template <typename T>
void QuaternionToRotation6dBatch(const T* quaternions, int64_t n, T* rotations_6d);
/// [n,6] standard 6D -> [n,4] quaternions (w, x, y, z), w >= 0.
template <typename T>
void Rotation6dToQuaternionBatch(const T* rotations_6d, int64_t n, T* quaternions);
/// [n,3,3] row-major matrices -> [n,6] InterGen 6D (R00, R01, R10, R11, R20, R21).
template <typename T>
void MatrixToRotation6dInterGenBatch(const T* matrices, int64_t n, T* rotations_6d_intergen);
/// [n,6] InterGen 6D (R00, R01, R10, R11, R20, R21) -> [n,3,3] row-major matrices.
template <typename T>
void Rotation6dInterGenToMatrixBatch(const T* rotations_6d_intergen, int64_t n, T* matrices);

}  // namespace intersynth
