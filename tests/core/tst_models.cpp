// The penalized budget form and the supervised contrastive model (lpm-models.md §1, §3, §5): every
// solve certified, against closed forms and against an independent CVXOPT solver
// (tests/scripts/reference_penalized.py, reference_supcon.py; their tables committed). Label core.
#include <QFile>
#include <QTest>

#include <cmath>

#include "lpm/Design.h"
#include "lpm/Metrics.h"
#include "lpm/Parameters.h"
#include "lpm/Presets.h"
#include "lpm/Report.h"
#include "lpm/Session.h"
#include "lpm/Solver.h"
#include "lpm/Sweep.h"
#include "lpm/io/Checkpoint.h"
#include "lpm/io/Network.h"

#include <QTemporaryDir>
#include <fstream>

#include "ReferenceTables.h"

using namespace lpm;

namespace {

TwoSizeParams penalized(int KA, int KB, double nA, double R, double mu, LossKind kind = LossKind::CE) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.R = R, p.nA = nA;
  p.budget = Budget::Penalized;
  p.penalty.lambdaW = p.penalty.lambdaH = mu;
  p.loss.kind = kind;
  return p;
}

TwoSizeParams supcon(int KA, int KB, double EH, double t, double R) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.EH = EH, p.R = R;
  p.model = ModelKind::SupCon;
  p.temperature = t;
  return p;
}

struct Solved {
  Solution s;
  Metrics m;
};
Solved solved(const Problem& p) {
  Solved r{solve(p), {}};
  r.m = computeMetrics(r.s);
  return r;
}
Solved solved(const TwoSizeParams& p) { return solved(makeTwoSize(p)); }

void requireCertified(const Solution& s) {
  QVERIFY2(s.certified, qPrintable(QString("gap %1, objective %2").arg(s.gap).arg(s.objective)));
  QVERIFY(s.relativeGap() <= 1e-9);
}

using test::referenceLoss;
using test::Table;

// Objective 1e-6 relative, cosines and norm ratios 1e-4 where the reference has them, states equal.
struct Worst {
  double objective = 0, cosine = 0;
};
void compareRow(const Table& t, const QStringList& row, const Solution& s, const Metrics& m, const QString& where,
                Worst& worst, bool classifiers) {
  QVERIFY2(s.certified && s.relativeGap() <= 1e-9, qPrintable(where + QString(" gap %1").arg(s.gap)));
  const double ref = t.num(row, "objective");
  const double err = std::abs(s.objective - ref) / std::max(std::abs(ref), 1e-300);
  worst.objective = std::max(worst.objective, err);
  QVERIFY2(err <= 1e-6, qPrintable(where + QString(" objective %1 vs %2").arg(s.objective, 0, 'g', 12).arg(ref, 0, 'g', 12)));
  auto near = [&](const char* column, std::optional<double> ours) {
    const QString text = t.at(row, column);
    if (text.isEmpty() || text == "nan") return;
    QVERIFY2(ours, qPrintable(where + " " + column + ": ours is null, the reference has " + text));
    const double d = std::abs(*ours - text.toDouble());
    worst.cosine = std::max(worst.cosine, d);
    QVERIFY2(d <= 1e-4, qPrintable(where + " " + column + QString(": %1 vs %2").arg(*ours).arg(text)));
  };
  const QString fstate = t.at(row, classifiers ? "feature_state" : "state");
  QCOMPARE(QString::fromStdString(toString(m.featureState)), fstate);
  const bool liveH = fstate == "spread" || fstate == "collapsed";
  if (liveH) near("minority_feature_cos", m.minorityH.meanCos);
  near("majority_feature_cos", m.majorityH.meanCos);
  if (!classifiers && liveH) near("between_feature_cos", m.betweenFeatureCos);
  if (m.majorityH.normMean > 0 && m.minorityH.normMean > 0)
    near("minority_feature_norm_ratio", m.minorityH.normMean / m.majorityH.normMean);
  if (!classifiers) return;
  const QString state = t.at(row, "state");
  QCOMPARE(QString::fromStdString(toString(m.minorityState)), state);
  if (state == "spread" || state == "collapsed") near("minority_cos", m.minorityCos());
  near("majority_cos", m.majorityW.meanCos);
  if (state == "spread" || state == "collapsed") near("between_cos", m.betweenCos);
  if (m.majorityW.normMean > 0 && m.minorityW.normMean > 0)
    near("minority_norm_ratio", m.minorityW.normMean / m.majorityW.normMean);
}

}  // namespace

