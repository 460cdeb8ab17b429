#include "intersynth/body/body_model.h"

#include <fmt/format.h>

#include <cmath>

#include "intersynth/body/smpl22.h"
#include "intersynth/io/npz.h"
#include "intersynth/util/error.h"

namespace intersynth {
namespace {

/// The array under `key` as float32 values, with its shape checked against
/// `expected` (-1: any size). Throws Error naming the file and key.
std::vector<float> FloatArray(const NpzArchive& archive,
                              const std::string& key,
                              const std::vector<int64_t>& expected,
                              const std::filesystem::path& path,
                              std::vector<int64_t>* shape = nullptr) {
  const NpyArray& array = NpzRequire(archive, key, path);
  if (array.dtype != NpyDType::kFloat32 && array.dtype != NpyDType::kFloat64) {
    throw Error(fmt::format("{}: key '{}' has dtype {}, expected float32 or float64", path.string(),
                            key, NpyDTypeName(array.dtype)));
  }
  NpzRequireShape(array, expected, key, path);
  std::vector<float> values = array.ToVector<float>();
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(fmt::format("{}: key '{}' holds a non-finite value at flat index {}",
                              path.string(), key, i));
    }
  }
  if (shape != nullptr) *shape = array.shape;
  return values;
}

/// The array under `key` as int64 values (any integer dtype), shape checked.
std::vector<int64_t> IntArray(const NpzArchive& archive,
                              const std::string& key,
                              const std::vector<int64_t>& expected,
                              const std::filesystem::path& path) {
  const NpyArray& array = NpzRequire(archive, key, path);
  if (array.dtype != NpyDType::kInt32 && array.dtype != NpyDType::kInt64 &&
      array.dtype != NpyDType::kUInt32) {
    throw Error(
        fmt::format("{}: key '{}' has dtype {}, expected an integer type (int32, int64, uint32)",
                    path.string(), key, NpyDTypeName(array.dtype)));
  }
  NpzRequireShape(array, expected, key, path);
  return array.ToVector<int64_t>();
}

}  // namespace

BodyModelData LoadBodyModel(const std::filesystem::path& path) {
  const NpzArchive archive = ReadNpz(path);
  const std::string source = path.string();
  BodyModelData model;
  model.source = source;

  // Sizes from the template and the regressor.
  std::vector<int64_t> shape;
  model.v_template = FloatArray(archive, "v_template", {-1, 3}, path, &shape);
  model.num_vertices = static_cast<int>(shape[0]);
  model.j_regressor = FloatArray(archive, "J_regressor", {-1, model.num_vertices}, path, &shape);
  model.num_joints = static_cast<int>(shape[0]);
  const int V = model.num_vertices;
  const int J = model.num_joints;
  if (V < 1 || J < 1)
    throw Error(fmt::format("{}: the model has {} vertices and {} joints", source, V, J));

  // Shape and pose blend shapes.
  model.shapedirs = FloatArray(archive, "shapedirs", {V, 3, -1}, path, &shape);
  model.num_betas = static_cast<int>(shape[2]);
  const int64_t pose_features = 9 * static_cast<int64_t>(J - 1);
  if (archive.count("posedirs") != 0) {
    const NpyArray& posedirs = archive.at("posedirs");
    if (posedirs.shape.size() == 3 && posedirs.shape[0] == V && posedirs.shape[2] == 0) {
      // No correctives, stated with an empty array.
    } else if (posedirs.shape.size() == 3) {
      // SMPL's file layout [V, 3, P] -> [P, 3V].
      const std::vector<float> file = FloatArray(archive, "posedirs", {V, 3, pose_features}, path);
      model.posedirs.resize(file.size());
      for (int64_t p = 0; p < pose_features; ++p) {
        for (int64_t i = 0; i < 3 * V; ++i)
          model.posedirs[p * 3 * V + i] = file[i * pose_features + p];
      }
    } else {
      model.posedirs = FloatArray(archive, "posedirs", {pose_features, 3 * V}, path);
    }
  }
  model.weights = FloatArray(archive, "weights", {V, J}, path);
  for (int v = 0; v < V; ++v) {
    double sum = 0.0;
    for (int j = 0; j < J; ++j) sum += model.weights[static_cast<size_t>(v) * J + j];
    if (std::abs(sum - 1.0) > 1e-3) {
      throw Error(
          fmt::format("{}: key 'weights': the skinning weights of vertex {} sum to {}, expected 1",
                      source, v, sum));
    }
  }

  // The kinematic tree: parents before children.
  const std::vector<int64_t> kintree = IntArray(archive, "kintree_table", {2, J}, path);
  model.parents.resize(J);
  for (int k = 0; k < J; ++k) {
    const int64_t parent = kintree[k];
    model.parents[k] = k == 0 ? -1 : static_cast<int>(parent);
    if (k == 0 && parent >= 0 && parent < J) {
      throw Error(fmt::format(
          "{}: key 'kintree_table': joint 0 must be the root (parent -1 or >= {}), got {}", source,
          J, parent));
    }
    if (k > 0 && (parent < 0 || parent >= k)) {
      throw Error(fmt::format(
          "{}: key 'kintree_table': joint {} has parent {}; parents must come before their "
          "children",
          source, k, parent));
    }
  }

  // Faces.
  const std::vector<int64_t> faces = IntArray(archive, "f", {-1, 3}, path);
  model.faces.resize(faces.size());
  for (size_t i = 0; i < faces.size(); ++i) {
    if (faces[i] < 0 || faces[i] >= V) {
      throw Error(fmt::format("{}: key 'f': vertex index {} of face {} is outside [0, {})", source,
                              faces[i], i / 3, V));
    }
    model.faces[i] = static_cast<int32_t>(faces[i]);
  }

  // The smpl22 joints: given, or the first 22 (SMPL order).
  if (archive.count("smpl22_joints") != 0) {
    const std::vector<int64_t> map = IntArray(archive, "smpl22_joints", {kSmpl22NumJoints}, path);
    for (int64_t j : map) {
      if (j < 0 || j >= J) {
        throw Error(
            fmt::format("{}: key 'smpl22_joints': joint {} is outside [0, {})", source, j, J));
      }
      model.smpl22_joints.push_back(static_cast<int>(j));
    }
  } else if (J >= kSmpl22NumJoints) {
    for (int j = 0; j < kSmpl22NumJoints; ++j) model.smpl22_joints.push_back(j);
  }

  if (archive.count("coco17_face_vertices") != 0) {
    for (int64_t v : IntArray(archive, "coco17_face_vertices", {5}, path)) {
      if (v < 0 || v >= V) {
        throw Error(fmt::format("{}: key 'coco17_face_vertices': vertex {} is outside [0, {})",
                                source, v, V));
      }
      model.coco17_face_vertices.push_back(static_cast<int>(v));
    }
  }
  if (archive.count("joint_names") != 0) {
    const NpyArray& names = archive.at("joint_names");
    if (names.dtype != NpyDType::kUnicode || names.shape != std::vector<int64_t>{J}) {
      throw Error(fmt::format("{}: key 'joint_names' must be {} strings, got {} {}", source, J,
                              NpyDTypeName(names.dtype), NpyShapeString(names.shape)));
    }
    model.joint_names = names.strings;
  }
  return model;
}

