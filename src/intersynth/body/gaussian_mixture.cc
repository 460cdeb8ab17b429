#include "intersynth/body/gaussian_mixture.h"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/io/npz.h"
#include "intersynth/util/error.h"
#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

constexpr double kLog2Pi = 1.8378770664093453;

/// log(sum exp(values)), stable.
double LogSumExp(const Eigen::VectorXd& values) {
  const double top = values.maxCoeff();
  if (!std::isfinite(top)) return top;
  return top + std::log((values.array() - top).exp().sum());
}

/// k-means++ seeds: rows of `samples` chosen with probability proportional
/// to the squared distance to the nearest seed so far.
std::vector<Eigen::VectorXd> KMeansPlusPlus(const Eigen::MatrixXd& samples, int k, Rng& rng) {
  const int64_t n = samples.rows();
  std::vector<Eigen::VectorXd> seeds = {samples.row(rng.UniformInt(0, n - 1)).transpose()};
  Eigen::VectorXd nearest = (samples.rowwise() - seeds[0].transpose()).rowwise().squaredNorm();
  while (static_cast<int>(seeds.size()) < k) {
    const double total = nearest.sum();
    int64_t pick = rng.UniformInt(0, n - 1);
    if (total > 0.0) {
      double target = rng.Uniform(0.0, total);
      for (pick = 0; pick < n - 1 && target > nearest(pick); ++pick) target -= nearest(pick);
    }
    seeds.push_back(samples.row(pick).transpose());
    nearest =
        nearest.cwiseMin((samples.rowwise() - seeds.back().transpose()).rowwise().squaredNorm());
  }
  return seeds;
}

}  // namespace

GaussianMixture::GaussianMixture(std::vector<double> weights,
                                 std::vector<Eigen::VectorXd> means,
                                 std::vector<Eigen::MatrixXd> covariances)
    : weights_(std::move(weights)), means_(std::move(means)), covariances_(std::move(covariances)) {
  const size_t K = weights_.size();
  if (K == 0 || means_.size() != K || covariances_.size() != K) {
    throw Error(fmt::format(
        "a Gaussian mixture needs as many weights, means and covariances (>= 1), got {}, {}, {}", K,
        means_.size(), covariances_.size()));
  }
  const int64_t D = means_[0].size();
  double sum = 0.0;
  for (size_t k = 0; k < K; ++k) {
    if (!(weights_[k] > 0.0) || means_[k].size() != D || covariances_[k].rows() != D ||
        covariances_[k].cols() != D || !means_[k].allFinite() || !covariances_[k].allFinite()) {
      throw Error(fmt::format(
          "Gaussian mixture component {}: weight {} must be positive, the mean of size {} and "
          "the covariance {}x{} finite",
          k, weights_[k], D, D, D));
    }
    sum += weights_[k];
    if ((covariances_[k] - covariances_[k].transpose()).cwiseAbs().maxCoeff() >
        1e-9 * (1.0 + covariances_[k].cwiseAbs().maxCoeff())) {
      throw Error(fmt::format("Gaussian mixture component {}: the covariance is not symmetric", k));
    }
    const Eigen::LLT<Eigen::MatrixXd> llt(covariances_[k]);
    if (llt.info() != Eigen::Success) {
      throw Error(
          fmt::format("Gaussian mixture component {}: the covariance is not positive definite", k));
    }
    cholesky_.push_back(llt.matrixL());
    log_det_.push_back(2.0 * cholesky_.back().diagonal().array().log().sum());
  }
  if (std::abs(sum - 1.0) > 1e-6)
    throw Error(fmt::format("Gaussian mixture weights sum to {}, expected 1", sum));
}

double GaussianMixture::ComponentLogDensity(int k, const Eigen::VectorXd& x) const {
  // (x - mu)^T Sigma^-1 (x - mu) = |L^-1 (x - mu)|^2.
  const Eigen::VectorXd z = cholesky_[k].triangularView<Eigen::Lower>().solve(x - means_[k]);
  return -0.5 * (static_cast<double>(x.size()) * kLog2Pi + log_det_[k] + z.squaredNorm());
}

double GaussianMixture::NegativeLogLikelihood(const Eigen::VectorXd& x) const {
  Eigen::VectorXd terms(components());
  for (int k = 0; k < components(); ++k)
    terms(k) = std::log(weights_[k]) + ComponentLogDensity(k, x);
  return -LogSumExp(terms);
}

double GaussianMixture::MaxMixtureEnergy(const Eigen::VectorXd& x, int* best) const {
  double energy = std::numeric_limits<double>::infinity();
  for (int k = 0; k < components(); ++k) {
    const double e = -std::log(weights_[k]) - ComponentLogDensity(k, x);
    if (e < energy) {
      energy = e;
      if (best != nullptr) *best = k;
    }
  }
  return energy;
}

void GaussianMixture::Write(const std::filesystem::path& path,
                            const std::string& description,
                            const std::map<std::string, NpyArray>& extra) const {
  const int K = components(), D = dimension();
  std::vector<double> means, covariances;
  for (int k = 0; k < K; ++k) {
    for (int i = 0; i < D; ++i) means.push_back(means_[k](i));
    for (int i = 0; i < D; ++i) {
      for (int j = 0; j < D; ++j) covariances.push_back(covariances_[k](i, j));
    }
  }
  NpzArchive archive = extra;
  archive["weights"] = NpyArray::Float64({K}, weights_);
  archive["means"] = NpyArray::Float64({K, D}, means);
  archive["covariances"] = NpyArray::Float64({K, D, D}, covariances);
  if (!description.empty()) archive["description"] = NpyArray::Unicode({}, {description});
  WriteNpz(path, archive);
}

