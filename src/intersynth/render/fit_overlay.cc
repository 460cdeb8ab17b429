#include "intersynth/render/fit_overlay.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "intersynth/render/stick_preview.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

// COCO-17 limbs (the skeleton of COCO's person category, 0-based).
constexpr std::array<std::array<int, 2>, 16> kCocoLimbs = {{{15, 13},
                                                            {13, 11},
                                                            {16, 14},
                                                            {14, 12},
                                                            {11, 12},
                                                            {5, 11},
                                                            {6, 12},
                                                            {5, 6},
                                                            {5, 7},
                                                            {6, 8},
                                                            {7, 9},
                                                            {8, 10},
                                                            {0, 1},
                                                            {0, 2},
                                                            {1, 3},
                                                            {2, 4}}};

constexpr double kNearZ = 0.05;
constexpr int kShift = 4;  // sub-pixel bits of the polygon fill
constexpr double kScale = 1 << kShift;

struct Triangle {
  float depth;
  int person;
  std::array<cv::Point, 3> corners;
  float shade;
};

cv::Point2d Project(const PinholeCamera& k, const float* x) {
  return {k.fx * x[0] / x[2] + k.cx, k.fy * x[1] / x[2] + k.cy};
}

cv::Point Pixel(const std::array<float, 2>& p) {
  return {static_cast<int>(std::lround(p[0])), static_cast<int>(std::lround(p[1]))};
}

}  // namespace

void FitOverlayOptions::Check() const { CheckInRange(mesh_opacity, 0.0, 1.0, "mesh_opacity"); }

cv::Mat DrawFitOverlay(const cv::Mat& frame,
                       const PinholeCamera& camera,
                       const std::vector<int32_t>& faces,
                       const std::vector<FitOverlayPerson>& people,
                       const FitOverlayOptions& options) {
  options.Check();
  if (camera.width < 1 || camera.height < 1)
    throw Error(fmt::format("fit overlay: camera size {}x{}", camera.width, camera.height));
  cv::Mat canvas;
  if (frame.empty()) {
    canvas = cv::Mat(camera.height, camera.width, CV_8UC3, cv::Scalar(128, 128, 128));
  } else {
    if (frame.cols != camera.width || frame.rows != camera.height || frame.type() != CV_8UC3)
      throw Error(fmt::format("fit overlay: the frame is {}x{} ({} channels), the camera {}x{}",
                              frame.cols, frame.rows, frame.channels(), camera.width,
                              camera.height));
    canvas = frame.clone();
  }
  if (faces.size() % 3 != 0) throw Error("fit overlay: faces are not a multiple of 3 indices");

  std::vector<Triangle> triangles;
  for (size_t p = 0; p < people.size(); ++p) {
    const std::vector<float>& v = people[p].vertices;
    if (v.size() % 3 != 0)
      throw Error(
          fmt::format("fit overlay: person {}: {} vertex values are not [V, 3]", p, v.size()));
    const int64_t num_vertices = static_cast<int64_t>(v.size() / 3);
    for (size_t f = 0; f < faces.size(); f += 3) {
      std::array<const float*, 3> x{};
      bool visible = true;
      for (int i = 0; i < 3; ++i) {
        const int32_t id = faces[f + i];
        if (id < 0 || id >= num_vertices)
          throw Error(
              fmt::format("fit overlay: face {} names vertex {} of {}", f / 3, id, num_vertices));
        x[i] = v.data() + 3 * static_cast<size_t>(id);
        if (!(x[i][2] >= kNearZ) || !std::isfinite(x[i][0]) || !std::isfinite(x[i][1]))
          visible = false;
      }
      if (!visible) continue;
      Triangle t;
      t.person = static_cast<int>(p);
      t.depth = (x[0][2] + x[1][2] + x[2][2]) / 3.0f;
      for (int i = 0; i < 3; ++i) {
        const cv::Point2d q = Project(camera, x[i]);
        t.corners[i] = cv::Point(static_cast<int>(std::lround(q.x * kScale)),
                                 static_cast<int>(std::lround(q.y * kScale)));
      }
      const cv::Vec3f a(x[0][0], x[0][1], x[0][2]), b(x[1][0], x[1][1], x[1][2]),
          c(x[2][0], x[2][1], x[2][2]);
      const cv::Vec3f n = (b - a).cross(c - a);
      const cv::Vec3f centre = (a + b + c) / 3.0f;
      const double norm = cv::norm(n) * cv::norm(centre);
      const double cosine = norm > 0.0 ? std::abs(n.dot(centre)) / norm : 0.0;
      t.shade = static_cast<float>(0.35 + 0.65 * cosine);
      triangles.push_back(t);
    }
  }
  std::sort(triangles.begin(), triangles.end(),
            [](const Triangle& a, const Triangle& b) { return a.depth > b.depth; });
  cv::Mat layer(canvas.size(), CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat mask(canvas.size(), CV_8UC1, cv::Scalar(0));
  for (const Triangle& t : triangles) {
    const std::array<uint8_t, 3> c = StickPreviewPersonColour(people[t.person].colour);
    const cv::Scalar colour(c[0] * t.shade, c[1] * t.shade, c[2] * t.shade);
    cv::fillConvexPoly(layer, t.corners.data(), 3, colour, cv::LINE_8, kShift);
    cv::fillConvexPoly(mask, t.corners.data(), 3, cv::Scalar(255), cv::LINE_8, kShift);
  }
  cv::Mat blended;
  cv::addWeighted(canvas, 1.0 - options.mesh_opacity, layer, options.mesh_opacity, 0.0, blended);
  blended.copyTo(canvas, mask);

  for (const FitOverlayPerson& person : people) {
    const std::array<uint8_t, 3> c = StickPreviewPersonColour(person.colour);
    for (const auto& [a, b] : kCocoLimbs)
      cv::line(canvas, Pixel(person.fitted[a]), Pixel(person.fitted[b]),
               cv::Scalar(c[0], c[1], c[2]), 1, cv::LINE_AA);
    for (int k = 0; k < 17; ++k) {
      if (!(person.confidence[k] > 0.0f)) continue;
      cv::line(canvas, Pixel(person.observed[k]), Pixel(person.fitted[k]), cv::Scalar(0, 230, 255),
               1, cv::LINE_AA);
      cv::circle(canvas, Pixel(person.observed[k]), 3, cv::Scalar(60, 220, 60), cv::FILLED,
                 cv::LINE_AA);
      cv::circle(canvas, Pixel(person.fitted[k]), 2, cv::Scalar(40, 40, 230), cv::FILLED,
                 cv::LINE_AA);
    }
  }
  if (!options.caption.empty()) {
    // Text about 1/60 of the width high, at least HERSHEY's 0.5 scale.
    const double scale = std::max(0.5, canvas.cols / 1280.0 * 0.6);
    const int thickness = scale > 0.8 ? 2 : 1;
    int baseline = 0;
    const cv::Size text =
        cv::getTextSize(options.caption, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
    cv::rectangle(canvas, cv::Rect(0, 0, canvas.cols, text.height + baseline + 8),
                  cv::Scalar(0, 0, 0), cv::FILLED);
    cv::putText(canvas, options.caption, cv::Point(6, text.height + 4), cv::FONT_HERSHEY_SIMPLEX,
                scale, cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
  }
  return canvas;
}

}  // namespace intersynth
