#pragma once
// What goes into and comes out of a single-image body-pose regressor (the
// hybrid path of motion recovery): a square RGB crop around a person, and
// the SMPL rotations, shape and weak-perspective camera predicted for it.
// The TorchScript adapter that runs such a network is
// recovery_torch/torchscript_pose_regressor.h (its contract says what the
// values mean); cutting the crops out of a frame is recovery/crop_image.h.

#include <array>
#include <cstdint>
#include <vector>

namespace intersynth {

/// One square colour crop around a person, the regressor's input: 8-bit
/// RGB, row-major [size, size, 3] (row 0 at the top, R, G, B per pixel), so
/// rgb.size() == size * size * 3. CutPersonCrop (crop_image.h) cuts one from a
/// frame at the regressor's input_size.
struct RgbCrop {
  /// Width and height in pixels.
  int size = 0;
  /// size * size * 3 bytes, row-major, R, G, B.
  std::vector<uint8_t> rgb;
};

/// The regressor's output for one crop, in float32 precision (the adapter
/// converts the module's output to float32).
struct PoseRegression {
  /// 1 + J rotation matrices, each row-major 3x3 (R[r][c] at 3 r + c):
  /// rotations[0] is global_orient (camera_from_body_root), rotations[j] for
  /// j = 1..J is body_pose joint j (parent_from_joint), SMPL's joint order.
  std::vector<std::array<double, 9>> rotations;
  /// B shape coefficients.
  std::vector<float> betas;
  /// The weak-perspective camera (s, tx, ty) in the crop's normalised
  /// coordinates (recovery_torch/torchscript_pose_regressor.h).
  std::array<float, 3> weak_camera = {0.0f, 0.0f, 0.0f};
};
}  // namespace intersynth
