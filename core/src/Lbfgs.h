#pragma once
// Limited-memory BFGS with a weak-Wolfe bisection line search (Lewis & Overton), minimising a
// smooth function of a point on the sphere ||x|| = radius through x = radius * y / ||y||.
#include <deque>
#include <functional>

#include <Eigen/Dense>

namespace lpm::detail {

struct LbfgsOptions {
  int memory = 10;
  int maxIterations = 20000;
  double c1 = 1e-4;
  double c2 = 0.9;
  /// Optional: L-BFGS's initial inverse Hessian is gamma diag(h0) (positive), gamma = s . y / y . h0 y
  /// from the last pair; empty: gamma I.
  Eigen::VectorXd h0;
  /// The two-loop recursion of Kernels.h (fused passes, AVX2 where the processor has it); else
  /// Eigen's, pass by pass, which keeps small problems' results to the digit as they were.
  bool fused = false;
};

struct LbfgsResult {
  int iterations = 0;
  int evaluations = 0;
  bool stopped = false;  ///< the stop callback said so (converged or cancelled)
};

/// fg(x, grad) returns f(x) and writes its Euclidean gradient. stop(f, gradNormOnSphere) is
/// called after every accepted step with fg's last evaluation at the accepted point.
/// `y` holds the start on entry and the last accepted point on return.
LbfgsResult minimizeOnSphere(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& fg,
                             Eigen::VectorXd& y, double radius, const LbfgsOptions& options,
                             const std::function<bool(double, double)>& stop);

/// The start of a run: `warm` (a nearby problem's state) when it fits (size `dimension`, finite,
/// non-zero), and then `warmStarted` is set; else a standard normal point from `seed`.
Eigen::VectorXd startingPoint(const Eigen::VectorXd* warm, int dimension, unsigned seed, bool& warmStarted);

/// Unconstrained: minimises fg over x itself (the penalized budget). `x` holds the start on
/// entry and the last accepted point on return.
LbfgsResult minimize(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& fg, Eigen::VectorXd& x,
                     const LbfgsOptions& options, const std::function<bool(double, double)>& stop);

}  // namespace lpm::detail
