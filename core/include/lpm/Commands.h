#pragma once
// The computations behind `lpm solve`, `lpm transition` and `lpm design`, from the parameters a
// user named, to the JSON they print: one place shared by the `lpm` command line and the Python
// module (python/), so both refuse the same input with the same words and report the same numbers.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lpm/Design.h"
#include "lpm/Metrics.h"
#include "lpm/Parameters.h"
#include "lpm/Solver.h"
#include "lpm/Sweep.h"
#include "lpm/io/Checkpoint.h"
#include "lpm/io/Network.h"

namespace lpm {

/// Model parameters as a user named them (`--NAME VALUE`, Python's keywords), by registry name.
struct ParamInput {
  std::map<std::string, std::string> given;  ///< only the ones the user gave, as typed
  std::string preset;                        ///< start from a preset's parameters; `given` change them
  std::vector<std::string> offered;          ///< the names the command takes (the rest are refused)
  bool sizesGiven = false;                   ///< every class size given (--sizes/--counts)
  std::string flag = "--";                   ///< how the names are written in messages ("--" or "")
};

/// The parameters, each checked by its registry entry (InvalidInput names the bad one). Giving
/// lambda-W/lambda-H/lambda-b chooses the penalized form (then EW/EH are refused); a parameter
/// the chosen model does not use is refused by name. The penalized form needs absolute sizes:
/// nA (or `sizesGiven`). With a preset, its parameters are the start and only `given` change them.
TwoSizeParams paramsFromInput(const ParamInput& in);

/// `lpm solve`: one setting, or every class size (`sizes`, optionally binned by params.bins).
struct SolveRequest {
  TwoSizeParams params;
  std::optional<std::vector<double>> sizes;  ///< every class size (overrides KA, KB, R)
  std::vector<int> minority;                 ///< 0-based minority classes for `sizes` (default: the smallest)
  SolveOptions options;
  bool matrices = false;  ///< X, W, H and cos in the JSON
  std::string flag = "--";  ///< how the names are written in messages
};
struct SolveOutcome {
  Solution solution;
  Metrics metrics;
  std::vector<std::string> notes;  ///< what the user should know (a class of size 0, ...)
  nlohmann::json json;             ///< what `lpm solve --json` prints
};
SolveOutcome runSolve(const SolveRequest& r);

/// `lpm transition --json`: R0 and R_vanish, with the inputs (but R) and provenance.
nlohmann::json transitionReport(const TwoSizeParams& p, const TransitionResult& t);

/// `lpm design --json`: the boundary value of one parameter, with the query and provenance.
nlohmann::json designReport(const TwoSizeParams& p, const DesignQuery& q, const DesignResult& r);

/// `lpm sweep`: one curve per KA (K total, or KB minority classes when K is 0) on a log grid.
/// Refuses a KA that leaves no majority or minority class, in the command's words.
struct SweepRequest {
  TwoSizeParams base;
  std::vector<int> KA;  ///< empty: not given
  int K = 0, KB = 0;  ///< 0: not given
  double Rmin = 1, Rmax = 1e4;
  int points = 41;
  bool refine = false;
  std::string flag = "--";  ///< how K is named in messages
  /// `base` is a preset's: without K and KB the preset's own K, without KA its own KA.
  bool fromPreset = false;
  CancelToken cancel;
  /// Called with the header, then with each curve's rows as soon as they are computed (the CLI
  /// streams them); SweepOutcome::csv holds them all either way.
  std::function<void(const std::string&)> write;
};
struct SweepOutcome {
  std::vector<TwoSizeParams> settings;            ///< one per KA
  std::vector<std::vector<SweepPoint>> curves;    ///< their points
  std::string csv;                                ///< header and rows, as `lpm sweep` writes them
  nlohmann::json sidecar;                         ///< FILE.csv.json: provenance, grid, curves
  int uncertified = 0;
};
SweepOutcome runSweep(const SweepRequest& r);

/// The roles of a network's classes: `minority` (0-based), else the first `KA` classes are the
/// majority (KA >= 0), else the network keeps its own (the smallest classes by count).
void applyRoles(io::NetworkComparison& net, const std::vector<int>& minority, int KA, const std::string& flag = "--");

/// `lpm inspect`: a checkpoint read safely, its classifier (named, or detected) analysed with
/// the roles chosen by `minority` or `KA` (else the network's own), labels and features joined.
struct InspectRequest {
  std::string path, tensor, features, labels;
  std::vector<int> minority;  ///< 0-based minority classes
  int KA = -1;                ///< the first KA classes are the majority (-1: not given)
  bool allowUnsafeGlobals = false;
  std::string flag = "--";
};
struct InspectOutcome {
  std::shared_ptr<const io::Checkpoint> checkpoint;
  std::optional<io::NetworkComparison> network;  ///< absent when no classifier was found
  nlohmann::json json;                           ///< what `lpm inspect --json` prints
};
InspectOutcome runInspect(const InspectRequest& r);

}  // namespace lpm
