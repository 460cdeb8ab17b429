#include "intersynth/util_torch/torchscript_load.h"

#include <fmt/format.h>

#include <system_error>

#include "intersynth/util/error.h"
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

}  // namespace intersynth
