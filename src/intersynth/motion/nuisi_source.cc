#include "intersynth/motion/nuisi_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <sstream>

#include "intersynth/body/joint_map.h"
#include "intersynth/body/joint_positions.h"
#include "intersynth/body/retarget.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/statistics.h"

namespace intersynth {
namespace fs = std::filesystem;
namespace {

using Vec3 = Vector3<double>;
using Mat3 = Matrix3<double>;
constexpr int kN = kNuitrackNumJoints;
constexpr int kJ = kSmpl22NumJoints;
constexpr int kFieldsPerJoint = 8;

// Nuitrack joint indices the placement reads.
constexpr int kNuiNeck = 2;
constexpr int kNuiWaist = 4;
constexpr int kNuiLeftShoulder = 6;
constexpr int kNuiLeftHand = 9;
constexpr int kNuiRightShoulder = 12;
constexpr int kNuiRightHand = 15;
constexpr int kNuiLeftHip = 17;
constexpr int kNuiRightHip = 21;

// Gap between two touching fist centres (two half fists), and between the
// hand joints of two clasped hands, metres.
constexpr double kFistGap = 0.08;
constexpr double kHandshakeGap = 0.05;
// Pelvis distance for actions without contact, metres.
constexpr double kNoContactDistance = 1.6;
// Fill: unit direction from ankle to toe joint in the person's facing frame
// (forward, and down to the toes' height), and its default length for a
// 1.7 m person (SMPL-like proportions).
constexpr double kDefaultFootLength = 0.14;

// One line split at commas into numbers. Throws naming file and line.
std::vector<double> ParseLine(const std::string& line, const std::string& source, int number) {
  std::vector<double> fields;
  size_t start = 0;
  while (start <= line.size()) {
    size_t end = line.find(',', start);
    if (end == std::string::npos) end = line.size();
    const std::string field = line.substr(start, end - start);
    char* stop = nullptr;
    const double value = std::strtod(field.c_str(), &stop);
    if (field.empty() || stop != field.c_str() + field.size() || !std::isfinite(value)) {
      throw Error(fmt::format("{}:{}: field {} ('{}') is not a finite number", source, number,
                              fields.size() + 1, field));
    }
    fields.push_back(value);
    start = end + 1;
  }
  return fields;
}

struct PersonLines {
  std::vector<int> index;
  std::vector<double> time_ms;
  std::vector<bool> has_skeleton;
  std::vector<std::vector<double>> values;  // 200 per tracked line, else empty
};

PersonLines ReadPersonFile(const fs::path& path) {
  const std::string text = ReadFileToString(path);
  PersonLines lines;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<double> fields = ParseLine(line, path.string(), number);
    const bool tracked = fields.size() == 3 + kN * kFieldsPerJoint;
    if (fields.size() != 3 && !tracked) {
      throw Error(
          fmt::format("{}:{}: expected 3 fields (untracked) or {} (25 joints x 8), found {}",
                      path.string(), number, 3 + kN * kFieldsPerJoint, fields.size()));
    }
    const int declared = static_cast<int>(fields[2]);
    if ((tracked && declared != kN) || (!tracked && declared != 0)) {
      throw Error(fmt::format("{}:{}: joint count {} does not match the {} fields of the line",
                              path.string(), number, fields[2], fields.size()));
    }
    lines.index.push_back(static_cast<int>(fields[0]));
    lines.time_ms.push_back(fields[1]);
    lines.has_skeleton.push_back(tracked);
    lines.values.emplace_back(tracked ? std::vector<double>(fields.begin() + 3, fields.end())
                                      : std::vector<double>());
  }
  return lines;
}

Vec3 At(const std::vector<double>& positions, int t, int joint, int joints_per_frame) {
  const double* p = positions.data() + (static_cast<size_t>(t) * joints_per_frame + joint) * 3;
  return Vec3(p[0], p[1], p[2]);
}

// Componentwise median of vectors.
Vec3 MedianVector(const std::vector<Vec3>& vectors) {
  Vec3 out;
  for (int c = 0; c < 3; ++c) {
    std::vector<double> values;
    values.reserve(vectors.size());
    for (const Vec3& v : vectors) values.push_back(v[c]);
    out[c] = Median(values);
  }
  return out;
}

// R_y(yaw): the rotation taking +Z to (sin yaw, 0, cos yaw).
Mat3 RotationY(double yaw) {
  Mat3 r;
  r << std::cos(yaw), 0, std::sin(yaw), 0, 1, 0, -std::sin(yaw), 0, std::cos(yaw);
  return r;
}

// Facing yaw from hips and shoulders of one frame (left - right across,
// forward = across x up); nullopt-like NaN when degenerate.
double FacingYaw(const Vec3& left_hip,
                 const Vec3& right_hip,
                 const Vec3& left_shoulder,
                 const Vec3& right_shoulder) {
  const Vec3 across = (left_hip - right_hip) + (left_shoulder - right_shoulder);
  const Vec3 forward = across.cross(Vec3::UnitY());
  if (std::hypot(forward.x(), forward.z()) < 1e-9) return std::numeric_limits<double>::quiet_NaN();
  return std::atan2(forward.x(), forward.z());
}

// One person's Nuitrack joints as NamedJointPositions (untracked = NaN).
NamedJointPositions ToNamed(const std::vector<double>& positions,
                            const std::vector<uint8_t>& tracked,
                            int num_frames) {
  NamedJointPositions named;
  for (std::string_view name : kNuitrackJointNames) named.names.emplace_back(name);
  named.parents.assign(kN, -1);
  named.num_frames = num_frames;
  named.positions = positions;
  for (size_t i = 0; i < tracked.size(); ++i) {
    if (!tracked[i]) {
      for (int c = 0; c < 3; ++c)
        named.positions[i * 3 + c] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return named;
}

// Which smpl22 joints are valid at each frame: every source joint read tracked.
std::vector<uint8_t> Smpl22Validity(const std::vector<uint8_t>& tracked,
                                    int num_frames,
                                    const JointMap& map) {
  auto index_of = [&](const std::string& name) {
    const auto it = std::find(kNuitrackJointNames.begin(), kNuitrackJointNames.end(), name);
    if (it == kNuitrackJointNames.end()) {
      throw Error(fmt::format("{}: joint '{}' is not a Nuitrack joint name", map.source, name));
    }
    return static_cast<int>(it - kNuitrackJointNames.begin());
  };
  std::vector<uint8_t> valid(static_cast<size_t>(num_frames) * kJ, 0);
  for (int j = 0; j < kJ; ++j) {
    const int a = index_of(map.targets[j].a);
    const int b = map.targets[j].interpolated() ? index_of(map.targets[j].b) : a;
    for (int t = 0; t < num_frames; ++t) {
      const uint8_t* row = tracked.data() + static_cast<size_t>(t) * kN;
      valid[static_cast<size_t>(t) * kJ + j] = row[a] && row[b];
    }
  }
  return valid;
}

// Fills invalid joints parent-first with a standing pose (file comment, step 2).
void FillUntracked(std::vector<float>& joints, const std::vector<uint8_t>& valid, int num_frames) {
  // Median tracked length of each bone; the mirror bone's, then a default.
  std::array<double, kJ> length{};
  std::array<bool, kJ> known{};
  for (int j = 1; j < kJ; ++j) {
    const int parent = kSmpl22Parents[j];
    std::vector<double> lengths;
    for (int t = 0; t < num_frames; ++t) {
      const size_t row = static_cast<size_t>(t) * kJ;
      if (!valid[row + j] || !valid[row + parent]) continue;
      const float* a = joints.data() + (row + j) * 3;
      const float* b = joints.data() + (row + parent) * 3;
      lengths.push_back(std::sqrt(double(a[0] - b[0]) * (a[0] - b[0]) +
                                  double(a[1] - b[1]) * (a[1] - b[1]) +
                                  double(a[2] - b[2]) * (a[2] - b[2])));
    }
    if (lengths.size() >= 10) {
      length[j] = Median(lengths);
      known[j] = true;
    }
  }
  // Body scale for defaults: shin length relative to SMPL's ~0.40 m.
  double scale = 1.0;
  for (int shin : {kSmpl22LeftAnkle, kSmpl22RightAnkle}) {
    if (known[shin]) scale = length[shin] / 0.40;
  }
  for (int j = 1; j < kJ; ++j) {
    if (known[j]) continue;
    const int mirror = kSmpl22MirrorJoint[j];
    if (known[mirror]) {
      length[j] = length[mirror];
    } else if (j == kSmpl22LeftFoot || j == kSmpl22RightFoot) {
      length[j] = kDefaultFootLength * scale;
    } else {
      // Any other never-tracked bone: a tenth of a body (no better guess).
      length[j] = 0.17 * scale;
    }
  }

  for (int t = 0; t < num_frames; ++t) {
    float* frame = joints.data() + static_cast<size_t>(t) * kJ * 3;
    const uint8_t* ok = valid.data() + static_cast<size_t>(t) * kJ;
    auto joint = [&](int j) { return Vec3(frame[3 * j], frame[3 * j + 1], frame[3 * j + 2]); };
    // The person's facing this frame (hips, else shoulders), for the directions.
    double yaw = 0.0;
    if (ok[kSmpl22LeftHip] && ok[kSmpl22RightHip]) {
      const Vec3 across = joint(kSmpl22LeftHip) - joint(kSmpl22RightHip);
      const Vec3 forward = across.cross(Vec3::UnitY());
      if (std::hypot(forward.x(), forward.z()) > 1e-9) yaw = std::atan2(forward.x(), forward.z());
    }
    const Mat3 facing = RotationY(yaw);
    for (int j = 1; j < kJ; ++j) {
      if (ok[j]) continue;
      Vec3 direction(kHumanML3DRawOffsets[j][0], kHumanML3DRawOffsets[j][1],
                     kHumanML3DRawOffsets[j][2]);
      if (j == kSmpl22LeftFoot || j == kSmpl22RightFoot)
        direction = Vec3(0.0, -0.45, 1.0).normalized();
      const Vec3 p = joint(kSmpl22Parents[j]) + length[j] * (facing * direction);
      for (int c = 0; c < 3; ++c) frame[3 * j + c] = static_cast<float>(p[c]);
    }
  }
}

void ApplyRotation(const Mat3& r, float* xyz) {
  const Vec3 p = r * Vec3(xyz[0], xyz[1], xyz[2]);
  for (int c = 0; c < 3; ++c) xyz[c] = static_cast<float>(p[c]);
}

// The hand (left/right HAND joint) a person reaches forward with most:
// the larger median of (hand - waist) along the person's facing.
int ContactHand(const std::vector<double>& positions,
                const std::vector<uint8_t>& tracked,
                int num_frames,
                double yaw) {
  const Vec3 forward(std::sin(yaw), 0.0, std::cos(yaw));
  double best = -std::numeric_limits<double>::infinity();
  int best_hand = kNuiRightHand;
  for (int hand : {kNuiLeftHand, kNuiRightHand}) {
    std::vector<double> reach;
    for (int t = 0; t < num_frames; ++t) {
      const uint8_t* row = tracked.data() + static_cast<size_t>(t) * kN;
      if (!row[hand] || !row[kNuiWaist]) continue;
      reach.push_back((At(positions, t, hand, kN) - At(positions, t, kNuiWaist, kN)).dot(forward));
    }
    if (reach.size() >= 10 && Median(reach) > best) {
      best = Median(reach);
      best_hand = hand;
    }
  }
  return best_hand;
}

}  // namespace

const NuisiAction& FindNuisiAction(const std::string& name) {
  // Repetitions from read_nuisi.py's trajectory_idx (souljaboy764/nuisi_dataset),
  // inclusive file indices; the ones it comments out are left out here too.
  static const std::vector<NuisiAction> kActions = {
      {"Waving",
       {"two people wave at each other", "two people greet each other with a wave",
        "a person and their partner wave hello to each other"},
       {"wave", "two-person"},
       {{170, 600},
        {1220, 1600},
        {1650, 2030},
        {2190, 2630},
        {3380, 3830},
        {3900, 4330},
        {4400, 4840},
        {4880, 5280},
        {5760, 6190},
        {6260, 6670},
        {6710, 7150},
        {7320, 7710}},
       "none"},
      {"Handshake",
       {"two people shake hands", "two people greet each other with a handshake",
        "a person shakes hands with their partner"},
       {"handshake", "two-person"},
       {{100, 420},
        {460, 780},
        {800, 1111},
        {1145, 1440},
        {1800, 2095},
        {2140, 2420},
        {2440, 2690},
        {3030, 3240},
        {3260, 3490},
        {3510, 3720},
        {3750, 4000}},
       "hands"},
      {"Rocket",
       {"two people bump fists, then raise them together",
        "two people bump their fists at waist height and lift them up together",
        "a person and their partner fist bump and raise their joined fists like a rocket"},
       {"fist-bump", "rocket", "two-person"},
       {{110, 310},
        {340, 550},
        {570, 750},
        {770, 920},
        {940, 1120},
        {1140, 1300},
        {1310, 1470},
        {1500, 1640},
        {1680, 1815},
        {1840, 2000},
        {2030, 2240},
        {2290, 2500}},
       "fists"},
      {"Parachute",
       {"two people bump fists at chest height, then sway them down together like a parachute",
        "two people fist bump at shoulder height and lower their fists together, swaying side to "
        "side",
        "a person and their partner bump fists and bring them down together in a swaying motion"},
       {"fist-bump", "parachute", "two-person"},
       {{230, 490},
        {530, 770},
        {780, 1045},
        {1320, 1590},
        {2110, 2350},
        {2370, 2580},
        {2590, 2830},
        {3200, 3490},
        {3500, 3780}},
       "fists"},
  };
  for (const NuisiAction& action : kActions) {
    if (action.name == name) return action;
  }
  throw Error(
      fmt::format("unknown NuiSI action '{}' (known: Waving, Handshake, Rocket, Parachute; "
                  "files are named <Action>_p1.txt and <Action>_p2.txt)",
                  name));
}

NuisiRecording ReadNuisiRecording(const fs::path& p1, const fs::path& p2) {
  const std::array<PersonLines, 2> people = {ReadPersonFile(p1), ReadPersonFile(p2)};
  const std::array<std::string, 2> names = {p1.string(), p2.string()};
  if (people[0].index.size() != people[1].index.size()) {
    throw Error(
        fmt::format("{} has {} frames but {} has {}: the two persons' files must share "
                    "their frames",
                    names[0], people[0].index.size(), names[1], people[1].index.size()));
  }
  NuisiRecording recording;
  const std::string stem = p1.stem().string();
  recording.action = stem.size() > 3 && stem.compare(stem.size() - 3, 3, "_p1") == 0
                         ? stem.substr(0, stem.size() - 3)
                         : stem;
  const double t0 = people[0].time_ms.empty() ? 0.0 : people[0].time_ms[0];
  for (size_t i = 0; i < people[0].index.size(); ++i) {
    if (people[0].index[i] != people[1].index[i] || people[0].time_ms[i] != people[1].time_ms[i]) {
      throw Error(fmt::format("{} and {}: frame {} differs (index {} vs {}, time {} vs {} ms)",
                              names[0], names[1], i + 1, people[0].index[i], people[1].index[i],
                              people[0].time_ms[i], people[1].time_ms[i]));
    }
    if (i > 0 && people[0].time_ms[i] <= people[0].time_ms[i - 1]) {
      throw Error(fmt::format("{}: frame {} (index {}): timestamp {} ms does not come after {} ms",
                              names[0], i + 1, people[0].index[i], people[0].time_ms[i],
                              people[0].time_ms[i - 1]));
    }
    if (!people[0].has_skeleton[i] || !people[1].has_skeleton[i]) {
      ++recording.dropped_frames;
      continue;
    }
    recording.index.push_back(people[0].index[i]);
    recording.time_s.push_back((people[0].time_ms[i] - t0) / 1000.0);
    for (int p = 0; p < 2; ++p) {
      const std::vector<double>& v = people[p].values[i];
      for (int j = 0; j < kN; ++j) {
        const double* f = v.data() + j * kFieldsPerJoint;
        // (id, confidence, u, v, x, y, z, depth): X = y, Y = z, Z = -x, mm -> m.
        recording.positions[p].insert(recording.positions[p].end(),
                                      {f[5] / 1000.0, f[6] / 1000.0, -f[4] / 1000.0});
        recording.tracked[p].push_back(f[1] > 0.0 ? 1 : 0);
      }
    }
  }
  recording.num_frames = static_cast<int>(recording.index.size());
  if (recording.num_frames == 0) {
    throw Error(
        fmt::format("{} and {}: no frame in which both persons were tracked", names[0], names[1]));
  }
  return recording;
}

NuisiWorld NuisiPlaceFaceToFace(const NuisiRecording& recording, const fs::path& joint_map_path) {
  const int T = recording.num_frames;
  const JointMap map = LoadJointMap(joint_map_path);
  const NuisiAction& action = FindNuisiAction(recording.action);
  NuisiWorld world;
  world.num_frames = T;
  world.index = recording.index;
  world.time_s = recording.time_s;
  world.joints.resize(static_cast<size_t>(2) * T * kJ * 3);
  world.valid.resize(static_cast<size_t>(2) * T * kJ);

  std::array<std::vector<double>, 2> raw = recording.positions;  // levelled, floored, placed
  std::array<double, 2> yaw{};
  for (int p = 0; p < 2; ++p) {
    const std::vector<uint8_t>& tracked = recording.tracked[p];
    auto both = [&](int t, int a, int b) {
      return tracked[static_cast<size_t>(t) * kN + a] && tracked[static_cast<size_t>(t) * kN + b];
    };

    // 1. Level: the median body axis waist -> neck onto +Y.
    std::vector<Vec3> axes;
    for (int t = 0; t < T; ++t) {
      if (!both(t, kNuiWaist, kNuiNeck)) continue;
      const Vec3 axis = At(raw[p], t, kNuiNeck, kN) - At(raw[p], t, kNuiWaist, kN);
      if (axis.norm() > 1e-6) axes.push_back(axis.normalized());
    }
    if (axes.size() < 10) {
      throw Error(
          fmt::format("NuiSI {}: person {}: waist and neck tracked in {} frames; at least "
                      "10 are needed to level the body",
                      recording.action, p + 1, axes.size()));
    }
    const Vec3 up = MedianVector(axes).normalized();
    const Mat3 level = AlignVectors<double>(up, Vec3::UnitY());
    world.placement.level_degrees[p] = std::acos(std::clamp(up.y(), -1.0, 1.0)) * 180.0 / M_PI;
    for (size_t i = 0; i < raw[p].size(); i += 3) {
      const Vec3 q = level * Vec3(raw[p][i], raw[p][i + 1], raw[p][i + 2]);
      for (int c = 0; c < 3; ++c) raw[p][i + c] = q[c];
    }

    // 2. Retarget onto smpl22, mark validity, fill what was not tracked.
    std::vector<float> joints = RetargetToSmpl22(ToNamed(raw[p], tracked, T), map);
    const std::vector<uint8_t> valid = Smpl22Validity(tracked, T, map);
    for (int required : {0, kSmpl22LeftHip, kSmpl22RightHip}) {
      int count = 0;
      for (int t = 0; t < T; ++t) count += valid[static_cast<size_t>(t) * kJ + required];
      if (count == 0) {
        throw Error(fmt::format("NuiSI {}: person {}: {} is never tracked", recording.action, p + 1,
                                kSmpl22JointNames[required]));
      }
    }
    // A frame whose pelvis or hips are missing gets the nearest tracked frame's
    // root block first, so that the fill has something to hang from.
    for (int t = 0; t < T; ++t) {
      for (int j : {0, kSmpl22LeftHip, kSmpl22RightHip}) {
        if (valid[static_cast<size_t>(t) * kJ + j]) continue;
        for (int d = 1; d < T; ++d) {
          for (int u : {t - d, t + d}) {
            if (u < 0 || u >= T || !valid[static_cast<size_t>(u) * kJ + j]) continue;
            std::copy_n(joints.data() + (static_cast<size_t>(u) * kJ + j) * 3, 3,
                        joints.data() + (static_cast<size_t>(t) * kJ + j) * 3);
            d = T;
            break;
          }
        }
      }
    }
    FillUntracked(joints, valid, T);

    // 3. Floor at y = 0 (the filled toes are the lowest joints).
    const double floor = PutOnFloor(joints, T);
    for (size_t i = 1; i < raw[p].size(); i += 3) raw[p][i] -= floor;

    // 4. Facing: the median facing yaw to +Z (person 1) or -Z (person 2).
    std::vector<double> yaws_sin, yaws_cos;
    for (int t = 0; t < T; ++t) {
      if (!both(t, kNuiLeftHip, kNuiRightHip) || !both(t, kNuiLeftShoulder, kNuiRightShoulder)) {
        continue;
      }
      const double y =
          FacingYaw(At(raw[p], t, kNuiLeftHip, kN), At(raw[p], t, kNuiRightHip, kN),
                    At(raw[p], t, kNuiLeftShoulder, kN), At(raw[p], t, kNuiRightShoulder, kN));
      if (std::isnan(y)) continue;
      yaws_sin.push_back(std::sin(y));
      yaws_cos.push_back(std::cos(y));
    }
    yaw[p] = yaws_sin.empty() ? 0.0 : std::atan2(Median(yaws_sin), Median(yaws_cos));
    const double target = p == 0 ? 0.0 : M_PI;
    const Mat3 turn = RotationY(target - yaw[p]);
    for (size_t i = 0; i < joints.size(); i += 3) ApplyRotation(turn, joints.data() + i);
    for (size_t i = 0; i < raw[p].size(); i += 3) {
      const Vec3 q = turn * Vec3(raw[p][i], raw[p][i + 1], raw[p][i + 2]);
      for (int c = 0; c < 3; ++c) raw[p][i + c] = q[c];
    }
    yaw[p] = target;
    std::copy(joints.begin(), joints.end(),
              world.joints.begin() + static_cast<size_t>(p) * T * kJ * 3);
    std::copy(valid.begin(), valid.end(), world.valid.begin() + static_cast<size_t>(p) * T * kJ);
  }

  // 5. Distance: person 2 moved so that the contact hands meet (file comment).
  Vec3 shift = Vec3::Zero();
  if (action.contact == "none") {
    // No contact: the pelvises on one line along Z, kNoContactDistance apart.
    std::vector<double> dx, dz;
    for (int t = 0; t < T; ++t) {
      const float* a = world.joints.data() + static_cast<size_t>(t) * kJ * 3;
      const float* b = world.joints.data() + (static_cast<size_t>(T) + t) * kJ * 3;
      dx.push_back(double(b[0]) - a[0]);
      dz.push_back(double(b[2]) - a[2]);
    }
    shift = Vec3(-Median(dx), 0.0, kNoContactDistance - Median(dz));
  } else {
    const std::array<int, 2> hands = {ContactHand(raw[0], recording.tracked[0], T, yaw[0]),
                                      ContactHand(raw[1], recording.tracked[1], T, yaw[1])};
    const double gap = action.contact == "fists" ? kFistGap : kHandshakeGap;
    std::vector<int> contact;
    std::array<std::vector<double>, 2> reach;
    for (int t = 0; t < T; ++t) {
      bool ok = true;
      for (int p = 0; p < 2; ++p) {
        const uint8_t* row = recording.tracked[p].data() + static_cast<size_t>(t) * kN;
        ok = ok && row[hands[p]] && row[kNuiWaist];
      }
      if (!ok) continue;
      contact.push_back(t);
      for (int p = 0; p < 2; ++p) {
        const Vec3 forward(std::sin(yaw[p]), 0.0, std::cos(yaw[p]));
        reach[p].push_back(
            (At(raw[p], t, hands[p], kN) - At(raw[p], t, kNuiWaist, kN)).dot(forward));
      }
    }
    if (contact.size() < 10) {
      throw Error(fmt::format("NuiSI {}: the contact hands are tracked together in only {} frames",
                              recording.action, contact.size()));
    }
    // Start: both hands reach further forward than their medians.
    const double median0 = Median(reach[0]), median1 = Median(reach[1]);
    std::vector<int> frames;
    for (size_t i = 0; i < contact.size(); ++i) {
      if (reach[0][i] > median0 && reach[1][i] > median1) frames.push_back(contact[i]);
    }
    if (frames.size() < 10) frames = contact;
    auto fit = [&](const std::vector<int>& used) {
      Vec3 mean = Vec3::Zero();
      for (int t : used) mean += At(raw[0], t, hands[0], kN) - At(raw[1], t, hands[1], kN);
      mean /= static_cast<double>(used.size());
      return Vec3(mean.x(), 0.0, mean.z() + gap);
    };
    auto distance = [&](int t, const Vec3& s) {
      return (At(raw[0], t, hands[0], kN) - (At(raw[1], t, hands[1], kN) + s)).norm();
    };
    for (int round = 0; round < 3; ++round) {
      shift = fit(frames);
      std::vector<double> d;
      for (int t : frames) d.push_back(distance(t, shift));
      const double keep = Percentile(d, 75.0);
      std::vector<int> closer;
      for (size_t i = 0; i < frames.size(); ++i) {
        if (d[i] <= keep) closer.push_back(frames[i]);
      }
      if (closer.size() < 10) break;
      frames = closer;
    }
    shift = fit(frames);
    std::vector<double> d;
    for (int t : frames) d.push_back(distance(t, shift));
    world.placement.contact_frames = static_cast<int>(frames.size());
    world.placement.fist_distance_median_m = Median(d);
    world.placement.fist_distance_p90_m = Percentile(d, 90.0);
    for (int p = 0; p < 2; ++p) {
      world.placement.contact_hand[p] = hands[p] == kNuiLeftHand ? "left" : "right";
    }
  }
  float* second = world.joints.data() + static_cast<size_t>(T) * kJ * 3;
  for (size_t i = 0; i < static_cast<size_t>(T) * kJ; ++i) {
    second[3 * i] += static_cast<float>(shift.x());
    second[3 * i + 2] += static_cast<float>(shift.z());
  }
  std::vector<double> pelvis;
  for (int t = 0; t < T; ++t) {
    const float* a = world.joints.data() + static_cast<size_t>(t) * kJ * 3;
    const float* b = second + static_cast<size_t>(t) * kJ * 3;
    pelvis.push_back(std::hypot(double(a[0]) - b[0], double(a[2]) - b[2]));
  }
  world.placement.pelvis_distance_median_m = Median(pelvis);
  return world;
}

}  // namespace intersynth
