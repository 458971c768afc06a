#include "lpm/Report.h"

#include <cmath>
#include <ostream>
#include <sstream>

namespace lpm {

nlohmann::json numberOrNull(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

std::string formatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

nlohmann::json matrixJson(const Eigen::MatrixXd& M) {
  auto rows = nlohmann::json::array();
  for (Eigen::Index i = 0; i < M.rows(); ++i) {
    auto row = nlohmann::json::array();
    for (Eigen::Index j = 0; j < M.cols(); ++j) row.push_back(M(i, j));
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json solutionJson(const Solution& s, const Metrics& m, bool withMatrices) {
  const auto& p = s.problem;
  nlohmann::json j;
  j["objective"] = s.objective;
  j["minority_cos"] = numberOrNull(m.minorityCos());
  j["majority_cos"] = numberOrNull(m.majorityW.meanCos);
  j["between_cos"] = numberOrNull(m.betweenCos);
  j["minority_state"] = toString(m.minorityState);
  j["minority_norm"] = m.minorityW.normMean;
  j["majority_norm"] = m.majorityW.normMean;
  j["minority_norm_cv"] = m.minorityW.normCV;
  j["majority_norm_cv"] = m.majorityW.normCV;
  j["minority_feature_norm"] = m.minorityH.normMean;
  j["majority_feature_norm"] = m.majorityH.normMean;
  j["minority_feature_cos"] = numberOrNull(m.minorityH.meanCos);
  j["etf_deviation"] = m.etfDeviation;
  j["gap"] = s.gap;
  j["converged"] = s.converged;
  j["solve_ms"] = s.solveMs;
  j["iterations"] = s.iterations;
  j["solver"] = toString(s.solver);
  j["K"] = p.K();
  j["EW"] = p.EW;
  j["EH"] = p.EH;
  j["minority"] = p.minority;
  if (withMatrices) {
    const int K = p.K();
    Eigen::MatrixXd H, W;
    s.vectors(H, W);
    Eigen::MatrixXd X(2 * K, 2 * K);
    X << s.XHH.expand(s.groups, K), s.Z.expand(s.groups, K), s.Z.expand(s.groups, K).transpose(),
        s.XWW.expand(s.groups, K);
    const Eigen::MatrixXd WW = X.bottomRightCorner(K, K);
    const Eigen::VectorXd n = WW.diagonal().cwiseMax(0).cwiseSqrt();
    Eigen::MatrixXd cos(K, K);
    for (int a = 0; a < K; ++a)
      for (int b = 0; b < K; ++b) cos(a, b) = (n(a) > 0 && n(b) > 0) ? WW(a, b) / (n(a) * n(b)) : 0.0;
    j["X"] = matrixJson(X);
    j["W"] = matrixJson(W);
    j["H"] = matrixJson(H);
    j["cos"] = matrixJson(cos);
  }
  return j;
}

void writeSweepCsvHeader(std::ostream& out) { out << "KA,KB,EW,EH,R,objective,minority_cos,majority_cos,gap\n"; }

void writeSweepCsvRow(std::ostream& out, const TwoSizeParams& p, const SweepPoint& pt) {
  auto opt = [](const std::optional<double>& v) { return v ? formatNumber(*v) : std::string(); };
  out << p.KA << ',' << p.KB << ',' << formatNumber(p.EW) << ',' << formatNumber(p.EH) << ',' << formatNumber(pt.R)
      << ',' << formatNumber(pt.objective) << ',' << opt(pt.minorityCos) << ',' << opt(pt.majorityCos) << ','
      << formatNumber(pt.gap) << '\n';
}

}  // namespace lpm
