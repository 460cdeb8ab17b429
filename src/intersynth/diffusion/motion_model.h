#pragma once
// The text-conditioned motion diffusion network: the learned text encoder,
// the learned null text embedding for classifier-free guidance, and the
// multi-person denoiser. Torch header (diffusion-internal).
//
//   cond = drop ? null_text : E(text)                       [B, text.d_model]
//   words = drop ? none : E's per-word outputs       [B, L, text.d_model]
//   x0_hat = Denoiser(x_t, t, cond, token_mask, person_ids, words)
// (words only with model.word_tokens).
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

/// What the denoiser reads of a batch of captions.
struct TextCondition {
  /// [B, text.d_model]: the pooled caption (the null embedding where dropped).
  torch::Tensor pooled;
  /// With model.word_tokens: [B, L, text.d_model] per-word outputs and
  /// [B, L] bool, true at real words (all false where dropped). Undefined
  /// otherwise.
  torch::Tensor words;
  torch::Tensor word_mask;

  int64_t batch() const { return pooled.size(0); }
};

/// Rows of `a` then rows of `b`; words are padded to the longer caption.
TextCondition CatTextConditions(const TextCondition& a, const TextCondition& b);

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
  /// bool -> the condition on the model's device.
  TextCondition EncodeText(const std::vector<std::string>& texts, const torch::Tensor& drop);

  const Tokenizer& tokenizer() const { return tokenizer_; }
  /// Whether the text goes through a user's TorchScript encoder.
  bool external_text_encoder() const { return external_.has_value(); }

  /// The null condition for `batch` rows (no words).
  TextCondition NullText(int64_t batch);

  /// x0_hat (denoiser.h shapes).
  torch::Tensor forward(const torch::Tensor& x_t,
                        const torch::Tensor& t,
                        const TextCondition& cond,
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