class TestModels : public QObject {
  Q_OBJECT
private slots:
  // 216 penalized solves: six losses, KA 3/5/7, R 1/5/20, mu 1e-3/3e-3, no bias and lambda_b = 1e-2,
  // against tests/scripts/reference_penalized.py (CVXOPT on the PSD embedding, then polished).
  void penalizedMatchesTheIndependentReference() {
    const Table t(QStringLiteral(LPM_TEST_DATA_DIR "/reference_penalized.csv"));
    QCOMPARE(t.rows.size(), size_t(216));
    Worst worst;
    for (const auto& row : t.rows) {
      TwoSizeParams p = penalized(t.at(row, "KA").toInt(), t.at(row, "KB").toInt(), t.num(row, "nA"), t.num(row, "R"),
                                  t.num(row, "lambda_W"));
      p.penalty.lambdaH = t.num(row, "lambda_H");
      p.penalty.lambdaB = t.num(row, "lambda_b");
      p.loss = referenceLoss(t.at(row, "loss"), t.at(row, "params"));
      const auto r = solved(p);
      compareRow(t, row, r.s, r.m, row.mid(0, 9).join(','), worst, true);
      if (QTest::currentTestFailed()) return;
    }
    qInfo("penalized reference: %zu rows, worst objective error %.1e, worst cosine/ratio error %.1e", t.rows.size(),
          worst.objective, worst.cosine);
  }

  // 48 supervised contrastive solves: KA 3/5/7, EH 1/5, t 0.5/1, R 1..1000 (tests/scripts/reference_supcon.py).
  void supconMatchesTheIndependentReference() {
    const Table t(QStringLiteral(LPM_TEST_DATA_DIR "/reference_supcon.csv"));
    QCOMPARE(t.rows.size(), size_t(48));
    Worst worst;
    for (const auto& row : t.rows) {
      const auto r = solved(supcon(t.at(row, "KA").toInt(), t.at(row, "KB").toInt(), t.num(row, "EH"), t.num(row, "t"),
                                   t.num(row, "R")));
      compareRow(t, row, r.s, r.m, row.mid(0, 5).join(','), worst, false);
      if (QTest::currentTestFailed()) return;
    }
    qInfo("supcon reference: %zu rows, worst objective error %.1e, worst cosine/ratio error %.1e", t.rows.size(),
          worst.objective, worst.cosine);
  }

  // lpm-models.md §5: penalized MSE without bias is a singular-value threshold of D^{1/2}:
  // Z* = diag((1 - N mu / sqrt(n_k))_+); class k vanishes exactly when n_k <= (N mu)^2.
  void penalizedMseIsAThreshold() {
    const std::vector<double> n{500, 500, 500, 100, 100, 20, 20};
    for (double mu : {1e-3, 3e-3}) {
      TwoSizeParams p = penalized(1, 1, 1, 1, mu, LossKind::MSE);
      const auto r = solved(makeFromSizes(p, n, {5, 6}));
      requireCertified(r.s);
      const double N = 1740;
      const Eigen::MatrixXd Z = r.s.Z.expand(r.s.groups, 7);
      for (int k = 0; k < 7; ++k)
        for (int j = 0; j < 7; ++j) {
          const double want = k == j ? std::max(0.0, 1 - N * mu / std::sqrt(n[k])) : 0.0;
          QVERIFY2(std::abs(Z(k, j) - want) < 1e-6, qPrintable(QString("mu %1 Z(%2,%3) = %4, want %5").arg(mu).arg(k).arg(j).arg(Z(k, j)).arg(want)));
        }
      // mu = 3e-3: (N mu)^2 = 27.2, so the two classes of 20 vanish exactly and the rest survive.
      if (mu == 3e-3) {
        QCOMPARE(toString(r.m.minorityState), std::string("vanished"));
        QCOMPARE(r.m.minorityW.normMean, 0.0);
      } else {
        QCOMPARE(toString(r.m.minorityState), std::string("spread"));
        QVERIFY(std::abs(*r.m.minorityCos()) < 1e-6);  // survivors orthogonal
      }
    }
  }

