#include "intersynth/io/asf_amc.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

#include "intersynth/io/text_parse.h"
#include "intersynth/io/utf8.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"

namespace intersynth {
namespace {

constexpr std::array<std::string_view, 7> kDofNames = {"rx", "ry", "rz", "tx", "ty", "tz", "l"};

using internal::FailAtLine;
using internal::ParseDouble;
using internal::ParseInt;

// One line of an ASF / AMC file, split into tokens, without its comment.
struct Line {
  int number = 0;  // 1-based
  std::vector<std::string_view> tokens;
};

// Splits `text` into non-empty lines of tokens. A '#' starts a comment that
// runs to the end of the line (the comments are where Latin-1 bytes live).
// '\r' counts as whitespace, so CRLF, LF and mixed files read the same.
std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  internal::LineReader reader(text);
  std::string_view line;
  while (reader.Next(&line)) {
    const size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    Line out;
    out.number = reader.line_number();
    internal::ForEachToken(line, [&](std::string_view token) { out.tokens.push_back(token); });
    if (!out.tokens.empty()) lines.push_back(std::move(out));
  }
  return lines;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A token as messages show it: QuoteToken, with Latin-1 bytes as UTF-8. The
// quotes and "..." are ASCII, so converting the quoted text gives the same
// bytes as converting the token's first 40 bytes alone.
std::string Quote(std::string_view token) {
  return ToUtf8FromLatin1IfNeeded(internal::QuoteToken(token));
}

// Error helpers: every message starts with "file:line: ".
class Reporter {
 public:
  explicit Reporter(const std::string& source) : source_(source) {}
  [[noreturn]] void Fail(int line, const std::string& what) const {
    FailAtLine(source_, line, what);
  }
  // A finite number, or an Error saying which field it was meant to be.
  double Number(const Line& line, size_t index, std::string_view what) const {
    if (index >= line.tokens.size()) {
      Fail(line.number, fmt::format("{} is missing, expected a number", what));
    }
    return internal::ParseFiniteNumber(line.tokens[index], what, source_, line.number, Quote);
  }
  Eigen::Vector3d Vector3(const Line& line, std::string_view what) const {
    if (line.tokens.size() < 4) {
      Fail(line.number, fmt::format("{} has {} numbers, expected 3", what, line.tokens.size() - 1));
    }
    return {Number(line, 1, fmt::format("{} x", what)), Number(line, 2, fmt::format("{} y", what)),
            Number(line, 3, fmt::format("{} z", what))};
  }
  void ExpectTokenCount(const Line& line, size_t count, std::string_view expected) const {
    if (line.tokens.size() != count) {
      Fail(line.number,
           fmt::format("'{}' has {} fields, expected {}", ToUtf8FromLatin1IfNeeded(line.tokens[0]),
                       line.tokens.size() - 1, expected));
    }
  }

