#pragma once
// The Whittaker-Henderson smoother: penalised least squares with a second
// difference penalty, x = argmin |x - y|^2 + lambda |D2 x|^2. The smoothing
// step of motion recovery (SmoothBodyFit, body_fit_smoothing_torch.h).

#include <Eigen/Core>

namespace intersynth {

/// Smooths the rows of `y` [T, D] (each column a signal) by solving
/// (I + lambda D2^T D2) x = y. Returns `y` as it is when T < 3 or
/// lambda <= 0. Straight lines pass unchanged.
Eigen::MatrixXd WhittakerSmooth(const Eigen::MatrixXd& y, double lambda);

}  // namespace intersynth
