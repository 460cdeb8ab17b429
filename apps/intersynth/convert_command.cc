// intersynth convert IN OUT [--from KIND] [--to KIND] [--mean F --std F]
// Flags into ConvertOptions, then one call: ConvertMotion (motion/convert.h).

#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/convert.h"

namespace intersynth::cli {

void SetupConvert(CLI::App* command) {
  auto options = std::make_shared<ConvertOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto input = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  command->footer(
      "Kinds: motion (.npz motion file), joints (.npy [T,22,3] or [P,T,22,3]),\n"
      "hml263 (.npy HumanML3D features [N,263] or [P,N,263]), ig262 (.npy [N,262] or [P,N,262]),\n"
      "mocap (input only: a .bvh or .amc take, retargeted onto smpl22 through the first\n"
      "joint map that fits, floor at y = 0; its length unit is guessed unless given).\n"
      "The input kind is detected from the extension and shape; the output kind from\n"
      "--to or the extension (.npz = motion). With --mean/--std the feature side is\n"
      "normalised: input features are de-normalised before decoding, output features\n"
      "normalised after encoding.\n\n"
      "Examples:\n"
      "  intersynth convert new_joint_vecs/012314.npy clip.npz --text 'a person walks'\n"
      "  intersynth convert clip.npz clip_263.npy --to hml263 --mean Mean.npy --std Std.npy\n"
      "  intersynth convert joints.npy clip_262.npy --to ig262 --fps 30\n"
      "  intersynth convert walk.bvh walk.npz --text 'a person walks'\n"
      "  intersynth convert take.amc take.npz --asf subject.asf");
  command->add_option("input", *input, "input file")->required();
  command->add_option("output", *output, "output file (written atomically)")->required();
  // --from and --to are parsed when the command runs (ParseMotionFormat), so
  // that an unknown kind is reported with its flag.
  flags->Add("--from", "from", from.get(), "input kind: motion, joints, hml263, ig262, mocap");
  flags->Add("--to", "to", to.get(), "output kind: motion, joints, hml263, ig262");
  flags->Add("--mean", "mean", &options->mean, "feature mean .npy (normalised features)");
  flags->Add("--std", "std", &options->std, "feature std .npy (normalised features)");
  flags->Add("--fps", "fps", &options->fps, "frame rate of inputs that store none")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  flags
      ->Add("--metres-per-unit", "metres_per_unit", &options->metres_per_unit,
            "mocap input: metres per file unit (default: guessed from the body)")
      ->check(CLI::PositiveNumber);
  flags
      ->Add("--source-fps", "source_fps", &options->source_fps,
            "mocap input: the take's real frame rate when its header is wrong")
      ->check(CLI::PositiveNumber);
  flags->Add("--joint-map", "joint_map", &options->joint_map,
             "mocap input: a joint map JSON for another rig (data/joint_maps/README.md)");
  flags->Add("--asf", "asf", &options->asf, "mocap input: the ASF skeleton of an .amc take");
  flags->Add("--text", "text", &options->text, "caption for a motion output (repeat for more)")
      ->allow_extra_args(false);
  auto no_compress = std::make_shared<bool>(false);
  command->add_flag("--no-compress", *no_compress, "store the .npz members uncompressed");
  command->callback([=] {
    flags->Run([&] {
      options->input = *input;
      options->output = *output;
      options->compress = !*no_compress;
      if (!from->empty()) options->from = ParseMotionFormat(*from, "from");
      if (!to->empty()) options->to = ParseMotionFormat(*to, "to");
      const ConvertReport report = ConvertMotion(*options);
      std::printf("%s\n", report.summary.c_str());
    });
  });
}

}  // namespace intersynth::cli
