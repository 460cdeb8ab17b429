#include "intersynth/render/motion_export.h"

#include <fmt/format.h>

#include <Eigen/SVD>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>

#include "intersynth/body/forward_kinematics.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/geometry/euler.h"
#include "intersynth/geometry/kabsch.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"
#include "intersynth/util/statistics.h"

namespace intersynth {
namespace fs = std::filesystem;

namespace {

using Vec = Eigen::Vector3d;
using Mat = Eigen::Matrix3d;

/// A joint with several children and the three children its body frame is
/// built from (see the header).
struct BranchJoint {
  int joint;
  int left;
  int right;
  int up;
};
constexpr std::array<BranchJoint, 2> kBranchJoints = {{
    {kSmpl22Pelvis, kSmpl22LeftHip, kSmpl22RightHip, 3 /*spine1*/},
    {kSmpl22Spine3, 13 /*left_collar*/, 14 /*right_collar*/, 12 /*neck*/},
}};

/// The children of every smpl22 joint, in index order.
std::array<std::vector<int>, kSmpl22NumJoints> Smpl22Children() {
  std::array<std::vector<int>, kSmpl22NumJoints> children;
  for (int j = 1; j < kSmpl22NumJoints; ++j) children[kSmpl22Parents[j]].push_back(j);
  return children;
}

Vec RestDirection(int joint) {
  const auto& d = kBvhExportRestDirections[joint];
  return Vec(d[0], d[1], d[2]);
}

/// The Euler order of joint j's rotation channels (header table): the middle
/// axis is the twist axis of its only child's rest direction.
EulerOrder JointEulerOrder(int joint,
                           const std::array<std::vector<int>, kSmpl22NumJoints>& children) {
  if (children[joint].size() != 1) return EulerOrder::kYXZ;
  const Vec d = RestDirection(children[joint][0]).cwiseAbs();
  int axis = 0;
  d.maxCoeff(&axis);
  switch (axis) {
    case 0:
      return EulerOrder::kZXY;
    case 1:
      return EulerOrder::kZYX;
    default:
      return EulerOrder::kYZX;
  }
}

BvhChannel RotationChannel(int axis) {
  return axis == 0 ? BvhChannel::kXrotation
                   : (axis == 1 ? BvhChannel::kYrotation : BvhChannel::kZrotation);
}

Vec JointAt(const MotionClip& clip, int person, int frame, int joint) {
  const float* x = clip.joint(person, frame, joint);
  return Vec(x[0], x[1], x[2]);
}

/// F_j at one frame (header: e_x from the left/right children, e_y from the up
/// child, e_z = e_x x e_y), or false when it is undefined.
bool BodyFrame(const MotionClip& clip, int person, int frame, const BranchJoint& branch, Mat* f) {
  const Vec x =
      JointAt(clip, person, frame, branch.left) - JointAt(clip, person, frame, branch.right);
  const Vec u =
      JointAt(clip, person, frame, branch.up) - JointAt(clip, person, frame, branch.joint);
  if (!(x.norm() > 1e-9)) return false;
  const Vec ex = x.normalized();
  const Vec y = u - u.dot(ex) * ex;
  if (!(y.norm() > 1e-9)) return false;
  const Vec ey = y.normalized();
  f->col(0) = ex;
  f->col(1) = ey;
  f->col(2) = ex.cross(ey);
  return true;
}

/// Rest offsets o_c of every joint c >= 1 in its parent's frame (header).
std::array<Vec, kSmpl22NumJoints> RestOffsets(const MotionClip& clip, int person) {
  const int num_frames = clip.num_frames;
  std::array<Vec, kSmpl22NumJoints> offsets;
  offsets.fill(Vec::Zero());
  std::array<bool, kSmpl22NumJoints> done{};

  // Children of the branch joints: medians of the child vectors in the body frame.
  for (const BranchJoint& branch : kBranchJoints) {
    std::array<std::vector<double>, 3> left, right, up;
    for (int t = 0; t < num_frames; ++t) {
      Mat f;
      if (!BodyFrame(clip, person, t, branch, &f)) continue;
      const Vec x_j = JointAt(clip, person, t, branch.joint);
      const Vec l = f.transpose() * (JointAt(clip, person, t, branch.left) - x_j);
      const Vec r = f.transpose() * (JointAt(clip, person, t, branch.right) - x_j);
      const Vec u = f.transpose() * (JointAt(clip, person, t, branch.up) - x_j);
      for (int k = 0; k < 3; ++k) {
        left[k].push_back(l[k]);
        right[k].push_back(r[k]);
        up[k].push_back(u[k]);
      }
    }
    if (left[0].empty()) continue;  // no frame defines F_j: bone-length rule below.
    for (int k = 0; k < 3; ++k) {
      offsets[branch.left][k] = Median(left[k]);
      offsets[branch.right][k] = Median(right[k]);
      offsets[branch.up][k] = Median(up[k]);
    }
    done[branch.left] = done[branch.right] = done[branch.up] = true;
  }

  // Every other bone: the median length along HumanML3D's rest direction.
  std::vector<double> lengths(num_frames);
  for (int c = 1; c < kSmpl22NumJoints; ++c) {
    if (done[c]) continue;
    for (int t = 0; t < num_frames; ++t) {
      lengths[t] =
          (JointAt(clip, person, t, c) - JointAt(clip, person, t, kSmpl22Parents[c])).norm();
    }
    offsets[c] = Median(lengths) * RestDirection(c);
  }
  return offsets;
}

/// The smpl22 joints in BVH (depth-first, children in index order) order.
void DepthFirst(int joint,
                const std::array<std::vector<int>, kSmpl22NumJoints>& children,
                std::vector<int>* order) {
  order->push_back(joint);
  for (int c : children[joint]) DepthFirst(c, children, order);
}

std::string PathText(const fs::path& path) { return path.string(); }

/// Writes `bytes` to the temp file of `writer`; errors name the final path.
void WriteTemp(const AtomicFileWriter& writer, const std::string& bytes) {
  std::ofstream out(writer.temp_path(), std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) {
    throw Error(fmt::format("{}: cannot write: {}", PathText(writer.path()), std::strerror(errno)));
  }
}

void CheckClip(const MotionClip& clip, const std::string& source) {
  if (clip.num_persons <= 0 || clip.num_frames <= 0) {
    throw Error(fmt::format("{}: the clip is empty ({} persons, {} frames); nothing to export",
                            source, clip.num_persons, clip.num_frames));
  }
  // Every joint is written, also those a sensor did not see: all must be
  // finite (checked first, naming the joint, once the array size is right).
  const size_t expected = static_cast<size_t>(clip.num_persons) * clip.num_frames * kNumJoints * 3;
  if (clip.joints.size() == expected) {
    for (int p = 0; p < clip.num_persons; ++p) {
      CheckJointsFinite(clip.person(p), clip.num_frames, p, source);
    }
  }
  ValidateMotionClip(clip, source);
}

/// Rounded to 1e-6, with -0 written as 0.
double Round6(double v) {
  const double r = std::round(v * 1e6) / 1e6;
  return r == 0.0 ? 0.0 : r;
}

}  // namespace

MotionExportFormat ParseMotionExportFormat(std::string_view text, std::string_view field) {
  // Any case: "BVH" is bvh.
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const EnumName<MotionExportFormat>& n : kMotionExportFormatNames) {
    if (lower == n.name) return n.value;
  }
  throw OptionError(fmt::format("{{{}}} must be {}, got '{}'", field,
                                EnumChoices(kMotionExportFormatNames), text));
}

