#include "intersynth/scene_torch/torchscript_depth_model.h"

#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <system_error>
#include <vector>

#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/util_torch/torch_info.h"
#include "intersynth/util_torch/torchscript_load.h"

namespace intersynth {

struct TorchScriptDepthModel::Impl {
  std::filesystem::path path;
  torch::jit::Module module;
  DepthOutputKind kind = DepthOutputKind::kMetricDepth;
  int64_t input_height = 0;  // 0 and 0: images go in at their own size
  int64_t input_width = 0;

  // Resizes (if the module declares an input size), runs forward and checks
  // the output against the contract; returns float32 CPU [H', W'].
  // `failure_hint` ends the message of a failed forward.
  torch::Tensor Run(torch::Tensor image, const std::string& failure_hint);
};

namespace {

constexpr const char* kExpectedShapes = "[1, 1, H, W], [1, H, W] or [H, W]";

std::string ShapeString(const torch::Tensor& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

// The module's `output_kind` attribute, which must be one of the two names.
DepthOutputKind ReadOutputKind(torch::jit::Module& module, const std::string& source) {
  const std::string expected = fmt::format(
      "expected \"{}\" or \"{}\"", kDepthOutputKindNames[0].name, kDepthOutputKindNames[1].name);
  if (!module.hasattr("output_kind")) {
    throw Error(fmt::format("{}: the TorchScript module has no attribute output_kind ({})", source,
                            expected));
  }
  const c10::IValue value = module.attr("output_kind");
  if (!value.isString()) {
    throw Error(fmt::format("{}: output_kind is {}, {}", source, value.tagKind(), expected));
  }
  const std::string name = value.toStringRef();
  for (const EnumName<DepthOutputKind>& kind : kDepthOutputKindNames) {
    if (name == kind.name) return kind.value;
  }
  throw Error(fmt::format("{}: output_kind is \"{}\", {}", source, name, expected));
}

// A declared input dimension: a positive int attribute, or 0 when absent.
int64_t ReadInputDim(torch::jit::Module& module, const char* name, const std::string& source) {
  if (!module.hasattr(name)) return 0;
  const c10::IValue value = module.attr(name);
  if (!value.isInt() || value.toInt() <= 0) {
    throw Error(fmt::format("{}: {} is {} ({}), expected a positive int", source, name,
                            value.isInt() ? std::to_string(value.toInt()) : "not an int",
                            value.tagKind()));
  }
  return value.toInt();
}

}  // namespace

torch::Tensor TorchScriptDepthModel::Impl::Run(torch::Tensor image,
                                               const std::string& failure_hint) {
  const std::string source = path.string();
  torch::NoGradGuard no_grad;

  // The declared size, by the same bilinear resampling as Python's
  // F.interpolate(image, size, mode="bilinear", align_corners=False).
  image = image.to(torch::kCPU);
  if (input_height > 0 && (image.size(2) != input_height || image.size(3) != input_width)) {
    namespace F = torch::nn::functional;
    image = F::interpolate(image, F::InterpolateFuncOptions()
                                      .size(std::vector<int64_t>{input_height, input_width})
                                      .mode(torch::kBilinear)
                                      .align_corners(false));
  }

  // Run forward; a TorchScript exception (an assert in the module) or a
  // shape error inside it arrives as c10::Error.
  c10::IValue result;
  try {
    result = module.forward({image.contiguous()});
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: forward failed on a {} image: {}{}", source, ShapeString(image),
                            TorchErrorReason(e), failure_hint));
  }

  // Check the output against the contract before anyone uses it: a tensor,
  // floating point, one of the three shapes (leading dims 1), not empty.
  if (!result.isTensor()) {
    throw Error(fmt::format("{}: forward returned {}, expected a floating-point Tensor {}", source,
                            result.tagKind(), kExpectedShapes));
  }
  torch::Tensor out = result.toTensor();
  const bool leading_ones = (out.dim() == 2) || (out.dim() == 3 && out.size(0) == 1) ||
                            (out.dim() == 4 && out.size(0) == 1 && out.size(1) == 1);
  if (!leading_ones || !out.is_floating_point()) {
    throw Error(
        fmt::format("{}: forward returned a {} tensor of shape {}, expected a "
                    "floating-point {}",
                    source, c10::toString(out.scalar_type()), ShapeString(out), kExpectedShapes));
  }
  const int64_t height = out.size(out.dim() - 2);
  const int64_t width = out.size(out.dim() - 1);
  if (height == 0 || width == 0) {
    throw Error(
        fmt::format("{}: forward returned an empty map of shape {}", source, ShapeString(out)));
  }

