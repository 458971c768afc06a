#pragma once
// The phase diagram: the minority's state over the imbalance ratio R (log axis) and a second
// parameter y (EW·EH, KA with K fixed, wr, a loss parameter, the weight decay, the temperature),
// every cell a certified solve of the reduced problem, with R0 and R_vanish of each row.
// `lpm phase`, the window's Phase tab and its exports all compute it here.
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lpm/Cancel.h"
#include "lpm/Sweep.h"

namespace lpm {

/// The y axes a phase diagram offers: EWEH (EW·EH: EH = y / EW, the paper says only the product
/// matters), KA (K = KA + KB fixed), and the real parameters of a design query (wr, alpha, tau,
/// margin, gamma, lambda, temperature) where they enter the model.
const std::vector<std::string>& phaseAxes();
/// The axis in words for labels: "EW·EH", "KA (K = 10)", "wr", ...
std::string phaseAxisLabel(const std::string& axis, const TwoSizeParams& base);
/// Whether y is drawn on a log axis (EWEH, wr, lambda, temperature) or a linear one.
bool phaseAxisLog(const std::string& axis);
/// The value of the axis at `p` (EW·EH, KA, ...), to mark the current parameters.
double phaseAxisValue(const std::string& axis, const TwoSizeParams& p);
/// The y range a diagram starts with: EWEH 1..100, KA 1..K-2, else the parameter's explorer range.
std::pair<double, double> phaseAxisRange(const std::string& axis, const TwoSizeParams& base);
/// The first axis of phaseAxes() that applies to `p` (EWEH, or lambda in the penalized form).
std::string defaultPhaseAxis(const TwoSizeParams& p);
/// Whether `axis` can be the y axis at `p`.
bool phaseAxisApplies(const std::string& axis, const TwoSizeParams& p);
/// `p` with the axis set to `y` (checked by the registry; KA rounded). Throws InvalidInput.
TwoSizeParams withPhaseAxis(const TwoSizeParams& p, const std::string& axis, double y);

struct PhaseRequest {
  TwoSizeParams base;
  std::string axis = "EWEH";
  double yMin = 1, yMax = 100;
  int ny = 80;  ///< rows (for KA: at most one per integer in [yMin, yMax])
  double Rmin = 1, Rmax = 1e6;
  int nx = 120;  ///< columns, log-spaced in R
  CancelToken cancel;
};

/// One row: the parameters at y, its cells along R (sweepR, warm-started) and its transition.
struct PhaseRow {
  double y = 0;
  TwoSizeParams params;
  std::vector<SweepPoint> cells;  ///< one per R of the grid (observedCos/observedState per cell)
  std::optional<TransitionResult> transition;  ///< absent for KB < 2
  int uncertified() const;
};

/// The grid of a request (validated): R log-spaced, y log- or linearly spaced (KA: integers).
struct PhaseGrid {
  std::vector<double> R, y;
};
PhaseGrid phaseGrid(const PhaseRequest& r);  ///< throws InvalidInput for a bad axis or range

/// One row of the diagram (the window computes them one by one in the background).
PhaseRow computePhaseRow(const PhaseRequest& r, double y, const std::vector<double>& Rs);

struct PhaseDiagram {
  PhaseRequest request;
  PhaseGrid grid;
  std::vector<PhaseRow> rows;  ///< in the order of grid.y (fewer when cancelled)
  double ms = 0;
  int uncertified() const;
  bool complete() const { return rows.size() == grid.y.size(); }
};
/// Every row; stops early (incomplete) when cancelled. `progress(row)` after each row.
PhaseDiagram computePhaseDiagram(const PhaseRequest& r, const std::function<void(int)>& progress = nullptr);

/// CSV: R,y,minority_cos,minority_state,R0_at_y (cosine empty where undefined; state spread,
/// collapsed, vanished or another MinorityState word; R0_at_y empty when not found in range).
void writePhaseCsv(std::ostream& out, const PhaseDiagram& d);
/// Provenance, grid, axis and each row's R0 and R_vanish (the CSV's sidecar FILE.csv.json).
nlohmann::json phaseJson(const PhaseDiagram& d);

}  // namespace lpm
