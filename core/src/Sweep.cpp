#include "lpm/Sweep.h"

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cmath>

namespace lpm {

CurveScale::CurveScale(double lo, double hi) : lo_(lo), hi_(hi), logR_{std::log(lo), std::log(hi)}, t_{0.0, 1.0} {
  if (!(lo > 0) || !(hi > lo) || !std::isfinite(hi)) throw InvalidInput("a slider scale needs 0 < lo < hi");
}

CurveScale::CurveScale(double lo, double hi, const std::vector<SweepPoint>& curve, double follow) : CurveScale(lo, hi) {
  // Knots: lo, the curve's points strictly inside (lo, hi), hi; the variation of each step is
  // |change of the observed cosine| where it is defined at both ends.
  std::vector<double> x{logR_.front()}, variation{0.0};
  std::optional<double> last;
  for (const auto& p : curve) {
    const double lx = std::log(p.R);
    const auto c = p.observedCos();
    if (!(lx > x.back()) || !(lx < logR_.back())) {
      if (lx <= x.back()) last = c;  // before lo (or a repeat): where the variation starts from
      continue;
    }
    variation.push_back(last && c ? std::abs(*c - *last) : 0.0);
    x.push_back(lx);
    last = c;
  }
  x.push_back(logR_.back());
  variation.push_back(0.0);
  double total = 0;
  for (double v : variation) total += v;
  if (!(total > 1e-9) || x.size() < 3) return;  // nothing to follow: even
  const double span = x.back() - x.front();
  std::vector<double> t(x.size(), 0.0);
  for (size_t i = 1; i < x.size(); ++i)
    t[i] = t[i - 1] + (1 - follow) * (x[i] - x[i - 1]) / span + follow * variation[i] / total;
  for (double& v : t) v /= t.back();  // exactly 1 at hi
  logR_ = std::move(x), t_ = std::move(t);
}

double CurveScale::position(double R) const {
  if (!(R > 0)) return 0;
  const double lx = std::log(R);
  if (lx <= logR_.front()) return 0;
  if (lx >= logR_.back()) return 1;
  const size_t i = static_cast<size_t>(std::upper_bound(logR_.begin(), logR_.end(), lx) - logR_.begin());
  const double f = (lx - logR_[i - 1]) / (logR_[i] - logR_[i - 1]);
  return t_[i - 1] + f * (t_[i] - t_[i - 1]);
}

double CurveScale::value(double t) const {
  if (!(t > 0)) return lo_;
  if (t >= 1) return hi_;
  const size_t i = static_cast<size_t>(std::upper_bound(t_.begin(), t_.end(), t) - t_.begin());
  const double f = (t - t_[i - 1]) / (t_[i] - t_[i - 1]);
  return std::exp(logR_[i - 1] + f * (logR_[i] - logR_[i - 1]));
}

std::vector<double> logGrid(double Rmin, double Rmax, int points) {
  if (!(Rmin >= 1) || !std::isfinite(Rmin)) throw InvalidInput("R-min must be a finite number >= 1");
  if (!(Rmax >= Rmin) || !std::isfinite(Rmax)) throw InvalidInput("R-max must be a finite number >= R-min");
  if (points < 2) throw InvalidInput("a sweep needs at least 2 points, got " + std::to_string(points));
  std::vector<double> R(points);
  const double a = std::log(Rmin), b = std::log(Rmax);
  for (int i = 0; i < points; ++i) {
    // 15 significant digits: 10, not 10.000000000000002 (the grid is a choice; its values are exact).
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", std::exp(a + (b - a) * i / (points - 1)));
    R[i] = std::strtod(text, nullptr);
  }
  R.front() = Rmin;
  R.back() = Rmax;
  return R;
}

namespace {

SweepPoint pointOf(const TwoSizeParams& p, const Solution& s, const MetricsOptions& mo) {
  const Metrics m = computeMetrics(s, mo);
  // Geometry only where it is certified and unique.
  const bool geometry = m.certified && m.minorityState != MinorityState::NonUnique;
  SweepPoint pt;
  pt.R = p.R;
  pt.objective = s.objective;
  pt.gap = s.gap;
  pt.minorityCos = m.minorityCos();
  pt.majorityCos = geometry ? m.majorityW.meanCos : std::nullopt;
  pt.minorityNorm = m.minorityW.normMean;
  pt.state = m.minorityState;
  pt.featureState = m.featureState;
  const bool liveH = m.featureState == MinorityState::Spread || m.featureState == MinorityState::Collapsed;
  pt.featureCos = liveH ? m.minorityH.meanCos : std::nullopt;
  pt.majorityFeatureCos = geometry ? m.majorityH.meanCos : std::nullopt;
  auto ratio = [&](const SetStats& a, const SetStats& b) {
    return geometry && b.normMean > 0 && a.size > 0 ? std::optional<double>(a.normMean / b.normMean) : std::nullopt;
  };
  if (p.model != ModelKind::SupCon) pt.normRatio = ratio(m.minorityW, m.majorityW);
  pt.featureNormRatio = ratio(m.minorityH, m.majorityH);
  pt.certified = s.certified;
  pt.features = defaultQuantity(p) == CurveQuantity::FeatureCos;
  return pt;
}


}  // namespace

std::string ratioText(double R) {
  char buf[32];
  if (std::isinf(R)) return R > 0 ? "\u221e" : "-\u221e";
  if (R >= 1e4 && R < 1e6) std::snprintf(buf, sizeof buf, "%.0f", R);
  else std::snprintf(buf, sizeof buf, "%.4g", R);
  return buf;
}

std::string toString(CurveQuantity q) {
  switch (q) {
    case CurveQuantity::ClassifierCos: return "classifier-cos";
    case CurveQuantity::FeatureCos: return "feature-cos";
    case CurveQuantity::ClassifierNormRatio: return "classifier-norm-ratio";
    case CurveQuantity::FeatureNormRatio: return "feature-norm-ratio";
  }
  return "?";
}

CurveQuantity curveQuantityFromString(const std::string& s) {
  for (auto q : {CurveQuantity::ClassifierCos, CurveQuantity::FeatureCos, CurveQuantity::ClassifierNormRatio,
                 CurveQuantity::FeatureNormRatio})
    if (toString(q) == s) return q;
  throw InvalidInput("unknown plot quantity '" + s +
                     "' (expected classifier-cos, feature-cos, classifier-norm-ratio or feature-norm-ratio)");
}

CurveQuantity defaultQuantity(const TwoSizeParams& p) {
  return observesFeatures(p) ? CurveQuantity::FeatureCos : CurveQuantity::ClassifierCos;
}

CurveQuantity plotQuantity(const std::string& choice, const TwoSizeParams& p) {
  return choice == "auto" ? defaultQuantity(p) : curveQuantityFromString(choice);
}

std::optional<double> SweepPoint::value(CurveQuantity q) const {
  switch (q) {
    case CurveQuantity::ClassifierCos: return minorityCos;
    case CurveQuantity::FeatureCos: return featureCos;
    case CurveQuantity::ClassifierNormRatio: return normRatio;
    case CurveQuantity::FeatureNormRatio: return featureNormRatio;
  }
  return std::nullopt;
}

std::optional<double> SweepPoint::majorityValue(CurveQuantity q) const {
  if (q == CurveQuantity::ClassifierCos) return majorityCos;
  if (q == CurveQuantity::FeatureCos) return majorityFeatureCos;
  return std::nullopt;
}

MinorityState SweepPoint::stateFor(CurveQuantity q) const {
  return q == CurveQuantity::ClassifierCos || q == CurveQuantity::ClassifierNormRatio ? state : featureState;
}

std::vector<SweepPoint> sweepR(const TwoSizeParams& base, const std::vector<double>& Rs, const SweepOptions& options) {
  validate(base);
  std::vector<SweepPoint> out;
  out.reserve(Rs.size());
  SolveChain chain(options.solve);
  for (size_t i = 0; i < Rs.size(); ++i) {
    if (options.cancel.cancelled()) break;
    TwoSizeParams p = base;
    p.R = Rs[i];
    const Solution s = chain.solve(makeTwoSize(p), options.cancel);
    if (s.cancelled) break;
    const SweepPoint pt = pointOf(p, s, options.metrics);
    out.push_back(pt);
    if (options.progress && !options.progress(pt, static_cast<int>(i))) break;
  }
  return out;
}

std::string toString(Bracket b) {
  switch (b) {
    case Bracket::Found: return "found";
    case Bracket::Beyond: return "beyond";
    case Bracket::Undefined: return "undefined";
    case Bracket::NotCertified: return "uncertified";
    case Bracket::Cancelled: return "cancelled";
  }
  return "?";
}

std::string toString(FirstEvent e) {
  switch (e) {
    case FirstEvent::Collapse: return "collapse";
    case FirstEvent::Vanish: return "vanish";
    case FirstEvent::None: return "none";
  }
  return "?";
}

std::string TransitionResult::summary() const {
  const std::string Rmx = ratioText(Rmax);
  switch (collapse.status) {
    case Bracket::Found: {
      std::string s = collapse.atStart ? "R0 <= " + ratioText(collapse.R) + " (collapsed already at the first R searched)"
                                       : "R0 = " + ratioText(collapse.R);
      if (features) s += " (of the minority features)";
      if (vanish.status == Bracket::Found) s += "; the minority vanishes from R = " + ratioText(vanish.R);
      return s;
    }
    case Bracket::Beyond: return "R0 > " + Rmx + " (no collapse up to R = " + Rmx + ")";
    case Bracket::Undefined:
      if (nonunique) return "R0 undefined: the optimum is not unique on the way (the budget is not used up)";
      if (first == FirstEvent::Vanish)
        return std::string("no collapse: the minority ") + (features ? "features" : "classifiers") + " vanish first, " + (vanish.atStart ? "at or below R = " : "at R = ") +
               ratioText(vanish.R) + " (R0 undefined)";
      return "R0 undefined";
    case Bracket::NotCertified: return "R0 unknown (a solve on the way was not certified)";
    case Bracket::Cancelled: return "R0 (cancelled)";
  }
  return "R0 ?";
}

TransitionResult phaseTransitionRatio(const TwoSizeParams& base, const TransitionOptions& options) {
  const double tol = options.tol, relTol = options.relTol, Rmax = options.Rmax;
  const CancelToken& cancel = options.cancel;
  validate(base);
  if (base.KB < 2) throw InvalidInput("the phase transition needs KB >= 2 minority classes, got " + std::to_string(base.KB));
  if (!(tol > 0 && tol < 1)) throw InvalidInput("tol must be in (0, 1)");
  if (!(relTol > 0 && relTol < 1)) throw InvalidInput("relTol must be in (0, 1)");
  if (!(Rmax >= 2) || !std::isfinite(Rmax)) throw InvalidInput("the largest R to search must be a finite number >= 2");
  const auto start = std::chrono::steady_clock::now();
  TransitionResult r;
  r.features = defaultQuantity(base) == CurveQuantity::FeatureCos;
  r.tol = tol;
  r.relTol = relTol;
  r.Rmax = Rmax;
  SolveChain chain(options.solve);
  MetricsOptions mo;
  mo.collapseTol = tol;
  bool cancelled = false;
  auto stateAt = [&](double R) {
    TwoSizeParams p = base;
    p.R = R;
    const Solution s = chain.solve(makeTwoSize(p), cancel);
    ++r.solves;
    if (s.cancelled) cancelled = true;
    const Metrics m = computeMetrics(s, mo);
    const MinorityState st = r.features ? m.featureState : m.minorityState;
    if (st == MinorityState::Uncertified && !s.cancelled) ++r.uncertified;
    return st;
  };
  // The first R in [from, Rmax] where pred holds (pred monotone in R), and the state there.
  auto firstR = [&](double from, auto pred, MinorityState* at) -> EventRatio {
    auto fail = [&](MinorityState st) -> std::optional<EventRatio> {
      if (cancelled || cancel.cancelled()) return EventRatio{Bracket::Cancelled};
      if (st == MinorityState::Uncertified) return EventRatio{Bracket::NotCertified};
      if (st == MinorityState::NonUnique) {
        r.nonunique = true;  // no geometry, hence no collapse, at this R
        return EventRatio{Bracket::Undefined};
      }
      return std::nullopt;
    };
    MinorityState st = stateAt(from);
    if (auto f = fail(st)) return *f;
    if (pred(st)) {
      *at = st;
      return {Bracket::Found, from, true};
    }
    double lo = from, hi = from;
    for (;;) {
      if (lo >= Rmax) return {Bracket::Beyond};
      hi = std::min(10 * lo, Rmax);  // decades: R0 can be astronomically large at big EW EH
      st = stateAt(hi);
      if (auto f = fail(st)) return *f;
      if (pred(st)) break;
      lo = hi;
    }
    *at = st;
    while (hi / lo - 1 > relTol) {
      const double mid = std::sqrt(lo * hi);
      st = stateAt(mid);
      if (auto f = fail(st)) return *f;
      if (pred(st)) {
        hi = mid;
        *at = st;
      } else {
        lo = mid;
      }
    }
    return {Bracket::Found, hi};
  };
  auto finish = [&]() {
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return r;
  };
  const auto isEvent = [](MinorityState s) { return s == MinorityState::Collapsed || s == MinorityState::Vanished; };
  const auto isVanished = [](MinorityState s) { return s == MinorityState::Vanished; };
  MinorityState at = MinorityState::Spread;
  const EventRatio event = firstR(1.0, isEvent, &at);
  if (event.status != Bracket::Found) {
    r.collapse = r.vanish = event;  // neither happens up to Rmax (or nothing is known)
    return finish();
  }
  if (at == MinorityState::Vanished) {
    // Vanished before the cosine reached 1 - tol: there is no cosine left to collapse.
    r.first = FirstEvent::Vanish;
    r.vanish = event;
    r.collapse = {Bracket::Undefined};
    return finish();
  }
  r.first = FirstEvent::Collapse;
  r.collapse = event;
  MinorityState vat = MinorityState::Spread;
  r.vanish = firstR(event.R, isVanished, &vat);
  return finish();
}

std::vector<SweepPoint> refineSweep(const TwoSizeParams& base, std::vector<SweepPoint> curve,
                                    const std::optional<TransitionResult>& t, const SweepOptions& options,
                                    const RefineOptions& ro) {
  validate(base);
  if (curve.size() < 2) return curve;
  auto byR = [](const SweepPoint& a, const SweepPoint& b) { return a.R < b.R; };
  std::sort(curve.begin(), curve.end(), byR);
  const double Rlo = curve.front().R, Rhi = curve.back().R;
  SolveChain chain(options.solve);
  int extra = 0;
  auto add = [&](std::vector<double> Rs) {
    std::sort(Rs.begin(), Rs.end());
    for (double R : Rs) {
      if (extra >= ro.maxExtra || options.cancel.cancelled()) return false;
      TwoSizeParams p = base;
      p.R = R;
      const Solution s = chain.solve(makeTwoSize(p), options.cancel);
      if (s.cancelled) return false;
      SweepPoint pt = pointOf(p, s, options.metrics);
      pt.refined = true;
      curve.insert(std::upper_bound(curve.begin(), curve.end(), pt, byR), pt);
      ++extra;
    }
    return true;
  };
  // The events themselves, so that the curve reaches them exactly.
  std::vector<double> events;
  if (t)
    for (const auto* e : {&t->collapse, &t->vanish})
      if (auto R = e->value(); R && *R > Rlo && *R < Rhi) events.push_back(*R);
  if (!add(events)) return curve;
  for (int pass = 0; pass < 40; ++pass) {
    std::vector<double> mids;
    for (size_t i = 0; i + 1 < curve.size(); ++i) {
      const auto &a = curve[i], &b = curve[i + 1];
      if (!(b.R / a.R - 1 > 2 * ro.minRelStep)) continue;
      const bool known = a.certified && b.certified;
      const bool stateChange = known && a.observedState() != b.observedState();
      const auto ca = a.observedCos(), cb = b.observedCos();
      const bool steep = ca && cb && std::abs(*ca - *cb) > ro.maxCosStep;
      if (stateChange || steep) mids.push_back(std::sqrt(a.R * b.R));
    }
    if (mids.empty()) break;
    if (!add(mids)) break;
  }
  return curve;
}

int Curve::uncertified() const {
  return static_cast<int>(std::count_if(points.begin(), points.end(), [](const SweepPoint& p) { return !p.certified; }));
}

Curve computeCurve(const TwoSizeParams& base, double Rmin, double Rmax, int gridPoints, bool refine,
                   const SweepOptions& options) {
  Curve c;
  c.points = sweepR(base, logGrid(Rmin, Rmax, gridPoints), options);
  const CancelToken& cancel = options.cancel;
  if (cancel.cancelled()) return c;
  if (base.KB >= 2) {
    TransitionOptions to;
    to.solve = options.solve;
    to.cancel = cancel;
    c.transition = phaseTransitionRatio(base, to);
  }
  if (cancel.cancelled()) return c;
  SweepOptions quiet = options;
  quiet.progress = nullptr;  // refinement points arrive with the finished curve
  if (refine) c.points = refineSweep(base, std::move(c.points), c.transition, quiet);
  return c;
}

}  // namespace lpm
