#pragma once
// The losses of the model family (../shared/docs/lpm-models.md §2), as data. Each is convex in
// the logits; the solver evaluates them in group form (core/src/Solver.cpp), and every solve is
// certified by the Frank-Wolfe gap of the nuclear-norm ball, valid for any convex loss.
#include <string>
#include <vector>

namespace lpm {

enum class LossKind {
  CE,              ///< -z_k + lse(z)
  LabelSmoothing,  ///< -(1-a) z_k - (a/K) sum_j z_j + lse(z), a in [0, 1)
  LogitAdjusted,   ///< ce(z + tau log pi), tau >= 0 (Menon et al. 2021)
  LDAM,            ///< ce with the own logit lowered by d_k = m (n_min / n_k)^(1/4) (Cao et al. 2019)
  VS,              ///< ce(g .* z + tau log pi), g_j = (n_j / n_max)^gamma (Kini et al. 2021; CDT: tau = 0)
  MSE              ///< (1/2) ||z - e_k||^2 (Han, Papyan, Donoho 2022)
};

struct Loss {
  LossKind kind = LossKind::CE;
  double alpha = 0;   ///< label smoothing
  double tau = 0;     ///< logit adjustment; VS's additive term
  double margin = 0;  ///< LDAM's m
  double gamma = 0;   ///< VS's multiplicative exponent
  bool operator==(const Loss& o) const {
    return kind == o.kind && alpha == o.alpha && tau == o.tau && margin == o.margin && gamma == o.gamma;
  }
  bool operator!=(const Loss& o) const { return !(*this == o); }
};

/// ce, label-smoothing, logit-adjusted, ldam, vs, mse: the names the command line and sessions use.
const std::vector<std::string>& lossNames();
std::string toString(LossKind k);
/// Throws InvalidInput naming the known losses.
LossKind lossFromString(const std::string& name);
/// "cross-entropy", "label smoothing (alpha = 0.1)", ...: for captions and JSON provenance.
std::string describe(const Loss& l);
/// The loss of class k in its logits, as plain text, and where it comes from (lpm-models.md §2).
std::string lossFormula(LossKind k);
std::string lossSource(LossKind k);
/// Whether a parameter (alpha, tau, margin, gamma) enters this loss.
bool lossUses(LossKind k, const std::string& parameter);
/// Throws InvalidInput for parameters out of range (alpha >= 1, negative tau, margin, gamma).
void validate(const Loss& l);

}  // namespace lpm
