#pragma once
// Rigid transforms (rotation + translation) between named frames.
//
// Naming convention (DESIGN.md, COLMAP's cam_from_world): a transform is
// named `b_from_a` when it maps coordinates in frame a to coordinates in
// frame b:
//
//   x_in_b = b_from_a * x_in_a = b_from_a.rotation * x_in_a + b_from_a.translation
//
// e.g. `RigidTransformd world_from_camera;`
//      `Vector3d x_in_world = world_from_camera * x_in_camera;`
// Names then chain like fractions, and a mismatch is visible on the page:
//   a_from_c = a_from_b * b_from_c          (apply b_from_c first)
//   b_from_a = a_from_b.Inverse()
// translation is the origin of frame a expressed in frame b; the columns of
// rotation are a's axes expressed in b.
//
// The homogeneous 4x4 form is [rotation translation; 0 0 0 1] acting on
// column vectors (x, y, z, 1); in flat arrays and files it is row-major.

#include <cstdint>
#include <string_view>

#include "intersynth/geometry/rotation.h"

namespace intersynth {

/// A proper rigid motion x -> rotation * x + translation (see the file
/// comment for the `b_from_a` naming). Default: identity. Aggregate:
/// `RigidTransform<double>{rotation, translation}`. Implemented for float
/// and double.
template <typename T>
struct RigidTransform {
  /// Rotation matrix (orthonormal, det +1), acting on column vectors.
  Matrix3<T> rotation = Matrix3<T>::Identity();
  /// Translation, applied after the rotation.
  Vector3<T> translation = Vector3<T>::Zero();

  /// The identity transform.
  static RigidTransform Identity() { return RigidTransform(); }

  /// Applies the transform to a point: x_in_b = b_from_a * x_in_a.
  /// (For a direction, which does not translate, use rotation * v.)
  Vector3<T> operator*(const Vector3<T>& x_in_a) const { return rotation * x_in_a + translation; }

  /// Composition: a_from_c = a_from_b * b_from_c applies b_from_c first.
  ///   R = R_ab R_bc,  t = R_ab t_bc + t_ab.
  RigidTransform operator*(const RigidTransform& b_from_c) const {
    return RigidTransform{rotation * b_from_c.rotation,
                          rotation * b_from_c.translation + translation};
  }

  /// The inverse: b_from_a.Inverse() = a_from_b = (R^T, -R^T t).
  /// Uses R^T, so the rotation must be orthonormal (FromMatrix4 guarantees it).
  RigidTransform Inverse() const {
    const Matrix3<T> rotation_t = rotation.transpose();
    return RigidTransform{rotation_t, -(rotation_t * translation)};
  }

  /// The homogeneous matrix [rotation translation; 0 0 0 1].
  Matrix4<T> ToMatrix4() const {
    Matrix4<T> m = Matrix4<T>::Identity();
    m.template topLeftCorner<3, 3>() = rotation;
    m.template topRightCorner<3, 1>() = translation;
    return m;
  }

  /// Reads a homogeneous matrix, typically from user files. Throws
  /// intersynth::Error (message starting with `context`, e.g.
  /// "scene/scene.json: key 'world_from_camera'") unless every entry is
  /// finite, the bottom row is (0, 0, 0, 1) within `tolerance`, the top-left
  /// block R has max|R^T R - I| <= tolerance, and det R > 0 (a reflection is
  /// not a rigid motion). The accepted R is replaced by the nearest rotation
  /// (polar decomposition R = U V^T of R's SVD), so that Inverse() is exact.
  static RigidTransform FromMatrix4(const Matrix4<T>& matrix,
                                    std::string_view context = "",
                                    T tolerance = T(1e-4));

  /// Applies the transform to n points stored as [n, 3] (x, y, z rows).
  /// points_in_b may equal points_in_a (in place).
  void TransformPoints(const T* points_in_a, int64_t n, T* points_in_b) const;

  /// The same transform in another scalar type.
  template <typename U>
  RigidTransform<U> Cast() const {
    return RigidTransform<U>{rotation.template cast<U>(), translation.template cast<U>()};
  }
};

/// Double-precision rigid transform.
using RigidTransformd = RigidTransform<double>;
/// Single-precision rigid transform.
using RigidTransformf = RigidTransform<float>;

extern template struct RigidTransform<float>;
extern template struct RigidTransform<double>;

}  // namespace intersynth
