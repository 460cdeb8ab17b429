#include "intersynth/render/stick_preview.h"

#include <fmt/format.h>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <vector>

#include "intersynth/body/smpl22.h"
#include "intersynth/io/utf8.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/image_write.h"
#include "intersynth/render/mp4_writer.h"
#include "intersynth/util/error.h"
#include "intersynth/util/file_util.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace fs = std::filesystem;

namespace {

using Vec = Eigen::Vector3d;

// Margins of the box every joint must project into, as fractions of the
// image size: the top holds the info line, the bottom the caption.
constexpr double kMarginSide = 0.06;
constexpr double kMarginTop = 0.10;
constexpr double kMarginBottom = 0.20;
// Points closer than this to the camera plane are clipped (metres).
constexpr double kNear = 0.1;
// Caption lines at most.
constexpr int kMaxCaptionLines = 3;

// Colours (B, G, R).
const cv::Scalar kBackground(34, 30, 28);
const cv::Scalar kGrid(78, 78, 78);
const cv::Scalar kInvalid(150, 150, 150);
const cv::Scalar kText(235, 235, 235);
const cv::Scalar kAxisColours[3] = {cv::Scalar(70, 70, 255), cv::Scalar(70, 255, 70),
                                    cv::Scalar(255, 110, 70)};

// The person palette, (R, G, B) as one reads it; StickPreviewPersonColour swaps to BGR.
constexpr std::array<std::array<uint8_t, 3>, 10> kPaletteRgb = {{{255, 140, 0},
                                                                 {0, 180, 255},
                                                                 {80, 220, 100},
                                                                 {240, 70, 140},
                                                                 {180, 120, 255},
                                                                 {255, 220, 60},
                                                                 {0, 220, 200},
                                                                 {255, 120, 100},
                                                                 {160, 200, 60},
                                                                 {200, 160, 120}}};

cv::Scalar PersonScalar(int person) {
  const std::array<uint8_t, 3> c = StickPreviewPersonColour(person);
  return cv::Scalar(c[0], c[1], c[2]);
}

bool Finite(const float* x) {
  return std::isfinite(x[0]) && std::isfinite(x[1]) && std::isfinite(x[2]);
}

bool Valid(const MotionClip& clip, int p, int t, int j) {
  return clip.valid.empty() ||
         clip.valid[(static_cast<size_t>(p) * clip.num_frames + t) * kNumJoints + j] != 0;
}

/// Bounding box of every finite joint; false when there is none.
bool JointBox(const MotionClip& clip, Vec* lo, Vec* hi) {
  bool any = false;
  for (size_t i = 0; i + 2 < clip.joints.size(); i += 3) {
    const float* x = clip.joints.data() + i;
    if (!Finite(x)) continue;
    const Vec v(x[0], x[1], x[2]);
    if (!any) {
      *lo = *hi = v;
      any = true;
    }
    *lo = lo->cwiseMin(v);
    *hi = hi->cwiseMax(v);
  }
  return any;
}

/// The graphics of one frame: a camera, line widths scaled to the image size.
struct Painter {
  const StickPreviewCamera& camera;
  cv::Mat image;
  int bone_thickness;
  int joint_radius_16;  // in 1/16 pixel (cv shift 4)
  double font_scale;
  int font_thickness;

  /// A point in cv's fixed point (shift 4: 1/16 pixel).
  static cv::Point Fixed(const Eigen::Vector2d& p) {
    return cv::Point(static_cast<int>(std::lround(p.x() * 16.0)),
                     static_cast<int>(std::lround(p.y() * 16.0)));
  }

