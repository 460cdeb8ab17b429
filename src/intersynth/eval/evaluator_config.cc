#include "intersynth/eval/evaluator_config.h"

#include <fmt/format.h>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

constexpr const char* kFormat = "intersynth-evaluator";
constexpr int kVersion = 1;

}  // namespace

void EvaluatorSettings::Check() const {
  CheckAtLeast<int64_t>(embed_dim, 1, "embed_dim");
  if (!(temperature > 0.0 && temperature <= 1.0))
    throw OptionError(fmt::format("{{temperature}} must be in (0, 1], got {}", temperature));
}

void EvaluatorConfig::Check() const {
  base.Check();
  if (!base.text.torchscript.empty())
    throw OptionError(
        "{text.torchscript}: an evaluator learns its own text encoder (external evaluators are "
        "loaded whole "
        "through the TorchScript adapter)");
  CheckNested("evaluator", [&] { evaluator.Check(); });
}

EvaluatorConfig EvaluatorConfigFromJson(const nlohmann::json& json, const std::string& source) {
  if (!json.is_object()) throw Error(source + ": expected a JSON object with config sections");
  EvaluatorConfig config;
  nlohmann::json base = json;
  for (const char* section : {"diffusion", "loss"}) {
    if (base.contains(section)) {
      throw Error(fmt::format(
          "{}: section '{}' belongs to a generator config; an evaluator config has model, "
          "text, train and evaluator",
          source, section));
    }
  }
  if (base.contains("evaluator")) {
    const nlohmann::json& section = base["evaluator"];
    if (!section.is_object()) throw Error(source + ": section 'evaluator' must be an object");
    for (const auto& [key, value] : section.items()) {
      if (key == "embed_dim" && value.is_number_integer()) {
        config.evaluator.embed_dim = value.get<int64_t>();
      } else if (key == "temperature" && value.is_number()) {
        config.evaluator.temperature = value.get<double>();
      } else if (key == "embed_dim" || key == "temperature") {
        throw Error(fmt::format("{}: evaluator.{}: expected {} but found {}", source, key,
                                key == "embed_dim" ? "an integer" : "a number", value.dump()));
      } else {
        throw Error(fmt::format(
            "{}: unknown key 'evaluator.{}' (known in 'evaluator': embed_dim, temperature)", source,
            key));
      }
    }
    base.erase("evaluator");
  }
  config.base = DiffusionConfigFromJson(base, source);
  try {
    config.Check();
  } catch (const OptionError& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
  return config;
}

EvaluatorConfig LoadEvaluatorConfig(const std::string& name_or_path) {
  std::filesystem::path path = name_or_path;
  if (name_or_path == "cpu") path = DefaultConfigDir() / "evaluator_cpu.json";
  return EvaluatorConfigFromJson(ReadJson(path), path.string());
}

nlohmann::json EvaluatorConfigToJson(const EvaluatorConfig& config) {
  nlohmann::json json = DiffusionConfigToJson(config.base);
  json.erase("diffusion");
  json.erase("loss");
  json["evaluator"] = {{"embed_dim", config.evaluator.embed_dim},
                       {"temperature", config.evaluator.temperature}};
  return json;
}

nlohmann::json EvaluatorDescription(const EvaluatorConfig& config, double fps) {
  return {{"format", kFormat},
          {"version", kVersion},
          {"feature_layout", kEvaluatorFeatureLayout},
          {"feature_dim", kEvaluatorFeatureDim},
          {"embed_dim", config.evaluator.embed_dim},
          {"fps", fps}};
}

double CheckEvaluatorDescription(const nlohmann::json& description, const std::string& path) {
  if (description.value("format", std::string()) != kFormat) {
    throw Error(fmt::format("{}: not an intersynth evaluator (format '{}', expected '{}')", path,
                            description.value("format", std::string()), kFormat));
  }
  const std::string layout = description.value("feature_layout", std::string());
  const int64_t dim = description.value("feature_dim", int64_t{0});
  if (layout != kEvaluatorFeatureLayout || dim != kEvaluatorFeatureDim) {
    throw Error(
        fmt::format("{}: the evaluator reads feature layout '{}' ({} channels); this build encodes "
                    "motions as '{}' ({} channels): retrain the evaluator with this build",
                    path, layout, dim, kEvaluatorFeatureLayout, kEvaluatorFeatureDim));
  }
  const double fps = description.value("fps", 0.0);
  if (!(fps > 0.0)) throw Error(path + ": fps must be a positive number");
  return fps;
}

}  // namespace intersynth
