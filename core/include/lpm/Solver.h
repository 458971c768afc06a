#pragma once
// Solvers for the convex relaxation Eq. (15) with the cross-entropy loss.
//
// Eq. (15) depends on X only through the logits Z = X_HW (Z_kj = h_k . w_j), and
// { X_HW : X >= 0, tr X_HH <= K EH, tr X_WW <= K EW } = { Z : ||Z||_* <= tau },
// tau = K sqrt(EH EW). Both solvers minimise sum_k pi_k CE(z_k, k) over that nuclear-norm
// ball in factored form Z = U V^T, ||U||^2 + ||V||^2 = 2 tau (Burer-Monteiro), with L-BFGS on
// the sphere, and stop on a Frank-Wolfe duality gap that bounds f - f* (doc/dev/04-SOLVER.md).
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lpm/Cancel.h"
#include "lpm/Problem.h"

namespace lpm {

enum class SolverKind { Auto, Reduced, General, ClosedForm };
SolverKind solverKindFromString(const std::string& s);  ///< throws InvalidInput
std::string toString(SolverKind k);

/// A symmetric K x K class-level matrix that is invariant under permutations inside each
/// group, stored by group: entry (k in g, j in g') = mean(g,g') / sqrt(n_g n_g')
/// + [g == g'] contrast(g) (delta_kj - 1/n_g). `mean` is the matrix in the orthonormal basis
/// of group indicators 1_g / sqrt(n_g); `contrast(g)` is its eigenvalue on vectors that sum to
/// zero inside g. A general (unreduced) solution has one class per group.
struct GroupMatrix {
  Eigen::MatrixXd mean;
  Eigen::VectorXd contrast;
  double entry(const std::vector<ClassGroup>& groups, int g, int gp, bool sameClass) const;
  Eigen::MatrixXd expand(const std::vector<ClassGroup>& groups, int K) const;
};

/// Relative certificate: a solution is certified when
///   gap <= kCertifyTol * max(min(f, log K - f), kTinyObjective),
/// relative to the smaller of the objective and its gain over Z = 0 (f(0) = log K): at large
/// EW EH the optimum is exponentially small, at small EW EH it is log K minus a small gain that
/// holds all the geometry; an absolute target certifies nothing in either (doc/dev/04-SOLVER.md).
constexpr double kCertifyTol = 1e-9;
constexpr double kTinyObjective = 1e-300;
/// The scale a gap is measured against: max(min(f, log K - f), kTinyObjective).
/// `floor` is kTinyObjective for the softmax losses (whose optimum is never 0) and 1 for MSE, whose
/// optimum can be exactly 0: its certificate is then the absolute gap <= 1e-9.
inline double certificateScale(double objective, double gain, double floor = kTinyObjective) {
  return std::max(std::min(objective, gain), floor);
}
/// The gap a solution must reach to be certified; `gain` = f(0) - objective (log K - f for CE).
double certificateTarget(double objective, double gain, double floor = kTinyObjective);
/// The floor of a loss's certificate scale (see certificateScale).
double certificateFloor(const Loss& loss);

struct SolveOptions {
  SolverKind kind = SolverKind::Auto;
  double gapTarget = 1e-10;   ///< stop once gap <= gapTarget * max(f, kTinyObjective) (relative)
  int maxIterations = 20000;  ///< per attempt (see `retry`)
  /// A solve that ends uncertified is tried again: cold if it was warm-started, then cold from
  /// another seed with 4x the iterations. The best attempt is returned.
  bool retry = true;
  std::shared_ptr<const Eigen::VectorXd> warmStart;  ///< Solution::state of a nearby problem
  CancelToken cancel;                                ///< cancelled from another thread: stop early
  /// Called from the solving thread every 25 steps of a factored solve: the steps so far (the
  /// iterations and then the polish that makes vanishing exact) and the gap last computed;
  /// `atLeast`: it is a lower bound (many classes: the power-iteration estimate, or a target the
  /// exact test found missed), to be shown as "gap > ...". The published gap is always exact.
  /// For progress lines and bars; it must not throw.
  std::function<void(int iterations, double gap, bool atLeast)> progress;
  unsigned seed = 7;
};

/// Class means (rows of H) and classifiers (rows of W), K x K.
struct ClassVectors {
  Eigen::MatrixXd H, W;
};

struct Solution {
  Problem problem;
  std::vector<ClassGroup> groups;
  SolverKind solver = SolverKind::Reduced;
  GroupMatrix Z;   ///< logits h_k . w_j (not symmetric: mean is G x G general)
  GroupMatrix XHH; ///< class-mean Gram (Lemma 1: minimal-trace completion of Z)
  GroupMatrix XWW; ///< classifier Gram
  double objective = 0;
  double gain = 0;      ///< f(0) - objective (log K - f for CE): what the geometry gains over Z = 0
  double certificateFloor = kTinyObjective;  ///< see certificateScale
  /// The norm of the logits the budget bounds (||Z||_*, or ||Z||_F with a fixed ETF classifier),
  /// and its radius: below it the budget is not used up (the geometry is not unique).
  double nuclearNorm = 0;
  double radius = 0;
  double gap = 0;       ///< proven: objective - f* <= gap
  int iterations = 0;   ///< of the returned attempt
  int attempts = 0;     ///< solver runs it took (1 unless a retry was needed)
  bool warmStarted = false;  ///< the returned attempt started from SolveOptions::warmStart
  double solveMs = 0;
  bool certified = false;  ///< gap <= certificateTarget(objective, gain); only these are shown as results
  bool cancelled = false;
  /// gap / max(min(objective, gain), kTinyObjective): what the certificate proves, relatively.
  double relativeGap() const;
  Eigen::VectorXd state;   ///< factor variables, for warm starts

  /// Class means h_k and classifiers w_k as rows (K x K), X = [H; W][H; W]^T (Lemma 1).
  ClassVectors vectors() const;
};

/// Solves Eq. (15). Throws InvalidInput for bad problems (validate()).
Solution solve(const Problem& problem, const SolveOptions& options = {});

/// Successive solves of nearby problems (a slider drag, a sweep, a bisection) that warm-start
/// each from the last one, and only from a certified one: an uncertified state is never reused.
/// The one place the warm-start rule lives.
class SolveChain {
public:
  /// Auto becomes Reduced (exact for groups, and its state keeps its shape along a chain).
  explicit SolveChain(SolveOptions base = {});
  Solution solve(const Problem& problem, const CancelToken& cancel = {});
  void reset() { warm_.reset(); }
  bool warm() const { return warm_ != nullptr; }
  SolveOptions& options() { return base_; }

private:
  SolveOptions base_;
  std::shared_ptr<const Eigen::VectorXd> warm_;
};

/// Theorem 1: the balanced optimum value log(1 + (K-1) exp(-(K/(K-1)) sqrt(EH EW))).
double balancedObjective(int K, double EW, double EH);

struct Certificate {
  double objective = 0;  ///< f(Z)
  double gap = 0;        ///< Frank-Wolfe gap: an upper bound on f(Z) - f*
};
/// The certificate of a feasible logit matrix (class level, K x K). Independent of the solvers;
/// used to check them.
Certificate certify(const Problem& problem, const Eigen::MatrixXd& Z);

}  // namespace lpm
