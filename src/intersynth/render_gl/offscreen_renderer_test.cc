#include "intersynth/render_gl/offscreen_renderer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/testing/testing.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

constexpr int kWidth = 64;
constexpr int kHeight = 48;

// A small camera looking along +z from the world origin (world = camera
// frame), its principal point off centre so that a wrong convention shows.
RenderView View() {
  RenderView view;
  view.camera.fx = 60.0;
  view.camera.fy = 58.0;
  view.camera.cx = 30.3;
  view.camera.cy = 25.6;
  view.camera.width = kWidth;
  view.camera.height = kHeight;
  return view;
}

// The quad with corners a, b, c, d (in order) as two triangles.
RenderMesh Quad(const Eigen::Vector3d& a,
                const Eigen::Vector3d& b,
                const Eigen::Vector3d& c,
                const Eigen::Vector3d& d,
                int instance) {
  RenderMesh mesh;
  for (const Eigen::Vector3d& p : {a, b, c, d}) {
    for (int k = 0; k < 3; ++k) mesh.vertices.push_back(static_cast<float>(p[k]));
  }
  mesh.triangles = {0, 1, 2, 0, 2, 3};
  mesh.instance = instance;
  return mesh;
}

// A square of half-size h facing the camera at depth z, centred on (x, y).
RenderMesh Facing(double x, double y, double z, double h, int instance) {
  return Quad({x - h, y - h, z}, {x + h, y - h, z}, {x + h, y + h, z}, {x - h, y + h, z}, instance);
}

class Renderer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { renderer_ = new OffscreenRenderer(kWidth, kHeight); }
  static void TearDownTestSuite() { delete renderer_; }
  static OffscreenRenderer* renderer_;
};

OffscreenRenderer* Renderer::renderer_ = nullptr;

TEST_F(Renderer, SaysWhatItRunsOn) {
  const std::string description = renderer_->Description();
  std::printf("%s\n", description.c_str());
  EXPECT_NE(description.find("OpenGL 4."), std::string::npos) << description;
}

// A small square around a known point covers the pixels around the pixel
// PinholeCamera::Project predicts: their centroid is the projection.
TEST_F(Renderer, APointLandsOnThePixelTheCameraPredicts) {
  const RenderView view = View();
  for (const Eigen::Vector3d& point :
       {Eigen::Vector3d(0.1, -0.05, 2.0), Eigen::Vector3d(-0.37, 0.21, 1.3),
        Eigen::Vector3d(0.0, 0.0, 3.0)}) {
    // Half-size of 1.5 pixels at that depth.
    const double h = 1.5 * point.z() / view.camera.fx;
    const RenderOutput out =
        renderer_->Render(view, {Facing(point.x(), point.y(), point.z(), h, 7)});
    double su = 0.0, sv = 0.0;
    int n = 0;
    for (int v = 0; v < kHeight; ++v) {
      for (int u = 0; u < kWidth; ++u) {
        if (out.instance[v * kWidth + u] != 7) continue;
        su += u;
        sv += v;
        ++n;
      }
    }
    ASSERT_GE(n, 4) << point.transpose();
    const Eigen::Vector2d want = view.camera.Project(point);
    EXPECT_NEAR(su / n, want.x(), 0.5) << point.transpose();
    EXPECT_NEAR(sv / n, want.y(), 0.5) << point.transpose();
  }
}

