// The phase diagram (lpm/Phase.h): each row crosses from spread to collapsed at the R0 that the
// transition search (`lpm transition`) finds for that row's parameters, within the grid spacing.
#include <QTest>

#include <cmath>
#include <sstream>

#include "lpm/Phase.h"

using namespace lpm;

namespace {
PhaseRequest k10(const std::string& axis, double lo, double hi, int nx, int ny) {
  PhaseRequest r;
  r.base.KA = 5, r.base.KB = 5, r.base.EW = 1, r.base.EH = 5;
  r.axis = axis, r.yMin = lo, r.yMax = hi, r.nx = nx, r.ny = ny;
  r.Rmin = 1, r.Rmax = 1e6;
  return r;
}
}  // namespace

class TestPhase : public QObject {
  Q_OBJECT
private slots:
  void crossesAtR0OfEachRow() {
    const PhaseDiagram d = computePhaseDiagram(k10("EWEH", 1, 100, 120, 16));
    QVERIFY(d.complete());
    QCOMPARE(d.uncertified(), 0);
    int checked = 0;
    for (const auto& row : d.rows) {
      // The row's own transition, computed afresh as `lpm transition --EW 1 --EH y` would.
      TwoSizeParams p = row.params;
      QCOMPARE(p.EW * p.EH, row.y);
      const auto t = phaseTransitionRatio(p);
      QVERIFY(row.transition.has_value());
      QCOMPARE(row.transition->R0().has_value(), t.R0().has_value());
      if (!t.R0() || *t.R0() > d.grid.R.back()) continue;
      size_t first = 0;
      while (first < row.cells.size() && row.cells[first].observedState() != MinorityState::Collapsed) ++first;
      QVERIFY2(first < row.cells.size(), qPrintable(QString("row y = %1 never collapses").arg(row.y)));
      // Collapsed from R0 on, spread just below it (within one grid step).
      QVERIFY2(d.grid.R[first] >= *t.R0() * (1 - 1e-3), qPrintable(QString("y = %1: collapsed at R = %2 < R0 = %3").arg(row.y).arg(d.grid.R[first]).arg(*t.R0())));
      if (first > 0) {
        QVERIFY(d.grid.R[first - 1] < *t.R0() * (1 + 1e-3));
        QCOMPARE(toString(row.cells[first - 1].observedState()), std::string("spread"));
      }
      ++checked;
    }
    QVERIFY(checked >= 10);
  }

  void onlyTheProductMatters() {
    // Figure 3's claim for cross-entropy: EW = 1, EH = y and EW = 4, EH = y / 4 are one diagram.
    auto a = k10("EWEH", 2, 50, 30, 6);
    auto b = a;
    b.base.EW = 4, b.base.EH = 1.25;
    const auto da = computePhaseDiagram(a), db = computePhaseDiagram(b);
    for (size_t j = 0; j < da.rows.size(); ++j)
      for (size_t i = 0; i < da.rows[j].cells.size(); ++i) {
        const auto &ca = da.rows[j].cells[i], &cb = db.rows[j].cells[i];
        QCOMPARE(toString(ca.observedState()), toString(cb.observedState()));
        if (ca.observedCos()) QVERIFY(std::abs(*ca.observedCos() - *cb.observedCos()) < 1e-6);
      }
  }

  void kaAxisIsIntegersWithKFixed() {
    const PhaseGrid g = phaseGrid(k10("KA", 1, 8, 10, 80));
    QCOMPARE(g.y, (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8}));
    const auto row = computePhaseRow(k10("KA", 1, 8, 10, 80), 7, logGrid(1, 100, 5));
    QCOMPARE(row.params.KA, 7);
    QCOMPARE(row.params.KB, 3);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(k10("KA", 1, 9, 10, 10)));  // KB = 1: no pairwise cosine
  }

  void csvColumnsAndWords() {
    const auto d = computePhaseDiagram(k10("wr", 1, 100, 6, 3));
    std::ostringstream out;
    writePhaseCsv(out, d);
    std::istringstream in(out.str());
    std::string line;
    std::getline(in, line);
    QCOMPARE(line, std::string("R,y,minority_cos,minority_state,R0_at_y"));
    int rows = 0;
    bool collapsed = false, spread = false;
    while (std::getline(in, line)) {
      ++rows;
      collapsed |= line.find(",collapsed,") != std::string::npos;
      spread |= line.find(",spread,") != std::string::npos;
    }
    QCOMPARE(rows, 18);
    QVERIFY(collapsed && spread);
    // Oversampling moves R0 by wr (Eq. 18): R0(wr) = wr R0(1).
    const double r1 = *d.rows[0].transition->R0(), r10 = *d.rows[1].transition->R0();
    QVERIFY(std::abs(r10 / r1 - d.rows[1].y) / d.rows[1].y < 1e-3);
  }

  void refusals() {
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(k10("EWX", 1, 10, 10, 10)));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(k10("alpha", 0, 0.5, 10, 10)));  // not with loss ce
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(k10("EWEH", 0, 10, 10, 10)));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(k10("EWEH", 10, 1, 10, 10)));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(k10("EWEH", 1, 10, 1, 10)));
    auto pen = k10("EWEH", 1, 10, 10, 10);
    pen.base.budget = Budget::Penalized;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, phaseGrid(pen));
  }

  void cancelledIsIncomplete() {
    auto r = k10("EWEH", 1, 100, 60, 40);
    r.cancel = CancelToken::make();
    int seen = 0;
    const auto d = computePhaseDiagram(r, [&](int) {
      if (++seen == 3) r.cancel.cancel();
    });
    QVERIFY(!d.complete());
    QCOMPARE(int(d.rows.size()), 3);
  }
};

QTEST_APPLESS_MAIN(TestPhase)
#include "tst_phase.moc"
