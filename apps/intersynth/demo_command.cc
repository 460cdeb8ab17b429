// intersynth demo [--assets DIR] [--out DIR]

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "apps/intersynth/commands.h"
#include "intersynth/motion/demo.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/stick_preview.h"
#include "intersynth/util/error.h"
#ifdef INTERSYNTH_WITH_TORCH
#include "intersynth/diffusion/generate.h"
#endif

namespace intersynth::cli {
namespace {

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
                prompt.persons == 1 ? "" : "s", generated.sampling_s, motion.c_str(), preview.output.c_str());
    ++index;
  }
}
#endif

}  // namespace

void SetupDemo(CLI::App* command) {
  auto options = std::make_shared<DemoOptions>();
  command->footer(
      "Runs the demo on the bundled assets: converts the HumanML3D sample 012314\n"
      "to an intersynth motion file and back to both feature layouts, checking each\n"
      "step against the reference; then, when the bundled motion diffusion model\n"
      "(assets/models/intersynth-cpu) is there, generates a few prompts for one, two and\n"
      "three persons into OUT/generated (motion files and stick-figure MP4s). Prints\n"
      "what it did and where the files are.\n\n"
      "Example:\n  intersynth demo --assets assets --out out/demo");
  command->add_option("--assets", options->assets, "bundled assets folder")
      ->capture_default_str();
  command->add_option("--out", options->out, "output folder (created)")->capture_default_str();
  command->callback([=] {
    const DemoReport report = RunDemo(*options);
    for (const std::string& line : report.lines) std::printf("%s\n", line.c_str());
    if (!report.success) throw Error("demo: " + report.message);
#ifdef INTERSYNTH_WITH_TORCH
    const std::filesystem::path model = std::filesystem::path(options->assets) / "models" / "intersynth-cpu";
    if (std::filesystem::exists(model / "config.json")) {
      RunGenerationDemo(model, std::filesystem::path(options->out) / "generated");
    } else {
      std::printf("skipped generation: no bundled model at %s\n", model.c_str());
    }
#endif
  });
}

}  // namespace intersynth::cli
