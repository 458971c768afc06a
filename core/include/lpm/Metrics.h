#pragma once
// What a solution says about Minority Collapse: cosines, norms, ETF deviation, state.
#include <optional>
#include <string>
#include <vector>

#include "lpm/Solver.h"

namespace lpm {

enum class MinorityState { Spread, Collapsed, Vanished };
std::string toString(MinorityState s);

struct MetricsOptions {
  double collapseTol = 1e-3;  ///< collapsed when the minority cosine >= 1 - collapseTol
  double vanishTol = 1e-4;    ///< a classifier vanished when ||w_k|| < vanishTol sqrt(EW)
};

/// Averages over a set of vectors given by their Gram matrix.
struct SetStats {
  std::optional<double> meanCos;  ///< mean over ordered pairs i != j of cos(i, j); null if < 2 non-vanished
  double normMean = 0;
  double normCV = 0;              ///< std / mean of the norms
  int size = 0;
};

struct Metrics {
  SetStats minorityW, majorityW, minorityH, majorityH;
  std::optional<double> betweenCos;  ///< mean cosine between a majority and a minority classifier
  double etfDeviation = 0;  ///< || C - C_ETF ||_F / || C_ETF ||_F over the classifier cosines
  MinorityState minorityState = MinorityState::Spread;
  bool collapsed() const { return minorityState != MinorityState::Spread; }
  /// minority_cos: null when the state is `vanished` or there are < 2 minority classes.
  std::optional<double> minorityCos() const {
    return minorityState == MinorityState::Vanished ? std::nullopt : minorityW.meanCos;
  }
};

Metrics computeMetrics(const Solution& s, const MetricsOptions& options = {});

/// The same statistics for an explicit class-level Gram matrix (e.g. a trained classifier).
SetStats setStats(const Eigen::MatrixXd& gram, const std::vector<int>& members, double vanishNorm = 0);

}  // namespace lpm
