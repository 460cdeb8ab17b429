#pragma once
// The pinhole camera: intrinsics, projection and back-projection.
//
// Conventions:
//   * Camera frame: OpenCV — x right, y down, z forward (the viewing
//     direction); depth is the z coordinate (not the ray length).
//   * Pixel coordinates: OpenCV's 0-based convention — the CENTRE of the
//     top-left pixel is (0, 0), u grows to the right (columns), v downwards
//     (rows). MATLAB-style calibrations (NYUv2's toolbox among them) are
//     1-based: subtract 1 from their cx and cy (FromOneBased).
//   * Projection of x = (X, Y, Z) with Z > 0:
//       u = fx X / Z + cx,   v = fy Y / Z + cy,
//     back-projection of pixel (u, v) at depth Z:
//       X = (u - cx) Z / fx,  Y = (v - cy) Z / fy.
//   * No lens distortion (depth networks and the datasets here are undistorted).

#include <Eigen/Core>
#include <string>

namespace intersynth {

/// Intrinsics of an undistorted pinhole camera and its image size.
struct PinholeCamera {
  /// Focal lengths in pixels.
  double fx = 0.0;
  double fy = 0.0;
  /// Principal point in 0-based pixel coordinates.
  double cx = 0.0;
  double cy = 0.0;
  /// Image size in pixels.
  int width = 0;
  int height = 0;

  /// A camera of the given size whose horizontal field of view is
  /// `horizontal_fov_rad`, square pixels, principal point at the image centre
  /// ((width - 1) / 2, (height - 1) / 2):  fx = fy = (width / 2) / tan(fov / 2).
  /// Throws Error for a size below 1 or a field of view outside (0, pi).
  static PinholeCamera FromHorizontalFov(int width, int height, double horizontal_fov_rad);

  /// The same camera from a 1-based (MATLAB) calibration: cx - 1, cy - 1.
  static PinholeCamera FromOneBased(
      double fx, double fy, double cx_one_based, double cy_one_based, int width, int height);

  /// The camera of the sub-image whose top-left pixel is (left, top) of this
  /// one, `width` x `height` pixels: the principal point moves by (-left, -top).
  PinholeCamera Cropped(int left, int top, int width, int height) const;

  /// The camera of this image resampled to new_width x new_height (pixel
  /// centres map as u' + 0.5 = (u + 0.5) s, so cx' = (cx + 0.5) s - 0.5).
  PinholeCamera Resized(int new_width, int new_height) const;

  /// Throws Error (naming `context`, e.g. the file it came from) unless the
  /// focal lengths are positive and finite, the principal point finite and
  /// the size positive.
  void Validate(const std::string& context) const;

  /// Pixel (u, v) of a point in the camera frame (Z must be > 0; a point
  /// behind the camera gives a meaningless pixel, check Z first).
  Eigen::Vector2d Project(const Eigen::Vector3d& x_in_camera) const {
    return Eigen::Vector2d(fx * x_in_camera.x() / x_in_camera.z() + cx,
                           fy * x_in_camera.y() / x_in_camera.z() + cy);
  }

  /// The point in the camera frame that projects to (u, v) at depth z.
  Eigen::Vector3d Unproject(double u, double v, double z) const {
    return Eigen::Vector3d((u - cx) * z / fx, (v - cy) * z / fy, z);
  }

  /// Horizontal field of view in radians: 2 atan(width / (2 fx)).
  double HorizontalFov() const;
};

}  // namespace intersynth
