#pragma once
// The bundled open body model, built from the CC0 MakeHuman / MPFB2 assets
// (`intersynth body build --mpfb DIR --out open_body.npz`; issue 14). The
// result is an SMPL-format body model (body_model.h) with:
//
//   vertices   the `body` group of base.obj (13,380 skin vertices; helper
//              geometry dropped), in METRES, Y up, facing +Z, left = +X
//              (base.obj's axes, scaled by 0.1 from decimetres);
//   faces      the body group's quads split into triangles;
//   shape      `num_samples` bodies with random macro parameters (gender,
//              muscle, weight and proportions uniform in [0, 1]; age
//              uniform from `min_age` to 1; height 0.5 + `height_sd` N(0, 1)
//              clipped to [0, 1], because MakeHuman's height slider spans
//              1.22-2.31 m for a young woman, 1.36-2.45 m for a young man,
//              far wider than adults are; race shares from a flat
//              Dirichlet), each base + sum_t w_t(macro) target_t over the
//              macro targets (makehuman_assets.h); v_template is their
//              mean and shapedirs their first `num_betas` principal
//              directions times the standard deviation along each, so
//              betas ~ N(0, 1) span the sampled population;
//   joints     the cmu_mb rig's 31 bones (rig.cmu_mb.json): a bone's joint
//              is its head, the mean of its `cube_name` helper group (or of
//              `vertex_indices` for strategy MEAN). The helper cubes are
//              dropped, so J_regressor is fitted: each joint is an affine
//              combination (weights summing to 1, so it moves rigidly with
//              the mesh) of its `regressor_vertices` nearest skin vertices,
//              least squares over 80% of the sampled bodies with a ridge
//              (1e-6 of the mean diagonal) towards equal weights, which
//              keeps every weight within about +-2; the other 20% measure
//              it (about 3 mm RMS on the spine joints, less elsewhere);
//   weights    the cmu_mb skin weights (weights.cmu_mb.json) of the body
//              vertices, rows renormalised to 1;
//   rest pose  the asset's A pose (arms about 45 degrees down): zero pose
//              is that pose, unlike SMPL's T pose; no pose correctives
//              (posedirs [V, 3, 0]);
//   smpl22     Hips, LeftUpLeg, RightUpLeg, LowerBack, LeftLeg, RightLeg,
//              Spine, LeftFoot, RightFoot, Spine1, LeftToeBase,
//              RightToeBase, Neck, LeftShoulder, RightShoulder, Head,
//              LeftArm, RightArm, LeftForeArm, RightForeArm, LeftHand,
//              RightHand (cmu_mb names for SMPL's joints; MakeHuman's
//              "Left" is the body's left, +X, as SMPL's);
//   COCO-17 face points  nose = the most forward skin vertex of the head
//              near the midline; eyes = the skin vertex nearest to a point
//              1 cm in front of each eye helper's centre; ears = the most
//              lateral skin vertex of the head within 4 cm below to 1 cm
//              above the eyes' height.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "intersynth/body/body_model.h"

namespace intersynth {

/// Options of BuildOpenBodyModel.
struct OpenBodyBuildOptions {
  /// Bodies sampled for the shape space (at least num_betas + 2).
  int num_samples = 600;
  /// Shape directions kept (>= 1).
  int num_betas = 16;
  /// Lowest MakeHuman age value (0 = 1 year, 0.1875 = 11, 0.5 = 25,
  /// 1 = 90 years; linear between): 0.44 is about 21 years.
  double min_age = 0.44;
  /// Spread of the height macro around 0.5: 0.1 gives about +-0.1 m of
  /// standing height per standard deviation.
  double height_sd = 0.1;
  /// Vertices each joint's regressor uses (>= 4).
  int regressor_vertices = 300;
  /// Seed of the sampled bodies.
  uint64_t seed = 0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// What the build measured, for the model card and the command's summary.
struct OpenBodyBuildReport {
  int num_targets = 0;
  int num_mesh_vertices = 0;
  int num_body_vertices = 0;
  int num_faces = 0;
  /// Share of the sampled shape variance that the kept directions explain.
  double explained_variance = 0.0;
  /// RMS over vertices and samples of the shape left out by the truncation (m).
  double shape_residual_rms = 0.0;
  /// Per joint: the regressor's RMS and worst error over the samples (m).
  std::vector<double> regressor_rms;
  std::vector<double> regressor_max;
  /// The default body (all macros 0.5): joint heads from the helper cubes
  /// against the rig JSON's default_position (converted to Y up): worst
  /// distance (m); checks the axis and unit conversion.
  double rig_default_max_distance = 0.0;
  /// Standing height (top of head - sole) of the mean body (m).
  double mean_height = 0.0;
};

/// Builds the model from an MPFB2 asset folder holding base.obj,
/// targets/macrodetails (macro.json and the .target.gz files, also in
/// subfolders), rigs/rig.cmu_mb.json and rigs/weights.cmu_mb.json. Prints
/// progress to stderr when `progress` is set. Throws Error naming the file
/// and what is wrong.
BodyModelData BuildOpenBodyModel(const std::filesystem::path& mpfb_dir,
                                 const OpenBodyBuildOptions& options,
                                 OpenBodyBuildReport* report,
                                 bool progress = false);

/// The cmu_mb bone of each smpl22 joint (see the file comment).
const std::vector<std::string>& CmuMbSmpl22Bones();

}  // namespace intersynth
