#include "intersynth/io/bvh.h"

#include <fmt/format.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "intersynth/io/asf_amc.h"
#include "intersynth/io/text_parse.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

constexpr std::array<std::string_view, 6> kChannelNames = {"Xposition", "Yposition", "Zposition",
                                                           "Xrotation", "Yrotation", "Zrotation"};

constexpr double kPi = 3.14159265358979323846;

using internal::FailAtLine;
using internal::ForEachToken;
using internal::IsBlank;
using internal::IsBlankLine;
using internal::LineReader;
using internal::ParseDouble;
using internal::ParseInt;
using internal::QuoteToken;

struct Token {
  std::string_view text;
  int line = 0;
};

// Appends the whitespace-separated tokens of `line` to `tokens`.
void Tokenize(std::string_view line, int line_number, std::vector<Token>* tokens) {
  ForEachToken(line, [&](std::string_view token) { tokens->push_back({token, line_number}); });
}

// Recursive-descent reader of the HIERARCHY section (iterative with an
// explicit stack so that hostile nesting cannot overflow the call stack).
class HierarchyParser {
 public:
  HierarchyParser(const std::vector<Token>& tokens, const std::string& source, int motion_line)
      : tokens_(tokens), source_(source), motion_line_(motion_line) {}

  std::vector<BvhJoint> Parse() {
    // The section starts with HIERARCHY and exactly one ROOT block.
    if (AtEnd() || tokens_[next_].text != "HIERARCHY") {
      Fail(AtEnd() ? LastLine() : tokens_[next_].line,
           fmt::format("expected HIERARCHY, found {}", AtEnd() ? "nothing" : Describe(Peek())));
    }
    ++next_;
    if (AtEnd() || tokens_[next_].text != "ROOT") {
      Fail(AtEnd() ? LastLine() : Peek().line,
           fmt::format("expected ROOT after HIERARCHY, found {}",
                       AtEnd() ? "nothing" : Describe(Peek())));
    }
    const Token root_keyword = tokens_[next_++];
    OpenJoint(root_keyword, -1, /*end_site=*/false);

    // Each loop step consumes one statement of the innermost open block.
    while (!open_.empty()) {
      // `block` and `joint` are not used after OpenJoint (which grows both vectors).
      OpenBlock& block = open_.back();
      if (AtEnd()) {
        Fail(LastLine(), fmt::format("expected '}}' closing {} (opened at line {}) before {}",
                                     BlockName(block.joint), block.line, EndDescription()));
      }
      const Token token = tokens_[next_++];
      BvhJoint& joint = joints_[block.joint];
      if (token.text == "OFFSET") {
        ParseOffset(token, block);
      } else if (token.text == "CHANNELS") {
        ParseChannels(token, block);
      } else if (token.text == "JOINT") {
        if (joint.is_end_site) {
          Fail(token.line, fmt::format("JOINT inside {}: an End Site cannot have children",
                                       BlockName(block.joint)));
        }
        OpenJoint(token, block.joint, /*end_site=*/false);
      } else if (token.text == "End") {
        if (AtEnd() || Peek().text != "Site" || Peek().line != token.line) {
          Fail(token.line, "expected 'End Site'");
        }
        ++next_;
        if (joint.is_end_site) {
          Fail(token.line, fmt::format("End Site inside {}: an End Site cannot have children",
                                       BlockName(block.joint)));
        }
        OpenJoint(token, block.joint, /*end_site=*/true);
      } else if (token.text == "}") {
        if (!block.has_offset) {
          Fail(token.line, fmt::format("{} (opened at line {}) has no OFFSET, expected one",
                                       BlockName(block.joint), block.line));
        }
        open_.pop_back();
      } else if (token.text == "ROOT") {
        Fail(token.line, "second ROOT inside the hierarchy; expected JOINT, End Site or '}'");
      } else {
        Fail(token.line,
             fmt::format("unexpected {} in {}, expected OFFSET, CHANNELS, JOINT, End Site or '}}'",
                         QuoteToken(token.text), BlockName(block.joint)));
      }
    }

    // Only MOTION may follow the root's closing brace.
    if (!AtEnd()) {
      const Token& token = Peek();
      if (token.text == "ROOT") {
        Fail(token.line, "second ROOT: only one ROOT (one skeleton) per file is supported");
      }
      Fail(token.line, fmt::format("unexpected {} after the ROOT block, expected MOTION",
                                   QuoteToken(token.text)));
    }
    if (motion_line_ < 0) Fail(LastLine(), "file ends after the hierarchy, expected MOTION");
    return std::move(joints_);
  }

