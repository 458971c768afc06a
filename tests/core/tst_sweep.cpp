// Cosine-vs-R sweeps and the phase transition R0 (Figure 3 of the paper).
#include <QTest>

#include <cmath>

#include "lpm/Sweep.h"

using namespace lpm;

namespace {
TwoSizeParams fig3(int KA, double EH, double EW = 1) {
  TwoSizeParams p;
  p.KA = KA, p.KB = 10 - KA, p.EW = EW, p.EH = EH;
  return p;
}
}  // namespace

class TestSweep : public QObject {
  Q_OBJECT
private slots:
  void grid() {
    const auto R = logGrid(1, 1e4, 41);
    QCOMPARE(R.size(), size_t(41));
    QCOMPARE(R.front(), 1.0);
    QCOMPARE(R.back(), 1e4);
    QVERIFY(std::abs(R[10] - 10.0) < 1e-12);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, logGrid(0.5, 10, 5));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, logGrid(10, 1, 5));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, logGrid(1, 10, 1));
  }

  void sliderScaleFollowsTheCurve() {
    // fig3a (KA = KB = 5, EW = 1, EH = 5, R0 = 12.19) on the R slider's range 1 to 10^5: evenly in
    // log R the cosine's rise from R = 8 (0.28) to R0 is 3.7% of the slider (4 px of 110); the
    // scale that follows the curve gives it a third.
    const TwoSizeParams p = fig3(5, 5);
    auto pts = sweepR(p, logGrid(1, 1e4, 61));
    pts = refineSweep(p, pts, phaseTransitionRatio(p));
    const CurveScale even(1, 1e5), scale(1, 1e5, pts);
    QVERIFY(even.even() && !scale.even());
    const double R0 = 12.19;
    QVERIFY(even.position(R0) - even.position(8) < 0.04);
    const double share = scale.position(R0) - scale.position(8);
    QVERIFY2(share > 0.3 && share < 0.45, qPrintable(QString("8 to R0: %1 of the slider").arg(share)));
    // Half the slider is even in log R: every decade keeps at least half its even share.
    for (double R = 1; R < 1e5; R *= 10) QVERIFY(scale.position(10 * R) - scale.position(R) >= 0.5 * 0.2 - 1e-12);
    // The ends are exact; position and value invert each other and increase strictly.
    QCOMPARE(scale.value(0), 1.0);
    QCOMPARE(scale.value(1), 1e5);
    QCOMPARE(scale.position(1), 0.0);
    QCOMPARE(scale.position(1e5), 1.0);
    QCOMPARE(scale.position(1e300), 1.0);
    double last = -1;
    for (int i = 0; i <= 1000; ++i) {
      const double t = i / 1000.0, R = scale.value(t);
      QVERIFY(R > last);
      QVERIFY2(std::abs(scale.position(R) - t) < 1e-9, qPrintable(QString("t = %1").arg(t)));
      last = R;
    }
    // Nothing to follow (one minority class: no cosine): even.
    TwoSizeParams one = p;
    one.KA = 9, one.KB = 1;
    QVERIFY(CurveScale(1, 1e5, sweepR(one, logGrid(1, 1e4, 11))).even());
    QVERIFY(CurveScale(1, 1e5, {}).even());
    QVERIFY_THROWS_EXCEPTION(InvalidInput, CurveScale(0, 10));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, CurveScale(10, 10));
  }

  void figure3TwoPhases_data() {
    QTest::addColumn<int>("KA");
    QTest::addColumn<double>("EH");
    for (double EH : {5.0, 10.0})
      for (int KA : {3, 5, 7}) QTest::newRow(qPrintable(QString("EH=%1 KA=%2").arg(EH).arg(KA))) << KA << EH;
  }
  void figure3TwoPhases() {
    QFETCH(int, KA);
    QFETCH(double, EH);
    const auto pts = sweepR(fig3(KA, EH), logGrid(1, 1e4, 41));
    QCOMPARE(pts.size(), size_t(41));
    // Balanced start: simplex ETF.
    QVERIFY(std::abs(*pts[0].minorityCos + 1.0 / 9) < 1e-6);
    // Phase 1: the cosine grows with R; phase 2: it is 1 (or the minority classifiers vanish).
    bool collapsed = false;
    double last = -1;
    for (const auto& pt : pts) {
      QVERIFY2(pt.gap <= 1e-9, qPrintable(QString("gap %1 at R=%2").arg(pt.gap).arg(pt.R)));
      if (pt.state == MinorityState::Vanished) {
        QVERIFY(collapsed);  // vanishing comes after the collapse
        QVERIFY(!pt.minorityCos);
        continue;
      }
      QVERIFY2(*pt.minorityCos >= last - 1e-7, qPrintable(QString("cosine fell at R=%1").arg(pt.R)));
      last = *pt.minorityCos;
      if (collapsed) QVERIFY(*pt.minorityCos >= 1 - 1e-3);
      collapsed = collapsed || pt.state == MinorityState::Collapsed;
    }
    QVERIFY(collapsed);
  }

  void transitionMatchesReference_data() {
    // R0 (cosine >= 1 - 1e-3), K = 10, from an independent CVXOPT prototype (shared docs).
    QTest::addColumn<int>("KA");
    QTest::addColumn<double>("EH");
    QTest::addColumn<double>("R0");
    QTest::newRow("EWEH=5 KA=3") << 3 << 5.0 << 245.0;
    QTest::newRow("EWEH=5 KA=5") << 5 << 5.0 << 12.2;
    QTest::newRow("EWEH=5 KA=7") << 7 << 5.0 << 4.00;
    QTest::newRow("EWEH=2.5 KA=3") << 3 << 2.5 << 25.5;
    QTest::newRow("EWEH=2.5 KA=5") << 5 << 2.5 << 3.73;
    QTest::newRow("EWEH=2.5 KA=7") << 7 << 2.5 << 2.04;
  }
  void transitionMatchesReference() {
    QFETCH(int, KA);
    QFETCH(double, EH);
    QFETCH(double, R0);
    const auto t = phaseTransitionRatio(fig3(KA, EH));
    QVERIFY(t.R0());
    QVERIFY2(std::abs(*t.R0() / R0 - 1) < 0.005, qPrintable(QString("R0 %1 vs %2").arg(*t.R0()).arg(R0)));
    // It is the smallest R at which the cosine reaches 1 - tol, to 1e-4 relative.
    auto cosAt = [&](double R) {
      TwoSizeParams p = fig3(KA, EH);
      p.R = R;
      return computeMetrics(solve(makeTwoSize(p))).collapsed();
    };
    QVERIFY(cosAt(*t.R0() * (1 + 1e-6)));
    QVERIFY(!cosAt(*t.R0() * (1 - 2e-4)));
  }

  void transitionMovesAsThePaperSays() {
    // Smaller R0 for smaller EW, EH or KB.
    auto R0 = [](const TwoSizeParams& p) { return *phaseTransitionRatio(p).R0(); };
    const double base = R0(fig3(5, 5));
    QVERIFY(R0(fig3(5, 5, 0.5)) < base);
    QVERIFY(R0(fig3(5, 2.5)) < base);
    QVERIFY(R0(fig3(5, 10)) > base);
    QVERIFY(R0(fig3(7, 5)) < base);  // KB = 3 < 5
    QVERIFY(R0(fig3(3, 5)) > base);  // KB = 7 > 5
  }

  void notReachedIsBeyondTheSearch() {
    // Never "inf" from one solve: with a smaller search range the answer is "beyond" it.
    TwoSizeParams p = fig3(3, 10, 10);
    TransitionOptions to;
    to.Rmax = 1e3;
    const auto t = phaseTransitionRatio(p, to);
    QCOMPARE(toString(t.collapse.status), std::string("beyond"));
    QVERIFY(!t.R0());
    QVERIFY(t.solves >= 4);
    p.KB = 1;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseTransitionRatio(p));
  }

  void progressAndCancel() {
    int seen = 0;
    SweepOptions o;
    o.progress = [&](const SweepPoint&, int i) {
      ++seen;
      return i < 4;
    };
    const auto pts = sweepR(fig3(5, 5), logGrid(1, 1e4, 20), o);
    QCOMPARE(seen, 5);
    QCOMPARE(pts.size(), size_t(5));
  }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
