#pragma once
// Reading a HumanML3D corpus in its own folder layout (Guo et al., CVPR 2022),
// so that a user who holds it can build a dataset from it:
//
//   ROOT/new_joints/<id>.npy   float32 [T, 22, 3], 20 fps, smpl22 order, Y up
//   ROOT/texts/<id>.txt        one caption per line: "caption#tokens#start#end"
//                              tokens "word/POS" separated by spaces; start and
//                              end in seconds, 0 (or nan) for the whole clip
//   ROOT/{train,val,test}.txt  one id per line (optional)

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace intersynth {

/// One caption line of a HumanML3D text file.
struct HumanML3DCaption {
  std::string text;
  /// "word/POS" tokens as the corpus stores them.
  std::vector<std::string> tokens;
  /// Segment of the clip the caption describes, seconds; both 0 = whole clip.
  double start_s = 0.0;
  double end_s = 0.0;
};

/// Parses a texts/<id>.txt file. Blank lines are skipped; a line without
/// three '#' separators or with non-numeric times is an Error naming
/// `source` and the line.
std::vector<HumanML3DCaption> ParseHumanML3DTexts(std::string_view text, const std::string& source);

/// Clip ids (file stems of new_joints/*.npy), sorted. Error when the folder is missing.
std::vector<std::string> ListHumanML3DClips(const std::filesystem::path& root);

/// id -> "train", "val" or "test" from the split lists present under `root`.
/// Lines are trimmed; an id in two different lists is an Error
/// (motion/corpus_lists.h ReadSplitLists).
std::map<std::string, std::string> ReadHumanML3DSplits(const std::filesystem::path& root);

/// One clip: its joints and captions (empty when texts/<id>.txt is absent).
struct HumanML3DClip {
  std::string id;
  int num_frames = 0;
  /// [T, 22, 3] metres.
  std::vector<float> joints;
  std::vector<HumanML3DCaption> captions;
};

/// Reads clip `id` under `root`. Error for a missing or malformed file.
HumanML3DClip ReadHumanML3DClip(const std::filesystem::path& root, const std::string& id);

}  // namespace intersynth
