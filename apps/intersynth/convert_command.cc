// intersynth convert IN OUT [--from KIND] [--to KIND] [--mean F --std F]

#include <cstdio>

#include "apps/intersynth/commands.h"
#include "intersynth/motion/convert.h"

namespace intersynth::cli {

void SetupConvert(CLI::App* command) {
  auto options = std::make_shared<ConvertOptions>();
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
  command->add_option("--from", *from, "input kind: motion, joints, hml263, ig262, mocap");
  command->add_option("--to", *to, "output kind: motion, joints, hml263, ig262");
  command->add_option("--mean", options->mean, "feature mean .npy (normalised features)");
  command->add_option("--std", options->std, "feature std .npy (normalised features)");
  command->add_option("--fps", options->fps, "frame rate of inputs that store none")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--metres-per-unit", options->metres_per_unit,
                      "mocap input: metres per file unit (default: guessed from the body)")
      ->check(CLI::PositiveNumber);
  command->add_option("--source-fps", options->source_fps,
                      "mocap input: the take's real frame rate when its header is wrong")
      ->check(CLI::PositiveNumber);
  command->add_option("--joint-map", options->joint_map,
                      "mocap input: a joint map JSON for another rig (data/joint_maps/README.md)");
  command->add_option("--asf", options->asf, "mocap input: the ASF skeleton of an .amc take");
  command->add_option("--text", options->text, "caption for a motion output (repeat for more)")
      ->allow_extra_args(false);
  auto no_compress = std::make_shared<bool>(false);
  command->add_flag("--no-compress", *no_compress, "store the .npz members uncompressed");
  command->callback([=] {
    options->input = *input;
    options->output = *output;
    options->compress = !*no_compress;
    if (!from->empty()) options->from = ParseMotionFormat(*from);
    if (!to->empty()) options->to = ParseMotionFormat(*to);
    const ConvertReport report = ConvertMotion(*options);
    std::printf("%s\n", report.summary.c_str());
  });
}

}  // namespace intersynth::cli