// A slanted quad: every pixel whose ray meets it well inside shows its id
// and the camera-frame z of that meeting point (a CPU ray cast); pixels
// whose ray misses it well outside show the room (id 0, no depth).
TEST_F(Renderer, DepthAndMaskAgreeWithACpuRayCast) {
  RenderView view = View();
  // Rotate the camera a little: the world is not the camera frame.
  view.world_from_camera.rotation =
      Eigen::AngleAxisd(0.2, Eigen::Vector3d::UnitY()).toRotationMatrix();
  view.world_from_camera.translation = Eigen::Vector3d(0.1, -0.2, 0.3);
  // The plane z_world = 2.5 + 0.4 x_world, x in [-0.6, 0.8], y in [-0.7, 0.3].
  auto plane = [](double x, double y) { return Eigen::Vector3d(x, y, 2.5 + 0.4 * x); };
  const RenderOutput out = renderer_->Render(
      view, {Quad(plane(-0.6, -0.7), plane(0.8, -0.7), plane(0.8, 0.3), plane(-0.6, 0.3), 3)});
  int inside = 0, outside = 0;
  for (int v = 0; v < kHeight; ++v) {
    for (int u = 0; u < kWidth; ++u) {
      // The pixel's ray in the world, met with the plane z - 0.4 x = 2.5.
      const Eigen::Vector3d origin = view.world_from_camera.translation;
      const Eigen::Vector3d direction =
          view.world_from_camera.rotation * view.camera.Unproject(u, v, 1.0);
      const double s =
          (2.5 - origin.z() + 0.4 * origin.x()) / (direction.z() - 0.4 * direction.x());
      const Eigen::Vector3d hit = origin + s * direction;
      const double margin = 0.03;
      const bool well_inside = hit.x() > -0.6 + margin && hit.x() < 0.8 - margin &&
                               hit.y() > -0.7 + margin && hit.y() < 0.3 - margin;
      const bool well_outside = hit.x() < -0.6 - margin || hit.x() > 0.8 + margin ||
                                hit.y() < -0.7 - margin || hit.y() > 0.3 + margin;
      const int i = v * kWidth + u;
      if (well_inside) {
        ++inside;
        ASSERT_EQ(out.instance[i], 3) << u << "," << v;
        ASSERT_NEAR(out.depth.values[i], s, 2e-3) << u << "," << v;  // z of the hit = s
      } else if (well_outside) {
        ++outside;
        ASSERT_EQ(out.instance[i], 0) << u << "," << v;
        ASSERT_EQ(out.depth.values[i], 0.0f) << u << "," << v;
      }
    }
  }
  EXPECT_GT(inside, 300);
  EXPECT_GT(outside, 300);
}

// The nearer of two meshes wins; the room's depth hides a mesh behind it
// (a table in the left half at 1.5 m hides a person at 2 m) and shows
// through where nothing nearer is; the key frame is the background.
TEST_F(Renderer, TheNearestSurfaceWinsTheRoomIncluded) {
  RenderView view = View();
  DepthMap room = DepthMap::Filled(kWidth, kHeight, 3.0f);
  for (int v = 0; v < kHeight; ++v) {
    for (int u = 0; u < kWidth / 2; ++u) room.at(v, u) = 1.5f;
  }
  room.at(0, kWidth - 1) = 0.0f;  // a pixel without depth
  RgbImage frame;
  frame.width = kWidth;
  frame.height = kHeight;
  frame.rgb.assign(kWidth * kHeight * 3, 0);
  for (int i = 0; i < kWidth * kHeight; ++i) frame.rgb[3 * i + 1] = 90;
  view.scene_depth = &room;
  view.background = &frame;
  const RenderOutput out =
      renderer_->Render(view, {Facing(0.0, 0.0, 2.0, 2.0, 1), Facing(0.3, 0.0, 1.0, 0.1, 2)});
  // The small square at 1 m in front of the big one at 2 m.
  const Eigen::Vector2d near = view.camera.Project({0.3, 0.0, 1.0});
  const int at_near =
      static_cast<int>(std::lround(near.y())) * kWidth + static_cast<int>(std::lround(near.x()));
  EXPECT_EQ(out.instance[at_near], 2);
  EXPECT_NEAR(out.depth.values[at_near], 1.0, 1e-4);
  // Left half: the table hides the big square; right half: the square
  // hides the room at 3 m.
  EXPECT_EQ(out.instance[20 * kWidth + 5], 0);
  EXPECT_NEAR(out.depth.values[20 * kWidth + 5], 1.5, 1e-4);
  EXPECT_EQ(out.rgb.rgb[3 * (20 * kWidth + 5) + 1], 90);
  EXPECT_EQ(out.instance[10 * kWidth + 58], 1);
  EXPECT_NEAR(out.depth.values[10 * kWidth + 58], 2.0, 1e-4);
  EXPECT_NE(out.rgb.rgb[3 * (10 * kWidth + 58) + 1], 90);
  EXPECT_EQ(out.depth.values[kWidth - 1], 2.0f);  // no room depth: the square
}

