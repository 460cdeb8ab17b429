// intersynth preview --motion CLIP.npz --out preview.mp4 [--frame N] [--width W --height H]
// intersynth preview --scene SCENE_DIR --out scene.png
// Flags into StickPreviewOptions or ScenePreviewOptions, then one call:
// RenderStickPreview or RenderScenePreview (render/).

#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/scene_preview.h"
#include "intersynth/render/stick_preview.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {

void SetupPreview(CLI::App* command) {
  auto options = std::make_shared<StickPreviewOptions>();
  auto scene_options = std::make_shared<ScenePreviewOptions>();
  // Both structs' fields: `output` is the same flag in each.
  auto flags = std::make_shared<FieldFlags>(command);
  auto motion = std::make_shared<std::string>();
  auto scene = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto caption = std::make_shared<std::string>();
  command->footer(
      "With --motion: draws every person of the clip as a stick figure in its own colour\n"
      "(joints no sensor saw as hollow grey circles) over a 1 m floor grid with the world\n"
      "axes at the origin (x red, y green, z blue), seen by a fixed 3/4 camera that keeps\n"
      "every joint of every frame in view. The first caption is printed at the bottom,\n"
      "time, frame and persons at the top. Writes an MP4 (mp4v) at the clip's frame rate,\n"
      "or with --frame N that one frame as a PNG.\n\n"
      "With --scene (a folder from lift-scene): draws over the key frame the floor\n"
      "inliers (green), the world floor grid y = 0 (metre lines thicker) and the world\n"
      "axes at the origin, 1 m long; the grid lies flat on the floor when the floor was\n"
      "found right.\n\n"
      "Examples:\n"
      "  intersynth preview --motion walk.npz --out walk.mp4\n"
      "  intersynth preview --motion walk.npz --frame 40 --out walk_40.png\n"
      "  intersynth preview --motion pair.npz --out pair.mp4 --width 1280 --height 720\n"
      "  intersynth preview --scene out/nyu_dining --out out/nyu_dining/preview.png");
  CLI::Option* motion_option =
      command->add_option("--motion", *motion, "motion file (.npz) to preview");
  CLI::Option* scene_option =
      flags->Add("--scene", "scene_dir", scene.get(), "scene folder (lift-scene output) to draw");
  motion_option->excludes(scene_option);
  flags->Add("--out", "output", output.get(), "output .mp4 (or .png with --frame or --scene)")
      ->required();
  flags->Add("--frame", "frame", &options->frame, "render only this frame (0-based) into a PNG")
      ->check(CLI::NonNegativeNumber);
  flags->Add("--width", "width", &options->width, "image width in pixels")->capture_default_str();
  flags->Add("--height", "height", &options->height, "image height in pixels")
      ->capture_default_str();
  flags->Add("--caption", "caption", caption.get(),
             "caption to print instead of the clip's first one");
  flags
      ->Add("--grid-step", "grid_step", &scene_options->grid_step,
            "scene: floor grid spacing, metres")
      ->capture_default_str();
  command->callback([=] {
    flags->Run([&] {
      if (!scene->empty()) {
        scene_options->scene_dir = *scene;
        scene_options->output = *output;
        std::printf("%s\n", RenderScenePreview(*scene_options).summary.c_str());
        return;
      }
      if (motion->empty()) throw Error("preview: give --motion CLIP.npz or --scene SCENE_DIR");
      options->source = *motion;
      options->output = *output;
      if (!caption->empty()) options->caption = *caption;
      const MotionClip clip = ReadMotionFile(*motion);
      const StickPreviewReport report = RenderStickPreview(clip, *options);
      std::printf("%s\n", report.summary.c_str());
    });
  });
}

}  // namespace intersynth::cli