void MotionExportOptions::Check() const {
  if (bvh_decimals < -1 || bvh_decimals > 20) {
    throw OptionError(
        fmt::format("{{bvh_decimals}} must be -1 (shortest) or in [0, 20], got {}", bvh_decimals));
  }
}

std::vector<fs::path> BvhExportPaths(const fs::path& path, int num_persons) {
  if (num_persons == 1) return {path};
  std::vector<fs::path> paths;
  for (int p = 0; p < num_persons; ++p) {
    const std::string name =
        fmt::format("{}_p{}{}", path.stem().string(), p, path.extension().string());
    paths.push_back(path.has_parent_path() ? path.parent_path() / name : fs::path(name));
  }
  return paths;
}

BvhMotion MotionToBvh(const MotionClip& clip, int person) {
  INTERSYNTH_CHECK(person >= 0 && person < clip.num_persons && clip.num_frames > 0)
      << "person " << person << " of " << clip.num_persons << ", " << clip.num_frames << " frames";
  const auto children = Smpl22Children();
  std::vector<int> order;
  DepthFirst(kSmpl22Pelvis, children, &order);
  const std::array<Vec, kSmpl22NumJoints> offsets = RestOffsets(clip, person);
  std::array<EulerOrder, kSmpl22NumJoints> euler_orders;
  for (int j = 0; j < kSmpl22NumJoints; ++j) euler_orders[j] = JointEulerOrder(j, children);

  // Hierarchy: the joints in depth-first order, an End Site after each leaf.
  BvhMotion bvh;
  bvh.frame_time = 1.0 / clip.fps;
  bvh.num_frames = clip.num_frames;
  std::array<int, kSmpl22NumJoints> bvh_index{};
  for (int j : order) {
    BvhJoint joint;
    joint.name = std::string(kSmpl22JointNames[j]);
    joint.parent = j == kSmpl22Pelvis ? -1 : bvh_index[kSmpl22Parents[j]];
    joint.offset = offsets[j];
    // The root, and the children of the joints with several children, carry
    // position channels: they place those children exactly even where the
    // children are not rigid relative to each other (CMU hips, Kinect).
    if (j == kSmpl22Pelvis || children[kSmpl22Parents[j]].size() > 1) {
      joint.channels = {BvhChannel::kXposition, BvhChannel::kYposition, BvhChannel::kZposition};
    }
    for (int axis : EulerOrderAxes(euler_orders[j]))
      joint.channels.push_back(RotationChannel(axis));
    bvh_index[j] = static_cast<int>(bvh.joints.size());
    bvh.joints.push_back(joint);
    if (children[j].empty()) {
      BvhJoint end;
      end.name = joint.name + "_End";
      end.parent = bvh_index[j];
      end.offset = kBvhEndSiteLength * RestDirection(j);
      end.is_end_site = true;
      bvh.joints.push_back(end);
    }
  }
  const std::vector<int> columns = bvh.ChannelOffsets();
  bvh.values.setZero(clip.num_frames, bvh.NumChannels());

  std::array<Mat, kSmpl22NumJoints> global;
  std::array<Vec, kSmpl22NumJoints> fk;
  // Per-frame translation of each joint in its parent's frame, for the joints
  // with position channels: t_c = G_j^T (x_c - p_j), so that p_c = x_c.
  std::array<Vec, kSmpl22NumJoints> translation;
  for (int t = 0; t < clip.num_frames; ++t) {
    // Global rotations, parents first (smpl22 has parent < child). Each joint
    // aims from where forward kinematics puts it (fk[j]), so an error upstream
    // is corrected rather than carried down the chain.
    fk[kSmpl22Pelvis] = JointAt(clip, person, t, kSmpl22Pelvis);
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      const Mat parent = j == kSmpl22Pelvis ? Mat::Identity() : global[kSmpl22Parents[j]];
      if (children[j].size() > 1) {
        // Several children: fit their rest offsets onto the observed vectors.
        std::vector<Vec> rest, observed;
        for (int c : children[j]) {
          rest.push_back(offsets[c]);
          observed.push_back(JointAt(clip, person, t, c) - fk[j]);
        }
        global[j] = KabschRotation(rest, observed);
        // The children's position channels take the fit's residual.
        for (size_t i = 0; i < children[j].size(); ++i) {
          translation[children[j][i]] = global[j].transpose() * observed[i];
        }
      } else if (children[j].size() == 1) {
        // One child: swing the carried rest offset onto the observed bone.
        const int c = children[j][0];
        const Vec from = parent * offsets[c];
        const Vec to = JointAt(clip, person, t, c) - fk[j];
        const bool defined = from.norm() > 1e-12 && to.norm() > 1e-12;
        global[j] = (defined ? AlignVectors(from, to) : Mat::Identity()) * parent;
      } else {
        global[j] = parent;  // a leaf moves only its End Site
      }
      for (int c : children[j]) {
        fk[c] = fk[j] + global[j] * (children[j].size() > 1 ? translation[c] : offsets[c]);
      }
    }
    // Channel values: the root position, then local rotations as Euler degrees.
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      int column = columns[bvh_index[j]];
      if (j == kSmpl22Pelvis) {
        const Vec x = JointAt(clip, person, t, j);
        for (int k = 0; k < 3; ++k) bvh.values(t, column++) = x[k];
      } else if (children[kSmpl22Parents[j]].size() > 1) {
        for (int k = 0; k < 3; ++k) bvh.values(t, column++) = translation[j][k];
      }
      const Mat local =
          j == kSmpl22Pelvis ? global[j] : Mat(global[kSmpl22Parents[j]].transpose() * global[j]);
      const Vec angles = MatrixToEulerDegrees(local, euler_orders[j]);
      for (int k = 0; k < 3; ++k) bvh.values(t, column++) = angles[k];
    }
  }
  return bvh;
}

