#include "intersynth/util_torch/torchscript_load.h"

#include <fmt/format.h>

#include <system_error>

#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/util_torch/torch_info.h"

namespace intersynth {

torch::jit::Module LoadTorchScriptModule(const std::filesystem::path& path,
                                         const std::string& expected) {
  const std::string source = path.string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw Error(fmt::format("{}: {} ({})", source,
                            std::filesystem::exists(path, error) ? "not a file" : "no such file",
                            expected));
  }
  // LibTorch reports a file of another kind as c10::Error.
  torch::jit::Module module;
  try {
    module = torch::jit::load(source, torch::kCPU);
  } catch (const std::exception& e) {
    throw Error(fmt::format("{}: not a TorchScript archive ({}): {}", source, expected,
                            TorchErrorReason(e)));
  }
  module.eval();
  return module;
}

void RequireForwardTakingOneTensor(const torch::jit::Module& module,
                                   const std::string& source,
                                   const std::string& signature) {
  const auto forward = module.find_method("forward");
  if (!forward) throw Error(fmt::format("{}: the TorchScript module has no {}", source, signature));
  // arguments[0] is self.
  const auto& schema = forward->function().getSchema();
  const auto& arguments = schema.arguments();
  bool takes_one_tensor =
      arguments.size() >= 2 && c10::TensorType::get()->isSubtypeOf(*arguments[1].type());
  for (size_t i = 2; i < arguments.size(); ++i) {
    takes_one_tensor = takes_one_tensor && arguments[i].default_value().has_value();
  }
  if (!takes_one_tensor) {
    throw Error(fmt::format("{}: forward is {}, expected {}", source, toString(schema), signature));
  }
}

torch::jit::Module FreezeOrWarn(const torch::jit::Module& module,
                                const std::string& source,
                                const std::string& what) {
  try {
    return torch::jit::freeze(module, c10::nullopt, /*optimize_numerics=*/false);
  } catch (const std::exception& e) {
    LogWarn("{}: running {} unfrozen (torch.jit.freeze failed: {})", source, what,
            TorchErrorReason(e));
    return module;
  }
}

}  // namespace intersynth
