#include "lpm/Design.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "lpm/Metrics.h"
#include "lpm/Parameters.h"

namespace lpm {

std::string DesignResult::summary(const DesignQuery& q) const {
  char buf[240];
  auto R = q.R;
  switch (status) {
    case Bracket::Found:
      if (until)
        std::snprintf(buf, sizeof buf, "%s in [%.6g, %.6g] keeps the minority cosine <= %g at R = %g", q.parameter.c_str(),
                      *value, *until, q.targetCos, R);
      else
        std::snprintf(buf, sizeof buf, "%s %s %.6g keeps the minority cosine <= %g at R = %g%s", q.parameter.c_str(),
                      smallest ? ">=" : "<=", *value, q.targetCos, R,
                      atEnd ? " (the whole range searched does)" : "");
      return buf;
    case Bracket::Beyond:
      std::snprintf(buf, sizeof buf, "no %s in [%g, %g] keeps the minority cosine <= %g at R = %g", q.parameter.c_str(), lo, hi,
                    q.targetCos, R);
      return buf;
    case Bracket::NotCertified: return "unknown: a solve on the way was not certified";
    case Bracket::Cancelled: return "cancelled";
    case Bracket::Undefined: break;
  }
  return "undefined";
}

const std::vector<std::string>& designParameters() {
  static const std::vector<std::string> names{"wr", "alpha", "tau", "margin", "gamma", "lambda", "temperature"};
  return names;
}

const ParameterSpec& designSpec(const std::string& parameter) {
  const auto& names = designParameters();
  if (std::find(names.begin(), names.end(), parameter) == names.end()) {
    // A name that is no parameter at all is said the same way (not with the list of every parameter).
    bool known = true;
    try {
      lpm::parameter(parameter);
    } catch (const InvalidInput&) {
      known = false;
    }
    if (!known)
      throw InvalidInput("a design query varies wr, alpha, tau, margin, gamma, temperature or lambda (lambda-W, lambda-H), got '" +
                         parameter + "'");
  }
  return lpm::parameter(parameter == "lambda" ? "lambda-W" : parameter);
}

bool designApplies(const std::string& parameter, const TwoSizeParams& p) { return designSpec(parameter).appliesTo(p); }

void setDesignParameter(TwoSizeParams& p, const std::string& parameter, double value) {
  setParameter(p, designSpec(parameter).name, value);
  if (parameter == "lambda") setParameter(p, "lambda-H", value);
}

DesignResult designValue(const TwoSizeParams& base, const DesignQuery& q) {
  // "lambda": both weight decays at once (lambda_W = lambda_H = lambda, so mu = lambda; designSpec).
  const ParameterSpec& spec = designSpec(q.parameter);
  if (spec.type != ParameterType::Real || spec.allowInfinity || q.parameter == "EW" || q.parameter == "EH" ||
      q.parameter == "nA")
    throw InvalidInput("a design query varies wr, alpha, tau, margin, gamma, temperature or lambda (lambda-W, lambda-H), not " +
                       q.parameter);

  TwoSizeParams p = base;
  setParameter(p, "R", q.R);
  if (!spec.appliesTo(p)) throw InvalidInput(q.parameter + " does not enter the model " + notAppliesReason(spec, p));
  if (!(q.targetCos > -1 && q.targetCos < 1)) throw InvalidInput("the target cosine must be in (-1, 1)");
  if (!(q.relTol > 0 && q.relTol < 1)) throw InvalidInput("the tolerance must be in (0, 1)");
  DesignResult r;
  r.lo = q.lo.value_or(spec.explorerMin);
  r.hi = q.hi.value_or(spec.explorerMax);
  checkValue(spec, r.lo);
  checkValue(spec, r.hi);
  if (!(r.lo < r.hi)) throw InvalidInput("the range of " + q.parameter + " must have lo < hi");
  const bool logScale = spec.logScale && r.lo > 0;
  SolveChain chain(q.solve);
  MetricsOptions mo;
  bool uncertified = false;
  // Keeps the cosine at or below the target at this value.
  auto keeps = [&](double v) {
    TwoSizeParams t = p;
    setDesignParameter(t, q.parameter, v);
    const Solution s = chain.solve(makeTwoSize(t), q.cancel);
    ++r.solves;
    const Metrics m = computeMetrics(s, mo);
    if (!s.certified) uncertified = true;
    const auto cos = m.observedCos();  // the features' where the classifiers are fixed or absent
    return cos && *cos <= q.targetCos;
  };
  if (q.gridPoints < 2) throw InvalidInput("the design grid needs at least 2 points");
  auto at = [&](int i) {
    const double t = double(i) / (q.gridPoints - 1);
    return logScale ? r.lo * std::pow(r.hi / r.lo, t) : r.lo + t * (r.hi - r.lo);
  };
  std::vector<char> kept(q.gridPoints);
  for (int i = 0; i < q.gridPoints; ++i) {
    kept[i] = keeps(at(i));
    if (q.cancel.cancelled()) return r.status = Bracket::Cancelled, r;
    if (uncertified) return r.status = Bracket::NotCertified, r;
  }
  int first = 0;
  while (first < q.gridPoints && !kept[first]) ++first;
  if (first == q.gridPoints) return r.status = Bracket::Beyond, r;
  int last = first;
  while (last + 1 < q.gridPoints && kept[last + 1]) ++last;
  // The boundary between a value that keeps it (good) and one that does not (bad).
  auto boundary = [&](double good, double bad) -> std::optional<double> {
    auto wide = [&] {
      return logScale ? std::abs(std::log(good / bad)) > q.relTol
                      : std::abs(good - bad) > q.relTol * std::max(1.0, std::abs(good));
    };
    while (wide()) {
      const double mid = logScale ? std::sqrt(good * bad) : 0.5 * (good + bad);
      const bool k = keeps(mid);
      if (q.cancel.cancelled() || uncertified) return std::nullopt;
      (k ? good : bad) = mid;
    }
    return good;
  };
  r.status = Bracket::Found;
  if (first > 0) {
    // Larger values keep it: the smallest such value (oversampling), and where the run ends.
    r.smallest = true;
    r.value = boundary(at(first), at(first - 1));
    if (r.value && last + 1 < q.gridPoints) r.until = boundary(at(last), at(last + 1));
  } else if (last + 1 < q.gridPoints) {
    // Smaller values keep it: the largest such value.
    r.smallest = false;
    r.value = boundary(at(last), at(last + 1));
  } else {
    r.smallest = true;  // kept over the whole range
    r.value = r.lo;
    r.atEnd = true;
  }
  if (q.cancel.cancelled()) return r.value.reset(), r.status = Bracket::Cancelled, r;
  if (uncertified) return r.value.reset(), r.status = Bracket::NotCertified, r;
  return r;
}

}  // namespace lpm