  // [H', W'] float32 on the CPU, whatever dtype and leading dims came.
  return out.reshape({height, width}).to(torch::kCPU, torch::kFloat).contiguous();
}

std::string ToString(DepthOutputKind kind) {
  return std::string(EnumToString(kind, kDepthOutputKindNames));
}

TorchScriptDepthModel::TorchScriptDepthModel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

TorchScriptDepthModel TorchScriptDepthModel::Load(const std::filesystem::path& path) {
  const std::string source = path.string();
  // Read the archive onto the CPU, in eval mode.
  auto impl = std::make_shared<Impl>();
  impl->path = path;
  impl->module =
      LoadTorchScriptModule(path, "expected a TorchScript depth model saved with torch.jit.save");

  // forward(image: Tensor) must exist and take one Tensor (further arguments
  // only with defaults).
  RequireForwardTakingOneTensor(impl->module, source, "forward(image: Tensor) -> Tensor");

  // The attributes, read before freezing inlines them.
  impl->kind = ReadOutputKind(impl->module, source);
  impl->input_height = ReadInputDim(impl->module, "input_height", source);
  impl->input_width = ReadInputDim(impl->module, "input_width", source);
  if ((impl->input_height == 0) != (impl->input_width == 0)) {
    throw Error(fmt::format("{}: the module declares {} but not {} (declare both or neither)",
                            source, impl->input_height != 0 ? "input_height" : "input_width",
                            impl->input_height != 0 ? "input_width" : "input_height"));
  }

  // Freeze (weights and attributes become constants). optimize_numerics =
  // false keeps the outputs bit-equal to the unfrozen module the user
  // exported.
  impl->module = FreezeOrWarn(impl->module, source, "the depth model");

  // Probe run on a constant grey image at the declared size (or kProbeSize
  // square): reports a broken contract at load. A network that needs a
  // particular size and does not declare one fails here, so say what to do.
  const bool declared = impl->input_height > 0;
  const torch::Tensor probe = torch::full(
      {1, 3, declared ? impl->input_height : kProbeSize, declared ? impl->input_width : kProbeSize},
      0.5f, torch::kFloat);
  impl->Run(probe, declared ? ""
                            : " (a module that needs a particular input size must declare the int "
                              "attributes input_height and input_width)");
  return TorchScriptDepthModel(impl);
}

DepthOutputKind TorchScriptDepthModel::output_kind() const { return impl_->kind; }

int TorchScriptDepthModel::input_height() const { return static_cast<int>(impl_->input_height); }

int TorchScriptDepthModel::input_width() const { return static_cast<int>(impl_->input_width); }

const std::filesystem::path& TorchScriptDepthModel::path() const { return impl_->path; }

at::Tensor TorchScriptDepthModel::PredictTensor(const at::Tensor& image) const {
  TORCH_CHECK(image.dim() == 4 && image.size(0) == 1 && image.size(1) == 3,
              "TorchScriptDepthModel::PredictTensor: image must be [1, 3, H, W], got ",
              image.sizes());
  TORCH_CHECK(image.scalar_type() == torch::kFloat,
              "TorchScriptDepthModel::PredictTensor: image must be float32, got ",
              image.scalar_type());
  return impl_->Run(image, "");
}

DepthPrediction TorchScriptDepthModel::Predict(const RgbImage& image) const {
  if (image.width <= 0 || image.height <= 0) {
    throw Error(fmt::format("{}: cannot predict depth for an empty image ({} x {})",
                            impl_->path.string(), image.width, image.height));
  }
  INTERSYNTH_CHECK(image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3)
      << "RgbImage of " << image.width << " x " << image.height << " holds " << image.rgb.size()
      << " bytes";

  // uint8 [H, W, 3] -> float32 [1, 3, H, W] in [0, 1], nothing else: any
  // normalisation is the module's (see the top of the header).
  torch::Tensor input;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor rgb = torch::from_blob(const_cast<uint8_t*>(image.rgb.data()),
                                               {image.height, image.width, 3}, torch::kUInt8);
    input = rgb.permute({2, 0, 1}).to(torch::kFloat).div(255.0).unsqueeze(0).contiguous();
  }
  const torch::Tensor out = impl_->Run(input, "");

  // Copy into the plain map; count the invalid values.
  DepthPrediction prediction;
  prediction.kind = impl_->kind;
  prediction.map.height = static_cast<int>(out.size(0));
  prediction.map.width = static_cast<int>(out.size(1));
  const float* values = out.data_ptr<float>();
  prediction.map.values.assign(values, values + out.numel());
  prediction.non_finite = torch::isfinite(out).logical_not().sum().item<int64_t>();
  return prediction;
}

}  // namespace intersynth
