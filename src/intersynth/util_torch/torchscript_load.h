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

}  // namespace intersynth
