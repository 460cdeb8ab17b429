#pragma once
// What body fitting's energies share (recovery_torch/body_fitting_torch.h for
// keypoint tracks, body_fit_joints_torch.h for 3D joints): the pose prior's
// parameterisation of a body model (the prior-convention variables root6d
// and x, the rest-to-rest rotations A_k, ModelRotations), the skeleton
// adaptation, the posed model's points and SMPLify's max-mixture energy.
// Internal to recovery_torch. Torch target only.

#include <torch/torch.h>

#include <Eigen/Core>
#include <array>
#include <optional>
#include <vector>

#include "intersynth/body/body_model.h"
#include "intersynth/body/pose_prior.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/body_torch/body_model_torch.h"
#include "intersynth/geometry/pinhole_camera.h"
#include "intersynth/geometry/plane.h"
#include "intersynth/geometry/rigid_transform.h"

namespace intersynth::body_fit {

/// Tied bone lengths of the skeleton adaptation: the bone ending at each
/// smpl22 joint 1..21, left and right sharing one length.
constexpr std::array<int, kSmpl22NumJoints> kBoneLengthOf = {
    -1, 0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 10, 10, 11, 11, 12, 12};
constexpr int kNumBoneLengths = 13;

/// The fitted smpl22 joints: the prior's 16 and the head.
std::vector<int> FreeJoints();

/// Constants of one fit.
struct Context {
  const BodyModelTorch* model = nullptr;
  int num_joints = 0;
  std::vector<int> smpl22;     // model joint of each smpl22 joint
  torch::Tensor smpl22_index;  // int64 [22]
  torch::Tensor rest;          // [22, 3, 3] A_k
  // The model's rest smpl22 joints at zero shape.
  std::array<Eigen::Vector3d, kSmpl22NumJoints> rest_joints;
  torch::Tensor vertex_ids;  // int64 [n]: face points (5, if any), then sole points
  int num_face = 0;
  int num_sole = 0;
  torch::Tensor cam_r, cam_t;  // camera_from_world
  // The floor plane in the world (BodyFitOptions::floor): normal [3] and
  // offset; floor_normal is undefined without a floor.
  torch::Tensor floor_normal;
  double floor_offset = 0.0;
  // Bone-length adaptation: bone_tie [22, kNumBoneLengths] maps the tied
  // lengths onto the smpl22 bones (row k: the bone that ends at k),
  // bone_direction [22, 3] the model's rest bone directions, and
  // bone_paths [J, 22] = 1 where smpl22 bone k lies on the path from the root
  // to model joint m (through m's nearest smpl22 ancestor-or-self).
  torch::Tensor bone_tie, bone_direction, bone_paths;
  double fx = 0, fy = 0, cx = 0, cy = 0;
  // Prior.
  torch::Tensor prior_means;    // [K, D]
  torch::Tensor prior_inverse;  // [K, D, D] L_k^-1
  torch::Tensor prior_const;    // [K]
  torch::Tensor mean_pose;      // [17, 3]: the heaviest component's mean, head 0
};

/// Everything a fit keeps constant: the model's smpl22 map and rest
/// rotations, the skeleton adaptation's matrices, the face and sole points,
/// the camera, the floor and the prior. Throws Error for a model without a
/// smpl22 map or a prior that is not 48-dimensional.
Context MakeContext(const BodyModelData& data,
                    const BodyModelTorch& model,
                    const PosePrior& prior,
                    const PinholeCamera& camera,
                    const RigidTransformd& camera_from_world,
                    const std::optional<Plane>& floor = std::nullopt);

/// Model local rotations [N, J, 3, 3] from the prior-convention variables.
torch::Tensor ModelRotations(const Context& c, const torch::Tensor& root6d, const torch::Tensor& x);

struct Points {
  torch::Tensor joints22;  // [N, 22, 3] camera
  torch::Tensor coco;      // [N, 17, 3] camera
  torch::Tensor sole;      // [N, s, 3] camera
};

/// Metres added to each model joint's rest position [J, 3] by bone-length
/// changes `offsets` [kNumBoneLengths]: a joint moves by the changes of all
/// bones above it.
torch::Tensor JointOffsetsFromBones(const Context& c, const torch::Tensor& offsets);

/// The posed model's points; `offsets` (bone-length changes) may be undefined.
Points Pose(const Context& c,
            const torch::Tensor& betas,
            const torch::Tensor& root6d,
            const torch::Tensor& x,
            const torch::Tensor& transl,
            const torch::Tensor& offsets = {});

/// SMPLify's max-mixture energy per frame [N] of x [N, 17, 3] (the first 16).
torch::Tensor PriorTerm(const Context& c, const torch::Tensor& x);

/// Sole points of the mean body: per foot, the lowest vertices' heel and toe.
std::vector<int64_t> SolePoints(const BodyModelData& data);

}  // namespace intersynth::body_fit
