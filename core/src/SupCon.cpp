#include "SupCon.h"

#include <cmath>
#include <limits>
#include <random>

#include "Lbfgs.h"

namespace lpm::detail {
namespace {

// sum_k pi_k (-Q_kk / t + log sum_j pi_j exp(Q_kj / t)) in group form. A class of group g sees its
// own entry a = Qbar_gg / n_g + c_g (1 - 1/n_g), n_g - 1 entries fs = Qbar_gg / n_g - c_g / n_g in
// its group and n_j entries L_j = Qbar_gj / sqrt(n_g n_j) in group j. Its loss minus log pi_g is
// log1p(others / own) >= 0: the "excess" that is exponentially small at large EH / t, kept
// with its digits (as the CE solver keeps log1p of the others).
// Variables x = [vec U (G x r); per group with n_g > 1 a 2-vector a_g; one slack], Qbar = U U^T,
// c_g = |a_g|^2 / (n_g - 1): ||x||^2 = tr Q + slack^2 = K EH covers the ball tr Q <= K EH.
class SupConObjective {
public:
  SupConObjective(const Problem& p, const std::vector<ClassGroup>& groups, int rank)
      : G_(static_cast<int>(groups.size())), r_(rank), t_(p.temperature) {
    n_.resize(G_);
    pi_.resize(G_);
    for (int g = 0; g < G_; ++g) {
      n_(g) = groups[g].count();
      pi_(g) = groups[g].weight;
      if (groups[g].count() > 1) contrastGroups_.push_back(g);
      if (pi_(g) > 0) base_ += n_(g) * pi_(g) * std::log(pi_(g));
    }
    Qbar_.resize(G_, G_);
    Gbar_.resize(G_, G_);
    c_ = Eigen::VectorXd::Zero(G_);
    delta_ = Eigen::VectorXd::Zero(G_);
  }
  int dimension() const { return G_ * r_ + 2 * static_cast<int>(contrastGroups_.size()) + 1; }

  /// The excess (objective minus sum pi log pi) and its gradient.
  double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const Eigen::Map<const Eigen::MatrixXd> U(x.data(), G_, r_);
    Qbar_.noalias() = U * U.transpose();
    const double* xa = x.data() + G_ * r_;
    for (size_t i = 0; i < contrastGroups_.size(); ++i) {
      const int g = contrastGroups_[i];
      c_(g) = (xa[2 * i] * xa[2 * i] + xa[2 * i + 1] * xa[2 * i + 1]) / (n_(g) - 1);
    }
    // Row-wise gradient entries (before symmetrising): own d_g, same-group o_g, cross E(g, j).
    Eigen::MatrixXd E = Eigen::MatrixXd::Zero(G_, G_);
    Eigen::VectorXd d = Eigen::VectorXd::Zero(G_), o = Eigen::VectorXd::Zero(G_);
    double excess = 0;
    for (int g = 0; g < G_; ++g) {
      if (pi_(g) == 0) continue;
      const double a = Qbar_(g, g) / n_(g) + c_(g) * (1 - 1 / n_(g)), fs = Qbar_(g, g) / n_(g) - c_(g) / n_(g);
      // Terms relative to the own one: weight * exp((entry - a) / t).
      Eigen::ArrayXd T(G_);
      double top = 0;  // exponents relative to a; the own term has exponent 0
      for (int j = 0; j < G_; ++j) {
        T(j) = j == g ? (n_(g) > 1 ? (fs - a) / t_ : -std::numeric_limits<double>::infinity())
                      : (Qbar_(g, j) / std::sqrt(n_(g) * n_(j)) - a) / t_;
        if (pi_(j) == 0) T(j) = -std::numeric_limits<double>::infinity();
        top = std::max(top, T(j));
      }
      Eigen::ArrayXd w(G_);
      for (int j = 0; j < G_; ++j) w(j) = j == g ? (n_(g) - 1) * pi_(g) / pi_(g) : n_(j) * pi_(j) / pi_(g);
      const Eigen::ArrayXd e = w * (T - top).exp();  // scaled by exp(-top)
      const double others = e.sum(), own = std::exp(-top);
      const double S = others + own;
      const double l = top == 0 ? std::log1p(others) : top + std::log(S);  // log1p(others / own) in true units
      excess += n_(g) * pi_(g) * l;
      // dl/da = (-1 + p_own)/t = -(others / S)/t; dl/dfs (all copies) = p_same/t; dl/dL_j = p_j/t.
      d(g) = -pi_(g) * (others / S) / t_;
      if (n_(g) > 1) o(g) = pi_(g) * (e(g) / S) / (n_(g) - 1) / t_;
      for (int j = 0; j < G_; ++j)
        if (j != g) E(g, j) = pi_(g) * (e(j) / S) / n_(j) / t_;
    }
    // Symmetrised group-form gradient: mean block sqrt(n_g n_j) (E_gj + E_jg) / 2, diagonal
    // d + (n - 1) o, contrast eigenvalue d - o.
    for (int g = 0; g < G_; ++g)
      for (int j = 0; j < G_; ++j)
        Gbar_(g, j) = g == j ? d(g) + (n_(g) - 1) * o(g) : 0.5 * std::sqrt(n_(g) * n_(j)) * (E(g, j) + E(j, g));
    for (int g = 0; g < G_; ++g) delta_(g) = d(g) - o(g);
    grad.setZero(x.size());
    Eigen::Map<Eigen::MatrixXd>(grad.data(), G_, r_).noalias() = 2 * Gbar_ * U;
    for (size_t i = 0; i < contrastGroups_.size(); ++i) {
      const int g = contrastGroups_[i];
      grad(G_ * r_ + 2 * i) = 2 * delta_(g) * xa[2 * i];
      grad(G_ * r_ + 2 * i + 1) = 2 * delta_(g) * xa[2 * i + 1];
    }
    excess_ = excess;
    return excess;
  }

