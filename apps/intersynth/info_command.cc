// intersynth info FILE...

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/file_info.h"

namespace intersynth::cli {

void SetupInfo(CLI::App* command) {
  auto files = std::make_shared<std::vector<std::string>>();
  // An .amc file without --asf is reported by the library as needing {asf}.
  auto flags = std::make_shared<FieldFlags>(command);
  command->footer(
      "Prints what a file holds: the arrays of a .npy/.npz (and, for a motion file,\n"
      "persons, frames, fps, duration and captions), the hierarchy and frames of a BVH,\n"
      "the bones and units of an ASF, the frames of an AMC.\n\n"
      "Example:\n  intersynth info clip.npz walk.bvh");
  auto asf = std::make_shared<std::string>();
  command->add_option("files", *files, "files to describe")->required();
  flags->Add("--asf", "asf", asf.get(),
             "ASF skeleton for .amc files (default: the only .asf beside)");
  command->callback([=] {
    flags->Run([&] {
      for (const std::string& file : *files) std::printf("%s\n", DescribeFile(file, *asf).c_str());
    });
  });
}

}  // namespace intersynth::cli
