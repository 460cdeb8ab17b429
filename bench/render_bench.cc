// Offscreen rendering speed (render_gl/offscreen_renderer.h) at 640x480 on
// this machine's GL (Mesa llvmpipe on CPU machines): the synthetic room's key
// frame and depth behind 1 or 2 bodies of the bundled open body model
// (~13k vertices each, at rest), everything read back (RGB, instance mask,
// depth).
//   build/bench/render_bench --benchmark_counters_tabular=true
// With INTERSYNTH_RENDER_BENCH_PNG=FILE.png it also writes one frame of two
// bodies, to look at, and FILE_virtual.png: the same bodies from a sampled
// monitoring camera (render/virtual_camera.h) over the room's points as
// splats.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "intersynth/body/body_model.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/render/image_write.h"
#include "intersynth/render/virtual_camera.h"
#include "intersynth/render_gl/offscreen_renderer.h"
#include "intersynth/scene/synthetic_room.h"

namespace intersynth {
namespace {

const SyntheticRoom& Room() {
  static const SyntheticRoom room = RenderSyntheticRoom();
  return room;
}

// The body at rest, feet on the floor, its centre at (x, z).
RenderMesh Body(double x, double z, int instance, std::array<uint8_t, 3> color) {
  static const BodyModelData model = LoadBodyModel(
      std::filesystem::path(INTERSYNTH_BENCH_SOURCE_DIR) / "assets/body/open_body.npz");
  float y_min = 1e9f, cx = 0.0f, cz = 0.0f;
  for (int v = 0; v < model.num_vertices; ++v) {
    y_min = std::min(y_min, model.v_template[3 * v + 1]);
    cx += model.v_template[3 * v] / model.num_vertices;
    cz += model.v_template[3 * v + 2] / model.num_vertices;
  }
  RenderMesh mesh;
  mesh.vertices = model.v_template;
  for (int v = 0; v < model.num_vertices; ++v) {
    mesh.vertices[3 * v] += static_cast<float>(x) - cx;
    mesh.vertices[3 * v + 1] -= y_min;
    mesh.vertices[3 * v + 2] += static_cast<float>(z) - cz;
  }
  mesh.triangles.assign(model.faces.begin(), model.faces.end());
  mesh.instance = instance;
  mesh.color = color;
  return mesh;
}

std::vector<RenderMesh> Bodies(int persons) {
  std::vector<RenderMesh> bodies = {Body(-0.3, -3.5, 1, {200, 80, 60})};
  if (persons > 1) bodies.push_back(Body(0.5, -4.2, 2, {60, 110, 200}));
  return bodies;
}

RenderView View() {
  RenderView view;
  view.camera = Room().camera;
  view.world_from_camera = Room().world_from_camera;
  view.scene_depth = &Room().depth;
  view.background = &Room().image;
  return view;
}

void BM_Render(benchmark::State& state) {
  static OffscreenRenderer renderer(640, 480);
  const std::vector<RenderMesh> bodies = Bodies(static_cast<int>(state.range(0)));
  const RenderView view = View();
  for (auto _ : state) benchmark::DoNotOptimize(renderer.Render(view, bodies));
  state.counters["frames/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(renderer.Description());
}
BENCHMARK(BM_Render)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void WritePng(const RenderOutput& out, const std::string& path) {
  cv::Mat rgb(out.rgb.height, out.rgb.width, CV_8UC3, const_cast<uint8_t*>(out.rgb.rgb.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  WriteImageOrThrow(bgr, path, path);
}

// Writes the frames when asked (before the benchmarks run).
const bool kWrotePng = [] {
  const char* path = std::getenv("INTERSYNTH_RENDER_BENCH_PNG");
  if (path == nullptr) return false;
  OffscreenRenderer renderer(640, 480);
  WritePng(renderer.Render(View(), Bodies(2)), path);
  // Two standing people where the bodies stand, for the camera sampler.
  MotionClip people = MotionClip::Zeros(2, 1);
  const MotionClip one = SyntheticActionMotion(SyntheticAction::kRaiseLeftHand, 1, 1);
  const double at[2][2] = {{-0.3, -3.5}, {0.5, -4.2}};
  for (int p = 0; p < 2; ++p) {
    for (int j = 0; j < kNumJoints; ++j) {
      people.joint(p, 0, j)[0] = one.joint(0, 0, j)[0] - one.joint(0, 0, 0)[0] + at[p][0];
      people.joint(p, 0, j)[1] = one.joint(0, 0, j)[1];
      people.joint(p, 0, j)[2] = one.joint(0, 0, j)[2] - one.joint(0, 0, 0)[2] + at[p][1];
    }
  }
  const RoomMap map(Room().camera, Room().world_from_camera, Room().depth);
  const MonitoringCamera sensor = SampleMonitoringCamera(people, &map, {}, 4);
  const RenderPoints points =
      RoomSplats(Room().camera, Room().world_from_camera, Room().depth, &Room().image);
  RenderView view;
  view.camera = sensor.camera.camera;
  view.world_from_camera = sensor.camera.world_from_camera;
  view.splats = &points;
  std::string virtual_path = path;
  virtual_path.insert(virtual_path.rfind('.'), "_virtual");
  WritePng(renderer.Render(view, Bodies(2)), virtual_path);
  return true;
}();

}  // namespace
}  // namespace intersynth

BENCHMARK_MAIN();
