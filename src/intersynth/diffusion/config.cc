#include "intersynth/diffusion/config.h"

#include <fmt/format.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <vector>

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
                    : std::is_floating_point_v<T>
                        ? json.is_number()
                        : (json.is_number_integer() || json.is_number_unsigned());
    if (!ok) {
      throw Error(fmt::format("{}: expected {} but found {} ({})", where,
                              std::is_same_v<T, std::string> ? "a string"
                              : std::is_same_v<T, bool>      ? "true or false"
                              : std::is_floating_point_v<T>  ? "a number"
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
        {"person_embedding_init_std", Bind(&c.model.person_embedding_init_std)},
        {"word_tokens", Bind(&c.model.word_tokens)}}},
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
        {"local_pose", Bind(&c.loss.local_pose)},
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
        {"composed_cond_drop", Bind(&c.train.composed_cond_drop)},
        {"composed_loss_weight", Bind(&c.train.composed_loss_weight)},
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

// What a transformer's section says of its sizes (model and text): positive,
// d_model divisible by heads, dropout in [0, 1).
void CheckTransformer(
    int64_t d_model, int64_t layers, int64_t heads, int64_t ff_dim, double dropout) {
  CheckPositive(d_model, "d_model");
  CheckPositive(layers, "layers");
  CheckPositive(heads, "heads");
  CheckPositive(ff_dim, "ff_dim");
  if (d_model % heads != 0)
    throw OptionError(
        fmt::format("{{d_model}} ({}) must be divisible by {{heads}} ({})", d_model, heads));
  if (!(dropout >= 0.0 && dropout < 1.0))
    throw OptionError(fmt::format("{{dropout}} must be in [0, 1), got {}", dropout));
}

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
      throw Error(fmt::format(
          "{}: unknown config section '{}' (known: model, text, diffusion, loss, train)", source,
          section_name));
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
        throw Error(fmt::format("{}: unknown key '{}.{}' (known in '{}': {})", source, section_name,
                                key, section_name, known));
      }
      field->second.read(value, fmt::format("{}: {}.{}", source, section_name, key));
    }
  }
  try {
    config.Check();
  } catch (const OptionError& e) {
    throw Error(fmt::format("{}: {}", source, e.what()));
  }
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

void DenoiserConfig::Check() const {
  CheckTransformer(d_model, layers, heads, ff_dim, dropout);
  CheckInRange<int64_t>(max_persons, 1, 64, "max_persons");
  CheckAtLeast<int64_t>(max_frames, 2, "max_frames");
  CheckPositive(person_embedding_init_std, "person_embedding_init_std");
}

void TextConfig::Check() const {
  CheckTransformer(d_model, layers, heads, ff_dim, dropout);
  CheckPositive(max_tokens, "max_tokens");
}

void DiffusionProcessConfig::Check() const {
  CheckAtLeast(steps, 2, "steps");
  CheckPositive(cosine_s, "cosine_s");
  if (t_bar < 0 || t_bar >= steps)
    throw OptionError(
        fmt::format("{{t_bar}} must be in [0, {{steps}}) = [0, {}), got {}", steps, t_bar));
}

void LossConfig::Check() const {
  CheckAtLeast(mse, 0.0, "mse");
  CheckAtLeast(velocity, 0.0, "velocity");
  CheckAtLeast(foot_contact, 0.0, "foot_contact");
  CheckAtLeast(bone_length, 0.0, "bone_length");
  CheckAtLeast(local_pose, 0.0, "local_pose");
  CheckAtLeast(distance_map, 0.0, "distance_map");
  CheckAtLeast(joint_affinity, 0.0, "joint_affinity");
  CheckAtLeast(relative_orientation, 0.0, "relative_orientation");
  CheckPositive(distance_map_threshold_m, "distance_map_threshold_m");
  CheckPositive(joint_affinity_threshold_m, "joint_affinity_threshold_m");
}

void TrainConfig::Check() const {
  CheckAtLeast(batch, 1, "batch");
  CheckAtLeast<int64_t>(steps, 1, "steps");
  CheckPositive(lr, "lr");
  CheckAtLeast<int64_t>(warmup_steps, 0, "warmup_steps");
  CheckInRange(min_lr_ratio, 0.0, 1.0, "min_lr_ratio");
  CheckInRange(ema_decay, 0.0, 1.0, "ema_decay");
  if (ema_decay == 1.0) throw OptionError("{ema_decay} must be below 1");
  CheckAtLeast(crop_frames, 2, "crop_frames");
  CheckInRange(cond_drop, 0.0, 1.0, "cond_drop");
  CheckInRange(composed_cond_drop, 0.0, 1.0, "composed_cond_drop");
  CheckInRange(composed_loss_weight, 0.0, 1.0, "composed_loss_weight");
  CheckInRange(mirror_rate, 0.0, 1.0, "mirror_rate");
  CheckInRange(composed_rate, 0.0, 1.0, "composed_rate");
  CheckInRange(real_multi_person_rate, 0.0, 1.0, "real_multi_person_rate");
  if (composed_rate + real_multi_person_rate > 1.0)
    throw OptionError(
        fmt::format("{{composed_rate}} + {{real_multi_person_rate}} must be <= 1, got {} + {}",
                    composed_rate, real_multi_person_rate));
  CheckAtLeast(max_composed_persons, 2, "max_composed_persons");
  if (composed_max_tokens < 2 * max_composed_persons)
    throw OptionError(
        fmt::format("{{composed_max_tokens}} ({}) must allow at least 2 rows per person "
                    "(2 x {{max_composed_persons}} = {})",
                    composed_max_tokens, 2 * max_composed_persons));
  CheckAtLeast(composed_min_separation_m, 0.0, "composed_min_separation_m");
  CheckAtLeast<int64_t>(checkpoint_every, 1, "checkpoint_every");
  CheckAtLeast<int64_t>(log_every, 1, "log_every");
  CheckAtLeast<int64_t>(val_every, 0, "val_every");
  CheckAtLeast(val_samples, 1, "val_samples");
}

void DiffusionConfig::Check() const {
  CheckNested("model", [&] { model.Check(); });
  CheckNested("text", [&] { text.Check(); });
  CheckNested("diffusion", [&] { diffusion.Check(); });
  CheckNested("loss", [&] { loss.Check(); });
  CheckNested("train", [&] { train.Check(); });
  if (model.word_tokens && !text.torchscript.empty())
    throw OptionError(
        "{model.word_tokens} needs the learned text encoder: {text.torchscript} gives one vector "
        "per caption, no words");
  if (train.crop_frames > model.max_frames)
    throw OptionError(
        fmt::format("{{train.crop_frames}} must be in [2, {{model.max_frames}} = {}], got {}",
                    model.max_frames, train.crop_frames));
  if (train.max_composed_persons > model.max_persons)
    throw OptionError(fmt::format(
        "{{train.max_composed_persons}} must be in [2, {{model.max_persons}} = {}], got {}",
        model.max_persons, train.max_composed_persons));
}

std::string ArchitectureSignature(const DiffusionConfig& config) {
  nlohmann::json json = DiffusionConfigToJson(config);
  nlohmann::json arch = {
      {"model", json["model"]}, {"text", json["text"]}, {"diffusion", json["diffusion"]}};
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
