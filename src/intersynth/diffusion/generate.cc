#include "intersynth/diffusion/generate.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "intersynth/body/retarget.h"
#include "intersynth/diffusion/model_io.h"
#include "intersynth/diffusion/noise_schedule.h"
#include "intersynth/diffusion/sampler.h"
#include "intersynth/diffusion/training_step.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/features_262.h"
#include "intersynth/motion/foot_lock.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/temporal_filter.h"
#include "intersynth/text/text_encoder.h"
#include "intersynth/text/tokenizer.h"
#include "intersynth/util/error.h"
#include "intersynth/util/progress.h"
#include "intersynth/util/timer.h"

namespace intersynth {
namespace {

constexpr int kDim = InterGenLayout::kDim;

// The input motion of an inpainting run, as features with one row per frame:
// EncodeInterGen gives T - 1 rows (a velocity needs the next frame), so the
// clip is extended by one frame extrapolated at constant velocity first.
struct InpaintingInput {
  MotionClip clip;            // the input, in world
  InterGenFeatures features;  // [P, T, 262] raw, canonical on person 0 at frame 0
};

InpaintingInput EncodeInput(MotionClip clip, int only_person) {
  if (only_person >= 0) {
    // Keep the one person (the others are regenerated).
    MotionClip one = MotionClip::Zeros(1, clip.num_frames, clip.fps);
    std::copy_n(clip.person(only_person), static_cast<size_t>(clip.num_frames) * kNumJoints * 3,
                one.person(0));
    if (!clip.valid.empty()) {
      one.valid.assign(
          clip.valid.begin() + static_cast<size_t>(only_person) * clip.num_frames * kNumJoints,
          clip.valid.begin() + static_cast<size_t>(only_person + 1) * clip.num_frames * kNumJoints);
    }
    one.text = clip.text;
    clip = std::move(one);
  }
  clip.rotations.clear();
  clip.root_translation.clear();
  MotionClip extended = MotionClip::Zeros(clip.num_persons, clip.num_frames + 1, clip.fps);
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int t = 0; t < clip.num_frames; ++t)
      std::copy_n(clip.joint(p, t, 0), kNumJoints * 3, extended.joint(p, t, 0));
    const int last = clip.num_frames - 1;
    for (int j = 0; j < kNumJoints; ++j) {
      for (int k = 0; k < 3; ++k) {
        extended.joint(p, last + 1, j)[k] =
            2 * clip.joint(p, last, j)[k] - clip.joint(p, last - 1, j)[k];
      }
    }
  }
  InpaintingInput input;
  input.features = EncodeInterGen(extended);
  input.clip = std::move(clip);
  return input;
}

// "{field} (why) must be in [low, high], got value": the model's limits.
void CheckModelRange(int value, int low, int high, const std::string& field_and_why) {
  if (value < low || value > high)
    throw OptionError(
        fmt::format("{} must be in [{}, {}], got {}", field_and_why, low, high, value));
}

}  // namespace

void GenerateOptions::Check() const {
  if (SplitWords(text).empty())
    throw OptionError("{text} is empty: give a sentence such as \"a person walks in a circle\"");
  CheckAtLeast(persons, 1, "persons");
  CheckAtLeast(frames, 0, "frames");
  CheckAtLeast(seconds, 0.0, "seconds");
  CheckInRange(samples, 1, 1024, "samples");
  CheckAtLeast(guidance, 0.0, "guidance");
  CheckAtLeast(sampler_steps, 1, "sampler_steps");
  CheckAtLeast(smooth_frames, 0.0, "smooth_frames");
  CheckFinite(smooth_frames, "smooth_frames");
  const bool inpainting = !motion.empty();
  if (!inpainting && (!keep_frames.empty() || keep_person >= 0))
    throw OptionError("{keep_frames} and {keep_person} need {motion} IN.npz");
  if (inpainting && keep_frames.empty() && keep_person < 0)
    throw OptionError("{motion} needs {keep_frames} or {keep_person} (what to keep of it)");
  if (inpainting && foot_lock)
    throw OptionError("{foot_lock} cannot be combined with {motion} (it would move kept feet)");
  if (inpainting && !keep_frames.empty() && keep_person >= 0)
    throw OptionError("{keep_frames} and {keep_person} cannot be combined");
  for (const auto& [first, last] : keep_frames)
    if (first < 0 || last <= first)
      throw OptionError(fmt::format(
          "{{keep_frames}}: {}:{} is not a range FIRST:LAST with 0 <= FIRST < LAST", first, last));
}

std::vector<std::pair<int, int>> ParseFrameRanges(const std::string& text, std::string_view field) {
  std::vector<std::pair<int, int>> ranges;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(',', begin), text.size());
    const std::string part = text.substr(begin, end - begin);
    const size_t colon = part.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      size_t used_a = 0, used_b = 0;
      const int first = std::stoi(part.substr(0, colon), &used_a);
      const int last = std::stoi(part.substr(colon + 1), &used_b);
      if (used_a != colon || used_b != part.size() - colon - 1 || first < 0 || last <= first) {
        throw std::invalid_argument("bad range");
      }
      ranges.emplace_back(first, last);
    } catch (const std::exception&) {
      throw OptionError(
          fmt::format("{{{}}}: '{}' is not a range FIRST:LAST with 0 <= FIRST < LAST "
                      "(e.g. 0:20,100:120)",
                      field, part));
    }
    begin = end + 1;
  }
  return ranges;
}