  /// Clips the segment a-b to the rectangle [lo, hi] (Liang-Barsky); false
  /// when nothing is left. Keeps pixel coordinates small before fixed point.
  static bool Clip2d(Eigen::Vector2d* a,
                     Eigen::Vector2d* b,
                     const Eigen::Vector2d& lo,
                     const Eigen::Vector2d& hi) {
    const Eigen::Vector2d d = *b - *a;
    double t0 = 0.0, t1 = 1.0;
    for (int k = 0; k < 2; ++k) {
      const double p[2] = {-d[k], d[k]};
      const double q[2] = {(*a)[k] - lo[k], hi[k] - (*a)[k]};
      for (int s = 0; s < 2; ++s) {
        if (p[s] == 0.0) {
          if (q[s] < 0.0) return false;
          continue;
        }
        const double r = q[s] / p[s];
        if (p[s] < 0.0) {
          t0 = std::max(t0, r);
        } else {
          t1 = std::min(t1, r);
        }
      }
    }
    if (t0 > t1) return false;
    const Eigen::Vector2d a0 = *a;
    *a = a0 + t0 * d;
    *b = a0 + t1 * d;
    return true;
  }

  /// A world segment, clipped to the near plane z_cam >= kNear and to the image.
  void Segment(const Vec& a_in_world,
               const Vec& b_in_world,
               const cv::Scalar& colour,
               int thickness) {
    Vec a = camera.ToCamera(a_in_world), b = camera.ToCamera(b_in_world);
    if (a.z() < kNear && b.z() < kNear) return;
    if (a.z() < kNear) a = a + (kNear - a.z()) / (b.z() - a.z()) * (b - a);
    if (b.z() < kNear) b = b + (kNear - b.z()) / (a.z() - b.z()) * (a - b);
    const auto pixel = [&](const Vec& x) {
      return Eigen::Vector2d(camera.focal * x.x() / x.z() + camera.cx,
                             camera.focal * x.y() / x.z() + camera.cy);
    };
    Eigen::Vector2d pa = pixel(a), pb = pixel(b);
    const Eigen::Vector2d lo(-camera.width, -camera.height);
    const Eigen::Vector2d hi(2.0 * camera.width, 2.0 * camera.height);
    if (!Clip2d(&pa, &pb, lo, hi)) return;
    cv::line(image, Fixed(pa), Fixed(pb), colour, thickness, cv::LINE_AA, 4);
  }

  /// A joint: a filled disc, or a hollow ring for a joint no sensor saw.
  void Joint(const Vec& x_in_world, const cv::Scalar& colour, bool filled) {
    if (camera.ToCamera(x_in_world).z() < kNear) return;
    const Eigen::Vector2d p = camera.Project(x_in_world);
    if (!(std::abs(p.x()) < 4.0 * camera.width && std::abs(p.y()) < 4.0 * camera.height)) return;
    cv::circle(image, Fixed(p), joint_radius_16, colour, filled ? cv::FILLED : 1, cv::LINE_AA, 4);
  }

  void Text(const std::string& text, cv::Point origin, const cv::Scalar& colour) {
    cv::putText(image, text, origin, cv::FONT_HERSHEY_SIMPLEX, font_scale, colour, font_thickness,
                cv::LINE_AA);
  }
  int TextWidth(const std::string& text) const {
    int baseline = 0;
    return cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, font_scale, font_thickness, &baseline)
        .width;
  }
  int LineHeight() const {
    int baseline = 0;
    const cv::Size size =
        cv::getTextSize("Ag", cv::FONT_HERSHEY_SIMPLEX, font_scale, font_thickness, &baseline);
    return size.height + baseline + 4;
  }
};