  // A single class vanishing inside the minority: the rest is left with one survivor.
  void partlyVanished() {
    TwoSizeParams p = penalized(1, 1, 1, 1, 3e-3, LossKind::MSE);
    const auto r = solved(makeFromSizes(p, {500, 500, 500, 100, 20}, {3, 4}));
    requireCertified(r.s);
    QCOMPARE(toString(r.m.minorityState), std::string("partly_vanished"));
    QCOMPARE(r.m.minorityW.vanished, 1);
    QVERIFY(!r.m.minorityCos());
  }

  // lpm-models.md §5: penalized CE, two sizes: the minority classifiers coincide once
  // mu >= sqrt(n_B) / N, and everything is zero once mu >= sqrt(n_A) / N (K = 10, n_A = 500, n_B = 100).
  void penalizedCeThresholds() {
    const double N = 5 * 500 + 5 * 100, collapse = std::sqrt(100.0) / N, all = std::sqrt(500.0) / N;
    const auto below = solved(penalized(5, 5, 500, 5, 0.9 * collapse));
    requireCertified(below.s);
    QCOMPARE(toString(below.m.minorityState), std::string("spread"));
    QVERIFY(*below.m.minorityCos() < 0.9);
    const auto above = solved(penalized(5, 5, 500, 5, 1.1 * collapse));
    requireCertified(above.s);
    QCOMPARE(toString(above.m.minorityState), std::string("collapsed"));
    QVERIFY(*above.m.minorityCos() > 1 - 1e-9);
    const auto gone = solved(penalized(5, 5, 500, 5, 1.05 * all));
    requireCertified(gone.s);
    QCOMPARE(toString(gone.m.minorityState), std::string("all_vanished"));
    QCOMPARE(toString(gone.m.featureState), std::string("all_vanished"));
    QCOMPARE(gone.s.nuclearNorm, 0.0);
    QVERIFY(std::abs(gone.s.objective - std::log(10.0)) < 1e-12);  // the loss at Z = 0, no penalty
    const auto json = solutionJson(gone.s, gone.m, false);
    QVERIFY(json["minority_cos"].is_null());
    QCOMPARE(json["formulation"].get<std::string>(), std::string("penalized"));
  }

  // The same threshold as an R0: the collapse condition sqrt(nA / R) / (KA nA + KB nA / R) = mu,
  // found by the transition search to its tolerance.
  void penalizedR0MatchesThreshold() {
    const double mu = 1e-3, nA = 500;
    TwoSizeParams p = penalized(5, 5, nA, 1, mu);
    const auto t = phaseTransitionRatio(p);
    QVERIFY(t.collapse.status == Bracket::Found);
    // Bisection for the closed form.
    double lo = 1, hi = 1e6;
    auto g = [&](double R) { return std::sqrt(nA / R) / (5 * nA + 5 * nA / R) - mu; };
    for (int i = 0; i < 200; ++i) {
      const double mid = std::sqrt(lo * hi);
      (g(mid) > 0 ? lo : hi) = mid;
    }
    QVERIFY2(std::abs(t.collapse.R / lo - 1) < 2e-3, qPrintable(QString("R0 %1, closed form %2").arg(t.collapse.R).arg(lo)));
  }

