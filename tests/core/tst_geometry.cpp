// Lemma 1 recovery of h_k, w_k, Procrustes alignment and the 3D projection.
#include <QTest>

#include <random>

#include "lpm/Geometry.h"
#include "lpm/Metrics.h"

using namespace lpm;

namespace {
Problem twoSize(int KA, int KB, double R) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.EW = 1, p.EH = 5, p.R = R;
  return makeTwoSize(p);
}
}  // namespace

class TestGeometry : public QObject {
  Q_OBJECT
private slots:
  void vectorsReproduceTheGram() {
    for (SolverKind kind : {SolverKind::Reduced, SolverKind::General}) {
      SolveOptions o;
      o.kind = kind;
      const Solution s = solve(twoSize(3, 4, 30), o);
      Eigen::MatrixXd H, W;
      s.vectors(H, W);
      const int K = 7;
      QVERIFY((H * W.transpose() - s.Z.expand(s.groups, K)).norm() < 1e-9);
      QVERIFY((H * H.transpose() - s.XHH.expand(s.groups, K)).norm() < 1e-8);
      QVERIFY((W * W.transpose() - s.XWW.expand(s.groups, K)).norm() < 1e-8);
      // Both budgets are spent (Property 1).
      QVERIFY(std::abs(W.squaredNorm() / K - 1.0) < 1e-8);
      QVERIFY(std::abs(H.squaredNorm() / K - 5.0) < 1e-8);
    }
  }

  void procrustesRecoversRotation() {
    std::mt19937 rng(3);
    std::normal_distribution<double> n;
    Eigen::MatrixXd A(12, 5), M(5, 5);
    for (int i = 0; i < A.size(); ++i) A.data()[i] = n(rng);
    for (int i = 0; i < M.size(); ++i) M.data()[i] = n(rng);
    const Eigen::MatrixXd Q = Eigen::HouseholderQR<Eigen::MatrixXd>(M).householderQ();
    const Eigen::MatrixXd B = A * Q;
    QVERIFY((procrustesRotation(A, B) - Q).norm() < 1e-10);
  }

  void balancedIsTheEtf() {
    GeometryTracker t;
    const Solution s = solve(twoSize(2, 2, 1));
    const Geometry3D g = t.update(s);
    // K = 4: three dimensions hold everything; pairwise cosines -1/3, unit norms.
    QVERIFY(std::abs(g.captured - 1) < 1e-9);
    for (int a = 0; a < 4; ++a) {
      QVERIFY(std::abs(g.W.row(a).norm() - 1) < 1e-6);
      for (int b = a + 1; b < 4; ++b) QVERIFY(std::abs(g.W.row(a).dot(g.W.row(b)) + 1.0 / 3) < 1e-6);
    }
    QVERIFY((g.etf - g.W).norm() < 1e-5);  // the reference ETF lies on the classifiers
  }

  void successiveSolutionsDoNotJump() {
    // Along a fine R grid, every drawn vector moves a little: no flips, no swaps of axes.
    GeometryTracker t;
    Geometry3D prev;
    bool first = true;
    int jumps = 0;
    Eigen::VectorXd warm;
    for (double lr = 0; lr <= 3.0; lr += 0.02) {
      SolveOptions o;
      o.warmStart = warm.size() ? &warm : nullptr;
      o.kind = SolverKind::Reduced;
      const Solution s = solve(twoSize(4, 3, std::pow(10, lr)), o);
      warm = s.state;
      const Geometry3D g = t.update(s);
      // A rare re-choice of the 3D axes (hysteresis) is allowed; flips at every step are not.
      if (!first && (g.W - prev.W).rowwise().norm().maxCoeff() > 0.25) ++jumps;
      prev = g;
      first = false;
    }
    QVERIFY2(jumps <= 2, qPrintable(QString("%1 jumps in 150 steps").arg(jumps)));
  }

  void collapsedMinorityCoincides() {
    GeometryTracker t;
    const Geometry3D g = t.update(solve(twoSize(5, 5, 300)));
    for (int k = 6; k < 10; ++k) QVERIFY((g.W.row(k) - g.W.row(5)).norm() < 1e-3);
  }
};

QTEST_APPLESS_MAIN(TestGeometry)
#include "tst_geometry.moc"