/// Greedy word wrap to `max_width` pixels, at most kMaxCaptionLines lines
/// (the last one ends in "..." when words are left over).
std::vector<std::string> WrapCaption(const std::string& caption,
                                     const Painter& painter,
                                     int max_width) {
  std::vector<std::string> words;
  std::string word;
  for (char c : internal::Utf8ToAscii(caption) + " ") {
    if (c == ' ') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  for (; i < words.size(); ++i) {
    const std::string candidate = line.empty() ? words[i] : line + " " + words[i];
    if (line.empty() || painter.TextWidth(candidate) <= max_width) {
      line = candidate;
      continue;
    }
    lines.push_back(line);
    line = words[i];
    if (static_cast<int>(lines.size()) == kMaxCaptionLines) break;
  }
  if (static_cast<int>(lines.size()) < kMaxCaptionLines) {
    if (!line.empty()) lines.push_back(line);
  } else {
    // Words left over: shorten the last line until "..." fits.
    std::string& last = lines.back();
    while (!last.empty() && painter.TextWidth(last + "...") > max_width) last.pop_back();
    last += "...";
  }
  return lines;
}

/// The floor grid (1 m squares over the people's XZ extent plus 1 m; coarser
/// when that would take more than 200 lines a side) and the world axes.
void DrawFloor(Painter& painter, const Vec& lo, const Vec& hi) {
  double x0 = std::floor(lo.x() - 1.0), x1 = std::ceil(hi.x() + 1.0);
  double z0 = std::floor(lo.z() - 1.0), z1 = std::ceil(hi.z() + 1.0);
  const double step = std::max(1.0, std::ceil(std::max(x1 - x0, z1 - z0) / 200.0));
  for (double x = x0; x <= x1 + 1e-9; x += step) {
    painter.Segment(Vec(x, 0, z0), Vec(x, 0, z1), kGrid, 1);
  }
  for (double z = z0; z <= z1 + 1e-9; z += step) {
    painter.Segment(Vec(x0, 0, z), Vec(x1, 0, z), kGrid, 1);
  }
  for (int axis = 0; axis < 3; ++axis) {
    Vec tip = Vec::Zero();
    tip[axis] = 0.5;
    painter.Segment(Vec::Zero(), tip, kAxisColours[axis], 2);
  }
}

/// The people of frame t, bones and joints painted far to near.
void DrawPeople(Painter& painter, const MotionClip& clip, int t) {
  struct Item {
    double depth;
    int person;
    int joint;  // the child joint of a bone, or the joint itself
    bool is_bone;
  };
  std::vector<Item> items;
  const auto position = [&](int p, int j) {
    const float* x = clip.joint(p, t, j);
    return Vec(x[0], x[1], x[2]);
  };
  for (int p = 0; p < clip.num_persons; ++p) {
    for (int j = 0; j < kNumJoints; ++j) {
      if (!Finite(clip.joint(p, t, j))) continue;
      const double z = painter.camera.ToCamera(position(p, j)).z();
      // A joint goes just in front of the bones that meet there.
      items.push_back({z - 1e-4, p, j, false});
      const int parent = kSmpl22Parents[j];
      if (parent < 0 || !Finite(clip.joint(p, t, parent))) continue;
      items.push_back({0.5 * (z + painter.camera.ToCamera(position(p, parent)).z()), p, j, true});
    }
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.depth > b.depth; });
  for (const Item& item : items) {
    const int p = item.person, j = item.joint;
    if (item.is_bone) {
      const int parent = kSmpl22Parents[j];
      const bool seen = Valid(clip, p, t, j) && Valid(clip, p, t, parent);
      painter.Segment(position(p, parent), position(p, j), seen ? PersonScalar(p) : kInvalid,
                      seen ? painter.bone_thickness : 1);
    } else {
      const bool seen = Valid(clip, p, t, j);
      painter.Joint(position(p, j), seen ? PersonScalar(p) : kInvalid, seen);
    }
  }
}

