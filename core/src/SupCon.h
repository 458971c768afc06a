#pragma once
// The supervised contrastive model (Eq. 11-12, Theorem 3; lpm-models.md §3), private to the solver.
#include "lpm/Solver.h"

namespace lpm::detail {

/// One certified-or-not run in group form over Q = H H^T on the spectraplex tr Q <= K EH: L-BFGS
/// on the sphere of the factors plus a slack, stopped on the gap <G, Q> - K EH min(0, lambda_min(G)).
Solution solveSupConOnce(const Problem& problem, const std::vector<ClassGroup>& groups, const SolveOptions& options,
                         const Eigen::VectorXd* start, unsigned seed, int maxIterations);

}  // namespace lpm::detail
