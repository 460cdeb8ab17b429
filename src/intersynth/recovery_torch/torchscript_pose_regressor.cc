#include "intersynth/recovery_torch/torchscript_pose_regressor.h"

#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/util_torch/torch_info.h"
#include "intersynth/util_torch/torchscript_load.h"

namespace intersynth {

namespace {

// The regressor's checked output for N crops, on the CPU.
struct RegressorOutputs {
  torch::Tensor rotations;  // float64 [N, 1 + J, 3, 3], root first (float32 values)
  torch::Tensor betas;      // float32 [N, B]
  torch::Tensor cam;        // float32 [N, 3]: s, tx, ty
};

}  // namespace

struct TorchScriptPoseRegressor::Impl {
  std::filesystem::path path;
  torch::jit::Module module;
  int64_t input_size = 0;
  double focal_length = 0.0;    // 0: not declared
  int64_t num_body_joints = 0;  // 0 until the probe has run
  int64_t num_betas = 0;        // 0 until the probe has run

  // Runs forward on float32 [N, 3, S, S] and checks the output against the
  // contract; crop indices in messages are indices into the batch.
  RegressorOutputs Run(const torch::Tensor& crops);
};

namespace {

constexpr const char* kRequiredKeys = "global_orient, body_pose, betas, pred_cam";
constexpr int64_t kSmplBodyJoints = 23;
constexpr int64_t kSmplxBodyJoints = 21;

std::string ShapeString(const torch::Tensor& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.sizes(), ", "));
}

// The module's `input_size`: a required positive int.
int64_t ReadInputSize(torch::jit::Module& module, const std::string& source) {
  if (!module.hasattr("input_size")) {
    throw Error(fmt::format(
        "{}: the TorchScript module has no attribute input_size (expected an int, the width and "
        "height of its square crops, e.g. 256 for HMR2.0)",
        source));
  }
  const c10::IValue value = module.attr("input_size");
  if (!value.isInt() || value.toInt() <= 0) {
    throw Error(fmt::format("{}: input_size is {} ({}), expected a positive int", source,
                            value.isInt() ? std::to_string(value.toInt()) : "not an int",
                            value.tagKind()));
  }
  return value.toInt();
}

// The module's optional `focal_length`: a positive finite number, or 0 when
// absent.
double ReadFocalLength(torch::jit::Module& module, const std::string& source) {
  if (!module.hasattr("focal_length")) return 0.0;
  const c10::IValue value = module.attr("focal_length");
  const bool number = value.isDouble() || value.isInt();
  const double focal = value.isDouble() ? value.toDouble()
                       : value.isInt()  ? static_cast<double>(value.toInt())
                                        : 0.0;
  if (!number || !std::isfinite(focal) || focal <= 0.0) {
    throw Error(
        fmt::format("{}: focal_length is {} ({}), expected a positive float (pixels of the "
                    "input_size crop)",
                    source, number ? fmt::format("{}", focal) : "not a number", value.tagKind()));
  }
  return focal;
}

// The dict's keys, for a message.
std::string KeyList(const c10::Dict<c10::IValue, c10::IValue>& dict) {
  std::vector<std::string> keys;
  for (const auto& entry : dict) {
    keys.push_back(entry.key().isString() ? entry.key().toStringRef()
                                          : std::string(entry.key().tagKind()));
  }
  return keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", "));
}

// dict[key]: present, a floating-point tensor whose shape `shape_ok`
// accepts (`expected` says which), every value finite. Returns it as
// float32 on the CPU, contiguous.
template <typename ShapeOk>
torch::Tensor CheckedOutput(const c10::Dict<c10::IValue, c10::IValue>& dict,
                            const std::string& key,
                            ShapeOk shape_ok,
                            const std::string& expected,
                            const std::string& source) {
  const auto found = dict.find(c10::IValue(key));
  if (found == dict.end()) {
    throw Error(
        fmt::format("{}: forward's output has no key \"{}\" (keys: {}; expected at least {})",
                    source, key, KeyList(dict), kRequiredKeys));
  }
  const c10::IValue& value = found->value();
  if (!value.isTensor()) {
    throw Error(fmt::format("{}: forward's \"{}\" is {}, expected a floating-point Tensor {}",
                            source, key, value.tagKind(), expected));
  }
  const torch::Tensor tensor = value.toTensor();
  if (!tensor.is_floating_point() || !shape_ok(tensor)) {
    throw Error(fmt::format(
        "{}: forward's \"{}\" is a {} tensor of shape {}, expected a "
        "floating-point {}",
        source, key, c10::toString(tensor.scalar_type()), ShapeString(tensor), expected));
  }
  const torch::Tensor out = tensor.to(torch::kCPU, torch::kFloat).contiguous();

  // A regressor that outputs NaN or infinity is broken: name the first crop.
  const torch::Tensor finite = torch::isfinite(out).reshape({out.size(0), -1}).all(1);
  if (!finite.all().item<bool>()) {
    const int64_t crop = finite.logical_not().nonzero()[0][0].item<int64_t>();
    throw Error(
        fmt::format("{}: forward's \"{}\" has non-finite values (crop {}; a regressor that "
                    "outputs NaN or infinity is broken)",
                    source, key, crop));
  }
  return out;
}

