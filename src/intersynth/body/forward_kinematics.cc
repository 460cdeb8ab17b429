#include "intersynth/body/forward_kinematics.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "intersynth/geometry/euler.h"
#include "intersynth/geometry/rigid_transform.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

// Acclaim rotation from angles about X, Y, Z (radians) applied in the order
// `order` names ("XYZ": X first): R = R_s2(a_s2) * R_s1(a_s1) * R_s0(a_s0),
// which is EulerToMatrix with the reversed order and the angles permuted.
Eigen::Matrix3d AcclaimRotation(const Eigen::Vector3d& xyz_rad,
                                const std::string& order,
                                const std::string& where) {
  if (order.size() != 3) {
    throw Error(fmt::format("{}: axis order '{}' is not a permutation of XYZ", where, order));
  }
  const std::string reversed(order.rbegin(), order.rend());
  EulerOrder euler_order;
  try {
    euler_order = ParseEulerOrder(reversed);
  } catch (const Error&) {
    throw Error(fmt::format("{}: axis order '{}' is not a permutation of XYZ", where, order));
  }
  const std::array<int, 3> axes = EulerOrderAxes(euler_order);
  const Eigen::Vector3d angles(xyz_rad[axes[0]], xyz_rad[axes[1]], xyz_rad[axes[2]]);
  return EulerToMatrix<double>(angles, euler_order);
}

}  // namespace

void BvhFkOptions::Check() const {
  // Every value of every field is valid.
}

NamedJointPositions BvhForwardKinematics(const BvhMotion& motion,
                                         double metres_per_unit,
                                         const BvhFkOptions& options) {
  options.Check();
  // Validate what the caller controls before touching any frame.
  if (!std::isfinite(metres_per_unit) || metres_per_unit <= 0.0) {
    throw Error(
        fmt::format("BvhForwardKinematics: metres_per_unit is {}; expected a finite number > 0 "
                    "(e.g. 0.01 for centimetres)",
                    metres_per_unit));
  }
  if (!(motion.frame_time > 0.0) || !std::isfinite(motion.frame_time)) {
    throw Error(fmt::format("BvhForwardKinematics: frame_time is {}; expected a finite number > 0",
                            motion.frame_time));
  }
  const int num_joints = static_cast<int>(motion.joints.size());
  if (num_joints == 0) {
    throw Error("BvhForwardKinematics: the motion has no joints; expected a ROOT");
  }
  if (motion.num_frames < 0 || motion.values.rows() != motion.num_frames ||
      motion.values.cols() != motion.NumChannels()) {
    throw Error(fmt::format(
        "BvhForwardKinematics: values are {}x{}; expected num_frames x NumChannels() = {}x{}",
        motion.values.rows(), motion.values.cols(), motion.num_frames, motion.NumChannels()));
  }
  for (int j = 0; j < num_joints; ++j) {
    const int parent = motion.joints[j].parent;
    if ((j == 0) != (parent < 0) || parent >= j) {
      throw Error(fmt::format(
          "BvhForwardKinematics: joint {} ('{}') has parent {}; expected depth-first order "
          "(parent < index, only joint 0 without parent)",
          j, motion.joints[j].name, parent));
    }
  }

  // Output joints: all, or all but End Sites (parents re-indexed, order kept).
  std::vector<int> output_index(num_joints, -1);
  NamedJointPositions out;
  for (int j = 0; j < num_joints; ++j) {
    const BvhJoint& joint = motion.joints[j];
    if (joint.is_end_site && !options.include_end_sites) continue;
    output_index[j] = out.num_joints();
    out.names.push_back(joint.name);
    out.parents.push_back(joint.parent < 0 ? -1 : output_index[joint.parent]);
  }
  out.num_frames = motion.num_frames;
  out.fps = 1.0 / motion.frame_time;
  out.positions.assign(static_cast<size_t>(out.num_frames) * out.names.size() * 3, 0.0);

  // world_from_j = world_from_parent * (R_j, t_j), parents first (file order).
  std::vector<RigidTransformd> world_from_joint(num_joints);
  for (int t = 0; t < motion.num_frames; ++t) {
    for (int j = 0; j < num_joints; ++j) {
      const RigidTransformd parent_from_joint{BvhJointRotation(motion, j, t),
                                              BvhJointTranslation(motion, j, t)};
      const int parent = motion.joints[j].parent;
      world_from_joint[j] =
          parent < 0 ? parent_from_joint : world_from_joint[parent] * parent_from_joint;
      if (output_index[j] < 0) continue;
      double* position = out.at(t, output_index[j]);
      for (int k = 0; k < 3; ++k) {
        position[k] = metres_per_unit * world_from_joint[j].translation[k];
      }
    }
  }
  return out;
}

