#pragma once
// Loading a user's TorchScript file with intersynth's error channel: the
// adapters of exported networks (text encoder, depth model) share the checks
// that come before their own contracts. Includes Torch: for Torch targets'
// .cc files only.

#include <torch/script.h>

#include <filesystem>
#include <string>

namespace intersynth {

/// torch::jit::load(path) onto the CPU, in eval mode. Throws Error
/// "PATH: no such file (expected ...)", "PATH: not a file (expected ...)" or
/// "PATH: not a TorchScript archive (expected ...): REASON", where `expected`
/// says what the file should be (e.g. "expected a TorchScript depth model
/// saved with torch.jit.save").
torch::jit::Module LoadTorchScriptModule(const std::filesystem::path& path,
                                         const std::string& expected);

/// Throws Error "SOURCE: the TorchScript module has no SIGNATURE" unless the
/// module has a forward whose first argument takes a Tensor and whose further
/// arguments all have defaults ("SOURCE: forward is ..., expected SIGNATURE").
/// `signature` is what the contract wants, e.g. "forward(image: Tensor) -> Tensor".
void RequireForwardTakingOneTensor(const torch::jit::Module& module,
                                   const std::string& source,
                                   const std::string& signature);

/// torch.jit.freeze(module) (weights and attributes become constants; only
/// forward is kept, so read attributes first) with optimize_numerics = false,
/// which keeps the outputs bit-equal to the unfrozen module the user exported.
/// A module that cannot be frozen is returned as it is, with a warning
/// naming `source` and `what` (e.g. "the depth model").
torch::jit::Module FreezeOrWarn(const torch::jit::Module& module,
                                const std::string& source,
                                const std::string& what);

}  // namespace intersynth
