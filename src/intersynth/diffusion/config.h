#pragma once
// The configuration of a motion-diffusion run: network sizes, the noise
// schedule, the loss weights and the training schedule. Plain C++ (no Torch),
// so that the CLI and tests read and check configs cheaply.
//
// Config files are JSON with four sections, e.g. data/configs/diffusion_cpu.json:
//
//   { "model":     { "d_model": 256, "layers": 4, ... },
//     "text":      { "d_model": 256, "layers": 2, ... },
//     "diffusion": { "steps": 1000, "cosine_s": 0.008, "t_bar": 700 },
//     "loss":      { "velocity": 30, ... },
//     "train":     { "batch": 32, "lr": 1e-4, ... } }
//
// A key a file leaves out keeps the default written on the field below (the
// defaults ARE the CPU configuration); an unknown section or key is an error
// that names the file and the key, so a typo never silently trains the wrong
// model. `--config cpu` and `--config gpu` name the two shipped files.
//
// The "model", "text" and "diffusion" sections decide the shapes of the
// weights: two runs can share a checkpoint only when they agree
// (ArchitectureSignature). "loss" and "train" may change on a resume.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "intersynth/util/options.h"

namespace intersynth {

/// The reverse process of generation (diffusion/sampler.h): DDIM (a spaced
/// subset of the steps, eta = 0) or DDPM (every step).
enum class SamplerKind { kDdim, kDdpm };
inline constexpr EnumName<SamplerKind> kSamplerKindNames[] = {{SamplerKind::kDdim, "ddim"},
                                                              {SamplerKind::kDdpm, "ddpm"}};
inline std::string_view ToString(SamplerKind kind) { return EnumToString(kind, kSamplerKindNames); }
/// "ddim" or "ddpm"; throws OptionError naming `field` otherwise.
inline SamplerKind ParseSamplerKind(std::string_view text, std::string_view field = "sampler") {
  return EnumFromString(text, kSamplerKindNames, field);
}

/// How generated features become joints (motion/features_262.h): the
/// position channels as they are, or forward kinematics of the rotation
/// channels from the decoded root with each bone at its median length
/// (RebuildJointsFromRotations: a rigid skeleton).
enum class JointDecoding { kPositions, kRotations };
inline constexpr EnumName<JointDecoding> kJointDecodingNames[] = {
    {JointDecoding::kPositions, "positions"}, {JointDecoding::kRotations, "rotations"}};
inline std::string_view ToString(JointDecoding kind) {
  return EnumToString(kind, kJointDecodingNames);
}
/// "positions" or "rotations"; throws OptionError naming `field` otherwise.
inline JointDecoding ParseJointDecoding(std::string_view text,
                                        std::string_view field = "decoding") {
  return EnumFromString(text, kJointDecodingNames, field);
}

/// The multi-person denoiser (diffusion/denoiser.h).
struct DenoiserConfig {
  /// Token width.
  int64_t d_model = 256;
  /// Transformer blocks.
  int64_t layers = 4;
  /// Attention heads (d_model must be divisible by heads).
  int64_t heads = 4;
  /// Hidden width of each block's feed-forward part.
  int64_t ff_dim = 1024;
  /// Dropout inside the blocks (attention weights and feed-forward).
  double dropout = 0.1;
  /// Persons the identity embedding knows; scenes may hold up to this many.
  int64_t max_persons = 8;
  /// Longest motion (feature rows) the model generates or trains on.
  int64_t max_frames = 196;
  /// Standard deviation of the person-identity embedding at initialisation.
  /// It must be comparable with the other parts of a token (a projected
  /// normalised feature row has about 0.58 per channel, the sinusoidal frame
  /// encoding 0.71): at 0.02 the tokens of persons in one frame differ by
  /// ~3% of their norm, and a 5,500-step model mixed the persons of 3-person
  /// scenes token by token (pelvis speeds of 50 m/s).
  double person_embedding_init_std = 0.5;
  /// Also put the caption's words (the text encoder's per-word outputs) in
  /// the sequence as tokens every motion token can attend to, beside the
  /// pooled caption in the AdaLN condition. The pooled vector alone carried
  /// "raises the left hand" and "... the right hand" 11% apart and a
  /// 3,319-step model ignored the side (docs/diffusion.md, "Text").
  /// Not with a TorchScript text encoder (it gives one vector per caption).
  bool word_tokens = false;
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The text encoder: the learned one (text/text_encoder.h), or a user's
/// exported TorchScript encoder (text/torchscript_text_encoder.h), frozen,
/// followed by a learned linear projection to d_model.
struct TextConfig {
  /// Empty: the learned encoder. Else a TorchScript file (forward(List[str])
  /// -> [B, D]); `intersynth train` copies it into the run folder as
  /// text_encoder.pt and records that name (paths are relative to the run).
  std::string torchscript;
  int64_t d_model = 256;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t ff_dim = 512;
  /// Words kept per caption (longer captions are cut, with a warning at generation).
  int64_t max_tokens = 32;
  double dropout = 0.1;
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The forward process (diffusion/noise_schedule.h).
struct DiffusionProcessConfig {
  /// Diffusion steps T.
  int steps = 1000;
  /// Offset s of the cosine schedule (Nichol & Dhariwal 2021, eq. 17).
  double cosine_s = 0.008;
  /// The geometric loss terms apply only for t <= t_bar (InterGen's T_BAR).
  int t_bar = 700;
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Loss weights (diffusion/losses.h). Defaults: InterGen's (models/losses.py,
/// shared/notes/intergen-format.md "Losses").
struct LossConfig {
  /// Masked MSE on the normalised x0 (all t).
  double mse = 1.0;
  /// Joint velocities from the predicted positions.
  double velocity = 30.0;
  /// Foot speed where the real motion has foot contact.
  double foot_contact = 30.0;
  /// Bone lengths.
  double bone_length = 10.0;
  /// Root-relative joint positions p_j - p_pelvis (metres): the local pose.
  /// The position channels hold positions in the scene frame, whose spread
  /// is set by how far people travel (metres), so the normalised MSE barely
  /// sees a foot turned backwards; this term does. 0: off (InterGen has no
  /// such term).
  double local_pose = 0.0;
  /// Inter-person joint distance map, on pairs closer than distance_map_threshold_m.
  double distance_map = 3.0;
  /// Inter-person joint pairs that touch in the real motion (< joint_affinity_threshold_m)
  /// are pulled together.
  double joint_affinity = 3.0;
  /// Relative facing of every pair of persons.
  double relative_orientation = 0.01;
  /// Metres.
  double distance_map_threshold_m = 1.0;
  /// Metres.
  double joint_affinity_threshold_m = 0.1;
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The training schedule and the data drawn for it (diffusion/trainer.h).
struct TrainConfig {
  /// Samples per step over all processes (must be divisible by the process count).
  int batch = 32;
  /// Total optimiser steps of the run (the cosine decay ends here).
  int64_t steps = 100000;
  /// Peak AdamW learning rate.
  double lr = 1e-4;
  double weight_decay = 0.01;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  /// Linear warm-up from 0 to lr over this many steps, then cosine decay to
  /// lr * min_lr_ratio at `steps`.
  int64_t warmup_steps = 500;
  double min_lr_ratio = 0.1;
  /// Global gradient-norm clip (<= 0 disables).
  double grad_clip = 1.0;
  /// Exponential moving average of the weights: ema = d * ema + (1 - d) * w,
  /// with d = min(ema_decay, (1 + step) / (10 + step)) (a warm-up).
  double ema_decay = 0.999;
  /// Training crops: at most this many feature rows (frames - 1).
  int crop_frames = 120;
  /// Probability that a sample's text is replaced by the null embedding
  /// (classifier-free guidance).
  double cond_drop = 0.1;
  /// The same for composed scenes (their joined captions).
  double composed_cond_drop = 0.1;
  /// Factor on the loss of a composed-scene step (the logged loss is not
  /// scaled). Composed persons stand metres apart at random places, far
  /// outside the single clips' normalised range: at weight 1 their
  /// unpredictable placement dominates the gradients and the model stops
  /// learning "left" from "right" (docs/diffusion.md).
  double composed_loss_weight = 1.0;
  /// Give each sample's persons a random order and random distinct identity
  /// ids (so the model ties no role to an index unless the text does). Off
  /// only for tests that need a fixed assignment.
  bool shuffle_persons = true;
  /// Probability that a sample is mirrored (left/right joints and words swapped).
  double mirror_rate = 0.5;
  /// Fraction of steps whose samples are composed scenes of single-person clips.
  double composed_rate = 0.3;
  /// Composed scenes hold 2..max_composed_persons persons.
  int max_composed_persons = 4;
  /// A composed scene of P persons is cropped to at most this / P rows (and
  /// crop_frames), so that its P * rows tokens cost about what a long single
  /// clip costs (attention is quadratic in the token count).
  int composed_max_tokens = 240;
  /// Fraction of steps drawn from the real multi-person clips (when there are any).
  double real_multi_person_rate = 0.05;
  /// Minimum horizontal pelvis distance between composed persons, metres.
  double composed_min_separation_m = 0.8;
  /// Steps between checkpoints (a checkpoint is also written at the end and at Ctrl-C).
  int64_t checkpoint_every = 200;
  /// Steps between validation passes (0 disables).
  int64_t val_every = 500;
  /// Validation samples (fixed crops, timesteps and noise).
  int val_samples = 64;
  /// Steps between progress lines and metrics.jsonl records.
  int64_t log_every = 10;
  /// Seed of everything random in the run.
  uint64_t seed = 1;
  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// The whole config: one file of data/configs (see the file comment).
struct DiffusionConfig {
  DenoiserConfig model;
  TextConfig text;
  DiffusionProcessConfig diffusion;
  LossConfig loss;
  TrainConfig train;

  /// Every section's Check(), then what ties sections together
  /// (train.crop_frames <= model.max_frames, train.max_composed_persons <=
  /// model.max_persons). Fields are named with their section:
  /// "{train.lr} must be > 0, got 0".
  void Check() const;
};

/// The folder of the shipped config files (data/configs; the environment
/// variable INTERSYNTH_CONFIGS overrides it).
std::filesystem::path DefaultConfigDir();

/// "cpu" or "gpu" -> the shipped file; anything else is a path to a JSON file.
/// Throws Error naming the file and key for unreadable files, unknown
/// sections or keys, wrong types and values out of range (Check).
DiffusionConfig LoadDiffusionConfig(const std::string& name_or_path);

/// Parses a config from JSON over the defaults and checks it; `source`
/// names it in errors ("test.json: model.heads must be ...").
DiffusionConfig DiffusionConfigFromJson(const nlohmann::json& json, const std::string& source);

/// Every field, as the file format above.
nlohmann::json DiffusionConfigToJson(const DiffusionConfig& config);

/// The "model", "text" and "diffusion" sections as one JSON string: two
/// configs can share weights exactly when their signatures are equal.
std::string ArchitectureSignature(const DiffusionConfig& config);

}  // namespace intersynth
