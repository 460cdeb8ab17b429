// intersynth: one binary, one subcommand per pipeline stage (see commands.h).
// User errors (intersynth::Error, bad flags) end here as one line on stderr
// and a non-zero exit code.

#include <cstdio>
#include <exception>

#include "apps/intersynth/commands.h"
#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"
#include "intersynth/version.h"

int main(int argc, char** argv) {
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
