#pragma once
// Drawable geometry of a solution: class means and classifiers (Lemma 1), aligned with the
// previous solution by orthogonal Procrustes and projected to 3D.
#include <optional>

#include <Eigen/Dense>

#include "lpm/Solver.h"

namespace lpm {

/// Q minimising || A Q - B ||_F over orthogonal Q (A, B: n x d).
Eigen::MatrixXd procrustesRotation(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B);

struct Geometry3D {
  Eigen::MatrixX3d H;  ///< class means, rows, divided by sqrt(EH)
  Eigen::MatrixX3d W;  ///< classifiers, rows, divided by sqrt(EW)
  Eigen::VectorXd hNorm, wNorm;  ///< full-dimensional norms (same scaling), for labels
  Eigen::MatrixX3d etf;  ///< Theorem 1's simplex ETF, rotated onto the classifiers, same axes
  double captured = 1;  ///< share of the squared Frobenius norm the 3D projection keeps
};

/// Rows m_k = sqrt(K/(K-1)) (e_k - 1/K): unit vectors with pairwise cosine -1/(K-1).
Eigen::MatrixXd simplexETF(int K);

/// Keeps successive configurations consistent: each new one is rotated onto the last, and the
/// 3D axes are the principal axes, turned to stay close to the previous axes (no flips).
class GeometryTracker {
public:
  /// Which vectors pick the principal 3D axes (unit-scaled, majority and minority weighted
  /// equally, so a collapsed minority direction is always among them).
  enum class Focus { All, Classifiers, Minority, Majority };
  void setFocus(Focus f) {
    focus_ = f;
    axes_.reset();
  }
  Focus focus() const { return focus_; }

  Geometry3D update(const Solution& s);
  void reset() { previous_.reset(); axes_.reset(); }

private:
  std::optional<Eigen::MatrixXd> previous_;  ///< last aligned [H; W], 2K x K
  std::optional<Eigen::MatrixXd> axes_;      ///< last K x 3 basis
  Focus focus_ = Focus::Classifiers;
};

}  // namespace lpm
