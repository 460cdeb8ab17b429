// intersynth pose-error --truth GT.npz --estimate EST.npz [--joints all|coco12] [--json OUT.json]

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/eval_metrics/pose_error.h"
#include "intersynth/io/json.h"
#include "intersynth/motion/motion_file.h"

namespace intersynth::cli {
namespace {

/// A number, or null for NaN (nothing counted).
nlohmann::json NumberOrNull(double v) {
  return std::isnan(v) ? nlohmann::json() : nlohmann::json(v);
}

nlohmann::json ErrorJson(const PoseError& e) {
  return {{"w_mpjpe_mm", NumberOrNull(e.w_mpjpe_mm)},
          {"mpjpe_mm", NumberOrNull(e.mpjpe_mm)},
          {"pa_mpjpe_mm", NumberOrNull(e.pa_mpjpe_mm)},
          {"accel_error_mm", NumberOrNull(e.accel_error_mm)},
          {"frames", e.frames},
          {"counts",
           {{"w_mpjpe", e.w_mpjpe_count},
            {"mpjpe", e.mpjpe_count},
            {"pa_mpjpe", e.pa_mpjpe_count},
            {"accel", e.accel_count}}}};
}

}  // namespace

void SetupPoseError(CLI::App* command) {
  auto truth = std::make_shared<std::string>();
  auto estimate = std::make_shared<std::string>();
  auto joints = std::make_shared<PoseErrorJoints>(PoseErrorJoints::kAll);
  auto json = std::make_shared<std::string>();
  auto flags = std::make_shared<FieldFlags>(command);
  command->footer(
      "Compares an estimated motion with the true one, person p with person p, frame by\n"
      "frame (both motion files; the frame and person counts must match), over the joints\n"
      "valid in both, in millimetres:\n"
      "  W-MPJPE   world frame, no alignment\n"
      "  MPJPE     after subtracting each clip's pelvis (smpl22 joint 0)\n"
      "  PA-MPJPE  after the best similarity (rotation, translation, scale) per frame\n"
      "  accel     |second difference of estimate - of truth|, pelvis-relative joints,\n"
      "            mm/frame^2 (VIBE's acceleration error)\n"
      "--joints coco12 measures the 12 joints COCO keypoints see (shoulders, elbows,\n"
      "wrists, hips, knees, ankles). --json writes the numbers, per person and pooled\n"
      "(null where nothing could be measured).\n"
      "Definitions: src/intersynth/eval_metrics/pose_error.h.\n\n"
      "Example:\n"
      "  intersynth pose-error --truth clip.npz --estimate recovered.npz --joints coco12 \\\n"
      "      --json error.json");
  command->add_option("--truth", *truth, "the true motion file (.npz)")->required();
  command->add_option("--estimate", *estimate, "the estimated motion file (.npz)")->required();
  // The set becomes PoseErrorOptions::joints, so both are the field `joints`.
  flags->AddEnum("--joints", "joints", joints.get(), ParsePoseErrorJoints, "all or coco12");
  command->add_option("--json", *json, "also write the numbers as JSON here");
  command->callback([=] {
    flags->Run([&] {
      PoseErrorOptions options;
      options.joints = PoseErrorJointSet(*joints);
      const std::string joints_name(ToString(*joints));
      const MotionClip truth_clip = ReadMotionFile(*truth);
      const MotionClip estimate_clip = ReadMotionFile(*estimate);
      const PoseErrorReport report =
          ComputePoseError(truth_clip, estimate_clip, options, *truth, *estimate);
      std::printf("pose error of %s against %s (%s joints, %d frames):\n%s", estimate->c_str(),
                  truth->c_str(), joints_name.c_str(), report.num_frames,
                  FormatPoseErrorTable(report).c_str());
      if (!json->empty()) {
        nlohmann::json out = ErrorJson(report.all);
        out["truth"] = *truth;
        out["estimate"] = *estimate;
        out["joints"] = joints_name;
        out["joint_indices"] = report.joints;
        out["num_frames"] = report.num_frames;
        out["persons"] = nlohmann::json::array();
        for (const PoseError& e : report.persons) out["persons"].push_back(ErrorJson(e));
        out["units"] =
            "millimetres; accel_error_mm in mm/frame^2 (second differences of pelvis-relative "
            "joints, per frame)";
        WriteJson(*json, out);
        std::printf("wrote %s\n", json->c_str());
      }
    });
  });
}

}  // namespace intersynth::cli
