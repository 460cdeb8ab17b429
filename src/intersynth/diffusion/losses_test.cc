#include "intersynth/diffusion/losses.h"

#include <gtest/gtest.h>

#include "intersynth/diffusion/diffusion_test_util.h"
#include "intersynth/diffusion/training_step.h"

namespace intersynth {
namespace {

constexpr int64_t kC = 262;

struct Batch {
  torch::Tensor x0, mask, valid, t, mean, std;
};

// Real features of a two-person synthetic clip, normalised, as a batch of 1.
Batch PairBatch() {
  const MotionClip clip = testing::TinyClip(2, 30, 9, "two people walk");
  const InterGenFeatures f = EncodeInterGen(clip);
  const FeatureNormalizer normalizer = testing::TinyNormalizer({clip});
  std::vector<float> values = f.values;
  normalizer.Normalize(values.data(), 2 * f.num_rows);
  Batch b;
  b.x0 = torch::tensor(values).view({1, 2, f.num_rows, kC});
  b.mask = torch::ones({1, 2, f.num_rows}, torch::kBool);
  b.valid = torch::ones({1, 2, f.num_rows, 22});
  b.t = torch::tensor({100}, torch::kLong);
  std::tie(b.mean, b.std) = NormalizerTensors(normalizer, torch::kCPU);
  return b;
}

LossTerms Loss(const Batch& b, const torch::Tensor& pred, const LossConfig& w = {}) {
  return ComputeLosses(pred, b.x0, b.mask, b.valid, b.t, b.mean, b.std, w, 700);
}

TEST(Losses, ZeroForAPerfectPrediction) {
  const Batch b = PairBatch();
  const LossTerms loss = Loss(b, b.x0);
  // Every term but foot_contact: that one penalises foot speed where the real
  // contact label is on, and a real foot in contact still moves a little
  // (the label allows |v|^2 < 0.001 m^2 per frame).
  for (const auto& [name, value] : loss.Values()) {
    if (name == "foot_contact" || name == "total") continue;
    EXPECT_NEAR(value, 0.0, 1e-6) << name;
  }
  EXPECT_GT(loss.foot_contact.item<double>(), 0.0);
  EXPECT_LT(loss.foot_contact.item<double>(), 0.001);
  EXPECT_NEAR(loss.total.item<double>(), 30.0 * loss.foot_contact.item<double>(), 1e-6);
}

TEST(Losses, MseIsTheMeanSquaredErrorOverValidChannels) {
  const Batch b = PairBatch();
  const LossTerms loss = Loss(b, b.x0 + 0.5);
  EXPECT_NEAR(loss.mse.item<double>(), 0.25, 1e-6);
}

TEST(Losses, BoneLengthTermMeasuresMetres) {
  // Scaling person 0's positions about its root by 1.1 stretches every bone
  // by 10%; the term is the mean squared length error in m^2.
  Batch b = PairBatch();
  const torch::Tensor raw = b.x0 * b.std + b.mean;
  torch::Tensor pos = raw.narrow(3, 0, 66).reshape({1, 2, -1, 22, 3}).clone();
  const torch::Tensor root = pos.narrow(3, 0, 1);
  pos[0][0] = (root[0][0] + (pos[0][0] - root[0][0]) * 1.1);
  torch::Tensor stretched = raw.clone();
  stretched.narrow(3, 0, 66).copy_(pos.reshape({1, 2, -1, 66}));
  const LossTerms loss = Loss(b, (stretched - b.mean) / b.std);
  // Expected: mean over both persons' bones of (0.1 * length)^2; person 1 adds 0.
  const torch::Tensor p0 = (raw.narrow(3, 0, 66).reshape({1, 2, -1, 22, 3}))[0][0];
  double sum = 0;
  int count = 0;
  for (int j = 1; j < 22; ++j) {
    const double length =
        (p0.select(1, j) - p0.select(1, kSmpl22Parents[j])).norm(2, -1).mean().item<double>();
    sum += 0.01 * length * length;
    ++count;
  }
  const double expected = sum / count / 2.0;
  EXPECT_NEAR(loss.bone_length.item<double>(), expected, 0.02 * expected);
}

// A right foot turned backwards about its ankle (the toe mirrored through
// the ankle) keeps every bone length and moves two coordinates of 262 by a
// fraction of their spread, so the normalised MSE and the bone term hardly
// see it; the local-pose term is the mean squared displacement in m^2.
TEST(Losses, LocalPoseTermSeesAFootTurnedBackwards) {
  Batch b = PairBatch();
  const torch::Tensor raw = b.x0 * b.std + b.mean;
  torch::Tensor pos = raw.narrow(3, 0, 66).reshape({1, 2, -1, 22, 3}).clone();
  const torch::Tensor ankle = pos[0][0].select(1, kSmpl22RightAnkle).clone();
  const torch::Tensor toe = pos[0][0].select(1, kSmpl22RightFoot).clone();
  pos[0][0].select(1, kSmpl22RightFoot).copy_(2 * ankle - toe);
  torch::Tensor turned = raw.clone();
  turned.narrow(3, 0, 66).copy_(pos.reshape({1, 2, -1, 66}));
  LossConfig w;
  w.local_pose = 20.0;
  const LossTerms loss = Loss(b, (turned - b.mean) / b.std, w);
  EXPECT_NEAR(loss.bone_length.item<double>(), 0.0, 1e-9);
  // Person 0: one joint of 21 moved by 2 |toe - ankle| each row; person 1: 0.
  const double displacement = (2 * (toe - ankle)).pow(2).sum(-1).mean().item<double>();
  const double expected = displacement / 21.0 / 2.0;
  EXPECT_NEAR(loss.local_pose.item<double>(), expected, 1e-3 * expected);
  EXPECT_NEAR(loss.total.item<double>() - Loss(b, (turned - b.mean) / b.std).total.item<double>(),
              20.0 * expected, 1e-3 * 20.0 * expected);
}

TEST(Losses, GeometricTermsOnlyUpToTBar) {
  Batch b = PairBatch();
  const torch::Tensor pred = b.x0 + 0.3;
  EXPECT_GT(Loss(b, pred).velocity.item<double>(), 0.0);
  b.t = torch::tensor({701}, torch::kLong);
  const LossTerms late = Loss(b, pred);
  EXPECT_GT(late.mse.item<double>(), 0.0);
  for (const torch::Tensor* term :
       {&late.velocity, &late.bone_length, &late.local_pose, &late.foot_contact, &late.distance_map,
        &late.relative_orientation}) {
    EXPECT_EQ(term->item<double>(), 0.0);
  }
}

TEST(Losses, InvalidJointsAndPaddingContributeNothing) {
  Batch b = PairBatch();
  torch::Tensor pred = b.x0.clone();
  // Garbage on joint 5 of person 1 everywhere, and on the padded last rows.
  const int64_t rows = b.x0.size(2);
  pred[0][1].narrow(1, 15, 3).fill_(50.0);
  pred[0][1].narrow(1, 66 + 15, 3).fill_(50.0);
  pred[0][1].narrow(1, 132 + 6 * 4, 6).fill_(50.0);  // rotation of joint 5
  pred[0][1].narrow(1, 132 + 6 * 7, 6).fill_(50.0);  // rotation of joint 8 (child of 5)
  b.valid[0][1].select(1, 5).fill_(0.0);
  pred[0].narrow(1, rows - 3, 3).fill_(-40.0);
  b.mask[0].narrow(1, rows - 3, 3).fill_(false);
  // Equal to the loss of the perfect prediction with the same masks.
  const auto garbage = Loss(b, pred).Values();
  const auto perfect = Loss(b, b.x0).Values();
  for (size_t i = 0; i < garbage.size(); ++i) {
    EXPECT_NEAR(garbage[i].second, perfect[i].second, 1e-6) << garbage[i].first;
  }
  EXPECT_NEAR(perfect[1].second, 0.0, 1e-6);  // mse
}

TEST(Losses, DistanceMapSeesOnlyNearbyPairs) {
  Batch b = PairBatch();
  // Move person 1 far away (10 m) in both prediction and target: no pair is
  // within 1 m, the distance term is 0 even though the prediction is off.
  const torch::Tensor raw = b.x0 * b.std + b.mean;
  torch::Tensor far = raw.clone();
  for (int j = 0; j < 22; ++j) far[0][1].select(1, 3 * j) += 10.0;
  b.x0 = (far - b.mean) / b.std;
  torch::Tensor pred_raw = far.clone();
  for (int j = 0; j < 22; ++j) pred_raw[0][1].select(1, 3 * j) += 0.5;
  const LossTerms loss = Loss(b, (pred_raw - b.mean) / b.std);
  EXPECT_EQ(loss.distance_map.item<double>(), 0.0);
  // A single-person batch has no interaction terms at all.
  Batch one = PairBatch();
  one.x0 = one.x0.narrow(1, 0, 1);
  one.mask = one.mask.narrow(1, 0, 1);
  one.valid = one.valid.narrow(1, 0, 1);
  const LossTerms single = Loss(one, one.x0 + 0.2);
  EXPECT_EQ(single.distance_map.item<double>(), 0.0);
  EXPECT_EQ(single.relative_orientation.item<double>(), 0.0);
}

TEST(Losses, RelativeOrientationSeesATurnedPartner) {
  Batch b = PairBatch();
  // Turn person 1 of the prediction by 90 degrees about its own pelvis.
  const torch::Tensor raw = b.x0 * b.std + b.mean;
  torch::Tensor pos = raw.narrow(3, 0, 66).reshape({1, 2, -1, 22, 3}).clone();
  torch::Tensor p1 = pos[0][1];
  const torch::Tensor root = p1.narrow(1, 0, 1);
  const torch::Tensor rel = p1 - root;
  torch::Tensor turned = rel.clone();
  turned.select(2, 0) = rel.select(2, 2);
  turned.select(2, 2) = -rel.select(2, 0);
  pos[0][1] = turned + root;
  torch::Tensor pred = raw.clone();
  pred.narrow(3, 0, 66).copy_(pos.reshape({1, 2, -1, 66}));
  const LossTerms loss = Loss(b, (pred - b.mean) / b.std);
  // (cos, sin) of the relative angle changes by a 90-degree turn: the squared
  // difference of two unit vectors 90 degrees apart is 2, averaged over the
  // two channels = 1.
  EXPECT_NEAR(loss.relative_orientation.item<double>(), 1.0, 0.02);
}

}  // namespace
}  // namespace intersynth
