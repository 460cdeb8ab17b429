#pragma once
// Command-line flags bound to the fields of a library options struct, so
// that the library's OptionError (util/options.h), which names fields
// ("{fit.adam_learning_rate} must be > 0, got -1"), reaches the user with
// the flags they typed ("--adam-lr must be > 0, got -1").
//
//   auto options = std::make_shared<RecoverOptions>();
//   auto flags = std::make_shared<FieldFlags>(command);
//   flags->Add("--adam-lr", "fit.adam_learning_rate", &options->fit.adam_learning_rate, "...");
//   flags->AddEnum("--method", "method", &options->method, ParseRecoverMethod, "...");
//   command->callback([=] { flags->Run([&] { RecoverMotion(*options); }); });

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "intersynth/util/options.h"

namespace intersynth::cli {

class FieldFlags {
 public:
  explicit FieldFlags(CLI::App* command) : command_(command) {}

  /// `flag` sets `*value`, the options field `field`.
  template <typename T>
  CLI::Option* Add(const std::string& flag,
                   const std::string& field,
                   T* value,
                   const std::string& help) {
    Map(field, flag);
    return command_->add_option(flag, *value, help);
  }

  /// A boolean flag (present: true) for the field `field`.
  CLI::Option* AddFlag(const std::string& flag,
                       const std::string& field,
                       bool* value,
                       const std::string& help) {
    Map(field, flag);
    return command_->add_flag(flag, *value, help);
  }

  /// An enum field: the text is parsed by `parse(text, field)` when the
  /// command runs, so that an unknown name is reported with its flag. The
  /// help shows the current value as the default.
  template <typename E>
  CLI::Option* AddEnum(const std::string& flag,
                       const std::string& field,
                       E* value,
                       E (*parse)(std::string_view, std::string_view),
                       const std::string& help) {
    Map(field, flag);
    auto text = std::make_shared<std::string>(ToString(*value));
    conversions_.push_back([text, value, parse, field] { *value = parse(*text, field); });
    return command_->add_option(flag, *text, help)->capture_default_str();
  }

  /// Records that `flag` sets `field` (for options added another way).
  void Map(const std::string& field, const std::string& flag) { flag_of_[field] = flag; }

  /// The flag of `field`, or the field's own name when no flag sets it.
  std::string FlagOf(const std::string& field) const {
    const auto it = flag_of_.find(field);
    return it == flag_of_.end() ? field : it->second;
  }

  /// Converts the enum flags, then runs `run`; an OptionError from either
  /// becomes an Error whose message names the flags.
  void Run(const std::function<void()>& run) const {
    try {
      for (const auto& convert : conversions_) convert();
      run();
    } catch (const OptionError& e) {
      throw Error(e.Render([this](const std::string& field) { return FlagOf(field); }));
    }
  }

 private:
  CLI::App* command_;
  std::map<std::string, std::string> flag_of_;
  std::vector<std::function<void()>> conversions_;
};

}  // namespace intersynth::cli
