#include "intersynth/diffusion/config.h"

#include <cstdlib>
#include <functional>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "intersynth/io/json.h"
#include "intersynth/util/error.h"

#ifndef INTERSYNTH_CONFIG_DIR
#define INTERSYNTH_CONFIG_DIR "data/configs"
#endif

namespace intersynth {
namespace {

// One config field: how to read it from JSON and write it back.
struct Field {
  std::function<void(const nlohmann::json&, const std::string&)> read;
  std::function<nlohmann::json()> write;
};

// The fields of one section, in file order.
using Section = std::vector<std::pair<std::string, Field>>;

template <typename T>
Field Bind(T* value) {
  Field field;
  field.read = [value](const nlohmann::json& json, const std::string& where) {
    const bool ok = std::is_same_v<T, std::string> ? json.is_string()
                    : std::is_same_v<T, bool>      ? json.is_boolean()
                    : std::is_floating_point_v<T> ? json.is_number()
                                                  : (json.is_number_integer() || json.is_number_unsigned());
    if (!ok) {
      throw Error(fmt::format("{}: expected {} but found {} ({})", where,
                              std::is_same_v<T, std::string> ? "a string"
                              : std::is_same_v<T, bool>      ? "true or false"
                              : std::is_floating_point_v<T> ? "a number"
                                                            : "an integer",
                              json.type_name(), json.dump()));
    }
    *value = json.get<T>();
  };
  field.write = [value]() { return nlohmann::json(*value); };
  return field;
}

// Every section and field of `config`, pointing into it.
std::vector<std::pair<std::string, Section>> Sections(DiffusionConfig& c) {
  return {
      {"model",
       {{"d_model", Bind(&c.model.d_model)},
        {"layers", Bind(&c.model.layers)},
        {"heads", Bind(&c.model.heads)},
        {"ff_dim", Bind(&c.model.ff_dim)},
        {"dropout", Bind(&c.model.dropout)},
        {"max_persons", Bind(&c.model.max_persons)},
        {"max_frames", Bind(&c.model.max_frames)},
        {"person_embedding_init_std", Bind(&c.model.person_embedding_init_std)}}},
      {"text",
       {{"torchscript", Bind(&c.text.torchscript)},
        {"d_model", Bind(&c.text.d_model)},
        {"layers", Bind(&c.text.layers)},
        {"heads", Bind(&c.text.heads)},
        {"ff_dim", Bind(&c.text.ff_dim)},
        {"max_tokens", Bind(&c.text.max_tokens)},
        {"dropout", Bind(&c.text.dropout)}}},
      {"diffusion",
       {{"steps", Bind(&c.diffusion.steps)},
        {"cosine_s", Bind(&c.diffusion.cosine_s)},
        {"t_bar", Bind(&c.diffusion.t_bar)}}},
      {"loss",
       {{"mse", Bind(&c.loss.mse)},
        {"velocity", Bind(&c.loss.velocity)},
        {"foot_contact", Bind(&c.loss.foot_contact)},
        {"bone_length", Bind(&c.loss.bone_length)},
        {"distance_map", Bind(&c.loss.distance_map)},
        {"joint_affinity", Bind(&c.loss.joint_affinity)},
        {"relative_orientation", Bind(&c.loss.relative_orientation)},
        {"distance_map_threshold_m", Bind(&c.loss.distance_map_threshold_m)},
        {"joint_affinity_threshold_m", Bind(&c.loss.joint_affinity_threshold_m)}}},
      {"train",
       {{"batch", Bind(&c.train.batch)},
        {"steps", Bind(&c.train.steps)},
        {"lr", Bind(&c.train.lr)},
        {"weight_decay", Bind(&c.train.weight_decay)},
        {"adam_beta1", Bind(&c.train.adam_beta1)},
        {"adam_beta2", Bind(&c.train.adam_beta2)},
        {"warmup_steps", Bind(&c.train.warmup_steps)},
        {"min_lr_ratio", Bind(&c.train.min_lr_ratio)},
        {"grad_clip", Bind(&c.train.grad_clip)},
        {"ema_decay", Bind(&c.train.ema_decay)},
        {"crop_frames", Bind(&c.train.crop_frames)},
        {"cond_drop", Bind(&c.train.cond_drop)},
        {"shuffle_persons", Bind(&c.train.shuffle_persons)},
        {"mirror_rate", Bind(&c.train.mirror_rate)},
        {"composed_rate", Bind(&c.train.composed_rate)},
        {"max_composed_persons", Bind(&c.train.max_composed_persons)},
        {"composed_max_tokens", Bind(&c.train.composed_max_tokens)},
        {"real_multi_person_rate", Bind(&c.train.real_multi_person_rate)},
        {"composed_min_separation_m", Bind(&c.train.composed_min_separation_m)},
        {"checkpoint_every", Bind(&c.train.checkpoint_every)},
        {"val_every", Bind(&c.train.val_every)},
        {"val_samples", Bind(&c.train.val_samples)},
        {"log_every", Bind(&c.train.log_every)},
        {"seed", Bind(&c.train.seed)}}},
  };
}

void Require(bool ok, const std::string& source, const std::string& what) {
  if (!ok) throw Error(source + ": " + what);
}

bool IsProbability(double p) { return p >= 0.0 && p <= 1.0; }

}  // namespace

std::filesystem::path DefaultConfigDir() {
  const char* env = std::getenv("INTERSYNTH_CONFIGS");
  if (env != nullptr && env[0] != '\0') return env;
  return INTERSYNTH_CONFIG_DIR;
}

DiffusionConfig DiffusionConfigFromJson(const nlohmann::json& json, const std::string& source) {
  if (!json.is_object()) throw Error(source + ": expected a JSON object with config sections");
  DiffusionConfig config;
  auto sections = Sections(config);
  for (const auto& [section_name, section_json] : json.items()) {
    auto section = std::find_if(sections.begin(), sections.end(),
                                [&](const auto& s) { return s.first == section_name; });
    if (section == sections.end()) {
      throw Error(fmt::format("{}: unknown config section '{}' (known: model, text, diffusion, loss, train)",
                              source, section_name));
    }
    if (!section_json.is_object()) {
      throw Error(fmt::format("{}: section '{}' must be an object", source, section_name));
    }
    for (const auto& [key, value] : section_json.items()) {
      auto field = std::find_if(section->second.begin(), section->second.end(),
                                [&](const auto& f) { return f.first == key; });
      if (field == section->second.end()) {
        std::string known;
        for (const auto& f : section->second) known += (known.empty() ? "" : ", ") + f.first;
        throw Error(fmt::format("{}: unknown key '{}.{}' (known in '{}': {})", source, section_name, key,
                                section_name, known));
      }
      field->second.read(value, fmt::format("{}: {}.{}", source, section_name, key));
    }
  }
  ValidateDiffusionConfig(config, source);
  return config;
}

nlohmann::json DiffusionConfigToJson(const DiffusionConfig& config) {
  DiffusionConfig copy = config;
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [section_name, fields] : Sections(copy)) {
    nlohmann::json section = nlohmann::json::object();
    for (const auto& [key, field] : fields) section[key] = field.write();
    json[section_name] = section;
  }
  return json;
}