 private:
  const std::string& source_;
};

// "rx" / "TX" / "l" -> AsfDof.
bool ParseDof(std::string_view token, AsfDof* dof) {
  const std::string lower = Lower(token);
  const auto it = std::find(kDofNames.begin(), kDofNames.end(), lower);
  if (it == kDofNames.end()) return false;
  *dof = static_cast<AsfDof>(it - kDofNames.begin());
  return true;
}

// Reads dof names from tokens [first, end) of `line`, rejecting repeats.
std::vector<AsfDof> ParseDofList(const Line& line, size_t first, const Reporter& report) {
  std::vector<AsfDof> dofs;
  for (size_t i = first; i < line.tokens.size(); ++i) {
    AsfDof dof;
    if (!ParseDof(line.tokens[i], &dof)) {
      report.Fail(line.number, fmt::format("unknown dof {}, expected rx ry rz tx ty tz or l",
                                           Quote(line.tokens[i])));
    }
    if (std::find(dofs.begin(), dofs.end(), dof) != dofs.end()) {
      report.Fail(line.number, fmt::format("dof {} listed twice", Quote(line.tokens[i])));
    }
    dofs.push_back(dof);
  }
  return dofs;
}

// Axis order: a permutation of XYZ (any case).
std::string ParseAxisOrder(const Line& line, std::string_view token, const Reporter& report) {
  std::string order = Upper(token);
  std::string sorted = order;
  std::sort(sorted.begin(), sorted.end());
  if (sorted != "XYZ") {
    report.Fail(line.number,
                fmt::format("axis order {}, expected a permutation of XYZ", Quote(token)));
  }
  return order;
}

// Appends "(min max)" pairs written anywhere on `line` after token `first`:
// "limits (-160.0 20.0)", "(-inf inf)", "( -10 170 )" all work.
void ParseLimits(const Line& line,
                 size_t first,
                 const Reporter& report,
                 std::vector<AsfLimit>* limits) {
  // Re-split on the parentheses themselves so that their spacing does not matter.
  std::vector<std::string_view> parts;
  for (size_t i = first; i < line.tokens.size(); ++i) {
    std::string_view token = line.tokens[i];
    size_t start = 0;
    for (size_t k = 0; k <= token.size(); ++k) {
      if (k == token.size() || token[k] == '(' || token[k] == ')') {
        if (k > start) parts.push_back(token.substr(start, k - start));
        if (k < token.size()) parts.push_back(token.substr(k, 1));
        start = k + 1;
      }
    }
  }
  size_t i = 0;
  auto bound = [&](const char* what) {
    double value = 0.0;
    if (i >= parts.size() || !ParseDouble(parts[i], &value) || std::isnan(value)) {
      report.Fail(line.number,
                  fmt::format("expected a number for the limit's {}, found {}", what,
                              i < parts.size() ? Quote(parts[i]) : std::string("nothing")));
    }
    ++i;
    return value;
  };
  while (i < parts.size()) {
    if (parts[i] != "(") {
      report.Fail(line.number,
                  fmt::format("found {}, expected a limit '(min max)'", Quote(parts[i])));
    }
    ++i;
    AsfLimit limit;
    limit.min = bound("min");
    limit.max = bound("max");
    if (i >= parts.size() || parts[i] != ")") {
      report.Fail(line.number, "expected ')' closing the limit '(min max)'");
    }
    ++i;
    if (limit.min > limit.max) {
      report.Fail(line.number, fmt::format("limit ({} {}) has min > max", limit.min, limit.max));
    }
    limits->push_back(limit);
  }
}

// Checks a finished `begin ... end` block and normalises its direction.
void FinishBone(AsfBone* bone, int begin_line, int end_line, const Reporter& report) {
  if (bone->name.empty()) {
    report.Fail(begin_line, "bone without 'name', expected one in every begin ... end block");
  }
  if (!bone->limits.empty() && bone->limits.size() != bone->dof.size()) {
    report.Fail(end_line, fmt::format("bone '{}' has {} limits for {} dofs, expected one per dof",
                                      bone->name, bone->limits.size(), bone->dof.size()));
  }
  if (bone->length < 0.0) {
    report.Fail(end_line,
                fmt::format("bone '{}' has length {}, expected >= 0", bone->name, bone->length));
  }
  const double norm = bone->direction.norm();
  if (!(norm > 1e-12)) {
    report.Fail(end_line,
                fmt::format("bone '{}' has a zero direction, expected a unit vector", bone->name));
  }
  bone->direction /= norm;
}

enum class Section {
  kNone,
  kVersion,
  kName,
  kUnits,
  kDocumentation,
  kRoot,
  kBoneData,
  kHierarchy,
  kUnknown
};

Section SectionOf(std::string_view keyword) {
  const std::string lower = Lower(keyword);
  if (lower == ":version") return Section::kVersion;
  if (lower == ":name") return Section::kName;
  if (lower == ":units") return Section::kUnits;
  if (lower == ":documentation") return Section::kDocumentation;
  if (lower == ":root") return Section::kRoot;
  if (lower == ":bonedata") return Section::kBoneData;
  if (lower == ":hierarchy") return Section::kHierarchy;
  return Section::kUnknown;
}

// The :hierarchy lines ("parent child child ..."): sets every bone's parent
// and checks that the result is a tree hanging from the root.
void ParseHierarchy(const std::vector<const Line*>& lines,
                    int section_line,
                    const Reporter& report,
                    AsfSkeleton* skeleton) {
  std::unordered_map<std::string, int> index;
  for (size_t b = 0; b < skeleton->bones.size(); ++b) {
    index[skeleton->bones[b].name] = static_cast<int>(b);
  }
  auto find = [&](const Line& line, std::string_view token) {
    const std::string name = ToUtf8FromLatin1IfNeeded(token);
    if (Lower(name) == "root") return -1;
    const auto it = index.find(name);
    if (it == index.end()) {
      report.Fail(line.number, fmt::format("unknown bone '{}' in :hierarchy, expected root or a "
                                           "name from :bonedata",
                                           name));
    }
    return it->second;
  };
  std::vector<int> assigned_at(skeleton->bones.size(), 0);
  for (const Line* line : lines) {
    const int parent = find(*line, line->tokens[0]);
    for (size_t i = 1; i < line->tokens.size(); ++i) {
      const int child = find(*line, line->tokens[i]);
      if (child < 0) report.Fail(line->number, "root listed as a child, expected a bone name");
      AsfBone& bone = skeleton->bones[child];
      if (assigned_at[child] != 0) {
        report.Fail(line->number, fmt::format("bone '{}' already has a parent (line {}), "
                                              "expected one parent per bone",
                                              bone.name, assigned_at[child]));
      }
      assigned_at[child] = line->number;
      bone.parent = parent;
    }
  }
  // Every bone must be reached, and walking up must end at the root.
  const int num_bones = static_cast<int>(skeleton->bones.size());
  for (int b = 0; b < num_bones; ++b) {
    if (assigned_at[b] == 0) {
      report.Fail(section_line, fmt::format("bone '{}' is missing from :hierarchy, expected "
                                            "every bone as some parent's child",
                                            skeleton->bones[b].name));
    }
    int steps = 0;
    for (int p = skeleton->bones[b].parent; p >= 0; p = skeleton->bones[p].parent) {
      if (++steps > num_bones) {
        report.Fail(assigned_at[b], fmt::format("bone '{}' is in a parent cycle, expected a "
                                                "tree below root",
                                                skeleton->bones[b].name));
      }
    }
  }
}

}  // namespace

std::string ToUtf8FromLatin1IfNeeded(std::string_view bytes) {
  if (internal::IsValidUtf8(bytes)) return std::string(bytes);
  // Latin-1: byte value = code point; U+0080..U+00FF take two UTF-8 bytes.
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) internal::AppendUtf8(static_cast<unsigned char>(c), &out);
  return out;
}

