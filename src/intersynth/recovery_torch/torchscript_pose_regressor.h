#pragma once
// Adapter for a user's single-image body-pose regressor (HMR2.0 / 4D-Humans,
// HMR, CLIFF-style networks) exported to TorchScript: it turns square crops
// around people into SMPL rotations, shape coefficients and a weak-perspective
// camera, the starting point of the regression path of motion recovery
// (issue 14). No such weights can be obtained here (DESIGN.md): the adapter
// fixes the contract below and is tested on tiny modules that
// testdata/recovery/make_tiny_pose_regressors.py makes.
//
// Contract of the file:
//   * a TorchScript module saved with torch.jit.save (torch.jit.script, or a
//     scripted wrapper around traced parts);
//   * forward(crops: Tensor) -> Dict[str, Tensor], where crops is float32
//     [N, 3, S, S]: R, G, B channels in that order, values in [0, 1] (the
//     adapter divides the 8-bit crop by 255 and does nothing else). N >= 1
//     crops go in as one batch. Normalisation (ImageNet mean and std) and
//     any inner crop or aspect ratio the network expects are the module's
//     own business: wrap the network and its
//     preprocessing in one scripted module, e.g. for 4D-Humans
//         class Wrapper(torch.nn.Module):
//             input_size: int
//             focal_length: float
//             def __init__(self, hmr2):
//                 super().__init__()
//                 self.net = hmr2  # traced or scripted: img -> pred_smpl_params, pred_cam
//                 self.input_size = 256
//                 self.focal_length = 5000.0
//                 mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
//                 self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
//                 self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))
//             def forward(self, crops: torch.Tensor) -> Dict[str, torch.Tensor]:
//                 smpl, cam = self.net((crops - self.mean) / self.std)
//                 return {"global_orient": smpl["global_orient"],  # [N, 1, 3, 3]
//                         "body_pose": smpl["body_pose"],          # [N, 23, 3, 3]
//                         "betas": smpl["betas"],                  # [N, 10]
//                         "pred_cam": cam}                         # [N, 3]
//         torch.jit.save(torch.jit.script(Wrapper(net).eval()), "hmr2.pt")
//   * an int attribute `input_size` = S > 0 (required; declare
//     `input_size: int` in the class body and set it in __init__): the
//     caller crops and resizes to S x S, the adapter checks it;
//   * optionally a float (or int) attribute `focal_length` > 0: the focal
//     length, in pixels of an S x S crop, that the network's camera was
//     trained with (4D-Humans: 5000 for 256). Informational: read and
//     exposed (focal_length()), not used by the adapter;
//   * the dict has at least these keys (others are ignored), each a
//     floating-point tensor (float64, float16 and bfloat16 are converted to
//     float32) with every value finite:
//       "global_orient"  [N, 1, 3, 3] or [N, 3, 3]: the rotation matrix of
//                        SMPL's root (pelvis), camera_from_body_root, camera
//                        frame with OpenCV axes (x right, y down, z forward),
//                        the frame of 4D-Humans' perspective projection (not
//                        yet checked against a real export: no weights here);
//       "body_pose"      [N, J, 3, 3]: the local rotation matrices of SMPL's
//                        body joints 1..J (parent_from_joint, SMPL's joint
//                        order: 1 left_hip, 2 right_hip, 3 spine1, ...),
//                        J = 23 (SMPL) or 21 (SMPL-X-style bodies without
//                        the two hand joints);
//       "betas"          [N, B], B >= 1: shape coefficients;
//       "pred_cam"       [N, 3]: the weak-perspective camera (s, tx, ty) of
//                        HMR / 4D-Humans, in the crop's normalised
//                        coordinates (u, v in [-1, 1] over the crop, 0 at
//                        its centre, v down): a body point X (camera axes,
//                        root at the origin) lands at
//                          (u, v) = s * (X_x + tx, X_y + ty),
//                        so (tx, ty) is a translation in body units (metres
//                        for SMPL) and s a scale.
//     J and B come from the probe run at load and must stay the same on
//     every call.
//   With the module's focal length f (pixels of the S x S crop), the weak
//   camera is the perspective camera, principal point at the crop centre,
//   with the root at (4D-Humans, hmr2/models/hmr2.py: pred_cam_t)
//       t = (tx, ty, 2 f / (S s))   (camera frame, body units)
//   since u = (2 / S) f (X_x + tx) / t_z = s (X_x + tx) when X_z << t_z.
//   s > 0 is expected of a trained network; the adapter does not check it.
//
// Every matrix of global_orient and body_pose is checked to be a rotation:
// max |R^T R - I| <= kRotationTolerance (entry-wise) and det R > 0. A module
// that forgets its last conversion (returns the skew matrix [a]_x of an
// axis-angle a, unnormalised 6D columns, a reflection) would otherwise
// deform the body silently; axis-angle returned by mistake ([N, 23, 3]) is
// caught by the shape check.
//
// The adapter loads the module onto the CPU, puts it in eval mode, reads
// input_size and focal_length, freezes it (torch.jit.freeze, attributes
// inlined; a module that cannot be frozen runs unfrozen, with a warning),
// and runs one probe forward on a batch of kProbeBatch constant grey crops
// (S x S, value 0.5) so that a file breaking the contract is reported at
// load rather than in the middle of a run; a batch of more than one also
// catches a module that mishandles N (returns the first crop's output
// only). Every call runs under torch::NoGradGuard. Contract violations
// throw intersynth::Error naming the file: missing file, not a TorchScript
// archive, no forward or a forward that does not take one Tensor, a missing
// or non-positive input_size, a bad focal_length, a forward that fails, an
// output that is not a dict, a missing key, a tensor of the wrong dtype or
// shape, non-finite values, a matrix that is not a rotation (the key, crop
// and joint named).
//
// The header stays free of Torch (pimpl) so that code which only holds a
// regressor does not pay for the Torch headers.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "intersynth/recovery/pose_regression.h"

