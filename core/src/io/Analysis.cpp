#include "lpm/io/Analysis.h"

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <limits>

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

ClassifierAnalysis analyseClassifier(const Eigen::MatrixXd& W, const std::string& name, int KA, std::vector<int> minority,
                                     const std::vector<int>* counts) {
  RowBlocks blocks{static_cast<int>(W.rows()), static_cast<int>(W.cols()),
                   [&W](const std::function<void(Eigen::Index, const Eigen::MatrixXd&)>& fn) { fn(0, W); }, &W};
  return analyseClassifier(blocks, name, KA, std::move(minority), counts);
}

ClassifierAnalysis analyseClassifier(const RowBlocks& W, const std::string& name, int KA, std::vector<int> minority,
                                     const std::vector<int>* counts) {
  ClassifierAnalysis a;
  a.name = name;
  a.K = W.K;
  a.p = W.p;
  if (a.K < 2) throw CheckpointError("a classifier needs at least 2 rows");
  if (a.p < a.K - 1)
    a.warnings.push_back("p = " + std::to_string(a.p) + " < K - 1 = " + std::to_string(a.K - 1) +
                         ": the layer-peeled model assumes p >= K, and its geometry (a simplex ETF when balanced) needs "
                         "K - 1 dimensions; this head has rank <= p, so it cannot take the model's geometry exactly and "
                         "its cosines are compared with a model it could not reach");
  if (minority.empty() && KA >= 0)
    for (int k = KA; k < a.K; ++k) minority.push_back(k);
  std::sort(minority.begin(), minority.end());
  minority.erase(std::unique(minority.begin(), minority.end()), minority.end());
  for (int k : minority)
    if (k < 0 || k >= a.K) throw CheckpointError("minority class " + std::to_string(k) + " is out of range 0.." + std::to_string(a.K - 1));
  a.minority = minority;
  std::vector<char> isMinor(static_cast<size_t>(a.K), 0);
  for (int k : minority) isMinor[static_cast<size_t>(k)] = 1;
  for (int k = 0; k < a.K; ++k)
    if (!isMinor[static_cast<size_t>(k)]) a.majority.push_back(k);

  // What one pass collects. Sums of unit rows (a zero row counts as the zero vector, cosine 0 with
  // everything): the two groups, and above kHeatmapMaxK classes the heatmap's bins.
  struct Sum {
    Eigen::VectorXd s;
    int n = 0, live = 0;
  };
  Sum sMin{Eigen::VectorXd::Zero(a.p), static_cast<int>(a.minority.size()), 0};
  Sum sMaj{Eigen::VectorXd::Zero(a.p), static_cast<int>(a.majority.size()), 0};
  const int B = a.K > kHeatmapMaxK ? kHeatmapBins : 0;
  std::vector<Sum> bins(static_cast<size_t>(B));
  std::vector<int> binOf;
  if (B) {
    std::vector<int> order(a.K);
    for (int k = 0; k < a.K; ++k) order[k] = k;
    a.binnedByCount = counts && static_cast<int>(counts->size()) == a.K;
    if (a.binnedByCount)
      std::stable_sort(order.begin(), order.end(), [&](int i, int j) { return (*counts)[i] > (*counts)[j]; });
    binOf.assign(static_cast<size_t>(a.K), 0);
    for (int g = 0; g < B; ++g) {
      const int from = static_cast<int>(int64_t(a.K) * g / B), to = static_cast<int>(int64_t(a.K) * (g + 1) / B);
      for (int i = from; i < to; ++i) binOf[static_cast<size_t>(order[i])] = g;
      bins[g] = {Eigen::VectorXd::Zero(a.p), to - from, 0};
      a.binLabels.push_back(a.binnedByCount ? "counts " + std::to_string((*counts)[order[from]]) + "-" +
                                                  std::to_string((*counts)[order[to - 1]]) + " (" +
                                                  std::to_string(to - from) + " classes)"
                                            : "classes " + std::to_string(from) + "-" + std::to_string(to - 1));
    }
  }
  // The K x K matrix needs W whole (up to kFullCosineMaxK rows); above, evenly spaced unit rows.
  const bool full = a.K <= kFullCosineMaxK;
  const int m = full ? 0 : kFullCosineMaxK;
  const bool copy = full && !W.whole;
  Eigen::MatrixXd Wcopy(copy ? a.K : 0, copy ? a.p : 0), U(m, a.p);
  std::vector<int> sampleOf;
  if (!full) {
    sampleOf.assign(static_cast<size_t>(a.K), -1);
    for (int i = 0; i < m; ++i) sampleOf[static_cast<size_t>(int64_t(i) * a.K / m)] = i;
  }
  a.norms.resize(a.K);
  W.forEach([&](Eigen::Index first, const Eigen::MatrixXd& block) {
    for (Eigen::Index r = 0; r < block.rows(); ++r) {
      const auto k = static_cast<size_t>(first + r);
      const double norm = block.row(r).norm(), inv = norm > 0 ? 1 / norm : 0.0;
      a.norms(static_cast<Eigen::Index>(k)) = norm;
      if (copy) Wcopy.row(static_cast<Eigen::Index>(k)) = block.row(r);
      else if (!full && sampleOf[k] >= 0) U.row(sampleOf[k]) = inv * block.row(r);
      if (inv == 0) continue;
      Sum& group = isMinor[k] ? sMin : sMaj;
      group.s.noalias() += inv * block.row(r).transpose();
      ++group.live;
      if (B) {
        bins[static_cast<size_t>(binOf[k])].s.noalias() += inv * block.row(r).transpose();
        ++bins[static_cast<size_t>(binOf[k])].live;
      }
    }
  });
  auto within = [](const Sum& x) {
    return x.n >= 2 ? std::optional<double>((x.s.squaredNorm() - x.live) / (double(x.n) * (x.n - 1))) : std::nullopt;
  };
  a.minorityCos = within(sMin);
  a.majorityCos = within(sMaj);
  if (sMin.n > 0 && sMaj.n > 0) a.betweenCos = sMaj.s.dot(sMin.s) / (double(sMaj.n) * sMin.n);
  if (!a.minority.empty()) {
    double mean = 0, v = 0;
    for (int k : a.minority) mean += a.norms(k);
    mean /= a.minority.size();
    for (int k : a.minority) v += (a.norms(k) - mean) * (a.norms(k) - mean);
    v /= a.minority.size();
    a.minorityNormCV = mean > 0 ? std::sqrt(v) / mean : 0;
  }
  a.EWfit = a.norms.squaredNorm() / a.K;
  if (B) {
    a.binnedCos.resize(B, B);
    for (int g = 0; g < B; ++g)
      for (int h = 0; h < B; ++h)
        a.binnedCos(g, h) = g == h ? within(bins[g]).value_or(1.0)
                                   : bins[g].s.dot(bins[h].s) / (double(bins[g].n) * bins[h].n);
  }
  // ETF deviation || C - C_ETF ||_F / || C_ETF ||_F: exact from the matrix up to kFullCosineMaxK;
  // above, the diagonal exactly (1 for a non-zero row) and the off-diagonal mean from the pairs of
  // kFullCosineMaxK evenly spaced rows.
  const double K = a.K, b = 1.0 / (K - 1);
  const double etfNorm = std::sqrt(K + K * (K - 1) * b * b);
  if (full) {
    const Eigen::VectorXd inv = a.norms.unaryExpr([](double v) { return v > 0 ? 1 / v : 0.0; });
    const Eigen::MatrixXd& Wk = W.whole ? *W.whole : Wcopy;
    a.cos = inv.asDiagonal() * (Wk * Wk.transpose()) * inv.asDiagonal();
    Eigen::MatrixXd etf = Eigen::MatrixXd::Constant(a.K, a.K, -b);
    etf.diagonal().setOnes();
    a.etfDeviation = (a.cos - etf).norm() / etfNorm;
  } else {
    const Eigen::MatrixXd C = U * U.transpose();
    double off = 0;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        if (i != j) off += (C(i, j) + b) * (C(i, j) + b);
    off /= double(m) * (m - 1);
    const double zeroRows = static_cast<double>((a.norms.array() == 0).count());
    a.etfDeviation = std::sqrt(zeroRows + K * (K - 1) * off) / etfNorm;
    a.etfSample = m;
  }
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
  const double largest = count.maxCoeff();
  int agree = 0, correct = 0, largeN = 0, largeCorrect = 0;
  for (int i = 0; i < N; ++i) {
    Eigen::VectorXd logits = W * H.row(i).transpose();
    if (bias) logits += *bias;
    Eigen::Index arg, nearest;
    logits.maxCoeff(&arg);
    (f.means.rowwise() - H.row(i)).rowwise().squaredNorm().minCoeff(&nearest);
    agree += arg == nearest;
    correct += arg == labels[i];
    if (count(labels[i]) >= largest / 2) ++largeN, largeCorrect += arg == labels[i];
  }
  f.nc4 = double(agree) / N;
  f.accuracy = double(correct) / N;
  f.largestClassesAccuracy = double(largeCorrect) / largeN;
  if (f.largestClassesAccuracy < 0.5) {
    char text[240];
    std::snprintf(text, sizeof text,
                  "the classifier predicts %.1f%% of the samples of its largest classes (a trained head: near 100%%): "
                  "are these features and labels this network's?",
                  100 * f.largestClassesAccuracy);
    f.mismatch = text;
  }
  return f;
}

