#pragma once
// The contrastive motion-text evaluator: a motion encoder over all persons'
// features and a text encoder, mapped into one embedding space where a
// caption lies near the motions it describes (the role of Guo et al. 2022's
// text-to-motion evaluator and InterGen's InterCLIP). Torch header
// (eval-internal); the CLI sees evaluator_train.h and evaluator_io.h.
//
// Motion encoder (one token per person per frame, as the denoiser):
//   f        [B, P, T, 258]  normalised InterGen features without the 4 foot
//                            contacts (feature_layout() below)
//   x        = W_in f + PE(frame) + E_person[person_id]        [B, P, T, d]
//   x        -> P*T tokens -> pre-LN transformer layers with a key padding
//               mask (text/text_encoder.h's layer: full attention across
//               persons and frames) -> LN
//   pooled_b = masked mean over the real tokens
//   m_b      = normalize(W_m pooled_b)                          [B, E]
// Text encoder: the learned TextEncoder (text/text_encoder.h) over the
// evaluator's own tokenizer, then t_b = normalize(W_t E(text_b))   [B, E].
// Embeddings are unit vectors, so Euclidean distances (FID, R-precision,
// MM-Dist, diversity) rank as cosine similarities do.
//
// Loss (symmetric InfoNCE, CLIP, Radford et al. 2021, eq. in Fig. 3):
//   s_ij = exp(tau) * <t_i, m_j>,   tau learned, exp(tau) clamped to <= 100
//   s_ij = -inf for i != j when captions i and j are equal (not negatives)
//   L    = ( CE_rows(s, diag) + CE_cols(s, diag) ) / 2
// Foot contacts are dropped because a generator predicts them itself: the
// evaluator must judge the motion, not the generator's contact flags.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "intersynth/eval/evaluator_config.h"
#include "intersynth/text/text_encoder.h"
#include "intersynth/text/tokenizer.h"

namespace intersynth {

class MotionTextEvaluatorImpl : public torch::nn::Module {
 public:
  MotionTextEvaluatorImpl(const EvaluatorConfig& config, Tokenizer tokenizer);

  /// features [B, P, T, 258] normalised, token_mask [B, P, T] bool (every
  /// sample needs a real token), person_ids [B, P] int64 -> [B, E] unit rows.
  torch::Tensor EncodeMotion(const torch::Tensor& features,
                             const torch::Tensor& token_mask,
                             const torch::Tensor& person_ids);

  /// Captions (non-empty) -> [B, E] unit rows. Unknown words map to the
  /// unknown token.
  torch::Tensor EncodeText(const std::vector<std::string>& texts);

  /// exp(tau), clamped to [1, 100].
  torch::Tensor LogitScale() const;

  const Tokenizer& tokenizer() const { return tokenizer_; }
  const EvaluatorConfig& config() const { return config_; }

 private:
  EvaluatorConfig config_;
  Tokenizer tokenizer_;
  torch::nn::Linear input_{nullptr};
  torch::nn::Embedding person_embedding_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  torch::nn::LayerNorm final_norm_{nullptr};
  torch::nn::Linear motion_projection_{nullptr};
  TextEncoder text_encoder_{nullptr};
  torch::nn::Linear text_projection_{nullptr};
  torch::Tensor log_scale_;
};
TORCH_MODULE(MotionTextEvaluator);

/// Drops the foot-contact channels: [..., 262] -> [..., 258].
torch::Tensor DropFootContacts(const torch::Tensor& features);

/// The symmetric InfoNCE loss above. text, motion [B, E]; caption_ids [B]
/// (equal ids share a caption; B >= 2).
torch::Tensor ContrastiveLoss(const torch::Tensor& text,
                              const torch::Tensor& motion,
                              const torch::Tensor& logit_scale,
                              const std::vector<int64_t>& caption_ids);

}  // namespace intersynth
