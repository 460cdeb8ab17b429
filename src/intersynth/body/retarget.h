#pragma once
// Retargeting joint positions of any source skeleton onto smpl22 through a
// JointMap, and putting the result on the floor.
//
// Layout of the output: joints [T, 22, 3] float, C order, metres, smpl22
// joint order (body/smpl22.h), in the source's world frame (Y up for BVH
// and ASF/AMC): retargeting moves no joint off the source's skeleton, it
// only picks (or interpolates) points on it.

#include <vector>

#include "intersynth/body/joint_map.h"
#include "intersynth/body/joint_positions.h"

namespace intersynth {

/// The smpl22 joint positions of every frame of `source`:
///
///   joints[t, j] = P(t, a_j)                              (plain target)
///   joints[t, j] = (1 - t_j) * P(t, a_j) + t_j * P(t, b_j)  (interpolated)
///
/// with P(t, name) the source position of that joint at frame t and
/// (a_j, b_j, t_j) = map.targets[j]. Returns [T, 22, 3] float metres.
/// Throws Error naming the map and the joint when `source` lacks a name the
/// map reads (FindJointMap picks a map that fits), or when `source.positions`
/// does not hold T * J * 3 values.
std::vector<float> RetargetToSmpl22(const NamedJointPositions& source, const JointMap& map);

/// Options of PutOnFloor.
struct PutOnFloorOptions {
  /// Percentile (0-100) of the per-frame lowest foot height taken as the
  /// floor. A low percentile rather than the minimum ignores a few glitch
  /// frames with a foot far below the others; jumps and kicks (frames where
  /// both feet are up) do not matter as long as the feet are down in more
  /// than this share of the frames.
  double percentile = 5.0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// Shifts `joints` [T, 22, 3] (Y up) vertically so that the floor is y = 0.
/// The floor height is estimated as
///
///   m_t   = min over j in {left_ankle 7, right_ankle 8, left_foot 10,
///                          right_foot 11} of joints[t, j].y
///   floor = percentile_p(m_0 .. m_{T-1})   (linear interpolation between
///                                           order statistics)
///
/// and subtracted from every y. So the lowest foot joint touches y = 0 in a
/// typical supported frame (foot joints, not soles: the floor is where the
/// lowest foot JOINT is, as in HumanML3D). Returns the floor height removed
/// (metres). No-op returning 0 when num_frames is 0. Throws OptionError for
/// bad options, Error when joints.size() != num_frames * 66.
double PutOnFloor(std::vector<float>& joints,
                  int num_frames,
                  const PutOnFloorOptions& options = {});

/// Lifts the frames of one person's `joints` [T, 22, 3] (Y up, floor y = 0)
/// in which a joint other than the feet is below the floor: lying, sitting
/// or kneeling on the floor, where PutOnFloor's foot-based floor leaves the
/// back or a knee up to several centimetres in the ground (HDM05
/// lieDownFloor: 6.7 cm). With
///
///   r_t = max(0, -min over j not in {ankles, feet} of joints[t, j].y)
///   o_t = mean over |s - t| <= radius of (max over |u - s| <= radius of r_u)
///
/// every frame t is moved up by o_t >= r_t (the max filter covers every
/// frame the mean reads), so no joint ends below y = 0 where a non-foot
/// joint was the lowest, and the lift fades in and out over about 2 x radius
/// frames instead of jumping. Frames where only a foot joint is below the
/// floor are left alone (PutOnFloor's percentile already chose to ignore
/// such glitches). Returns the largest lift (m). Throws Error when
/// joints.size() != num_frames * 66 or radius_frames < 0.
double LiftBodyAboveFloor(std::vector<float>& joints, int num_frames, int radius_frames = 5);

/// Whether frame 0 of `joints` [T, 22, 3] is a T-pose added before the take
/// (CMU conversions often start so): the arms are horizontal (both wrists
/// within 0.15 m of their shoulders' height, 1 m or more apart) AND frame 1 is
/// a jump away (some joint moves more than 0.2 m in one frame). A take that
/// merely starts in a T-pose and moves on smoothly is kept.
bool IsAddedTPose(const std::vector<float>& joints, int num_frames);

}  // namespace intersynth
