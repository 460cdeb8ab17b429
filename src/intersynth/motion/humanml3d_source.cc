#include "intersynth/motion/humanml3d_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "intersynth/io/npy.h"
#include "intersynth/motion/corpus_lists.h"
#include "intersynth/motion/motion_clip.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

// A time field: a number, or "nan" (the corpus writes it for whole clips).
double ParseTime(const std::string& field, const std::string& source, int line, const char* what) {
  if (field == "nan" || field == "NaN") return 0.0;
  char* end = nullptr;
  const double value = std::strtod(field.c_str(), &end);
  if (field.empty() || end != field.c_str() + field.size() || !std::isfinite(value) || value < 0) {
    throw Error(fmt::format("{}:{}: {} time '{}' is not a number of seconds >= 0", source, line,
                            what, field));
  }
  return value;
}

}  // namespace

std::vector<HumanML3DCaption> ParseHumanML3DTexts(std::string_view text,
                                                  const std::string& source) {
  std::vector<HumanML3DCaption> captions;
  std::istringstream lines{std::string(text)};
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    // caption#tokens#start#end: split on the last three '#'.
    std::vector<std::string> fields;
    size_t end = line.size();
    for (int k = 0; k < 3; ++k) {
      const size_t hash = line.rfind('#', end == 0 ? 0 : end - 1);
      if (hash == std::string::npos || end == 0) {
        throw Error(fmt::format("{}:{}: expected 'caption#tokens#start#end', found '{}'", source,
                                number, line));
      }
      fields.insert(fields.begin(), line.substr(hash + 1, end - hash - 1));
      end = hash;
    }
    HumanML3DCaption caption;
    caption.text = line.substr(0, end);
    if (caption.text.empty()) {
      throw Error(fmt::format("{}:{}: empty caption", source, number));
    }
    std::istringstream tokens(fields[0]);
    for (std::string token; tokens >> token;) caption.tokens.push_back(token);
    caption.start_s = ParseTime(fields[1], source, number, "start");
    caption.end_s = ParseTime(fields[2], source, number, "end");
    if (caption.end_s != 0.0 && caption.end_s <= caption.start_s) {
      throw Error(fmt::format("{}:{}: segment end {} is not after its start {}", source, number,
                              caption.end_s, caption.start_s));
    }
    captions.push_back(std::move(caption));
  }
  return captions;
}

std::vector<std::string> ListHumanML3DClips(const fs::path& root) {
  const fs::path folder = root / "new_joints";
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    throw Error(fmt::format("{}: not a HumanML3D folder (no new_joints/ inside)", root.string()));
  }
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (LowerExtension(entry.path()) == "npy") ids.push_back(entry.path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::map<std::string, std::string> ReadHumanML3DSplits(const fs::path& root) {
  return ReadSplitLists(root);
}

HumanML3DClip ReadHumanML3DClip(const fs::path& root, const std::string& id) {
  HumanML3DClip clip;
  clip.id = id;
  const fs::path joints_path = root / "new_joints" / (id + ".npy");
  const NpyArray joints = ReadNpy(joints_path);
  if (joints.shape.size() != 3 || joints.shape[1] != kNumJoints || joints.shape[2] != 3 ||
      joints.shape[0] < 1) {
    throw Error(fmt::format("{}: joints have shape {}, expected (T, 22, 3)", joints_path.string(),
                            NpyShapeString(joints.shape)));
  }
  clip.num_frames = static_cast<int>(joints.shape[0]);
  clip.joints = joints.ToVector<float>();
  const fs::path texts = root / "texts" / (id + ".txt");
  std::error_code ec;
  if (fs::exists(texts, ec))
    clip.captions = ParseHumanML3DTexts(ReadFileToString(texts), texts.string());
  return clip;
}

}  // namespace intersynth