struct Generator::Impl {
  torch::Device device{torch::kCPU};
  std::filesystem::path model_dir;
  LoadedModel loaded;
};

Generator::Generator(const std::filesystem::path& model_dir, ComputeDevice device, int threads)
    : impl_(std::make_unique<Impl>()) {
  impl_->device = ToTorchDevice(device);
  torch::set_num_threads(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency()));
  impl_->model_dir = model_dir;
  impl_->loaded = LoadModelFolder(model_dir, impl_->device);
}

Generator::~Generator() = default;

float Generator::fps() const { return impl_->loaded.fps; }
int Generator::max_persons() const {
  return static_cast<int>(impl_->loaded.config.model.max_persons);
}
int Generator::max_frames() const {
  return static_cast<int>(impl_->loaded.config.model.max_frames);
}

GenerateResult Generate(const GenerateOptions& options) {
  CheckRequired(options.model_dir.string(), "model_dir");
  options.Check();
  Generator generator(options.model_dir, options.device, options.threads);
  return generator.Generate(options);
}

GenerateResult Generator::Generate(const GenerateOptions& options) {
  const torch::Device device = impl_->device;
  LoadedModel& loaded = impl_->loaded;
  const DiffusionConfig& config = loaded.config;
  const Tokenizer& tokenizer = *loaded.tokenizer;
  const float fps = loaded.fps;

  // The prompt.
  options.Check();
  GenerateResult result;
  if (!loaded.model->external_text_encoder()) {
    tokenizer.Encode(options.text, static_cast<int>(config.text.max_tokens), &result.unknown_words);
    result.dropped_words =
        std::max(0, Tokenizer::CountWords(options.text) - static_cast<int>(config.text.max_tokens));
  }

  // Inpainting input and the scene's size.
  const bool inpainting = !options.motion.empty();
  std::optional<InpaintingInput> input;
  int persons = options.persons;
  int frames =
      options.frames > 0
          ? options.frames
          : static_cast<int>(std::lround((options.seconds > 0 ? options.seconds : 6.0) * fps));
  if (inpainting) {
    MotionClip clip = ReadMotionFile(options.motion);
    if (std::abs(clip.fps - fps) > 1e-3f) {
      throw Error(fmt::format(
          "{}: {} fps; the model works at {} fps (resample it with intersynth convert --fps {})",
          options.motion.string(), clip.fps, fps, fps));
    }
    if (clip.num_frames < 2) throw Error(options.motion.string() + ": needs at least 2 frames");
    if (options.frames > 0 && options.frames != clip.num_frames) {
      throw OptionError(fmt::format("{{frames}} {} differs from the {} frames of {{motion}} {}",
                                    options.frames, clip.num_frames, options.motion.string()));
    }
    frames = clip.num_frames;
    if (options.keep_person >= 0) {
      CheckModelRange(options.keep_person, 0, clip.num_persons - 1,
                      fmt::format("{{keep_person}} (persons of {})", options.motion.string()));
      persons = std::max(options.persons, 2);
    } else {
      persons = clip.num_persons;
      for (const auto& [first, last] : options.keep_frames) {
        if (last > clip.num_frames) {
          throw OptionError(fmt::format("{{keep_frames}} {}:{} goes past the {} frames of {}",
                                        first, last, clip.num_frames, options.motion.string()));
        }
      }
    }
    input = EncodeInput(std::move(clip), options.keep_person);
  }
  CheckModelRange(persons, 1, static_cast<int>(config.model.max_persons),
                  "{persons} (this model's max_persons)");
  CheckModelRange(
      frames, 2, static_cast<int>(config.model.max_frames),
      fmt::format("{{frames}} (this model's max_frames at {} fps; {{seconds}} up to {:.1f})", fps,
                  config.model.max_frames / fps));

  // Conditions, masks and identities: persons take ids 0..P-1.
  const int64_t n = options.samples;
  const auto [mean, std] = NormalizerTensors(loaded.normalizer, device);
  TextCondition cond, uncond;
  {
    torch::NoGradGuard no_grad;
    cond = loaded.model->EncodeText(std::vector<std::string>(n, options.text),
                                    torch::zeros({n}, torch::kBool));
    uncond = loaded.model->NullText(n);
  }
  const torch::Tensor token_mask =
      torch::ones({n, persons, frames}, torch::TensorOptions().dtype(torch::kBool).device(device));
  const torch::Tensor person_ids = torch::arange(persons, torch::kLong)
                                       .unsqueeze(0)
                                       .expand({n, persons})
                                       .contiguous()
                                       .to(device);

  // Known values: the input's normalised features where they are kept.
  Inpainting inpaint;
  if (input) {
    torch::Tensor known_values = torch::zeros({persons, frames, kDim});
    torch::Tensor known = torch::zeros({persons, frames, kDim}, torch::kBool);
    torch::Tensor features =
        torch::from_blob(input->features.values.data(), {input->features.num_persons, frames, kDim},
                         torch::kFloat32)
            .clone();
    features = (features - mean.cpu()) / std.cpu();
    known_values.narrow(0, 0, input->features.num_persons).copy_(features);
    if (options.keep_person >= 0) {
      known.narrow(0, 0, 1).fill_(true);
    } else {
      for (const auto& [first, last] : options.keep_frames)
        known.narrow(1, first, last - first).fill_(true);
    }
    inpaint.known = known.unsqueeze(0).expand({n, persons, frames, kDim}).to(device);
    inpaint.values = known_values.unsqueeze(0).expand({n, persons, frames, kDim}).to(device);
  }

  // Sample.
  SamplerOptions sampler;
  sampler.kind = options.sampler;
  sampler.steps = options.sampler_steps;
  sampler.guidance = options.guidance;
  sampler.seed = options.seed;
  const NoiseSchedule schedule =
      NoiseSchedule::Cosine(config.diffusion.steps, config.diffusion.cosine_s);
  if (sampler.kind == SamplerKind::kDdim) {
    CheckModelRange(sampler.steps, 1, schedule.steps(), "{sampler_steps} (DDIM)");
  }
  const int total_steps = sampler.kind == SamplerKind::kDdpm ? schedule.steps() : sampler.steps;
  ProgressBar bar("sample", total_steps, ProgressOptions{});
  const Timer timer;
  torch::Tensor x0 = SampleX0(loaded.model, schedule, cond, uncond, token_mask, person_ids, sampler,
                              inpaint, [&](int, int) {
                                if (options.progress) bar.Tick();
                              });
  bar.Finish();
  result.sampling_s = timer.Seconds();
  result.sampler_steps = total_steps;

  // Decode every sample into a world motion.
  x0 = (x0 * std + mean).to(torch::kCPU).contiguous();
  nlohmann::json settings = {{"generator", "intersynth generate"},
                             {"model", std::filesystem::absolute(impl_->model_dir).string()},
                             {"text", options.text},
                             {"persons", persons},
                             {"frames", frames},
                             {"fps", fps},
                             {"guidance", options.guidance},
                             {"sampler", std::string(ToString(options.sampler))},
                             {"sampler_steps", total_steps},
                             {"decoding", std::string(ToString(options.decoding))},
                             {"smooth_frames", options.smooth_frames},
                             {"foot_lock", options.foot_lock},
                             {"seed", options.seed},
                             {"samples", options.samples}};
  if (!result.unknown_words.empty()) settings["unknown_words"] = result.unknown_words;
  if (input) {
    settings["motion"] = std::filesystem::absolute(options.motion).string();
    if (options.keep_person >= 0) settings["keep_person"] = options.keep_person;
    nlohmann::json ranges = nlohmann::json::array();
    for (const auto& [first, last] : options.keep_frames) ranges.push_back({first, last});
    if (!options.keep_frames.empty()) settings["keep_frames"] = ranges;
  }
  for (int64_t i = 0; i < n; ++i) {
    InterGenFeatures features;
    features.num_persons = persons;
    features.num_rows = frames;
    features.fps = fps;
    const float* data = x0[i].data_ptr<float>();
    features.values.assign(data, data + static_cast<size_t>(persons) * frames * kDim);
    if (input) features.world_from_canonical = input->features.world_from_canonical;
    for (int p = 0; p < persons; ++p)
      GaussianFilterRows(features.row(p, 0), frames, kDim, options.smooth_frames);
    MotionClip motion = DecodeInterGen(features, /*to_world=*/true);
    if (options.decoding == JointDecoding::kRotations) RebuildJointsFromRotations(motion);
    if (input) {
      // The kept joints are the input's, exactly (not their round trip
      // through normalisation and decoding).
      for (int p = 0; p < input->clip.num_persons; ++p) {
        for (int t = 0; t < frames; ++t) {
          const bool kept =
              options.keep_person >= 0 ||
              std::any_of(options.keep_frames.begin(), options.keep_frames.end(),
                          [&](const auto& r) { return t >= r.first && t < r.second; });
          if (kept) std::copy_n(input->clip.joint(p, t, 0), kNumJoints * 3, motion.joint(p, t, 0));
        }
      }
      // Rotations of the decoded motion no longer match the replaced joints.
      motion.rotations.clear();
    } else {
      PutOnFloorOptions floor;
      floor.percentile = kDatasetFloorPercentile;
      PutOnFloor(motion.joints, persons * frames, floor);
      if (options.foot_lock) LockFeet(motion);
      motion.rotations.clear();
    }
    motion.text = {options.text};
    nlohmann::json sample_settings = settings;
    sample_settings["sample"] = i;
    motion.metadata = sample_settings.dump();
    result.motions.push_back(std::move(motion));
  }
  return result;
}

}  // namespace intersynth