/// One whole frame.
cv::Mat RenderFrame(const MotionClip& clip,
                    const StickPreviewCamera& camera,
                    const Vec& lo,
                    const Vec& hi,
                    const std::vector<std::string>& caption_lines,
                    int t) {
  const int w = camera.width, h = camera.height;
  Painter painter{camera,
                  cv::Mat(h, w, CV_8UC3, kBackground),
                  std::max(2, static_cast<int>(std::lround(h / 240.0))),
                  static_cast<int>(std::lround(16.0 * std::max(3.0, h / 140.0))),
                  0.5 * h / 480.0,
                  std::max(1, static_cast<int>(std::lround(h / 480.0)))};
  DrawFloor(painter, lo, hi);
  DrawPeople(painter, clip, t);

  // Info line: time, frame, persons, then each person's label in its colour.
  const int pad = std::max(4, w / 60);
  const int line_height = painter.LineHeight();
  const std::string info =
      fmt::format("t {:.2f} s   frame {} / {}   {} person{}", t / clip.fps, t, clip.num_frames - 1,
                  clip.num_persons, clip.num_persons == 1 ? "" : "s");
  int x = pad;
  const int y = pad + line_height - 4;
  painter.Text(info, cv::Point(x, y), kText);
  x += painter.TextWidth(info) + 2 * pad;
  for (int p = 0; p < clip.num_persons && x < w - pad; ++p) {
    const std::string label = fmt::format("p{}", p);
    painter.Text(label, cv::Point(x, y), PersonScalar(p));
    x += painter.TextWidth(label) + pad;
  }

  // Caption, bottom-aligned, on a darkened band so grid lines do not cross the text.
  const int lines = static_cast<int>(caption_lines.size());
  if (lines > 0) {
    const int top = std::max(0, h - pad - lines * line_height - 2);
    cv::Mat band = painter.image.rowRange(top, h);
    cv::addWeighted(band, 0.3, cv::Mat(band.size(), band.type(), kBackground), 0.7, 0.0, band);
  }
  for (int i = 0; i < lines; ++i) {
    const int baseline = h - pad - (lines - 1 - i) * line_height - 2;
    painter.Text(caption_lines[i], cv::Point(pad, baseline), kText);
  }
  return painter.image;
}

}  // namespace

std::array<uint8_t, 3> StickPreviewPersonColour(int person) {
  const auto& rgb = kPaletteRgb[static_cast<size_t>(std::max(person, 0)) % kPaletteRgb.size()];
  return {rgb[2], rgb[1], rgb[0]};
}

StickPreviewCamera MakeStickPreviewCamera(const MotionClip& clip,
                                          const StickPreviewOptions& options) {
  StickPreviewCamera camera;
  camera.width = options.width;
  camera.height = options.height;
  const double w = options.width, h = options.height;
  Vec lo = Vec::Zero(), hi = Vec::Zero();
  JointBox(clip, &lo, &hi);
  const Vec c = 0.5 * (lo + hi);

  // Orientation: b from the target towards the camera, then the OpenCV axes.
  const double az = options.azimuth_deg * EIGEN_PI / 180.0;
  const double el = options.elevation_deg * EIGEN_PI / 180.0;
  const Vec b(std::sin(az) * std::cos(el), std::sin(el), std::cos(az) * std::cos(el));
  const Vec f = -b;
  const Vec r = f.cross(Vec::UnitY()).normalized();
  const Vec u = f.cross(r);
  camera.camera_from_world_rotation.row(0) = r.transpose();
  camera.camera_from_world_rotation.row(1) = u.transpose();
  camera.camera_from_world_rotation.row(2) = f.transpose();

  // Intrinsics from the vertical field of view.
  camera.focal = 0.5 * h / std::tan(0.5 * options.vertical_fov_deg * EIGEN_PI / 180.0);
  camera.cx = 0.5 * w;
  camera.cy = 0.5 * h;

  // Distance: the smallest d that puts every joint inside the margins.
  const double a_r = (w - kMarginSide * w - camera.cx) / camera.focal;
  const double a_l = (camera.cx - kMarginSide * w) / camera.focal;
  const double a_b = (h - kMarginBottom * h - camera.cy) / camera.focal;
  const double a_t = (camera.cy - kMarginTop * h) / camera.focal;
  double d = 1.0;
  for (size_t i = 0; i + 2 < clip.joints.size(); i += 3) {
    const float* x = clip.joints.data() + i;
    if (!Finite(x)) continue;
    const Vec q = camera.camera_from_world_rotation * (Vec(x[0], x[1], x[2]) - c);
    const double needed =
        std::max(std::max(q.x() / a_r, -q.x() / a_l), std::max(q.y() / a_b, -q.y() / a_t));
    d = std::max({d, needed - q.z(), kNear - q.z()});
  }
  camera.target_in_world = c;
  camera.centre_in_world = c + d * b;
  return camera;
}

