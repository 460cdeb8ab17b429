#pragma once
// The subcommand table of the intersynth CLI. Each command adds its flags to
// its CLI11 subcommand, parses them into the options struct of one library
// function, and calls that function from the subcommand's callback.

#include <CLI/CLI.hpp>

namespace intersynth::cli {

/// One row of the subcommand table.
struct Command {
  const char* name;
  const char* summary;
  /// Adds flags and the callback to the subcommand.
  void (*setup)(CLI::App* command);
};

void SetupConvert(CLI::App* command);
void SetupInfo(CLI::App* command);
void SetupDemo(CLI::App* command);

/// Every subcommand, in the order --help lists them.
inline constexpr Command kCommands[] = {
    {"convert", "Convert motion between .npz, joint .npy, HumanML3D 263, 262 features and BVH/AMC input",
     SetupConvert},
    {"info", "Describe a motion, feature, .npy/.npz or BVH/ASF/AMC file", SetupInfo},
    {"demo", "Run the demo on the bundled assets", SetupDemo},
};

}  // namespace intersynth::cli