std::string_view AsfDofName(AsfDof dof) { return kDofNames[static_cast<int>(dof)]; }

int AsfSkeleton::FindBone(std::string_view name) const {
  for (size_t b = 0; b < bones.size(); ++b) {
    if (bones[b].name == name) return static_cast<int>(b);
  }
  return -1;
}

std::vector<int> AsfSkeleton::Children(int bone) const {
  std::vector<int> children;
  for (size_t b = 0; b < bones.size(); ++b) {
    if (bones[b].parent == bone) children.push_back(static_cast<int>(b));
  }
  return children;
}

double AsfUnitMetres(const AsfSkeleton& skeleton) { return 0.0254 / skeleton.units.length; }

AsfSkeleton ParseAsf(std::string_view text, const std::string& source) {
  const Reporter report(source);
  const std::vector<Line> lines = SplitLines(text);
  AsfSkeleton skeleton;
  Section section = Section::kNone;
  bool has_root = false;
  bool has_hierarchy = false;
  int hierarchy_line = 0;
  std::vector<const Line*> hierarchy;

  // Bone block state: `in_bone` between begin and end.
  bool in_bone = false;
  int bone_begin = 0;
  AsfBone bone;
  bool limits_open = false;  // the last key was `limits`: "(a b)" lines continue it
  std::unordered_map<std::string, int> bone_lines;

  for (const Line& line : lines) {
    const std::string_view head = line.tokens[0];

    // A ':' keyword starts a new section (its value may follow on the line).
    if (head[0] == ':') {
      if (in_bone) {
        report.Fail(line.number, fmt::format("{} inside a bone block (begin at line {}), "
                                             "expected 'end'",
                                             Quote(head), bone_begin));
      }
      section = SectionOf(head);
      auto rest = [&] {
        std::string value;
        for (size_t i = 1; i < line.tokens.size(); ++i) {
          if (i > 1) value += ' ';
          value += line.tokens[i];
        }
        return ToUtf8FromLatin1IfNeeded(value);
      };
      if (section == Section::kVersion) skeleton.version = rest();
      if (section == Section::kName) skeleton.name = rest();
      if (section == Section::kRoot) has_root = true;
      if (section == Section::kHierarchy) {
        if (has_hierarchy) report.Fail(line.number, "second :hierarchy, expected one");
        has_hierarchy = true;
        hierarchy_line = line.number;
      }
      continue;
    }

    const std::string key = Lower(head);
    switch (section) {
      case Section::kNone:
        report.Fail(line.number, fmt::format("found {} before any section, expected a ':' "
                                             "keyword such as :version or :units",
                                             Quote(head)));
      case Section::kVersion:
      case Section::kName:
      case Section::kUnknown:
        // Extra lines of one-line or unknown sections (":skin", ...) are skipped.
        break;
      case Section::kDocumentation: {
        std::string text_line;
        for (size_t i = 0; i < line.tokens.size(); ++i) {
          if (i > 0) text_line += ' ';
          text_line += line.tokens[i];
        }
        if (!skeleton.documentation.empty()) skeleton.documentation += '\n';
        skeleton.documentation += ToUtf8FromLatin1IfNeeded(text_line);
        break;
      }
      case Section::kUnits:
        if (key == "mass") {
          report.ExpectTokenCount(line, 2, "a number");
          skeleton.units.mass = report.Number(line, 1, "units mass");
        } else if (key == "length") {
          report.ExpectTokenCount(line, 2, "a number");
          skeleton.units.length = report.Number(line, 1, "units length");
          if (skeleton.units.length <= 0.0) {
            report.Fail(line.number,
                        fmt::format("units length {}, expected > 0", skeleton.units.length));
          }
        } else if (key == "angle") {
          report.ExpectTokenCount(line, 2, "deg or rad");
          const std::string unit = Lower(line.tokens[1]);
          if (unit != "deg" && unit != "rad") {
            report.Fail(line.number,
                        fmt::format("angle unit {}, expected deg or rad", Quote(line.tokens[1])));
          }
          skeleton.units.angle_is_degrees = unit == "deg";
        }
        // Other unit keys (some exporters write `time`) carry nothing we use.
        break;
      case Section::kRoot:
        if (key == "order") {
          skeleton.root.order = ParseDofList(line, 1, report);
        } else if (key == "axis") {
          report.ExpectTokenCount(line, 2, "an axis order such as XYZ");
          skeleton.root.axis_order = ParseAxisOrder(line, line.tokens[1], report);
        } else if (key == "position") {
          skeleton.root.position = report.Vector3(line, "root position");
        } else if (key == "orientation") {
          skeleton.root.orientation = report.Vector3(line, "root orientation");
        } else {
          report.Fail(line.number, fmt::format("unknown :root key {}, expected order, axis, "
                                               "position or orientation",
                                               Quote(head)));
        }
        break;
      case Section::kBoneData:
        if (!in_bone) {
          if (key != "begin") {
            report.Fail(line.number,
                        fmt::format("found {} in :bonedata, expected 'begin'", Quote(head)));
          }
          in_bone = true;
          bone_begin = line.number;
          bone = AsfBone();
          limits_open = false;
          break;
        }
        if (head[0] == '(' && limits_open) {
          ParseLimits(line, 0, report, &bone.limits);
          break;
        }
        limits_open = false;
        if (key == "end") {
          FinishBone(&bone, bone_begin, line.number, report);
          const auto [it, inserted] = bone_lines.emplace(bone.name, bone_begin);
          if (!inserted) {
            report.Fail(bone_begin, fmt::format("second bone named '{}' (first at line {}), "
                                                "expected unique names",
                                                bone.name, it->second));
          }
          skeleton.bones.push_back(std::move(bone));
          in_bone = false;
        } else if (key == "begin") {
          report.Fail(line.number, fmt::format("found 'begin' inside the bone block begun at "
                                               "line {}, expected 'end'",
                                               bone_begin));
        } else if (key == "id") {
          report.ExpectTokenCount(line, 2, "an integer");
          int64_t id = 0;
          if (!ParseInt(line.tokens[1], &id) || id < 0 || id > std::numeric_limits<int>::max()) {
            report.Fail(line.number,
                        fmt::format("bone id {}, expected an integer >= 0", Quote(line.tokens[1])));
          }
          bone.id = static_cast<int>(id);
        } else if (key == "name") {
          report.ExpectTokenCount(line, 2, "one name");
          bone.name = ToUtf8FromLatin1IfNeeded(line.tokens[1]);
          if (Lower(bone.name) == "root") {
            report.Fail(line.number,
                        "a bone named 'root', expected another name (root is "
                        "the :root section)");
          }
        } else if (key == "direction") {
          bone.direction = report.Vector3(line, "direction");
        } else if (key == "length") {
          report.ExpectTokenCount(line, 2, "a number");
          bone.length = report.Number(line, 1, "length");
        } else if (key == "axis") {
          if (line.tokens.size() != 4 && line.tokens.size() != 5) {
            report.Fail(line.number, "axis needs 3 angles and an optional order such as XYZ");
          }
          bone.axis = report.Vector3(line, "axis");
          if (line.tokens.size() == 5) {
            bone.axis_order = ParseAxisOrder(line, line.tokens[4], report);
          }
        } else if (key == "dof") {
          bone.dof = ParseDofList(line, 1, report);
        } else if (key == "limits") {
          ParseLimits(line, 1, report, &bone.limits);
          limits_open = true;
        }
        // Other bone keys (bodymass, cofmass) carry nothing we use.
        break;
      case Section::kHierarchy:
        if (key == "begin" || key == "end") break;
        hierarchy.push_back(&line);
        break;
    }
  }

  // Whole-file checks.
  const int last_line = lines.empty() ? 1 : lines.back().number;
  if (in_bone) {
    report.Fail(last_line, fmt::format("file ends inside the bone block begun at line {}, "
                                       "expected 'end'",
                                       bone_begin));
  }
  if (!has_root) report.Fail(last_line, "no :root section, expected one");
  if (skeleton.root.order.empty()) {
    report.Fail(last_line, ":root has no 'order' line, expected e.g. 'order TX TY TZ RX RY RZ'");
  }
  if (!has_hierarchy) report.Fail(last_line, "no :hierarchy section, expected one");
  ParseHierarchy(hierarchy, hierarchy_line, report, &skeleton);
  return skeleton;
}