 private:
  struct OpenBlock {
    int joint = 0;
    int line = 0;
    bool has_offset = false;
    bool has_channels = false;
  };

  bool AtEnd() const { return next_ >= tokens_.size(); }
  const Token& Peek() const { return tokens_[next_]; }
  int LastLine() const {
    if (motion_line_ >= 0) return motion_line_;
    return tokens_.empty() ? 1 : tokens_.back().line;
  }
  std::string EndDescription() const {
    return motion_line_ >= 0 ? fmt::format("MOTION at line {}", motion_line_)
                             : std::string("the end of the file");
  }
  std::string Describe(const Token& token) const {
    return fmt::format("{} at line {}", QuoteToken(token.text), token.line);
  }
  std::string BlockName(int joint) const {
    const BvhJoint& j = joints_[joint];
    if (j.is_end_site) return fmt::format("the End Site of '{}'", joints_[j.parent].name);
    return fmt::format("{} '{}'", j.parent < 0 ? "ROOT" : "JOINT", j.name);
  }

  [[noreturn]] void Fail(int line, const std::string& what) const {
    FailAtLine(source_, line, what);
  }

  // ROOT / JOINT <name> or End Site, then '{'. The name is the rest of the
  // line (names with spaces survive), minus a '{' written on the same line.
  void OpenJoint(const Token& keyword, int parent, bool end_site) {
    BvhJoint joint;
    joint.parent = parent;
    joint.is_end_site = end_site;
    if (end_site) {
      joint.name = UniqueEndSiteName(joints_[parent].name);
    } else {
      size_t end = next_;
      while (end < tokens_.size() && tokens_[end].line == keyword.line) ++end;
      if (end > next_ && tokens_[end - 1].text == "{") --end;
      if (end == next_) {
        Fail(keyword.line, fmt::format("expected a joint name after {}", keyword.text));
      }
      std::string name;
      for (size_t i = next_; i < end; ++i) {
        if (i > next_) name += ' ';
        name += tokens_[i].text;
      }
      next_ = end;
      joint.name = ToUtf8FromLatin1IfNeeded(name);
      if (FindName(joint.name) >= 0) {
        Fail(keyword.line,
             fmt::format("duplicate joint name '{}', expected unique names", joint.name));
      }
    }
    if (AtEnd() || Peek().text != "{") {
      Fail(AtEnd() ? LastLine() : Peek().line,
           fmt::format("expected '{{' after {} {}, found {}", keyword.text,
                       end_site ? "Site" : QuoteToken(joint.name),
                       AtEnd() ? "nothing" : QuoteToken(Peek().text)));
    }
    ++next_;
    joints_.push_back(std::move(joint));
    open_.push_back({static_cast<int>(joints_.size()) - 1, keyword.line, false, false});
  }

