#include "lpm/Metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lpm {
namespace {

// Counts of a class set inside each group: the group form of every metric below is exact
// because all classes of a group share their norm and their pairwise entries.
std::vector<int> countsIn(const std::vector<ClassGroup>& groups, const std::vector<int>& set) {
  std::vector<int> sorted = set;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> c(groups.size(), 0);
  for (size_t g = 0; g < groups.size(); ++g)
    for (int k : groups[g].members) c[g] += std::binary_search(sorted.begin(), sorted.end(), k);
  return c;
}

SetStats groupStats(const GroupMatrix& M, const std::vector<ClassGroup>& groups, const std::vector<int>& set,
                    double vanishNorm) {
  SetStats st;
  const auto c = countsIn(groups, set);
  const int G = static_cast<int>(groups.size());
  std::vector<double> norm(G);
  double sum = 0, sumSq = 0;
  for (int g = 0; g < G; ++g) {
    norm[g] = std::sqrt(std::max(0.0, M.entry(groups, g, g, true)));
    st.size += c[g];
    if (norm[g] < vanishNorm || norm[g] == 0) st.vanished += c[g];
    sum += c[g] * norm[g];
    sumSq += c[g] * norm[g] * norm[g];
  }
  if (st.size == 0) return st;
  st.normMean = sum / st.size;
  const double var = std::max(0.0, sumSq / st.size - st.normMean * st.normMean);
  st.normCV = st.normMean > 0 ? std::sqrt(var) / st.normMean : 0.0;
  double cosSum = 0, pairs = 0;
  for (int g = 0; g < G; ++g) {
    if (c[g] == 0 || norm[g] < vanishNorm || norm[g] == 0) continue;
    for (int gp = 0; gp < G; ++gp) {
      if (c[gp] == 0 || norm[gp] < vanishNorm || norm[gp] == 0) continue;
      const double n = g == gp ? double(c[g]) * (c[g] - 1) : double(c[g]) * c[gp];
      if (n == 0) continue;
      cosSum += n * M.entry(groups, g, gp, false) / (norm[g] * norm[gp]);
      pairs += n;
    }
  }
  if (pairs > 0) st.meanCos = std::clamp(cosSum / pairs, -1.0, 1.0);
  return st;
}

}  // namespace

bool nonUnique(const Solution& s) {
  return s.certified && s.nuclearNorm < (1 - kNonUniqueTol) * s.radius;
}

std::string toString(MinorityState s) {
  switch (s) {
    case MinorityState::Spread: return "spread";
    case MinorityState::Collapsed: return "collapsed";
    case MinorityState::Vanished: return "vanished";
    case MinorityState::Single: return "na";
    case MinorityState::PartlyVanished: return "partly_vanished";
    case MinorityState::AllVanished: return "all_vanished";
    case MinorityState::Uncertified: return "uncertified";
    case MinorityState::NonUnique: return "nonunique";
  }
  return "?";
}

std::string describe(MinorityState s, double gap) {
  switch (s) {
    case MinorityState::Single: return "one minority class (no pairwise cosine)";
    case MinorityState::PartlyVanished: return "partly vanished (fewer than two minority classes survive)";
    case MinorityState::AllVanished: return "all vanished (the weight decay sets every classifier and feature to 0)";
    case MinorityState::NonUnique: return "not unique (the budget is not used up: only the objective is determined)";
    case MinorityState::Uncertified: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "not certified (gap %.1e)", gap);
      return buf;
    }
    default: return toString(s);
  }
}

SetStats setStats(const Eigen::MatrixXd& gram, const std::vector<int>& members, double vanishNorm) {
  // A class-level matrix is the group form with one class per group.
  std::vector<ClassGroup> groups(gram.rows());
  for (int k = 0; k < gram.rows(); ++k) groups[k].members = {k};
  GroupMatrix M{gram, Eigen::VectorXd::Zero(gram.rows())};
  return groupStats(M, groups, members, vanishNorm);
}

