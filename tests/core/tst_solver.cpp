// The solver against closed forms, an independent interior-point solver (CVXOPT), and itself.
#include <QFile>
#include <QTest>

#include <cmath>
#include <random>

#include "lpm/Metrics.h"
#include "lpm/Presets.h"
#include "lpm/Solver.h"

#include "ReferenceTables.h"

using namespace lpm;

namespace {

Problem twoSize(int KA, int KB, double EW, double EH, double R, double wr = 1) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.EW = EW, p.EH = EH, p.R = R, p.wr = wr;
  return makeTwoSize(p);
}

double minorityCosFull(const Solution& s) {
  const Eigen::MatrixXd W = s.XWW.expand(s.groups, s.problem.K());
  double sum = 0;
  int n = 0;
  for (int a : s.problem.minority)
    for (int b : s.problem.minority)
      if (a != b) sum += W(a, b) / std::sqrt(W(a, a) * W(b, b)), ++n;
  return sum / n;
}

}  // namespace

class TestSolver : public QObject {
  Q_OBJECT
private slots:
  void longTailsAgainstTheReference() {
    // tests/scripts/reference_longtail.py (CVXOPT + projected gradient, rel. gap ~5e-14): K = 20
    // and 30, every class its own size, solved by the general solver with its rank adaptivity.
    const test::Table t(QStringLiteral(LPM_TEST_DATA_DIR "/reference_longtail.csv"));
    QVERIFY(t.rows.size() >= 4);
    for (const auto& row : t.rows) {
      std::vector<double> sizes;
      for (const QString& v : t.at(row, "sizes").split(';')) sizes.push_back(v.toDouble());
      const int K = static_cast<int>(sizes.size());
      std::vector<int> tail;
      for (int k = K / 2; k < K; ++k) tail.push_back(k);
      const Problem p = makeFromSizes(t.num(row, "EW"), t.num(row, "EH"), sizes, tail);
      for (SolverKind kind : {SolverKind::General, SolverKind::Reduced}) {
        SolveOptions o;
        o.kind = kind;
        const Solution s = solve(p, o);
        const QString what = t.at(row, "name") + (kind == SolverKind::General ? " general" : " reduced");
        QVERIFY2(s.certified, qPrintable(what));
        QVERIFY2(std::abs(s.objective - t.num(row, "objective")) <= 1e-9 * s.objective, qPrintable(what));
        const Metrics m = computeMetrics(s);
        const QString tc = t.at(row, "tail_cos");
        if (tc != "nan") {
          QVERIFY2(m.minorityW.meanCos && std::abs(*m.minorityW.meanCos - tc.toDouble()) < 1e-5, qPrintable(what));
          QVERIFY2(m.betweenCos && std::abs(*m.betweenCos - t.num(row, "between_cos")) < 1e-5, qPrintable(what));
          QVERIFY2(std::abs(m.minorityW.normMean / m.majorityW.normMean - t.num(row, "tail_norm_ratio")) < 1e-5,
                   qPrintable(what));
        } else {
          QVERIFY2(m.vanished(), qPrintable(what));
        }
        QVERIFY2(m.majorityW.meanCos && std::abs(*m.majorityW.meanCos - t.num(row, "head_cos")) < 1e-5, qPrintable(what));
      }
    }
  }