  int FindName(std::string_view name) const {
    for (size_t i = 0; i < joints_.size(); ++i) {
      if (joints_[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  // "<parent>_End", or "<parent>_End2", "_End3", ... when taken.
  std::string UniqueEndSiteName(const std::string& parent_name) const {
    std::string name = parent_name + "_End";
    for (int k = 2; FindName(name) >= 0; ++k) name = fmt::format("{}_End{}", parent_name, k);
    return name;
  }

  double ReadNumber(const Token& keyword, const char* what) {
    if (AtEnd() || Peek().line != keyword.line) {
      Fail(keyword.line, fmt::format("{} ends early, expected {}", keyword.text, what));
    }
    const Token& token = tokens_[next_++];
    return internal::ParseFiniteNumber(token.text, what, source_, token.line);
  }

  void ParseOffset(const Token& keyword, OpenBlock& block) {
    if (block.has_offset) Fail(keyword.line, "second OFFSET in one block, expected one");
    block.has_offset = true;
    Eigen::Vector3d& offset = joints_[block.joint].offset;
    offset.x() = ReadNumber(keyword, "OFFSET x");
    offset.y() = ReadNumber(keyword, "OFFSET y");
    offset.z() = ReadNumber(keyword, "OFFSET z");
    // A fourth number is a mistake; a keyword on the same line is fine.
    double extra = 0.0;
    if (!AtEnd() && Peek().line == keyword.line && ParseDouble(Peek().text, &extra)) {
      Fail(keyword.line, fmt::format("OFFSET has more than 3 numbers ({}), expected x y z",
                                     QuoteToken(Peek().text)));
    }
  }

  // CHANNELS <n> <name>...: n must be 0, 3 or 6 and match the names listed.
  void ParseChannels(const Token& keyword, OpenBlock& block) {
    BvhJoint& joint = joints_[block.joint];
    if (joint.is_end_site) {
      Fail(keyword.line, "CHANNELS inside an End Site, expected only OFFSET");
    }
    if (block.has_channels) Fail(keyword.line, "second CHANNELS in one block, expected one");
    block.has_channels = true;
    if (AtEnd() || Peek().line != keyword.line) {
      Fail(keyword.line, "CHANNELS without a count, expected 0, 3 or 6 and the channel names");
    }
    const Token& count_token = tokens_[next_++];
    int64_t count = 0;
    if (!ParseInt(count_token.text, &count) || (count != 0 && count != 3 && count != 6)) {
      Fail(keyword.line,
           fmt::format("CHANNELS count {}, expected 0, 3 or 6", QuoteToken(count_token.text)));
    }
    // The names follow on the same line.
    size_t end = next_;
    while (end < tokens_.size() && tokens_[end].line == keyword.line) ++end;
    if (end > next_ && tokens_[end - 1].text == "}") --end;  // "CHANNELS 0 }" style
    const int64_t listed = static_cast<int64_t>(end - next_);
    if (listed != count) {
      Fail(keyword.line, fmt::format("CHANNELS says {} but lists {} names", count, listed));
    }
    for (; next_ < end; ++next_) {
      const std::string_view name = tokens_[next_].text;
      const auto it = std::find(kChannelNames.begin(), kChannelNames.end(), name);
      if (it == kChannelNames.end()) {
        Fail(keyword.line, fmt::format("unknown channel name {}, expected one of Xposition, "
                                       "Yposition, Zposition, Xrotation, Yrotation, Zrotation",
                                       QuoteToken(name)));
      }
      const auto channel = static_cast<BvhChannel>(it - kChannelNames.begin());
      if (std::find(joint.channels.begin(), joint.channels.end(), channel) !=
          joint.channels.end()) {
        Fail(keyword.line,
             fmt::format("channel {} listed twice, expected distinct channels", name));
      }
      joint.channels.push_back(channel);
    }
  }

  const std::vector<Token>& tokens_;
  const std::string& source_;
  const int motion_line_;  // -1 when the file has no MOTION line
  size_t next_ = 0;
  std::vector<BvhJoint> joints_;
  std::vector<OpenBlock> open_;
};

// The line without any whitespace ("Frame Time:\t0.03" -> "FrameTime:0.03").
std::string Squeeze(std::string_view line) {
  std::string out;
  for (char c : line) {
    if (!IsBlank(c)) out += c;
  }
  return out;
}

// Names the channel behind column `column` for error messages.
std::string DescribeColumn(const BvhMotion& motion, const std::vector<int>& offsets, int column) {
  const auto it = std::upper_bound(offsets.begin(), offsets.end(), column);
  const int joint = static_cast<int>(it - offsets.begin()) - 1;
  if (joint < 0 || joint >= static_cast<int>(motion.joints.size())) return "";
  const BvhJoint& j = motion.joints[joint];
  return fmt::format(" (joint '{}' {})", j.name,
                     BvhChannelName(j.channels[column - offsets[joint]]));
}

// Appends `value` in the writer's number format; "-0.000000" becomes "0.000000".
// std::to_chars: correctly rounded, locale-free, and several times faster
// than a format string per number.
void AppendNumber(double value, int decimals, fmt::memory_buffer* out) {
  char text[400];  // %.20f of the largest double needs 330 characters
  const auto [end, ec] = decimals < 0 ? std::to_chars(text, text + sizeof(text), value)
                                      : std::to_chars(text, text + sizeof(text), value,
                                                      std::chars_format::fixed, decimals);
  INTERSYNTH_CHECK(ec == std::errc()) << "to_chars failed for " << value;
  // A negative number that prints as zero: drop the sign so that 0, -0 and
  // -1e-9 give the same bytes.
  const char* begin = text;
  if (text[0] == '-' && std::all_of(text + 1, end, [](char c) { return c == '0' || c == '.'; })) {
    ++begin;
  }
  out->append(begin, end);
}

// Preconditions of the per-joint queries: both indices in range.
void CheckJointAndFrame(const BvhMotion& motion, int joint, int frame) {
  INTERSYNTH_CHECK(joint >= 0 && joint < static_cast<int>(motion.joints.size()))
      << "joint " << joint << " of " << motion.joints.size();
  INTERSYNTH_CHECK(frame >= 0 && frame < motion.values.rows())
      << "frame " << frame << " of " << motion.values.rows();
}

void CheckWritableName(const BvhJoint& joint, int index) {
  if (joint.name.empty() && !joint.is_end_site) {
    throw Error(fmt::format("cannot write BVH: joint {} has an empty name", index));
  }
  for (char c : joint.name) {
    if (c == '\n' || c == '\r' || c == '{' || c == '}') {
      throw Error(fmt::format("cannot write BVH: joint name '{}' contains a line break or brace",
                              joint.name));
    }
  }
}

}  // namespace

std::string_view BvhChannelName(BvhChannel channel) {
  return kChannelNames[static_cast<int>(channel)];
}

bool IsBvhRotationChannel(BvhChannel channel) {
  return channel == BvhChannel::kXrotation || channel == BvhChannel::kYrotation ||
         channel == BvhChannel::kZrotation;
}

int BvhChannelAxis(BvhChannel channel) { return static_cast<int>(channel) % 3; }

int BvhMotion::NumChannels() const {
  int total = 0;
  for (const BvhJoint& joint : joints) total += static_cast<int>(joint.channels.size());
  return total;
}

int BvhMotion::NumJointsWithoutEndSites() const {
  return static_cast<int>(std::count_if(joints.begin(), joints.end(),
                                        [](const BvhJoint& j) { return !j.is_end_site; }));
}

int BvhMotion::ChannelOffset(int joint) const {
  INTERSYNTH_CHECK(joint >= 0 && joint < static_cast<int>(joints.size()))
      << "joint " << joint << " of " << joints.size();
  int offset = 0;
  for (int j = 0; j < joint; ++j) offset += static_cast<int>(joints[j].channels.size());
  return offset;
}

std::vector<int> BvhMotion::ChannelOffsets() const {
  std::vector<int> offsets(joints.size() + 1, 0);
  for (size_t j = 0; j < joints.size(); ++j) {
    offsets[j + 1] = offsets[j] + static_cast<int>(joints[j].channels.size());
  }
  return offsets;
}

int BvhMotion::FindJoint(std::string_view name) const {
  for (size_t j = 0; j < joints.size(); ++j) {
    if (joints[j].name == name) return static_cast<int>(j);
  }
  return -1;
}

BvhMotion ParseBvh(std::string_view text, const std::string& source) {
  // A UTF-8 byte-order mark is not part of the first keyword.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  // Tokenize the hierarchy: every line up to the one that starts with MOTION.
  LineReader lines(text);
  std::vector<Token> tokens;
  std::string_view line;
  int motion_line = -1;
  while (lines.Next(&line)) {
    const size_t before = tokens.size();
    Tokenize(line, lines.line_number(), &tokens);
    if (tokens.size() > before && tokens[before].text == "MOTION") {
      if (tokens.size() > before + 1) {
        FailAtLine(source, lines.line_number(),
                   fmt::format("unexpected {} after MOTION, expected a line break",
                               QuoteToken(tokens[before + 1].text)));
      }
      tokens.resize(before);
      motion_line = lines.line_number();
      break;
    }
  }

  BvhMotion motion;
  motion.joints = HierarchyParser(tokens, source, motion_line).Parse();
  tokens.clear();

  // The two header lines of the MOTION section. From here on every error
  // names the line last read.
  auto next_nonblank = [&](const char* what) {
    while (lines.Next(&line)) {
      if (!IsBlankLine(line)) return Squeeze(line);
    }
    FailAtLine(source, lines.line_number(),
               fmt::format("file ends after MOTION, expected {}", what));
  };
  const std::string frames_line = next_nonblank("'Frames: <count>'");
  int64_t num_frames = 0;
  if (frames_line.rfind("Frames:", 0) != 0) {
    FailAtLine(source, lines.line_number(),
               fmt::format("found {}, expected 'Frames: <count>'", QuoteToken(frames_line)));
  }
  if (!ParseInt(std::string_view(frames_line).substr(7), &num_frames) || num_frames < 0 ||
      num_frames > std::numeric_limits<int>::max()) {
    FailAtLine(source, lines.line_number(),
               fmt::format("Frames: {}, expected a count >= 0", QuoteToken(frames_line.substr(7))));
  }
  const std::string time_line = next_nonblank("'Frame Time: <seconds>'");
  if (time_line.rfind("FrameTime:", 0) != 0) {
    FailAtLine(source, lines.line_number(),
               fmt::format("found {}, expected 'Frame Time: <seconds>'", QuoteToken(time_line)));
  }
  const std::string time_text = time_line.substr(10);
  if (!ParseDouble(time_text, &motion.frame_time) || !std::isfinite(motion.frame_time) ||
      motion.frame_time <= 0.0) {
    FailAtLine(
        source, lines.line_number(),
        fmt::format("Frame Time {}, expected a number of seconds > 0", QuoteToken(time_text)));
  }
  motion.num_frames = static_cast<int>(num_frames);

  // Frame lines: one per frame, exactly NumChannels() numbers each. The
  // buffer grows with the lines actually present, so a huge Frames: count
  // in a short file costs nothing before it is reported.
  const int num_channels = motion.NumChannels();
  const std::vector<int> offsets = motion.ChannelOffsets();
  std::vector<double> buffer;
  int frame = 0;
  while (frame < motion.num_frames && lines.Next(&line)) {
    if (IsBlankLine(line)) continue;
    buffer.resize(buffer.size() + num_channels);
    double* row = buffer.data() + static_cast<size_t>(frame) * num_channels;
    // Values past the expected count are only counted, for the message below.
    int count = 0;
    ForEachToken(line, [&](std::string_view token) {
      if (count < num_channels) {
        double value = 0.0;
        if (!ParseDouble(token, &value)) {
          FailAtLine(source, lines.line_number(),
                     fmt::format("frame {}, value {}{}: expected a number, found {}", frame, count,
                                 DescribeColumn(motion, offsets, count), QuoteToken(token)));
        }
        if (!std::isfinite(value)) {
          FailAtLine(source, lines.line_number(),
                     fmt::format("frame {}, value {}{} is {}, expected a finite number", frame,
                                 count, DescribeColumn(motion, offsets, count), token));
        }
        row[count] = value;
      }
      ++count;
    });
    if (count != num_channels) {
      FailAtLine(source, lines.line_number(),
                 fmt::format("frame {} has {} values, expected {} ({} joints' channels)", frame,
                             count, num_channels, motion.NumJointsWithoutEndSites()));
    }
    ++frame;
  }
  if (frame < motion.num_frames) {
    FailAtLine(source, lines.line_number(),
               fmt::format("expected {} frames, file ends after {}", motion.num_frames, frame));
  }
  // Anything but blank lines after the last frame means Frames: is wrong.
  while (lines.Next(&line)) {
    if (!IsBlankLine(line)) {
      FailAtLine(source, lines.line_number(),
                 fmt::format("more frame lines than 'Frames: {}' declares", motion.num_frames));
    }
  }

  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  motion.values = Eigen::Map<const RowMajor>(buffer.data(), motion.num_frames, num_channels);
  return motion;
}

BvhMotion ReadBvh(const std::filesystem::path& path) {
  return ParseBvh(ReadFileToString(path), path.string());
}

void BvhWriteOptions::Check() const {
  if (decimals < -1 || decimals > 20) {
    throw OptionError(
        fmt::format("{{decimals}} must be -1 (shortest) or in [0, 20], got {}", decimals));
  }
}

std::string SerializeBvh(const BvhMotion& motion, const BvhWriteOptions& options) {
  options.Check();
  const int num_joints = static_cast<int>(motion.joints.size());
  const int num_channels = motion.NumChannels();

  // Check what the reader would reject, so that every written file reads back.
  if (num_joints == 0) throw Error("cannot write BVH: the motion has no joints");
  if (motion.values.rows() != motion.num_frames || motion.values.cols() != num_channels) {
    throw Error(
        fmt::format("cannot write BVH: values are {}x{}, expected {}x{} (frames x "
                    "channels)",
                    motion.values.rows(), motion.values.cols(), motion.num_frames, num_channels));
  }
  if (!std::isfinite(motion.frame_time) || motion.frame_time <= 0.0) {
    throw Error(fmt::format("cannot write BVH: frame time {}, expected > 0", motion.frame_time));
  }
  std::vector<std::vector<int>> children(num_joints);
  for (int j = 0; j < num_joints; ++j) {
    const BvhJoint& joint = motion.joints[j];
    CheckWritableName(joint, j);
    if ((j == 0) != (joint.parent < 0) || joint.parent >= j) {
      throw Error(
          fmt::format("cannot write BVH: joint '{}' has parent {}, expected the root "
                      "first and every parent before its children",
                      joint.name, joint.parent));
    }
    const size_t n = joint.channels.size();
    if (n != 0 && n != 3 && n != 6) {
      throw Error(fmt::format("cannot write BVH: joint '{}' has {} channels, expected 0, 3 or 6",
                              joint.name, n));
    }
    if (joint.is_end_site && (n != 0 || j == 0)) {
      throw Error(
          fmt::format("cannot write BVH: End Site '{}' must have a parent and no "
                      "channels",
                      joint.name));
    }
    if (!joint.offset.allFinite()) {
      throw Error(fmt::format("cannot write BVH: joint '{}' has a non-finite OFFSET", joint.name));
    }
    if (j > 0) {
      if (motion.joints[joint.parent].is_end_site) {
        throw Error(fmt::format("cannot write BVH: joint '{}' is a child of End Site '{}'",
                                joint.name, motion.joints[joint.parent].name));
      }
      children[joint.parent].push_back(j);
    }
  }
  if (!motion.values.allFinite()) {
    throw Error("cannot write BVH: values contain NaN or infinity");
  }

  // HIERARCHY: a pre-order walk. It must visit the joints in index order,
  // otherwise the value columns would not match the written channel order.
  fmt::memory_buffer out;
  auto put = [&out](std::string_view s) { out.append(s.data(), s.data() + s.size()); };
  put("HIERARCHY\n");
  struct Visit {
    int joint;
    bool closing;
  };
  std::vector<Visit> stack = {{0, false}};
  int expected_next = 0;
  while (!stack.empty()) {
    const Visit visit = stack.back();
    stack.pop_back();
    const BvhJoint& joint = motion.joints[visit.joint];
    int depth = 0;
    for (int p = joint.parent; p >= 0; p = motion.joints[p].parent) ++depth;
    const std::string indent(depth, '\t');
    if (visit.closing) {
      put(indent);
      put("}\n");
      continue;
    }
    if (visit.joint != expected_next++) {
      throw Error(
          fmt::format("cannot write BVH: joint '{}' is at index {}, expected the "
                      "depth-first file order",
                      joint.name, visit.joint));
    }
    put(indent);
    if (joint.is_end_site) {
      put("End Site");
    } else {
      put(visit.joint == 0 ? "ROOT " : "JOINT ");
      put(joint.name);
    }
    put("\n");
    put(indent);
    put("{\n");
    put(indent);
    put("\tOFFSET");
    for (int k = 0; k < 3; ++k) {
      put(" ");
      AppendNumber(joint.offset[k], options.decimals, &out);
    }
    put("\n");
    if (!joint.is_end_site) {
      put(indent);
      fmt::format_to(std::back_inserter(out), "\tCHANNELS {}", joint.channels.size());
      for (BvhChannel channel : joint.channels) {
        put(" ");
        put(BvhChannelName(channel));
      }
      put("\n");
    }
    stack.push_back({visit.joint, true});
    const std::vector<int>& kids = children[visit.joint];
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back({*it, false});
  }

  // MOTION: header, then one line per frame.
  fmt::format_to(std::back_inserter(out), "MOTION\nFrames: {}\nFrame Time: {}\n", motion.num_frames,
                 motion.frame_time);
  for (int f = 0; f < motion.num_frames; ++f) {
    for (int c = 0; c < num_channels; ++c) {
      if (c > 0) put(" ");
      AppendNumber(motion.values(f, c), options.decimals, &out);
    }
    put("\n");
  }
  return fmt::to_string(out);
}

void WriteBvh(const std::filesystem::path& path,
              const BvhMotion& motion,
              const BvhWriteOptions& options) {
  WriteFileAtomic(path, SerializeBvh(motion, options));
}

Eigen::Matrix3d BvhJointRotation(const BvhMotion& motion, int joint, int frame) {
  CheckJointAndFrame(motion, joint, frame);
  // R = R_c0(a0) * R_c1(a1) * R_c2(a2): listed order, intrinsic axes. Each
  // factor is exact for any angle (no gimbal-lock issue in this direction).
  const int offset = motion.ChannelOffset(joint);
  const std::vector<BvhChannel>& channels = motion.joints[joint].channels;
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();
  for (size_t k = 0; k < channels.size(); ++k) {
    if (!IsBvhRotationChannel(channels[k])) continue;
    const double radians = motion.values(frame, offset + static_cast<int>(k)) * (kPi / 180.0);
    const Eigen::Vector3d axis = Eigen::Vector3d::Unit(BvhChannelAxis(channels[k]));
    rotation = rotation * Eigen::AngleAxisd(radians, axis).toRotationMatrix();
  }
  return rotation;
}

Eigen::Vector3d BvhJointTranslation(const BvhMotion& motion, int joint, int frame) {
  CheckJointAndFrame(motion, joint, frame);
  // t = OFFSET, with each listed position channel replacing its component.
  const int offset = motion.ChannelOffset(joint);
  const std::vector<BvhChannel>& channels = motion.joints[joint].channels;
  Eigen::Vector3d translation = motion.joints[joint].offset;
  for (size_t k = 0; k < channels.size(); ++k) {
    if (IsBvhRotationChannel(channels[k])) continue;
    translation[BvhChannelAxis(channels[k])] = motion.values(frame, offset + static_cast<int>(k));
  }
  return translation;
}

}  // namespace intersynth
