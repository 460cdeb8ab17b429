// intersynth demo [--assets DIR] [--out DIR]

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/demo.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/scene_preview.h"
#include "intersynth/render/stick_preview.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/util/error.h"
#ifdef INTERSYNTH_WITH_TORCH
#include "intersynth/diffusion/generate.h"
#endif

namespace intersynth::cli {
namespace {

// Lifts the bundled NYUv2 dining room (sensor depth, no floor mask) into
// out/scene_nyu_dining and draws its preview.
void RunSceneDemo(const std::filesystem::path& assets, const std::filesystem::path& out) {
  const std::filesystem::path scene = assets / "scenes" / "nyu_dining";
  if (!std::filesystem::exists(scene / "image.png")) {
    std::printf("skipped scene lifting: no bundled scene at %s\n", scene.c_str());
    return;
  }
  LiftSceneFiles files;
  files.image = scene / "image.png";
  files.depth = scene / "depth.png";
  files.intrinsics = scene / "intrinsics.json";
  const LiftSceneInputs inputs = LoadLiftSceneInputs(files);
  const LiftSceneResult result = LiftScene(inputs);
  if (!result.success) throw Error("demo: lifting " + scene.string() + ": " + result.message);
  const std::filesystem::path scene_out = out / "scene_nyu_dining";
  std::filesystem::create_directories(out);
  WriteSceneFolder(scene_out, inputs, result, /*overwrite=*/true);
  ScenePreviewOptions preview;
  preview.scene_dir = scene_out;
  preview.output = out / "scene_nyu_dining_preview.png";
  RenderScenePreview(preview);
  std::printf(
      "lifted scene: %s -> %s (camera %.2f m above the floor, %.1f%% of the floor within 3 cm of y "
      "= 0), "
      "preview %s\n",
      scene.c_str(), scene_out.c_str(), result.placement.camera_height,
      100.0 * result.floor_within_3cm, preview.output.c_str());
}

#ifdef INTERSYNTH_WITH_TORCH
struct DemoPrompt {
  const char* text;
  int persons;
};

// Prompts in the style of the training captions, for one, two and three persons.
constexpr DemoPrompt kDemoPrompts[] = {
    {"a person walks forward", 1},
    {"a person waves with the right hand", 1},
    {"one person walks forward while another waves", 2},
    {"two people bump fists, then raise them together", 2},
    {"one person walks in a circle, another bows, and a third waits", 3},
};

// Draws every demo prompt from the bundled model into out/generated: a motion
// file and a stick-figure MP4 each (DDIM 50, guidance 2.5, seed = index).
void RunGenerationDemo(const std::filesystem::path& model, const std::filesystem::path& out) {
  std::filesystem::create_directories(out);
  int index = 0;
  for (const DemoPrompt& prompt : kDemoPrompts) {
    GenerateOptions options;
    options.model_dir = model;
    options.text = prompt.text;
    options.persons = prompt.persons;
    options.seconds = 5.0;
    options.seed = index;
    options.progress = false;
    const GenerateResult generated = Generate(options);
    const std::string stem = fmt::format("{:02}_{}p", index, prompt.persons);
    const std::filesystem::path motion = out / (stem + ".npz");
    WriteMotionFile(motion, generated.motions[0]);
    StickPreviewOptions preview;
    preview.output = out / (stem + ".mp4");
    preview.source = motion.string();
    RenderStickPreview(generated.motions[0], preview);
    std::printf("generated: \"%s\" (%d person%s, %.1f s) -> %s, %s\n", prompt.text, prompt.persons,
                prompt.persons == 1 ? "" : "s", generated.sampling_s, motion.c_str(),
                preview.output.c_str());
    ++index;
  }
}
#endif

}  // namespace

void SetupDemo(CLI::App* command) {
  auto options = std::make_shared<DemoOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  command->footer(
      "Runs the demo on the bundled assets: converts the HumanML3D sample 012314\n"
      "to an intersynth motion file and back to both feature layouts, checking each\n"
      "step against the reference; lifts the bundled NYUv2 dining room into\n"
      "OUT/scene_nyu_dining (lift-scene) and draws OUT/scene_nyu_dining_preview.png;\n"
      "then, when the bundled motion diffusion model (assets/models/intersynth-cpu)\n"
      "is there, generates a few prompts for one, two and three persons into\n"
      "OUT/generated (motion files and stick-figure MP4s). Prints what it did and\n"
      "where the files are.\n\n"
      "Example:\n  intersynth demo --assets assets --out out/demo");
  flags->Add("--assets", "assets", &options->assets, "bundled assets folder")
      ->capture_default_str();
  flags->Add("--out", "out", &options->out, "output folder (created)")->capture_default_str();
  command->callback([=] {
    flags->Run([&] {
      const DemoReport report = RunDemo(*options);
      for (const std::string& line : report.lines) std::printf("%s\n", line.c_str());
      if (!report.success) throw Error("demo: " + report.message);
      RunSceneDemo(options->assets, options->out);
#ifdef INTERSYNTH_WITH_TORCH
      const std::filesystem::path model =
          std::filesystem::path(options->assets) / "models" / "intersynth-cpu";
      if (std::filesystem::exists(model / "config.json")) {
        RunGenerationDemo(model, std::filesystem::path(options->out) / "generated");
      } else {
        std::printf("skipped generation: no bundled model at %s\n", model.c_str());
      }
#endif
    });
  });
}

}  // namespace intersynth::cli
