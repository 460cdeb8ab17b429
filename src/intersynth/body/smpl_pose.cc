#include "intersynth/body/smpl_pose.h"

#include "intersynth/geometry/kabsch.h"

namespace intersynth {
namespace {

/// The children of every smpl22 joint.
std::array<std::vector<int>, kSmpl22NumJoints> Children() {
  std::array<std::vector<int>, kSmpl22NumJoints> children;
  for (int j = 1; j < kSmpl22NumJoints; ++j) children[kSmpl22Parents[j]].push_back(j);
  return children;
}

}  // namespace

std::vector<int> LeafJointsOfSmpl22() {
  const auto children = Children();
  std::vector<int> leaves;
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    if (children[j].empty()) leaves.push_back(j);
  }
  return leaves;
}

std::array<Matrix3<double>, kSmpl22NumJoints> SmplLocalRotationsFromJoints(
    const float* joints, const std::array<Vector3<double>, kSmpl22NumJoints>& rest) {
  static const auto children = Children();
  auto position = [joints](int j) {
    return Vector3<double>(joints[3 * j], joints[3 * j + 1], joints[3 * j + 2]);
  };
  std::array<Matrix3<double>, kSmpl22NumJoints> local, world;
  // Parents come before children in smpl22's order.
  for (int k = 0; k < kSmpl22NumJoints; ++k) {
    const Matrix3<double> parent_world =
        k == 0 ? Matrix3<double>::Identity() : world[kSmpl22Parents[k]];
    // Child directions: observed (in the parent's frame) and at rest.
    std::vector<Eigen::Vector3d> observed, at_rest;
    for (int c : children[k]) {
      const Vector3<double> o = position(c) - position(k);
      const Vector3<double> b = rest[c] - rest[k];
      if (o.norm() == 0.0 || b.norm() == 0.0) continue;
      observed.push_back(parent_world.transpose() * o.normalized());
      at_rest.push_back(b.normalized());
    }
    // One child: the shortest arc (pure swing); several: Kabsch; none: identity.
    if (observed.size() == 1) {
      local[k] = QuaternionToMatrix(QuaternionBetween(at_rest[0], observed[0]));
    } else {
      local[k] = KabschRotation(at_rest, observed);
    }
    world[k] = parent_world * local[k];
  }
  return local;
}

}  // namespace intersynth
