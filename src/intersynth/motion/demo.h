#pragma once
// The demo behind `intersynth demo` and scripts/demo.sh. For now it exercises
// the foundation on the bundled HumanML3D sample 012314: features -> joints ->
// motion file -> features (both layouts), checking each step against the
// reference. Later issues grow it into the whole pipeline.

#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/util/error.h"

namespace intersynth {

/// Options of RunDemo.
struct DemoOptions {
  /// The bundled assets folder (holds humanml3d/).
  std::filesystem::path assets = "assets";
  /// Output folder; created when missing.
  std::filesystem::path out = "out/demo";

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

struct DemoReport : Report {
  /// What the demo did, one step per line, for the terminal.
  std::vector<std::string> lines;
};

/// Runs the demo. Throws OptionError for bad options or missing assets;
/// returns success = false when a check against the reference fails.
DemoReport RunDemo(const DemoOptions& options);

}  // namespace intersynth