std::pair<double, double> BvhExportError(const BvhMotion& bvh, const MotionClip& clip, int person) {
  INTERSYNTH_CHECK(bvh.num_frames == clip.num_frames)
      << bvh.num_frames << " BVH frames vs " << clip.num_frames;
  const NamedJointPositions fk = BvhForwardKinematics(bvh, 1.0);
  std::array<int, kSmpl22NumJoints> index{};
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    const auto it = std::find(fk.names.begin(), fk.names.end(), kSmpl22JointNames[j]);
    INTERSYNTH_CHECK(it != fk.names.end()) << "no BVH joint " << kSmpl22JointNames[j];
    index[j] = static_cast<int>(it - fk.names.begin());
  }
  double max_error = 0.0, sum = 0.0;
  for (int t = 0; t < clip.num_frames; ++t) {
    for (int j = 0; j < kSmpl22NumJoints; ++j) {
      const double* y = fk.at(t, index[j]);
      const double e = (Vec(y[0], y[1], y[2]) - JointAt(clip, person, t, j)).norm();
      max_error = std::max(max_error, e);
      sum += e;
    }
  }
  return {max_error, sum / (static_cast<double>(clip.num_frames) * kSmpl22NumJoints)};
}

nlohmann::json MotionToJson(const MotionClip& clip) {
  nlohmann::json doc;
  doc["format"] = "intersynth-motion-json";
  doc["version"] = 1;
  doc["fps"] = Round6(clip.fps);
  doc["text"] = clip.text;
  doc["labels"] = clip.labels;
  nlohmann::json names = nlohmann::json::array(), parents = nlohmann::json::array();
  for (int j = 0; j < kSmpl22NumJoints; ++j) {
    names.push_back(std::string(kSmpl22JointNames[j]));
    parents.push_back(kSmpl22Parents[j]);
  }
  doc["joint_names"] = std::move(names);
  doc["parents"] = std::move(parents);
  nlohmann::json persons = nlohmann::json::array();
  for (int p = 0; p < clip.num_persons; ++p) {
    nlohmann::json joints = nlohmann::json::array();
    nlohmann::json valid = nlohmann::json::array();
    for (int t = 0; t < clip.num_frames; ++t) {
      nlohmann::json frame = nlohmann::json::array();
      nlohmann::json frame_valid = nlohmann::json::array();
      for (int j = 0; j < kSmpl22NumJoints; ++j) {
        const float* x = clip.joint(p, t, j);
        frame.push_back({Round6(x[0]), Round6(x[1]), Round6(x[2])});
        if (!clip.valid.empty()) {
          frame_valid.push_back(
              clip.valid[(static_cast<size_t>(p) * clip.num_frames + t) * kSmpl22NumJoints + j] !=
              0);
        }
      }
      joints.push_back(std::move(frame));
      if (!clip.valid.empty()) valid.push_back(std::move(frame_valid));
    }
    nlohmann::json person = {{"joints", std::move(joints)}};
    if (!clip.valid.empty()) person["valid"] = std::move(valid);
    persons.push_back(std::move(person));
  }
  doc["persons"] = std::move(persons);
  return doc;
}