  // The penalized form is a different model: absolute sizes matter (the constrained one sees
  // only their ratios), and a bias changes the optimum.
  void penalizedIsADifferentModel() {
    const auto small = solved(penalized(5, 5, 50, 20, 1e-3)), large = solved(penalized(5, 5, 5000, 20, 1e-3));
    requireCertified(small.s);
    requireCertified(large.s);
    QVERIFY(small.m.minorityCos() && large.m.minorityCos());
    QVERIFY(std::abs(*small.m.minorityCos() - *large.m.minorityCos()) > 0.1);
    TwoSizeParams biased = penalized(5, 5, 500, 20, 1e-3);
    biased.penalty.lambdaB = 1e-2;
    const auto b = solved(biased), nb = solved(penalized(5, 5, 500, 20, 1e-3));
    requireCertified(b.s);
    QVERIFY(b.s.objective < nb.s.objective);  // a free-ish bias can only help
    TwoSizeParams c;
    c.KA = c.KB = 5, c.R = 20;
    const auto cons = solved(c);
    QVERIFY(std::abs(*cons.m.minorityCos() - *nb.m.minorityCos()) > 1e-3);
  }

  // Every loss in the penalized form, with and without bias, and the losses that reduce to CE.
  void penalizedEveryLossCertified() {
    for (const auto& name : lossNames())
      for (double lb : {kInfinity, 1e-2})
        for (double R : {1.0, 10.0, kInfinity}) {
          TwoSizeParams p = penalized(3, 7, 500, R, 2e-3, lossFromString(name));
          p.penalty.lambdaB = lb;
          if (name == "label-smoothing") p.loss.alpha = 0.1;
          if (name == "logit-adjusted") p.loss.tau = 1;
          if (name == "ldam") p.loss.margin = 0.5;
          if (name == "vs") p.loss.gamma = 0.2, p.loss.tau = 0.5;
          if (std::isinf(R) && (name == "logit-adjusted" || name == "ldam" || name == "vs")) continue;  // log n_j
          const auto r = solved(p);
          QVERIFY2(r.s.certified, qPrintable(QString("%1 lb %2 R %3: gap %4").arg(QString::fromStdString(name)).arg(lb).arg(R).arg(r.s.gap)));
        }
    TwoSizeParams ce = penalized(3, 7, 500, 10, 2e-3);
    const double f = solved(ce).s.objective;
    for (const auto& name : {"label-smoothing", "logit-adjusted", "ldam", "vs"}) {
      TwoSizeParams p = ce;
      p.loss.kind = lossFromString(name);
      QVERIFY(std::abs(solved(p).s.objective - f) < 1e-9 * f);
    }
  }

  // The reduced solver (two groups) and the general one (every class its own group) agree.
  void penalizedReducedEqualsGeneral() {
    TwoSizeParams p = penalized(3, 4, 500, 8, 1.5e-3);
    p.penalty.lambdaB = 1e-2;
    const Problem q = makeTwoSize(p);
    SolveOptions o;
    o.kind = SolverKind::General;
    const Solution g = solve(q, o), r = solve(q);
    QVERIFY(g.certified && r.certified);
    QVERIFY(std::abs(g.objective - r.objective) < 1e-8 * r.objective);
    const Metrics mg = computeMetrics(g), mr = computeMetrics(r);
    QVERIFY(std::abs(*mg.minorityCos() - *mr.minorityCos()) < 1e-5);
    // The recovered factors reproduce the Grams and the penalty: lW ||W||^2 = lH sum_k n_k ||h_k||^2.
    const ClassVectors v = r.vectors();
    const Eigen::MatrixXd Z = r.Z.expand(r.groups, q.K());
    QVERIFY((v.H * v.W.transpose() - Z).norm() < 1e-8 * Z.norm());
    double hh = 0;
    for (int k = 0; k < q.K(); ++k) hh += q.classSize[k] * v.H.row(k).squaredNorm();
    QVERIFY(std::abs(p.penalty.lambdaW * v.W.squaredNorm() - p.penalty.lambdaH * hh) < 1e-6 * hh * p.penalty.lambdaH);
  }

