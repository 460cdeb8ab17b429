#pragma once
// What follows a body fit (body_fitting_torch.h): temporal smoothing of the
// fitted parameters as its own step, and the fitted meshes. Torch target
// only.

#include <vector>

#include "intersynth/body/body_model.h"
#include "intersynth/body_torch/body_model_torch.h"
#include "intersynth/recovery_torch/body_fitting_torch.h"

namespace intersynth {

/// Frame f's mesh vertices [V, 3] in the camera frame (the fit's shape,
/// pose, translation and joint offsets through the whole model).
std::vector<float> BodyFitVertices(const BodyFit& fit, const BodyModelTorch& model, int f);

/// Temporal smoothing of a fit as its own step: every channel of the
/// translation, the 6D rotations of all joints and the betas is replaced by
/// the Whittaker-Henderson smoother (whittaker_smooth.h) with `lambda`, the
/// rotations re-orthonormalised, and the joints and projected keypoints
/// recomputed (with the fit's joint offsets) for `camera` at
/// camera_from_world. (The source method's own
/// smoothing, its eq. 5.6, was not available; this is the standard
/// penalised least-squares smoother.)
BodyFit SmoothBodyFit(const BodyFit& fit,
                      const BodyModelData& model_data,
                      const BodyModelTorch& model,
                      const PinholeCamera& camera,
                      const RigidTransformd& camera_from_world,
                      double lambda);

}  // namespace intersynth
