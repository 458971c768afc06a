#include "lpm/Geometry.h"

#include <algorithm>
#include <cmath>

namespace lpm {

Eigen::MatrixXd procrustesRotation(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B) {
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(A.transpose() * B, Eigen::ComputeFullU | Eigen::ComputeFullV);
  return svd.matrixU() * svd.matrixV().transpose();
}

Eigen::MatrixXd simplexETF(int K) {
  const Eigen::MatrixXd M = Eigen::MatrixXd::Identity(K, K) - Eigen::MatrixXd::Constant(K, K, 1.0 / K);
  return std::sqrt(K / (K - 1.0)) * M;
}

Geometry3D GeometryTracker::update(const Solution& s) {
  Eigen::MatrixXd H, W;
  s.vectors(H, W);
  const int K = s.problem.K();
  Eigen::MatrixXd G(2 * K, K);
  G << H / std::sqrt(s.problem.EH), W / std::sqrt(s.problem.EW);
  if (previous_ && previous_->rows() == G.rows() && previous_->cols() == G.cols()) G = G * procrustesRotation(G, *previous_);
  previous_ = G;

  // Principal axes of the chosen vectors, each scaled to unit length so that short (minority)
  // vectors count as much as long ones.
  std::vector<int> rows;
  std::vector<double> weight;
  const auto& minority = s.problem.minority;
  const int minorCount = static_cast<int>(minority.size()), majorCount = K - minorCount;
  for (int k = 0; k < K; ++k) {
    const bool minor = std::find(minority.begin(), minority.end(), k) != minority.end();
    const bool take = focus_ == Focus::All || focus_ == Focus::Classifiers || (focus_ == Focus::Minority) == minor;
    if (!take) continue;
    const double w = 1.0 / std::sqrt(std::max(1, minor ? minorCount : majorCount));
    rows.push_back(K + k);
    weight.push_back(w);
    if (focus_ == Focus::All) rows.push_back(k), weight.push_back(w);
  }
  Eigen::MatrixXd picked(rows.size(), K);
  for (size_t i = 0; i < rows.size(); ++i) {
    const double n = G.row(rows[i]).norm();
    picked.row(i) = n > 1e-9 ? Eigen::RowVectorXd(weight[i] * G.row(rows[i]) / n) : Eigen::RowVectorXd::Zero(K);
  }
  if (picked.squaredNorm() == 0 || picked.rows() < 3) picked = G;
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(picked, Eigen::ComputeThinV);
  const int d = std::min(3, K);
  Eigen::MatrixXd axes = Eigen::MatrixXd::Zero(K, 3);
  axes.leftCols(d) = svd.matrixV().leftCols(d);
  if (!axes_ || axes_->rows() != K) {
    // Fresh axes: fix each axis' sign by the classifiers, so a state always draws the same way.
    const Eigen::MatrixXd proj = G.bottomRows(K) * axes;
    for (int c = 0; c < d; ++c) {
      Eigen::Index at;
      proj.col(c).cwiseAbs().maxCoeff(&at);
      if (proj(at, c) < 0) axes.col(c) *= -1;
    }
  }
  if (axes_ && axes_->rows() == K) {
    // Symmetric configurations have repeated principal values, so "the" top three axes jump
    // between equally good choices. Keep the previous axes while they show nearly as much
    // (hysteresis); otherwise turn the new frame, inside its span, towards the old one.
    const double keep = (picked * *axes_).squaredNorm(), best = (picked * axes).squaredNorm();
    if (keep >= 0.9 * best) {
      axes = *axes_;
    } else {
      const Eigen::MatrixXd Q = procrustesRotation(axes.leftCols(d), axes_->leftCols(d));
      axes.leftCols(d) = axes.leftCols(d) * Q;
    }
  }
  axes_ = axes;
  const Eigen::MatrixXd P = G * axes;
  Geometry3D out;
  out.H = P.topRows(K);
  out.W = P.bottomRows(K);
  out.hNorm = G.topRows(K).rowwise().norm();
  out.wNorm = G.bottomRows(K).rowwise().norm();
  const Eigen::MatrixXd etf = simplexETF(K);
  out.etf = etf * procrustesRotation(etf, G.bottomRows(K)) * axes;
  const double total = G.squaredNorm();
  out.captured = total > 0 ? P.squaredNorm() / total : 1.0;
  return out;
}

}  // namespace lpm
