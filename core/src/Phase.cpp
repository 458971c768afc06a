#include "lpm/Phase.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>

#include "lpm/Design.h"
#include "lpm/Parameters.h"
#include "lpm/Report.h"

namespace lpm {

const std::vector<std::string>& phaseAxes() {
  static const std::vector<std::string> axes = [] {
    std::vector<std::string> a{"EWEH", "KA"};
    for (const auto& d : designParameters()) a.push_back(d);
    return a;
  }();
  return axes;
}

namespace {
void checkAxis(const std::string& axis, const TwoSizeParams& p) {
  const auto& axes = phaseAxes();
  if (std::find(axes.begin(), axes.end(), axis) == axes.end()) {
    std::string list;
    for (const auto& a : axes) list += (list.empty() ? "" : ", ") + a;
    throw InvalidInput("the phase diagram's y axis is one of " + list + ", got '" + axis + "'");
  }
  if (axis == "EWEH" && p.budget == Budget::Penalized)
    throw InvalidInput("y = EWEH is the constrained budget; in the penalized form vary lambda");
  if (axis == "KA" && p.K() < 3) throw InvalidInput("y = KA needs K >= 3 classes, got K = " + std::to_string(p.K()));
  if (axis != "EWEH" && axis != "KA" && !designApplies(axis, p))
    throw InvalidInput("y = " + axis + " does not enter the model " + notAppliesReason(designSpec(axis), p));
}
}  // namespace

std::pair<double, double> phaseAxisRange(const std::string& axis, const TwoSizeParams& base) {
  if (axis == "KA") return {1, std::max(1, base.K() - 2)};
  const auto& axes = phaseAxes();
  if (axis == "EWEH" || std::find(axes.begin(), axes.end(), axis) == axes.end()) return {1, 100};  // (an unknown axis is refused later)
  const auto& spec = designSpec(axis);
  return {spec.explorerMin, spec.explorerMax};
}

bool phaseAxisApplies(const std::string& axis, const TwoSizeParams& p) {
  try {
    checkAxis(axis, p);
    return true;
  } catch (const InvalidInput&) {
    return false;
  }
}

std::string defaultPhaseAxis(const TwoSizeParams& p) {
  for (const auto& a : phaseAxes())
    if (phaseAxisApplies(a, p)) return a;
  return "EWEH";
}

std::string phaseAxisLabel(const std::string& axis, const TwoSizeParams& base) {
  if (axis == "EWEH") return "EW·EH";
  if (axis == "KA") return "KA (K = " + std::to_string(base.K()) + ")";
  if (axis == "lambda") return "lambda (lambda-W = lambda-H)";
  return axis;
}

bool phaseAxisLog(const std::string& axis) {
  if (axis == "EWEH") return true;
  if (axis == "KA") return false;
  return designSpec(axis).logScale;
}

double phaseAxisValue(const std::string& axis, const TwoSizeParams& p) {
  if (axis == "EWEH") return p.EW * p.EH;
  if (axis == "KA") return p.KA;
  return designSpec(axis).get(p);
}

TwoSizeParams withPhaseAxis(const TwoSizeParams& p, const std::string& axis, double y) {
  checkAxis(axis, p);
  TwoSizeParams q = p;
  if (axis == "EWEH") {
    if (!(y > 0) || !std::isfinite(y)) throw InvalidInput("EW·EH must be a finite number > 0, got " + formatValue(y));
    setParameter(q, "EH", y / p.EW);
  } else if (axis == "KA") {
    const int K = p.K(), KA = static_cast<int>(std::lround(y));
    if (KA < 1 || KA > K - 2)
      throw InvalidInput("y = KA must be in 1.." + std::to_string(K - 2) + " with K = " + std::to_string(K) +
                         " (two minority classes at least), got " + formatValue(y));
    setParameter(q, "KA", KA);
    setParameter(q, "KB", K - KA);
  } else {
    setDesignParameter(q, axis, y);
  }
  validate(q);
  return q;
}

PhaseGrid phaseGrid(const PhaseRequest& r) {
  checkAxis(r.axis, r.base);
  PhaseGrid g;
  if (r.nx < 2 || r.nx > 2000) throw InvalidInput("nx must be in 2..2000, got " + std::to_string(r.nx));
  if (r.ny < 1 || r.ny > 2000) throw InvalidInput("ny must be in 1..2000, got " + std::to_string(r.ny));
  g.R = logGrid(r.Rmin, r.Rmax, r.nx);
  if (!(r.yMin <= r.yMax) || !std::isfinite(r.yMin) || !std::isfinite(r.yMax))
    throw InvalidInput("y-min must be <= y-max, both finite, got " + formatValue(r.yMin) + " and " + formatValue(r.yMax));
  // Both ends must be values the axis takes (withPhaseAxis says why not).
  withPhaseAxis(r.base, r.axis, r.yMin);
  withPhaseAxis(r.base, r.axis, r.yMax);
  if (r.axis == "KA") {
    const int lo = static_cast<int>(std::ceil(r.yMin - 1e-9)), hi = static_cast<int>(std::floor(r.yMax + 1e-9));
    if (hi < lo)
      throw InvalidInput("no whole KA lies in [" + formatValue(r.yMin) + ", " + formatValue(r.yMax) + "]");
    const int count = hi - lo + 1;
    const int rows = std::min(count, r.ny);
    for (int i = 0; i < rows; ++i) {
      const int KA = rows == 1 ? lo : lo + static_cast<int>(std::lround(double(i) * (count - 1) / (rows - 1)));
      if (g.y.empty() || g.y.back() != KA) g.y.push_back(KA);
    }
    return g;
  }
  const bool log = phaseAxisLog(r.axis);
  if (log && !(r.yMin > 0)) throw InvalidInput("y-min must be > 0 on the log axis of " + r.axis);
  for (int i = 0; i < r.ny; ++i) {
    const double t = r.ny == 1 ? 0.0 : double(i) / (r.ny - 1);
    double y = log ? std::exp(std::log(r.yMin) + t * (std::log(r.yMax) - std::log(r.yMin))) : r.yMin + t * (r.yMax - r.yMin);
    if (i == 0) y = r.yMin;
    if (i == r.ny - 1) y = r.yMax;
    g.y.push_back(y);
  }
  return g;
}

int PhaseRow::uncertified() const {
  int n = 0;
  for (const auto& c : cells) n += c.certified ? 0 : 1;
  return n;
}

int PhaseDiagram::uncertified() const {
  int n = 0;
  for (const auto& r : rows) n += r.uncertified();
  return n;
}

PhaseRow computePhaseRow(const PhaseRequest& r, double y, const std::vector<double>& Rs) {
  PhaseRow row;
  row.y = y;
  row.params = withPhaseAxis(r.base, r.axis, y);
  SweepOptions so;
  so.cancel = r.cancel;
  so.solve.cancel = r.cancel;
  so.solve.kind = SolverKind::Reduced;
  row.cells = sweepR(row.params, Rs, so);
  if (row.params.KB >= 2 && !r.cancel.cancelled()) {
    TransitionOptions to;
    to.cancel = r.cancel;
    to.solve.cancel = r.cancel;
    to.solve.kind = SolverKind::Reduced;
    row.transition = phaseTransitionRatio(row.params, to);
  }
  return row;
}

PhaseDiagram computePhaseDiagram(const PhaseRequest& r, const std::function<void(int)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  PhaseDiagram d;
  d.request = r;
  d.grid = phaseGrid(r);
  for (size_t j = 0; j < d.grid.y.size(); ++j) {
    if (r.cancel.cancelled()) break;
    PhaseRow row = computePhaseRow(r, d.grid.y[j], d.grid.R);
    if (r.cancel.cancelled() || row.cells.size() != d.grid.R.size()) break;
    d.rows.push_back(std::move(row));
    if (progress) progress(static_cast<int>(j));
  }
  d.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return d;
}

void writePhaseCsv(std::ostream& out, const PhaseDiagram& d) {
  out << "R,y,minority_cos,minority_state,R0_at_y\n";
  for (const auto& row : d.rows) {
    const std::optional<double> R0 = row.transition ? row.transition->R0() : std::nullopt;
    for (const auto& c : row.cells) {
      const auto cos = c.observedCos();
      // An uncertified cell's state says so and its cosine is null (computeMetrics).
      out << formatNumber(c.R) << ',' << formatNumber(row.y) << ',' << (cos ? formatNumber(*cos) : "") << ','
          << toString(c.observedState()) << ',' << (R0 ? formatNumber(*R0) : "") << '\n';
    }
  }
}

nlohmann::json phaseJson(const PhaseDiagram& d) {
  SolveOptions used;
  used.kind = SolverKind::Reduced;
  nlohmann::json j = provenanceJson(used, d.request.base);
  j["axis"] = d.request.axis;
  j["axis_label"] = phaseAxisLabel(d.request.axis, d.request.base);
  j["y_log"] = phaseAxisLog(d.request.axis);
  j["grid"] = {{"R_min", d.request.Rmin}, {"R_max", d.request.Rmax}, {"nx", d.grid.R.size()},
               {"y_min", d.request.yMin}, {"y_max", d.request.yMax}, {"ny", d.grid.y.size()}};
  j["complete"] = d.complete();
  j["uncertified"] = d.uncertified();
  j["ms"] = d.ms;
  j["rows"] = nlohmann::json::array();
  for (const auto& row : d.rows) {
    nlohmann::json r = {{"y", row.y}};
    if (row.transition) {
      r["R0"] = numberOrNull(row.transition->R0());
      r["R_vanish"] = numberOrNull(row.transition->vanish.value());
      r["summary"] = row.transition->summary();
    }
    j["rows"].push_back(r);
  }
  return j;
}

}  // namespace lpm
