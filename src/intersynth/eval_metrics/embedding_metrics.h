#pragma once
// Generation metrics on evaluator embeddings (the text-to-motion protocol of
// Guo et al., "Generating Diverse and Natural 3D Human Motions from Text",
// CVPR 2022, which MDM and InterGen reuse). Plain C++/Eigen.
//
// Embeddings are Eigen::MatrixXd with one row per sample: [N, D]. Distances
// are Euclidean. Every sampling step takes a seed, so a report is repeatable.
//
//   FID       = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))
//               (Frechet distance of the Gaussians fitted to two sets; S the
//               unbiased covariance, as np.cov). Tr (S_a S_b)^(1/2) is
//               computed as Tr (S_a^(1/2) S_b S_a^(1/2))^(1/2), whose argument
//               is symmetric positive semi-definite, so only symmetric
//               eigendecompositions are needed (negative rounding-error
//               eigenvalues are clamped to 0).
//   R-precision top-k: in a batch of B (text, motion) pairs, text i ranks the
//               B motions by distance; a hit when its own motion is among the
//               k nearest. Batches hold B distinct captions, so the B - 1
//               negatives of each pair all carry other captions.
//   MM-Dist   = mean distance between a text and its own motion.
//   Diversity = mean distance over `pairs` random pairs of samples (two index
//               draws without replacement, as Guo et al.).
//   Multimodality = mean over prompts of the mean distance over `pairs`
//               random pairs of samples generated for the same prompt.
//   Confidence interval over replications: mean +- 1.96 * std / sqrt(n),
//               std with ddof 0 (the convention of Guo et al. and MDM).

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

namespace intersynth {

/// Mean [D] and unbiased covariance [D, D] of a set of embeddings.
struct GaussianStats {
  Eigen::VectorXd mean;
  Eigen::MatrixXd covariance;
};

/// Fits the Gaussian of `embeddings` ([N, D], N >= 2; checked).
GaussianStats FitGaussian(const Eigen::MatrixXd& embeddings);

/// Frechet distance between two Gaussians of the same dimension (checked).
double FrechetDistance(const GaussianStats& a, const GaussianStats& b);

/// FID between two embedding sets of the same width.
double Fid(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

/// Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD
/// GANs", eq. 3 with their cubic polynomial kernel): the unbiased estimate of
/// the squared MMD between the sets a [m, D] and b [n, D] (m, n >= 2),
///   k(x, y) = (x . y / D + 1)^3
///   KID = sum_{i != j} k(a_i, a_j) / (m (m - 1)) + sum_{i != j} k(b_i, b_j) / (n (n - 1))
///         - 2 sum_{i, j} k(a_i, b_j) / (m n).
/// Unlike FID it has no bias that depends on m and n (its expectation is 0
/// for two samples of one distribution, so it can be slightly negative).
/// Throws Error for widths that differ or fewer than 2 rows.
double Kid(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b);

/// The 0.975 quantile of Student's t with `dof` >= 1 degrees of freedom
/// (exact to 3 decimals: tabulated for 1..30, interpolated in 1/dof above).
double StudentT975(int dof);

/// Options of RPrecision.
struct RPrecisionOptions {
  /// Pairs per batch (the match and batch_size - 1 negatives; >= 2).
  int batch_size = 32;
  /// Seed of the shuffle that forms the batches.
  uint64_t seed = 0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

struct RPrecisionResult {
  /// Fraction of pairs whose own motion ranks within the k nearest, k = 1, 2, 3.
  std::array<double, 3> top_k = {0.0, 0.0, 0.0};
  /// Mean distance between matched text and motion embeddings (over the pairs
  /// that were batched).
  double mm_dist = 0.0;
  /// Pairs that went into full batches (the rest, fewer than a batch or left
  /// over because their captions repeat, are not counted).
  int num_pairs = 0;
  int num_batches = 0;
};

/// R-precision and MM-Dist of matched rows of `text` and `motion` ([N, D]
/// each). caption_ids[i] names row i's caption: pairs that share a caption
/// never meet in a batch. Needs at least one full batch of distinct captions
/// (throws intersynth::Error otherwise, saying how many there are). Throws
/// OptionError for bad options.
RPrecisionResult RPrecision(const Eigen::MatrixXd& text,
                            const Eigen::MatrixXd& motion,
                            const std::vector<int>& caption_ids,
                            const RPrecisionOptions& options = {});

/// Diversity of `embeddings` over `pairs` random pairs (pairs <= N, checked
/// with an intersynth::Error naming both numbers).
double Diversity(const Eigen::MatrixXd& embeddings, int pairs, uint64_t seed);

/// Multimodality: `groups` holds one [S, D] matrix per prompt (S samples of
/// that prompt, S >= pairs for every group, checked).
double Multimodality(const std::vector<Eigen::MatrixXd>& groups, int pairs, uint64_t seed);

/// A metric over replications: mean and the half-width of its 95% interval.
struct MeanInterval {
  double mean = 0.0;
  double ci95 = 0.0;
  int replications = 0;
};

/// mean +- t_{0.975, n-1} * s / sqrt(n), s the sample standard deviation
/// (ddof 1): the Student-t 95% interval of the mean over n replications.
/// One value has no interval (ci95 NaN). `values` must not be empty.
MeanInterval Summarize(const std::vector<double>& values);

}  // namespace intersynth