// Checks that every matrix of `rotations` (float64 [N, 1 + J, 3, 3], root
// first) is a rotation: max |R^T R - I| <= tolerance entry-wise and
// det R > 0. Names the first failing key, crop and joint.
void CheckRotations(const torch::Tensor& rotations, double tolerance, const std::string& source) {
  const torch::Tensor identity = torch::eye(3, torch::kDouble);
  const torch::Tensor error = (rotations.transpose(-1, -2).matmul(rotations) - identity)
                                  .abs()
                                  .amax({-2, -1});          // [N, 1 + J]
  const torch::Tensor det = torch::linalg::det(rotations);  // [N, 1 + J]
  const torch::Tensor bad = error.gt(tolerance).logical_or(det.le(0.0));
  if (!bad.any().item<bool>()) return;

  // The first bad matrix, in crop-major order; index 0 is global_orient,
  // index j > 0 is body_pose[crop, j - 1], SMPL joint j.
  const torch::Tensor first = bad.nonzero()[0];
  const int64_t crop = first[0].item<int64_t>();
  const int64_t index = first[1].item<int64_t>();
  const std::string where = index == 0
                                ? fmt::format("\"global_orient\" of crop {}", crop)
                                : fmt::format("\"body_pose\"[{}, {}] (crop {}, SMPL joint {})",
                                              crop, index - 1, crop, index);
  // (+ 0.0 prints a determinant of -0 as 0.)
  throw Error(fmt::format(
      "{}: forward's {} is not a rotation matrix (max |R^T R - I| = {:.3g}, det = {:.3g}; "
      "expected max |R^T R - I| <= {:g} and det > 0: an axis-angle, 6D or other form returned "
      "without its conversion to a matrix?)",
      source, where, error[crop][index].item<double>(), det[crop][index].item<double>() + 0.0,
      tolerance));
}

}  // namespace

RegressorOutputs TorchScriptPoseRegressor::Impl::Run(const torch::Tensor& crops) {
  const std::string source = path.string();
  torch::NoGradGuard no_grad;
  const int64_t n = crops.size(0);

  // Run forward; a TorchScript exception (an assert in the module) or a
  // shape error inside it arrives as c10::Error.
  c10::IValue result;
  try {
    result = module.forward({crops});
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: forward failed on a {} batch of crops: {}", source,
                            ShapeString(crops), TorchErrorReason(e)));
  }
  if (!result.isGenericDict()) {
    throw Error(fmt::format("{}: forward returned {}, expected Dict[str, Tensor] with keys {}",
                            source, result.tagKind(), kRequiredKeys));
  }
  const c10::Dict<c10::IValue, c10::IValue> dict = result.toGenericDict();

  // Each key: dtype, shape (N crops, J and B as the probe found them),
  // finite values.
  const torch::Tensor root = CheckedOutput(
      dict, "global_orient",
      [&](const torch::Tensor& t) {
        return (t.dim() == 4 && t.size(0) == n && t.size(1) == 1 && t.size(2) == 3 &&
                t.size(3) == 3) ||
               (t.dim() == 3 && t.size(0) == n && t.size(1) == 3 && t.size(2) == 3);
      },
      fmt::format("[{0}, 1, 3, 3] or [{0}, 3, 3]", n), source);
  const torch::Tensor body = CheckedOutput(
      dict, "body_pose",
      [&](const torch::Tensor& t) {
        const bool known_count =
            num_body_joints > 0
                ? t.dim() == 4 && t.size(1) == num_body_joints
                : t.dim() == 4 && (t.size(1) == kSmplBodyJoints || t.size(1) == kSmplxBodyJoints);
        return known_count && t.size(0) == n && t.size(2) == 3 && t.size(3) == 3;
      },
      num_body_joints > 0
          ? fmt::format("[{}, {}, 3, 3] (rotation matrices, as on the probe)", n, num_body_joints)
          : fmt::format("[{0}, {1}, 3, 3] or [{0}, {2}, 3, 3] (rotation matrices of SMPL's body "
                        "joints, {1} or {2})",
                        n, kSmplBodyJoints, kSmplxBodyJoints),
      source);
  const torch::Tensor betas = CheckedOutput(
      dict, "betas",
      [&](const torch::Tensor& t) {
        return t.dim() == 2 && t.size(0) == n &&
               (num_betas > 0 ? t.size(1) == num_betas : t.size(1) >= 1);
      },
      num_betas > 0 ? fmt::format("[{}, {}] (as on the probe)", n, num_betas)
                    : fmt::format("[{}, B] with B >= 1", n),
      source);
  const torch::Tensor cam = CheckedOutput(
      dict, "pred_cam",
      [&](const torch::Tensor& t) { return t.dim() == 2 && t.size(0) == n && t.size(1) == 3; },
      fmt::format("[{}, 3] (s, tx, ty)", n), source);

  // Root and body joints as one [N, 1 + J, 3, 3] stack, checked to be
  // rotations in float64 (the float32 values, exactly).
  RegressorOutputs outputs;
  outputs.rotations = torch::cat({root.reshape({n, 1, 3, 3}), body}, 1).to(torch::kDouble);
  CheckRotations(outputs.rotations, kRotationTolerance, source);
  outputs.betas = betas;
  outputs.cam = cam;
  return outputs;
}

