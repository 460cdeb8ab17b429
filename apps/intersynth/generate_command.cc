// intersynth generate --model RUN --text "..." [--persons P] [--frames T | --seconds S]
//   [--samples N] [--seed S] [--guidance G] [--sampler ddim|ddpm] [--steps K]
//   [--decoding positions|rotations]
//   --out OUT.npz [--bvh] [--preview] [--motion IN.npz --keep-frames A:B,... | --keep-person K]

#include <fmt/format.h>

#include <cstdio>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/diffusion/generate.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/render/motion_export.h"
#include "intersynth/render/stick_preview.h"
#include "intersynth/text/tokenizer.h"
#include "intersynth/util/error.h"
#include "intersynth/util/logging.h"

namespace intersynth::cli {

void SetupGenerate(CLI::App* command) {
  auto options = std::make_shared<GenerateOptions>();
  auto out = std::make_shared<std::string>();
  auto model = std::make_shared<std::string>();
  auto motion = std::make_shared<std::string>();
  auto keep_frames = std::make_shared<std::string>();
  auto bvh = std::make_shared<bool>(false);
  auto preview = std::make_shared<bool>(false);
  command->footer(
      "Generates the motion of --persons people from a sentence with a model from\n"
      "`intersynth train` (or a bundled one, assets/models/NAME). DDIM (default, --steps\n"
      "50) or DDPM (all 1000 steps) with classifier-free guidance --guidance (1 = no\n"
      "guidance, 0 = unconditional). Words the model never saw are listed in a warning\n"
      "(they become <unk>). The output is a motion .npz (joints [P, T, 22, 3] in world, Y\n"
      "up, floor y = 0; the prompt in `text`; the settings as JSON in `metadata`). With\n"
      "--samples N > 1 the files are OUT_000.npz, OUT_001.npz, ... Sample i depends only\n"
      "on --seed and i, not on N.\n\n"
      "Inpainting: --motion IN.npz with --keep-frames 0:20,100:120 keeps those frames of\n"
      "every person and fills in the rest (inbetweening); --keep-person K keeps person K\n"
      "of IN.npz whole and generates the other --persons - 1 around it (partner\n"
      "generation). The kept joints are copied exactly; the output keeps IN's world frame.\n\n"
      "Examples:\n"
      "  intersynth generate --model assets/models/intersynth-cpu --text \"a person waves\" --out "
      "wave.npz --preview\n"
      "  intersynth generate --model runs/cpu1 --text \"one person walks while another waves\" "
      "--persons 2 \\\n"
      "      --seconds 5 --samples 4 --seed 7 --out pair.npz --bvh\n"
      "  intersynth generate --model runs/cpu1 --text \"a person walks\" --motion walk.npz \\\n"
      "      --keep-frames 0:20,100:120 --out inbetween.npz");
  auto flags = std::make_shared<FieldFlags>(command);
  GenerateOptions& o = *options;
  flags->Add("--model", "model_dir", model.get(), "run folder or bundled model folder")->required();
  flags->Add("--text", "text", &o.text, "the prompt")->required();
  flags->Add("--persons", "persons", &o.persons, "people in the scene")->capture_default_str();
  auto frames =
      flags->Add("--frames", "frames", &o.frames,
                 "frames per motion (at the training data's frame rate, 20 fps by default)");
  flags->Add("--seconds", "seconds", &o.seconds, "duration instead of --frames (default 6)")
      ->excludes(frames);
  flags->Add("--samples", "samples", &o.samples, "motions to draw")->capture_default_str();
  flags->Add("--seed", "seed", &o.seed, "seed of the noise")->capture_default_str();
  flags->Add("--guidance", "guidance", &o.guidance, "classifier-free guidance scale")
      ->capture_default_str();
  flags->AddEnum("--sampler", "sampler", &o.sampler, ParseSamplerKind, "ddim or ddpm");
  flags->Add("--steps", "sampler_steps", &o.sampler_steps, "DDIM steps")->capture_default_str();
  flags->AddEnum("--decoding", "decoding", &o.decoding, ParseJointDecoding,
                 "joints from the position channels, or a rigid skeleton from the rotation "
                 "channels (positions or rotations)");
  flags
      ->Add("--smooth", "smooth_frames", &o.smooth_frames,
            "Gaussian smoothing of the sampled motion along time, sigma in frames (0: none)")
      ->capture_default_str();
  flags->AddFlag("--foot-lock", "foot_lock", &o.foot_lock,
                 "keep feet that rest on the floor in place, bending the knees (against skating)");
  flags->AddEnum("--device", "device", &o.device, ParseComputeDevice, "cpu or cuda");
  flags->Add("--threads", "threads", &o.threads, "LibTorch threads (default: every core)");
  flags->Add("--motion", "motion", motion.get(), "input motion for inpainting (.npz)");
  flags->Add("--keep-frames", "keep_frames", keep_frames.get(),
             "frame ranges of --motion to keep, FIRST:LAST,...");
  flags->Add("--keep-person", "keep_person", &o.keep_person, "person of --motion to keep whole");
  flags->Add("--out", "out", out.get(), "output motion file (.npz)")->required();
  command->add_flag("--bvh", *bvh, "also write a BVH per person and sample next to --out");
  command->add_flag("--preview", *preview,
                    "also write a stick-figure MP4 per sample next to --out");
  command->callback([=] {
    flags->Run([&] {
      const std::filesystem::path out_path = *out;
      if (out_path.extension() != ".npz") throw Error("--out must end in .npz, got " + *out);
      options->model_dir = *model;
      options->motion = *motion;
      if (!keep_frames->empty()) options->keep_frames = ParseFrameRanges(*keep_frames);
      const GenerateResult result = Generate(*options);
      if (!result.unknown_words.empty()) LogWarn("{}", UnknownWordsWarning(result.unknown_words));
      if (result.dropped_words > 0) {
        LogWarn("the prompt is longer than the text encoder reads: its last {} words were dropped",
                result.dropped_words);
      }
      for (size_t i = 0; i < result.motions.size(); ++i) {
        const MotionClip& clip = result.motions[i];
        std::filesystem::path path = out_path;
        if (result.motions.size() > 1) {
          path = out_path.parent_path() / fmt::format("{}_{:03}.npz", out_path.stem().string(), i);
        }
        WriteMotionFile(path, clip);
        std::printf("wrote %s (%d person%s, %d frames at %.0f fps)\n", path.c_str(),
                    clip.num_persons, clip.num_persons == 1 ? "" : "s", clip.num_frames, clip.fps);
        if (*bvh) {
          MotionExportOptions export_options;
          export_options.format = MotionExportFormat::kBvh;
          export_options.source = path.string();
          std::filesystem::path bvh_path = path;
          std::printf("%s\n", ExportMotion(clip, bvh_path.replace_extension(".bvh"), export_options)
                                  .summary.c_str());
        }
        if (*preview) {
          StickPreviewOptions preview_options;
          std::filesystem::path mp4 = path;
          preview_options.output = mp4.replace_extension(".mp4");
          preview_options.source = path.string();
          RenderStickPreview(clip, preview_options);
          std::printf("wrote %s\n", preview_options.output.c_str());
        }
      }
      std::printf("sampled %zu motion%s in %.2f s (%s, %d steps, guidance %.2f)\n",
                  result.motions.size(), result.motions.size() == 1 ? "" : "s", result.sampling_s,
                  std::string(ToString(options->sampler)).c_str(), result.sampler_steps,
                  options->guidance);
    });
  });
}

}  // namespace intersynth::cli
