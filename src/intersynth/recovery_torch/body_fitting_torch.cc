#include "intersynth/recovery_torch/body_fitting_torch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "intersynth/body/smpl22.h"
#include "intersynth/body/smpl_pose.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/recovery_torch/body_fit_context_torch.h"
#include "intersynth/recovery_torch/body_fit_optimizers_torch.h"
#include "intersynth/recovery_torch/body_fit_points_torch.h"
#include "intersynth/util/error.h"
#include "intersynth/util/timer.h"

namespace intersynth {
namespace {

using body_fit::Context;
using body_fit::FreeJoints;
using body_fit::JointOffsetsFromBones;
using body_fit::kNumBoneLengths;
using body_fit::MakeContext;
using body_fit::ModelRotations;
using body_fit::Points;
using body_fit::Pose;
using body_fit::PriorTerm;

constexpr int kK = kCoco17NumKeypoints;
torch::Tensor Project(const Context& c, const torch::Tensor& points) {
  return ProjectPointsTorch(points, c.fx, c.fy, c.cx, c.cy);
}

/// Confidence-weighted Geman-McClure reprojection per frame [N].
torch::Tensor DataTerm(const Context& c,
                       const torch::Tensor& coco,
                       const torch::Tensor& xy,
                       const torch::Tensor& conf,
                       double sigma) {
  const torch::Tensor r2 = (Project(c, coco) - xy).pow(2).sum(-1);
  const double s2 = sigma * sigma;
  return (conf * (s2 * r2 / (r2 + s2))).sum(-1);
}

// Heights of camera-frame points above the floor plane (n, d) of the world:
//   x_world = R^T (x_cam - t),  height = n . x_world + d.
torch::Tensor FloorHeight(const Context& c, const torch::Tensor& camera_points) {
  const torch::Tensor world = torch::matmul(camera_points - c.cam_t, c.cam_r);
  return (world * c.floor_normal).sum(-1) + c.floor_offset;
}

// One stage's minimisation with the options' optimiser.
StageReport Minimise(std::vector<torch::Tensor> params,
                     int iterations,
                     const BodyFitOptions& options,
                     const std::function<torch::Tensor()>& loss_fn) {
  if (options.optimizer == BodyFitOptimizer::kAdam) {
    return RunAdam(std::move(params), iterations * options.adam_steps_per_iteration,
                   options.adam_learning_rate, loss_fn);
  }
  return RunLbfgs(std::move(params), iterations, loss_fn);
}

/// Yaw about the prior's up axis (+Y).
Eigen::Matrix3d Yaw(double angle) {
  return Eigen::AngleAxisd(angle, Eigen::Vector3d::UnitY()).toRotationMatrix();
}

}  // namespace

torch::Tensor PriorPoseToModelRotations(const BodyModelData& model_data,
                                        const BodyModelTorch& model,
                                        const PosePrior& prior,
                                        const torch::Tensor& root6d,
                                        const torch::Tensor& x) {
  const Context c =
      MakeContext(model_data, model, prior, PinholeCamera{}, CameraFromCameraCentredWorld());
  return ModelRotations(c, root6d, x);
}

namespace {

// The fit's per-frame variables: root6d [N, 6], x [N, 17, 3], transl [N, 3].
struct PoseVariables {
  torch::Tensor root6d, x, transl;
};

// The variables at each start: its root orientation and joint rotations, and
// the translation that puts the model's root joint (at `root_rest` in the
// rest pose) at the start's root position.
PoseVariables StartTensors(const std::vector<BodyFitStart>& starts,
                           const Eigen::Vector3d& root_rest) {
  const std::vector<int> free = FreeJoints();
  std::vector<float> root, x, transl;
  for (const BodyFitStart& s : starts) {
    bool finite = s.camera_from_root.allFinite() && s.root_position.allFinite();
    for (int col = 0; col < 2; ++col)
      for (int row = 0; row < 3; ++row)
        root.push_back(static_cast<float>(s.camera_from_root(row, col)));
    for (int k : free) {
      finite = finite && s.local[k].allFinite();
      const Eigen::Vector3d a = MatrixToAxisAngle(Matrix3<double>(s.local[k]));
      for (int i = 0; i < 3; ++i) x.push_back(static_cast<float>(a[i]));
    }
    const Eigen::Vector3d t = s.root_position - root_rest;
    for (int i = 0; i < 3; ++i) transl.push_back(static_cast<float>(t[i]));
    if (!finite) throw Error(fmt::format("start for frame {}: a value is not finite", s.frame));
  }
  const int64_t N = static_cast<int64_t>(starts.size());
  return {torch::tensor(root).view({N, 6}),
          torch::tensor(x).view({N, static_cast<int64_t>(free.size()), 3}),
          torch::tensor(transl).view({N, 3})};
}

// A track's keypoints as the fit uses them: xy [F, 17, 2] and conf [F, 17],
// with the face points zeroed for a model without them and frames with fewer
// than min_visible points zeroed (they do not pull on the fit).
struct TrackTensors {
  torch::Tensor xy, conf;
  std::vector<uint8_t> seen;     // [F]
  std::vector<int> seen_frames;  // the frames with seen[t]
};

TrackTensors MakeTrackTensors(const Context& c, const KeypointTrack& track, int min_visible) {
  const int F = track.num_frames();
  TrackTensors k;
  k.xy = torch::tensor(track.xy).view({F, kK, 2});
  k.conf = torch::tensor(track.confidence).view({F, kK});
  if (c.num_face != 5) k.conf.narrow(1, 0, 5).zero_();
  const torch::Tensor visible = (k.conf > 0).sum(1);
  k.seen.resize(F);
  for (int t = 0; t < F; ++t) {
    k.seen[t] = visible[t].item<int64_t>() >= min_visible;
    if (k.seen[t]) k.seen_frames.push_back(t);
  }
  if (k.seen_frames.empty()) {
    throw Error(
        fmt::format("track {}: no frame shows {} or more keypoints", track.track_id, min_visible));
  }
  for (int t = 0; t < F; ++t) {
    if (!k.seen[t]) k.conf[t].zero_();
  }
  return k;
}

// Each frame's first guess of the pelvis: its image point `centre` (the
// hips' midpoint, else the middle of the visible points) and the `depth` at
// which the model's rest torso has the keypoints' shoulder-to-hip length.
// Frames without a torso take the median depth, unseen frames the nearest
// seen frame's values.
struct Placement {
  std::vector<double> depth;
  std::vector<Eigen::Vector2d> centre;
};

Placement TorsoPlacement(const Context& c,
                         const PinholeCamera& camera,
                         const KeypointTrack& track,
                         const TrackTensors& k) {
  const int F = track.num_frames();
  const auto& rest = c.rest_joints;
  const double torso_3d = (0.5 * (rest[16] + rest[17]) - 0.5 * (rest[1] + rest[2])).norm();
  Placement place;
  place.depth.assign(F, 0.0);
  place.centre.assign(F, Eigen::Vector2d::Zero());
  auto point = [&](int t, int j) {
    return Eigen::Vector2d(track.xy[(static_cast<size_t>(t) * kK + j) * 2],
                           track.xy[(static_cast<size_t>(t) * kK + j) * 2 + 1]);
  };
  auto seen_point = [&](int t, int j) {
    return track.confidence[static_cast<size_t>(t) * kK + j] > 0;
  };
  std::vector<double> known_depths;
  for (int t : k.seen_frames) {
    Eigen::Vector2d lo(1e30, 1e30), hi(-1e30, -1e30);
    for (int j = 0; j < kK; ++j) {
      if (!seen_point(t, j)) continue;
      lo = lo.cwiseMin(point(t, j));
      hi = hi.cwiseMax(point(t, j));
    }
    place.centre[t] = 0.5 * (lo + hi);
    auto mid = [&](int a, int b, Eigen::Vector2d* out) {
      if (seen_point(t, a) && seen_point(t, b))
        *out = 0.5 * (point(t, a) + point(t, b));
      else if (seen_point(t, a))
        *out = point(t, a);
      else if (seen_point(t, b))
        *out = point(t, b);
      else
        return false;
      return true;
    };
    Eigen::Vector2d shoulders, hips;
    if (mid(5, 6, &shoulders) && mid(11, 12, &hips)) {
      place.centre[t] = hips;
      const double length = (shoulders - hips).norm();
      if (length > 2.0) {
        place.depth[t] = camera.fy * torso_3d / length;
        known_depths.push_back(place.depth[t]);
      }
    }
  }
  double median_depth = 4.0;
  if (!known_depths.empty()) {
    std::nth_element(known_depths.begin(), known_depths.begin() + known_depths.size() / 2,
                     known_depths.end());
    median_depth = known_depths[known_depths.size() / 2];
  }
  for (int t = 0; t < F; ++t) {
    if (!k.seen[t]) {
      int best = k.seen_frames[0];
      for (int s : k.seen_frames) {
        if (std::abs(s - t) < std::abs(best - t)) best = s;
      }
      place.centre[t] = place.centre[best];
      place.depth[t] = place.depth[best];
    }
    if (place.depth[t] <= 0.0) place.depth[t] = median_depth;
  }
  return place;
}

// Stage 0: root orientation and translation from four headings about the
// vertical, fitted to the shoulders and the hips' midpoint with the pose at
// the prior's mean; each frame keeps its best heading. `betas` [1 or F, B]
// and `offsets` (undefined without adaptation) are held fixed. Returns
// detached variables with x at the mean pose.
PoseVariables FitHeadings(const Context& c,
                          const BodyFitOptions& options,
                          const PinholeCamera& camera,
                          const RigidTransformd& camera_from_world,
                          const TrackTensors& k,
                          const Placement& place,
                          const torch::Tensor& betas,
                          const torch::Tensor& offsets) {
  const int F = static_cast<int>(k.xy.size(0));
  const int64_t B = betas.size(1);
  const bool temporal = options.method == BodyFitMethod::kTemporal;
  const Eigen::Vector3d& rest_root = c.rest_joints[0];
  const std::array<double, 4> headings = {0.0, 0.5 * M_PI, M_PI, 1.5 * M_PI};
  const int H = static_cast<int>(headings.size());
  std::vector<float> root_init, transl_init;
  for (int h = 0; h < H; ++h) {
    const Eigen::Matrix3d r = camera_from_world.rotation * Yaw(headings[h]);
    for (int t = 0; t < F; ++t) {
      for (int col = 0; col < 2; ++col)
        for (int row = 0; row < 3; ++row) root_init.push_back(static_cast<float>(r(row, col)));
      const double z = place.depth[t];
      const Eigen::Vector3d pelvis((place.centre[t].x() - camera.cx) * z / camera.fx,
                                   (place.centre[t].y() - camera.cy) * z / camera.fy, z);
      const Eigen::Vector3d tr = pelvis - rest_root;
      for (int i = 0; i < 3; ++i) transl_init.push_back(static_cast<float>(tr[i]));
    }
  }
  torch::Tensor root6d = torch::tensor(root_init).view({H * F, 6}).requires_grad_(true);
  torch::Tensor transl = torch::tensor(transl_init).view({H * F, 3}).requires_grad_(true);
  // Shoulders and the hips' midpoint: hip joints are placed differently by
  // different skeletons (a body model's, a mocap's, COCO's annotators'),
  // their midpoint much less so, and a wrong hip width would otherwise turn
  // the body about its vertical axis.
  const torch::Tensor hip_conf =
      torch::minimum(k.conf.select(1, 11), k.conf.select(1, 12)).unsqueeze(1);
  const torch::Tensor torso_conf = torch::cat({k.conf.narrow(1, 5, 2), hip_conf}, 1).repeat({H, 1});
  const torch::Tensor torso_xy =
      torch::cat({k.xy.narrow(1, 5, 2), 0.5 * (k.xy.narrow(1, 11, 1) + k.xy.narrow(1, 12, 1))}, 1)
          .repeat({H, 1, 1});
  const torch::Tensor x0 = c.mean_pose.unsqueeze(0).expand({H * F, 17, 3});
  const torch::Tensor b0 = temporal ? betas.expand({H * F, B}) : betas.repeat({H, 1});
  auto torso_points = [&](const Points& p) {
    return torch::cat(
        {p.coco.narrow(1, 5, 2), 0.5 * (p.coco.narrow(1, 11, 1) + p.coco.narrow(1, 12, 1))}, 1);
  };
  auto per_frame = [&] {
    const Points p = Pose(c, b0, root6d, x0, transl, offsets);
    return DataTerm(c, torso_points(p), torso_xy, torso_conf, options.sigma_px);
  };
  Minimise({root6d, transl}, options.init_iterations, options, [&] { return per_frame().sum(); });
  torch::NoGradGuard guard;
  const torch::Tensor best = std::get<1>(per_frame().view({H, F}).min(0));  // [F]
  const torch::Tensor rows = best * F + torch::arange(F);
  return {root6d.detach().index_select(0, rows).clone(), c.mean_pose.unsqueeze(0).repeat({F, 1, 1}),
          transl.detach().index_select(0, rows).clone()};
}

// The pose hypotheses: every frame fitted on its own from each prior
// component's mean pose (limbs that the keypoints leave free to point
// towards or away from the camera start on both sides), from `from`'s root
// and translation, keeping the frame's best by data + prior energy. Returns
// detached variables.
PoseVariables BestHypotheses(const Context& c,
                             const BodyFitOptions& options,
                             const TrackTensors& k,
                             const PoseVariables& from,
                             const torch::Tensor& betas,
                             const torch::Tensor& offsets) {
  const int F = static_cast<int>(k.xy.size(0));
  const int64_t B = betas.size(1);
  const bool temporal = options.method == BodyFitMethod::kTemporal;
  const int K = static_cast<int>(c.prior_means.size(0));
  torch::Tensor hx = torch::cat({c.prior_means.view({K, 16, 3}), torch::zeros({K, 1, 3})}, 1)
                         .repeat_interleave(F, 0)
                         .requires_grad_(true);  // [K F, 17, 3]
  torch::Tensor hroot = from.root6d.detach().repeat({K, 1}).requires_grad_(true);
  torch::Tensor htransl = from.transl.detach().repeat({K, 1}).requires_grad_(true);
  const torch::Tensor hb = temporal ? betas.expand({K * F, B}) : betas.repeat({K, 1});
  const torch::Tensor hxy = k.xy.repeat({K, 1, 1});
  const torch::Tensor hconf = k.conf.repeat({K, 1});
  auto per_frame = [&] {
    const Points p = Pose(c, hb, hroot, hx, htransl, offsets);
    return DataTerm(c, p.coco, hxy, hconf, options.sigma_px) +
           options.pose_weight * PriorTerm(c, hx) +
           options.head_weight * hx.select(1, 16).pow(2).sum(-1);
  };
  Minimise({hroot, htransl, hx}, options.hypothesis_iterations, options,
           [&] { return per_frame().sum(); });
  torch::NoGradGuard guard;
  const torch::Tensor best = std::get<1>(per_frame().view({K, F}).min(0));
  const torch::Tensor rows = best * F + torch::arange(F);
  return {hroot.detach().index_select(0, rows).clone(), hx.detach().index_select(0, rows).clone(),
          htransl.detach().index_select(0, rows).clone()};
}

// The energy of stages 1-3 (E of the header) with the pose and shape
// weights times `multiplier`. `betas` is [1, B] (temporal) or [F, B];
// `offsets` (bone-length changes) is undefined without adaptation, and
// penalised when `offsets_free`.
torch::Tensor StageEnergy(const Context& c,
                          const BodyFitOptions& options,
                          const TrackTensors& k,
                          const PoseVariables& v,
                          const torch::Tensor& betas,
                          const torch::Tensor& offsets,
                          bool offsets_free,
                          double multiplier) {
  const int64_t F = k.xy.size(0);
  const bool temporal = options.method == BodyFitMethod::kTemporal;
  const double shape_scale = temporal ? static_cast<double>(F) : 1.0;
  const torch::Tensor b = temporal ? betas.expand({F, betas.size(1)}) : betas;
  const Points p = Pose(c, b, v.root6d, v.x, v.transl, offsets);
  torch::Tensor total = DataTerm(c, p.coco, k.xy, k.conf, options.sigma_px).sum();
  if (offsets_free) total = total + options.offset_weight * shape_scale * offsets.pow(2).sum();
  total = total + options.pose_weight * multiplier * PriorTerm(c, v.x).sum();
  total = total + options.head_weight * v.x.select(1, 16).pow(2).sum();
  total = total + options.shape_weight * multiplier * shape_scale * betas.pow(2).sum();
  if (temporal && F >= 3) {
    const torch::Tensor j = p.joints22;
    const torch::Tensor acc =
        j.narrow(0, 2, F - 2) - 2 * j.narrow(0, 1, F - 2) + j.narrow(0, 0, F - 2);
    total = total + options.smooth_weight * acc.pow(2).sum();
  }
  if (c.floor_normal.defined() && c.num_sole > 0) {
    const torch::Tensor y = FloorHeight(c, p.sole);  // [F, s]
    total = total + options.floor_weight * torch::relu(-y).pow(2).sum();
    if (temporal && F >= 2) {
      const torch::Tensor speed =
          (p.sole.narrow(0, 1, F - 1) - p.sole.narrow(0, 0, F - 1)).detach().norm(2, -1);
      const torch::Tensor still = torch::exp(-(speed / options.contact_speed).pow(2));
      total = total + options.floor_weight * (still * y.narrow(0, 1, F - 1).pow(2)).sum();
    }
  }
  return total;
}

// The fit's results from its final variables; `offsets` is undefined
// without adaptation.
BodyFit MakeBodyFit(const Context& c,
                    const KeypointTrack& track,
                    const TrackTensors& k,
                    const PoseVariables& v,
                    const torch::Tensor& betas,
                    const torch::Tensor& offsets) {
  torch::NoGradGuard guard;
  const int F = track.num_frames();
  const Points p = Pose(c, betas, v.root6d, v.x, v.transl, offsets);
  BodyFit fit;
  fit.track_id = track.track_id;
  fit.first_frame = track.first_frame;
  fit.num_frames = F;
  fit.num_betas = static_cast<int>(betas.size(1));
  fit.seen = k.seen;
  const torch::Tensor b_c = betas.contiguous();
  fit.betas.assign(b_c.data_ptr<float>(), b_c.data_ptr<float>() + b_c.numel());
  const torch::Tensor rotations = ModelRotations(c, v.root6d, v.x).to(torch::kFloat64).contiguous();
  std::vector<double> aa(static_cast<size_t>(F) * c.num_joints * 3);
  MatrixToAxisAngleBatch(rotations.data_ptr<double>(), static_cast<int64_t>(F) * c.num_joints,
                         aa.data());
  fit.pose.assign(aa.begin(), aa.end());
  const torch::Tensor t_c = v.transl.detach().contiguous();
  fit.transl.assign(t_c.data_ptr<float>(), t_c.data_ptr<float>() + t_c.numel());
  fit.joint_offsets.assign(static_cast<size_t>(c.num_joints) * 3, 0.0f);
  if (offsets.defined()) {
    const torch::Tensor joint_offsets = JointOffsetsFromBones(c, offsets).contiguous();  // [J, 3]
    fit.joint_offsets.assign(joint_offsets.data_ptr<float>(),
                             joint_offsets.data_ptr<float>() + joint_offsets.numel());
  }
  const torch::Tensor world = torch::matmul(p.joints22 - c.cam_t, c.cam_r).contiguous();
  fit.joints_world.assign(world.data_ptr<float>(), world.data_ptr<float>() + world.numel());
  const torch::Tensor projected = Project(c, p.coco).contiguous();
  fit.keypoints_fitted.assign(projected.data_ptr<float>(),
                              projected.data_ptr<float>() + projected.numel());
  const torch::Tensor err = (projected - k.xy).norm(2, -1);
  const torch::Tensor mask = k.conf > 0;
  fit.mean_reprojection_px =
      mask.sum().item<int64_t>() > 0 ? err.masked_select(mask).mean().item<double>() : 0.0;
  return fit;
}

}  // namespace

std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>> BodyFitStartKeypoints(
    const BodyModelData& model_data,
    const BodyModelTorch& model,
    const PosePrior& prior,
    const PinholeCamera& camera,
    const RigidTransformd& camera_from_world,
    const std::vector<BodyFitStart>& starts) {
  std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>> result(starts.size());
  if (starts.empty()) return result;
  torch::NoGradGuard guard;
  const Context c = MakeContext(model_data, model, prior, camera, camera_from_world);
  const PoseVariables v = StartTensors(starts, c.rest_joints[0]);
  const int64_t N = static_cast<int64_t>(starts.size());
  const Points p = Pose(c, torch::zeros({N, 0}), v.root6d, v.x, v.transl);
  const torch::Tensor uv = Project(c, p.coco).contiguous();
  const auto a = uv.accessor<float, 3>();
  for (int64_t n = 0; n < N; ++n)
    for (int k = 0; k < kK; ++k) result[n][k] = {a[n][k][0], a[n][k][1]};
  return result;
}

BodyFit FitBodyToTrack(const BodyModelData& model_data,
                       const BodyModelTorch& model,
                       const PosePrior& prior,
                       const PinholeCamera& camera,
                       const RigidTransformd& camera_from_world,
                       const KeypointTrack& track,
                       const BodyFitOptions& options,
                       const std::vector<BodyFitStart>& starts) {
  options.Check();
  const Timer timer;
  const Context c = MakeContext(model_data, model, prior, camera, camera_from_world, options.floor);
  const int F = track.num_frames();
  const int B = std::min(options.num_betas, model.num_betas());
  const bool temporal = options.method == BodyFitMethod::kTemporal;
  const TrackTensors k = MakeTrackTensors(c, track, options.min_visible);

  // Starts (hybrid path): one per frame at most, inside the track.
  std::vector<int64_t> start_rows;
  std::vector<uint8_t> started(F, 0);
  for (const BodyFitStart& s : starts) {
    const int t = s.frame - track.first_frame;
    if (t < 0 || t >= F) {
      throw Error(fmt::format("track {}: a start for frame {}, outside its frames {}-{}",
                              track.track_id, s.frame, track.first_frame,
                              track.first_frame + F - 1));
    }
    if (started[t])
      throw Error(fmt::format("track {}: two starts for frame {}", track.track_id, s.frame));
    started[t] = 1;
    start_rows.push_back(t);
  }
  const bool all_started = std::all_of(k.seen_frames.begin(), k.seen_frames.end(),
                                       [&](int t) { return started[t] != 0; });
  PoseVariables start_values;
  if (!starts.empty()) start_values = StartTensors(starts, c.rest_joints[0]);
  const Placement place = TorsoPlacement(c, camera, track, k);

  // Skeleton adaptation (temporal only): tied bone lengths, free in the first
  // round; a second round then fits again from stage 0 on the adapted skeleton
  // and the first round's shape, so that poses found on the wrong skeleton
  // (a turned pelvis, a flipped limb) are not kept.
  const bool adapt = temporal && options.offset_weight > 0.0;
  torch::Tensor offsets = torch::zeros({kNumBoneLengths}).requires_grad_(adapt);
  torch::Tensor betas = torch::zeros({temporal ? 1 : F, B});
  PoseVariables v;
  const int rounds = adapt && options.refit_after_adapting ? 2 : 1;
  for (int round = 0; round < rounds; ++round) {
    const bool free_offsets = adapt && round == 0;
    const torch::Tensor fixed_offsets = adapt ? offsets.detach() : torch::Tensor();
    v = FitHeadings(c, options, camera, camera_from_world, k, place, betas.detach(), fixed_offsets);
    if (options.progress) {
      std::fprintf(stderr, "  track %lld: %d frames (%zu seen), stage 0 done in %.1f s\n",
                   static_cast<long long>(track.track_id), F, k.seen_frames.size(),
                   timer.Seconds());
    }
    if (options.pose_hypotheses && !all_started)
      v = BestHypotheses(c, options, k, v, betas.detach(), fixed_offsets);
    if (!starts.empty()) {
      // Frames with a start begin there (the regressor's pose), the rest
      // from the hypotheses.
      torch::NoGradGuard guard;
      const torch::Tensor rows = torch::tensor(start_rows, torch::kInt64);
      v.x = v.x.clone().index_copy_(0, rows, start_values.x);
      v.root6d = v.root6d.clone().index_copy_(0, rows, start_values.root6d);
      v.transl = v.transl.clone().index_copy_(0, rows, start_values.transl);
    }

    // Stages 1-3.
    v.root6d.requires_grad_(true);
    v.transl.requires_grad_(true);
    v.x.requires_grad_(true);
    betas = betas.detach().clone().requires_grad_(true);
    const torch::Tensor use_offsets = free_offsets ? offsets : fixed_offsets;
    for (size_t stage = 0; stage < options.stage_multipliers.size(); ++stage) {
      std::vector<torch::Tensor> params = {v.root6d, v.transl, v.x, betas};
      if (free_offsets && stage >= static_cast<size_t>(options.adapt_from_stage))
        params.push_back(offsets);
      const StageReport r = Minimise(params, options.stage_iterations, options, [&] {
        return StageEnergy(c, options, k, v, betas, use_offsets, free_offsets,
                           options.stage_multipliers[stage]);
      });
      if (options.progress) {
        std::fprintf(
            stderr,
            "  track %lld: round %d stage %zu: energy %.4g -> %.4g (%d evaluations), %.1f s\n",
            static_cast<long long>(track.track_id), round + 1, stage + 1, r.before, r.after,
            r.evaluations, timer.Seconds());
      }
    }
  }  // rounds

  BodyFit fit =
      MakeBodyFit(c, track, k, v, temporal ? betas.detach().expand({F, B}) : betas.detach(),
                  adapt ? offsets.detach() : torch::Tensor());
  fit.started_frames = static_cast<int>(starts.size());
  fit.seconds = timer.Seconds();
  return fit;
}

}  // namespace intersynth
