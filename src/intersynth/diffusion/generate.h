#pragma once
// `intersynth generate`: text -> motion of P persons from a trained run (or a
// bundled model folder; diffusion/run_files.h). Torch-free header.
//
// The prompt goes through the run's tokenizer (unknown words map to <unk> and
// are reported) and text encoder; the sampler (diffusion/sampler.h) draws
// `samples` motions in one batch with classifier-free guidance; the features
// are de-normalised and decoded (motion/features_262.h DecodeInterGen), and
// each motion is put on the floor as the dataset's clips are (the 10th
// percentile of the lowest foot joint over all persons at y = 0).
//
// Inpainting (motion = an input motion file):
//   keep_frames  ranges of the input's frames that stay as they are, for every
//                person; the model fills in the rest (inbetweening)
//   keep_person  one input person kept whole; the model generates the others
//                (partner generation)
// The output then has the input's frames and its world frame (no floor
// shift), and the kept joints are the input's, exactly.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "intersynth/diffusion/config.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/device.h"

namespace intersynth {

struct GenerateOptions {
  /// A run folder or a bundled model folder.
  std::filesystem::path model_dir;
  /// The prompt (must hold at least one word).
  std::string text;
  /// Persons in the scene, 1..max_persons (with keep_person: total persons).
  int persons = 1;
  /// Frames of each motion; 0: from `seconds`.
  int frames = 0;
  /// Duration when frames = 0 (at the model's fps); 0: 6 seconds.
  double seconds = 0.0;
  /// Motions drawn for the prompt.
  int samples = 1;
  uint64_t seed = 0;
  /// Classifier-free guidance scale (MDM's default 2.5).
  double guidance = 2.5;
  /// DDIM (default, `sampler_steps` steps) or DDPM (every step).
  SamplerKind sampler = SamplerKind::kDdim;
  int sampler_steps = 50;
  /// How the joints are read from the generated features.
  JointDecoding decoding = JointDecoding::kPositions;
  /// Gaussian smoothing of the sampled features along time before decoding
  /// (motion/temporal_filter.h), sigma in frames; 0: none. Removes the
  /// frame-to-frame jitter a diffusion model leaves in its samples.
  double smooth_frames = 0.0;
  /// Lock feet that rest on the floor in place, bending the knees to follow
  /// (motion/foot_lock.h), against foot skating. Not with inpainting.
  bool foot_lock = false;
  /// Where the model runs; threads <= 0: every core.
  ComputeDevice device = ComputeDevice::kCpu;
  int threads = 0;
  /// Inpainting input (see the header comment); empty: none.
  std::filesystem::path motion;
  /// Frame ranges [first, last) of `motion` to keep.
  std::vector<std::pair<int, int>> keep_frames;
  /// Person of `motion` to keep, or -1.
  int keep_person = -1;
  /// Show the sampler's progress bar.
  bool progress = true;

  /// Throws OptionError naming the first bad field. The limits of the
  /// model (max_persons, max_frames) are checked by Generate, and model_dir
  /// (which a Generator does not read from these options) by the free
  /// Generate.
  void Check() const;
};

struct GenerateResult {
  /// One motion per sample: joints in world (Y up), fps, text = {prompt},
  /// metadata = the settings as JSON.
  std::vector<MotionClip> motions;
  /// Prompt words the tokenizer does not know (they became <unk>).
  std::vector<std::string> unknown_words;
  /// Prompt words beyond the text encoder's max_tokens (dropped).
  int dropped_words = 0;
  /// Seconds spent sampling (without loading), and the reverse steps taken
  /// (DDIM: sampler_steps; DDPM: every step of the schedule).
  double sampling_s = 0.0;
  int sampler_steps = 0;
};

/// Parses "0:20,100:120" into frame ranges [first, last). Throws
/// OptionError naming the field `field` and the bad part.
std::vector<std::pair<int, int>> ParseFrameRanges(const std::string& text,
                                                  std::string_view field = "keep_frames");

/// A loaded model that generates many prompts without reloading (evaluation
/// draws thousands). GenerateOptions' model_dir, device and threads are the
/// constructor's; the other fields apply per call.
class Generator {
 public:
  /// Loads the model folder (throws Error as Generate does) and sets the
  /// LibTorch threads (<= 0: every core).
  explicit Generator(const std::filesystem::path& model_dir,
                     ComputeDevice device = ComputeDevice::kCpu,
                     int threads = 0);
  ~Generator();
  Generator(const Generator&) = delete;
  Generator& operator=(const Generator&) = delete;

  /// As Generate below, with this model.
  GenerateResult Generate(const GenerateOptions& options);

  /// The model's frame rate, most persons and most frames.
  float fps() const;
  int max_persons() const;
  int max_frames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Generates (see the header comment). Throws OptionError for bad options
/// (GenerateOptions::Check), persons outside [1, max_persons], frames
/// outside [2, max_frames] or inpainting inputs that do not fit, and Error
/// for an unreadable model folder or a checkpoint that does not fit its
/// config.
GenerateResult Generate(const GenerateOptions& options);

}  // namespace intersynth
