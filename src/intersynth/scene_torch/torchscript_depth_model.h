#pragma once
// Adapter for a user's monocular depth network (Depth Anything, ZoeDepth,
// MiDaS, Metric3D, ...) exported to TorchScript: it turns a key frame's
// colour image into m (metric depth) or d (relative disparity), the maps that
// depth_map.h describes. No such weights can be obtained here (DESIGN.md):
// the adapter fixes the contract below and is tested on tiny modules that
// testdata/scene/make_tiny_depth_models.py makes.
//
// Contract of the file:
//   * a TorchScript module saved with torch.jit.save (torch.jit.script, or a
//     scripted wrapper around traced parts);
//   * forward(image: Tensor) -> Tensor, where image is float32 [1, 3, H, W]:
//     R, G, B channels in that order, values in [0, 1] (the adapter divides
//     the 8-bit image by 255 and does nothing else). Normalisation (e.g.
//     ImageNet mean and std) is the module's own business: wrap the network
//     and its preprocessing in one scripted module, e.g.
//         class Wrapper(torch.nn.Module):
//             output_kind: str
//             input_height: int
//             input_width: int
//             def __init__(self, net):
//                 super().__init__()
//                 self.net = net  # e.g. Depth Anything, traced or scripted
//                 self.output_kind = "disparity"
//                 self.input_height, self.input_width = 518, 686  # multiples of 14
//                 mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
//                 self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1))
//                 self.register_buffer("std", torch.tensor(std).view(1, 3, 1, 1))
//             def forward(self, image: torch.Tensor) -> torch.Tensor:
//                 return self.net((image - self.mean) / self.std)
//         torch.jit.save(torch.jit.script(Wrapper(net).eval()), "depth.pt")
//   * a string attribute `output_kind` (declare `output_kind: str` in the
//     class body and set it in __init__), one of
//       "metric_depth"  metres, the camera-frame z (not the ray length);
//       "disparity"     relative inverse depth: d = a / z + b with unknown
//                       scale a > 0 and shift b (depth_fusion.h turns it
//                       into metres);
//   * optionally the int attributes `input_height` and `input_width` (both or
//     neither, each > 0). When present, the adapter resizes the image to that
//     size (bilinear, align_corners = false: torch.nn.functional.interpolate)
//     before forward, for networks that want a fixed size or multiples of 14
//     or 32; without them the image goes in at its own size;
//   * the output is a floating-point tensor [1, 1, H', W'], [1, H', W'] or
//     [H', W'] with H', W' > 0: row 0 at the top of the image, like the input.
//     H' x W' need not equal the input size (the caller resamples;
//     depth_map.h Resample). float64, float16 and bfloat16 are converted to
//     float32. Non-finite values are allowed: they are counted
//     (DepthPrediction::non_finite) and are invalid pixels downstream.
//
// The adapter loads the module onto the CPU, puts it in eval mode, reads
// output_kind and the input size, freezes it (torch.jit.freeze, attributes
// inlined; a module that cannot be frozen runs unfrozen, with a warning), and
// runs one probe forward on a constant grey image (kProbeSize x kProbeSize,
// or the declared input size) so that a file breaking the contract is
// reported at load rather than in the middle of a run. Every call runs under
// torch::NoGradGuard. Contract violations throw intersynth::Error naming the
// file: missing file, not a TorchScript archive, no forward or a forward that
// does not take one Tensor, a missing or unknown output_kind, half or
// non-positive input size, a forward that fails, an output that is not a
// floating-point tensor of one of the shapes above.
//
// The header stays free of Torch (pimpl; at::Tensor only forward-declared,
// torch::Tensor is the same type) so that code which only holds a model
// does not pay for the Torch headers.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "intersynth/scene/depth_map.h"
#include "intersynth/util/options.h"

namespace at {
class Tensor;
}  // namespace at

namespace intersynth {

/// What a depth model's output means (its `output_kind` attribute).
enum class DepthOutputKind {
  kMetricDepth,  ///< "metric_depth": camera-frame z in metres.
  kDisparity,    ///< "disparity": relative inverse depth, unknown scale and shift.
};

inline constexpr EnumName<DepthOutputKind> kDepthOutputKindNames[] = {
    {DepthOutputKind::kMetricDepth, "metric_depth"}, {DepthOutputKind::kDisparity, "disparity"}};

/// The attribute value of `kind`: "metric_depth" or "disparity".
std::string ToString(DepthOutputKind kind);

/// One image's prediction.
struct DepthPrediction {
  /// Depth or disparity at the model's output resolution (not necessarily
  /// the image's); non-finite values kept as they came.
  DepthMap map;
  /// What `map` holds.
  DepthOutputKind kind = DepthOutputKind::kMetricDepth;
  /// How many values of `map` are NaN or infinite (invalid pixels).
  int64_t non_finite = 0;
};

/// A loaded, frozen TorchScript depth model. Immutable; copies share the
/// module. Calls are not synchronised: use one copy per thread if in doubt.
class TorchScriptDepthModel {
 public:
  /// Width and height of the constant probe image run at load when the
  /// module declares no input size.
  static constexpr int kProbeSize = 32;

  /// Loads, checks and freezes the module at `path` (see the top of this
  /// file). Throws Error naming the file when it breaks the contract.
  static TorchScriptDepthModel Load(const std::filesystem::path& path);

  /// What the module's output means (its `output_kind`).
  DepthOutputKind output_kind() const;

  /// The declared input size (`input_height`, `input_width`), or 0 and 0
  /// when the module takes images at their own size.
  int input_height() const;
  int input_width() const;

  /// The file the module was loaded from.
  const std::filesystem::path& path() const;

  /// Predicts depth or disparity for `image` (converted to float32
  /// [1, 3, H, W] = uint8 / 255, resized to the declared input size if any).
  /// Throws Error for an empty image, and Error naming the file when forward
  /// fails or its output breaks the contract.
  DepthPrediction Predict(const RgbImage& image) const;

  /// The tensor form of Predict: `image` is float32 [1, 3, H, W] in [0, 1]
  /// (TORCH_CHECK on another shape or dtype; moved to the CPU, where the
  /// module runs) and is resized to the declared input size if any; returns
  /// the output as float32 CPU [H', W'], non-finite values kept, no autograd
  /// history. Throws Error naming the file as Predict does.
  at::Tensor PredictTensor(const at::Tensor& image) const;

 private:
  struct Impl;
  explicit TorchScriptDepthModel(std::shared_ptr<Impl> impl);

  std::shared_ptr<Impl> impl_;
};

}  // namespace intersynth
