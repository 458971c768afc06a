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
/// The thin SVD of A B^T (A: m x r, B: n x r) from its factors: a QR factorisation of each, then
/// svdOf of the small core R_A R_B^T. k = min(m, n, r) singular triplets; O((m + n) r^2) work
/// instead of O(m n min(m, n)) for the product itself (K = 1000, r = 467: 0.2 against 2.5 s).
Svd svdOfProduct(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B);
/// The relative margin of singularValuesBelow: 4 times maxSingularValue's rounding allowance.
constexpr double kBelowMargin = 4e-12;
/// Whether every singular value of M is below s, decided by a Cholesky factorisation of
/// s'^2 I - (M's smaller Gram matrix), s' = s / (1 + kBelowMargin): it succeeds exactly when that
/// matrix is positive definite, with the Gram matrix's and the factorisation's rounding inside the
/// margin; a pass means maxSingularValue(M) < s too. One Gram product and a Cholesky factorisation
/// instead of the eigenvalues' tridiagonalisation (the stop test at K = 1000: ~60 ms against 0.5 s).
bool singularValuesBelow(const Eigen::MatrixXd& M, double s);

}  // namespace lpm::detail
