// intersynth export --motion CLIP.npz --out FILE [--format bvh|json]
// Flags into MotionExportOptions, then one call: ExportMotion
// (render/motion_export.h).

#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/motion_export.h"

namespace intersynth::cli {

void SetupExport(CLI::App* command) {
  auto options = std::make_shared<MotionExportOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  auto motion = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  command->footer(
      "Formats:\n"
      "  bvh   the smpl22 skeleton (joint names pelvis, left_hip, ...) with local rotations,\n"
      "        in metres, for Blender (File > Import > Motion Capture) and other tools. One\n"
      "        skeleton per file: a clip of P > 1 persons gives OUT_p0.bvh, OUT_p1.bvh, ...\n"
      "        The reload error (forward kinematics of the file vs the input joints) is\n"
      "        printed; it is ~1e-6 m when bone lengths are constant over the clip and\n"
      "        the hips and chest are rigid (Bandai, HumanML3D), millimetres for CMU.\n"
      "        `intersynth convert OUT.bvh back.npz` reads it back (joint map smpl22).\n"
      "  json  every person's joint positions [T][22][3] (metres, Y up), fps, captions,\n"
      "        labels, joint names and parents in one document (format\n"
      "        \"intersynth-motion-json\", version 1), for viewers and scripts.\n"
      "The format comes from --format or the extension of --out. Outputs are written\n"
      "atomically.\n\n"
      "Examples:\n"
      "  intersynth export --motion walk.npz --format bvh --out walk.bvh\n"
      "  intersynth export --motion pair.npz --out pair.bvh      # pair_p0.bvh, pair_p1.bvh\n"
      "  intersynth export --motion walk.npz --format json --out walk.json");
  command->add_option("--motion", *motion, "motion file (.npz) to export")->required();
  command->add_option("--out", *output, "output file (per person for BVH with several persons)")
      ->required();
  // Parsed when the command runs (ParseMotionExportFormat), so that an
  // unknown format is reported with its flag.
  flags->Add("--format", "format", format.get(), "bvh or json (default: from the --out extension)");
  command->callback([=] {
    flags->Run([&] {
      options->source = *motion;
      if (!format->empty()) options->format = ParseMotionExportFormat(*format, "format");
      const MotionClip clip = ReadMotionFile(*motion);
      const MotionExportReport report = ExportMotion(clip, *output, *options);
      std::printf("%s\n", report.summary.c_str());
    });
  });
}

}  // namespace intersynth::cli
