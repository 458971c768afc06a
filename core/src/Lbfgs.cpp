#include "Lbfgs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "Kernels.h"

namespace lpm::detail {

// The pairs (s_i, y_i): columns of two n x (m + 1) matrices, oldest first in `order`, one column
// spare for the next pair (a rejected pair must not overwrite the oldest one). Long vectors
// (10^5 numbers at K = 200) are neither allocated nor freed once the run has started.
struct LbfgsPairs {
  Eigen::MatrixXd S, Y;
  Eigen::VectorXd rho, yy;  // per column: 1 / s . y, y . h0 y
  std::vector<int> order;   // columns in use, oldest first
  int spare = 0;
  int capacity = 0;
  Eigen::Index n = 0, ld = 0;  // length, and the columns' stride
  bool fits(Eigen::Index length, Eigen::Index stride, int m) const { return n == length && ld == stride && capacity == m; }
  void reset(Eigen::Index length, Eigen::Index stride, int m) {
    S.resize(stride, m + 1), Y.resize(stride, m + 1), rho.resize(m + 1), yy.resize(m + 1);
    capacity = m, n = length, ld = stride;
    order.clear(), order.reserve(m + 1), spare = 0;
  }
  Eigen::Map<Eigen::VectorXd> s(int c) { return {S.data() + c * ld, n}; }
  Eigen::Map<Eigen::VectorXd> y(int c) { return {Y.data() + c * ld, n}; }
  bool empty() const { return order.empty(); }
  void clear() { order.clear(), spare = 0; }
  // The spare column becomes the newest pair; the oldest leaves when the memory is full, and
  // any column not in use is the next spare.
  void push(double r, double y2) {  // y2 = y . h0 y
    rho(spare) = r, yy(spare) = y2;
    order.push_back(spare);
    if (static_cast<int>(order.size()) > capacity) order.erase(order.begin());
    for (int c = 0; c <= capacity; ++c)
      if (std::find(order.begin(), order.end(), c) == order.end()) {
        spare = c;
        break;
      }
  }
  // For a 0-homogeneous function the pairs at the unit point, moved to a point of norm a: s
  // scaled by a, y (a gradient difference) by 1 / a; s . y is unchanged.
  void scaleToNorm(double a) {
    for (int c : order) s(c) *= a, this->y(c) /= a, yy(c) /= a * a;
  }
};

std::shared_ptr<LbfgsPairs> newLbfgsPairs() { return std::make_shared<LbfgsPairs>(); }

namespace {

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
  const int m = std::max(1, options.memory);
  // Unfused, the columns start 16-byte aligned (an even stride), as separate vectors did: Eigen's
  // sums then round as they did with them.
  LbfgsPairs local;
  LbfgsPairs& memory = options.keep ? *options.keep : local;
  const Eigen::Index stride = options.fused ? y.size() : y.size() + (y.size() & 1);
  if (!memory.fits(y.size(), stride, m)) memory.reset(y.size(), stride, m);
  std::vector<double> alpha(m + 1);
  int failures = 0;
  const Kernels& kernels = detail::kernels();
  const bool h0 = options.h0.size() == y.size();

  for (int it = 0; it < options.maxIterations; ++it) {
    // Two-loop recursion: d = -H g, H0 = gamma I.
    {
      double gamma;
      if (!memory.empty()) {
        const int last = memory.order.back();
        gamma = 1.0 / (memory.rho(last) * memory.yy(last));  // s . y / y . h0 y
      } else {
        gamma = 1e-2 / std::max(h0 ? g.cwiseProduct(options.h0).norm() : g.norm(), 1e-300);
      }
      if (!options.fused) {
        d = -g;
        const int count = static_cast<int>(memory.order.size());
        for (int i = count - 1; i >= 0; --i) {
          const int c = memory.order[i];
          alpha[i] = memory.rho(c) * memory.s(c).dot(d);
          d -= alpha[i] * memory.y(c);
        }
        if (count > 0) {
          const int last = memory.order.back();
          d *= memory.s(last).dot(memory.y(last)) / memory.y(last).squaredNorm();
        } else {
          d *= 1e-2 / std::max(g.norm(), 1e-300);
        }
        for (int i = 0; i < count; ++i) {
          const int c = memory.order[i];
          const double beta = memory.rho(c) * memory.y(c).dot(d);
          d += (alpha[i] - beta) * memory.s(c);
        }
      } else
        kernels.twoLoop(y.size(), static_cast<int>(memory.order.size()), memory.order.data(), memory.S.data(),
                        memory.Y.data(), memory.rho.data(), g.data(), gamma, h0 ? options.h0.data() : nullptr, d.data(),
                        alpha.data());
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
    {
      Eigen::Map<Eigen::VectorXd> sNew = memory.s(memory.spare), yDiff = memory.y(memory.spare);
      sNew = yNew - y;
      yDiff = gNew - g;
      const double sy = sNew.dot(yDiff), ss = sNew.squaredNorm(), yy = yDiff.squaredNorm();
      if (sy > 1e-14 * std::sqrt(ss) * std::sqrt(yy))
        memory.push(1.0 / sy, h0 ? yDiff.cwiseAbs2().dot(options.h0) : yy);
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
  run(phi, y, true, options, stop, result);
  if (options.keep) options.keep->scaleToNorm(1 / y.norm());  // kept as at the unit sphere, where the next run starts
  return result;
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
