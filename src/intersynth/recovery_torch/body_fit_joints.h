#pragma once
// Fitting a body model to 3D smpl22 joints over time: how generated (or
// recovered) motion gets a skinned body for rendering (issue 31). Torch-free
// header; the fit runs in LibTorch (body_fit_joints_torch.cc) on the
// machinery of keypoint fitting (body_fit_context_torch.h: the pose prior's
// parameterisation of the model and its max-mixture energy).
//
// Per person, variables (world frame, Y up):
//   beta        [B]        shared over frames; starts at a draw
//                          beta_0 ~ N(0, beta_sigma^2) (seeded per person) or
//                          at the given betas
//   root_t, x_t            the prior-convention root orientation (6D) and the
//                          17 fitted joints' axis-angle rotations per frame
//   transl_t    [3]
// Start (IK): each frame's rotations from its joints by swing IK against the
// prior's rest skeleton (body/smpl_pose.h SmplLocalRotationsFromJoints), the
// translation that puts the model's root joint on the motion's pelvis.
// Energy (L-BFGS, `iterations`):
//   E = sum_t,j |J_tj - P_tj|^2                    the model's smpl22 joints J
//                                                  against the motion's P (m^2)
//       + w_pose  sum_t MaxMixture(x_t)            SMPLify's pose prior
//       + w_head  sum_t |x_t[head]|^2
//       + w_shape |beta - beta_0|^2                the shape stays near its draw
//       + w_smooth sum_t |x_t+1 - x_t|^2 + |root_t+1 - root_t|^2
// Joints carry no twist about their bones: the prior and the smoothness set
// it. The model's smpl22 joints are defined as its own (the open body's hips
// sit 0.21 m apart, mocap's 0.13 m), so the error does not go to 0 on a
// motion of another skeleton: JointFit reports it.

#include <cstdint>
#include <vector>

#include "intersynth/body/body_model.h"
#include "intersynth/body/pose_prior.h"
#include "intersynth/motion/motion_clip.h"

namespace intersynth {

struct JointFitOptions {
  /// Shape coefficients fitted (at most the model's).
  int num_betas = 10;
  /// Draws of beta_0 (per person, from `seed`), unless `betas` gives them.
  double beta_sigma = 1.0;
  uint64_t seed = 0;
  /// Given start shapes, one [num_betas] row per person; empty: drawn.
  std::vector<std::vector<float>> betas;
  /// L-BFGS iterations.
  int iterations = 40;
  double w_pose = 1e-4;
  double w_head = 1e-3;
  double w_shape = 1e-3;
  double w_smooth = 1e-2;
  /// LibTorch threads; <= 0: every core.
  int threads = 0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// One person's fitted body.
struct JointFit {
  int num_frames = 0;
  int num_joints = 0;
  std::vector<float> betas;
  /// [T, J, 3, 3] the model's local rotations (its own convention).
  std::vector<float> rotations;
  /// [T, 3] world.
  std::vector<float> transl;
  /// [T, 22, 3] the fitted model's smpl22 joints, world.
  std::vector<float> joints22;
  /// Distance between the fitted and the given joints over frames and the
  /// 22 joints, millimetres.
  double mean_error_mm = 0.0;
  double max_error_mm = 0.0;
  double seconds = 0.0;
};

/// Fits every person of `motion` (see the file comment). Throws Error for a
/// motion without frames, a joint that is not finite, a model without a
/// smpl22 map, or given betas of the wrong count.
std::vector<JointFit> FitBodiesToJoints(const MotionClip& motion,
                                        const BodyModelData& model,
                                        const PosePrior& prior,
                                        const JointFitOptions& options = {});

/// The posed vertices [count, V, 3] of frames [first, first + count) of a fit.
std::vector<float> PosedVertices(const BodyModelData& model,
                                 const JointFit& fit,
                                 int first,
                                 int count);

}  // namespace intersynth
