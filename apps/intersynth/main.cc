// intersynth: one binary, one subcommand per pipeline stage (see commands.h).
// User errors (intersynth::Error, bad flags) end here as one line on stderr
// and a non-zero exit code.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>

#include "apps/intersynth/commands.h"
#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/version.h"

namespace {

// OpenBLAS picks its kernels when it is loaded (before main), and its own
// detection on these CPUs is ~5x slower for the matrix products LibTorch runs
// (DESIGN.md, "Speed notes"). So the commands that run networks re-execute
// themselves once with OPENBLAS_CORETYPE set (SkylakeX when the CPU has
// avx512f, else Haswell) unless the user set it.
void SetOpenBlasCoreTypeForTorchCommands(int argc, char** argv) {
#ifdef INTERSYNTH_WITH_TORCH
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  const char* subcommand = nullptr;
  for (int i = 1; i < argc && subcommand == nullptr; ++i) {
    if (argv[i][0] != '-')
      subcommand = argv[i];
    else if (std::strcmp(argv[i], "--log-level") == 0)
      ++i;
  }
  static const char* kTorchCommands[] = {"train",      "generate",   "demo",           "evaluator",
                                         "evaluate",   "lift-scene", "evaluate-steps", "recover",
                                         "classifier", "render"};
  if (subcommand == nullptr ||
      std::none_of(std::begin(kTorchCommands), std::end(kTorchCommands),
                   [&](const char* name) { return std::strcmp(subcommand, name) == 0; })) {
    return;
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  const std::string text((std::istreambuf_iterator<char>(cpuinfo)),
                         std::istreambuf_iterator<char>());
  setenv("OPENBLAS_CORETYPE", text.find("avx512f") != std::string::npos ? "SkylakeX" : "Haswell",
         1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on as we are
#else
  (void)argc;
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  SetOpenBlasCoreTypeForTorchCommands(argc, argv);
  CLI::App app{"intersynth: synthetic multi-person motion for action recognition in rooms",
               "intersynth"};
  app.set_version_flag("--version", std::string("intersynth ") + intersynth::kVersion);
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  app.parse_complete_callback([&] { intersynth::SetLogLevel(log_level); });
  for (const intersynth::cli::Command& command : intersynth::cli::kCommands) {
    command.setup(app.add_subcommand(command.name, command.summary));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "intersynth: error: %s (run 'intersynth --help')\n", e.what());
    return 2;
  } catch (const intersynth::Error& e) {
    std::fprintf(stderr, "intersynth: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "intersynth: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
