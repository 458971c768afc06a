#pragma once
// Design queries (the paper's Table 2 asks how to choose an oversampling rate): the value of one
// parameter (wr, alpha, tau, margin, gamma) at which the minority cosine at a given R crosses a
// target, found by bracketing and bisection with every solve certified. The answer is the
// boundary of the side that keeps the cosine at or below the target: the smallest such value
// when larger values help (wr), the largest when smaller values do.
#include <optional>
#include <string>
#include <vector>

#include "lpm/Cancel.h"
#include "lpm/Parameters.h"
#include "lpm/Solver.h"
#include "lpm/Sweep.h"

namespace lpm {

struct DesignQuery {
  std::string parameter = "wr";  ///< a real registry parameter that enters the model, or "lambda" (both decays)
  double targetCos = 0.5;        ///< keep the minority cosine <= this
  double R = 1000;
  /// The range searched; default: the parameter's explorer range (wr: 1 .. 1e4).
  std::optional<double> lo, hi;
  double relTol = 1e-4;  ///< bisection to this relative width (absolute for linear parameters)
  int gridPoints = 17;
  SolveOptions solve;
  CancelToken cancel;
};

struct DesignResult {
  Bracket status = Bracket::Undefined;  ///< Found; Beyond: no value in range; NotCertified; Cancelled
  std::optional<double> value;          ///< the boundary value (Found)
  bool smallest = true;   ///< the smallest value that keeps the cosine <= target (else the largest)
  bool atEnd = false;     ///< already so at the end of the range searched
  /// The other end of the values that keep it, when they stop inside the range (e.g. label
  /// smoothing: beyond some alpha the optimum is no longer unique).
  std::optional<double> until;
  double lo = 0, hi = 0;  ///< the range searched
  int solves = 0;
  /// One line for people: "wr >= 3.162 keeps the minority cosine <= 0.5 at R = 1000", ...
  std::string summary(const DesignQuery& q) const;
};

/// The parameters a design query can vary, as `lpm design --vary` names them ("lambda": both
/// weight decays at once, lambda_W = lambda_H).
const std::vector<std::string>& designParameters();
/// The registry entry a design parameter is read and ranged by ("lambda": lambda-W's). Throws
/// InvalidInput for a name the registry does not know.
const ParameterSpec& designSpec(const std::string& parameter);
/// Whether `parameter` enters the model at `p`; sets it (both decays for "lambda"), checked.
bool designApplies(const std::string& parameter, const TwoSizeParams& p);
void setDesignParameter(TwoSizeParams& p, const std::string& parameter, double value);

/// Scans the range on a grid of `gridPoints` (log-spaced for log parameters), then bisects the
/// ends of the first run of grid values that keep the cosine. A vanished minority (no cosine) or
/// a non-unique optimum does not count as kept. Values that keep it between two grid points that
/// do not are missed: refine the grid or the range. Throws InvalidInput for a parameter that does
/// not enter the model, or a bad range or target.
DesignResult designValue(const TwoSizeParams& base, const DesignQuery& q);

}  // namespace lpm
