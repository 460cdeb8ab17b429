#include "intersynth/diffusion/losses.h"

#include "intersynth/body/smpl22.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/motion_clip.h"

namespace intersynth {
namespace {

// sum(mask * value) / sum(mask) over every dimension but the batch; 0 where
// the mask is empty. value and mask broadcast to the same shape.
torch::Tensor PerSampleMean(const torch::Tensor& value, const torch::Tensor& mask) {
  const torch::Tensor m = mask.to(value.dtype()).expand_as(value);
  const torch::Tensor num = (value * m).reshape({value.size(0), -1}).sum(1);
  const torch::Tensor den = m.reshape({value.size(0), -1}).sum(1);
  return num / den.clamp_min(1.0);
}

// For each of the C channels: the joint it describes and the second joint it
// depends on (the parent for a rotation channel, else the same joint).
std::pair<torch::Tensor, torch::Tensor> ChannelJoints() {
  std::vector<int64_t> primary(InterGenLayout::kDim), secondary(InterGenLayout::kDim);
  for (int j = 0; j < kNumJoints; ++j) {
    for (int k = 0; k < 3; ++k) {
      primary[InterGenLayout::kPositions + 3 * j + k] =
          secondary[InterGenLayout::kPositions + 3 * j + k] = j;
      primary[InterGenLayout::kVelocities + 3 * j + k] =
          secondary[InterGenLayout::kVelocities + 3 * j + k] = j;
    }
  }
  for (int j = 1; j < kNumJoints; ++j) {
    for (int k = 0; k < 6; ++k) {
      primary[InterGenLayout::kRotations + 6 * (j - 1) + k] = j;
      secondary[InterGenLayout::kRotations + 6 * (j - 1) + k] = kSmpl22Parents[j];
    }
  }
  const int feet[4] = {7, 10, 8, 11};
  for (int k = 0; k < 4; ++k)
    primary[InterGenLayout::kFootContacts + k] = secondary[InterGenLayout::kFootContacts + k] =
        feet[k];
  return {torch::tensor(primary), torch::tensor(secondary)};
}

// Distances between the joints of persons a and b for each unordered pair
// (a < b, `first` and `second` [K]): [B, P, T, 22, 3] -> [B, K, T, 22, 22].
// d^2 = |x|^2 + |y|^2 - 2 x.y (no [.., 22, 22, 3] difference tensor); the
// clamp keeps the square root and its gradient finite at zero distance.
torch::Tensor PairDistances(const torch::Tensor& p,
                            const torch::Tensor& first,
                            const torch::Tensor& second) {
  const torch::Tensor x = p.index_select(1, first), y = p.index_select(1, second);
  const torch::Tensor squared = x.pow(2).sum(-1).unsqueeze(-1) + y.pow(2).sum(-1).unsqueeze(-2) -
                                2 * torch::matmul(x, y.transpose(-1, -2));
  return torch::sqrt(squared.clamp_min(1e-8));
}

// Facing direction in the XZ plane from the hips, [B, P, T, 2] = (x, z):
// f = (0,1,0) x (p[right_hip] - p[left_hip]) = (d.z, -d.x), normalised.
torch::Tensor Facing(const torch::Tensor& p) {
  const torch::Tensor d = p.select(3, 2) - p.select(3, 1);
  const torch::Tensor f = torch::stack({d.select(-1, 2), -d.select(-1, 0)}, -1);
  return f / (f.norm(2, -1, true) + 1e-6);
}

// (cos, sin) of the angle from a's facing to b's for each pair, [B, K, T, 2].
torch::Tensor RelativeFacing(const torch::Tensor& f,
                             const torch::Tensor& first,
                             const torch::Tensor& second) {
  const torch::Tensor fa = f.index_select(1, first), fb = f.index_select(1, second);
  const torch::Tensor cos = (fa * fb).sum(-1);
  const torch::Tensor sin =
      fa.select(-1, 1) * fb.select(-1, 0) - fa.select(-1, 0) * fb.select(-1, 1);
  return torch::stack({cos, sin}, -1);
}

}  // namespace

std::vector<std::pair<std::string, double>> LossTerms::Values() const {
  auto v = [](const torch::Tensor& x) { return x.defined() ? x.item<double>() : 0.0; };
  return {{"total", v(total)},
          {"mse", v(mse)},
          {"velocity", v(velocity)},
          {"foot_contact", v(foot_contact)},
          {"bone_length", v(bone_length)},
          {"local_pose", v(local_pose)},
          {"distance_map", v(distance_map)},
          {"joint_affinity", v(joint_affinity)},
          {"relative_orientation", v(relative_orientation)}};
}

torch::Tensor ChannelWeights(const torch::Tensor& token_mask, const torch::Tensor& joint_valid) {
  static const auto joints = ChannelJoints();
  const torch::Tensor primary = joints.first.to(joint_valid.device());
  const torch::Tensor secondary = joints.second.to(joint_valid.device());
  return joint_valid.index_select(3, primary) * joint_valid.index_select(3, secondary) *
         token_mask.to(joint_valid.dtype()).unsqueeze(-1);
}

LossTerms ComputeLosses(const torch::Tensor& pred,
                        const torch::Tensor& target,
                        const torch::Tensor& token_mask,
                        const torch::Tensor& joint_valid,
                        const torch::Tensor& t,
                        const torch::Tensor& mean,
                        const torch::Tensor& std,
                        const LossConfig& w,
                        int t_bar) {
  TORCH_CHECK(
      pred.sizes() == target.sizes() && pred.dim() == 4 && pred.size(3) == InterGenLayout::kDim,
      "pred and target must be [B, P, T, 262]");
  const int64_t batch = pred.size(0), persons = pred.size(1), rows = pred.size(2);
  TORCH_CHECK(joint_valid.sizes() == torch::IntArrayRef({batch, persons, rows, kNumJoints}),
              "joint_valid must be [B, P, T, 22]");
  LossTerms out;

  // Simple loss on the normalised x_0, every t.
  const torch::Tensor channel_w = ChannelWeights(token_mask, joint_valid);
  out.mse = PerSampleMean((pred - target).pow(2), channel_w).mean();

  // De-normalised positions [B, P, T, 22, 3] and the joints that count.
  const torch::Tensor pos_hat =
      (pred.narrow(3, 0, 66) * std.narrow(0, 0, 66) + mean.narrow(0, 0, 66))
          .reshape({batch, persons, rows, kNumJoints, 3});
  const torch::Tensor pos = (target.narrow(3, 0, 66) * std.narrow(0, 0, 66) + mean.narrow(0, 0, 66))
                                .reshape({batch, persons, rows, kNumJoints, 3});
  const torch::Tensor jmask =
      joint_valid * token_mask.to(joint_valid.dtype()).unsqueeze(-1);  // [B,P,T,22]
  const torch::Tensor geometric = (t <= t_bar).to(pred.dtype());       // [B]

  // Velocities between consecutive rows, where both rows count.
  torch::Tensor vel_mask, vel_hat;
  if (rows >= 2) {
    vel_hat = pos_hat.narrow(2, 1, rows - 1) - pos_hat.narrow(2, 0, rows - 1);
    const torch::Tensor vel = pos.narrow(2, 1, rows - 1) - pos.narrow(2, 0, rows - 1);
    vel_mask = jmask.narrow(2, 1, rows - 1) * jmask.narrow(2, 0, rows - 1);
    out.velocity = (geometric * PerSampleMean((vel_hat - vel).pow(2).sum(-1), vel_mask)).mean();

    // Foot speed where the real foot is in contact (channels 258..261 are
    // joints 7, 10, 8, 11; raw contact value 1 or 0).
    const torch::Tensor feet = torch::tensor({7, 10, 8, 11}, torch::kLong).to(pred.device());
    const torch::Tensor contact = (target.narrow(3, InterGenLayout::kFootContacts, 4) *
                                       std.narrow(0, InterGenLayout::kFootContacts, 4) +
                                   mean.narrow(0, InterGenLayout::kFootContacts, 4)) > 0.5;
    const torch::Tensor foot_mask =
        vel_mask.index_select(3, feet) * contact.narrow(2, 0, rows - 1).to(pred.dtype());
    out.foot_contact =
        (geometric * PerSampleMean(vel_hat.index_select(3, feet).pow(2).sum(-1), foot_mask)).mean();
  } else {
    out.velocity = out.foot_contact = torch::zeros({}, pred.options());
  }

  // Bone lengths of joints 1..21 to their parents.
  std::vector<int64_t> children, parents;
  for (int j = 1; j < kNumJoints; ++j) {
    children.push_back(j);
    parents.push_back(kSmpl22Parents[j]);
  }
  const torch::Tensor child = torch::tensor(children).to(pred.device());
  const torch::Tensor parent = torch::tensor(parents).to(pred.device());
  auto bone_lengths = [&](const torch::Tensor& p) {
    return (p.index_select(3, child) - p.index_select(3, parent)).norm(2, -1);
  };
  const torch::Tensor bone_mask = jmask.index_select(3, child) * jmask.index_select(3, parent);
  out.bone_length =
      (geometric * PerSampleMean((bone_lengths(pos_hat) - bone_lengths(pos)).pow(2), bone_mask))
          .mean();

  // The pose relative to the pelvis, where the joint and the pelvis count.
  auto local = [&](const torch::Tensor& p) {
    return p.narrow(3, 1, kNumJoints - 1) - p.narrow(3, 0, 1);
  };
  const torch::Tensor local_mask = jmask.narrow(3, 1, kNumJoints - 1) * jmask.narrow(3, 0, 1);
  out.local_pose =
      (geometric * PerSampleMean((local(pos_hat) - local(pos)).pow(2).sum(-1), local_mask)).mean();

  // Interaction terms over the unordered pairs a < b of persons (the terms
  // are symmetric in a and b, so ordered pairs would count each twice).
  if (persons >= 2) {
    std::vector<int64_t> firsts, seconds;
    for (int64_t a = 0; a < persons; ++a) {
      for (int64_t b = a + 1; b < persons; ++b) {
        firsts.push_back(a);
        seconds.push_back(b);
      }
    }
    const torch::Tensor first = torch::tensor(firsts).to(pred.device());
    const torch::Tensor second = torch::tensor(seconds).to(pred.device());
    const torch::Tensor d_hat = PairDistances(pos_hat, first, second);  // [B, K, T, 22, 22]
    const torch::Tensor d = PairDistances(pos, first, second);
    const torch::Tensor pair_mask =
        jmask.index_select(1, first).unsqueeze(-1) * jmask.index_select(1, second).unsqueeze(-2);
    const torch::Tensor near =
        ((d_hat < w.distance_map_threshold_m) | (d < w.distance_map_threshold_m)).to(pred.dtype());
    out.distance_map = (geometric * PerSampleMean((d_hat - d).pow(2), pair_mask * near)).mean();
    const torch::Tensor touching = (d < w.joint_affinity_threshold_m).to(pred.dtype());
    out.joint_affinity = (geometric * PerSampleMean(d_hat.pow(2), pair_mask * touching)).mean();

    // Relative facing where both persons' hips count.
    const torch::Tensor hips = jmask.select(3, 1) * jmask.select(3, 2);  // [B, P, T]
    const torch::Tensor facing_mask =
        (hips.index_select(1, first) * hips.index_select(1, second)).unsqueeze(-1);
    out.relative_orientation =
        (geometric * PerSampleMean((RelativeFacing(Facing(pos_hat), first, second) -
                                    RelativeFacing(Facing(pos), first, second))
                                       .pow(2),
                                   facing_mask))
            .mean();
  } else {
    out.distance_map = out.joint_affinity = out.relative_orientation =
        torch::zeros({}, pred.options());
  }

  out.total = w.mse * out.mse + w.velocity * out.velocity + w.foot_contact * out.foot_contact +
              w.bone_length * out.bone_length + w.local_pose * out.local_pose +
              w.distance_map * out.distance_map + w.joint_affinity * out.joint_affinity +
              w.relative_orientation * out.relative_orientation;
  return out;
}

}  // namespace intersynth