Metrics computeMetrics(const Solution& s, const MetricsOptions& options) {
  Metrics m;
  const auto& p = s.problem;
  double vanishW = options.vanishTol * std::sqrt(p.EW);
  double vanishH = options.vanishTol * std::sqrt(p.EH);
  if (p.penalized()) {  // no budget to measure against: the largest class's norm
    double w = 0, h = 0;
    for (size_t g = 0; g < s.groups.size(); ++g) {
      w = std::max(w, std::sqrt(std::max(0.0, s.XWW.entry(s.groups, g, g, true))));
      h = std::max(h, std::sqrt(std::max(0.0, s.XHH.entry(s.groups, g, g, true))));
    }
    vanishW = options.vanishTol * w;
    vanishH = options.vanishTol * h;
  }
  m.minorityW = groupStats(s.XWW, s.groups, p.minority, vanishW);
  m.majorityW = groupStats(s.XWW, s.groups, p.majority, vanishW);
  m.minorityH = groupStats(s.XHH, s.groups, p.minority, vanishH);
  m.majorityH = groupStats(s.XHH, s.groups, p.majority, vanishH);

  // Between-group cosine and ETF deviation, in group form.
  const auto cMin = countsIn(s.groups, p.minority), cMaj = countsIn(s.groups, p.majority);
  const int G = static_cast<int>(s.groups.size());
  const int K = p.K();
  const double etfOff = -1.0 / (K - 1);
  std::vector<double> norm(G);
  for (int g = 0; g < G; ++g) norm[g] = std::sqrt(std::max(0.0, s.XWW.entry(s.groups, g, g, true)));
  double between = 0, betweenPairs = 0, dev = 0;
  for (int g = 0; g < G; ++g)
    for (int gp = 0; gp < G; ++gp) {
      const bool live = norm[g] >= vanishW && norm[gp] >= vanishW && norm[g] > 0 && norm[gp] > 0;
      const double cosOff = live ? s.XWW.entry(s.groups, g, gp, false) / (norm[g] * norm[gp]) : 0.0;
      const double ng = s.groups[g].count(), ngp = s.groups[gp].count();
      const double offPairs = g == gp ? ng * (ng - 1) : ng * ngp;
      dev += offPairs * (cosOff - etfOff) * (cosOff - etfOff);
      if (g == gp && !live) dev += ng;  // diagonal cosine of a vanished classifier: 0 instead of 1
      const double bp = double(cMaj[g]) * cMin[gp];
      if (live && bp > 0) {
        between += bp * cosOff;
        betweenPairs += bp;
      }
    }
  if (betweenPairs > 0) m.betweenCos = between / betweenPairs;
  // Between majority and minority class means, over those that have not vanished.
  {
    double sum = 0, pairs = 0;
    std::vector<double> hn(G);
    for (int g = 0; g < G; ++g) hn[g] = std::sqrt(std::max(0.0, s.XHH.entry(s.groups, g, g, true)));
    for (int g = 0; g < G; ++g)
      for (int gp = 0; gp < G; ++gp) {
        const double bp = double(cMaj[g]) * cMin[gp];
        if (bp == 0 || hn[g] < vanishH || hn[gp] < vanishH || hn[g] == 0 || hn[gp] == 0) continue;
        sum += bp * s.XHH.entry(s.groups, g, gp, false) / (hn[g] * hn[gp]);
        pairs += bp;
      }
    if (pairs > 0) m.betweenFeatureCos = sum / pairs;
  }
  const double etfNorm = std::sqrt(K + double(K) * (K - 1) * etfOff * etfOff);
  m.etfDeviation = std::sqrt(dev) / etfNorm;

  m.certified = s.certified;
  m.features = p.observesFeatures();
  // One rule for classifiers and for class-mean features.
  auto stateOf = [&](const SetStats& minority, double vanishNorm) {
    if (!s.certified) return MinorityState::Uncertified;
    if (nonUnique(s)) return MinorityState::NonUnique;
    if (p.penalized() && s.nuclearNorm == 0) return MinorityState::AllVanished;
    if (minority.size > 0 && (minority.normMean < vanishNorm || minority.vanished == minority.size))
      return MinorityState::Vanished;
    if (minority.size < 2) return MinorityState::Single;
    if (minority.size - minority.vanished < 2 || !minority.meanCos) return MinorityState::PartlyVanished;
    if (*minority.meanCos >= 1 - options.collapseTol) return MinorityState::Collapsed;
    return MinorityState::Spread;
  };
  m.minorityState = p.supcon() ? (s.certified ? MinorityState::Single : MinorityState::Uncertified)  // no classifiers: na
                               : stateOf(m.minorityW, vanishW);
  m.featureState = stateOf(m.minorityH, vanishH);
  return m;
}

}  // namespace lpm
