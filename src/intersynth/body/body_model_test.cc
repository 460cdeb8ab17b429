#include "intersynth/body/body_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "intersynth/io/npz.h"
#include "intersynth/testing/testing.h"

namespace intersynth {
namespace {

// testdata/body/make_tiny_body_model.py: V = 60, J = 6, B = 4, SMPL's layouts.
std::filesystem::path TinyModel() {
  return testing::SourceDir() / "testdata" / "body" / "tiny_body_model.npz";
}

TEST(BodyModel, LoadsSmplLayouts) {
  const BodyModelData model = LoadBodyModel(TinyModel());
  EXPECT_EQ(model.num_vertices, 60);
  EXPECT_EQ(model.num_joints, 6);
  EXPECT_EQ(model.num_betas, 4);
  // uint32 kintree_table with 4294967295 for the root, as SMPL's.
  EXPECT_EQ(model.parents, (std::vector<int>{-1, 0, 1, 0, 3, 4}));
  EXPECT_EQ(model.faces.size(), 60u);
  ASSERT_TRUE(model.has_pose_correctives());
  // posedirs [V, 3, 45] in the file, [45, 3V] in memory.
  const NpzArchive archive = ReadNpz(TinyModel());
  const std::vector<float> file = archive.at("posedirs").ToVector<float>();
  for (int p : {0, 7, 44}) {
    for (int i : {0, 5, 179})
      EXPECT_EQ(model.posedirs[p * 180 + i], file[i * 45 + p]) << p << " " << i;
  }
  // Fewer than 22 joints and no map: no smpl22 joints.
  EXPECT_TRUE(model.smpl22_joints.empty());
}

/// The tiny model with one key replaced (or removed when `value` is empty).
std::filesystem::path Modified(const testing::TempDir& dir,
                               const std::string& key,
                               const NpyArray* value) {
  NpzArchive archive = ReadNpz(TinyModel());
  if (value == nullptr)
    archive.erase(key);
  else
    archive[key] = *value;
  const std::filesystem::path path = dir / ("model_" + key + ".npz");
  WriteNpz(path, archive);
  return path;
}

TEST(BodyModel, BrokenFilesAreNamed) {
  testing::TempDir dir;
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "weights", nullptr)),
                        {"model_weights.npz", "missing key 'weights'"});

  const NpyArray bad_tree = NpyArray::Int64({2, 6}, {-1, 0, 1, 4, 3, 4, 0, 1, 2, 3, 4, 5});
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "kintree_table", &bad_tree)),
                        {"kintree_table", "joint 3 has parent 4", "before their children"});

  std::vector<float> weights = ReadNpz(TinyModel()).at("weights").ToVector<float>();
  weights[7 * 6] += 0.5f;
  const NpyArray bad_weights = NpyArray::Float32({60, 6}, weights);
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "weights", &bad_weights)),
                        {"vertex 7", "expected 1"});

  const NpyArray bad_faces = NpyArray::Int64({1, 3}, {0, 1, 60});
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "f", &bad_faces)),
                        {"key 'f'", "60", "[0, 60)"});

  std::vector<float> templ = ReadNpz(TinyModel()).at("v_template").ToVector<float>();
  templ[10] = std::nanf("");
  const NpyArray nan_template = NpyArray::Float32({60, 3}, templ);
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "v_template", &nan_template)),
                        {"v_template", "non-finite"});

  const NpyArray short_regressor = NpyArray::Float32({6, 59}, std::vector<float>(6 * 59, 0.0f));
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "J_regressor", &short_regressor)),
                        {"J_regressor", "(6, 59)"});

  const NpyArray map = NpyArray::Int64({22}, std::vector<int64_t>(22, 9));
  EXPECT_ERROR_CONTAINS(LoadBodyModel(Modified(dir, "smpl22_joints", &map)),
                        {"smpl22_joints", "joint 9"});
}

TEST(BodyModel, NoPoseCorrectivesIsAllowed) {
  testing::TempDir dir;
  const BodyModelData model = LoadBodyModel(Modified(dir, "posedirs", nullptr));
  EXPECT_FALSE(model.has_pose_correctives());
  const NpyArray empty = NpyArray::Float32({60, 3, 0}, {});
  EXPECT_FALSE(LoadBodyModel(Modified(dir, "posedirs", &empty)).has_pose_correctives());
}

}  // namespace
}  // namespace intersynth
