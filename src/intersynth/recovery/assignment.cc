#include "intersynth/recovery/assignment.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "intersynth/util/error.h"
#include "intersynth/util/options.h"

namespace intersynth {

std::vector<int> SolveAssignment(const Eigen::MatrixXd& cost) {
  const int rows = static_cast<int>(cost.rows());
  const int cols = static_cast<int>(cost.cols());
  INTERSYNTH_CHECK(cost.allFinite()) << "assignment costs must be finite";
  std::vector<int> result(rows, -1);
  if (rows == 0 || cols == 0) return result;

  // Square it: dummy rows or columns cost 0 (a row matched to a dummy
  // column is left out).
  const int n = std::max(rows, cols);
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  a.topLeftCorner(rows, cols) = cost;

  // Shortest augmenting paths with potentials u (rows), v (columns), 1-based
  // with column 0 as the virtual start; match[j] = the row of column j.
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0);
  std::vector<int> match(n + 1, 0), way(n + 1, 0);
  for (int i = 1; i <= n; ++i) {
    match[0] = i;
    int j0 = 0;
    std::vector<double> min_to(n + 1, inf);
    std::vector<char> used(n + 1, 0);
    do {
      used[j0] = 1;
      const int i0 = match[j0];
      double delta = inf;
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double reduced = a(i0 - 1, j - 1) - u[i0] - v[j];
        if (reduced < min_to[j]) {
          min_to[j] = reduced;
          way[j] = j0;
        }
        if (min_to[j] < delta) {
          delta = min_to[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          min_to[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    // Flip the augmenting path.
    do {
      const int j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  for (int j = 1; j <= n; ++j) {
    const int r = match[j] - 1;
    if (r < rows && j - 1 < cols) result[r] = j - 1;
  }
  return result;
}

void PredictionMatchOptions::Check() const {
  // Infinity matches every pair: a valid "no limit".
  CheckAtLeast(max_cost, 0.0, "max_cost");
}

std::vector<int> MatchPredictionsToPeople(
    const std::vector<PersonKeypoints>& people,
    const std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>>& predicted,
    const PredictionMatchOptions& options) {
  options.Check();
  const int P = static_cast<int>(people.size());
  const int D = static_cast<int>(predicted.size());
  std::vector<int> result(P, -1);
  if (P == 0 || D == 0) return result;

  // Cost: mean distance over the person's seen keypoints / its box diagonal;
  // people with no seen keypoint cost more than any match (never matched).
  const double unmatchable = 1e6;
  Eigen::MatrixXd cost = Eigen::MatrixXd::Constant(P, D, unmatchable);
  for (int p = 0; p < P; ++p) {
    const PersonKeypoints& person = people[p];
    const int seen = person.visible_count();
    if (seen == 0) continue;
    const auto [min_x, min_y, max_x, max_y] = person.SeenBox();
    const double scale = std::max(std::hypot(max_x - min_x, max_y - min_y), 1.0);
    for (int d = 0; d < D; ++d) {
      double sum = 0.0;
      for (int k = 0; k < kCoco17NumKeypoints; ++k) {
        if (!(person.confidence[k] > 0.0f)) continue;
        sum +=
            std::hypot(predicted[d][k][0] - person.xy[k][0], predicted[d][k][1] - person.xy[k][1]);
      }
      const double c = sum / seen / scale;
      cost(p, d) = std::isfinite(c) ? c : unmatchable;
    }
  }

  // The minimum-cost matching, then the distance bound.
  const std::vector<int> assignment = SolveAssignment(cost);
  for (int p = 0; p < P; ++p) {
    const int d = assignment[p];
    if (d >= 0 && cost(p, d) <= options.max_cost) result[p] = d;
  }
  return result;
}

}  // namespace intersynth
