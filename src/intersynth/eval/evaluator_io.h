#pragma once
// The evaluator that embeds motions and captions for the metrics
// (eval_metrics/embedding_metrics.h): a trained intersynth evaluator folder
// (eval/evaluator_config.h) or an external evaluator exported as TorchScript.
// Torch-free header.
//
// intersynth evaluator folder: motions go through the same path as the
// training data: EncodeInterGen of the clip's joints (canonical on person 0
// at frame 0), the evaluator's feature statistics, the 4 foot contacts
// dropped, persons given ids 0..P-1. So real clips, generated motions and
// baselines are embedded alike, whatever generator made them. Embeddings
// are unit vectors.
//
// TorchScript evaluator (a .pt file from torch.jit.script / torch.jit.save):
// the adapter for published evaluators (Guo et al.'s text-to-motion
// evaluator, InterGen's InterCLIP). Wrap the evaluator in a module that
// converts joints into its own features, script it and save it. Contract:
//   attributes   fps: float          the frame rate it expects
//                max_persons: int    most persons per motion
//                max_frames: int     most frames per motion
//   encode_motion(joints: Tensor, mask: Tensor) -> Tensor
//                joints [B, P, T, 22, 3] float32: world positions in metres
//                (y up, floor at y = 0) of the 22 SMPL body joints in
//                HumanML3D order, as generated (not canonicalised); mask
//                [B, P, T] bool, true on real frames (padding is zeros);
//                returns [B, E] float embeddings.
//   encode_text(texts: List[str]) -> Tensor
//                returns [len(texts), E] float embeddings.
// Embeddings are used as the module returns them (the published protocols
// measure unnormalised embeddings); motions are batched 32 at a time in
// eval mode without gradients. See docs/evaluation.md.

#include <Eigen/Core>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/device.h"

namespace intersynth {

class Evaluator {
 public:
  /// A folder: loads config.json, evaluator.json (feature layout checked),
  /// tokenizer.json, mean/std_262 and checkpoint/model.pt. A file: loads it
  /// as a TorchScript evaluator (see above). Throws Error naming the file
  /// that is missing or does not fit (a missing attribute or method too).
  explicit Evaluator(const std::filesystem::path& dir, ComputeDevice device = ComputeDevice::kCpu);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  /// [N, E] unit rows, one per clip. Every clip needs 2..max_frames() frames,
  /// 1..max_persons() persons and the evaluator's fps (Error otherwise,
  /// naming the clip's index).
  Eigen::MatrixXd EmbedMotions(const std::vector<MotionClip>& clips) const;

  /// [N, E] unit rows, one per caption (each with at least one word).
  Eigen::MatrixXd EmbedTexts(const std::vector<std::string>& texts) const;

  /// Words of `texts` the evaluator's tokenizer does not know (none for a
  /// TorchScript evaluator: its tokenizer is its own).
  std::vector<std::string> UnknownWords(const std::vector<std::string>& texts) const;

  float fps() const;
  int max_persons() const;
  int max_frames() const;
  /// The longest training crop in frames (train.crop_frames + 1; a
  /// TorchScript evaluator: max_frames): motions are cut to this for
  /// evaluation, as the evaluator never saw longer ones.
  int crop_frames() const;
  /// "intersynth" or "torchscript".
  std::string kind() const;

 private:
  friend void ExportEvaluatorFolder(const std::filesystem::path&,
                                    const std::filesystem::path&,
                                    bool,
                                    bool);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Copies an evaluator folder without its optimizer state (config,
/// evaluator.json, tokenizer, statistics, train_clips.txt, metrics.jsonl,
/// checkpoint/state.json and model.pt), to bundle or share it; `half` stores
/// the weights as float16 (read back as float32). Written atomically; an
/// existing `out_dir` only with `overwrite`. Throws Error when `dir` is not
/// a loadable evaluator folder.
void ExportEvaluatorFolder(const std::filesystem::path& dir,
                           const std::filesystem::path& out_dir,
                           bool half,
                           bool overwrite);

}  // namespace intersynth