  // Theorem 3: balanced supervised contrastive optimum is the simplex ETF, Q = EH K/(K-1) (I - 11^T/K),
  // objective log(1/K) + log(1 + (K-1) exp(-EH K / ((K-1) t))).
  void supconBalancedIsEtf() {
    for (double EH : {1.0, 5.0})
      for (double t : {0.5, 1.0}) {
        const auto r = solved(supcon(5, 5, EH, t, 1));
        requireCertified(r.s);
        const int K = 10;
        const double want = std::log(1.0 / K) + std::log1p((K - 1) * std::exp(-EH * K / ((K - 1) * t)));
        QVERIFY2(std::abs(r.s.objective - want) < 1e-9 * std::abs(want), qPrintable(QString("%1 vs %2").arg(r.s.objective).arg(want)));
        const Eigen::MatrixXd Q = r.s.XHH.expand(r.s.groups, K);
        const Eigen::MatrixXd etf = EH * K / (K - 1.0) * (Eigen::MatrixXd::Identity(K, K) - Eigen::MatrixXd::Constant(K, K, 1.0 / K));
        QVERIFY((Q - etf).norm() < 1e-5 * etf.norm());
        QCOMPARE(toString(r.m.minorityState), std::string("na"));  // no classifiers
        QCOMPARE(toString(r.m.featureState), std::string("spread"));
      }
  }

  // Imbalance: the minority features draw together and then vanish; every solve certified, and
  // the reduced and general solvers agree.
  void supconImbalanced() {
    const auto spread = solved(supcon(5, 5, 1, 0.5, 2));
    requireCertified(spread.s);
    const auto collapsed = solved(supcon(5, 5, 1, 0.5, 10));
    requireCertified(collapsed.s);
    QCOMPARE(toString(collapsed.m.featureState), std::string("collapsed"));
    QVERIFY(*spread.m.minorityH.meanCos < *collapsed.m.minorityH.meanCos);
    const Problem q = makeTwoSize(supcon(3, 4, 5, 1, 30));
    SolveOptions o;
    o.kind = SolverKind::General;
    const Solution g = solve(q, o), r = solve(q);
    QVERIFY(g.certified && r.certified);
    QVERIFY(std::abs(g.objective - r.objective) < 1e-8 * std::abs(r.objective));
    const auto json = solutionJson(r, computeMetrics(r), false);
    QCOMPARE(json["model"].get<std::string>(), std::string("supcon"));
    QVERIFY(json["minority_cos"].is_null());
    QCOMPARE(json["minority_state"].get<std::string>(), std::string("na"));
  }

