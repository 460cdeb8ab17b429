// intersynth info FILE...

#include <cstdio>

#include "apps/intersynth/commands.h"
#include "intersynth/motion/file_info.h"

namespace intersynth::cli {

void SetupInfo(CLI::App* command) {
  auto files = std::make_shared<std::vector<std::string>>();
  command->footer(
      "Prints what a file holds: the arrays of a .npy/.npz (and, for a motion file,\n"
      "persons, frames, fps, duration and captions), the hierarchy and frames of a BVH,\n"
      "the bones and units of an ASF, the frames of an AMC.\n\n"
      "Example:\n  intersynth info clip.npz walk.bvh");
  auto asf = std::make_shared<std::string>();
  command->add_option("files", *files, "files to describe")->required();
  command->add_option("--asf", *asf, "ASF skeleton for .amc files (default: the only .asf beside)");
  command->callback([=] {
    for (const std::string& file : *files) std::printf("%s\n", DescribeFile(file, *asf).c_str());
  });
}

}  // namespace intersynth::cli
