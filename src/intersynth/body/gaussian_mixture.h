#pragma once
// Gaussian mixture models with full covariances: the pose prior of SMPLify
// (Bogo et al., "Keep it SMPL", ECCV 2016, section 3.2: a mixture of 8
// Gaussians fitted to poses, used through its best component), trained by
// expectation-maximisation.
//
//   p(x) = sum_k w_k N(x; mu_k, Sigma_k)
//   log N(x; mu, Sigma) = -1/2 (D log 2 pi + log det Sigma + (x - mu)^T Sigma^-1 (x - mu))
//
// NegativeLogLikelihood(x) = -log p(x) (log-sum-exp over components).
// MaxMixtureEnergy(x) = min_k [ -log w_k - log N(x; mu_k, Sigma_k) ]
//   SMPLify's approximation of -log p(x) by the best component (Olson and
//   Agarwal's max-mixture), which keeps the gradient of one Gaussian;
//   -log p(x) <= MaxMixtureEnergy(x) <= -log p(x) + log K.
//
// EM (Dempster et al. 1977), with k-means++ seeding (Arthur and Vassilvitskii
// 2007) from `seed`; each covariance gets reg_covar I added (as scikit-learn
// does) so that it stays positive definite on degenerate data. Iterates until
// the mean log-likelihood gains less than `tolerance` or max_iterations.
//
// Files (.npz): weights [K], means [K, D], covariances [K, D, D] (float64),
// and an optional `description` string.

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "intersynth/io/npy.h"

namespace intersynth {

/// Options of FitGaussianMixture.
struct GaussianMixtureOptions {
  int components = 8;
  int max_iterations = 200;
  /// Stop when the mean log-likelihood per sample gains less than this.
  double tolerance = 1e-5;
  /// Added to every covariance's diagonal.
  double reg_covar = 1e-6;
  uint64_t seed = 0;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// A fitted mixture; immutable (the precomputed factors follow the parameters).
class GaussianMixture {
 public:
  GaussianMixture() = default;
  /// From parameters (checked: K >= 1 components, weights positive summing to
  /// 1 within 1e-6, covariances symmetric positive definite). Throws Error.
  GaussianMixture(std::vector<double> weights,
                  std::vector<Eigen::VectorXd> means,
                  std::vector<Eigen::MatrixXd> covariances);

  int components() const { return static_cast<int>(weights_.size()); }
  int dimension() const { return means_.empty() ? 0 : static_cast<int>(means_[0].size()); }
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<Eigen::VectorXd>& means() const { return means_; }
  const std::vector<Eigen::MatrixXd>& covariances() const { return covariances_; }

  /// log N(x; mu_k, Sigma_k) for component k.
  double ComponentLogDensity(int k, const Eigen::VectorXd& x) const;
  /// -log p(x).
  double NegativeLogLikelihood(const Eigen::VectorXd& x) const;
  /// min_k [-log w_k - log N(x; mu_k, Sigma_k)], and the best k.
  double MaxMixtureEnergy(const Eigen::VectorXd& x, int* best = nullptr) const;

  /// Writes / reads the .npz described in the file comment. Read throws
  /// Error naming the file and key.
  /// `extra` arrays are stored beside the mixture's (e.g. what the
  /// dimensions mean); Read ignores them.
  void Write(const std::filesystem::path& path,
             const std::string& description = "",
             const std::map<std::string, NpyArray>& extra = {}) const;
  static GaussianMixture Read(const std::filesystem::path& path);

 private:
  std::vector<double> weights_;
  std::vector<Eigen::VectorXd> means_;
  std::vector<Eigen::MatrixXd> covariances_;
  /// Lower Cholesky factors L_k (Sigma_k = L_k L_k^T) and log det Sigma_k.
  std::vector<Eigen::MatrixXd> cholesky_;
  std::vector<double> log_det_;
};

/// What FitGaussianMixture did.
struct GaussianMixtureReport {
  int iterations = 0;
  bool converged = false;
  /// Mean log-likelihood per sample at the end.
  double mean_log_likelihood = 0.0;
};

/// Fits a mixture to the rows of `samples` [N, D] by EM. Throws OptionError
/// for bad options, Error for fewer samples than components or non-finite
/// samples.
GaussianMixture FitGaussianMixture(const Eigen::MatrixXd& samples,
                                   const GaussianMixtureOptions& options = {},
                                   GaussianMixtureReport* report = nullptr);

}  // namespace intersynth