namespace intersynth {

/// A loaded, frozen TorchScript pose regressor. Immutable; copies share the
/// module. Calls are not synchronised: use one copy per thread if in doubt.
class TorchScriptPoseRegressor {
 public:
  /// Number of constant grey crops in the probe batch run at load.
  static constexpr int kProbeBatch = 2;
  /// Largest entry of |R^T R - I| accepted for a rotation matrix (float32
  /// output of a network's own rotation conversion is good to ~1e-6).
  static constexpr double kRotationTolerance = 1e-3;

  /// Loads, checks and freezes the module at `path` (see the top of this
  /// file). Throws Error naming the file when it breaks the contract.
  static TorchScriptPoseRegressor Load(const std::filesystem::path& path);

  /// S, the width and height of the crops the module takes (`input_size`).
  int input_size() const;

  /// The module's `focal_length` in pixels of an S x S crop, or 0 when it
  /// declares none.
  double focal_length() const;

  /// J, the number of body joints in body_pose: 23 (SMPL) or 21.
  int num_body_joints() const;

  /// B, the number of shape coefficients.
  int num_betas() const;

  /// The file the module was loaded from.
  const std::filesystem::path& path() const;

  /// Regresses every crop in one forward call (pass batches of the size
  /// memory allows): result[i] belongs to crops[i]; no crops, no call.
  /// Each crop is converted to float32 [3, S, S] = uint8 / 255. Throws Error
  /// naming the file for a crop whose size is not input_size(), and when
  /// forward fails or its output breaks the contract (a rotation check
  /// names the crop's index in `crops`).
  std::vector<PoseRegression> Predict(const std::vector<RgbCrop>& crops) const;

 private:
  struct Impl;
  explicit TorchScriptPoseRegressor(std::shared_ptr<Impl> impl);

  std::shared_ptr<Impl> impl_;
};

}  // namespace intersynth
