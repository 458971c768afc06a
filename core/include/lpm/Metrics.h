#pragma once
// What a solution says about Minority Collapse: cosines, norms, ETF deviation, state.
#include <optional>
#include <string>
#include <vector>

#include "lpm/Solver.h"

namespace lpm {

/// What the minority classifiers do at a solution. The one rule for the words every view,
/// export and the CLI use (doc/dev/04-SOLVER.md):
///  - Uncertified: the solve did not reach its certificate; nothing is claimed about the state;
///  - NonUnique:   ||Z||_* < (1 - kNonUniqueTol) rho: the budget is not used up (label smoothing at
///                 large budgets, MSE with EW EH >= 1), the geometry is not determined (lpm-models.md §4);
///  - Vanished:    mean minority ||w_k|| < vanishTol sqrt(EW) (no cosine);
///  - AllVanished: penalized form, Y = 0: every classifier and feature is zero (strong weight decay);
///  - PartlyVanished: some minority classes vanished and fewer than two survive (single classes
///                 vanish inside a group with arbitrary sizes; penalized models, MSE);
///  - Single:      fewer than two minority classes, or no classifiers (supcon): "na", no pairwise cosine;
///  - Collapsed:   minority cosine >= 1 - collapseTol;
///  - Spread:      otherwise.
enum class MinorityState { Spread, Collapsed, Vanished, Single, Uncertified, NonUnique, PartlyVanished, AllVanished };
constexpr double kNonUniqueTol = 1e-3;
/// spread, collapsed, vanished, na, uncertified, nonunique, partly_vanished, all_vanished (lpm-models.md §4).
std::string toString(MinorityState s);
/// Words for people: "spread", ..., "not certified (gap 5.6e-02)".
std::string describe(MinorityState s, double gap);

struct MetricsOptions {
  double collapseTol = 1e-3;  ///< collapsed when the minority cosine >= 1 - collapseTol
  /// A classifier vanished when ||w_k|| < vanishTol sqrt(EW) (penalized form: vanishTol times the
  /// largest classifier norm, there being no budget; features alike). Its squared norm is linear in the
  /// logits' error (X_WW = sqrt(EW/EH) |Z|), so the norm is the square root of what the solver
  /// resolves: certified solves leave vanishing classifiers at norms up to ~3e-4 sqrt(EW), with
  /// directions that are noise (doc/dev/04-SOLVER.md).
  double vanishTol = 1e-3;
};

/// Averages over a set of vectors given by their Gram matrix.
struct SetStats {
  std::optional<double> meanCos;  ///< mean over ordered pairs i != j of cos(i, j); null if < 2 non-vanished
  double normMean = 0;
  double normCV = 0;              ///< std / mean of the norms
  int size = 0;
  int vanished = 0;               ///< members below the vanishing norm, left out of meanCos
};

struct Metrics {
  SetStats minorityW, majorityW, minorityH, majorityH;
  std::optional<double> betweenCos;  ///< mean cosine between a majority and a minority classifier
  std::optional<double> betweenFeatureCos;  ///< the same for class-mean features
  double etfDeviation = 0;  ///< || C - C_ETF ||_F / || C_ETF ||_F over the classifier cosines
  MinorityState minorityState = MinorityState::Spread;  ///< of the minority classifiers
  MinorityState featureState = MinorityState::Spread;   ///< of the minority class means, by the same rule
  bool certified = false;
  bool collapsed() const { return minorityState == MinorityState::Collapsed; }
  bool vanished() const { return minorityState == MinorityState::Vanished; }
  /// minority_cos: null unless the solution is certified, the minority has not vanished and
  /// there are >= 2 minority classes.
  std::optional<double> minorityCos() const {
    return minorityState == MinorityState::Spread || minorityState == MinorityState::Collapsed ? minorityW.meanCos
                                                                                             : std::nullopt;
  }
  /// The model's story is about the features (fixed ETF classifier, supcon: no learned classifiers).
  bool features = false;
  /// The minority cosine and state the story follows: the classifiers', or the features'.
  MinorityState observedState() const { return features ? featureState : minorityState; }
  std::optional<double> observedCos() const {
    if (!features) return minorityCos();
    return featureState == MinorityState::Spread || featureState == MinorityState::Collapsed ? minorityH.meanCos
                                                                                           : std::nullopt;
  }
};

Metrics computeMetrics(const Solution& s, const MetricsOptions& options = {});

/// A certified optimum whose budget is not used up (||Z||_* < (1 - kNonUniqueTol) rho): its
/// geometry is one of many, so views draw nothing (MinorityState::NonUnique).
bool nonUnique(const Solution& s);

/// The same statistics for an explicit class-level Gram matrix (e.g. a trained classifier).
SetStats setStats(const Eigen::MatrixXd& gram, const std::vector<int>& members, double vanishNorm = 0);

}  // namespace lpm
