#include "intersynth/recovery/whittaker_smooth.h"

#include <Eigen/Sparse>
#include <vector>

#include "intersynth/util/error.h"

namespace intersynth {

Eigen::MatrixXd WhittakerSmooth(const Eigen::MatrixXd& y, double lambda) {
  const int T = static_cast<int>(y.rows());
  if (T < 3 || lambda <= 0.0) return y;
  std::vector<Eigen::Triplet<double>> d2;
  for (int t = 0; t + 2 < T; ++t) {
    d2.emplace_back(t, t, 1.0);
    d2.emplace_back(t, t + 1, -2.0);
    d2.emplace_back(t, t + 2, 1.0);
  }
  Eigen::SparseMatrix<double> d(T - 2, T);
  d.setFromTriplets(d2.begin(), d2.end());
  Eigen::SparseMatrix<double> a = lambda * Eigen::SparseMatrix<double>(d.transpose() * d);
  for (int t = 0; t < T; ++t) a.coeffRef(t, t) += 1.0;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> solver(a);
  if (solver.info() != Eigen::Success) throw Error("WhittakerSmooth: factorisation failed");
  return solver.solve(y);
}

}  // namespace intersynth
