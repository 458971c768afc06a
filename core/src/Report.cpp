#include <charconv>
#include "lpm/Report.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>
#include <fstream>

#include "lpm/Parameters.h"
#include "lpm/Version.h"

namespace lpm {

nlohmann::json numberOrNull(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}

std::string formatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  // The shortest text that reads back as the same double: 0.05, not 0.050000000000000003.
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
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

nlohmann::json paramsJson(const TwoSizeParams& p, bool all) {
  // Registry parameters under their registry names: those that enter the model (or all).
  nlohmann::json j = nlohmann::json::object();
  for (const auto& spec : parameterRegistry()) {
    if (!all && !spec.appliesTo(p)) continue;
    const double v = spec.get(p);
    if (spec.type == ParameterType::Choice) j[spec.name] = parameterText(p, spec.name);
    else if (std::isinf(v)) j[spec.name] = "inf";
    else if (spec.type == ParameterType::Integer) j[spec.name] = static_cast<long long>(v);
    else j[spec.name] = v;
  }
  return j;
}

nlohmann::json problemJson(const Problem& p) {
  nlohmann::json j{{"EW", p.EW}, {"EH", p.EH}, {"K", p.K()}, {"sizes", p.classSize}, {"minority", p.minority},
                   {"majority", p.majority}, {"loss", toString(p.loss.kind)}, {"formulation", toString(p.budget)},
                   {"model", toString(p.model)}};
  if (!p.priorSize.empty()) j["prior_sizes"] = p.priorSize;
  if (p.penalized())
    j["penalty"] = {{"lambda_W", p.penalty.lambdaW}, {"lambda_H", p.penalty.lambdaH},
                    {"lambda_b", p.penalty.bias() ? nlohmann::json(p.penalty.lambdaB) : nlohmann::json("inf")}};
  return j;
}

nlohmann::json solverOptionsJson(const SolveOptions& o) {
  return {{"solver", toString(o.kind)},     {"gap_target_relative", o.gapTarget},
          {"certify_relative", kCertifyTol}, {"max_iterations", o.maxIterations},
          {"retry", o.retry},               {"seed", o.seed}};
}

nlohmann::json provenanceJson(const SolveOptions& o, const std::optional<TwoSizeParams>& params) {
  nlohmann::json j;
  j["lpm_version"] = LPM_VERSION_STRING;
  j["model"] = params ? describe(params->loss) + ", constrained budgets: convex relaxation Eq. (15)"
                     : "constrained budgets: convex relaxation Eq. (15)";
  if (params) j["inputs"] = paramsJson(*params);
  j["solver_options"] = solverOptionsJson(o);
  return j;
}

nlohmann::json checkpointJson(const io::Checkpoint& c) {
  nlohmann::json j;
  j["format"] = io::formatName(c.format());
  if (!c.shardFiles().empty()) j["shards"] = c.shardFiles();
  j["tensors"] = nlohmann::json::array();
  for (const auto& t : c.tensors())
    j["tensors"].push_back({{"name", t.name}, {"dtype", io::dtypeName(t.dtype)}, {"shape", t.shape}});
  j["globals"] = c.globals();
  j["warnings"] = c.warnings();
  return j;
}

nlohmann::json classifierJson(const io::ClassifierAnalysis& an) {
  nlohmann::json k;
  k["name"] = an.name;
  k["shape"] = {an.K, an.p};
  k["norms"] = std::vector<double>(an.norms.data(), an.norms.data() + an.norms.size());
  if (an.cos.size()) {
    k["cos"] = matrixJson(an.cos);
  } else {
    k["cos"] = nullptr;
    k["cos_omitted"] = "K = " + std::to_string(an.K) + " > " + std::to_string(io::kFullCosineMaxK) +
                       ": the K x K cosine matrix is not built; group cosines come from sums of unit rows";
  }
  if (an.binnedCos.size()) {  // above kHeatmapMaxK classes: the heatmap's bins
    k["binned_cos"] = matrixJson(an.binnedCos);
    k["binned_cos_bins"] = an.binLabels;
    k["binned_cos_order"] = an.binnedByCount ? "count" : "index";
  }
  k["warnings"] = an.warnings;
  k["etf_deviation_sample"] = an.etfSample > 0 ? nlohmann::json(an.etfSample) : nlohmann::json(nullptr);
  k["minority"] = an.minority;
  k["minority_cos"] = numberOrNull(an.minorityCos);
  k["majority_cos"] = numberOrNull(an.majorityCos);
  k["between_cos"] = numberOrNull(an.betweenCos);
  k["minority_norm_cv"] = an.minorityNormCV;
  k["EW_fit"] = an.EWfit;
  k["etf_deviation"] = an.etfDeviation;
  return k;
}

void addNetworkJson(nlohmann::json& j, const io::NetworkComparison& net) {
  if (net.counts()) {
    j["class_counts"] = *net.counts();
    j["imbalance_ratio"] = numberOrNull(net.imbalanceRatio());
  }
  if (!net.note().empty()) j["note"] = net.note();
  if (const auto& f = net.featureAnalysis())
    j["features"] = {{"N", f->N},         {"EH_fit", f->EHfit},   {"nc1", f->nc1},
                     {"nc2_equinorm", f->nc2Equinorm}, {"nc2_equiangular", f->nc2Equiangular},
                     {"nc3", f->nc3},     {"nc4", f->nc4},        {"accuracy", f->accuracy}};
  if (const auto& f = net.featureAnalysis(); f && !f->mismatch.empty()) j["features"]["warning"] = f->mismatch;
}

nlohmann::json curveJson(const TwoSizeParams& p, const std::vector<SweepPoint>& points,
                         const std::optional<TransitionResult>& transition) {
  const auto uncertified = std::count_if(points.begin(), points.end(), [](const SweepPoint& q) { return !q.certified; });
  nlohmann::json j{{"inputs", paramsJson(p)}, {"rows", points.size()}, {"uncertified_rows", uncertified}};
  j["inputs"].erase("R");
  if (transition) j["transition"] = transitionJson(*transition);
  return j;
}

nlohmann::json transitionJson(const TransitionResult& t) {
  nlohmann::json j;
  auto ratio = [&](const EventRatio& e) { return e.value() ? nlohmann::json(*e.value()) : nlohmann::json(nullptr); };
  j["R0"] = ratio(t.collapse);
  j["R0_status"] = toString(t.collapse.status);
  j["R_vanish"] = ratio(t.vanish);
  j["R_vanish_status"] = toString(t.vanish.status);
  j["first_event"] = toString(t.first);
  j["summary"] = t.summary();
  j["observed"] = t.features ? "features" : "classifiers";
  j["tol"] = t.tol;
  j["rel_tol"] = t.relTol;
  j["R_max"] = t.Rmax;
  j["solves"] = t.solves;
  j["uncertified_solves"] = t.uncertified;
  j["nonunique"] = t.nonunique;
  j["ms"] = t.ms;
  return j;
}

SolutionMatrices solutionMatrices(const Solution& s) {
  const int K = s.problem.K();
  const ClassVectors v = s.vectors();
  SolutionMatrices out;
  out.W = v.W;
  out.H = v.H;
  out.X.resize(2 * K, 2 * K);
  const Eigen::MatrixXd Z = s.Z.expand(s.groups, K);
  out.X << s.XHH.expand(s.groups, K), Z, Z.transpose(), s.XWW.expand(s.groups, K);
  const Eigen::MatrixXd WW = out.X.bottomRightCorner(K, K);
  const Eigen::VectorXd n = WW.diagonal().cwiseMax(0).cwiseSqrt();
  out.cos.resize(K, K);
  for (int a = 0; a < K; ++a)
    for (int b = 0; b < K; ++b) out.cos(a, b) = (n(a) > 0 && n(b) > 0) ? WW(a, b) / (n(a) * n(b)) : 0.0;
  return out;
}

nlohmann::json solutionJson(const Solution& s, const Metrics& m, bool withMatrices, const nlohmann::json& provenance) {
  const auto& p = s.problem;
  nlohmann::json j = provenance.is_object() ? provenance : nlohmann::json::object();
  j["objective"] = s.objective;
  j["minority_state"] = toString(m.minorityState);
  j["feature_state"] = toString(m.featureState);
  j["loss"] = toString(p.loss.kind);
  j["loss_description"] = describe(p.loss);
  j["formulation"] = toString(p.budget);
  j["model"] = toString(p.model);
  j["classifier"] = p.supcon() ? "none" : p.fixedEtfClassifier ? "fixed-etf" : "learned";
  if (p.penalized()) {
    j["lambda_W"] = p.penalty.lambdaW;
    j["lambda_H"] = p.penalty.lambdaH;
    j["lambda_b"] = p.penalty.bias() ? nlohmann::json(p.penalty.lambdaB) : nlohmann::json("inf");
    j["mu"] = p.penalty.mu();
  }
  if (p.supcon()) j["temperature"] = p.temperature;
  // The binned model: exact and certified for the binned sizes, which is said.
  j["binned_groups"] = p.binned > 0 ? nlohmann::json(p.binned) : nlohmann::json(nullptr);
  if (p.binned > 0) j["sizes_note"] = "binned (" + std::to_string(p.binned) + " groups): solved for the binned sizes";
  // Geometry only from a certified solution with a unique geometry: otherwise every metric is
  // withheld (null).
  const bool ok = s.certified && !nonUnique(s);
  auto num = [&](double v) { return ok ? nlohmann::json(v) : nlohmann::json(nullptr); };
  auto opt = [&](const std::optional<double>& v) { return ok ? numberOrNull(v) : nlohmann::json(nullptr); };
  j["minority_cos"] = numberOrNull(m.minorityCos());
  j["majority_cos"] = opt(m.majorityW.meanCos);
  j["between_cos"] = opt(m.betweenCos);
  j["between_feature_cos"] = opt(m.betweenFeatureCos);
  j["minority_norm"] = num(m.minorityW.normMean);
  j["majority_norm"] = num(m.majorityW.normMean);
  j["minority_norm_cv"] = num(m.minorityW.normCV);
  j["majority_norm_cv"] = num(m.majorityW.normCV);
  j["minority_feature_norm"] = num(m.minorityH.normMean);
  j["majority_feature_norm"] = num(m.majorityH.normMean);
  j["minority_feature_cos"] = opt(m.featureState == MinorityState::Spread || m.featureState == MinorityState::Collapsed
                                     ? m.minorityH.meanCos
                                     : std::nullopt);
  j["majority_feature_cos"] = opt(m.majorityH.meanCos);
  auto ratio = [&](double a, double b) { return ok && b > 0 ? nlohmann::json(a / b) : nlohmann::json(nullptr); };
  j["minority_norm_ratio"] = ratio(m.minorityW.normMean, m.majorityW.normMean);
  j["minority_feature_norm_ratio"] = ratio(m.minorityH.normMean, m.majorityH.normMean);
  j["nuclear_norm"] = s.nuclearNorm;
  j["etf_deviation"] = num(m.etfDeviation);
  j["gap"] = s.gap;
  j["relative_gap"] = s.relativeGap();
  j["gap_target"] = certificateTarget(s.objective, s.gain, s.certificateFloor);
  j["gain"] = s.gain;
  j["certified"] = s.certified;
  j["solve_ms"] = s.solveMs;
  j["iterations"] = s.iterations;
  j["attempts"] = s.attempts;
  j["solver"] = toString(s.solver);
  j["K"] = p.K();
  j["EW"] = p.penalized() || p.supcon() ? nlohmann::json(nullptr) : nlohmann::json(p.EW);
  j["EH"] = p.penalized() ? nlohmann::json(nullptr) : nlohmann::json(p.EH);
  j["minority"] = p.minority;
  j["problem"] = problemJson(p);
  if (withMatrices && s.certified) {
    const auto [X, W, H, cos] = solutionMatrices(s);
    j["X"] = matrixJson(X);
    j["W"] = matrixJson(W);
    j["H"] = matrixJson(H);
    j["cos"] = matrixJson(cos);
  }
  return j;
}

void writeSweepCsvHeader(std::ostream& out) {
  out << "KA,KB,EW,EH,R,objective,minority_cos,majority_cos,gap,minority_state,minority_norm,"
         "minority_feature_cos,feature_state,minority_norm_ratio,minority_feature_norm_ratio\n";
}

bool writeSidecar(const std::string& csvPath, const nlohmann::json& provenance) {
  std::ofstream f(csvPath + ".json");
  if (!f) return false;
  f << provenance.dump(2) << "\n";
  return static_cast<bool>(f);
}

void writeSweepCsvRow(std::ostream& out, const TwoSizeParams& p, const SweepPoint& pt) {
  auto opt = [](const std::optional<double>& v) { return v ? formatNumber(*v) : std::string(); };
  // EW, EH where they enter the model (empty in the penalized form; EW empty for supcon).
  const bool ew = parameter("EW").appliesTo(p), eh = parameter("EH").appliesTo(p);
  out << p.KA << ',' << p.KB << ',' << (ew ? formatNumber(p.EW) : "") << ',' << (eh ? formatNumber(p.EH) : "") << ','
      << formatNumber(pt.R)
      << ',' << formatNumber(pt.objective) << ',' << opt(pt.minorityCos) << ',' << opt(pt.majorityCos) << ','
      << formatNumber(pt.gap) << ',' << toString(pt.state) << ',' << formatNumber(pt.minorityNorm) << ','
      << opt(pt.featureCos) << ',' << toString(pt.featureState) << ',' << opt(pt.normRatio) << ','
      << opt(pt.featureNormRatio) << '\n';
}

}  // namespace lpm