  // Refusals, each by name, nothing half-applied.
  void badInput() {
    TwoSizeParams p = penalized(5, 5, 500, 10, 1e-3);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "lambda-W", -1.0));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "lambda-b", 0.0));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "temperature", 0.0));
    QCOMPARE(p.penalty.lambdaW, 1e-3);
    // Choices that do not enter the model are set aside by makeTwoSize (the panel hides them, the
    // command line refuses them by name); a Problem built by hand with them is refused.
    TwoSizeParams f = p;
    f.fixedEtf = true;
    QVERIFY(!makeTwoSize(f).fixedEtfClassifier);
    QVERIFY(defaultQuantity(f) == CurveQuantity::ClassifierCos);  // the story stays the classifiers'
    QVERIFY(!computeMetrics(solve(makeTwoSize(f))).features);
    TwoSizeParams s = supcon(5, 5, 1, 1, 10);
    s.budget = Budget::Penalized;
    s.loss.kind = LossKind::LDAM;
    const Problem q = makeTwoSize(s);
    QVERIFY(!q.penalized() && q.loss.kind == LossKind::CE);
    Problem bad = q;
    bad.budget = Budget::Penalized;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, solve(bad));
    bad = q;
    bad.loss.kind = LossKind::LDAM;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, solve(bad));
    Problem etf = makeTwoSize(p);
    etf.fixedEtfClassifier = true;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, solve(etf));
  }

  // The new presets show what their titles say.
  void presetsShowTheirTitles() {
    const auto wd = solved(findPreset("weight-decay")->params);
    requireCertified(wd.s);
    QCOMPARE(toString(wd.m.minorityState), std::string("collapsed"));
    const auto mse = solved(findPreset("mse-weight-decay")->params);
    requireCertified(mse.s);
    QCOMPARE(toString(mse.m.minorityState), std::string("vanished"));
    QCOMPARE(mse.m.minorityW.normMean, 0.0);  // exactly
    const auto etf = solved(findPreset("fixed-etf")->params);
    requireCertified(etf.s);
    QVERIFY(std::abs(*etf.m.minorityCos() + 1.0 / 9) < 1e-9);  // the fixed ETF's own cosine
    const TwoSizeParams sc = findPreset("supcon")->params;
    const auto t = phaseTransitionRatio(sc);
    QVERIFY(t.features);
    QVERIFY2(std::abs(*t.R0() - 9.69) < 0.01 && std::abs(*t.vanish.value() - 34.6) < 0.1, t.summary().c_str());
    QCOMPARE(toString(solved(sc).m.featureState), std::string("collapsed"));
  }

  // The binned model (real sizes): exact when the bins are, certified for the binned sizes always.
  void binnedModel() {
    // Two sizes in four classes each: two quantile bins hold equal sizes, so binning changes nothing.
    const std::vector<double> n{1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1};
    const Problem exact = makeFromSizes(1, 5, n);
    const Problem b = binSizes(exact, 2);
    QCOMPARE(b.classSize, exact.classSize);
    QCOMPARE(b.binned, 2);
    const Solution se = solve(exact), sb = solve(b);
    QVERIFY(se.certified && sb.certified);
    QCOMPARE(sb.objective, se.objective);
    // A long tail of K = 1000: 32 groups of ~31 classes, geometric means, certified; the JSON says so.
    TwoSizeParams p;
    p.KA = 500, p.KB = 500, p.R = 100, p.profile = SizeProfile::Exponential, p.bins = 32;
    const Problem q = makeTwoSize(p);
    QCOMPARE(q.binned, 32);
    std::vector<double> distinct = q.classSize;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    QCOMPARE(distinct.size(), size_t(32));
    // Each bin's size is the geometric mean of its classes' own sizes: the first bin, classes 0..30.
    double logMean = 0;
    for (int k = 0; k < 31; ++k) logMean += std::log(std::pow(100.0, -k / 999.0));
    QVERIFY(std::abs(q.classSize[0] - std::exp(logMean / 31)) < 1e-12);
    const Solution s = solve(q);
    QVERIFY(s.certified && s.groups.size() <= 33);
    const auto json = solutionJson(s, computeMetrics(s), false);
    QCOMPARE(json["binned_groups"].get<int>(), 32);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, binSizes(exact, 0));
    // Empty classes keep size 0, in a group of their own.
    const Problem z = binSizes(makeFromSizes(1, 5, {3, 2, 1, 0, 0}), 2);
    QCOMPARE(z.classSize[3], 0.0);
    QCOMPARE(z.binned, 3);
  }

  // Class counts from a file: text with comments and separators, or a 1-D .npy; bad values by name.
  void countsFiles() {
    QTemporaryDir dir;
    const std::string txt = dir.filePath("counts.txt").toStdString();
    std::ofstream(txt) << "# token frequencies\n5000, 2000;1000\n\t 10 5 # tail\n";
    QCOMPARE(io::readCountsFile(txt), (std::vector<double>{5000, 2000, 1000, 10, 5}));
    const std::string bad = dir.filePath("bad.csv").toStdString();
    std::ofstream(bad) << "1,2,x\n";
    try {
      io::readCountsFile(bad);
      QFAIL("a bad token was read");
    } catch (const InvalidInput& e) {
      QVERIFY2(std::string(e.what()).find("bad.csv:1: a count must be a number, got 'x'") != std::string::npos, e.what());
    }
    const std::string neg = dir.filePath("neg.txt").toStdString();
    std::ofstream(neg) << "3 -1 2\n";
    QVERIFY_THROWS_EXCEPTION(InvalidInput, io::readCountsFile(neg));
    const std::string one = dir.filePath("one.txt").toStdString();
    std::ofstream(one) << "3 0 0\n";
    QVERIFY_THROWS_EXCEPTION(InvalidInput, io::readCountsFile(one));
    // A 1-D float64 .npy, written byte by byte (format 1.0).
    const std::string npy = dir.filePath("c.npy").toStdString();
    {
      std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
      while ((10 + header.size() + 1) % 64) header += ' ';
      header += '\n';
      std::ofstream f(npy, std::ios::binary);
      f << "\x93NUMPY" << char(1) << char(0);
      const uint16_t len = static_cast<uint16_t>(header.size());
      f.write(reinterpret_cast<const char*>(&len), 2);
      f << header;
      const double v[3] = {7, 3, 1};
      f.write(reinterpret_cast<const char*>(v), sizeof v);
    }
    QCOMPARE(io::readCountsFile(npy), (std::vector<double>{7, 3, 1}));
    QVERIFY_THROWS_EXCEPTION(IoError, io::readCountsFile(dir.filePath("missing.txt").toStdString()));
    QVERIFY_THROWS_EXCEPTION(IoError, io::readCountsFile(dir.path().toStdString()));  // a folder: "under 256 MB" before
  }

  // Sessions and the registry carry the new parameters.
  void sessionsCarryTheModel() {
    TwoSizeParams p = penalized(4, 6, 2000, 50, 2e-3, LossKind::LDAM);
    p.loss.margin = 0.3;
    p.penalty.lambdaB = 5e-3;
    TwoSizeParams q;
    for (const auto& spec : parameterRegistry()) setParameter(q, spec.name, parameterText(p, spec.name));
    QVERIFY(sameParameters(p, q));
    TwoSizeParams sc = supcon(5, 5, 2, 0.7, 10);
    TwoSizeParams r;
    applyAssignment(r, "model=supcon");
    applyAssignment(r, "temperature=0.7");
    applyAssignment(r, "EH=2");
    applyAssignment(r, "R=10");
    QVERIFY(sameParameters(sc, r));
  }

  // Design: the largest lambda that keeps the minority cosine <= 0.5 (weight decay drives collapse).
  void designLambda() {
    TwoSizeParams p = penalized(5, 5, 500, 1, 1e-3);
    DesignQuery q;
    q.parameter = "lambda";
    q.targetCos = 0.5;
    q.R = 20;
    q.lo = 1e-4;
    q.hi = 1e-2;
    const auto r = designValue(p, q);
    QVERIFY(r.status == Bracket::Found);
    QVERIFY(!r.smallest);
    TwoSizeParams at = p;
    at.R = 20;
    at.penalty.lambdaW = at.penalty.lambdaH = *r.value * 0.999;
    QVERIFY(*solved(at).m.minorityCos() <= 0.5);
    at.penalty.lambdaW = at.penalty.lambdaH = *r.value * 1.01;
    const auto past = solved(at).m.minorityCos();
    QVERIFY(!past || *past > 0.5);
    // Supcon has no classifiers: the query follows the minority features' cosine.
    DesignQuery t;
    t.parameter = "temperature";
    t.targetCos = 0.5;
    t.R = 20;
    t.lo = 0.05;
    t.hi = 5;
    const auto rt = designValue(supcon(5, 5, 1, 1, 20), t);
    QVERIFY(rt.status == Bracket::Found && !rt.smallest);
    const auto below = solved(supcon(5, 5, 1, *rt.value * 0.999, 20)).m;
    QVERIFY(below.observedCos() && *below.observedCos() <= 0.5);
  }
};

QTEST_APPLESS_MAIN(TestModels)
#include "tst_models.moc"
