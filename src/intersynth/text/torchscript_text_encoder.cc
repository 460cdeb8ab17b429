#include "intersynth/text/torchscript_text_encoder.h"

#include <fmt/format.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <system_error>

#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/util_torch/torch_info.h"
#include "intersynth/util_torch/torchscript_load.h"

namespace intersynth {

struct TorchScriptTextEncoder::Impl {
  std::filesystem::path path;
  torch::jit::Module module;
  int64_t embedding_dim = 0;  // 0 until the probe has run
};

namespace {

// The module's declared embedding width: an int attribute or an exported
// method `embedding_dim() -> int`; 0 when it declares none.
int64_t DeclaredEmbeddingDim(torch::jit::Module& module, const std::string& source) {
  c10::IValue value;
  if (module.hasattr("embedding_dim")) {
    value = module.attr("embedding_dim");
  } else if (auto method = module.find_method("embedding_dim")) {
    try {
      value = (*method)(std::vector<c10::IValue>{});
    } catch (const std::exception& e) {
      throw Error(fmt::format("{}: embedding_dim() failed: {}", source, TorchErrorReason(e)));
    }
  } else {
    return 0;
  }
  if (!value.isInt() || value.toInt() <= 0) {
    throw Error(fmt::format("{}: embedding_dim is {} ({}), expected a positive int", source,
                            value.isInt() ? std::to_string(value.toInt()) : "not an int",
                            value.tagKind()));
  }
  return value.toInt();
}

}  // namespace

TorchScriptTextEncoder::TorchScriptTextEncoder(std::shared_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

TorchScriptTextEncoder TorchScriptTextEncoder::Load(const std::filesystem::path& path) {
  const std::string source = path.string();
  // Read the archive onto the CPU, in eval mode.
  auto impl = std::make_shared<Impl>();
  impl->path = path;
  impl->module =
      LoadTorchScriptModule(path, "expected a TorchScript text encoder saved with torch.jit.save");

  // forward(texts: List[str]) must exist and take a list of strings.
  const auto forward = impl->module.find_method("forward");
  if (!forward) {
    throw Error(fmt::format("{}: the TorchScript module has no forward(texts: List[str])", source));
  }
  const auto& arguments = forward->function().getSchema().arguments();
  if (arguments.size() != 2 || !c10::ListType::ofStrings()->isSubtypeOf(*arguments[1].type())) {
    throw Error(fmt::format("{}: forward is {}, expected forward(texts: List[str]) -> Tensor",
                            source, toString(forward->function().getSchema())));
  }
  const int64_t declared_dim = DeclaredEmbeddingDim(impl->module, source);

  // Freeze (weights and attributes become constants) now that embedding_dim
  // is read: freezing keeps only forward. optimize_numerics = false keeps the
  // outputs bit-equal to the unfrozen module the user exported.
  impl->module = FreezeOrWarn(impl->module, source, "the text encoder");

  // Probe run: reports a broken contract at load and gives D when the module
  // does not declare it.
  TorchScriptTextEncoder encoder(impl);
  const torch::Tensor probe = encoder.Encode({kProbeText});
  const int64_t probe_dim = probe.size(1);
  if (declared_dim != 0 && declared_dim != probe_dim) {
    throw Error(fmt::format("{}: embedding_dim is {} but forward([\"{}\"]) returned {} columns",
                            source, declared_dim, kProbeText, probe_dim));
  }
  impl->embedding_dim = probe_dim;
  return encoder;
}

int64_t TorchScriptTextEncoder::embedding_dim() const { return impl_->embedding_dim; }

const std::filesystem::path& TorchScriptTextEncoder::path() const { return impl_->path; }

at::Tensor TorchScriptTextEncoder::Encode(const std::vector<std::string>& texts) const {
  const std::string source = impl_->path.string();
  const int64_t batch = static_cast<int64_t>(texts.size());
  if (batch == 0) return torch::empty({0, impl_->embedding_dim}, torch::kFloat);

  // Run forward without autograd state.
  c10::List<std::string> list;
  list.reserve(texts.size());
  for (const std::string& text : texts) list.push_back(text);
  c10::IValue result;
  {
    torch::NoGradGuard no_grad;
    try {
      result = impl_->module.forward({c10::IValue(std::move(list))});
    } catch (const std::exception& e) {
      throw Error(
          fmt::format("{}: forward failed on {} texts: {}", source, batch, TorchErrorReason(e)));
    }
  }

  // Check the output against the contract before anyone uses it.
  if (!result.isTensor()) {
    throw Error(fmt::format("{}: forward returned {}, expected a float32 Tensor [B, D]", source,
                            result.tagKind()));
  }
  torch::Tensor out = result.toTensor();
  if (out.dim() != 2 || !out.is_floating_point()) {
    throw Error(fmt::format("{}: forward returned a {} tensor of shape {}, expected float32 [B, D]",
                            source, c10::toString(out.scalar_type()),
                            fmt::format("[{}]", fmt::join(out.sizes(), ", "))));
  }
  if (out.size(0) != batch) {
    throw Error(fmt::format("{}: forward returned {} rows for {} texts (expected one row per text)",
                            source, out.size(0), batch));
  }
  // embedding_dim_ is 0 only during the probe at load, which sets it.
  if (impl_->embedding_dim != 0 && out.size(1) != impl_->embedding_dim) {
    throw Error(fmt::format("{}: forward returned {} columns, expected embedding_dim = {}", source,
                            out.size(1), impl_->embedding_dim));
  }
  if (out.size(1) == 0) {
    throw Error(fmt::format("{}: forward returned empty rows (0 columns)", source));
  }
  out = out.to(torch::kCPU, torch::kFloat).contiguous();
  const torch::Tensor finite_rows = torch::isfinite(out).all(1);
  if (!finite_rows.all().item<bool>()) {
    const int64_t row = finite_rows.logical_not().nonzero()[0][0].item<int64_t>();
    throw Error(fmt::format("{}: forward returned non-finite values (first in row {}, text \"{}\")",
                            source, row, texts[row]));
  }
  return out;
}

}  // namespace intersynth
