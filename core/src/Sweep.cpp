#include "lpm/Sweep.h"

#include <chrono>
#include <cmath>

namespace lpm {

std::vector<double> logGrid(double Rmin, double Rmax, int points) {
  if (!(Rmin >= 1) || !std::isfinite(Rmin)) throw InvalidInput("R-min must be a finite number >= 1");
  if (!(Rmax >= Rmin) || !std::isfinite(Rmax)) throw InvalidInput("R-max must be a finite number >= R-min");
  if (points < 2) throw InvalidInput("a sweep needs at least 2 points, got " + std::to_string(points));
  std::vector<double> R(points);
  const double a = std::log(Rmin), b = std::log(Rmax);
  for (int i = 0; i < points; ++i) R[i] = std::exp(a + (b - a) * i / (points - 1));
  R.front() = Rmin;
  R.back() = Rmax;
  return R;
}

std::vector<SweepPoint> sweepR(const TwoSizeParams& base, const std::vector<double>& Rs, const SweepOptions& options) {
  validate(base);
  std::vector<SweepPoint> out;
  out.reserve(Rs.size());
  Eigen::VectorXd warm;
  for (size_t i = 0; i < Rs.size(); ++i) {
    if (options.cancel && options.cancel->load()) break;
    TwoSizeParams p = base;
    p.R = Rs[i];
    SolveOptions so = options.solve;
    if (so.kind == SolverKind::Auto) so.kind = SolverKind::Reduced;  // keeps the warm start's shape at R = 1
    so.warmStart = warm.size() ? &warm : nullptr;
    so.cancel = options.cancel;
    const Solution s = solve(makeTwoSize(p), so);
    warm = s.state;
    const Metrics m = computeMetrics(s, options.metrics);
    SweepPoint pt{p.R, s.objective, s.gap, m.minorityCos(), m.majorityW.meanCos, m.minorityW.normMean, m.minorityState};
    out.push_back(pt);
    if (options.progress && !options.progress(pt, static_cast<int>(i))) break;
  }
  return out;
}

TransitionResult phaseTransitionRatio(const TwoSizeParams& base, double tol, double relTol,
                                      const std::atomic<bool>* cancel) {
  validate(base);
  if (base.KB < 2) throw InvalidInput("the phase transition needs KB >= 2 minority classes, got " + std::to_string(base.KB));
  if (!(tol > 0 && tol < 1)) throw InvalidInput("tol must be in (0, 1)");
  const auto start = std::chrono::steady_clock::now();
  TransitionResult r;
  r.tol = tol;
  Eigen::VectorXd warm;
  auto reached = [&](double R) {
    TwoSizeParams p = base;
    p.R = R;
    SolveOptions so;
    so.kind = SolverKind::Reduced;
    so.warmStart = warm.size() ? &warm : nullptr;
    so.cancel = cancel;
    const Solution s = solve(makeTwoSize(p), so);
    warm = s.state;
    ++r.solves;
    MetricsOptions mo;
    mo.collapseTol = tol;
    return computeMetrics(s, mo).collapsed();
  };
  auto finish = [&](double R0) {
    r.R0 = R0;
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return r;
  };
  if (!reached(kInfinity)) return finish(kInfinity);
  warm.resize(0);
  if (reached(1.0)) return finish(1.0);
  double lo = 1.0, hi = 2.0;
  while (!reached(hi)) {
    if (cancel && cancel->load()) return finish(std::nan(""));
    lo = hi;
    hi *= 2;
    if (hi > 1e15) return finish(kInfinity);
  }
  while (hi / lo - 1 > relTol) {
    if (cancel && cancel->load()) return finish(std::nan(""));
    const double mid = std::sqrt(lo * hi);
    (reached(mid) ? hi : lo) = mid;
  }
  return finish(hi);
}

}  // namespace lpm
