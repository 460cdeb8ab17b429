#include "intersynth/motion/foot_contact.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {

void FootContactOptions::Check() const {
  for (int joint : joints) {
    if (joint < 0 || joint >= kSmpl22NumJoints)
      throw OptionError(fmt::format("{{joints}} must be smpl22 joints (0-21), got {}", joint));
  }
  CheckAtLeast(max_squared_displacement, 0.0f, "max_squared_displacement");
  CheckFinite(max_squared_displacement, "max_squared_displacement");
  // Infinity turns the height test off; NaN would turn every contact off.
  for (float height : max_height) {
    if (std::isnan(height)) throw OptionError("{max_height} must be a number or infinity, got nan");
  }
}

void DetectFootContactsInto(const float* joints,
                            int num_frames,
                            const FootContactOptions& options,
                            float* out,
                            int out_stride) {
  options.Check();
  for (int t = 0; t + 1 < num_frames; ++t) {
    for (int k = 0; k < 4; ++k) {
      const float* now =
          joints + (static_cast<size_t>(t) * kSmpl22NumJoints + options.joints[k]) * 3;
      const float* next = now + kSmpl22NumJoints * 3;
      // Squared displacement in double: the thresholds sit well above float
      // rounding, and double keeps the test independent of summation order.
      double d2 = 0.0;
      for (int c = 0; c < 3; ++c) {
        const double d = static_cast<double>(next[c]) - static_cast<double>(now[c]);
        d2 += d * d;
      }
      const bool slow = d2 < static_cast<double>(options.max_squared_displacement);
      const bool low = now[1] < options.max_height[k];
      out[static_cast<size_t>(t) * out_stride + k] = (slow && low) ? 1.0f : 0.0f;
    }
  }
}

std::vector<float> DetectFootContacts(const float* joints,
                                      int num_frames,
                                      const FootContactOptions& options) {
  options.Check();
  if (num_frames < 2) return {};
  std::vector<float> contacts(static_cast<size_t>(num_frames - 1) * 4);
  DetectFootContactsInto(joints, num_frames, options, contacts.data(), 4);
  return contacts;
}

}  // namespace intersynth
