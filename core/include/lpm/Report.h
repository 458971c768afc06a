#pragma once
// Solutions and sweeps as JSON and CSV: the one place that names the output keys, shared by
// the `lpm` command line and the GUI's exports.
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lpm/Metrics.h"
#include "lpm/Sweep.h"
#include "lpm/io/Analysis.h"
#include "lpm/io/Checkpoint.h"
#include "lpm/io/Network.h"

namespace lpm {

/// Provenance: what a result was computed from. `inputs` are the user's parameters (the two-size
/// form when there is one), `problem` the class sizes actually solved, `solver_options` how.
/// The parameters under their registry names: those that enter the model, or `all` (sessions).
nlohmann::json paramsJson(const TwoSizeParams& p, bool all = false);
nlohmann::json problemJson(const Problem& p);
nlohmann::json solverOptionsJson(const SolveOptions& o);
/// {"lpm_version", "model", "inputs"?, "solver_options"}: the block every JSON output carries.
nlohmann::json provenanceJson(const SolveOptions& o, const std::optional<TwoSizeParams>& params = std::nullopt);

/// X = [H; W][H; W]^T (2K x 2K), the class means H and classifiers W (K rows), and the
/// classifiers' cosines (K x K; 0 beside a vanished classifier): what `--matrix` reports.
struct SolutionMatrices {
  Eigen::MatrixXd X, W, H, cos;
};
SolutionMatrices solutionMatrices(const Solution& s);

/// Keys: objective, minority_cos, majority_cos, minority_state, minority_norm_cv, gap,
/// relative_gap, certified, solve_ms, iterations, attempts, solver, problem, and more; with
/// `withMatrices` also X (2K x 2K), W, H (K rows), cos (K x K). With `provenance` merged in.
nlohmann::json solutionJson(const Solution& s, const Metrics& m, bool withMatrices,
                            const nlohmann::json& provenance = nullptr);

/// A checkpoint's format, tensor table, globals and warnings (`lpm inspect`).
nlohmann::json checkpointJson(const io::Checkpoint& c);
/// A classifier's analysis: name, shape, norms, cosines, roles, fitted EW.
nlohmann::json classifierJson(const io::ClassifierAnalysis& a);
/// Class counts and R (from labels) and the neural-collapse measures (from features), merged into `j`.
void addNetworkJson(nlohmann::json& j, const io::NetworkComparison& net);

/// One curve of a sweep for its sidecar: its inputs (all but R), rows, uncertified rows, and
/// its transition when computed. The window's and `lpm sweep`'s CSV sidecars both use it.
nlohmann::json curveJson(const TwoSizeParams& p, const std::vector<SweepPoint>& points,
                         const std::optional<TransitionResult>& transition);

/// R0, R_vanish, the first event and how they were found.
nlohmann::json transitionJson(const TransitionResult& t);

/// Header KA,KB,EW,EH,R,objective,minority_cos,majority_cos,gap,minority_state,minority_norm
/// (empty cell for null). The CSV stays plain; its provenance goes to FILE.csv.json.
void writeSweepCsvHeader(std::ostream& out);
void writeSweepCsvRow(std::ostream& out, const TwoSizeParams& p, const SweepPoint& pt);
/// Writes `sidecar` (FILE.csv.json) next to a CSV; false when it cannot be written.
bool writeSidecar(const std::string& csvPath, const nlohmann::json& provenance);

nlohmann::json matrixJson(const Eigen::MatrixXd& M);
/// A number, or null when absent or not finite.
nlohmann::json numberOrNull(const std::optional<double>& v);
std::string formatNumber(double v);

}  // namespace lpm
