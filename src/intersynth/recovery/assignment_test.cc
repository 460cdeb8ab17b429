#include "intersynth/recovery/assignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "intersynth/util/options.h"
#include "intersynth/util/random.h"

namespace intersynth {
namespace {

/// The cheapest assignment by trying every permutation (rows <= cols).
double BruteForce(const Eigen::MatrixXd& cost) {
  std::vector<int> columns(cost.cols());
  std::iota(columns.begin(), columns.end(), 0);
  double best = std::numeric_limits<double>::infinity();
  do {
    double total = 0.0;
    for (int r = 0; r < cost.rows(); ++r) total += cost(r, columns[r]);
    best = std::min(best, total);
  } while (std::next_permutation(columns.begin(), columns.end()));
  return best;
}

double Total(const Eigen::MatrixXd& cost, const std::vector<int>& assignment) {
  double total = 0.0;
  for (int r = 0; r < cost.rows(); ++r) {
    if (assignment[r] >= 0) total += cost(r, assignment[r]);
  }
  return total;
}

TEST(Assignment, MatchesBruteForceOnRandomMatrices) {
  Rng rng(3);
  for (int trial = 0; trial < 60; ++trial) {
    const int rows = static_cast<int>(rng.UniformInt(1, 6));
    const int cols = static_cast<int>(rng.UniformInt(rows, 7));
    Eigen::MatrixXd cost(rows, cols);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c)
        cost(r, c) = trial % 3 == 0 ? rng.UniformInt(0, 3) : rng.Uniform(-5, 10);
    }
    const std::vector<int> assignment = SolveAssignment(cost);
    // A valid assignment: every row gets a distinct column.
    std::vector<int> used = assignment;
    std::sort(used.begin(), used.end());
    EXPECT_TRUE(std::adjacent_find(used.begin(), used.end()) == used.end());
    EXPECT_TRUE(std::all_of(assignment.begin(), assignment.end(), [](int c) { return c >= 0; }));
    EXPECT_NEAR(Total(cost, assignment), BruteForce(cost), 1e-9) << "trial " << trial;
    // More rows than columns: the transpose leaves rows out, same optimum.
    const std::vector<int> transposed = SolveAssignment(cost.transpose());
    EXPECT_EQ(std::count(transposed.begin(), transposed.end(), -1), cols - rows);
    EXPECT_NEAR(Total(cost.transpose(), transposed), BruteForce(cost), 1e-9);
  }
  EXPECT_TRUE(SolveAssignment(Eigen::MatrixXd(0, 3)).empty());
  EXPECT_EQ(SolveAssignment(Eigen::MatrixXd(2, 0)), (std::vector<int>{-1, -1}));
}

/// A person whose 17 keypoints lie on a small grid at (x0, y0).
PersonKeypoints Person(float x0, float y0) {
  PersonKeypoints person;
  for (int k = 0; k < kCoco17NumKeypoints; ++k) {
    person.xy[k] = {x0 + 10.0f * (k % 3), y0 + 12.0f * k};
    person.confidence[k] = 1.0f;
  }
  return person;
}

TEST(Assignment, PredictionsMatchPeopleAndDuplicatesAreDropped) {
  // Two people side by side; the second occludes a third whose crop saw the
  // second again (a duplicate). Predictions are listed in another order.
  const std::vector<PersonKeypoints> people = {Person(100, 50), Person(300, 60)};
  std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>> predicted;
  for (const auto& [dx, base] :
       std::vector<std::pair<float, int>>{{2.0f, 1}, {-3.0f, 0}, {15.0f, 1}}) {
    PersonKeypoints p = people[static_cast<size_t>(base)];
    for (auto& xy : p.xy) xy[0] += dx;
    predicted.push_back(p.xy);
  }
  const std::vector<int> match = MatchPredictionsToPeople(people, predicted);
  EXPECT_EQ(match,
            (std::vector<int>{1, 0}));  // prediction 2, the worse copy of person 1, is dropped

  // A person with no seen keypoint, and a prediction too far away: no match.
  std::vector<PersonKeypoints> with_empty = people;
  with_empty.push_back(PersonKeypoints{});
  EXPECT_EQ(MatchPredictionsToPeople(with_empty, predicted)[2], -1);
  std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>> far = {Person(900, 900).xy};
  EXPECT_EQ(MatchPredictionsToPeople(people, far), (std::vector<int>{-1, -1}));
}

TEST(PredictionMatchOptions, CheckNamesTheBadField) {
  EXPECT_NO_THROW(PredictionMatchOptions{}.Check());
  EXPECT_NO_THROW(PredictionMatchOptions{.max_cost = 0.0}.Check());
  try {
    PredictionMatchOptions{.max_cost = -0.5}.Check();
    ADD_FAILURE() << "a negative max_cost was accepted";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.fields(), std::vector<std::string>{"max_cost"});
    EXPECT_STREQ(e.what(), "max_cost must be >= 0, got -0.5");
  }
}

}  // namespace
}  // namespace intersynth
