#include "intersynth/body/open_body_build.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>

#include "intersynth/body/makehuman_assets.h"
#include "intersynth/body/smpl22.h"
#include "intersynth/io/json.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {
namespace {

namespace fs = std::filesystem;

constexpr double kDecimetresToMetres = 0.1;

struct RigBone {
  std::string name;
  std::string parent;
  /// Full-mesh vertices whose mean is the bone's head.
  std::vector<int> head_vertices;
  /// default_position converted to Y up, metres.
  Eigen::Vector3d default_head = Eigen::Vector3d::Zero();
};

/// The rig's bones, parents before children (breadth first from the root,
/// siblings by name).
std::vector<RigBone> ReadRig(const fs::path& path, const MakeHumanMesh& mesh) {
  const nlohmann::json rig = ReadJson(path);
  if (!rig.is_object() || rig.empty())
    throw Error(fmt::format("{}: expected an object of bones", path.string()));
  std::map<std::string, RigBone> bones;
  for (const auto& [name, bone] : rig.items()) {
    const std::string where = fmt::format("{}: bone '{}'", path.string(), name);
    RigBone out;
    out.name = name;
    out.parent = JsonRequire<std::string>(bone, "parent", where);
    const nlohmann::json head = JsonRequire<nlohmann::json>(bone, "head", where);
    const std::string strategy = JsonRequire<std::string>(head, "strategy", where + " head");
    if (strategy == "CUBE") {
      out.head_vertices =
          GroupVertices(mesh, JsonRequire<std::string>(head, "cube_name", where + " head"));
    } else if (strategy == "MEAN") {
      out.head_vertices = JsonRequire<std::vector<int>>(head, "vertex_indices", where + " head");
      for (int v : out.head_vertices) {
        if (v < 0 || v >= mesh.num_vertices())
          throw Error(fmt::format("{}: head vertex {} is outside the mesh", where, v));
      }
    } else {
      throw Error(fmt::format("{}: head strategy '{}' is not CUBE or MEAN", where, strategy));
    }
    if (out.head_vertices.empty()) throw Error(fmt::format("{}: the head has no vertices", where));
    const auto p = JsonRequire<std::vector<double>>(head, "default_position", where + " head");
    if (p.size() != 3) throw Error(fmt::format("{}: default_position needs 3 numbers", where));
    out.default_head = Eigen::Vector3d(p[0], p[2], -p[1]);  // Z up -> Y up
    bones[name] = out;
  }
  std::vector<RigBone> order;
  for (const auto& [name, bone] : bones) {
    if (bone.parent.empty()) order.push_back(bone);
  }
  if (order.size() != 1)
    throw Error(fmt::format("{}: expected one root bone, found {}", path.string(), order.size()));
  for (size_t i = 0; i < order.size(); ++i) {
    for (const auto& [name, bone] : bones) {
      if (bone.parent == order[i].name) order.push_back(bone);
    }
  }
  if (order.size() != bones.size()) {
    throw Error(fmt::format("{}: {} bones do not reach the root through their parents",
                            path.string(), bones.size() - order.size()));
  }
  return order;
}

/// The skin weights [num_body, J] of the body vertices, rows normalised.
std::vector<float> ReadSkinWeights(const fs::path& path,
                                   const std::vector<RigBone>& bones,
                                   const std::vector<int>& full_to_body,
                                   int num_body) {
  const nlohmann::json file = ReadJson(path);
  const nlohmann::json weights = JsonRequire<nlohmann::json>(file, "weights", path.string());
  const int J = static_cast<int>(bones.size());
  std::vector<double> w(static_cast<size_t>(num_body) * J, 0.0);
  for (int j = 0; j < J; ++j) {
    const auto entry = weights.find(bones[j].name);
    if (entry == weights.end())
      throw Error(fmt::format("{}: no weights for bone '{}'", path.string(), bones[j].name));
    for (const auto& pair : *entry) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() ||
          !pair[1].is_number()) {
        throw Error(fmt::format("{}: bone '{}': expected [vertex, weight] pairs", path.string(),
                                bones[j].name));
      }
      const int v = pair[0].get<int>();
      if (v < 0 || v >= static_cast<int>(full_to_body.size())) {
        throw Error(fmt::format("{}: bone '{}': vertex {} is outside the mesh", path.string(),
                                bones[j].name, v));
      }
      if (full_to_body[v] >= 0)
        w[static_cast<size_t>(full_to_body[v]) * J + j] += pair[1].get<double>();
    }
  }
  std::vector<float> out(w.size());
  for (int v = 0; v < num_body; ++v) {
    double sum = 0.0;
    for (int j = 0; j < J; ++j) sum += w[static_cast<size_t>(v) * J + j];
    if (!(sum > 1e-6)) {
      throw Error(fmt::format("{}: body vertex {} has no skin weight", path.string(), v));
    }
    for (int j = 0; j < J; ++j)
      out[static_cast<size_t>(v) * J + j] =
          static_cast<float>(w[static_cast<size_t>(v) * J + j] / sum);
  }
  return out;
}

