#include "intersynth/eval_metrics/embedding_metrics.h"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <unordered_set>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

// The square root of a symmetric positive semi-definite matrix, through its
// eigendecomposition; eigenvalues below zero (rounding error) count as zero.
Eigen::MatrixXd SymmetricSqrt(const Eigen::MatrixXd& matrix) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(matrix);
  const Eigen::VectorXd roots = solver.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return solver.eigenvectors() * roots.asDiagonal() * solver.eigenvectors().transpose();
}

// Tr (A B)^(1/2) = Tr (A^(1/2) B A^(1/2))^(1/2) for symmetric PSD A and B:
// with X = A^(1/2) and Y = A^(1/2) B, A B = X Y and A^(1/2) B A^(1/2) = Y X
// share their eigenvalues, and the second is symmetric PSD.
double TraceSqrtProduct(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  const Eigen::MatrixXd a_root = SymmetricSqrt(a);
  Eigen::MatrixXd inner = a_root * b * a_root;
  inner = 0.5 * (inner + inner.transpose());  // symmetric up to rounding
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(inner, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().sum();
}

// k distinct indices in [0, n) in random order (a partial Fisher-Yates
// shuffle, as np.random.choice(n, k, replace=False) draws).
std::vector<int> ChooseWithoutReplacement(int n, int k, Rng& rng) {
  std::vector<int> indices(n);
  std::iota(indices.begin(), indices.end(), 0);
  for (int i = 0; i < k; ++i) std::swap(indices[i], indices[rng.UniformInt(i, n - 1)]);
  indices.resize(k);
  return indices;
}

// Mean distance between rows first[i] and second[i] of `embeddings`.
double MeanPairDistance(const Eigen::MatrixXd& embeddings,
                        const std::vector<int>& first,
                        const std::vector<int>& second) {
  double sum = 0.0;
  for (size_t i = 0; i < first.size(); ++i) {
    sum += (embeddings.row(first[i]) - embeddings.row(second[i])).norm();
  }
  return sum / static_cast<double>(first.size());
}

}  // namespace

GaussianStats FitGaussian(const Eigen::MatrixXd& embeddings) {
  if (embeddings.rows() < 2) {
    throw Error(fmt::format("FID needs at least 2 embeddings per set, got {}", embeddings.rows()));
  }
  GaussianStats stats;
  stats.mean = embeddings.colwise().mean().transpose();
  const Eigen::MatrixXd centred = embeddings.rowwise() - stats.mean.transpose();
  stats.covariance = centred.transpose() * centred / static_cast<double>(embeddings.rows() - 1);
  return stats;
}

double FrechetDistance(const GaussianStats& a, const GaussianStats& b) {
  if (a.mean.size() != b.mean.size()) {
    throw Error(fmt::format("FID of embeddings of different widths ({} and {})", a.mean.size(),
                            b.mean.size()));
  }
  const double mean_term = (a.mean - b.mean).squaredNorm();
  const double trace_term = a.covariance.trace() + b.covariance.trace() -
                            2.0 * TraceSqrtProduct(a.covariance, b.covariance);
  // Rounding can make the distance of a set with itself slightly negative.
  return std::max(0.0, mean_term + trace_term);
}

double Fid(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return FrechetDistance(FitGaussian(a), FitGaussian(b));
}

void RPrecisionOptions::Check() const { CheckAtLeast(batch_size, 2, "batch_size"); }

RPrecisionResult RPrecision(const Eigen::MatrixXd& text,
                            const Eigen::MatrixXd& motion,
                            const std::vector<int>& caption_ids,
                            const RPrecisionOptions& options) {
  options.Check();
  const int n = static_cast<int>(text.rows());
  if (motion.rows() != n || static_cast<int>(caption_ids.size()) != n ||
      text.cols() != motion.cols()) {
    throw Error(fmt::format(
        "R-precision: {} text embeddings of width {}, {} motion embeddings of width {} and {} "
        "caption ids do not match",
        text.rows(), text.cols(), motion.rows(), motion.cols(), caption_ids.size()));
  }

  // Form batches of distinct captions: each batch takes one pair from each of
  // the batch_size captions with the most pairs left (ties in a seeded random
  // order, pairs of a caption in a seeded random order). Serving the largest
  // groups first forms as many full batches as the captions allow.
  Rng rng(options.seed);
  std::map<int, std::vector<int>> by_caption;
  for (int i = 0; i < n; ++i) by_caption[caption_ids[i]].push_back(i);
  struct Group {
    std::vector<int> pairs;
    uint64_t tie_break;
  };
  std::vector<Group> groups;
  for (auto& [caption, pairs] : by_caption) {
    rng.Shuffle(pairs);
    groups.push_back({pairs, rng.NextSeed()});
  }
  std::vector<std::vector<int>> batches;
  while (true) {
    std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
      if (a.pairs.size() != b.pairs.size()) return a.pairs.size() > b.pairs.size();
      return a.tie_break < b.tie_break;
    });
    if (static_cast<int>(groups.size()) < options.batch_size ||
        groups[options.batch_size - 1].pairs.empty()) {
      break;
    }
    std::vector<int> batch;
    for (int g = 0; g < options.batch_size; ++g) {
      batch.push_back(groups[g].pairs.back());
      groups[g].pairs.pop_back();
    }
    batches.push_back(std::move(batch));
  }
  if (batches.empty()) {
    std::unordered_set<int> distinct(caption_ids.begin(), caption_ids.end());
    throw Error(fmt::format(
        "R-precision needs a batch of {} pairs with distinct captions; there are {} pairs with {} "
        "distinct captions",
        options.batch_size, n, distinct.size()));
  }

  // Rank within each batch: the rank of the own motion is the number of
  // motions strictly nearer to the text.
  RPrecisionResult result;
  double distance_sum = 0.0;
  std::array<int, 3> hits = {0, 0, 0};
  for (const std::vector<int>& members : batches) {
    for (int i : members) {
      const double own = (text.row(i) - motion.row(i)).norm();
      distance_sum += own;
      int rank = 0;
      for (int j : members) {
        if (j != i && (text.row(i) - motion.row(j)).norm() < own) ++rank;
      }
      for (int k = 0; k < 3; ++k) hits[k] += rank <= k ? 1 : 0;
    }
  }
  result.num_batches = static_cast<int>(batches.size());
  result.num_pairs = result.num_batches * options.batch_size;
  for (int k = 0; k < 3; ++k) result.top_k[k] = static_cast<double>(hits[k]) / result.num_pairs;
  result.mm_dist = distance_sum / result.num_pairs;
  return result;
}

