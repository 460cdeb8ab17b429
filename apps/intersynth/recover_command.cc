// intersynth recover --keypoints KP.json [--intrinsics K.json | --scene DIR] --out MOTION.npz
//   [--method temporal|per-frame|per-image] [--frames DIR|VIDEO --preview DIR]
// Flags into RecoverOptions, then one call: RecoverMotion (recovery_torch/recover.h).

#include <cstdio>
#include <memory>
#include <string>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/recovery_torch/recover.h"

namespace intersynth::cli {
namespace {

void PrintSummary(const RecoverOptions& options, const RecoverReport& report) {
  const char* started = report.starts == RecoverStarts::kRegressor   ? "the regressor"
                        : report.starts == RecoverStarts::kStartFrom ? "--start-from"
                                                                     : "no prediction";
  std::printf(
      "%s: %d persons, %d frames at %.0f fps (%s%s), %d fits, %d frames started from "
      "%s, mean reprojection %.2f px, %.1f s\n",
      options.out.c_str(), report.persons, report.frames, report.fps,
      std::string(ToString(report.method)).c_str(), report.smoothed ? " + smoothing" : "",
      report.fits, report.started_frames, started, report.mean_reprojection_px, report.seconds);
}

}  // namespace

void SetupRecover(CLI::App* command) {
  auto options = std::make_shared<RecoverOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  RecoverOptions& o = *options;
  command->footer(
      "Recovers each tracked person's 3D body motion from 2D keypoints (COCO-17 JSON,\n"
      "COCO results or PoseTrack18) by fitting the body model: Geman-McClure\n"
      "reprojection, the pose prior, a shape prior and, for --method temporal, one shape\n"
      "and a constant-velocity term over all frames; with --scene, the scene's floor\n"
      "(no penetration, contact when still) and its world frame. Writes a motion file\n"
      "(smpl22 joints in world, `valid` = frames where the person was seen) with the\n"
      "body parameters (body_betas, body_pose in the model's convention with the root\n"
      "in the camera frame, body_transl, body_joint_offsets: the temporal fit's changes\n"
      "to the rest joints) and world_from_camera.\n"
      "(src/intersynth/recovery_torch/recover.h has the pipeline, body_fitting_torch.h\n"
      "the energy and the stages.)\n"
      "--method per-image fits each person in each image on its own, with each image's\n"
      "camera (from --intrinsics, or a 60 degree horizontal field of view at the image's\n"
      "size): for independent photos such as COCO. --preview DIR draws each fitted mesh,\n"
      "the keypoints and the fitted points over the frames of --frames (a folder the\n"
      "keypoint file's image names are relative to, or a video) as frame_NNNNNN.png.\n"
      "Hybrid path: --regressor MODEL.pt crops each person around their keypoints,\n"
      "regresses the body, matches predictions to people by keypoint distance\n"
      "(Hungarian; a crop that saw an occluder gives its prediction to the occluder,\n"
      "duplicates are dropped) and starts each frame's fit from its prediction.\n"
      "--start-from MOTION.npz starts from a motion file's joints instead.\n"
      "--optimizer and --adam-lr choose the fit's optimiser (LibTorch autograd).\n\n"
      "Examples:\n"
      "  intersynth recover --keypoints kp.json --scene scene/ --out motion.npz\n"
      "  intersynth recover --keypoints coco/person_keypoints.json --method per-image \\\n"
      "      --frames coco/ --preview fits/ --out coco_fits.npz\n"
      "  intersynth recover --keypoints kp.json --intrinsics K.json --frames video.mp4 \\\n"
      "      --regressor hmr2.pt --out motion.npz");
  flags
      ->Add("--keypoints", "keypoints", &o.keypoints,
            "keypoint JSON (COCO, COCO results, PoseTrack18)")
      ->required();
  flags->Add("--intrinsics", "intrinsics", &o.intrinsics,
             "camera intrinsics JSON (or a scene.json)");
  flags->Add("--scene", "scene", &o.scene,
             "scene folder of lift-scene: camera, floor, world frame");
  flags->Add("--body", "body", &o.body, "body model (.npz)")->capture_default_str();
  flags->Add("--prior", "prior", &o.prior, "pose prior (.npz, intersynth prior train)")
      ->capture_default_str();
  flags->Add("--out", "out", &o.out, "motion file to write (.npz)")->required();
  flags->AddEnum("--method", "method", &o.method, ParseRecoverMethod,
                 "temporal | per-frame | per-image");
  flags->Add("--frames", "frames", &o.frames,
             "the frames: a folder (image names as in the keypoint file) or a video");
  flags->Add("--preview", "preview", &o.preview, "folder for overlay images of the fits");
  flags->Add("--regressor", "regressor", &o.regressor,
             "TorchScript pose regressor (HMR2.0-style; contract in "
             "recovery_torch/torchscript_pose_regressor.h): fits start from its "
             "predictions (needs --frames)");
  flags->Add("--start-from", "start_from", &o.start_from,
             "motion file whose joints the fits start from (persons in track-id order)");
  flags
      ->Add("--start-noise-mm", "start_noise_mm", &o.start_noise_mm,
            "Gaussian noise (mm) added to --start-from's joints (experiments)")
      ->capture_default_str();
  flags->Add("--start-seed", "start_seed", &o.start_seed, "seed of --start-noise-mm")
      ->capture_default_str();
  flags->AddFlag("--smooth", "smooth", &o.smooth, "smooth the fitted parameters afterwards");
  flags
      ->Add("--smooth-lambda", "smooth_lambda", &o.smooth_lambda,
            "smoothing strength (Whittaker-Henderson lambda, frames^4)")
      ->capture_default_str();
  flags->Add("--fps", "fps", &o.fps, "frame rate recorded in the motion file")
      ->capture_default_str();
  flags->Add("--betas", "fit.num_betas", &o.fit.num_betas, "shape directions fitted")
      ->capture_default_str();
  flags
      ->Add("--iterations", "fit.stage_iterations", &o.fit.stage_iterations, "iterations per stage")
      ->capture_default_str();
  flags->AddEnum("--optimizer", "fit.optimizer", &o.fit.optimizer, ParseBodyFitOptimizer,
                 "adam | lbfgs (adam: 10 steps of --adam-lr per iteration; lbfgs: about 9 "
                 "times faster, less accurate)");
  flags
      ->Add("--adam-lr", "fit.adam_learning_rate", &o.fit.adam_learning_rate,
            "Adam's learning rate")
      ->capture_default_str();
  flags
      ->Add("--hypothesis-iterations", "fit.hypothesis_iterations", &o.fit.hypothesis_iterations,
            "iterations of each pose hypothesis' fit")
      ->capture_default_str();
  flags
      ->Add("--pose-weight", "fit.pose_weight", &o.fit.pose_weight,
            "pose prior weight (last stage)")
      ->capture_default_str();
  flags
      ->Add("--smooth-weight", "fit.smooth_weight", &o.fit.smooth_weight,
            "constant-velocity weight of temporal fitting")
      ->capture_default_str();
  flags
      ->Add("--offset-weight", "fit.offset_weight", &o.fit.offset_weight,
            "weight of the temporal fit's per-person skeleton adaptation (0: off)")
      ->capture_default_str();
  flags
      ->Add("--hypotheses", "fit.pose_hypotheses", &o.fit.pose_hypotheses,
            "start each frame from every prior component's mean and keep the best (0 / 1)")
      ->capture_default_str();
  flags->AddFlag("--overwrite", "overwrite", &o.overwrite, "replace an existing output file");
  command->callback(
      [options, flags] { flags->Run([&] { PrintSummary(*options, RecoverMotion(*options)); }); });
}

}  // namespace intersynth::cli