GaussianMixture GaussianMixture::Read(const std::filesystem::path& path) {
  const NpzArchive archive = ReadNpz(path);
  const NpyArray& weights = NpzRequire(archive, "weights", path);
  NpzRequireShape(weights, {-1}, "weights", path);
  const int64_t K = weights.shape[0];
  const NpyArray& means = NpzRequire(archive, "means", path);
  NpzRequireShape(means, {K, -1}, "means", path);
  const int64_t D = means.shape[1];
  const NpyArray& covariances = NpzRequire(archive, "covariances", path);
  NpzRequireShape(covariances, {K, D, D}, "covariances", path);
  const std::vector<double> w = weights.ToVector<double>(), m = means.ToVector<double>(),
                            c = covariances.ToVector<double>();
  std::vector<Eigen::VectorXd> mu(static_cast<size_t>(K));
  std::vector<Eigen::MatrixXd> sigma(static_cast<size_t>(K));
  for (int64_t k = 0; k < K; ++k) {
    mu[k] = Eigen::Map<const Eigen::VectorXd>(m.data() + k * D, D);
    sigma[k] = Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>>(
        c.data() + k * D * D, D, D);
  }
  try {
    return GaussianMixture(w, mu, sigma);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", path.string(), e.what()));
  }
}

void GaussianMixtureOptions::Check() const {
  CheckAtLeast(components, 1, "components");
  CheckAtLeast(max_iterations, 1, "max_iterations");
  CheckPositive(tolerance, "tolerance");
  CheckFinite(tolerance, "tolerance");
  CheckAtLeast(reg_covar, 0.0, "reg_covar");
  CheckFinite(reg_covar, "reg_covar");
}

GaussianMixture FitGaussianMixture(const Eigen::MatrixXd& samples,
                                   const GaussianMixtureOptions& options,
                                   GaussianMixtureReport* report) {
  options.Check();
  const int64_t N = samples.rows();
  const int64_t D = samples.cols();
  const int K = options.components;
  if (N < K || D < 1) {
    throw Error(fmt::format("Gaussian mixture: {} samples of dimension {} cannot fit {} components",
                            N, D, K));
  }
  if (!samples.allFinite()) throw Error("Gaussian mixture: a sample is not finite");

  // Seeds: k-means++ means, the data's covariance, equal weights.
  Rng rng(options.seed);
  const Eigen::VectorXd mean = samples.colwise().mean().transpose();
  const Eigen::MatrixXd centred = samples.rowwise() - mean.transpose();
  const Eigen::MatrixXd spread = centred.transpose() * centred / static_cast<double>(N) +
                                 options.reg_covar * Eigen::MatrixXd::Identity(D, D);
  GaussianMixture model(std::vector<double>(K, 1.0 / K), KMeansPlusPlus(samples, K, rng),
                        std::vector<Eigen::MatrixXd>(K, spread));

  Eigen::MatrixXd log_r(N, K);
  double previous = -std::numeric_limits<double>::infinity();
  GaussianMixtureReport local;
  for (int it = 0; it < options.max_iterations; ++it) {
    // E step: log responsibilities.
    double total = 0.0;
    for (int64_t i = 0; i < N; ++i) {
      const Eigen::VectorXd x = samples.row(i).transpose();
      for (int k = 0; k < K; ++k)
        log_r(i, k) = std::log(model.weights()[k]) + model.ComponentLogDensity(k, x);
      const double norm = LogSumExp(log_r.row(i).transpose());
      log_r.row(i).array() -= norm;
      total += norm;
    }
    local.iterations = it + 1;
    local.mean_log_likelihood = total / static_cast<double>(N);
    if (local.mean_log_likelihood - previous < options.tolerance) {
      local.converged = true;
      break;
    }
    previous = local.mean_log_likelihood;

    // M step: weights, means, covariances (+ reg_covar I).
    const Eigen::MatrixXd r = log_r.array().exp();
    std::vector<double> weights(K);
    std::vector<Eigen::VectorXd> means(K);
    std::vector<Eigen::MatrixXd> covariances(K);
    for (int k = 0; k < K; ++k) {
      const double nk = std::max(r.col(k).sum(), 10.0 * std::numeric_limits<double>::epsilon());
      weights[k] = nk / static_cast<double>(N);
      means[k] = samples.transpose() * r.col(k) / nk;
      const Eigen::MatrixXd d = samples.rowwise() - means[k].transpose();
      covariances[k] = (d.array().colwise() * r.col(k).array()).matrix().transpose() * d / nk;
      covariances[k] = 0.5 * (covariances[k] + covariances[k].transpose()) +
                       options.reg_covar * Eigen::MatrixXd::Identity(D, D);
    }
    double sum = 0.0;
    for (double w : weights) sum += w;
    for (double& w : weights) w /= sum;
    model = GaussianMixture(std::move(weights), std::move(means), std::move(covariances));
  }
  if (report != nullptr) *report = local;
  return model;
}

}  // namespace intersynth
