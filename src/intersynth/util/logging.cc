#include "intersynth/util/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include "intersynth/util/error.h"

namespace intersynth {

void SetLogLevel(const std::string& level) {
  const spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only accept "off" when asked for.
  if (parsed == spdlog::level::off && level != "off") {
    throw Error("unknown log level '" + level +
                "' (expected trace, debug, info, warn, error or off)");
  }
  static const bool configured = [] {
    auto logger = spdlog::stderr_color_mt("intersynth");
    logger->set_pattern("[%l] %v");
    spdlog::set_default_logger(logger);
    return true;
  }();
  (void)configured;
  spdlog::set_level(parsed);
}

}  // namespace intersynth
