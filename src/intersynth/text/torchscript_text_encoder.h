#pragma once
// Adapter for a user's pretrained text encoder (CLIP-style) exported to
// TorchScript. No such weights can be obtained here (DESIGN.md): the adapter
// fixes the contract below and is tested on tiny modules that
// testdata/text/make_tiny_text_encoder.py makes.
//
// Contract of the file:
//   * a TorchScript module saved with torch.jit.save (made by torch.jit.script,
//     or a scripted wrapper around traced parts: tracing alone cannot take
//     strings);
//   * forward(texts: List[str]) -> Tensor, float32 [B, D] with B = len(texts):
//     row b embeds texts[b]; every value finite. The strings arrive as UTF-8
//     (TorchScript's str is a byte string: `for c in text` walks bytes);
//     tokenization is the module's own business;
//   * optionally an int attribute `embedding_dim` or an exported method
//     `embedding_dim() -> int` equal to D. Without it, D is read from the
//     output of a probe run.
//
// The adapter loads the module onto the CPU, puts it in eval mode, reads
// embedding_dim, freezes it (torch.jit.freeze, attributes inlined; a module
// that cannot be frozen runs unfrozen, with a warning), and runs one probe,
// forward(["a person walks"]), so that a file breaking the contract is
// reported at load rather than in the middle of a run. Every call runs under
// torch::NoGradGuard. Contract violations throw intersynth::Error naming the
// file: missing file, not a TorchScript archive, no forward or a forward
// that does not take List[str], an output that is not a 2-D floating-point
// tensor, a row count other than B, a column count other than D, non-finite
// values. Other floating-point dtypes (float64, float16) are converted to
// float32.
//
// The header stays free of Torch (pimpl; at::Tensor only forward-declared,
// torch::Tensor is the same type) so that code which only holds an encoder
// does not pay for the Torch headers.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}  // namespace at

namespace intersynth {

/// A loaded, frozen TorchScript text encoder. Immutable; copies share the
/// module. Calls are not synchronised: use one copy per thread if in doubt.
class TorchScriptTextEncoder {
 public:
  /// The text the probe run at load encodes.
  static constexpr const char* kProbeText = "a person walks";

  /// Loads, checks and freezes the module at `path` (see the top of this
  /// file). Throws Error naming the file when it breaks the contract.
  static TorchScriptTextEncoder Load(const std::filesystem::path& path);

  /// D, the width of each embedding: the module's `embedding_dim` when it
  /// has one, else the column count of the probe output (the two agree:
  /// checked at load).
  int64_t embedding_dim() const;

  /// The file the module was loaded from.
  const std::filesystem::path& path() const;

  /// Embeds `texts`: float32 CPU tensor [texts.size(), embedding_dim()],
  /// row b for texts[b]; [0, D] for no texts (the module is not called).
  /// Throws Error naming the file when forward fails or its output breaks
  /// the contract.
  at::Tensor Encode(const std::vector<std::string>& texts) const;

 private:
  struct Impl;
  explicit TorchScriptTextEncoder(std::shared_ptr<Impl> impl);

  std::shared_ptr<Impl> impl_;
};

}  // namespace intersynth