double Diversity(const Eigen::MatrixXd& embeddings, int pairs, uint64_t seed) {
  const int n = static_cast<int>(embeddings.rows());
  if (pairs < 1 || pairs > n) {
    throw Error(
        fmt::format("diversity of {} pairs needs at least {} samples, got {}", pairs, pairs, n));
  }
  Rng rng(seed);
  const std::vector<int> first = ChooseWithoutReplacement(n, pairs, rng);
  const std::vector<int> second = ChooseWithoutReplacement(n, pairs, rng);
  return MeanPairDistance(embeddings, first, second);
}

double Multimodality(const std::vector<Eigen::MatrixXd>& groups, int pairs, uint64_t seed) {
  if (groups.empty()) throw Error("multimodality needs at least one prompt");
  Rng rng(seed);
  double sum = 0.0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const int n = static_cast<int>(groups[g].rows());
    if (pairs < 1 || pairs > n) {
      throw Error(
          fmt::format("multimodality of {} pairs needs {} samples per prompt; prompt {} has {}",
                      pairs, pairs, g, n));
    }
    const std::vector<int> first = ChooseWithoutReplacement(n, pairs, rng);
    const std::vector<int> second = ChooseWithoutReplacement(n, pairs, rng);
    sum += MeanPairDistance(groups[g], first, second);
  }
  return sum / static_cast<double>(groups.size());
}

double StudentT975(int dof) {
  if (dof < 1) throw Error(fmt::format("StudentT975: dof must be >= 1, got {}", dof));
  static constexpr double kTable[30] = {
      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
      2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
      2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (dof <= 30) return kTable[dof - 1];
  // Between the tabulated 30, 40 (2.0211), 60 (2.0003), 120 (1.9799) and
  // infinity (1.9600), linear in 1 / dof.
  static constexpr double kDof[5] = {30, 40, 60, 120, 1e300};
  static constexpr double kT[5] = {2.0423, 2.0211, 2.0003, 1.9799, 1.9600};
  for (int k = 0; k < 4; ++k) {
    if (dof <= kDof[k + 1]) {
      const double u = (1.0 / kDof[k] - 1.0 / dof) / (1.0 / kDof[k] - 1.0 / kDof[k + 1]);
      return kT[k] + u * (kT[k + 1] - kT[k]);
    }
  }
  return kT[4];
}

double Kid(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  if (a.cols() != b.cols() || a.rows() < 2 || b.rows() < 2) {
    throw Error(
        fmt::format("KID needs two sets of >= 2 rows of one width, got [{}, {}] and [{}, {}]",
                    a.rows(), a.cols(), b.rows(), b.cols()));
  }
  const double d = static_cast<double>(a.cols());
  auto kernel = [&](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
    return ((x * y.transpose()).array() / d + 1.0).cube().matrix().eval();
  };
  const double m = static_cast<double>(a.rows()), n = static_cast<double>(b.rows());
  const Eigen::MatrixXd kaa = kernel(a, a), kbb = kernel(b, b), kab = kernel(a, b);
  const double within_a = (kaa.sum() - kaa.trace()) / (m * (m - 1.0));
  const double within_b = (kbb.sum() - kbb.trace()) / (n * (n - 1.0));
  return within_a + within_b - 2.0 * kab.sum() / (m * n);
}

MeanInterval Summarize(const std::vector<double>& values) {
  if (values.empty()) throw Error("no replications to summarise");
  const int count = static_cast<int>(values.size());
  const double n = static_cast<double>(count);
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  if (count == 1) return {mean, std::numeric_limits<double>::quiet_NaN(), 1};
  double squares = 0.0;
  for (double v : values) squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / (n - 1.0));
  return {mean, StudentT975(count - 1) * sd / std::sqrt(n), count};
}

}  // namespace intersynth
