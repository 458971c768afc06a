#include "Svd.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "Kernels.h"

namespace lpm::detail {

// One SVD rule: Jacobi (accurate, fast) for small matrices; beyond 32, symmetric eigenproblems and
// never BDCSVD: Debian's Eigen 3.4.0 BDCSVD reads before its index workspace in computeSVDofM on
// some rank-deficient long-tail matrices (K = 1000: valgrind, a segfault on worker threads, and
// NaN factors for the binned start, which sent the solve to full rank from a random point).
//  - gramSvd (vectors): M^T M's eigenvectors, below.
//  - singularValuesOf: sqrt of the eigenvalues of the smaller Gram matrix. sigma_max to relative
//    ~eps (what the certificate, the rank choice and the stall test use); a small sigma_i only to
//    absolute ~sqrt(eps) sigma_max.
//  - nuclearNormOf: the eigenvalues of the Jordan-Wielandt matrix [0 M; M^T 0] are +-sigma_i, each
//    to absolute ~eps ||M|| (as a bidiagonal SVD's), so the sum is exact to ~K eps sigma_max.
Eigen::VectorXd singularValuesOf(const Eigen::MatrixXd& M) {
  const Eigen::Index m = M.rows(), n = M.cols();
  if (m <= 32 && n <= 32) return Eigen::JacobiSVD<Eigen::MatrixXd>(M).singularValues();
  Eigen::VectorXd e(std::min(m, n));  // ascending
  detail::kernels().gramEigenvalues(static_cast<int>(m), static_cast<int>(n), M.data(), e.data());
  Eigen::VectorXd S(e.size());
  for (Eigen::Index i = 0; i < e.size(); ++i) S(i) = std::sqrt(std::max(0.0, e(e.size() - 1 - i)));  // descending
  return S;
}
double nuclearNormOf(const Eigen::MatrixXd& M) {
  const Eigen::Index m = M.rows(), n = M.cols();
  if (m <= 32 && n <= 32) return Eigen::JacobiSVD<Eigen::MatrixXd>(M).singularValues().sum();
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(m + n, m + n);
  J.topRightCorner(m, n) = M;
  J.bottomLeftCorner(n, m) = M.transpose();
  const Eigen::VectorXd e = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(J, Eigen::EigenvaluesOnly).eigenvalues();
  double t = 0;  // the positive half: the min(m, n) largest eigenvalues
  for (Eigen::Index i = 0; i < std::min(m, n); ++i) t += std::max(0.0, e(m + n - 1 - i));
  return t;
}
// Beyond 32 (vectors wanted), the SVD through M^T M's eigenvectors: V its eigenvectors,
// sigma_i = |M v_i| (accurate for small sigma_i too, unlike the square roots of the eigenvalues), and
// U's columns M v_i / sigma_i (thin, k = min(m, n); where sigma_i is at round-off, so is its column's
// weight in every product of svdOf's callers: U diag(S) U^T, U diag(S)^(1/2)).
Svd gramSvd(const Eigen::MatrixXd& M) {
  const Eigen::Index n = M.cols(), k = std::min(M.rows(), n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(M.transpose() * M);
  const Eigen::MatrixXd MV = M * eig.eigenvectors();
  std::vector<Eigen::Index> order(static_cast<size_t>(n));
  Eigen::VectorXd norm(n);
  for (Eigen::Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i, norm(i) = MV.col(i).norm();
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return norm(a) > norm(b); });
  Svd r;
  r.S.resize(k);
  r.U.resize(M.rows(), k);
  r.V.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index j = order[static_cast<size_t>(i)];
    r.V.col(i) = eig.eigenvectors().col(j);
    if (i >= k) continue;
    r.S(i) = norm(j);
    if (norm(j) > 0) r.U.col(i) = MV.col(j) / norm(j);
    else r.U.col(i).setZero();
  }
  return r;
}

Svd svdOfProduct(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
  auto thinQr = [](const Eigen::MatrixXd& M, Eigen::MatrixXd& Q, Eigen::MatrixXd& R) {
    const Eigen::Index k = std::min(M.rows(), M.cols());
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(M);
    R = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
    Q = qr.householderQ() * Eigen::MatrixXd::Identity(M.rows(), k);
  };
  Eigen::MatrixXd QA, RA, QB, RB;
  thinQr(A, QA, RA);
  thinQr(B, QB, RB);
  const Svd core = svdOf(RA * RB.transpose(), true);
  const Eigen::Index k = core.S.size();
  Svd r;
  r.S = core.S;
  r.U = QA * core.U.leftCols(k);
  r.V = QB * core.V.leftCols(k);
  return r;
}

bool singularValuesBelow(const Eigen::MatrixXd& M, double s) {
  if (!(s > 0) || !std::isfinite(s) || !M.allFinite()) return false;  // LLT passes a NaN pivot
  const Eigen::Index m = M.rows(), n = M.cols();
  if (m == 0 || n == 0) return true;
  // The smaller Gram matrix: M M^T (m <= n) or M^T M, through the products' kernel.
  const Eigen::MatrixXd T = m <= n ? Eigen::MatrixXd() : Eigen::MatrixXd(M.transpose());
  const Eigen::MatrixXd& F = m <= n ? M : T;  // k x l, k <= l: the Gram matrix is F F^T
  const Eigen::Index k = F.rows(), l = F.cols();
  Eigen::MatrixXd Gram(k, k);
  detail::kernels().productNT(static_cast<int>(k), static_cast<int>(k), static_cast<int>(l), F.data(), F.data(), Gram.data());
  const double t = s / (1 + kBelowMargin);
  Gram *= -1.0;
  Gram.diagonal().array() += t * t;
  return Eigen::LLT<Eigen::MatrixXd>(Gram).info() == Eigen::Success;
}

Svd svdOf(const Eigen::MatrixXd& M, bool vectors) {
  Svd r;
  if (!vectors) {
    r.S = singularValuesOf(M);
    return r;
  }
  const unsigned flags = Eigen::ComputeFullU | Eigen::ComputeFullV;
  if (M.rows() <= 32) {
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(M, flags);
    r.S = svd.singularValues();
    r.U = svd.matrixU(), r.V = svd.matrixV();
  } else {
    r = gramSvd(M);
  }
  return r;
}

double maxSingularValue(const Eigen::MatrixXd& M) {
  if (M.size() == 0) return 0.0;
  // An upper bound is what the certificate needs: the eigenvalue's rounding, generously, on top.
  const double s = singularValuesOf(M)(0);
  return M.rows() <= 32 && M.cols() <= 32 ? s : s * (1 + 1e-12);
}

}  // namespace lpm::detail
