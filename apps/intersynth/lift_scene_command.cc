// intersynth lift-scene --image RGB.png (--depth D | --metric-depth M [--disparity D] |
// --depth-model M.pt ...)
//                       [--floor-mask MASK.png] [--intrinsics K.json] --out SCENE_DIR

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/scene/lift_scene.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/timer.h"
#ifdef INTERSYNTH_WITH_TORCH
#include "intersynth/scene_torch/torchscript_depth_model.h"
#endif

namespace intersynth::cli {
namespace {

/// Flags that are not fields of LiftSceneFiles / LiftSceneOptions.
struct LiftSceneFlags {
  std::string image;
  std::string intrinsics;
  std::string depth;
  std::vector<std::string> metric;
  std::vector<std::string> disparity;
  std::vector<std::string> models;
  std::string mask;
  std::string out;
  bool overwrite = false;
};

#ifdef INTERSYNTH_WITH_TORCH
/// Runs each depth network on the key frame and adds its map as the key
/// frame's metric depth or disparity.
void AddModelPredictions(const std::vector<std::string>& models, LiftSceneInputs* inputs) {
  for (const std::string& path : models) {
    std::printf("lift-scene: running the depth model %s\n", path.c_str());
    std::fflush(stdout);
    const TorchScriptDepthModel model = TorchScriptDepthModel::Load(path);
    DepthPrediction prediction = model.Predict(inputs->image);
    std::printf("lift-scene: %s gave %s at %dx%d (%lld non-finite values)\n", path.c_str(),
                ToString(prediction.kind).c_str(), prediction.map.width, prediction.map.height,
                static_cast<long long>(prediction.non_finite));
    const bool metric = prediction.kind == DepthOutputKind::kMetricDepth;
    std::vector<DepthMap>& maps = metric ? inputs->metric : inputs->disparity;
    std::vector<std::string>& names = metric ? inputs->metric_names : inputs->disparity_names;
    if (!maps.empty()) {
      throw Error(
          fmt::format("{}: a second {} source for the key frame (one file or one model each)", path,
                      metric ? "metric depth" : "disparity"));
    }
    maps.push_back(std::move(prediction.map));
    names.push_back(path);
  }
}
#endif

}  // namespace

void SetupLiftScene(CLI::App* command) {
  auto flags = std::make_shared<LiftSceneFlags>();
  auto options = std::make_shared<LiftSceneOptions>();
  auto files = std::make_shared<LiftSceneFiles>();
  // Fields of LiftSceneOptions, LiftSceneFiles and LiftSceneInputs.
  auto field_flags = std::make_shared<FieldFlags>(command);
  command->footer(
      "Rebuilds the room seen by a fixed camera in metric 3D from one key frame and\n"
      "puts its floor on the world plane y = 0 (Y up; the camera looks towards -Z and\n"
      "the world origin lies on the floor below the centre of the visible floor).\n\n"
      "Depth, one of:\n"
      "  --depth D            metric depth of the key frame (a sensor, or a metric\n"
      "                       network's output): .npy in metres, or 16-bit .png in mm\n"
      "  --metric-depth M     metric depth alone, or with --disparity D: a relative\n"
      "  --disparity D        disparity map (any size, unknown scale and shift) is fitted\n"
      "                       to M as 1/m = alpha d + beta (robust: RANSAC, Huber, inlier\n"
      "                       refit) and fused at its own resolution. Repeat both flags\n"
      "                       for more key frames of the same camera: one fit over all,\n"
      "                       the first pair is the key frame\n"
      "  --depth-model M.pt   a TorchScript depth network (metric depth or disparity,\n"
      "                       see docs/scene.md for the contract), run on --image; may\n"
      "                       replace either map above\n"
      "Intrinsics: --intrinsics K.json ({\"fx\", \"fy\", \"cx\", \"cy\"} in OpenCV's 0-based\n"
      "pixels, or \"pixel_convention\": \"one_based\"; a scene.json works too), else from\n"
      "--fov-deg. Floor: --floor-mask (non-zero = floor; outliers are fine), else the\n"
      "lowest large plane within --max-floor-tilt degrees of level below the camera.\n\n"
      "Writes SCENE_DIR/scene.json (intrinsics, world_from_camera, floor plane, alpha,\n"
      "beta, fit statistics, camera_height_m), points.ply (coloured, world frame),\n"
      "depth.npy (fused metric depth, metres), image.png and floor_inliers.png, all or\n"
      "nothing. `intersynth preview --scene SCENE_DIR --out scene.png` draws the floor\n"
      "grid over the key frame.\n\n"
      "Examples:\n"
      "  intersynth lift-scene --image assets/scenes/nyu_dining/image.png \\\n"
      "    --depth assets/scenes/nyu_dining/depth.png \\\n"
      "    --intrinsics assets/scenes/nyu_dining/intrinsics.json --out out/nyu_dining\n"
      "  intersynth lift-scene --image ward.png --metric-depth ward_metric.npy \\\n"
      "    --disparity ward_disparity.npy --floor-mask ward_floor.png --fov-deg 75 --out out/ward");
  field_flags->Add("--image", "image", &flags->image, "key frame (RGB image)")->required();
  field_flags->Add("--depth", "depth", &flags->depth,
                   "metric depth of the key frame (.npy metres, .png mm)");
  field_flags->Add("--metric-depth", "metric", &flags->metric,
                   "low-resolution metric depth (repeat per key frame)");
  field_flags->Add("--disparity", "disparity", &flags->disparity,
                   "relative disparity (repeat per key frame)");
#ifdef INTERSYNTH_WITH_TORCH
  command->add_option("--depth-model", flags->models,
                      "TorchScript depth network (metric or disparity)");
#endif
  field_flags
      ->Add("--png-depth-scale", "depth_read.png_scale", &files->depth_read.png_scale,
            "metres per unit of a 16-bit depth PNG")
      ->capture_default_str();
  field_flags->Add("--floor-mask", "mask", &flags->mask, "floor mask image (non-zero = floor)");
  field_flags->Add("--intrinsics", "intrinsics", &flags->intrinsics,
                   "intrinsics JSON (or a scene.json)");
  field_flags
      ->Add("--fov-deg", "horizontal_fov_deg", &files->horizontal_fov_deg,
            "horizontal field of view without --intrinsics")
      ->capture_default_str();
  field_flags
      ->Add("--inlier-threshold", "floor.inlier_threshold", &options->floor.inlier_threshold,
            "floor RANSAC inlier distance, metres")
      ->capture_default_str();
  field_flags
      ->Add("--max-floor-tilt", "floor.max_tilt_deg", &options->floor.max_tilt_deg,
            "without a mask: largest angle of the floor from the camera's level, degrees")
      ->capture_default_str();
  field_flags
      ->Add("--point-stride", "point_stride", &options->point_stride,
            "keep every n-th pixel in points.ply")
      ->capture_default_str();
  field_flags->Add("--seed", "floor.seed", &options->floor.seed, "seed of the RANSAC fits")
      ->capture_default_str();
  field_flags->Add("--out", "out", &flags->out, "scene folder to write")->required();
  field_flags->AddFlag("--overwrite", "overwrite", &flags->overwrite,
                       "replace an existing scene folder");
  command->callback([=] {
    field_flags->Run([&] {
      const Timer timer;
      auto stage = [timer](const std::string& what) {
        std::printf("lift-scene: [%5.2f s] %s\n", timer.Seconds(), what.c_str());
        std::fflush(stdout);
      };
      options->fusion.seed = options->floor.seed;
      options->on_stage = stage;

      // Inputs: files, then depth networks.
      stage("reading the inputs");
      files->image = flags->image;
      if (!flags->intrinsics.empty()) files->intrinsics = flags->intrinsics;
      if (!flags->depth.empty()) files->depth = flags->depth;
      files->metric.assign(flags->metric.begin(), flags->metric.end());
      files->disparity.assign(flags->disparity.begin(), flags->disparity.end());
      if (!flags->mask.empty()) files->mask = flags->mask;
      LiftSceneInputs inputs = LoadLiftSceneInputs(*files);
#ifdef INTERSYNTH_WITH_TORCH
      AddModelPredictions(flags->models, &inputs);
#endif

      // Lift, then write all or nothing. The failure's message may name the
      // inputs' fields ({metric}, {depth}): an OptionError shows their flags.
      const LiftSceneResult result = LiftScene(inputs, *options);
      if (!result.success) {
        throw OptionError("lift-scene: " + result.message + "; nothing was written");
      }
      stage("writing " + flags->out);
      WriteSceneFolder(flags->out, inputs, result, flags->overwrite);
      stage("done");
      std::printf(
          "\n%s\n\nWrote %s/{scene.json, points.ply, depth.npy, image.png, floor_inliers.png}.\n",
          result.summary.c_str(), flags->out.c_str());
    });
  });
}

}  // namespace intersynth::cli