struct Target {
  std::string stem;
  std::vector<TargetOffset> offsets;
};

std::vector<Target> ReadTargets(const fs::path& dir, int num_vertices) {
  if (!fs::is_directory(dir)) throw Error(fmt::format("{}: no such folder", dir.string()));
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const size_t at = name.rfind(".target");
    if (entry.is_regular_file() && at != std::string::npos && at > 0 &&
        (name.substr(at) == ".target" || name.substr(at) == ".target.gz"))
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(fmt::format("{}: no .target(.gz) files", dir.string()));
  std::vector<Target> targets;
  for (const fs::path& file : files) {
    Target target;
    std::string name = file.filename().string();
    target.stem = name.substr(0, name.find(".target"));
    target.offsets = ReadMakeHumanTarget(file);
    for (const TargetOffset& o : target.offsets) {
      if (o.vertex < 0 || o.vertex >= num_vertices) {
        throw Error(fmt::format("{}: vertex {} is outside base.obj's {} vertices", file.string(),
                                o.vertex, num_vertices));
      }
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

/// The full mesh (file units) for macro parameters.
Eigen::VectorXd ShapeMesh(const MakeHumanMesh& mesh,
                          const MacroModel& macro,
                          const std::vector<Target>& targets,
                          const MacroParameters& parameters) {
  Eigen::VectorXd v = Eigen::Map<const Eigen::VectorXd>(mesh.vertices.data(), mesh.vertices.size());
  for (const Target& target : targets) {
    const double w = MacroTargetWeight(macro, target.stem, parameters);
    if (w == 0.0) continue;
    for (const TargetOffset& o : target.offsets) v.segment<3>(3 * o.vertex) += w * o.offset;
  }
  return v;
}

Eigen::Vector3d MeanOf(const Eigen::VectorXd& mesh, const std::vector<int>& vertices) {
  Eigen::Vector3d sum = Eigen::Vector3d::Zero();
  for (int v : vertices) sum += mesh.segment<3>(3 * v);
  return sum / static_cast<double>(vertices.size());
}

}  // namespace

const std::vector<std::string>& CmuMbSmpl22Bones() {
  static const std::vector<std::string> bones = {
      "Hips",        "LeftUpLeg",    "RightUpLeg",    "LowerBack", "LeftLeg",     "RightLeg",
      "Spine",       "LeftFoot",     "RightFoot",     "Spine1",    "LeftToeBase", "RightToeBase",
      "Neck",        "LeftShoulder", "RightShoulder", "Head",      "LeftArm",     "RightArm",
      "LeftForeArm", "RightForeArm", "LeftHand",      "RightHand"};
  return bones;
}

void OpenBodyBuildOptions::Check() const {
  CheckAtLeast(num_betas, 1, "num_betas");
  if (num_samples < num_betas + 2) {
    throw OptionError(fmt::format(
        "{{num_samples}} ({}) cannot give {{num_betas}} ({}) shape directions: it must be at "
        "least {}",
        num_samples, num_betas, num_betas + 2));
  }
  CheckInRange(min_age, 0.0, 1.0, "min_age");
  CheckAtLeast(height_sd, 0.0, "height_sd");
  CheckFinite(height_sd, "height_sd");
  CheckAtLeast(regressor_vertices, 4, "regressor_vertices");
}

BodyModelData BuildOpenBodyModel(const fs::path& mpfb_dir,
                                 const OpenBodyBuildOptions& options,
                                 OpenBodyBuildReport* report,
                                 bool progress) {
  options.Check();
  OpenBodyBuildReport local_report;
  OpenBodyBuildReport& rep = report != nullptr ? *report : local_report;
  const fs::path targets_dir = mpfb_dir / "targets" / "macrodetails";

  const MakeHumanMesh mesh = ReadMakeHumanObj(mpfb_dir / "base.obj");
  const std::vector<int> body = GroupVertices(mesh, "body");
  const int num_body = static_cast<int>(body.size());
  std::vector<int> full_to_body(mesh.num_vertices(), -1);
  for (int i = 0; i < num_body; ++i) full_to_body[body[i]] = i;
  const std::vector<RigBone> bones = ReadRig(mpfb_dir / "rigs" / "rig.cmu_mb.json", mesh);
  const int J = static_cast<int>(bones.size());
  const MacroModel macro = ReadMacroModel(targets_dir / "macro.json");
  if (progress) std::fprintf(stderr, "body build: reading the shape targets...\n");
  const std::vector<Target> targets = ReadTargets(targets_dir, mesh.num_vertices());
  rep.num_targets = static_cast<int>(targets.size());
  rep.num_mesh_vertices = mesh.num_vertices();
  rep.num_body_vertices = num_body;

  // The eye helpers, for the face points.
  const std::vector<int> left_eye = GroupVertices(mesh, "joint-l-eye");
  const std::vector<int> right_eye = GroupVertices(mesh, "joint-r-eye");

  // The default body against the rig's default positions.
  {
    const Eigen::VectorXd mesh0 = ShapeMesh(mesh, macro, targets, MacroParameters{});
    rep.rig_default_max_distance = 0.0;
    for (const RigBone& bone : bones) {
      const Eigen::Vector3d head = MeanOf(mesh0, bone.head_vertices) * kDecimetresToMetres;
      rep.rig_default_max_distance =
          std::max(rep.rig_default_max_distance, (head - bone.default_head).norm());
    }
  }

  // Sampled bodies: skin vertices (metres) and joint heads.
  const int N = options.num_samples;
  Eigen::MatrixXd skins(N, 3 * num_body);
  std::vector<Eigen::MatrixXd> heads(N, Eigen::MatrixXd(J, 3));
  Eigen::Vector3d left_eye_mean = Eigen::Vector3d::Zero();
  Eigen::Vector3d right_eye_mean = Eigen::Vector3d::Zero();
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::gamma_distribution<double> gamma(1.0, 1.0);
  for (int s = 0; s < N; ++s) {
    MacroParameters parameters;
    for (const char* name : {"gender", "muscle", "weight", "proportions"})
      parameters.values[name] = unit(rng);
    parameters.values["height"] = std::clamp(0.5 + options.height_sd * normal(rng), 0.0, 1.0);
    parameters.values["age"] = options.min_age + (1.0 - options.min_age) * unit(rng);
    parameters.african = gamma(rng);
    parameters.asian = gamma(rng);
    parameters.caucasian = gamma(rng);
    const Eigen::VectorXd full = ShapeMesh(mesh, macro, targets, parameters) * kDecimetresToMetres;
    for (int i = 0; i < num_body; ++i) skins.block<1, 3>(s, 3 * i) = full.segment<3>(3 * body[i]);
    for (int j = 0; j < J; ++j) heads[s].row(j) = MeanOf(full, bones[j].head_vertices);
    left_eye_mean += MeanOf(full, left_eye) / N;
    right_eye_mean += MeanOf(full, right_eye) / N;
    if (progress && ((s + 1) % 100 == 0 || s + 1 == N))
      std::fprintf(stderr, "body build: sampled %d/%d bodies\n", s + 1, N);
  }

  // PCA through the Gram matrix (N << 3V).
  const Eigen::RowVectorXd mean = skins.colwise().mean();
  Eigen::MatrixXd centred = skins.rowwise() - mean;
  const Eigen::MatrixXd gram = centred * centred.transpose();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(gram);
  const Eigen::VectorXd lambda = eigen.eigenvalues().reverse().cwiseMax(0.0);
  const Eigen::MatrixXd u = eigen.eigenvectors().rowwise().reverse();
  const int B = options.num_betas;
  const double total = lambda.sum();
  rep.explained_variance = total > 0.0 ? lambda.head(B).sum() / total : 1.0;
  rep.shape_residual_rms =
      std::sqrt(lambda.tail(N - B).sum() / (static_cast<double>(N) * num_body));
  // Direction i times its standard deviation: Xc^T u_i sqrt(lambda_i) /
  // sqrt(lambda_i (N - 1)) = Xc^T u_i / sqrt(N - 1).
  Eigen::MatrixXd dirs = centred.transpose() * u.leftCols(B) / std::sqrt(N - 1.0);
  for (int b = 0; b < B; ++b) {
    Eigen::Index at = 0;
    dirs.col(b).cwiseAbs().maxCoeff(&at);
    if (dirs(at, b) < 0.0) dirs.col(b) = -dirs.col(b);
  }

  // Joint regressor: affine combinations of nearby skin vertices, fitted on
  // 80% of the samples, measured on the rest.
  const int num_fit = std::max(2, N * 4 / 5);
  const int K = std::min(options.regressor_vertices, num_body);
  Eigen::MatrixXd regressor = Eigen::MatrixXd::Zero(J, num_body);
  rep.regressor_rms.assign(J, 0.0);
  rep.regressor_max.assign(J, 0.0);
  for (int j = 0; j < J; ++j) {
    Eigen::Vector3d joint_mean = Eigen::Vector3d::Zero();
    for (int s = 0; s < N; ++s) joint_mean += heads[s].row(j).transpose() / N;
    std::vector<int> order(num_body);
    std::iota(order.begin(), order.end(), 0);
    auto distance = [&](int i) {
      return (mean.segment<3>(3 * i).transpose() - joint_mean).squaredNorm();
    };
    std::partial_sort(order.begin(), order.begin() + K, order.end(),
                      [&](int a, int b) { return distance(a) < distance(b); });
    // Rows (sample, axis): sum_k w_k v_k = head, relative to the joint's mean
    // position so that the ridge is scale-free.
    Eigen::MatrixXd A(3 * num_fit, K);
    Eigen::VectorXd y(3 * num_fit);
    for (int s = 0; s < num_fit; ++s) {
      for (int c = 0; c < 3; ++c) {
        for (int k = 0; k < K; ++k) A(3 * s + c, k) = skins(s, 3 * order[k] + c) - joint_mean[c];
        y[3 * s + c] = heads[s](j, c) - joint_mean[c];
      }
    }
    const Eigen::MatrixXd ata = A.transpose() * A;
    const double ridge = 1e-6 * ata.trace() / K;
    Eigen::MatrixXd kkt = Eigen::MatrixXd::Zero(K + 1, K + 1);
    kkt.topLeftCorner(K, K) = ata + ridge * Eigen::MatrixXd::Identity(K, K);
    kkt.block(0, K, K, 1).setOnes();
    kkt.block(K, 0, 1, K).setOnes();
    Eigen::VectorXd rhs(K + 1);
    rhs.head(K) = A.transpose() * y + ridge * Eigen::VectorXd::Constant(K, 1.0 / K);
    rhs[K] = 1.0;
    const Eigen::VectorXd solution = kkt.fullPivLu().solve(rhs);
    for (int k = 0; k < K; ++k) regressor(j, order[k]) = solution[k];
    double sum_sq = 0.0;
    int count = 0;
    for (int s = num_fit < N ? num_fit : 0; s < N; ++s, ++count) {
      Eigen::Vector3d p = Eigen::Vector3d::Zero();
      for (int k = 0; k < K; ++k) p += solution[k] * skins.block<1, 3>(s, 3 * order[k]).transpose();
      const double e = (p - heads[s].row(j).transpose()).norm();
      sum_sq += e * e;
      rep.regressor_max[j] = std::max(rep.regressor_max[j], e);
    }
    rep.regressor_rms[j] = std::sqrt(sum_sq / std::max(count, 1));
  }

  BodyModelData model;
  model.source = (mpfb_dir / "base.obj").string();
  model.num_vertices = num_body;
  model.num_joints = J;
  model.num_betas = B;
  model.v_template.resize(static_cast<size_t>(3) * num_body);
  for (int i = 0; i < 3 * num_body; ++i) model.v_template[i] = static_cast<float>(mean[i]);
  model.shapedirs.resize(static_cast<size_t>(3) * num_body * B);
  for (int i = 0; i < 3 * num_body; ++i) {
    for (int b = 0; b < B; ++b)
      model.shapedirs[static_cast<size_t>(i) * B + b] = static_cast<float>(dirs(i, b));
  }
  model.j_regressor.resize(static_cast<size_t>(J) * num_body);
  for (int j = 0; j < J; ++j) {
    for (int i = 0; i < num_body; ++i)
      model.j_regressor[static_cast<size_t>(j) * num_body + i] =
          static_cast<float>(regressor(j, i));
  }
  model.weights =
      ReadSkinWeights(mpfb_dir / "rigs" / "weights.cmu_mb.json", bones, full_to_body, num_body);
  for (int j = 0; j < J; ++j) {
    model.joint_names.push_back(bones[j].name);
    int parent = -1;
    for (int k = 0; k < j; ++k) {
      if (bones[k].name == bones[j].parent) parent = k;
    }
    model.parents.push_back(parent);
  }
  for (const std::string& name : CmuMbSmpl22Bones()) {
    const auto it = std::find(model.joint_names.begin(), model.joint_names.end(), name);
    if (it == model.joint_names.end())
      throw Error(fmt::format("{}: the cmu_mb rig has no bone '{}'", mpfb_dir.string(), name));
    model.smpl22_joints.push_back(static_cast<int>(it - model.joint_names.begin()));
  }

  // Triangles of the body group.
  const auto group = std::find(mesh.group_names.begin(), mesh.group_names.end(), "body");
  const int body_group = static_cast<int>(group - mesh.group_names.begin());
  for (size_t f = 0; f < mesh.faces.size(); ++f) {
    if (mesh.face_group[f] != body_group) continue;
    const std::vector<int>& face = mesh.faces[f];
    for (size_t k = 1; k + 1 < face.size(); ++k) {
      for (int v : {face[0], face[k], face[k + 1]}) model.faces.push_back(full_to_body[v]);
    }
  }
  rep.num_faces = static_cast<int>(model.faces.size() / 3);

  // COCO-17 face points on the mean body: head vertices are those skinned
  // mostly to the Head bone.
  const int head_joint = model.smpl22_joints[15];
  auto vertex = [&](int i) {
    return Eigen::Vector3d(mean[3 * i], mean[3 * i + 1], mean[3 * i + 2]);
  };
  std::vector<int> head_vertices;
  for (int i = 0; i < num_body; ++i) {
    if (model.weights[static_cast<size_t>(i) * J + head_joint] > 0.5f) head_vertices.push_back(i);
  }
  if (head_vertices.empty()) throw Error("body build: no vertex is skinned to the Head bone");
  auto best = [&](auto&& score, auto&& keep) {
    int out = -1;
    double best_score = -1e300;
    for (int i : head_vertices) {
      if (!keep(vertex(i))) continue;
      const double value = score(vertex(i));
      if (value > best_score) best_score = value, out = i;
    }
    if (out < 0) throw Error("body build: could not place a COCO face point on the head");
    return out;
  };
  const double eye_y = 0.5 * (left_eye_mean.y() + right_eye_mean.y());
  auto near_point = [&](const Eigen::Vector3d& p) {
    return best([&](const Eigen::Vector3d& v) { return -(v - p).squaredNorm(); },
                [](const Eigen::Vector3d&) { return true; });
  };
  const Eigen::Vector3d forward(0.0, 0.0, 0.01);
  auto ear_band = [&](const Eigen::Vector3d& v) {
    return v.y() > eye_y - 0.04 && v.y() < eye_y + 0.01;
  };
  model.coco17_face_vertices = {
      best([](const Eigen::Vector3d& v) { return v.z(); },
           [](const Eigen::Vector3d& v) { return std::abs(v.x()) < 0.01; }),
      near_point(left_eye_mean + forward), near_point(right_eye_mean + forward),
      best([](const Eigen::Vector3d& v) { return v.x(); }, ear_band),
      best([](const Eigen::Vector3d& v) { return -v.x(); }, ear_band)};

  double top = -1e300, bottom = 1e300;
  for (int i = 0; i < num_body; ++i)
    top = std::max(top, mean[3 * i + 1]), bottom = std::min(bottom, mean[3 * i + 1]);
  rep.mean_height = top - bottom;
  return model;
}

}  // namespace intersynth
