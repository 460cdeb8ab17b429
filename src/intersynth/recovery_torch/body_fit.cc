#include "intersynth/recovery_torch/body_fit.h"

#include <cmath>

namespace intersynth {

void BodyFitOptions::Check() const {
  CheckAtLeast(adam_steps_per_iteration, 1, "adam_steps_per_iteration");
  CheckPositive(adam_learning_rate, "adam_learning_rate");
  CheckAtLeast(num_betas, 0, "num_betas");
  CheckPositive(sigma_px, "sigma_px");
  CheckAtLeast(pose_weight, 0.0, "pose_weight");
  CheckAtLeast(head_weight, 0.0, "head_weight");
  CheckAtLeast(shape_weight, 0.0, "shape_weight");
  CheckAtLeast(smooth_weight, 0.0, "smooth_weight");
  CheckAtLeast(floor_weight, 0.0, "floor_weight");
  if (floor) {
    if (!floor->normal.allFinite() || std::abs(floor->normal.norm() - 1.0) > 1e-6)
      throw OptionError(fmt::format("{{floor}} needs a unit normal, got ({}, {}, {})",
                                    floor->normal.x(), floor->normal.y(), floor->normal.z()));
    CheckFinite(floor->offset, "floor");
  }
  CheckAtLeast(offset_weight, 0.0, "offset_weight");
  CheckInRange(adapt_from_stage, 0, static_cast<int>(stage_multipliers.size()) - 1,
               "adapt_from_stage");
  CheckPositive(contact_speed, "contact_speed");
  for (double m : stage_multipliers) CheckAtLeast(m, 0.0, "stage_multipliers");
  CheckAtLeast(init_iterations, 0, "init_iterations");
  CheckAtLeast(hypothesis_iterations, 0, "hypothesis_iterations");
  CheckAtLeast(stage_iterations, 0, "stage_iterations");
  CheckInRange(min_visible, 1, 17, "min_visible");
}

RigidTransformd CameraFromCameraCentredWorld() {
  RigidTransformd camera_from_world;
  camera_from_world.rotation = Eigen::Vector3d(1.0, -1.0, -1.0).asDiagonal();
  return camera_from_world;
}

}  // namespace intersynth