TensorSummary summarizeTensor(const Checkpoint& c, const std::string& name) {
  const TensorInfo* t = c.find(name);
  if (!t) throw CheckpointError("no tensor named '" + name + "'");
  if (t->dtype == DType::Unsupported) throw CheckpointError("'" + name + "' has a dtype this reader does not convert");
  if (t->numel() > kInspectMaxElements)
    throw CheckpointError("'" + name + "' has " + std::to_string(t->numel()) + " elements; tensors up to " +
                          std::to_string(kInspectMaxElements) + " are inspected here");
  TensorSummary s;
  s.info = *t;
  const std::vector<double> v = c.values(name);
  // Two passes: the mean, then the squared deviations from it (E[x^2] - mean^2 cancels every
  // digit when |mean| >> std); sums scaled by the largest magnitude, so no square overflows.
  long double sum = 0;
  s.min = std::numeric_limits<double>::infinity(), s.max = -s.min;
  for (double x : v) {
    if (!std::isfinite(x)) {
      ++s.nonFinite;
      continue;
    }
    ++s.finite;
    s.zeros += x == 0;
    s.min = std::min(s.min, x), s.max = std::max(s.max, x);
    sum += x;
  }
  if (s.finite) {
    s.mean = static_cast<double>(sum / s.finite);
    const double scale = std::max(std::abs(s.min), std::abs(s.max));
    if (scale > 0) {
      long double dev = 0, sq = 0;
      for (double x : v)
        if (std::isfinite(x)) {
          const long double d = (static_cast<long double>(x) - s.mean) / scale, u = x / scale;
          dev += d * d, sq += u * u;
        }
      s.std = scale * static_cast<double>(std::sqrt(dev / s.finite));
      s.norm = scale * static_cast<double>(std::sqrt(sq));
    }
  } else {
    s.min = s.max = 0;  // no statistics: the summary's `finite` says so
  }
  s.first.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(8, v.size())));
  if (t->shape.size() == 2 && !v.empty()) {
    const int64_t R = t->shape[0], C = t->shape[1];
    const int64_t pr = std::min<int64_t>(R, kInspectPictureSize), pc = std::min<int64_t>(C, kInspectPictureSize);
    Eigen::MatrixXd total = Eigen::MatrixXd::Zero(pr, pc), count = Eigen::MatrixXd::Zero(pr, pc);
    for (int64_t r = 0; r < R; ++r)
      for (int64_t k = 0; k < C; ++k) {
        const double x = v[static_cast<size_t>(r * C + k)];
        if (!std::isfinite(x)) continue;
        total(r * pr / R, k * pc / C) += x;
        count(r * pr / R, k * pc / C) += 1;
      }
    s.picture = total.cwiseQuotient(count);  // 0/0: NaN, a block without a finite value
  }
  return s;
}

}  // namespace lpm::io
