#pragma once
// The text-conditioned motion diffusion network: the learned text encoder,
// the learned null text embedding for classifier-free guidance, and the
// multi-person denoiser. Torch header (diffusion-internal).
//
//   cond = drop ? null_text : E(text)                       [B, text.d_model]
//   x0_hat = Denoiser(x_t, t, cond, token_mask, person_ids)
// E is the learned TextEncoder over the tokenizer's ids, or, when
// config.text.torchscript names a file, the user's frozen TorchScript encoder
// (CPU) followed by a learned Linear(D, text.d_model).
//
// The null embedding is a parameter (MDM zeroes the CLIP feature instead); it
// is trained by the samples whose text is dropped (cond_drop).

#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/denoiser.h"
#include "intersynth/text/text_encoder.h"
#include "intersynth/text/tokenizer.h"
#include "intersynth/text/torchscript_text_encoder.h"

namespace intersynth {

/// The learned text encoder's options from a config's text section.
TextEncoderOptions MakeTextEncoderOptions(const TextConfig& config,
                                          int64_t vocab_size,
                                          int64_t out_dim);

class MotionDiffusionImpl : public torch::nn::Module {
 public:
  /// `base_dir` resolves a relative config.text.torchscript (the run folder).
  /// Throws Error when the TorchScript encoder cannot be loaded.
  MotionDiffusionImpl(const DiffusionConfig& config,
                      Tokenizer tokenizer,
                      const std::filesystem::path& base_dir = {});

  /// texts [B] (a dropped row's text is not read and may be empty), drop [B]
  /// bool -> cond [B, text.d_model] on the model's device.
  torch::Tensor EncodeText(const std::vector<std::string>& texts, const torch::Tensor& drop);

  const Tokenizer& tokenizer() const { return tokenizer_; }
  /// Whether the text goes through a user's TorchScript encoder.
  bool external_text_encoder() const { return external_.has_value(); }

  /// The null embedding repeated for `batch` rows.
  torch::Tensor NullText(int64_t batch);

  /// x0_hat (denoiser.h shapes).
  torch::Tensor forward(const torch::Tensor& x_t,
                        const torch::Tensor& t,
                        const torch::Tensor& cond,
                        const torch::Tensor& token_mask,
                        const torch::Tensor& person_ids);

  const DiffusionConfig& config() const { return config_; }

 private:
  DiffusionConfig config_;
  Tokenizer tokenizer_;
  TextEncoder text_encoder_{nullptr};
  std::optional<TorchScriptTextEncoder> external_;
  torch::nn::Linear external_projection_{nullptr};
  torch::Tensor null_text_;
  Denoiser denoiser_{nullptr};
};
TORCH_MODULE(MotionDiffusion);

/// Copies every parameter and buffer of `from` into `to` (same architecture).
void CopyWeights(torch::nn::Module& from, torch::nn::Module& to);

/// ema = decay * ema + (1 - decay) * model, parameter by parameter.
void UpdateEma(torch::nn::Module& model, torch::nn::Module& ema, double decay);

/// Number of scalar parameters.
int64_t CountParameters(const torch::nn::Module& module);

}  // namespace intersynth