  void paretoProfile() {
    // ImageNet-LT's shape: 1280 to 5 images (ratio 256), a Pareto law of shape 6.
    const auto n = lpm::paretoProfile(1000, 256);
    QCOMPARE(n.front(), 1.0);
    QCOMPARE(n.back(), 1.0 / 256);
    for (size_t k = 1; k < n.size(); ++k) QVERIFY(n[k] < n[k - 1]);
    // The median class: (1 + 0.5 (256^(1/6) - 1))^-6 of the largest.
    QVERIFY(std::abs(n[500] - std::pow(1 + (500.0 / 999) * (std::pow(256.0, 1 / 6.0) - 1), -6)) < 1e-15);
    const auto preset = findPreset("imagenet-lt");
    QVERIFY(preset);
    const Problem p = makeTwoSize(preset->params);
    QCOMPARE(p.K(), 1000);
    QCOMPARE(p.binned, 32);
    const Solution s = solve(p);
    QVERIFY(s.certified);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, lpm::paretoProfile(10, 0.5));
  }

  void balancedClosedForm_data() {
    QTest::addColumn<int>("K");
    QTest::addColumn<double>("EW");
    QTest::addColumn<double>("EH");
    for (int K : {2, 3, 4, 5, 7, 10, 16, 25, 37, 50})
      for (auto [EW, EH] : {std::pair{1.0, 5.0}, {0.3, 2.0}, {2.0, 10.0}})
        QTest::newRow(qPrintable(QString("K=%1 EW=%2 EH=%3").arg(K).arg(EW).arg(EH))) << K << EW << EH;
  }
  void balancedClosedForm() {
    QFETCH(int, K);
    QFETCH(double, EW);
    QFETCH(double, EH);
    const Problem p = makeFromSizes(EW, EH, std::vector<double>(K, 3.0), {0});
    const double expected = std::log(1 + (K - 1) * std::exp(-(K / (K - 1.0)) * std::sqrt(EH * EW)));
    SolveOptions o;
    for (SolverKind kind : {SolverKind::Reduced, SolverKind::General, SolverKind::ClosedForm}) {
      if (kind == SolverKind::General && K > 25) continue;  // covered by the reduced path; keeps the suite fast
      o.kind = kind;
      const Solution s = solve(p, o);
      QVERIFY2(std::abs(s.objective - expected) < 1e-10,
               qPrintable(QString("%1: %2 vs %3").arg(QString::fromStdString(toString(kind))).arg(s.objective, 0, 'g', 17).arg(expected, 0, 'g', 17)));
      QVERIFY2(s.gap <= 1e-9 && s.gap > -1e-12, qPrintable(QString("gap %1").arg(s.gap)));
      // Simplex ETF: every pair of classifiers at cosine -1/(K-1), equal norms sqrt(EW). The gap
      // pins the geometry only to ~sqrt(gap / curvature): loose where f* itself is tiny.
      const double tol = expected < 1e-3 ? 1e-3 : 1e-5;
      const Eigen::MatrixXd W = s.XWW.expand(s.groups, K);
      for (int a = 0; a < K; ++a) {
        QVERIFY(std::abs(W(a, a) - EW) < tol * EW);
        for (int b = 0; b < K; ++b)
          if (a != b) QVERIFY(std::abs(W(a, b) / std::sqrt(W(a, a) * W(b, b)) + 1.0 / (K - 1)) < tol);
      }
    }
  }

  void tinyObjectiveStillCertified() {
    // K = 2 with a large budget: f* ~ 2e-9, the gap must still be tiny in absolute terms.
    const Problem p = twoSize(1, 1, 10, 10, 3);
    for (SolverKind kind : {SolverKind::Reduced, SolverKind::General}) {
      SolveOptions o;
      o.kind = kind;
      const Solution s = solve(p, o);
      QVERIFY(s.objective > 0 && s.objective < 1e-6);
      QVERIFY2(s.gap <= 1e-9, qPrintable(QString("gap %1").arg(s.gap)));
      const auto [f, gap] = certify(p, s.Z.expand(s.groups, 2));
      QVERIFY(std::abs(f - s.objective) < 1e-15);
      QVERIFY(std::abs(gap - s.gap) < 1e-12);
    }
  }

  void reducedMatchesGeneral_data() {
    QTest::addColumn<std::vector<double>>("sizes");
    QTest::addColumn<double>("EW");
    QTest::addColumn<double>("EH");
    std::mt19937 rng(2021);
    std::uniform_int_distribution<int> Kd(1, 6);
    std::uniform_real_distribution<double> logR(0, 4), budget(-1, 2.3);
    for (int i = 0; i < 24; ++i) {  // random two-size cases
      const int KA = Kd(rng), KB = Kd(rng);
      const double R = std::pow(10, logR(rng));
      std::vector<double> sizes(KA, 1.0);
      sizes.resize(KA + KB, 1.0 / R);
      QTest::newRow(qPrintable(QString("two-size %1").arg(i))) << sizes << std::exp(budget(rng)) << std::exp(budget(rng));
    }
    for (int i = 0; i < 12; ++i) {  // random grouped cases: 3 or 4 sizes
      std::vector<double> sizes;
      const int G = 3 + i % 2;
      for (int g = 0; g < G; ++g) {
        const double n = std::pow(10, -logR(rng) / 2);
        for (int c = Kd(rng) % 4 + 1; c > 0; --c) sizes.push_back(n);
      }
      if (sizes.size() < 2) sizes.push_back(1.0);
      QTest::newRow(qPrintable(QString("grouped %1").arg(i))) << sizes << std::exp(budget(rng)) << std::exp(budget(rng));
    }
  }
  void reducedMatchesGeneral() {
    QFETCH(std::vector<double>, sizes);
    QFETCH(double, EW);
    QFETCH(double, EH);
    const Problem p = makeFromSizes(EW, EH, sizes);
    SolveOptions o;
    o.kind = SolverKind::Reduced;
    const Solution r = solve(p, o);
    o.kind = SolverKind::General;
    const Solution g = solve(p, o);
    QVERIFY2(r.gap <= 1e-9, qPrintable(QString("reduced gap %1").arg(r.gap)));
    QVERIFY2(g.gap <= 1e-9, qPrintable(QString("general gap %1").arg(g.gap)));
    QVERIFY2(std::abs(r.objective - g.objective) <= 1e-9,
             qPrintable(QString("%1 vs %2").arg(r.objective, 0, 'g', 16).arg(g.objective, 0, 'g', 16)));
    // Each certificate, recomputed independently from the class-level logits.
    QVERIFY(certify(p, r.Z.expand(r.groups, p.K())).gap <= 1e-9);
    QVERIFY(certify(p, g.Z.expand(g.groups, p.K())).gap <= 1e-9);
    QVERIFY(r.groups.size() <= g.groups.size());
  }

  void matchesCvxopt() {
    QFile f(QStringLiteral(LPM_TEST_DATA_DIR "/cvxopt_reference.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto header = f.readLine();
    QVERIFY(header.startsWith("kind,sizes"));
    int rows = 0, cosChecked = 0;
    while (!f.atEnd()) {
      const auto cols = QString::fromUtf8(f.readLine()).trimmed().split(',');
      QCOMPARE(cols.size(), 12);
      std::vector<double> sizes;
      for (const auto& s : cols[1].split(';')) sizes.push_back(s.toDouble());
      const double EW = cols[2].toDouble(), EH = cols[3].toDouble();
      const int KA = cols[4].toInt();
      std::vector<int> minority;
      if (cols[0] == "two-size" || cols[0] == "oversampled")
        for (int k = KA; k < static_cast<int>(sizes.size()); ++k) minority.push_back(k);
      const Problem p = makeFromSizes(EW, EH, sizes, minority);
      const Solution s = solve(p);
      QVERIFY2(s.gap <= 1e-9, qPrintable(QString("row %1: gap %2").arg(rows).arg(s.gap)));
      const double ref = cols[7].toDouble();
      // CVXOPT's own accuracy is the limit here: its objective may sit slightly above f*.
      QVERIFY2(std::abs(s.objective - ref) <= 1e-6,
               qPrintable(QString("row %1: %2 vs cvxopt %3").arg(rows).arg(s.objective, 0, 'g', 15).arg(ref, 0, 'g', 15)));
      QVERIFY2(s.objective <= ref + 1e-9, "certified optimum above an interior-point solution");
      const Metrics m = computeMetrics(s);
      const double refCos = cols[8].toDouble();
      if (m.minorityCos() && std::isfinite(refCos) && cols[10] == "optimal" && m.minorityW.normMean > 1e-2) {
        QVERIFY2(std::abs(*m.minorityCos() - refCos) < 1e-4,
                 qPrintable(QString("row %1: cos %2 vs %3").arg(rows).arg(*m.minorityCos()).arg(refCos)));
        ++cosChecked;
      }
      ++rows;
    }
    QVERIFY(rows >= 130);
    QVERIFY(cosChecked >= 40);
  }

  void infiniteImbalance() {
    // R = inf: minority weight 0; the minority features vanish (Lemma 5).
    const Problem p = twoSize(5, 5, 1, 5, kInfinity);
    const Solution s = solve(p);
    QVERIFY(s.gap <= 1e-9);
    const Metrics m = computeMetrics(s);
    QVERIFY(m.minorityH.normMean < 1e-3);
  }

  void vanishingMinority() {
    // KA = 7, K = 10, EW EH = 5: the minority classifiers are exactly 0 from R ~ 5.7.
    const Metrics before = computeMetrics(solve(twoSize(7, 3, 1, 5, 4.5)));
    const Metrics after = computeMetrics(solve(twoSize(7, 3, 1, 5, 20)));
    QCOMPARE(toString(before.minorityState), std::string("collapsed"));
    QCOMPARE(toString(after.minorityState), std::string("vanished"));
    QVERIFY(!after.minorityCos().has_value());
    QVERIFY(after.minorityW.normMean < 1e-3);
    QVERIFY(before.minorityW.normMean > 0.05);
    // K = 20, KA = 10: already vanished at R = 10.
    QCOMPARE(toString(computeMetrics(solve(twoSize(10, 10, 1, 5, 10))).minorityState), std::string("vanished"));
  }

  // Many groups (G > 32: the factor-space candidate and the kept L-BFGS pairs): a minority that
  // vanishes is made exactly zero, as the reduced solver makes it; a small class that is alive
  // (the long tail's smallest, ~5e-3 sqrt(EW)) is kept.
  void manyGroupsVanishing() {
    SolveOptions general;
    general.kind = SolverKind::General;
    const Problem p = twoSize(20, 20, 1, 5, 10);
    const Solution g = solve(p, general), r = solve(p);
    QVERIFY(g.certified && r.certified);
    QCOMPARE(static_cast<int>(g.groups.size()), 40);
    QVERIFY(std::abs(g.objective - r.objective) <= certificateTarget(g.objective, g.gain) + certificateTarget(r.objective, r.gain));
    const Metrics m = computeMetrics(g);
    QCOMPARE(toString(m.minorityState), std::string("vanished"));
    QCOMPARE(m.minorityW.normMean, 0.0);
    QVERIFY(m.majorityW.normMean > 0.5);
    QVERIFY(std::abs(g.nuclearNorm - g.radius) <= 1e-9 * g.radius);  // on the budget

    const Solution t = solve(makeFromSizes(1, 5, exponentialProfile(60, 100)), general);
    QVERIFY(t.certified);
    const Metrics mt = computeMetrics(t);
    QVERIFY2(mt.minorityW.normMean > 1e-3, qPrintable(QString::number(mt.minorityW.normMean)));
    // The Grams from the factors' SVD are the completion of the published logits.
    const Eigen::MatrixXd Z = t.Z.expand(t.groups, 60), W = t.XWW.expand(t.groups, 60);
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(Z, Eigen::ComputeFullV);
    const Eigen::MatrixXd root = std::sqrt(1.0 / 5) * svd.matrixV() * svd.singularValues().asDiagonal() * svd.matrixV().transpose();
    QVERIFY((W - root).norm() <= 1e-10 * root.norm());
    QVERIFY(std::abs(t.nuclearNorm - svd.singularValues().sum()) <= 1e-10 * t.nuclearNorm);
  }

  void scalingOnlyProductMatters() {
    const Solution a = solve(twoSize(3, 7, 0.5, 10, 30)), b = solve(twoSize(3, 7, 1, 5, 30));
    QVERIFY(std::abs(a.objective - b.objective) < 2e-9);
    QVERIFY(std::abs(*computeMetrics(a).minorityCos() - *computeMetrics(b).minorityCos()) < 1e-6);
  }

  void oversamplingActsLikeLargerMinority() {
    // Prop. 1: wr multiplies n_B, so (R, wr) equals (R / wr, 1).
    const Solution a = solve(twoSize(5, 5, 1, 5, 1000, 10)), b = solve(twoSize(5, 5, 1, 5, 100, 1));
    QVERIFY(std::abs(a.objective - b.objective) < 1e-9);
    const double cosA = minorityCosFull(a), cosB = minorityCosFull(b);
    QVERIFY(std::abs(cosA - cosB) < 1e-6);
  }

  void reducedCostDoesNotGrowWithK() {
    const Solution small = solve(twoSize(5, 5, 1, 5, 50)), huge = solve(twoSize(50000, 50000, 1, 5, 50));
    QVERIFY(huge.gap <= 1e-9);
    QCOMPARE(small.groups.size(), size_t(2));
    QCOMPARE(huge.groups.size(), size_t(2));
    QCOMPARE(huge.state.size(), small.state.size());
  }

  void warmStartAgrees() {
    const Solution a = solve(twoSize(3, 7, 1, 5, 40));
    SolveOptions o;
    o.warmStart = std::make_shared<const Eigen::VectorXd>(a.state);
    const Solution b = solve(twoSize(3, 7, 1, 5, 45), o), c = solve(twoSize(3, 7, 1, 5, 45));
    QVERIFY(std::abs(b.objective - c.objective) < 1e-9);
    QVERIFY(b.iterations <= c.iterations + 5);
  }

  void invalidInput_data() {
    QTest::addColumn<int>("KA");
    QTest::addColumn<int>("KB");
    QTest::addColumn<double>("EW");
    QTest::addColumn<double>("EH");
    QTest::addColumn<double>("R");
    QTest::addColumn<double>("wr");
    QTest::addColumn<QString>("message");
    const double nan = std::nan("");
    QTest::newRow("EW<=0") << 5 << 5 << -1.0 << 5.0 << 1.0 << 1.0 << "EW must be > 0";
    QTest::newRow("EW nan") << 5 << 5 << nan << 5.0 << 1.0 << 1.0 << "EW must be a finite number";
    QTest::newRow("EH inf") << 5 << 5 << 1.0 << kInfinity << 1.0 << 1.0 << "EH must be a finite number";
    QTest::newRow("KA<1") << 0 << 5 << 1.0 << 5.0 << 1.0 << 1.0 << "KA must be >= 1";
    QTest::newRow("KB<1") << 5 << 0 << 1.0 << 5.0 << 1.0 << 1.0 << "KB must be >= 1";
    QTest::newRow("R<1") << 5 << 5 << 1.0 << 5.0 << 0.5 << 1.0 << "R must be >= 1";
    QTest::newRow("R nan") << 5 << 5 << 1.0 << 5.0 << nan << 1.0 << "R must be a number";
    QTest::newRow("wr<=0") << 5 << 5 << 1.0 << 5.0 << 2.0 << 0.0 << "wr must be > 0";
  }
  void invalidInput() {
    QFETCH(int, KA);
    QFETCH(int, KB);
    QFETCH(double, EW);
    QFETCH(double, EH);
    QFETCH(double, R);
    QFETCH(double, wr);
    QFETCH(QString, message);
    try {
      twoSize(KA, KB, EW, EH, R, wr);
      QFAIL("accepted invalid input");
    } catch (const InvalidInput& e) {
      QVERIFY2(QString(e.what()).startsWith(message), e.what());
    }
  }
  void invalidSizes() {
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeFromSizes(1, 1, {1.0}));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeFromSizes(1, 1, {1.0, -2.0}));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeFromSizes(1, 1, {0.0, 0.0}));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeFromSizes(1, 1, {1.0, 2.0}, {5}));
    SolveOptions closed;
    closed.kind = SolverKind::ClosedForm;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, solve(makeFromSizes(1, 1, {1.0, 2.0}), closed));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, solverKindFromString("fast"));
  }

  void progressSaysWhenTheGapIsABound() {
    // Many classes: the gap on the way is the power-iteration estimate or a target the exact test
    // found missed, both lower bounds, and progress says so (shown as "gap > ..."); few: exact.
    std::vector<std::pair<double, bool>> seen;
    SolveOptions o;
    o.kind = SolverKind::General;
    o.progress = [&](int, double gap, bool atLeast) { seen.emplace_back(gap, atLeast); };
    const Solution s = solve(makeFromSizes(1, 5, exponentialProfile(100, 100)), o);
    QVERIFY(s.certified);
    QVERIFY(seen.size() >= 5);
    QVERIFY(std::any_of(seen.begin(), seen.end(), [](const auto& p) { return p.second; }));
    for (const auto& [gap, atLeast] : seen) QVERIFY(std::isfinite(gap) && gap > 0);
    seen.clear();
    const Solution few = solve(makeFromSizes(1, 5, exponentialProfile(12, 100)), o);
    QVERIFY(few.certified && !seen.empty());
    QVERIFY(std::none_of(seen.begin(), seen.end(), [](const auto& p) { return p.second; }));
  }

  void cancellation() {
    SolveOptions o;
    o.kind = SolverKind::General;
    o.cancel = CancelToken::make();
    o.cancel.cancel();
    const Solution s = solve(makeFromSizes(1, 5, exponentialProfile(60, 100)), o);
    QVERIFY(s.cancelled);
    QVERIFY(!s.certified);
  }
};

QTEST_APPLESS_MAIN(TestSolver)
#include "tst_solver.moc"