MotionExportReport ExportMotion(const MotionClip& clip,
                                const fs::path& path,
                                const MotionExportOptions& options) {
  // The options and the format first (cheap), then the clip.
  options.Check();
  MotionExportFormat format;
  if (options.format) {
    format = *options.format;
  } else {
    const std::string ext = LowerExtension(path);
    if (ext != "bvh" && ext != "json") {
      throw OptionError(fmt::format(
          "{}: unknown export format '{}' (from the extension); expected .bvh or .json, or give "
          "the format ({{format}} bvh|json)",
          PathText(path), ext));
    }
    format = ParseMotionExportFormat(ext);
  }
  CheckClip(clip, options.source);

  MotionExportReport report;
  report.format = format;
  report.num_persons = clip.num_persons;
  report.num_frames = clip.num_frames;
  const std::string what = fmt::format("{} person{}, {} frames at {} fps", clip.num_persons,
                                       clip.num_persons == 1 ? "" : "s", clip.num_frames, clip.fps);

  if (format == MotionExportFormat::kJson) {
    const std::string text =
        MotionToJson(clip).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    WriteFileAtomic(path, text);
    report.files = {path};
    report.summary = fmt::format("wrote {} (json, {}, metres, Y up)", PathText(path), what);
    return report;
  }

  // BVH: serialise every person, measure the reload error on the text that is
  // written, and move all files into place only once every one is written.
  BvhWriteOptions write_options;
  write_options.decimals = options.bvh_decimals;
  report.files = BvhExportPaths(path, clip.num_persons);
  std::vector<std::unique_ptr<AtomicFileWriter>> writers;
  double sum = 0.0;
  for (int p = 0; p < clip.num_persons; ++p) {
    const std::string text = SerializeBvh(MotionToBvh(clip, p), write_options);
    const auto [max_error, mean_error] =
        BvhExportError(ParseBvh(text, PathText(report.files[p])), clip, p);
    report.max_reload_error = std::max(report.max_reload_error, max_error);
    sum += mean_error;
    writers.push_back(std::make_unique<AtomicFileWriter>(report.files[p]));
    WriteTemp(*writers.back(), text);
  }
  for (auto& writer : writers) writer->Commit();
  report.mean_reload_error = sum / clip.num_persons;

  std::string files;
  for (const fs::path& file : report.files) files += (files.empty() ? "" : ", ") + PathText(file);
  report.summary = fmt::format(
      "wrote {} (bvh on smpl22, {}, metres)\nBVH reload error: max {:.3g} m, mean {:.3g} m "
      "(forward kinematics of the file vs the input joints)",
      files, what, report.max_reload_error, report.mean_reload_error);
  return report;
}

}  // namespace intersynth
