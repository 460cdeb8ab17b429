// intersynth render --motion M.npz --scene SCENE_DIR --out DIR [--place X,Z,YAW | --seed N]
//   [--views N] [--frames-png] [--body B.npz] [--prior P.npz] [--overwrite]

#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/render_torch/render_motion.h"

namespace intersynth::cli {

void SetupRender(CLI::App* command) {
  auto options = std::make_shared<RenderMotionOptions>();
  auto motion = std::make_shared<std::string>();
  auto scene = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto body = std::make_shared<std::string>(options->body.string());
  auto prior = std::make_shared<std::string>(options->prior.string());
  auto place = std::make_shared<std::string>();
  command->footer(
      "Puts the people of a motion file into a lifted room and renders them as labelled\n"
      "camera data. The motion is placed on the room's walkable floor (seen floor, clear of\n"
      "walls and furniture, every joint in the camera's view for the whole clip): at\n"
      "--place X,Z,YAW, or drawn from --seed. Each person gets a body (the body model fitted\n"
      "to its joints, shape drawn per person from --seed) and a clothing colour. Cameras:\n"
      "the scene's own (its key frame and depth behind the people) and --views monitoring\n"
      "cameras (2.2-2.8 m high, 25-50 degrees down, 70-90 degree field of view, everyone in\n"
      "view; the room's points behind the people). Per camera: video.mp4, keypoints.json\n"
      "(COCO-17 as `recover` reads it; v = 2 seen, 1 hidden by furniture, another person or\n"
      "the body itself, 0 outside), with --frames-png the frames, 16-bit instance masks and\n"
      "depth in mm; each virtual view also gets a scene folder (view_K/scene) for\n"
      "`recover --scene`. OUT also holds motion.npz (the placed motion), bodies.npz (the\n"
      "fitted bodies' joints: the 3D truth behind the labels) and render.json. Written\n"
      "beside OUT and renamed into place: nothing is left on failure.\n\n"
      "Examples:\n"
      "  intersynth render --motion pair.npz --scene nyu_scene --out pair_render --views 2\n"
      "  intersynth render --motion fall.npz --scene ward --place 0.5,-3,90 --frames-png "
      "--out fall_render");
  auto flags = std::make_shared<FieldFlags>(command);
  RenderMotionOptions& o = *options;
  flags->Add("--motion", "motion", motion.get(), "motion file (.npz) to render")->required();
  flags->Add("--scene", "scene_dir", scene.get(), "scene folder (intersynth lift-scene --out)")
      ->required();
  flags->Add("--out", "out_dir", out.get(), "output folder")->required();
  flags->Add("--place", "place", place.get(),
             "X,Z,YAW: the motion's pelvis-trajectory centre on the floor (m) and its turn (deg)");
  flags->Add("--seed", "seed", &o.seed, "seed of placement, body shapes, colours, light, views")
      ->capture_default_str();
  flags->Add("--views", "views", &o.views, "virtual monitoring cameras besides the scene's")
      ->capture_default_str();
  flags->AddFlag("--frames-png", "frames_png", &o.frames_png,
                 "also write every frame as PNGs (RGB, instance mask, depth)");
  flags->Add("--body", "body", body.get(), "body model (.npz)")->capture_default_str();
  flags->Add("--prior", "prior", prior.get(), "pose prior (.npz)")->capture_default_str();
  flags->AddFlag("--overwrite", "overwrite", &o.overwrite, "replace an existing output folder");
  flags->Add("--threads", "threads", &o.threads, "LibTorch threads (default: every core)");
  command->callback([=] {
    flags->Run([&] {
      options->motion = *motion;
      options->scene_dir = *scene;
      options->out_dir = *out;
      options->body = *body;
      options->prior = *prior;
      if (!place->empty()) options->place = ParsePlacement(*place, "place");
      const RenderMotionReport report = RenderMotion(*options);
      for (const RenderedCamera& camera : report.cameras) {
        std::printf("%-8s %d frames; keypoints: %lld seen, %lld hidden, %lld outside the image\n",
                    camera.name.c_str(), camera.frames, static_cast<long long>(camera.seen),
                    static_cast<long long>(camera.hidden), static_cast<long long>(camera.outside));
      }
      std::printf("%s\n", report.summary.c_str());
    });
  });
}

}  // namespace intersynth::cli