void SaveBodyModel(const std::filesystem::path& path, const BodyModelData& model) {
  const int64_t V = model.num_vertices;
  const int64_t J = model.num_joints;
  const int64_t B = model.num_betas;
  const int64_t P = model.has_pose_correctives() ? 9 * (J - 1) : 0;
  if (model.v_template.size() != static_cast<size_t>(V * 3) ||
      model.shapedirs.size() != static_cast<size_t>(V * 3 * B) ||
      model.j_regressor.size() != static_cast<size_t>(J * V) ||
      model.weights.size() != static_cast<size_t>(V * J) ||
      model.parents.size() != static_cast<size_t>(J) || model.faces.size() % 3 != 0 ||
      (P > 0 && model.posedirs.size() != static_cast<size_t>(P * 3 * V))) {
    throw Error(fmt::format("{}: the body model's arrays disagree with its sizes", path.string()));
  }
  NpzArchive archive;
  archive["v_template"] = NpyArray::Float32({V, 3}, model.v_template);
  archive["shapedirs"] = NpyArray::Float32({V, 3, B}, model.shapedirs);
  // [P, 3V] in memory -> [V, 3, P] in the file.
  std::vector<float> posedirs(static_cast<size_t>(P * 3 * V));
  for (int64_t p = 0; p < P; ++p) {
    for (int64_t i = 0; i < 3 * V; ++i) posedirs[i * P + p] = model.posedirs[p * 3 * V + i];
  }
  archive["posedirs"] = NpyArray::Float32({V, 3, P}, posedirs);
  archive["J_regressor"] = NpyArray::Float32({J, V}, model.j_regressor);
  archive["weights"] = NpyArray::Float32({V, J}, model.weights);
  std::vector<int64_t> kintree(static_cast<size_t>(2 * J));
  for (int64_t k = 0; k < J; ++k) {
    kintree[k] = model.parents[k];
    kintree[J + k] = k;
  }
  archive["kintree_table"] = NpyArray::Int64({2, J}, kintree);
  archive["f"] = NpyArray::Int32({static_cast<int64_t>(model.faces.size() / 3), 3}, model.faces);
  if (!model.smpl22_joints.empty()) {
    archive["smpl22_joints"] = NpyArray::Int64(
        {kSmpl22NumJoints},
        std::vector<int64_t>(model.smpl22_joints.begin(), model.smpl22_joints.end()));
  }
  if (!model.coco17_face_vertices.empty()) {
    archive["coco17_face_vertices"] = NpyArray::Int64(
        {5},
        std::vector<int64_t>(model.coco17_face_vertices.begin(), model.coco17_face_vertices.end()));
  }
  if (!model.joint_names.empty())
    archive["joint_names"] = NpyArray::Unicode({J}, model.joint_names);
  WriteNpz(path, archive);
}

}  // namespace intersynth
