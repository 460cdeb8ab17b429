// intersynth preview --motion CLIP.npz --out preview.mp4 [--frame N] [--width W --height H]

#include <cstdio>

#include "apps/intersynth/commands.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/stick_preview.h"

namespace intersynth::cli {

void SetupPreview(CLI::App* command) {
  auto options = std::make_shared<StickPreviewOptions>();
  auto motion = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto caption = std::make_shared<std::string>();
  command->footer(
      "Draws every person of the clip as a stick figure in its own colour (joints no\n"
      "sensor saw as hollow grey circles) over a 1 m floor grid with the world axes at\n"
      "the origin (x red, y green, z blue), seen by a fixed 3/4 camera that keeps every\n"
      "joint of every frame in view. The first caption is printed at the bottom, time,\n"
      "frame and persons at the top. Writes an MP4 (mp4v) at the clip's frame rate, or\n"
      "with --frame N that one frame as a PNG.\n\n"
      "Examples:\n"
      "  intersynth preview --motion walk.npz --out walk.mp4\n"
      "  intersynth preview --motion walk.npz --frame 40 --out walk_40.png\n"
      "  intersynth preview --motion pair.npz --out pair.mp4 --width 1280 --height 720");
  command->add_option("--motion", *motion, "motion file (.npz) to preview")->required();
  command->add_option("--out", *output, "output .mp4 (or .png with --frame)")->required();
  command->add_option("--frame", options->frame, "render only this frame (0-based) into a PNG")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--width", options->width, "image width in pixels")->capture_default_str();
  command->add_option("--height", options->height, "image height in pixels")->capture_default_str();
  command->add_option("--caption", *caption, "caption to print instead of the clip's first one");
  command->callback([=] {
    options->source = *motion;
    options->output = *output;
    if (!caption->empty()) options->caption = *caption;
    const MotionClip clip = ReadMotionFile(*motion);
    const StickPreviewReport report = RenderStickPreview(clip, *options);
    std::printf("%s\n", report.summary.c_str());
  });
}

}  // namespace intersynth::cli
