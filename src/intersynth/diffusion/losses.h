#pragma once
// Training losses of the motion diffusion model (MDM's simple x_0 loss plus
// InterGen's geometric and interaction terms). Torch header (diffusion-internal).
//
// Inputs (B samples, P person slots, T rows, C = 262):
//   pred, target  [B, P, T, C]  predicted and real x_0, NORMALISED features
//   token_mask    [B, P, T]     bool, real tokens
//   joint_valid   [B, P, T, 22] float 0/1, joints a sensor saw (all 1 for mocap)
//   t             [B]           diffusion steps
//   mean, std     [C]           the normaliser (std already guarded: < 1e-6 -> 1)
//
// Every term is a masked mean PER SAMPLE (entries outside token_mask or on an
// invalid joint count neither in the sum nor in the count; a sample with no
// entry for a term contributes 0 to it), then averaged over the batch, so the
// loss of a batch is the mean of per-sample losses and data-parallel shards of
// equal size average to the loss of the whole batch.
// Positions p (metres) are the de-normalised channels 0-65; with unordered pairs
// of persons a < b (every term is symmetric in a and b) and d_ij = |p_a,i - p_b,j|:
//   mse          = mean (pred - target)^2 over channels of valid joints
//                  (a rotation channel needs its joint and its parent valid;
//                  a contact channel needs its foot joint)
//   velocity     = mean |(p^[t+1] - p^[t]) - (p[t+1] - p[t])|^2
//   foot_contact = mean |p^[t+1] - p^[t]|^2 over feet (7, 10, 8, 11) where the
//                  REAL contact channel is on (MDM uses the real contacts; a
//                  mask from the prediction would let it dodge the term by
//                  lifting its feet)
//   bone_length  = mean (|p^_j - p^_parent(j)| - |p_j - p_parent(j)|)^2, j = 1..21
//   local_pose   = mean |(p^_j - p^_0) - (p_j - p_0)|^2, j = 1..21 (where j and
//                  the pelvis count): the pose relative to the pelvis
//   distance_map = mean (d^_ij - d_ij)^2 over pairs where d^_ij or d_ij < 1 m
//                  (InterGen masks by the prediction only; the union also
//                  pulls back a partner the prediction placed too far)
//   joint_affinity = mean d^_ij^2 over pairs with d_ij < 0.1 m (InterGen "JA")
//   relative_orientation = mean |(cos, sin)^ - (cos, sin)|^2 of the angle
//                  between the facing directions (hips, features_262.h) of a and b
// The geometric terms (all but mse) count only for samples with t <= t_bar;
// total = sum of weight * term (LossConfig).

#include <torch/torch.h>

#include "intersynth/diffusion/config.h"

namespace intersynth {

struct LossTerms {
  torch::Tensor total;
  torch::Tensor mse;
  torch::Tensor velocity;
  torch::Tensor foot_contact;
  torch::Tensor bone_length;
  torch::Tensor local_pose;
  torch::Tensor distance_map;
  torch::Tensor joint_affinity;
  torch::Tensor relative_orientation;

  /// Term names and values in a fixed order (for logs): total first.
  std::vector<std::pair<std::string, double>> Values() const;
};

/// Per-channel weights [B, P, T, C] from token_mask and joint_valid (see above).
torch::Tensor ChannelWeights(const torch::Tensor& token_mask, const torch::Tensor& joint_valid);

/// All terms for one batch.
LossTerms ComputeLosses(const torch::Tensor& pred,
                        const torch::Tensor& target,
                        const torch::Tensor& token_mask,
                        const torch::Tensor& joint_valid,
                        const torch::Tensor& t,
                        const torch::Tensor& mean,
                        const torch::Tensor& std,
                        const LossConfig& weights,
                        int t_bar);

}  // namespace intersynth
