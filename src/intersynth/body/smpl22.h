#pragma once
// The canonical smpl22 skeleton: the 22 SMPL body joints in SMPL order
// (DESIGN.md "Conventions"), and the HumanML3D skeleton description built on it.
//
//   index  name            parent     index  name             parent
//    0     pelvis           -1         11    right_foot         8
//    1     left_hip          0         12    neck               9
//    2     right_hip         0         13    left_collar        9
//    3     spine1            0         14    right_collar       9
//    4     left_knee         1         15    head              12
//    5     right_knee        2         16    left_shoulder     13
//    6     spine2            3         17    right_shoulder    14
//    7     left_ankle        4         18    left_elbow        16
//    8     right_ankle       5         19    right_elbow       17
//    9     spine3            6         20    left_wrist        18
//   10     left_foot         7         21    right_wrist       19
//
// "left" is the person's left. A person standing in the rest pose of the
// HumanML3D offsets faces +Z with Y up, so their left is +X.

#include <array>
#include <string_view>
#include <utility>

namespace intersynth {

/// Number of joints of smpl22 (equal to kNumJoints of motion/motion_clip.h).
inline constexpr int kSmpl22NumJoints = 22;

/// Joint indices by name, for the joints that code refers to explicitly.
inline constexpr int kSmpl22Pelvis = 0;
inline constexpr int kSmpl22LeftHip = 1;
inline constexpr int kSmpl22RightHip = 2;
inline constexpr int kSmpl22LeftKnee = 4;
inline constexpr int kSmpl22RightKnee = 5;
inline constexpr int kSmpl22LeftAnkle = 7;
inline constexpr int kSmpl22RightAnkle = 8;
inline constexpr int kSmpl22Spine3 = 9;
inline constexpr int kSmpl22LeftFoot = 10;
inline constexpr int kSmpl22RightFoot = 11;
inline constexpr int kSmpl22Head = 15;
inline constexpr int kSmpl22LeftShoulder = 16;
inline constexpr int kSmpl22RightShoulder = 17;
inline constexpr int kSmpl22LeftWrist = 20;
inline constexpr int kSmpl22RightWrist = 21;

/// Joint names in SMPL order (the names of the table above).
inline constexpr std::array<std::string_view, kSmpl22NumJoints> kSmpl22JointNames = {
    "pelvis",     "left_hip",    "right_hip",    "spine1",     "left_knee",     "right_knee",
    "spine2",     "left_ankle",  "right_ankle",  "spine3",     "left_foot",     "right_foot",
    "neck",       "left_collar", "right_collar", "head",       "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist",   "right_wrist"};

/// Parent of each joint (-1 for the pelvis). parent[j] < j for every j > 0.
inline constexpr std::array<int, kSmpl22NumJoints> kSmpl22Parents = {
    -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19};

/// Left/right pairs (left first). Mirroring x -> -x swaps each pair.
inline constexpr std::array<std::pair<int, int>, 8> kSmpl22MirrorPairs = {
    {{1, 2}, {4, 5}, {7, 8}, {10, 11}, {13, 14}, {16, 17}, {18, 19}, {20, 21}}};

/// The mirror image of each joint: kSmpl22MirrorJoint[j] is j's partner
/// (j itself on the spine). An involution: mirror[mirror[j]] == j.
inline constexpr std::array<int, kSmpl22NumJoints> kSmpl22MirrorJoint = {
    0, 2, 1, 3, 5, 4, 6, 8, 7, 9, 11, 10, 12, 14, 13, 15, 17, 16, 19, 18, 21, 20};

/// The four foot joints in the channel order of every foot-contact block
/// (HumanML3D 259-262, InterGen 258-261): left ankle, left foot (toe),
/// right ankle, right foot (toe).
inline constexpr std::array<int, 4> kSmpl22FootJoints = {kSmpl22LeftAnkle, kSmpl22LeftFoot,
                                                         kSmpl22RightAnkle, kSmpl22RightFoot};

/// HumanML3D's unit rest direction of the bone that ends at each joint
/// (paramUtil.py `t2m_raw_offsets`); row 0 (pelvis) is zero. Swing-only
/// inverse kinematics rotates these directions onto the observed bones.
inline constexpr std::array<std::array<float, 3>, kSmpl22NumJoints> kHumanML3DRawOffsets = {
    {{0, 0, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 1, 0},  {0, -1, 0}, {0, -1, 0}, {0, 1, 0},  {0, -1, 0},
     {0, -1, 0}, {0, 1, 0},  {0, 0, 1},  {0, 0, 1},  {0, 1, 0},  {1, 0, 0},  {-1, 0, 0}, {0, 0, 1},
     {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0}, {0, -1, 0}}};

/// One kinematic chain: joints[0] is the chain's base, joints[i] is the
/// child of joints[i - 1] for 0 < i < length.
struct KinematicChain {
  int length = 0;
  std::array<int, 6> joints = {};
};

/// HumanML3D's kinematic chains (paramUtil.py `t2m_kinematic_chain`), in
/// its order: right leg, left leg, spine, right arm, left arm. The arm chains
/// start at spine3 (9); the leg and spine chains at the pelvis.
inline constexpr std::array<KinematicChain, 5> kHumanML3DKinematicChains = {
    {{5, {0, 2, 5, 8, 11, 0}},
     {5, {0, 1, 4, 7, 10, 0}},
     {6, {0, 3, 6, 9, 12, 15}},
     {5, {9, 14, 17, 19, 21, 0}},
     {5, {9, 13, 16, 18, 20, 0}}}};

/// Index of a joint by its smpl22 name ("left_ankle" -> 7). Exact, case-
/// sensitive match. Throws Error naming the unknown name and listing the 22
/// valid names.
int Smpl22JointIndex(std::string_view name);

}  // namespace intersynth
