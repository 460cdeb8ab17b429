#pragma once
// Matching a regressor's per-crop predictions to the annotated (tracked)
// people of a frame, as the source method does for occlusions: predictions
// and people are the two sides of a bipartite graph weighted by keypoint
// distances, the minimum-cost matching is found with the Hungarian algorithm
// (Kuhn 1955, Munkres 1957), and predictions left over — a second crop that
// saw the same, occluding person — are dropped.

#include <Eigen/Core>
#include <array>
#include <vector>

#include "intersynth/recovery/keypoints.h"

namespace intersynth {

/// The minimum-cost assignment of rows to columns of `cost` (any shape;
/// finite entries): result[r] is row r's column, or -1 when there are more
/// rows than columns and r is left out. O(n^3) for n = max(rows, cols).
std::vector<int> SolveAssignment(const Eigen::MatrixXd& cost);

/// Options of MatchPredictionsToPeople.
struct PredictionMatchOptions {
  /// A pair whose cost (mean distance over the person's seen keypoints,
  /// relative to the person's keypoint box diagonal) is above this is no match.
  double max_cost = 0.5;

  /// Throws OptionError naming the first bad field.
  void Check() const;
};

/// For each person of `people`, the index of its prediction in `predicted`
/// (per prediction, COCO-17 pixels), or -1: no prediction is close enough or
/// the person has no seen keypoint. Each prediction matches at most one
/// person; the rest are duplicates and match none. Throws OptionError for
/// bad options.
std::vector<int> MatchPredictionsToPeople(
    const std::vector<PersonKeypoints>& people,
    const std::vector<std::array<std::array<float, 2>, kCoco17NumKeypoints>>& predicted,
    const PredictionMatchOptions& options = {});

}  // namespace intersynth
