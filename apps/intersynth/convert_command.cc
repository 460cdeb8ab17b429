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
      "hml263 (.npy HumanML3D features [N,263] or [P,N,263]), ig262 (.npy [N,262] or [P,N,262]).\n"
      "The input kind is detected from the extension and shape; the output kind from\n"
      "--to or the extension (.npz = motion). With --mean/--std the feature side is\n"
      "normalised: input features are de-normalised before decoding, output features\n"
      "normalised after encoding.\n\n"
      "Examples:\n"
      "  intersynth convert new_joint_vecs/012314.npy clip.npz --text 'a person walks'\n"
      "  intersynth convert clip.npz clip_263.npy --to hml263 --mean Mean.npy --std Std.npy\n"
      "  intersynth convert joints.npy clip_262.npy --to ig262 --fps 30");
  command->add_option("input", *input, "input file")->required();
  command->add_option("output", *output, "output file (written atomically)")->required();
  command->add_option("--from", *from, "input kind: motion, joints, hml263, ig262");
  command->add_option("--to", *to, "output kind: motion, joints, hml263, ig262");
  command->add_option("--mean", options->mean, "feature mean .npy (normalised features)");
  command->add_option("--std", options->std, "feature std .npy (normalised features)");
  command->add_option("--fps", options->fps, "frame rate of inputs that store none")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
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