NamedJointPositions AmcForwardKinematics(const AsfSkeleton& skeleton,
                                         const AmcMotion& motion,
                                         double fps) {
  if (!std::isfinite(fps) || fps <= 0.0) {
    throw Error(fmt::format("AmcForwardKinematics: fps is {}; expected a finite number > 0", fps));
  }
  const int num_bones = static_cast<int>(skeleton.bones.size());

  // The motion must have been laid out for this skeleton: "root" + bones.
  if (static_cast<int>(motion.bone_names.size()) != num_bones + 1 ||
      static_cast<int>(motion.column_offset.size()) != num_bones + 2) {
    throw Error(fmt::format(
        "AmcForwardKinematics: the AMC motion has {} blocks; expected {} (\"root\" + {} bones "
        "of ASF skeleton '{}'): was it read against another skeleton?",
        motion.bone_names.size(), num_bones + 1, num_bones, skeleton.name));
  }
  if (motion.bone_names[0] != "root") {
    throw Error(fmt::format("AmcForwardKinematics: AMC block 0 is '{}'; expected 'root'",
                            motion.bone_names[0]));
  }
  for (int b = 0; b < num_bones; ++b) {
    if (motion.bone_names[b + 1] != skeleton.bones[b].name) {
      throw Error(fmt::format(
          "AmcForwardKinematics: AMC block {} is bone '{}'; expected '{}' (ASF bone {}): was it "
          "read against another skeleton?",
          b + 1, motion.bone_names[b + 1], skeleton.bones[b].name, b));
    }
  }
  if (motion.num_frames < 0 || motion.values.rows() != motion.num_frames ||
      motion.values.cols() != motion.NumColumns()) {
    throw Error(fmt::format("AmcForwardKinematics: values are {}x{}; expected {}x{}",
                            motion.values.rows(), motion.values.cols(), motion.num_frames,
                            motion.NumColumns()));
  }

  // Processing order: parents before children (breadth-first from the root),
  // since :bonedata order need not put parents first. A bone never reached
  // has a parent cycle or a parent out of range.
  std::vector<int> order;
  order.reserve(num_bones);
  for (int b = 0; b < num_bones; ++b) {
    const int parent = skeleton.bones[b].parent;
    if (parent < -1 || parent >= num_bones) {
      throw Error(
          fmt::format("AmcForwardKinematics: bone '{}' has parent index {}; expected -1..{}",
                      skeleton.bones[b].name, parent, num_bones - 1));
    }
  }
  for (int b : skeleton.Children(-1)) order.push_back(b);
  for (size_t i = 0; i < order.size(); ++i) {
    for (int c : skeleton.Children(order[i])) order.push_back(c);
  }
  if (static_cast<int>(order.size()) != num_bones) {
    throw Error(fmt::format(
        "AmcForwardKinematics: only {} of {} bones of ASF skeleton '{}' hang from the root; "
        "expected a tree",
        order.size(), num_bones, skeleton.name));
  }

  // Per-bone constants: C, C^-1, the rest vector l * d (ASF units), and
  // where each rotation dof sits in the bone's AMC block.
  const double asf_angle = skeleton.units.angle_is_degrees ? EIGEN_PI / 180.0 : 1.0;
  const double amc_angle = motion.degrees ? EIGEN_PI / 180.0 : 1.0;
  struct BoneConstants {
    Eigen::Matrix3d c;
    Eigen::Matrix3d c_inverse;
    Eigen::Vector3d rest_vector;
    std::array<int, 3> rotation_column = {-1, -1, -1};  // rx, ry, rz within the block
  };
  std::vector<BoneConstants> constants(num_bones);
  for (int b = 0; b < num_bones; ++b) {
    const AsfBone& bone = skeleton.bones[b];
    const std::string where = fmt::format("AmcForwardKinematics: ASF bone '{}'", bone.name);
    BoneConstants& k = constants[b];
    k.c = AcclaimRotation(bone.axis * asf_angle, bone.axis_order, where);
    k.c_inverse = k.c.transpose();
    k.rest_vector = bone.length * bone.direction;
    for (size_t i = 0; i < bone.dof.size(); ++i) {
      switch (bone.dof[i]) {
        case AsfDof::kRx:
          k.rotation_column[0] = static_cast<int>(i);
          break;
        case AsfDof::kRy:
          k.rotation_column[1] = static_cast<int>(i);
          break;
        case AsfDof::kRz:
          k.rotation_column[2] = static_cast<int>(i);
          break;
        default:
          throw Error(fmt::format("{}: dof '{}' is not supported; expected only rx, ry, rz", where,
                                  AsfDofName(bone.dof[i])));
      }
    }
  }

  // Root: C_root from `orientation`; translation / rotation columns in root.order.
  const std::string root_where = "AmcForwardKinematics: ASF root";
  const Eigen::Matrix3d root_c =
      AcclaimRotation(skeleton.root.orientation * asf_angle, skeleton.root.axis_order, root_where);
  std::array<int, 3> root_translation_column = {-1, -1, -1};
  std::array<int, 3> root_rotation_column = {-1, -1, -1};
  for (size_t i = 0; i < skeleton.root.order.size(); ++i) {
    const int column = static_cast<int>(i);
    switch (skeleton.root.order[i]) {
      case AsfDof::kTx:
        root_translation_column[0] = column;
        break;
      case AsfDof::kTy:
        root_translation_column[1] = column;
        break;
      case AsfDof::kTz:
        root_translation_column[2] = column;
        break;
      case AsfDof::kRx:
        root_rotation_column[0] = column;
        break;
      case AsfDof::kRy:
        root_rotation_column[1] = column;
        break;
      case AsfDof::kRz:
        root_rotation_column[2] = column;
        break;
      default:
        throw Error(fmt::format("{}: order lists '{}'; expected only tx ty tz rx ry rz", root_where,
                                AsfDofName(skeleton.root.order[i])));
    }
  }

  NamedJointPositions out;
  out.names.push_back("root");
  out.parents.push_back(-1);
  for (const AsfBone& bone : skeleton.bones) {
    out.names.push_back(bone.name);
    out.parents.push_back(bone.parent + 1);  // -1 (root) -> 0
  }
  out.num_frames = motion.num_frames;
  out.fps = fps;
  out.positions.assign(static_cast<size_t>(out.num_frames) * out.names.size() * 3, 0.0);
  const double metres = AsfUnitMetres(skeleton);

  // Per frame: A_root = C M C^-1, then A_b = A_parent C_b M_b C_b^-1 and
  // end_b = end_parent + A_b (l_b d_b), parents first.
  std::vector<Eigen::Matrix3d> world_rotation(num_bones);
  std::vector<Eigen::Vector3d> end(num_bones);
  for (int t = 0; t < motion.num_frames; ++t) {
    const Eigen::VectorXd root_values = motion.RootValues(t);
    Eigen::Vector3d root_position = skeleton.root.position;
    Eigen::Vector3d root_angles = Eigen::Vector3d::Zero();
    for (int k = 0; k < 3; ++k) {
      if (root_translation_column[k] >= 0)
        root_position[k] = root_values[root_translation_column[k]];
      if (root_rotation_column[k] >= 0)
        root_angles[k] = root_values[root_rotation_column[k]] * amc_angle;
    }
    const Eigen::Matrix3d root_rotation =
        root_c * AcclaimRotation(root_angles, skeleton.root.axis_order, root_where) *
        root_c.transpose();
    Eigen::Map<Eigen::Vector3d>(out.at(t, 0)) = metres * root_position;

    for (int b : order) {
      const AsfBone& bone = skeleton.bones[b];
      const BoneConstants& k = constants[b];
      Eigen::Vector3d angles = Eigen::Vector3d::Zero();
      if (!bone.dof.empty()) {
        const Eigen::VectorXd values = motion.BoneValues(b, t);
        for (int a = 0; a < 3; ++a) {
          if (k.rotation_column[a] >= 0) angles[a] = values[k.rotation_column[a]] * amc_angle;
        }
      }
      const Eigen::Matrix3d m = AcclaimRotation(angles, bone.axis_order, "");
      const Eigen::Matrix3d& parent_rotation =
          bone.parent < 0 ? root_rotation : world_rotation[bone.parent];
      const Eigen::Vector3d& parent_end = bone.parent < 0 ? root_position : end[bone.parent];
      world_rotation[b] = parent_rotation * k.c * m * k.c_inverse;
      end[b] = parent_end + world_rotation[b] * k.rest_vector;
      Eigen::Map<Eigen::Vector3d>(out.at(t, b + 1)) = metres * end[b];
    }
  }
  return out;
}

}  // namespace intersynth
