// intersynth demo [--assets DIR] [--out DIR]

#include <cstdio>

#include "apps/intersynth/commands.h"
#include "intersynth/motion/demo.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {

void SetupDemo(CLI::App* command) {
  auto options = std::make_shared<DemoOptions>();
  command->footer(
      "Runs the demo on the bundled assets: converts the HumanML3D sample 012314\n"
      "to an intersynth motion file and back to both feature layouts, checking each\n"
      "step against the reference, and prints what it did.\n\n"
      "Example:\n  intersynth demo --assets assets --out out/demo");
  command->add_option("--assets", options->assets, "bundled assets folder")
      ->capture_default_str();
  command->add_option("--out", options->out, "output folder (created)")->capture_default_str();
  command->callback([=] {
    const DemoReport report = RunDemo(*options);
    for (const std::string& line : report.lines) std::printf("%s\n", line.c_str());
    if (!report.success) throw Error("demo: " + report.message);
  });
}

}  // namespace intersynth::cli
