#pragma once
// The text-conditioned motion diffusion network: the learned text encoder,
// the learned null text embedding for classifier-free guidance, and the
// multi-person denoiser. Torch header (diffusion-internal).
//
//   cond = drop ? null_text : TextEncoder(token ids)       [B, text.d_model]
//   x0_hat = Denoiser(x_t, t, cond, token_mask, person_ids)
//
// The null embedding is a parameter (MDM zeroes the CLIP feature instead); it
// is trained by the samples whose text is dropped (cond_drop).

#include <torch/torch.h>

#include "intersynth/diffusion/config.h"
#include "intersynth/diffusion/denoiser.h"
#include "intersynth/text/text_encoder.h"

namespace intersynth {

class MotionDiffusionImpl : public torch::nn::Module {
 public:
  MotionDiffusionImpl(const DiffusionConfig& config, int64_t vocab_size);

  /// ids [B, L] int64 (0 = pad; a dropped row may be all padding), drop [B]
  /// bool -> cond [B, text.d_model].
  torch::Tensor EncodeText(const torch::Tensor& ids, const torch::Tensor& drop);

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
  TextEncoder text_encoder_{nullptr};
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
