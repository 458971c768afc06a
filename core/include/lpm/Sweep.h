#pragma once
// Minority cosine versus the imbalance ratio R, and the phase transition R0 (Figure 3).
#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include "lpm/Metrics.h"
#include "lpm/Problem.h"
#include "lpm/Solver.h"

namespace lpm {

struct SweepPoint {
  double R = 1;
  double objective = 0;
  double gap = 0;
  std::optional<double> minorityCos, majorityCos;
  double minorityNorm = 0;  ///< mean ||w_k|| over minority classes
  MinorityState state = MinorityState::Spread;
};

/// `points` values of R, log-spaced from Rmin to Rmax, endpoints included (points >= 2).
std::vector<double> logGrid(double Rmin, double Rmax, int points);

struct SweepOptions {
  SolveOptions solve;
  MetricsOptions metrics;
  const std::atomic<bool>* cancel = nullptr;
  /// Called after each point; return false to stop.
  std::function<bool(const SweepPoint&, int index)> progress;
};

/// Solves the two-size problem at each R (base.R is ignored), warm-starting along the grid.
std::vector<SweepPoint> sweepR(const TwoSizeParams& base, const std::vector<double>& Rs, const SweepOptions& options = {});

struct TransitionResult {
  double R0 = kInfinity;  ///< smallest R with minority cosine >= 1 - tol (or vanished); inf if never
  double tol = 1e-3;
  int solves = 0;
  double ms = 0;
};

/// R0 by bracketing on a doubling grid and bisection on log R to `relTol` relative.
/// Throws InvalidInput for KB < 2 (no minority pairs) or bad parameters.
TransitionResult phaseTransitionRatio(const TwoSizeParams& base, double tol = 1e-3, double relTol = 1e-4,
                                      const std::atomic<bool>* cancel = nullptr);

}  // namespace lpm
