// intersynth body build --mpfb DIR --out MODEL.npz | intersynth body info MODEL.npz

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "apps/intersynth/commands.h"
#include "apps/intersynth/field_flags.h"
#include "intersynth/body/body_model.h"
#include "intersynth/body/open_body_build.h"
#include "intersynth/util/error.h"

namespace intersynth::cli {
namespace {

void SetupBodyBuild(CLI::App* command) {
  auto options = std::make_shared<OpenBodyBuildOptions>();
  auto flags = std::make_shared<FieldFlags>(command);
  auto mpfb = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto overwrite = std::make_shared<bool>(false);
  command->footer(
      "Builds the open body model from the CC0 MakeHuman / MPFB2 assets: the skin\n"
      "(base.obj's `body` group, metres, Y up), PCA shape directions of bodies sampled\n"
      "across the macro targets, the cmu_mb rig's skin weights and a joint regressor\n"
      "fitted to the rig's joint definitions; no pose correctives. Writes an SMPL-format\n"
      ".npz with smpl22_joints, coco17_face_vertices and joint_names\n"
      "(src/intersynth/body/open_body_build.h says how).\n\n"
      "Example:\n"
      "  intersynth body build --mpfb ../shared/data/body/mpfb2 --out assets/body/open_body.npz");
  command->add_option("--mpfb", *mpfb, "MPFB2 asset folder (base.obj, targets/, rigs/)")
      ->required();
  command->add_option("--out", *out, "body model file to write (.npz)")->required();
  flags
      ->Add("--samples", "num_samples", &options->num_samples, "bodies sampled for the shape space")
      ->capture_default_str();
  flags->Add("--betas", "num_betas", &options->num_betas, "shape directions kept")
      ->capture_default_str();
  flags
      ->Add("--min-age", "min_age", &options->min_age,
            "lowest MakeHuman age value sampled (0.5 = 25 years, 1 = 90)")
      ->capture_default_str();
  flags->Add("--seed", "seed", &options->seed, "seed of the sampled bodies")->capture_default_str();
  command->add_flag("--overwrite", *overwrite, "replace an existing output file");
  command->callback([=] {
    flags->Run([&] {
      if (std::filesystem::exists(*out) && !*overwrite)
        throw Error(fmt::format("{} exists (pass --overwrite to replace it)", *out));
      OpenBodyBuildReport report;
      const BodyModelData model = BuildOpenBodyModel(*mpfb, *options, &report, /*progress=*/true);
      SaveBodyModel(*out, model);
      const double worst_rms =
          *std::max_element(report.regressor_rms.begin(), report.regressor_rms.end());
      const double worst_max =
          *std::max_element(report.regressor_max.begin(), report.regressor_max.end());
      std::printf(
          "%s: %d vertices (of %d in base.obj), %d triangles, %d joints, %d shape directions\n"
          "  %d targets; %d sampled bodies explain %.2f%% of their shape variance with %d\n"
          "  directions (residual RMS %.2f mm); mean body %.3f m tall\n"
          "  joint regressor on held-out bodies: worst joint RMS %.2f mm, worst error %.2f mm\n"
          "  default body's joints vs the rig's default positions: %.2f mm at most\n"
          "  COCO face vertices (nose, eyes, ears): %d %d %d %d %d\n",
          out->c_str(), model.num_vertices, report.num_mesh_vertices, report.num_faces,
          model.num_joints, model.num_betas, report.num_targets, options->num_samples,
          100.0 * report.explained_variance, model.num_betas, 1000.0 * report.shape_residual_rms,
          report.mean_height, 1000.0 * worst_rms, 1000.0 * worst_max,
          1000.0 * report.rig_default_max_distance, model.coco17_face_vertices[0],
          model.coco17_face_vertices[1], model.coco17_face_vertices[2],
          model.coco17_face_vertices[3], model.coco17_face_vertices[4]);
    });
  });
}

void SetupBodyInfo(CLI::App* command) {
  auto path = std::make_shared<std::string>();
  command->add_option("MODEL", *path, "body model file (.npz)")->required();
  command->callback([=] {
    const BodyModelData model = LoadBodyModel(*path);
    std::printf("%s: %d vertices, %d triangles, %d joints, %d shape directions, %s\n",
                path->c_str(), model.num_vertices, static_cast<int>(model.faces.size() / 3),
                model.num_joints, model.num_betas,
                model.has_pose_correctives() ? "pose correctives" : "no pose correctives");
    if (!model.smpl22_joints.empty()) {
      std::printf("  smpl22 joints:");
      for (int j : model.smpl22_joints) {
        if (model.joint_names.empty()) {
          std::printf(" %d", j);
        } else {
          std::printf(" %s", model.joint_names[j].c_str());
        }
      }
      std::printf("\n");
    }
    if (!model.coco17_face_vertices.empty()) {
      std::printf("  COCO face vertices (nose, eyes, ears):");
      for (int v : model.coco17_face_vertices) std::printf(" %d", v);
      std::printf("\n");
    }
  });
}

}  // namespace

void SetupBody(CLI::App* command) {
  command->require_subcommand(1);
  SetupBodyBuild(command->add_subcommand(
      "build", "Build the open body model from the MakeHuman / MPFB2 assets"));
  SetupBodyInfo(command->add_subcommand("info", "Describe a body model file"));
}

}  // namespace intersynth::cli
