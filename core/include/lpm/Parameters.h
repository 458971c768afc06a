#pragma once
// The registry of model parameters: every parameter a user can set is declared here once, with
// its name as typed, its valid and explorer ranges, scale, type, default and help. From it come
// the panel's rows, `--set NAME=VALUE` of both executables, the `lpm` flags, validation messages,
// session keys and the clamping of values fitted to a trained network (doc/dev/02-ARCHITECTURE.md).
// Adding a parameter is one entry in parameterRegistry() plus its use in the model.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "lpm/Problem.h"

namespace lpm {

enum class ParameterType { Real, Integer, Choice };

struct ParameterSpec {
  std::string name;   ///< as the user types it: EW, EH, KA, KB, R, wr, profile, loss, alpha, tau, margin, gamma
  std::string label;  ///< rich text for the panel (E<sub>W</sub>)
  std::string help;   ///< one line
  ParameterType type = ParameterType::Real;
  /// Valid values: min (exclusive when minExclusive) .. max; infinity only where allowInfinity.
  double min = 0, max = 0;
  bool minExclusive = false, maxExclusive = false;
  bool allowInfinity = false;
  /// Narrower bounds the numbers can be computed in (budgets); refused with that reason.
  double representableMin = 0, representableMax = 0;
  /// The explorer's range: slider ends (log scale when logScale); values fitted to a trained
  /// network are clamped to it. Entries accept entryMin..entryMax (and show the value solved).
  double explorerMin = 0, explorerMax = 0, entryMin = 0, entryMax = 0;
  bool logScale = false;
  int decimals = 3;
  std::string defaultText;           ///< the CLI's default, as typed
  bool sessionOptional = false;      ///< sessions may omit it (older files): the default applies
  std::vector<std::string> choices;  ///< for Choice: the accepted words; the value is the index
  std::function<double(const TwoSizeParams&)> get;
  std::function<void(TwoSizeParams&, double)> set;
  /// Whether the parameter enters the model at `p` (e.g. alpha only with label smoothing): the
  /// panel hides the others. Empty: always.
  std::function<bool(const TwoSizeParams&)> applies;
  bool appliesTo(const TwoSizeParams& p) const { return !applies || applies(p); }
};

/// Every parameter, in the panel's order.
const std::vector<ParameterSpec>& parameterRegistry();
/// Null when there is no such parameter.
const ParameterSpec* findParameter(const std::string& name);
/// Throws InvalidInput naming the known parameters.
const ParameterSpec& parameter(const std::string& name);
/// "EW, EH, KA, KB, R, wr, profile".
std::string parameterNames();

/// A value in messages: 12 significant digits ("1e+300", "0.05").
std::string formatValue(double v);
/// Reads a number as users type it ("inf" included). Throws InvalidInput naming `name`.
double parseNumber(const std::string& name, const std::string& text);
/// Checks one value against its spec (range, integer, finite); throws InvalidInput with the
/// message every executable shows ("EW must be > 0, got -1").
void checkValue(const ParameterSpec& spec, double value);

double getParameter(const TwoSizeParams& p, const std::string& name);
/// Sets a parameter from a typed value (number, inf, integer or choice word), checked by its spec.
void setParameter(TwoSizeParams& p, const std::string& name, const std::string& text);
void setParameter(TwoSizeParams& p, const std::string& name, double value);
/// The value as a user would type it back ("inf", "exponential", "5").
std::string parameterText(const TwoSizeParams& p, const std::string& name);
/// NAME=VALUE, as `--set` takes it in both executables; also K=N (sets KB = N - KA).
void applyAssignment(TwoSizeParams& p, const std::string& assignment);
/// The NAME and VALUE of `--set NAME=VALUE`, trimmed; throws InvalidInput for anything else.
std::pair<std::string, std::string> splitAssignment(const std::string& assignment);
/// Why `spec` does not enter the model at `p`, in words after "NAME does not enter the model ":
/// "with loss ce", "in the penalized form", ... `flag` prefixes the names ("--" on the command line).
std::string notAppliesReason(const ParameterSpec& spec, const TwoSizeParams& p, const std::string& flag = "");
/// The model in words, for legends, captions and JSON: "LDAM (m = 0.5)", "cross-entropy, weight
/// decay (lambda-W = 0.001, lambda-H = 0.001, no bias, nA = 500)", "supervised contrastive (t = 0.5)".
std::string describeModel(const TwoSizeParams& p);
/// The registry's names but `except`, in order: the model flags a command offers.
std::vector<std::string> parameterNamesExcept(const std::vector<std::string>& except);
/// Every registry parameter equal (but `except`, if named): the one test of "the same setting".
bool sameParameters(const TwoSizeParams& a, const TwoSizeParams& b, const std::string& except = "");
/// The value clamped into the explorer's range of `name`.
double clampToExplorer(const std::string& name, double value);

}  // namespace lpm
