#pragma once
// Solutions and sweeps as JSON and CSV: the one place that names the output keys, shared by
// the `lpm` command line and the GUI's exports.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lpm/Metrics.h"
#include "lpm/Sweep.h"

namespace lpm {

/// Keys: objective, minority_cos, majority_cos, minority_state, minority_norm_cv, gap, solve_ms,
/// iterations, solver, and more; with `withMatrices` also X (2K x 2K), W, H (K rows), cos (K x K).
nlohmann::json solutionJson(const Solution& s, const Metrics& m, bool withMatrices);

/// Header KA,KB,EW,EH,R,objective,minority_cos,majority_cos,gap (empty cell for null).
void writeSweepCsvHeader(std::ostream& out);
void writeSweepCsvRow(std::ostream& out, const TwoSizeParams& p, const SweepPoint& pt);

nlohmann::json matrixJson(const Eigen::MatrixXd& M);
/// A number, or null when absent or not finite.
nlohmann::json numberOrNull(const std::optional<double>& v);
std::string formatNumber(double v);

}  // namespace lpm
