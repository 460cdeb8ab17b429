#pragma once
// The subcommand table of the intersynth CLI. Each command adds its flags to
// its CLI11 subcommand, parses them into the options struct of one library
// function, and calls that function from the subcommand's callback.

#include <CLI/CLI.hpp>

namespace intersynth::cli {

/// One row of the subcommand table.
struct Command {
  const char* name;
  const char* summary;
  /// Adds flags and the callback to the subcommand.
  void (*setup)(CLI::App* command);
};

void SetupConvert(CLI::App* command);
void SetupInfo(CLI::App* command);
void SetupDemo(CLI::App* command);
void SetupData(CLI::App* command);
void SetupExport(CLI::App* command);
void SetupPreview(CLI::App* command);
void SetupLiftScene(CLI::App* command);
void SetupKeypoints(CLI::App* command);
void SetupPoseError(CLI::App* command);
void SetupPrior(CLI::App* command);
void SetupBody(CLI::App* command);
void SetupTrain(CLI::App* command);
void SetupGenerate(CLI::App* command);
void SetupModel(CLI::App* command);
void SetupEvaluator(CLI::App* command);
void SetupEvaluate(CLI::App* command);
void SetupEvaluateSteps(CLI::App* command);
void SetupClassifier(CLI::App* command);
void SetupRecover(CLI::App* command);
void SetupRender(CLI::App* command);

/// Every subcommand, in the order --help lists them.
inline constexpr Command kCommands[] = {
    {"convert",
     "Convert motion between .npz, joint .npy, HumanML3D 263, 262 features and BVH/AMC input",
     SetupConvert},
    {"info", "Describe a motion, feature, .npy/.npz or BVH/ASF/AMC file", SetupInfo},
    {"data", "Build a motion dataset from mocap sources (data build) or describe one (data info)",
     SetupData},
    {"demo", "Run the demo on the bundled assets", SetupDemo},
    {"body", "Build the open body model from MPFB2 assets (body build) or describe one (body info)",
     SetupBody},
    {"prior", "Fit the body pose prior to a dataset (prior train) or describe one (prior info)",
     SetupPrior},
    {"lift-scene", "Rebuild a room in metric 3D from one key frame and put its floor on y = 0",
     SetupLiftScene},
    {"keypoints",
     "Simulate noisy COCO-17 keypoints of a motion seen by a known camera (keypoints simulate)",
     SetupKeypoints},
    {"pose-error",
     "Measure an estimated motion against the true one: MPJPE, PA-MPJPE, acceleration error",
     SetupPoseError},
    {"export", "Export a motion file as BVH (smpl22, per person) or JSON", SetupExport},
#ifdef INTERSYNTH_WITH_TORCH
    {"recover",
     "Recover each person's 3D body motion from tracked 2D keypoints (body model fitting)",
     SetupRecover},
    {"train", "Train the multi-person text-to-motion diffusion model on a dataset", SetupTrain},
    {"generate", "Generate motion for one or more persons from a sentence with a trained model",
     SetupGenerate},
    {"model",
     "Describe a trained model folder (model info) or export one for generation (model export)",
     SetupModel},
    {"evaluator",
     "Train the motion-text evaluator that generators are measured with (evaluator train, export)",
     SetupEvaluator},
    {"classifier",
     "Train the action classifier that text following is measured with (classifier train, test)",
     SetupClassifier},
    {"evaluate",
     "Measure a generator on a split: FID, R-precision, diversity, plausibility, beside real data",
     SetupEvaluate},
    {"render",
     "Place, skin and render a motion's people into a lifted room's camera and virtual views",
     SetupRender},
    {"evaluate-steps",
     "Choose the DDIM steps: KID and action accuracy at each step count, paired with a reference",
     SetupEvaluateSteps},
#endif
    {"preview",
     "Render stick figures of a motion file (MP4 or PNG), or draw a lifted scene's floor (PNG)",
     SetupPreview},
};

}  // namespace intersynth::cli