// A room's points drawn as splats from its own camera give back its depth
// and colours (discs of 1.5 pixels' radius at every second pixel cover the
// image).
TEST_F(Renderer, SplatsOfARoomGiveItsDepthBack) {
  const RenderView view = View();
  // A floor 1 m below the camera and a wall 4 m ahead, coloured by height.
  DepthMap truth = DepthMap::Filled(kWidth, kHeight, 0.0f);
  RenderPoints points;
  for (int v = 0; v < kHeight; ++v) {
    for (int u = 0; u < kWidth; ++u) {
      const Eigen::Vector3d ray = view.camera.Unproject(u, v, 1.0);
      double z = 4.0;
      if (ray.y() > 0.0) z = std::min(z, 1.0 / ray.y());  // floor y = 1 (camera y down)
      truth.at(v, u) = static_cast<float>(z);
      if (u % 2 != 0 || v % 2 != 0) continue;
      const Eigen::Vector3d p = ray * z;
      for (int c = 0; c < 3; ++c) points.positions.push_back(static_cast<float>(p[c]));
      const uint8_t shade = static_cast<uint8_t>(100 + 40 * p.y());
      points.colors.insert(points.colors.end(), {shade, 30, 200});
    }
  }
  RenderView splatted = view;
  points.radius_m = 1.5 * 4.0 / view.camera.fx;  // 1.5 pixels at the far wall
  splatted.splats = &points;
  const RenderOutput out = renderer_->Render(splatted, {});
  // Discs are flat at their centre's depth, so where the floor recedes fast
  // (near the horizon a row is 6% deeper than the next) a disc's edge shows
  // its neighbour's depth.
  int covered = 0, within_3 = 0, within_10 = 0;
  for (int i = 0; i < kWidth * kHeight; ++i) {
    if (out.depth.values[i] == 0.0f) continue;
    ++covered;
    const double error = std::abs(out.depth.values[i] - truth.values[i]) / truth.values[i];
    within_3 += error < 0.03 ? 1 : 0;
    within_10 += error < 0.10 ? 1 : 0;
    ASSERT_EQ(out.instance[i], 0);
  }
  EXPECT_GT(covered, 0.98 * kWidth * kHeight);
  EXPECT_GT(within_3, 0.85 * covered);
  // Colours come through as given (R, G, B).
  EXPECT_EQ(out.rgb.rgb[3 * (20 * kWidth + 20) + 1], 30);
  EXPECT_EQ(out.rgb.rgb[3 * (20 * kWidth + 20) + 2], 200);
  EXPECT_GT(within_10, 0.98 * covered);
  // A mesh in front of the wall hides its splats; one behind is hidden.
  const RenderOutput with_mesh =
      renderer_->Render(splatted, {Facing(0.0, -0.5, 2.0, 0.2, 1), Facing(0.5, -0.5, 6.0, 0.3, 2)});
  const Eigen::Vector2d front = view.camera.Project({0.0, -0.5, 2.0});
  EXPECT_EQ(with_mesh.instance[static_cast<int>(front.y()) * kWidth + static_cast<int>(front.x())],
            1);
  for (uint16_t id : with_mesh.instance) ASSERT_NE(id, 2);
  RenderPoints bad;
  bad.positions = {0.0f, 0.0f};
  splatted.splats = &bad;
  EXPECT_ERROR_CONTAINS(renderer_->Render(splatted, {}), {"splats", "[N, 3]"});
}

TEST_F(Renderer, BadInputIsAClearError) {
  RenderView view = View();
  RenderMesh bad = Facing(0, 0, 2, 0.5, 1);
  bad.triangles.push_back(9);
  bad.triangles.push_back(0);
  bad.triangles.push_back(1);
  EXPECT_ERROR_CONTAINS(renderer_->Render(view, {bad}), {"mesh 0", "vertex index 9"});
  RenderMesh nan = Facing(0, 0, 2, 0.5, 1);
  nan.vertices[4] = std::nanf("");
  EXPECT_ERROR_CONTAINS(renderer_->Render(view, {nan}), {"mesh 0", "not finite"});
  RenderMesh zero = Facing(0, 0, 2, 0.5, 0);
  EXPECT_ERROR_CONTAINS(renderer_->Render(view, {zero}), {"instance id 0"});
  DepthMap small = DepthMap::Filled(10, 10, 1.0f);
  view.scene_depth = &small;
  EXPECT_ERROR_CONTAINS(renderer_->Render(view, {}), {"scene depth is 10x10", "64x48"});
  view.scene_depth = nullptr;
  view.camera.width = 32;
  EXPECT_ERROR_CONTAINS(renderer_->Render(view, {}), {"32x48", "renderer's 64x48"});
  EXPECT_ERROR_CONTAINS(OffscreenRenderer(0, 10), {"at least 1x1"});
}

}  // namespace
}  // namespace intersynth