  double excess() const { return excess_; }
  double objective() const { return excess_ + base_; }
  /// f(0) - f = -f (at Q = 0 the objective is sum pi log sum pi = 0).
  double gain() const { return -objective(); }
  double trace() const {
    double tr = Qbar_.trace();
    for (int g : contrastGroups_) tr += (n_(g) - 1) * c_(g);
    return tr;
  }
  /// <G, Q> - rho min(0, lambda_min(G)) >= f - f* on {Q >= 0, tr Q <= rho}.
  double gap(double rho) const {
    double inner = Gbar_.cwiseProduct(Qbar_).sum();
    double lmin = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(Gbar_, Eigen::EigenvaluesOnly).eigenvalues()(0);
    for (int g : contrastGroups_) {
      inner += (n_(g) - 1) * delta_(g) * c_(g);
      lmin = std::min(lmin, delta_(g));
    }
    return inner - rho * std::min(0.0, lmin);
  }
  const Eigen::MatrixXd& Qbar() const { return Qbar_; }
  const Eigen::VectorXd& contrast() const { return c_; }

private:
  int G_, r_;
  double t_, base_ = 0, excess_ = 0;
  Eigen::ArrayXd n_, pi_;
  Eigen::MatrixXd Qbar_, Gbar_;
  Eigen::VectorXd c_, delta_;
  std::vector<int> contrastGroups_;
};

}  // namespace

Solution solveSupConOnce(const Problem& problem, const std::vector<ClassGroup>& groups, const SolveOptions& options,
                         const Eigen::VectorXd* start, unsigned seed, int maxIterations) {
  Solution s;
  s.problem = problem;
  s.solver = options.kind == SolverKind::General ? SolverKind::General : SolverKind::Reduced;
  s.groups = groups;
  const int G = static_cast<int>(groups.size());
  SupConObjective objective(problem, groups, G + 1);
  const double rho = problem.K() * problem.EH;
  Eigen::VectorXd y = detail::startingPoint(start, objective.dimension(), seed, s.warmStarted);
  // The certificate's scale: min(excess, gain), as CE's min(f, log K - f).
  auto scale = [&] { return std::max(std::min(objective.excess(), objective.gain()), kTinyObjective); };
  LbfgsOptions lo;
  lo.memory = std::min(objective.dimension(), 30);
  lo.maxIterations = maxIterations;
  auto stop = [&](double, double) {
    if (options.cancel.cancelled()) return s.cancelled = true;
    return objective.gap(rho) <= options.gapTarget * scale();
  };
  // log(excess): at large EH / t the excess spans hundreds of orders of magnitude (as CE's loss).
  auto fg = [&](const Eigen::VectorXd& x, Eigen::VectorXd& grad) {
    const double f = objective(x, grad);
    if (!(f > 0)) return f;
    grad /= f;
    return std::log(f);
  };
  const double radius = std::sqrt(rho);
  const auto res = minimizeOnSphere(fg, y, radius, lo, stop);
  s.iterations = res.iterations;
  Eigen::VectorXd x = (radius / y.norm()) * y, grad;
  objective(x, grad);
  s.objective = objective.objective();
  s.gain = objective.gain();
  s.gap = objective.gap(rho);
  s.certificateFloor = scale();  // the gap is measured against min(excess, gain)
  s.XHH.mean = objective.Qbar();
  s.XHH.contrast = objective.contrast();
  s.XWW.mean = Eigen::MatrixXd::Zero(G, G);  // no classifiers
  s.XWW.contrast = Eigen::VectorXd::Zero(G);
  s.Z = s.XHH;  // "logits" of the model: the Gram itself (views draw features only)
  s.nuclearNorm = objective.trace();
  s.radius = rho;
  s.state = y;
  s.attempts = 1;
  const bool finite = std::isfinite(s.objective) && std::isfinite(s.gap) && y.allFinite();
  s.certified = finite && !s.cancelled && s.gap <= kCertifyTol * s.certificateFloor;
  return s;
}

}  // namespace lpm::detail