DiffusionConfig LoadDiffusionConfig(const std::string& name_or_path) {
  std::filesystem::path path = name_or_path;
  if (name_or_path == "cpu" || name_or_path == "gpu") {
    path = DefaultConfigDir() / ("diffusion_" + name_or_path + ".json");
  }
  return DiffusionConfigFromJson(ReadJson(path), path.string());
}

void ValidateDiffusionConfig(const DiffusionConfig& c, const std::string& source) {
  Require(c.model.d_model > 0 && c.model.layers > 0 && c.model.heads > 0 && c.model.ff_dim > 0, source,
          "model.d_model, layers, heads and ff_dim must be positive");
  Require(c.model.d_model % c.model.heads == 0, source,
          fmt::format("model.d_model ({}) must be divisible by model.heads ({})", c.model.d_model,
                      c.model.heads));
  Require(c.model.max_persons >= 1 && c.model.max_persons <= 64, source, "model.max_persons must be in [1, 64]");
  Require(c.model.max_frames >= 2, source, "model.max_frames must be at least 2");
  Require(c.model.person_embedding_init_std > 0, source, "model.person_embedding_init_std must be positive");
  Require(c.text.d_model > 0 && c.text.layers > 0 && c.text.heads > 0 && c.text.ff_dim > 0 &&
              c.text.max_tokens > 0,
          source, "text.d_model, layers, heads, ff_dim and max_tokens must be positive");
  Require(c.text.d_model % c.text.heads == 0, source, "text.d_model must be divisible by text.heads");
  Require(c.model.dropout >= 0 && c.model.dropout < 1 && c.text.dropout >= 0 && c.text.dropout < 1, source,
          "dropout must be in [0, 1)");
  Require(c.diffusion.steps >= 2, source, "diffusion.steps must be at least 2");
  Require(c.diffusion.cosine_s > 0, source, "diffusion.cosine_s must be positive");
  Require(c.diffusion.t_bar >= 0 && c.diffusion.t_bar < c.diffusion.steps, source,
          "diffusion.t_bar must be in [0, diffusion.steps)");
  for (double w : {c.loss.mse, c.loss.velocity, c.loss.foot_contact, c.loss.bone_length, c.loss.distance_map,
                   c.loss.joint_affinity, c.loss.relative_orientation}) {
    Require(w >= 0, source, "loss weights must be non-negative");
  }
  Require(c.loss.distance_map_threshold_m > 0 && c.loss.joint_affinity_threshold_m > 0, source,
          "loss thresholds must be positive");
  Require(c.train.batch >= 1, source, "train.batch must be at least 1");
  Require(c.train.steps >= 1, source, "train.steps must be at least 1");
  Require(c.train.lr > 0, source, "train.lr must be positive");
  Require(c.train.warmup_steps >= 0 && c.train.min_lr_ratio >= 0 && c.train.min_lr_ratio <= 1, source,
          "train.warmup_steps must be >= 0 and train.min_lr_ratio in [0, 1]");
  Require(c.train.ema_decay >= 0 && c.train.ema_decay < 1, source, "train.ema_decay must be in [0, 1)");
  Require(c.train.crop_frames >= 2 && c.train.crop_frames <= c.model.max_frames, source,
          fmt::format("train.crop_frames must be in [2, model.max_frames = {}]", c.model.max_frames));
  Require(IsProbability(c.train.cond_drop) && IsProbability(c.train.mirror_rate) &&
              IsProbability(c.train.composed_rate) && IsProbability(c.train.real_multi_person_rate) &&
              c.train.composed_rate + c.train.real_multi_person_rate <= 1.0,
          source,
          "train.cond_drop, mirror_rate, composed_rate and real_multi_person_rate must be probabilities "
          "(composed_rate + real_multi_person_rate <= 1)");
  Require(c.train.max_composed_persons >= 2 && c.train.max_composed_persons <= c.model.max_persons, source,
          fmt::format("train.max_composed_persons must be in [2, model.max_persons = {}]", c.model.max_persons));
  Require(c.train.composed_max_tokens >= 2 * c.train.max_composed_persons, source,
          "train.composed_max_tokens must allow at least 2 rows per person");
  Require(c.train.composed_min_separation_m >= 0, source, "train.composed_min_separation_m must be >= 0");
  Require(c.train.checkpoint_every >= 1 && c.train.log_every >= 1 && c.train.val_every >= 0 &&
              c.train.val_samples >= 1,
          source, "train.checkpoint_every, log_every and val_samples must be positive, val_every >= 0");
}

std::string ArchitectureSignature(const DiffusionConfig& config) {
  nlohmann::json json = DiffusionConfigToJson(config);
  nlohmann::json arch = {{"model", json["model"]}, {"text", json["text"]}, {"diffusion", json["diffusion"]}};
  // Dropout changes no weight shape; leaving it out lets a resume change it.
  arch["model"].erase("dropout");
  arch["model"].erase("person_embedding_init_std");  // an initialisation, not a shape
  arch["text"].erase("dropout");
  arch["diffusion"].erase("t_bar");
  // Where the TorchScript encoder lives changes nothing in the weights (its
  // width is checked when they load); whether there is one does.
  arch["text"]["torchscript"] = !config.text.torchscript.empty();
  return arch.dump();
}

}  // namespace intersynth
