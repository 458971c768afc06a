#include "Lbfgs.h"

#include <cmath>
#include <limits>
#include <random>

namespace lpm::detail {
namespace {

struct Pair {
  Eigen::VectorXd s, y;
  double rho;
};

// The iteration both entry points share. `phi` is the function minimised over y; with
// `sphere`, phi is 0-homogeneous and y is kept near the unit sphere.
LbfgsResult run(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& phi, Eigen::VectorXd& y,
                bool sphere, const LbfgsOptions& options, const std::function<bool(double, double)>& stop,
                LbfgsResult& result) {
  Eigen::VectorXd g(y.size()), gNew(y.size()), d(y.size()), yNew(y.size());
  double f = phi(y, g);
  if (stop(f, g.norm())) {
    result.stopped = true;
    return result;
  }
  std::deque<Pair> memory;
  Pair spare;  // storage for the next pair
  std::vector<double> alpha;
  int failures = 0;

  for (int it = 0; it < options.maxIterations; ++it) {
    // Two-loop recursion: d = -H g.
    d = -g;
    alpha.assign(memory.size(), 0.0);
    for (int i = static_cast<int>(memory.size()) - 1; i >= 0; --i) {
      alpha[i] = memory[i].rho * memory[i].s.dot(d);
      d -= alpha[i] * memory[i].y;
    }
    if (!memory.empty()) {
      const auto& last = memory.back();
      d *= last.s.dot(last.y) / last.y.squaredNorm();
    } else {
      d *= 1e-2 / std::max(g.norm(), 1e-300);
    }
    for (size_t i = 0; i < memory.size(); ++i) {
      const double beta = memory[i].rho * memory[i].y.dot(d);
      d += (alpha[i] - beta) * memory[i].s;
    }
    double slope = g.dot(d);
    if (!(slope < 0)) {  // not a descent direction: restart from steepest descent
      memory.clear();
      d = -g * (1e-2 / std::max(g.norm(), 1e-300));
      slope = g.dot(d);
      if (!(slope < 0)) break;
    }

    // Weak Wolfe bisection, with Hager-Zhang's approximate Wolfe test once f is at round-off
    // level: near the optimum the certificate needs the point to keep converging after f has
    // stopped resolving progress, and the directional derivative still does.
    // Relative to f: at large EW EH the optimum is exponentially small, and an absolute allowance
    // would accept any step there.
    const double fEps = 1e-12 * std::abs(f);
    double lo = 0, hi = std::numeric_limits<double>::infinity(), t = 1.0, fNew = f;
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls) {
      yNew.noalias() = y + t * d;
      fNew = phi(yNew, gNew);
      const double dNew = gNew.dot(d);
      const bool armijo = fNew <= f + options.c1 * t * slope;
      const bool approx = fNew <= f + fEps;
      if (!(armijo || approx) || dNew > (1 - 2 * options.c1) * -slope) {
        hi = t;
      } else if (dNew < options.c2 * slope) {
        lo = t;
      } else {
        accepted = true;
        break;
      }
      t = std::isinf(hi) ? 2 * t : 0.5 * (lo + hi);
    }
    if (!accepted) {
      if (++failures >= 2 || memory.empty()) {
        phi(y, g);  // leave fg's state at the current point for the caller
        break;
      }
      memory.clear();
      continue;
    }
    failures = 0;
    // The oldest pair's storage is reused: long vectors (10^5 numbers at K = 200) would otherwise
    // be allocated and freed, page by page, every step.
    if (spare.s.size() != y.size()) spare.s.resize(y.size()), spare.y.resize(y.size());
    spare.s = yNew - y;
    spare.y = gNew - g;
    const double sy = spare.s.dot(spare.y);
    if (sy > 1e-14 * spare.s.norm() * spare.y.norm()) {
      spare.rho = 1.0 / sy;
      memory.push_back(std::move(spare));
      spare = Pair{};
      if (static_cast<int>(memory.size()) > options.memory) {
        spare = std::move(memory.front());
        memory.pop_front();
      }
    }
    y.swap(yNew);
    g.swap(gNew);
    f = fNew;
    result.iterations = it + 1;
    if (sphere && y.norm() > 4.0) {  // keep |y| near 1; phi is scale invariant but the memory is not
      y.normalize();
      f = phi(y, g);
      memory.clear();
    }
    if (stop(f, g.norm())) {
      result.stopped = true;
      break;
    }
  }
  return result;
}

}  // namespace

LbfgsResult minimizeOnSphere(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& fg,
                             Eigen::VectorXd& y, double radius, const LbfgsOptions& options,
                             const std::function<bool(double, double)>& stop) {
  LbfgsResult result;
  Eigen::VectorXd gx(y.size()), x(y.size());
  // phi(y) = f(radius y / |y|) is 0-homogeneous; its gradient is the projected one, scaled.
  auto phi = [&](const Eigen::VectorXd& point, Eigen::VectorXd& grad) {
    const double n = point.norm();
    x.noalias() = (radius / n) * point;
    const double f = fg(x, gx);
    ++result.evaluations;
    // grad = (radius / n) (gx - (u . gx) u), u = point / n; no temporaries.
    const double ug = point.dot(gx) / (n * n);
    grad.resize(point.size());
    grad.noalias() = (radius / n) * (gx - ug * point);
    return f;
  };
  y.normalize();
  return run(phi, y, true, options, stop, result);
}

Eigen::VectorXd startingPoint(const Eigen::VectorXd* warm, int dimension, unsigned seed, bool& warmStarted) {
  if (warm && warm->size() == dimension && warm->allFinite() && warm->norm() > 0) {
    warmStarted = true;
    return *warm;
  }
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::VectorXd y(dimension);
  for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = normal(rng);
  return y;
}

LbfgsResult minimize(const std::function<double(const Eigen::VectorXd&, Eigen::VectorXd&)>& fg, Eigen::VectorXd& x,
                     const LbfgsOptions& options, const std::function<bool(double, double)>& stop) {
  LbfgsResult result;
  auto phi = [&](const Eigen::VectorXd& point, Eigen::VectorXd& grad) {
    ++result.evaluations;
    return fg(point, grad);
  };
  return run(phi, x, false, options, stop, result);
}

}  // namespace lpm::detail
