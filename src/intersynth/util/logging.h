#pragma once
// Logging through spdlog: one process-wide logger writing to stderr, so that
// stdout stays free for a command's results.
//
//   intersynth::SetLogLevel("debug");
//   intersynth::LogInfo("read {} frames from {}", n, path);

#include <spdlog/spdlog.h>

#include <string>

namespace intersynth {

/// Sets the level by name: trace, debug, info, warn, error, off.
/// Throws intersynth::Error for any other name.
void SetLogLevel(const std::string& level);

template <typename... Args>
void LogDebug(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::debug(format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogInfo(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::info(format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogWarn(spdlog::format_string_t<Args...> format, Args&&... args) {
  spdlog::warn(format, std::forward<Args>(args)...);
}

}  // namespace intersynth
