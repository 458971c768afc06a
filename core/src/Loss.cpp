#include "lpm/Loss.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "lpm/Error.h"

namespace lpm {

const std::vector<std::string>& lossNames() {
  static const std::vector<std::string> names = {"ce", "label-smoothing", "logit-adjusted", "ldam", "vs", "mse"};
  return names;
}

std::string toString(LossKind k) { return lossNames()[static_cast<size_t>(k)]; }

LossKind lossFromString(const std::string& name) {
  const auto& n = lossNames();
  const auto it = std::find(n.begin(), n.end(), name);
  if (it == n.end()) {
    std::string all;
    for (const auto& s : n) all += (all.empty() ? "" : ", ") + s;
    throw InvalidInput("unknown loss '" + name + "' (expected " + all + ")");
  }
  return static_cast<LossKind>(it - n.begin());
}

std::string lossFormula(LossKind k) {
  switch (k) {
    case LossKind::CE: return "l_k(z) = -z_k + log sum_j exp z_j";
    case LossKind::LabelSmoothing: return "l_k(z) = -(1-a) z_k - (a/K) sum_j z_j + log sum_j exp z_j";
    case LossKind::LogitAdjusted: return "l_k(z) = ce_k(z + tau log pi)";
    case LossKind::LDAM: return "l_k(z) = ce_k(z - d_k e_k), d_k = m (n_min / n_k)^(1/4)";
    case LossKind::VS: return "l_k(z) = ce_k(g .* z + tau log pi), g_j = (n_j / n_max)^gamma";
    case LossKind::MSE: return "l_k(z) = (1/2) ||z - e_k||^2";
  }
  return "";
}

std::string lossSource(LossKind k) {
  switch (k) {
    case LossKind::CE: return "the paper, Eq. 15";
    case LossKind::LabelSmoothing: return "Szegedy et al. 2016";
    case LossKind::LogitAdjusted: return "Menon et al. 2021";
    case LossKind::LDAM: return "Cao et al. 2019";
    case LossKind::VS: return "Kini et al. 2021 (CDT: tau = 0, Ye et al. 2020)";
    case LossKind::MSE: return "Han, Papyan, Donoho 2022";
  }
  return "";
}

bool lossUses(LossKind k, const std::string& parameter) {
  switch (k) {
    case LossKind::LabelSmoothing: return parameter == "alpha";
    case LossKind::LogitAdjusted: return parameter == "tau";
    case LossKind::LDAM: return parameter == "margin";
    case LossKind::VS: return parameter == "gamma" || parameter == "tau";
    case LossKind::CE:
    case LossKind::MSE: return false;
  }
  return false;
}

std::string describe(const Loss& l) {
  std::ostringstream s;
  s.precision(6);
  switch (l.kind) {
    case LossKind::CE: s << "cross-entropy"; break;
    case LossKind::LabelSmoothing: s << "label smoothing (alpha = " << l.alpha << ")"; break;
    case LossKind::LogitAdjusted: s << "logit-adjusted cross-entropy (tau = " << l.tau << ")"; break;
    case LossKind::LDAM: s << "LDAM (margin = " << l.margin << ")"; break;
    case LossKind::VS: s << "vector scaling (gamma = " << l.gamma << ", tau = " << l.tau << ")"; break;
    case LossKind::MSE: s << "mean squared error"; break;
  }
  return s.str();
}

void validate(const Loss& l) {
  auto finite = [](const char* name, double v) {
    if (!std::isfinite(v)) throw InvalidInput(std::string(name) + " must be a finite number");
  };
  finite("alpha", l.alpha), finite("tau", l.tau), finite("margin", l.margin), finite("gamma", l.gamma);
  if (!(l.alpha >= 0 && l.alpha < 1)) throw InvalidInput("alpha must be in [0, 1), got " + std::to_string(l.alpha));
  if (l.tau < 0) throw InvalidInput("tau must be >= 0, got " + std::to_string(l.tau));
  if (l.margin < 0) throw InvalidInput("margin must be >= 0, got " + std::to_string(l.margin));
  if (l.gamma < 0) throw InvalidInput("gamma must be >= 0, got " + std::to_string(l.gamma));
}

}  // namespace lpm