AsfSkeleton ReadAsf(const std::filesystem::path& path) {
  return ParseAsf(ReadFileToString(path), path.string());
}

Eigen::VectorXd AmcMotion::RootValues(int frame) const {
  INTERSYNTH_CHECK(frame >= 0 && frame < values.rows()) << "frame " << frame;
  INTERSYNTH_CHECK(column_offset.size() >= 2) << "AmcMotion without blocks";
  return values.row(frame).segment(column_offset[0], column_offset[1] - column_offset[0]);
}

Eigen::VectorXd AmcMotion::BoneValues(int bone, int frame) const {
  INTERSYNTH_CHECK(frame >= 0 && frame < values.rows()) << "frame " << frame;
  INTERSYNTH_CHECK(bone >= 0 && bone + 2 < static_cast<int>(column_offset.size()))
      << "bone " << bone;
  return values.row(frame).segment(column_offset[bone + 1],
                                   column_offset[bone + 2] - column_offset[bone + 1]);
}

AmcMotion ParseAmc(std::string_view text, const AsfSkeleton& skeleton, const std::string& source) {
  const Reporter report(source);

  // Column layout: root block, then one block per skeleton bone.
  AmcMotion motion;
  motion.degrees = skeleton.units.angle_is_degrees;
  const int num_blocks = static_cast<int>(skeleton.bones.size()) + 1;
  motion.bone_names.push_back("root");
  motion.column_offset.push_back(0);
  motion.column_offset.push_back(static_cast<int>(skeleton.root.order.size()));
  for (const AsfBone& bone : skeleton.bones) {
    motion.bone_names.push_back(bone.name);
    motion.column_offset.push_back(motion.column_offset.back() + static_cast<int>(bone.dof.size()));
  }
  const int num_columns = motion.NumColumns();
  std::unordered_map<std::string, int> block_of;
  for (int b = 0; b < num_blocks; ++b) block_of[motion.bone_names[b]] = b;

  std::vector<double> buffer;
  std::vector<int> seen_at(num_blocks, 0);  // line where a block was given in this frame
  int frame_line = 0;                       // line of the current frame number
  int64_t frame_number = 0;

  // Every bone with dofs must appear in the frame that just ended.
  auto finish_frame = [&] {
    if (frame_line == 0) return;
    for (int b = 0; b < num_blocks; ++b) {
      const int width = motion.column_offset[b + 1] - motion.column_offset[b];
      if (width > 0 && seen_at[b] == 0) {
        report.Fail(frame_line, fmt::format("frame {} lacks bone '{}', expected every bone with "
                                            "dofs in each frame",
                                            frame_number, motion.bone_names[b]));
      }
    }
  };

  for (const Line& line : SplitLines(text)) {
    const std::string_view head = line.tokens[0];

    // Header keywords come before the first frame.
    if (head[0] == ':') {
      if (frame_line != 0) {
        report.Fail(line.number, fmt::format("header {} after the first frame, expected it "
                                             "before",
                                             Quote(head)));
      }
      const std::string keyword = Upper(head);
      if (keyword == ":FULLY-SPECIFIED") motion.fully_specified = true;
      if (keyword == ":DEGREES") motion.degrees = true;
      if (keyword == ":RADIANS") motion.degrees = false;
      continue;
    }

    // A line with one integer starts a frame.
    int64_t number = 0;
    if (line.tokens.size() == 1 && ParseInt(head, &number)) {
      finish_frame();
      if (number < 0 || number >= std::numeric_limits<int>::max()) {
        report.Fail(line.number,
                    fmt::format("frame number {}, expected 0 <= number < 2^31 - 1", number));
      }
      if (frame_line == 0) {
        motion.first_frame = static_cast<int>(number);
      } else if (number != frame_number + 1) {
        report.Fail(line.number, fmt::format("frame number {} after {}, expected {}", number,
                                             frame_number, frame_number + 1));
      }
      frame_number = number;
      frame_line = line.number;
      std::fill(seen_at.begin(), seen_at.end(), 0);
      buffer.resize(buffer.size() + num_columns, 0.0);
      ++motion.num_frames;
      continue;
    }

    // A bone line: "<name> v1 v2 ...".
    const std::string name = ToUtf8FromLatin1IfNeeded(head);
    if (frame_line == 0) {
      report.Fail(line.number, fmt::format("bone line {} before the first frame number, "
                                           "expected a frame number",
                                           Quote(head)));
    }
    const auto it = block_of.find(name);
    if (it == block_of.end()) {
      report.Fail(line.number, fmt::format("unknown bone '{}', expected root or a bone of the "
                                           "skeleton",
                                           name));
    }
    const int block = it->second;
    if (seen_at[block] != 0) {
      report.Fail(line.number, fmt::format("bone '{}' given twice in frame {} (first at line "
                                           "{}), expected once",
                                           name, frame_number, seen_at[block]));
    }
    seen_at[block] = line.number;
    const int offset = motion.column_offset[block];
    const int width = motion.column_offset[block + 1] - offset;
    const int given = static_cast<int>(line.tokens.size()) - 1;
    if (given != width) {
      report.Fail(line.number, fmt::format("bone '{}' has {} values, expected {} (its dofs)", name,
                                           given, width));
    }
    double* row = buffer.data() + (buffer.size() - num_columns);
    for (int k = 0; k < width; ++k) {
      row[offset + k] = report.Number(
          line, k + 1, fmt::format("frame {} bone '{}' value {}", frame_number, name, k));
    }
  }
  finish_frame();
  if (motion.num_frames == 0) {
    report.Fail(1, "no frames, expected at least one frame number line followed by bone lines");
  }

  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  motion.values = Eigen::Map<const RowMajor>(buffer.data(), motion.num_frames, num_columns);
  return motion;
}

AmcMotion ReadAmc(const std::filesystem::path& path, const AsfSkeleton& skeleton) {
  return ParseAmc(ReadFileToString(path), skeleton, path.string());
}

}  // namespace intersynth
