#pragma once
// Offscreen rendering of triangle meshes into a real camera's image, over the
// lifted room (issue 31): OpenGL 4.5 core through EGL without a window
// (Mesa's llvmpipe through the surfaceless platform on CPU machines, the
// NVIDIA driver on GPU machines). No GL header is included here.
//
// Per render, into a framebuffer object of the camera's size:
//   1. the room: every pixel of the background image, and of the scene's
//      metric depth written into the depth buffer, so that people behind
//      furniture are hidden exactly as far as the lifted geometry says
//   2. the room's points as splats, when given (a virtual view's room)
//   3. the meshes (world frame) with a depth test, Lambert-shaded with their
//      colour, each writing its instance id into the instance mask
// Read back: the RGB image, the instance mask (0: room, else the mesh's
// instance id) and the depth map (camera-frame z of what the pixel shows:
// a mesh where one wins, else the scene depth, 0 where neither has any).
//
// Projection: the OpenCV pinhole camera of the scene (geometry/
// pinhole_camera.h): a point X in the camera frame covers the pixel whose
// centre (u, v) is nearest to PinholeCamera::Project(X), with u the column
// and v the row from the top-left; rows are read back top row first.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/scene/depth_map.h"

namespace intersynth {

/// One triangle mesh in the world frame.
struct RenderMesh {
  /// [V, 3] world positions, metres.
  std::vector<float> vertices;
  /// [F, 3] vertex indices.
  std::vector<uint32_t> triangles;
  /// Surface colour.
  std::array<uint8_t, 3> color = {200, 200, 200};
  /// Written into the instance mask where the mesh is seen (1..65535).
  int instance = 1;
};

/// Coloured points of a room (a lifted scene's points.ply), drawn as round
/// discs of `radius_m` facing the camera (splats): the background of a view
/// other than the scene's own camera.
struct RenderPoints {
  /// [N, 3] world positions, metres.
  std::vector<float> positions;
  /// [N, 3] RGB, or empty: grey.
  std::vector<uint8_t> colors;
  /// [N] radius of each disc (metres), or empty: radius_m for all. A point
  /// sampled every s pixels at depth z by a camera of focal length f covers
  /// about s z / f metres (more on surfaces seen at a grazing angle).
  std::vector<float> radii;
  double radius_m = 0.02;
};

/// The splats of a room seen by `camera` (its metric depth, camera-frame z per
/// pixel, 0 or non-finite: none; and its key frame, or null: grey): a point
/// at every `stride`-th pixel in each direction, in the world frame, each
/// disc as wide as the patch to its sampled neighbours on the same surface
/// (depth within 20%; so surfaces seen at a grazing angle get wide discs),
/// at most four times the pixels' own footprint and max_radius_m. Throws Error for sizes that
/// disagree or a stride below 1.
RenderPoints RoomSplats(const PinholeCamera& camera,
                        const RigidTransformd& world_from_camera,
                        const DepthMap& depth,
                        const RgbImage* image,
                        int stride = 2,
                        double max_radius_m = 0.15);

/// What the camera sees besides the meshes.
struct RenderView {
  PinholeCamera camera;
  /// x_in_world = world_from_camera * x_in_camera.
  RigidTransformd world_from_camera;
  /// The room's metric depth (camera-frame z per pixel; 0 or non-finite:
  /// none) of the camera's size, or null: nothing hides the meshes.
  const DepthMap* scene_depth = nullptr;
  /// The key frame behind the meshes (the camera's size), or null: black.
  const RgbImage* background = nullptr;
  /// Room points drawn as splats after the room pass (depth-tested, so they
  /// hide meshes behind them and are hidden by the scene depth), or null.
  const RenderPoints* splats = nullptr;
  /// Direction the light travels in the camera frame, and the ambient share.
  std::array<double, 3> light_direction = {0.3, 0.6, 1.0};
  double ambient = 0.35;
  /// Clipping planes, metres (camera-frame z).
  double near_m = 0.05;
  double far_m = 100.0;
};

struct RenderOutput {
  RgbImage rgb;
  /// [height, width] row-major: 0 for the room, else the instance id.
  std::vector<uint16_t> instance;
  /// Camera-frame z of what each pixel shows, metres (0: nothing).
  DepthMap depth;
};

/// An EGL context and a framebuffer of one size. Not thread-safe; one per
/// thread.
class OffscreenRenderer {
 public:
  /// Creates the context (GL 4.5 core, no window) and the framebuffer.
  /// Throws Error saying what is missing when EGL, the surfaceless platform
  /// or GL 4.5 is not available (on Debian: libegl1 libegl-mesa0
  /// libgl1-mesa-dri libopengl0), or for a size below 1.
  OffscreenRenderer(int width, int height);
  ~OffscreenRenderer();
  OffscreenRenderer(const OffscreenRenderer&) = delete;
  OffscreenRenderer& operator=(const OffscreenRenderer&) = delete;

  /// Renders `meshes` seen from `view` (see the file comment). Throws Error
  /// for a camera, depth or background of another size, a mesh index out of
  /// range, a non-finite vertex or an instance id outside 1..65535.
  RenderOutput Render(const RenderView& view, const std::vector<RenderMesh>& meshes);

  /// "OpenGL 4.5 (Core Profile) Mesa 22.3.6, llvmpipe (LLVM 15.0.6, 256 bits)".
  std::string Description() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace intersynth
