#pragma once
// Limited-memory BFGS with a weak-Wolfe bisection line search (Lewis & Overton), minimising a
// smooth function of a point on the sphere ||x|| = radius through x = radius * y / ||y||.
#include <deque>
#include <functional>
#include <memory>

#include <Eigen/Dense>

namespace lpm::detail {

/// L-BFGS's curvature pairs, kept from one run to the next (LbfgsOptions::keep).
struct LbfgsPairs;
std::shared_ptr<LbfgsPairs> newLbfgsPairs();

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
  /// Optional: the pairs a run starts with (when they fit its length and memory) and leaves for
  /// the next. A run that starts near where the last one ended (the vanishing polish, from the
  /// solution with a few classes zeroed) then starts with its curvature, not a gradient step.
  /// minimizeOnSphere keeps them for the unit sphere: it scales them to the point's norm. Copies
  /// of these options share the pairs: never run two of them at once.
  std::shared_ptr<LbfgsPairs> keep;
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
