#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "intersynth/body/smpl_pose.h"
#include "intersynth/geometry/rotation.h"
#include "intersynth/motion/smpl22_motion.h"
#include "intersynth/recovery_torch/body_fit_context_torch.h"
#include "intersynth/recovery_torch/body_fit_joints.h"
#include "intersynth/recovery_torch/body_fit_optimizers_torch.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"
#include "intersynth/util/timer.h"
#include "intersynth/util_torch/torch_info.h"

namespace intersynth {
namespace {

// The IK start of one person: root6d [T, 6], x [T, 17, 3] (prior convention).
void IkStart(const MotionClip& motion,
             int person,
             const PosePrior& prior,
             std::vector<float>& root6d,
             std::vector<float>& x) {
  const std::vector<int> free = body_fit::FreeJoints();
  for (int t = 0; t < motion.num_frames; ++t) {
    const auto local = SmplLocalRotationsFromJoints(motion.joint(person, t, 0), prior.rest_joints);
    for (int col = 0; col < 2; ++col)
      for (int row = 0; row < 3; ++row) root6d.push_back(static_cast<float>(local[0](row, col)));
    for (int k : free) {
      const Eigen::Vector3d aa = MatrixToAxisAngle(local[k]);
      for (int i = 0; i < 3; ++i) x.push_back(static_cast<float>(aa[i]));
    }
  }
}

std::vector<float> ToVector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().contiguous().to(torch::kFloat32);
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

void JointFitOptions::Check() const {
  CheckAtLeast(num_betas, 0, "num_betas");
  CheckAtLeast(beta_sigma, 0.0, "beta_sigma");
  CheckAtLeast(iterations, 0, "iterations");
  CheckAtLeast(w_pose, 0.0, "w_pose");
  CheckAtLeast(w_head, 0.0, "w_head");
  CheckAtLeast(w_shape, 0.0, "w_shape");
  CheckAtLeast(w_smooth, 0.0, "w_smooth");
}

std::vector<JointFit> FitBodiesToJoints(const MotionClip& motion,
                                        const BodyModelData& model_data,
                                        const PosePrior& prior,
                                        const JointFitOptions& options) {
  options.Check();
  if (motion.num_persons < 1 || motion.num_frames < 1)
    throw Error("the motion to fit a body to has no persons or no frames");
  for (int p = 0; p < motion.num_persons; ++p)
    CheckJointsFinite(motion.person(p), motion.num_frames, p, "the motion to fit a body to");
  const int B = std::min(options.num_betas, model_data.num_betas);
  if (!options.betas.empty()) {
    if (options.betas.size() != static_cast<size_t>(motion.num_persons))
      throw Error(
          fmt::format("{} rows of betas for {} persons", options.betas.size(), motion.num_persons));
    for (const std::vector<float>& row : options.betas) {
      if (row.size() != static_cast<size_t>(B))
        throw Error(fmt::format("a row of {} betas, expected {}", row.size(), B));
    }
  }
  SetTorchThreads(options.threads);
  const BodyModelTorch model(model_data);
  const body_fit::Context c =
      body_fit::MakeContext(model_data, model, prior, PinholeCamera{}, RigidTransformd::Identity());
  const int T = motion.num_frames;
  std::vector<JointFit> fits;
  for (int p = 0; p < motion.num_persons; ++p) {
    const Timer timer;
    std::vector<float> beta0(B, 0.0f);
    if (!options.betas.empty()) {
      beta0 = options.betas[p];
    } else {
      Rng rng(MixSeed(options.seed, static_cast<uint64_t>(p), 0xB0D1ULL));
      for (float& b : beta0) b = static_cast<float>(rng.Normal(0.0, options.beta_sigma));
    }
    std::vector<float> root_start, x_start;
    IkStart(motion, p, prior, root_start, x_start);
    const torch::Tensor target =
        torch::from_blob(const_cast<float*>(motion.person(p)), {T, kNumJoints, 3}).clone();
    const torch::Tensor beta_start = torch::tensor(beta0).view({1, B});
    torch::Tensor betas = beta_start.clone();
    torch::Tensor root6d = torch::tensor(root_start).view({T, 6});
    torch::Tensor x = torch::tensor(x_start).view({T, 17, 3});
    // The translation that puts the model's root joint on the pelvis.
    const torch::Tensor root_rest =
        model.RestJoints(betas).index_select(1, c.smpl22_index.narrow(0, 0, 1))[0];  // [1, 3]
    torch::Tensor transl = target.select(1, 0) - root_rest;
    for (torch::Tensor* v : {&betas, &root6d, &x, &transl}) v->set_requires_grad(true);

    auto energy = [&]() {
      const body_fit::Points points = body_fit::Pose(c, betas.expand({T, B}), root6d, x, transl);
      torch::Tensor e = (points.joints22 - target).pow(2).sum();
      e = e + options.w_pose * body_fit::PriorTerm(c, x).sum();
      e = e + options.w_head * x.select(1, 16).pow(2).sum();
      e = e + options.w_shape * (betas - beta_start).pow(2).sum();
      if (T > 1) {
        e = e + options.w_smooth *
                    ((x.narrow(0, 1, T - 1) - x.narrow(0, 0, T - 1)).pow(2).sum() +
                     (root6d.narrow(0, 1, T - 1) - root6d.narrow(0, 0, T - 1)).pow(2).sum());
      }
      return e;
    };
    if (options.iterations > 0) RunLbfgs({betas, root6d, x, transl}, options.iterations, energy);

    JointFit fit;
    fit.num_frames = T;
    fit.num_joints = model_data.num_joints;
    const torch::Tensor rotations = body_fit::ModelRotations(c, root6d.detach(), x.detach());
    const body_fit::Points points = body_fit::Pose(c, betas.detach().expand({T, B}),
                                                   root6d.detach(), x.detach(), transl.detach());
    fit.betas = ToVector(betas);
    fit.rotations = ToVector(rotations);
    fit.transl = ToVector(transl);
    fit.joints22 = ToVector(points.joints22);
    const torch::Tensor error = (points.joints22 - target).norm(2, -1) * 1000.0;
    fit.mean_error_mm = error.mean().item<double>();
    fit.max_error_mm = error.max().item<double>();
    fit.seconds = timer.Seconds();
    fits.push_back(std::move(fit));
  }
  return fits;
}

std::vector<float> PosedVertices(const BodyModelData& model_data,
                                 const JointFit& fit,
                                 int first,
                                 int count) {
  if (first < 0 || count < 0 || first + count > fit.num_frames)
    throw Error(
        fmt::format("frames [{}, {}) of a fit of {} frames", first, first + count, fit.num_frames));
  torch::NoGradGuard no_grad;
  const BodyModelTorch model(model_data);
  const int B = static_cast<int>(fit.betas.size());
  const int J = fit.num_joints;
  const torch::Tensor betas = torch::tensor(fit.betas).view({1, B}).expand({count, B});
  const torch::Tensor rotations = torch::from_blob(const_cast<float*>(fit.rotations.data()) +
                                                       static_cast<size_t>(first) * J * 9,
                                                   {count, J, 3, 3})
                                      .clone();
  const torch::Tensor transl =
      torch::from_blob(const_cast<float*>(fit.transl.data()) + static_cast<size_t>(first) * 3,
                       {count, 3})
          .clone();
  return ToVector(model.ForwardRotations(betas, rotations, transl).vertices);
}

}  // namespace intersynth
