// intersynth keypoints simulate --motion M.npz --out KP.json --scene-out DIR [options]
// Flags into KeypointSimulationOptions, then SimulateKeypoints
// (recovery/simulate_keypoints.h) and its writers.

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/motion/motion_file.h"
#include "intersynth/recovery/keypoints.h"
#include "intersynth/recovery/simulate_keypoints.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {
namespace {

/// Throws Error when `path` exists and overwriting was not asked for.
void RequireWritable(const std::string& path, bool overwrite) {
  if (!overwrite && std::filesystem::exists(path)) {
    throw Error(fmt::format("{}: already exists (pass --overwrite to replace it)", path));
  }
}

void SetupKeypointsSimulate(CLI::App* command) {
  auto options = std::make_shared<KeypointSimulationOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  auto motion = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto scene_out = std::make_shared<std::string>();
  auto overwrite = std::make_shared<bool>(false);
  command->footer(
      "Projects a motion file's smpl22 joints through a fixed pinhole camera into COCO-17\n"
      "keypoint JSON, to measure motion recovery against the known motion. The camera\n"
      "(fx = fy = 525, principal point at the image centre) stands --camera-height m above\n"
      "the floor, looks along world -Z turned by --yaw-deg about +Y (counter-clockwise seen\n"
      "from above), --pitch-deg below the horizon, and its optical axis\n"
      "passes --aim-height m above the floor over the centre of the pelvis trajectory's\n"
      "horizontal bounding box. Body points (shoulders, elbows, wrists, hips, knees,\n"
      "ankles) get Gaussian pixel noise (--noise-px per coordinate); each is dropped with\n"
      "probability --drop, and points behind the camera, outside the image or not `valid`\n"
      "in the motion are unseen (confidence 0). The face points (nose, eyes, ears) have no\n"
      "smpl22 joint and are always unseen. One image per motion frame (frame_000000.png,\n"
      "...; ids from 0), one annotation per person per frame (track_id = person index).\n"
      "--scene-out gets a scene folder with the camera (scene.json as lift-scene writes\n"
      "it, a grey key frame, the floor y = 0 as depth and points) for `--scene`.\n"
      "Same --seed, same keypoints.\n\n"
      "Example:\n"
      "  intersynth keypoints simulate --motion clip.npz --out clip_kp.json \\\n"
      "      --scene-out clip_scene --noise-px 3 --drop 0.2 --seed 0");
  command->add_option("--motion", *motion, "motion file (.npz) whose joints are observed")
      ->required();
  command->add_option("--out", *out, "keypoint file to write (COCO JSON)")->required();
  command->add_option("--scene-out", *scene_out, "scene folder to write (the camera)")->required();
  flags->Add("--noise-px", "noise_px", &options->noise_px, "pixel noise, standard deviation")
      ->capture_default_str();
  flags
      ->Add("--drop", "drop_probability", &options->drop_probability,
            "probability of dropping a point")
      ->capture_default_str();
  flags->Add("--seed", "seed", &options->seed, "seed of the noise and the drops")
      ->capture_default_str();
  flags
      ->Add("--camera-height", "camera_height", &options->camera_height,
            "camera centre above the floor (m)")
      ->capture_default_str();
  flags
      ->Add("--pitch-deg", "pitch_down_deg", &options->pitch_down_deg,
            "camera pitch below the horizon")
      ->capture_default_str();
  flags
      ->Add("--yaw-deg", "yaw_deg", &options->yaw_deg,
            "direction of view about +Y (0: along world -Z)")
      ->capture_default_str();
  flags
      ->Add("--aim-height", "aim_height", &options->aim_height,
            "height (m) where the optical axis crosses the vertical through the "
            "trajectory's centre")
      ->capture_default_str();
  flags->Add("--width", "width", &options->width, "image width (pixels)")->capture_default_str();
  flags->Add("--height", "height", &options->height, "image height (pixels)")
      ->capture_default_str();
  command->add_flag("--overwrite", *overwrite, "replace existing outputs");
  command->callback([=] {
    flags->Run([&] {
      // Everything that can fail before anything is written.
      options->Check();
      RequireWritable(*out, *overwrite);
      RequireWritable(*scene_out, *overwrite);
      const MotionClip clip = ReadMotionFile(*motion);
      const KeypointSimulation simulation = SimulateKeypoints(clip, *options, *motion);

      // The outputs, each written atomically.
      WriteSimulatedSceneFolder(*scene_out, simulation.camera, *overwrite);
      WriteKeypointsJson(*out, simulation.keypoints);
      std::printf("%s\nwrote %s (%d frames, %d person(s)) and the scene folder %s\n",
                  simulation.summary.c_str(), out->c_str(), clip.num_frames, clip.num_persons,
                  scene_out->c_str());
    });
  });
}

}  // namespace

void SetupKeypoints(CLI::App* command) {
  command->require_subcommand(1);
  SetupKeypointsSimulate(command->add_subcommand(
      "simulate", "Project a motion through a known camera into noisy COCO-17 keypoints"));
}

}  // namespace intersynth::cli