TorchScriptPoseRegressor::TorchScriptPoseRegressor(std::shared_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

TorchScriptPoseRegressor TorchScriptPoseRegressor::Load(const std::filesystem::path& path) {
  const std::string source = path.string();
  // Read the archive onto the CPU, in eval mode.
  auto impl = std::make_shared<Impl>();
  impl->path = path;
  impl->module = LoadTorchScriptModule(
      path, "expected a TorchScript pose regressor saved with torch.jit.save");

  // forward(crops: Tensor) must exist and take one Tensor (further
  // arguments only with defaults).
  RequireForwardTakingOneTensor(impl->module, source,
                                "forward(crops: Tensor) -> Dict[str, Tensor]");

  // The attributes, read before freezing inlines them.
  impl->input_size = ReadInputSize(impl->module, source);
  impl->focal_length = ReadFocalLength(impl->module, source);

  // Freeze (weights and attributes become constants). optimize_numerics =
  // false keeps the outputs bit-equal to the unfrozen module the user
  // exported.
  impl->module = FreezeOrWarn(impl->module, source, "the pose regressor");

  // Probe run on a batch of constant grey crops: reports a broken contract
  // at load, and fixes J and B for later calls.
  const torch::Tensor probe =
      torch::full({kProbeBatch, 3, impl->input_size, impl->input_size}, 0.5f, torch::kFloat);
  RegressorOutputs outputs;
  try {
    outputs = impl->Run(probe);
  } catch (const Error& e) {
    throw Error(fmt::format("{} (load-time probe: {} grey crops of value 0.5)", e.what(),
                            static_cast<int>(kProbeBatch)));
  }
  impl->num_body_joints = outputs.rotations.size(1) - 1;
  impl->num_betas = outputs.betas.size(1);
  return TorchScriptPoseRegressor(impl);
}

int TorchScriptPoseRegressor::input_size() const { return static_cast<int>(impl_->input_size); }

double TorchScriptPoseRegressor::focal_length() const { return impl_->focal_length; }

int TorchScriptPoseRegressor::num_body_joints() const {
  return static_cast<int>(impl_->num_body_joints);
}

int TorchScriptPoseRegressor::num_betas() const { return static_cast<int>(impl_->num_betas); }

const std::filesystem::path& TorchScriptPoseRegressor::path() const { return impl_->path; }

std::vector<PoseRegression> TorchScriptPoseRegressor::Predict(
    const std::vector<RgbCrop>& crops) const {
  if (crops.empty()) return {};
  const int64_t size = impl_->input_size;
  const int64_t n = static_cast<int64_t>(crops.size());

  // uint8 [S, S, 3] per crop -> one float32 [N, 3, S, S] batch in [0, 1],
  // nothing else: any normalisation is the module's (see the header).
  torch::Tensor batch;
  {
    torch::NoGradGuard no_grad;
    batch = torch::empty({n, 3, size, size}, torch::kFloat);
    for (int64_t i = 0; i < n; ++i) {
      const RgbCrop& crop = crops[i];
      if (crop.size != size) {
        throw Error(fmt::format(
            "{}: crop {} is {} x {} pixels, the regressor takes {} x {} crops (its input_size)",
            impl_->path.string(), i, crop.size, crop.size, size, size));
      }
      INTERSYNTH_CHECK(crop.rgb.size() == static_cast<size_t>(size * size * 3))
          << "RgbCrop of size " << crop.size << " holds " << crop.rgb.size() << " bytes";
      const torch::Tensor rgb =
          torch::from_blob(const_cast<uint8_t*>(crop.rgb.data()), {size, size, 3}, torch::kUInt8);
      batch[i].copy_(rgb.permute({2, 0, 1}).to(torch::kFloat).div(255.0));
    }
  }
  const RegressorOutputs outputs = impl_->Run(batch);

  // Copy per crop into the plain structs.
  const int64_t num_rotations = outputs.rotations.size(1);
  const int64_t num_betas = outputs.betas.size(1);
  const double* rotations = outputs.rotations.data_ptr<double>();
  const float* betas = outputs.betas.data_ptr<float>();
  const float* cam = outputs.cam.data_ptr<float>();
  std::vector<PoseRegression> result(crops.size());
  for (int64_t i = 0; i < n; ++i) {
    PoseRegression& regression = result[i];
    regression.rotations.resize(num_rotations);
    for (int64_t j = 0; j < num_rotations; ++j) {
      const double* matrix = rotations + (i * num_rotations + j) * 9;
      std::copy(matrix, matrix + 9, regression.rotations[j].begin());
    }
    regression.betas.assign(betas + i * num_betas, betas + (i + 1) * num_betas);
    std::copy(cam + i * 3, cam + i * 3 + 3, regression.weak_camera.begin());
  }
  return result;
}

}  // namespace intersynth
