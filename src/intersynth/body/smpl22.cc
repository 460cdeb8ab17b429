#include "intersynth/body/smpl22.h"

#include <fmt/format.h>

#include <string>

#include "intersynth/util/error.h"

namespace intersynth {

int Smpl22JointIndex(std::string_view name) {
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    if (kSmpl22JointNames[j] == name) return j;
  }
  // Unknown: list every valid name so that the user can fix a typo at once.
  std::string valid;
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    if (j > 0) valid += ", ";
    valid += kSmpl22JointNames[j];
  }
  throw Error(fmt::format("unknown smpl22 joint name '{}'; expected one of: {}", name, valid));
}

}  // namespace intersynth
