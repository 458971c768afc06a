#pragma once
// The solver's SVDs (internal to core): one rule for which algorithm runs where.
#include <Eigen/Dense>

namespace lpm::detail {

struct Svd {
  Eigen::MatrixXd U, V;
  Eigen::VectorXd S;  ///< descending
};

/// Singular values, descending (Jacobi up to 32, else the smaller Gram matrix's eigenvalues).
Eigen::VectorXd singularValuesOf(const Eigen::MatrixXd& M);
/// The largest singular value, rounded up (an upper bound, for certificates).
double maxSingularValue(const Eigen::MatrixXd& M);
/// The sum of the singular values, to ~K eps sigma_max.
double nuclearNormOf(const Eigen::MatrixXd& M);
/// With vectors: full U, V up to 32 (Jacobi); beyond, gramSvd's thin U (min(m, n) columns).
Svd svdOf(const Eigen::MatrixXd& M, bool vectors);
/// The SVD through M^T M's eigenvectors (what svdOf uses beyond 32).
Svd gramSvd(const Eigen::MatrixXd& M);

}  // namespace lpm::detail
