// intersynth data build --out DIR --source KIND=PATH ... | intersynth data info DIR
// data build: flags into DatasetBuildOptions, then one call: BuildDataset
// (motion/dataset_build.h).

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/dataset.h"
#include "intersynth/motion/dataset_build.h"

namespace intersynth::cli {
namespace {

void SetupDataBuild(CLI::App* command) {
  auto options = std::make_shared<DatasetBuildOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  auto out = std::make_shared<std::string>();
  auto sources = std::make_shared<std::vector<std::string>>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  auto joint_map = std::make_shared<std::string>();
  auto no_progress = std::make_shared<bool>(false);
  command->footer(
      "Sources (--source KIND=PATH, repeatable; PATH a folder or an archive such as\n"
      "the shared .tar.xz files, unpacked into a temp folder):\n"
      "  bandai      Bandai Namco BVH; text from content + style in the file name\n"
      "  hdm05       HDM05 ASF/AMC (120 fps); its split by actor (train/ test/)\n"
      "  cmu         CMU BVH/AMC; text from cmu_trials.tsv beside the files\n"
      "  reactidle   ReActIdle BVH; acted / genuine idle\n"
      "  nuisi       NuiSI <Action>_p1.txt + _p2.txt: two people placed face to face\n"
      "  humanml3d   HumanML3D layout: new_joints/, texts/, train/val/test.txt\n"
      "  interhuman  InterGen layout: motions_processed/person1|2/, annots/, split lists\n"
      "  recovered   motion files of intersynth recover (**/*.npz; valid masks kept);\n"
      "              captions from NAME.txt beside NAME.npz, one per line\n"
      "Each take is retargeted onto smpl22, resampled to --fps, given constant bones\n"
      "and cut into clips of at most --max-frames, each put on the floor (y = 0; a\n"
      "body lying or kneeling in it is lifted out in those frames) and canonicalised\n"
      "(person 0 at the origin facing +Z at frame 0). Splits: the source's own, else\n"
      "by performer, else by take (80/10/10 by hash); --unseen-combinations of the\n"
      "Bandai content x style pairs go to val or test whole (part\n"
      "\"unseen-combination\" in index.jsonl). Files that fail\n"
      "are listed with their reason and skipped. The folder holds clips/*.npz,\n"
      "index.jsonl, dataset.json, mean_262.npy/std_262.npy (train split) and\n"
      "train/val/test.txt. Known wrong frame rates (cmu:18_01=120) are corrected.\n\n"
      "Example:\n"
      "  intersynth data build --out data/mocap20 \\\n"
      "    --source bandai=../shared/data/mocap/bandai_namco.tar.xz \\\n"
      "    --source hdm05=../shared/data/mocap/hdm05.tar.xz \\\n"
      "    --source cmu=../shared/data/mocap/cmu \\\n"
      "    --source reactidle=../shared/data/mocap/reactidle.tar.xz \\\n"
      "    --source nuisi=../shared/data/mocap/nuisi --jobs 2");
  // --source and --fps-override are parsed into `sources` and
  // `fps_overrides` when the command runs (ParseDatasetSource, ParseFpsOverride).
  flags->Add("--out", "out", out.get(), "output dataset folder (must not exist, see --overwrite)")
      ->required();
  flags->Add("--source", "sources", sources.get(), "KIND=PATH (repeatable)")->required();
  flags->Add("--fps", "fps", &options->fps, "dataset frame rate")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  flags
      ->Add("--max-frames", "max_frames", &options->max_frames,
            "longest clip; longer takes are cut")
      ->capture_default_str();
  flags->Add("--min-frames", "min_frames", &options->min_frames, "shortest take kept")
      ->capture_default_str();
  flags->Add("--joint-map", "joint_map", joint_map.get(),
             "joint map JSON for another rig, tried first (data/joint_maps/README.md)");
  flags->Add("--fps-override", "fps_overrides", overrides.get(),
             "[KIND:]STEM=FPS: the real frame rate of takes whose header is wrong");
  flags->Add("--jobs", "jobs", &options->jobs, "parallel workers (0 = one per core)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  flags->Add("--limit", "limit", &options->limit, "at most N files per source (0 = all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  flags->Add("--max-texts", "max_texts", &options->max_texts, "captions per mocap clip")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  flags
      ->Add("--unseen-combinations", "unseen_combination_fraction",
            &options->unseen_combination_fraction,
            "share of Bandai content x style combinations held out of training whole (half to "
            "val, half to test)")
      ->capture_default_str();
  flags->AddFlag("--overwrite", "overwrite", &options->overwrite,
                 "replace an existing output folder");
  command->add_flag("--no-progress", *no_progress, "no progress bar");
  command->callback([=] {
    flags->Run([&] {
      options->out = *out;
      options->joint_map = *joint_map;
      options->progress = !*no_progress;
      options->sources.clear();
      for (const std::string& spec : *sources)
        options->sources.push_back(ParseDatasetSource(spec, "sources"));
      options->fps_overrides.clear();
      for (const std::string& rule : *overrides)
        options->fps_overrides.push_back(ParseFpsOverride(rule, "fps_overrides"));
      const DatasetBuildReport report = BuildDataset(*options);
      std::printf("%s", report.summary.c_str());
    });
  });
}

void SetupDataInfo(CLI::App* command) {
  auto dir = std::make_shared<std::string>();
  auto top = std::make_shared<int>(30);
  command->footer("Example:\n  intersynth data info data/mocap20");
  command->add_option("dataset", *dir, "dataset folder (made by 'intersynth data build')")
      ->required();
  command->add_option("--top", *top, "labels shown in the histogram (0 = all)")
      ->capture_default_str();
  command->callback([=] {
    const DatasetSummary summary = SummarizeDataset(ReadDatasetIndex(*dir));
    std::printf("%s: %s", dir->c_str(), FormatDatasetSummary(summary, *top).c_str());
  });
}

}  // namespace

void SetupData(CLI::App* command) {
  command->require_subcommand(1);
  SetupDataBuild(command->add_subcommand("build", "Build a dataset from motion-capture sources"));
  SetupDataInfo(command->add_subcommand("info", "Print clips, minutes, persons, sources, labels"));
}

}  // namespace intersynth::cli
