#include "intersynth/body/smpl_pose.h"

#include <gtest/gtest.h>

#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// A rest skeleton: T pose with distinct, non-degenerate bones.
std::array<Vector3<double>, kSmpl22NumJoints> Rest() {
  std::array<Vector3<double>, kSmpl22NumJoints> rest;
  Rng rng(1);
  rest[0] = Vector3<double>::Zero();
  for (int j = 1; j < kSmpl22NumJoints; ++j) {
    rest[j] =
        rest[kSmpl22Parents[j]] +
        Vector3<double>(rng.Uniform(-0.2, 0.2), rng.Uniform(-0.3, 0.3), rng.Uniform(-0.1, 0.1));
  }
  return rest;
}

/// Forward kinematics in SMPL's convention: p_c = p_k + G_k (r_c - r_k).
std::vector<float> Pose(const std::array<Matrix3<double>, kSmpl22NumJoints>& local,
                        const std::array<Vector3<double>, kSmpl22NumJoints>& rest,
                        const Vector3<double>& root) {
  std::array<Matrix3<double>, kSmpl22NumJoints> world;
  std::array<Vector3<double>, kSmpl22NumJoints> p;
  for (int k = 0; k < kSmpl22NumJoints; ++k) {
    const int parent = kSmpl22Parents[k];
    world[k] = parent < 0 ? local[k] : Matrix3<double>(world[parent] * local[k]);
    p[k] =
        parent < 0 ? root : Vector3<double>(p[parent] + world[parent] * (rest[k] - rest[parent]));
  }
  std::vector<float> joints;
  for (const auto& x : p) joints.insert(joints.end(), {float(x.x()), float(x.y()), float(x.z())});
  return joints;
}

TEST(SmplPose, RecoversRotationsUpToTheUnobservableTwist) {
  const auto rest = Rest();
  Rng rng(2);
  std::array<Matrix3<double>, kSmpl22NumJoints> truth;
  for (int k = 0; k < kSmpl22NumJoints; ++k) {
    truth[k] = AxisAngleToMatrix(
        Vector3<double>(rng.Uniform(-0.6, 0.6), rng.Uniform(-0.6, 0.6), rng.Uniform(-0.6, 0.6)));
  }
  const std::vector<float> joints = Pose(truth, rest, Vector3<double>(0.3, 0.9, -1.0));
  const auto recovered = SmplLocalRotationsFromJoints(joints.data(), rest);
  // Whatever the twists, forward kinematics of the recovered rotations
  // rebuilds the joints (the positions carry no more than that).
  const std::vector<float> rebuilt = Pose(recovered, rest, Vector3<double>(0.3, 0.9, -1.0));
  for (size_t i = 0; i < joints.size(); ++i)
    EXPECT_NEAR(rebuilt[i], joints[i], 1e-5) << "value " << i;
  // Joints with several children (pelvis 0, spine3 9) have fully determined
  // world rotations (their local ones absorb the twists of the spine above).
  auto world = [](const std::array<Matrix3<double>, kSmpl22NumJoints>& local, int k) {
    Matrix3<double> g = local[k];
    for (int p = kSmpl22Parents[k]; p >= 0; p = kSmpl22Parents[p]) g = local[p] * g;
    return g;
  };
  for (int k : {0, 9})
    EXPECT_LT((world(recovered, k) - world(truth, k)).norm(), 1e-5) << "joint " << k;
  // Leaves get the identity.
  for (int k : LeafJointsOfSmpl22())
    EXPECT_LT((recovered[k] - Matrix3<double>::Identity()).norm(), 1e-12);
  EXPECT_EQ(LeafJointsOfSmpl22(), (std::vector<int>{10, 11, 15, 20, 21}));
}

TEST(SmplPose, RestPoseGivesIdentities) {
  const auto rest = Rest();
  std::array<Matrix3<double>, kSmpl22NumJoints> identity;
  identity.fill(Matrix3<double>::Identity());
  const std::vector<float> joints = Pose(identity, rest, Vector3<double>::Zero());
  for (const auto& r : SmplLocalRotationsFromJoints(joints.data(), rest)) {
    EXPECT_LT((r - Matrix3<double>::Identity()).norm(), 1e-6);
  }
}

}  // namespace
}  // namespace intersynth
