#pragma once
// Where networks run: the CPU or a CUDA GPU. Torch-free (options structs of
// Torch targets hold it); diffusion/model_io.h turns it into a torch::Device.

#include <string_view>

#include "intersynth/util/options.h"

namespace intersynth {

enum class ComputeDevice { kCpu, kCuda };
inline constexpr EnumName<ComputeDevice> kComputeDeviceNames[] = {{ComputeDevice::kCpu, "cpu"},
                                                                  {ComputeDevice::kCuda, "cuda"}};
inline std::string_view ToString(ComputeDevice device) {
  return EnumToString(device, kComputeDeviceNames);
}
/// "cpu" or "cuda"; throws OptionError naming `field` otherwise.
inline ComputeDevice ParseComputeDevice(std::string_view text, std::string_view field = "device") {
  return EnumFromString(text, kComputeDeviceNames, field);
}

}  // namespace intersynth
