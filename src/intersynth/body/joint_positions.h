#pragma once
// Joint positions of any source skeleton over a clip: what forward kinematics
// of a BVH or ASF/AMC take produces and what retargeting onto smpl22 reads.
//
// Layout: positions [T, J, 3], C order, metres, in the source's world frame
// (Y up for BVH and ASF/AMC). J counts every joint of the source hierarchy in
// file order, End Sites included (named as the BVH reader names them,
// "<parent>_End"), so that a joint map may target an End Site.

#include <string>
#include <vector>

namespace intersynth {

struct NamedJointPositions {
  /// One name per joint, unique.
  std::vector<std::string> names;
  /// Parent index per joint, -1 for the root.
  std::vector<int> parents;
  int num_frames = 0;
  /// Frames per second of the source.
  double fps = 0.0;
  /// [T, J, 3] metres.
  std::vector<double> positions;

  int num_joints() const { return static_cast<int>(names.size()); }
  /// Pointer to joint j at frame t (3 doubles).
  const double* at(int t, int j) const {
    return positions.data() + (static_cast<size_t>(t) * names.size() + j) * 3;
  }
  double* at(int t, int j) {
    return positions.data() + (static_cast<size_t>(t) * names.size() + j) * 3;
  }
};

}  // namespace intersynth