void StickPreviewOptions::Check() const {
  CheckRequired(output.string(), "output");
  CheckInRange(width, 16, 8192, "width");
  CheckInRange(height, 16, 8192, "height");
  CheckAtLeast(frame, -1, "frame");
  CheckFinite(azimuth_deg, "azimuth_deg");
  CheckFinite(elevation_deg, "elevation_deg");
  if (!(vertical_fov_deg > 0.0 && vertical_fov_deg < 180.0)) {
    throw OptionError(
        fmt::format("{{vertical_fov_deg}} must be in (0, 180), got {}", vertical_fov_deg));
  }
  // A video (frame -1) is an MP4 of even size; one frame is an image.
  const bool video = frame < 0;
  if (video && (width % 2 != 0 || height % 2 != 0)) {
    throw OptionError(fmt::format(
        "{{width}} and {{height}} must be even for an MP4 video, got {}x{}", width, height));
  }
  const std::string ext = LowerExtension(output);
  if (video && ext != "mp4") {
    throw OptionError(
        fmt::format("{{output}} {}: a preview video must be an .mp4 (for one frame pass {{frame}} "
                    "N and a .png)",
                    output.string()));
  }
  if (!video && ext != "png" && ext != "jpg" && ext != "jpeg") {
    throw OptionError(
        fmt::format("{{output}} {}: a preview frame must be a .png (or .jpg)", output.string()));
  }
}

StickPreviewReport RenderStickPreview(const MotionClip& clip, const StickPreviewOptions& options) {
  // Options and clip before any file is touched.
  options.Check();
  const std::string& source = options.source;
  const bool video = options.frame < 0;
  if (clip.num_persons <= 0 || clip.num_frames <= 0) {
    throw Error(fmt::format("{}: the clip has {} persons and {} frames; nothing to preview", source,
                            clip.num_persons, clip.num_frames));
  }
  ValidateMotionClip(clip, source);
  if (!video && options.frame >= clip.num_frames) {
    throw Error(fmt::format("{}: frame {} is out of range; the clip has {} frames (0..{})", source,
                            options.frame, clip.num_frames, clip.num_frames - 1));
  }

  // The fixed camera, the floor extent and the wrapped caption.
  const StickPreviewCamera camera = MakeStickPreviewCamera(clip, options);
  Vec lo = Vec::Zero(), hi = Vec::Zero();
  JointBox(clip, &lo, &hi);
  const std::string caption =
      options.caption ? *options.caption : (clip.text.empty() ? std::string() : clip.text[0]);
  Painter measure{camera,
                  cv::Mat(),
                  0,
                  0,
                  0.5 * options.height / 480.0,
                  std::max(1, static_cast<int>(std::lround(options.height / 480.0)))};
  const std::vector<std::string> caption_lines =
      WrapCaption(caption, measure, options.width - 2 * std::max(4, options.width / 60));

  StickPreviewReport report;
  report.output = options.output;
  report.width = options.width;
  report.height = options.height;
  report.fps = clip.fps;
  if (!video) {
    AtomicFileWriter temp(options.output);  // keeps the extension OpenCV reads
    const cv::Mat image = RenderFrame(clip, camera, lo, hi, caption_lines, options.frame);
    WriteImageOrThrow(image, temp.temp_path(), options.output.string());
    temp.Commit();
    report.frames_written = 1;
    report.summary =
        fmt::format("wrote {} (frame {} of {}, {}x{}, {} person{})", options.output.string(),
                    options.frame, clip.num_frames, options.width, options.height, clip.num_persons,
                    clip.num_persons == 1 ? "" : "s");
    return report;
  }

  Mp4Writer writer(options.output, clip.fps, options.width, options.height);
  for (int t = 0; t < clip.num_frames; ++t) {
    writer.Write(RenderFrame(clip, camera, lo, hi, caption_lines, t));
  }
  writer.Commit();
  report.frames_written = clip.num_frames;
  report.summary =
      fmt::format("wrote {} ({} frames, {}x{} at {} fps, {} person{})", options.output.string(),
                  clip.num_frames, options.width, options.height, clip.fps, clip.num_persons,
                  clip.num_persons == 1 ? "" : "s");
  return report;
}

}  // namespace intersynth
