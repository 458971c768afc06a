#include "lpm/io/Analysis.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Eigenvalues>

namespace lpm::io {
namespace {

bool isFloat(DType t) { return t == DType::F32 || t == DType::F64 || t == DType::F16 || t == DType::BF16; }

int namePreference(const std::string& n) {
  // Later components weigh more: "heads.head.weight", "fc.weight", "classifier.1.weight".
  static const char* strong[] = {"heads.head.", "classifier", "fc.", "head.", "last_linear", "logits", "fc_out", "out_proj"};
  for (const char* s : strong)
    if (n.find(s) != std::string::npos) return 2;
  if (n.find("linear") != std::string::npos || n.find("dense") != std::string::npos) return 1;
  return 0;
}

double pairMean(const Eigen::MatrixXd& C, const std::vector<int>& a, const std::vector<int>& b, bool same) {
  double s = 0;
  int n = 0;
  for (int i : a)
    for (int j : b)
      if (!same || i != j) s += C(i, j), ++n;
  return n ? s / n : std::nan("");
}

}  // namespace

std::optional<std::string> detectClassifier(const Checkpoint& c) {
  std::optional<std::string> best;
  int bestScore = -1;
  for (const auto& t : c.tensors()) {
    if (t.shape.size() != 2 || !isFloat(t.dtype) || t.shape[0] < 2 || t.shape[1] < 1) continue;
    const bool weight = t.name.size() >= 6 && t.name.compare(t.name.size() - 6, 6, "weight") == 0;
    const int score = namePreference(t.name) * 2 + (weight ? 1 : 0);
    if (score >= bestScore) best = t.name, bestScore = score;  // ties: the last such layer
  }
  return best;
}

ClassifierAnalysis analyseClassifier(const Eigen::MatrixXd& W, const std::string& name, int KA, std::vector<int> minority) {
  ClassifierAnalysis a;
  a.name = name;
  a.K = static_cast<int>(W.rows());
  a.p = static_cast<int>(W.cols());
  if (a.K < 2) throw CheckpointError("a classifier needs at least 2 rows");
  a.norms = W.rowwise().norm();
  const Eigen::VectorXd inv = a.norms.unaryExpr([](double v) { return v > 0 ? 1 / v : 0.0; });
  a.cos = inv.asDiagonal() * (W * W.transpose()) * inv.asDiagonal();
  if (minority.empty() && KA >= 0)
    for (int k = KA; k < a.K; ++k) minority.push_back(k);
  std::sort(minority.begin(), minority.end());
  minority.erase(std::unique(minority.begin(), minority.end()), minority.end());
  for (int k : minority)
    if (k < 0 || k >= a.K) throw CheckpointError("minority class " + std::to_string(k) + " is out of range 0.." + std::to_string(a.K - 1));
  a.minority = minority;
  for (int k = 0; k < a.K; ++k)
    if (!std::binary_search(minority.begin(), minority.end(), k)) a.majority.push_back(k);
  auto opt = [](double v) { return std::isnan(v) ? std::nullopt : std::optional<double>(v); };
  a.minorityCos = opt(pairMean(a.cos, a.minority, a.minority, true));
  a.majorityCos = opt(pairMean(a.cos, a.majority, a.majority, true));
  a.betweenCos = opt(pairMean(a.cos, a.majority, a.minority, false));
  if (!a.minority.empty()) {
    double m = 0, v = 0;
    for (int k : a.minority) m += a.norms(k);
    m /= a.minority.size();
    for (int k : a.minority) v += (a.norms(k) - m) * (a.norms(k) - m);
    v /= a.minority.size();
    a.minorityNormCV = m > 0 ? std::sqrt(v) / m : 0;
  }
  a.EWfit = a.norms.squaredNorm() / a.K;
  Eigen::MatrixXd etf = Eigen::MatrixXd::Constant(a.K, a.K, -1.0 / (a.K - 1));
  etf.diagonal().setOnes();
  a.etfDeviation = (a.cos - etf).norm() / etf.norm();
  return a;
}

FeatureAnalysis analyseFeatures(const Eigen::MatrixXd& H, const std::vector<int>& labels, const Eigen::MatrixXd& W,
                                const std::optional<Eigen::VectorXd>& bias) {
  FeatureAnalysis f;
  const int N = static_cast<int>(H.rows()), p = static_cast<int>(H.cols()), K = static_cast<int>(W.rows());
  if (static_cast<int>(labels.size()) != N) throw CheckpointError("features have " + std::to_string(N) + " rows but there are " + std::to_string(labels.size()) + " labels");
  if (W.cols() != p) throw CheckpointError("features have " + std::to_string(p) + " columns but the classifier expects " + std::to_string(W.cols()));
  if (bias && bias->size() != K) throw CheckpointError("the bias does not match the classifier");
  f.N = N;
  f.means = Eigen::MatrixXd::Zero(K, p);
  Eigen::VectorXd count = Eigen::VectorXd::Zero(K), sq = Eigen::VectorXd::Zero(K);
  for (int i = 0; i < N; ++i) {
    const int y = labels[i];
    if (y < 0 || y >= K) throw CheckpointError("label " + std::to_string(y) + " is out of range 0.." + std::to_string(K - 1));
    f.means.row(y) += H.row(i);
    count(y) += 1;
    sq(y) += H.row(i).squaredNorm();
  }
  for (int k = 0; k < K; ++k) {
    if (count(k) == 0) throw CheckpointError("class " + std::to_string(k) + " has no samples");
    f.means.row(k) /= count(k);
  }
  f.EHfit = (sq.array() / count.array()).mean();
  const Eigen::RowVectorXd global = H.colwise().mean();
  const Eigen::MatrixXd M = f.means.rowwise() - global;
  Eigen::MatrixXd SW = Eigen::MatrixXd::Zero(p, p);
  for (int i = 0; i < N; ++i) {
    const Eigen::RowVectorXd d = H.row(i) - f.means.row(labels[i]);
    SW.noalias() += d.transpose() * d;
  }
  SW /= N;
  const Eigen::MatrixXd SB = M.transpose() * M / K;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(SB);
  const double tol = es.eigenvalues().cwiseAbs().maxCoeff() * p * 1e-12;
  Eigen::VectorXd inv = es.eigenvalues();
  for (int i = 0; i < inv.size(); ++i) inv(i) = std::abs(inv(i)) > tol ? 1 / inv(i) : 0;
  const Eigen::MatrixXd SBpinv = es.eigenvectors() * inv.asDiagonal() * es.eigenvectors().transpose();
  f.nc1 = (SW * SBpinv).trace() / K;
  const Eigen::VectorXd mn = M.rowwise().norm();
  const double mean = mn.mean();
  f.nc2Equinorm = std::sqrt((mn.array() - mean).square().mean()) / mean;
  double ang = 0;
  int pairs = 0;
  for (int a = 0; a < K; ++a)
    for (int b = a + 1; b < K; ++b) ang += std::abs(M.row(a).dot(M.row(b)) / (mn(a) * mn(b)) + 1.0 / (K - 1)), ++pairs;
  f.nc2Equiangular = ang / pairs;
  f.nc3 = (W / W.norm() - M / M.norm()).norm();
  int agree = 0;
  for (int i = 0; i < N; ++i) {
    Eigen::VectorXd logits = W * H.row(i).transpose();
    if (bias) logits += *bias;
    Eigen::Index arg, nearest;
    logits.maxCoeff(&arg);
    (f.means.rowwise() - H.row(i)).rowwise().squaredNorm().minCoeff(&nearest);
    agree += arg == nearest;
  }
  f.nc4 = double(agree) / N;
  return f;
}

}  // namespace lpm::io
