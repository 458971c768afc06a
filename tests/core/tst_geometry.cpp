// Lemma 1 recovery of h_k, w_k, Procrustes alignment and the 3D projection.
#include <QTest>

#include <cmath>
#include <limits>
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

// A random n x n orthogonal matrix: the Q of a Gaussian matrix.
Eigen::MatrixXd randomOrthogonal(int n, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd M(n, n);
  for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = normal(rng);
  return Eigen::HouseholderQR<Eigen::MatrixXd>(M).householderQ();
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
      const ClassVectors v = s.vectors();
      const Eigen::MatrixXd &H = v.H, &W = v.W;
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
    Eigen::MatrixXd A(12, 5);
    for (int i = 0; i < A.size(); ++i) A.data()[i] = n(rng);
    const Eigen::MatrixXd Q = randomOrthogonal(5, rng);
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
    // Along a fine R grid across R0, every drawn vector moves a little: no flips, no swaps of
    // axes. The group axes (the default) are fixed by the state, so never; the principal axes
    // may be re-chosen rarely (hysteresis), but not flip at every step.
    for (const auto focus : {GeometryTracker::Focus::Groups, GeometryTracker::Focus::Classifiers}) {
      GeometryTracker t;
      t.setFocus(focus);
      Geometry3D prev;
      bool first = true;
      int jumps = 0;
      Eigen::VectorXd warm;
      for (double lr = 0; lr <= 3.0; lr += 0.02) {
        SolveOptions o;
        if (warm.size()) o.warmStart = std::make_shared<const Eigen::VectorXd>(warm);
        o.kind = SolverKind::Reduced;
        const Solution s = solve(twoSize(4, 3, std::pow(10, lr)), o);
        warm = s.state;
        const Geometry3D g = t.update(s);
        if (!first && (g.W - prev.W).rowwise().norm().maxCoeff() > 0.25) ++jumps;
        prev = g;
        first = false;
      }
      const int allowed = focus == GeometryTracker::Focus::Groups ? 0 : 2;
      QVERIFY2(jumps <= allowed, qPrintable(QString("%1: %2 jumps in 150 steps").arg(focusName(focus).c_str()).arg(jumps)));
    }
  }

  void collapsedMinorityCoincides() {
    GeometryTracker t;
    const Geometry3D g = t.update(solve(twoSize(5, 5, 300)));
    for (int k = 6; k < 10; ++k) QVERIFY((g.W.row(k) - g.W.row(5)).norm() < 1e-3);
  }

  void minorityFanKeepsEachAngleToTheMean() {
    // Spread (R = 8 < R0 = 12.19): five unit vectors with pairwise cosine c make the angle
    // arccos sqrt((1 + 4c)/5) with their mean; the fan draws each at exactly that angle, and the
    // angles follow from the full-dimensional classifiers, not the 3D drawing.
    GeometryTracker t;
    const Solution s = solve(twoSize(5, 5, 8));
    const Metrics m = computeMetrics(s);
    const Geometry3D g = t.update(s);
    QCOMPARE(g.minorityClasses, (std::vector<int>{5, 6, 7, 8, 9}));
    QCOMPARE(g.minorityPlane.rows(), 5);
    const double c = *m.minorityCos(), expect = std::sqrt((1 + 4 * c) / 5);
    QCOMPARE(g.minorityAngles.size(), Eigen::Index(5));
    for (int i = 0; i < 5; ++i) {
      QVERIFY2(std::abs(std::cos(g.minorityAngles(i)) - expect) < 1e-6, qPrintable(QString::number(g.minorityAngles(i))));
      // Drawn round the cone at that angle, evenly: azimuth 2 pi i / 5.
      QVERIFY((g.minorityPlane.row(i).transpose() - coneView(g.minorityAngles(i), 2 * M_PI * i / 5)).norm() < 1e-12);
    }
    // Collapsed (R = 300): the cone is closed, every arrow along the mean.
    const Geometry3D h = t.update(solve(twoSize(5, 5, 300)));
    for (int i = 0; i < 5; ++i) QVERIFY(h.minorityAngles(i) < 1e-2);
    // Vanished minority classifiers (EW = 0.05 at R = 100: w = 0) draw no fan.
    TwoSizeParams vp;
    vp.KA = 5, vp.KB = 5, vp.EW = 0.05, vp.EH = 5, vp.R = 100;
    const Solution vs = solve(makeTwoSize(vp));
    QVERIFY(computeMetrics(vs).minorityState == MinorityState::Vanished);
    const Geometry3D v = GeometryTracker().update(vs);
    QCOMPARE(v.minorityPlane.rows(), 0);
    QVERIFY(v.minorityClasses.empty());
    // A general configuration: the angle to the mean direction, whatever the width.
    Eigen::MatrixXd W(4, 6);
    W << 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 9, 9, 9, 9, 9, 9;
    std::vector<int> kept;
    Eigen::VectorXd angles;
    const Eigen::MatrixX2d f = unitPlane(W, {0, 1, 2}, &kept, &angles);
    const Eigen::VectorXd mean = (W.row(0).normalized() + W.row(1).normalized() + W.row(2).normalized()).normalized();
    QCOMPARE(angles.size(), Eigen::Index(3));
    for (int i = 0; i < 3; ++i) {
      QVERIFY(std::abs(std::cos(angles(i)) - W.row(i).normalized().dot(mean.transpose())) < 1e-12);
      QVERIFY((f.row(i).transpose() - coneView(angles(i), 2 * M_PI * i / 3)).norm() < 1e-12);
    }
    // The cone's view: the mean straight up (foreshortened by the elevation), 90 degrees on the
    // unit circle's rim at azimuth 0, inside the circle always.
    QVERIFY((coneView(0, 1.3) - Eigen::Vector2d(0, std::cos(kConeViewElevation))).norm() < 1e-15);
    QVERIFY((coneView(M_PI / 2, 0) - Eigen::Vector2d(1, 0)).norm() < 1e-15);
    for (double th = 0; th < M_PI; th += 0.3)
      for (double ph = 0; ph < 6.3; ph += 0.4) QVERIFY(coneView(th, ph).norm() <= 1 + 1e-12);
    // fig3a (KA = KB = 5, EW = 1, EH = 5): below R0 (12.19) the five minority classifiers are five
    // arrows apart (a flat fan drew them as two, "6,8" and "5,7,9"), above it one.
    for (const double R : {1.0, 10.0, 100.0}) {
      TwoSizeParams q;
      q.KA = 5, q.KB = 5, q.EW = 1, q.EH = 5, q.R = R;
      const Geometry3D fan = GeometryTracker().update(solve(makeTwoSize(q)));
      QCOMPARE(fan.minorityPlane.rows(), Eigen::Index(5));
      double closest = 1e9;
      for (int i = 0; i < 5; ++i)
        for (int j = i + 1; j < 5; ++j)
          closest = std::min(closest, (fan.minorityPlane.row(i) - fan.minorityPlane.row(j)).norm());
      if (R < 12) QVERIFY2(closest > 0.2, qPrintable(QString("R = %1: tips %2 apart").arg(R).arg(closest)));
      else QVERIFY2(closest < 0.05, qPrintable(QString("R = %1: tips %2 apart").arg(R).arg(closest)));
      // Which classes are one classifier (labels merge only for these): the collapsed minority
      // above R0, nobody below it, never two majority classes.
      QCOMPARE(fan.sameClassifier.size(), size_t(10));
      for (int k = 0; k < 10; ++k)
        QCOMPARE(fan.sameClassifier[k], R > 12 && k >= 5 ? 5 : k);
    }
  }

  void groupAxesDrawBothFans() {
    // The default 3D axes (Focus::Groups) at fig3a (KA = KB = 5, EW = 1, EH = 5, R0 = 12.19):
    // up (z) from the minority's mean classifier to the majority's, y the majority's spread, x the
    // minority's. Each group is an evenly spaced fan in its own plane; the minority's
    // is open below R0 and closed above it, so dragging R across R0 shows the collapse in the
    // main view (the principal axes drew the minority as one stub at R = 8, 11 and 100).
    QCOMPARE(GeometryTracker().focus(), GeometryTracker::Focus::Groups);
    QCOMPARE(focusFromName("groups"), GeometryTracker::Focus::Groups);
    QCOMPARE(focusName(GeometryTracker::Focus::Groups), std::string("groups"));
    const int x = 0, y = 1, z = 2;
    for (const double R : {8.0, 11.0, 100.0}) {
      const Solution s = solve(twoSize(5, 5, R));
      const Geometry3D g = GeometryTracker().update(s);
      const double cos = *computeMetrics(s).minorityCos();
      // The majority (blue, classes 0-4) lies in the upright plane (y, z), the minority in (x, z);
      // within a group the arrows share their height, the majority above the minority.
      for (int k = 0; k < 5; ++k) {
        QVERIFY2(std::abs(g.W(k, x)) < 1e-6, qPrintable(QString("R = %1, class %2").arg(R).arg(k)));
        QVERIFY(std::abs(g.W(5 + k, y)) < 1e-6);
        QVERIFY(std::abs(g.W(k, z) - g.W(0, z)) < 1e-6);
        QVERIFY(std::abs(g.W(5 + k, z) - g.W(5, z)) < 1e-6);
      }
      QVERIFY(g.W(0, z) > 0 && g.W(5, z) < 0);
      // Evenly spaced fans in class order: a constant step along the group's own axis, growing
      // with the class (the sign is fixed by construction, not by the path).
      const double stepA = g.W(1, y) - g.W(0, y), stepB = g.W(6, x) - g.W(5, x);
      QVERIFY(stepA > 0.1);
      for (int k = 1; k < 5; ++k) {
        QVERIFY(std::abs(g.W(k, y) - g.W(k - 1, y) - stepA) < 1e-6);
        QVERIFY(std::abs(g.W(5 + k, x) - g.W(4 + k, x) - stepB) < 1e-6);
      }
      // The drawn spread is the true one, not stretched: for unit rows with pairwise cosine c
      // the ramp sum_i t_i u_i (t = -2..2) has length sqrt((1 - c) sum t^2), so the step between
      // neighbouring minority tips is |w| sqrt((1 - c) / 10).
      const double trueStep = g.wNorm(5) * std::sqrt(std::max(0.0, (1 - cos) / 10));
      QVERIFY2(std::abs(stepB - trueStep) < 1e-4,
               qPrintable(QString("R = %1: step %2, true %3").arg(R).arg(stepB).arg(trueStep)));
      if (R < 12) QVERIFY2(stepB > 0.02, qPrintable(QString("R = %1: minority step %2").arg(R).arg(stepB)));
      else QVERIFY2(std::abs(stepB) < 1e-6, qPrintable(QString("R = %1: minority step %2").arg(R).arg(stepB)));
      // The same state draws the same picture on any path to it: dragged from R = 1 in steps,
      // from the other side, or fresh.
      for (const double from : {1.0, 1000.0}) {
        GeometryTracker dragged;
        for (double r = from; from < R ? r < R : r > R; r *= from < R ? 1.3 : 1 / 1.3) dragged.update(solve(twoSize(5, 5, r)));
        const Geometry3D h = dragged.update(s);
        QVERIFY2((h.W - g.W).norm() < 1e-6 && (h.H - g.H).norm() < 1e-6,
                 qPrintable(QString("R = %1 from %2: %3").arg(R).arg(from).arg((h.W - g.W).norm())));
      }
    }
  }

  void groupAxesDrawALoneGroupAsACone() {
    // One minority class (KA = 9, KB = 1): the majority has the two spread axes to itself and is
    // drawn as a regular 9-gon about the up axis (an even cone of arrows: the ramp and quadratic
    // drew it on a parabola), the minority straight down. KA = 1 is the mirror image.
    const int x = 0, y = 1, z = 2;
    for (const auto& [KA, KB] : {std::pair{9, 1}, std::pair{1, 4}}) {
      const Solution s = solve(twoSize(KA, KB, 1.5));
      const Geometry3D g = GeometryTracker().update(s);
      const int first = KA > 1 ? 0 : KA, n = std::max(KA, KB), lone = KA > 1 ? KA : 0;
      const std::string what = std::to_string(KA) + "/" + std::to_string(KB);
      const double height = g.W(first, z), radius = std::hypot(g.W(first, x), g.W(first, y));
      QVERIFY2(radius > 0.3, what.c_str());
      QVERIFY2(std::abs(g.W(lone, x)) < 1e-6 && std::abs(g.W(lone, y)) < 1e-6, what.c_str());
      QVERIFY2(height * g.W(lone, z) < 0, what.c_str());
      for (int i = 0; i < n; ++i) {
        const int k = first + i, next = first + (i + 1) % n;
        QVERIFY2(std::abs(g.W(k, z) - height) < 1e-6, what.c_str());
        QVERIFY2(std::abs(std::hypot(g.W(k, x), g.W(k, y)) - radius) < 1e-6, what.c_str());
        // neighbours in class order are one step of 2 pi / n apart, clockwise seen from above
        const double turn = std::atan2(g.W(k, x) * g.W(next, y) - g.W(k, y) * g.W(next, x),
                                       g.W(k, x) * g.W(next, x) + g.W(k, y) * g.W(next, y));
        QVERIFY2(std::abs(turn + 2 * M_PI / n) < 1e-6, (what + ": turn " + std::to_string(turn)).c_str());
      }
    }
    // A vanished minority (KA = 7, KB = 3, EW EH = 5 from R ~ 5.7) keeps the collapsed picture's
    // axes: the majority's fan stays flat (x = 0) on both sides of the vanishing point.
    for (const double R : {5.0, 8.0}) {
      const Solution s = solve(twoSize(7, 3, R));
      const Geometry3D g = GeometryTracker().update(s);
      for (int k = 0; k < 10; ++k) QVERIFY2(std::abs(g.W(k, x)) < 1e-6, qPrintable(QString("R = %1, class %2").arg(R).arg(k)));
      if (R > 6) QVERIFY(g.wNorm.tail(3).norm() < 1e-6);
    }
  }

  void frameReproducesTheDrawing() {
    // Drawn rows = (Lemma 1 rows / sqrt(E)) * frame, also after the tracker has turned things.
    GeometryTracker t;
    t.update(solve(twoSize(3, 4, 2)));
    const Solution s = solve(twoSize(3, 4, 40));
    const Geometry3D g = t.update(s);
    const ClassVectors v = s.vectors();
    const Eigen::MatrixXd &H = v.H, &W = v.W;
    QVERIFY((W / std::sqrt(s.problem.EW) * g.frame - Eigen::MatrixXd(g.W)).norm() < 1e-10);
    QVERIFY((H / std::sqrt(s.problem.EH) * g.frame - Eigen::MatrixXd(g.H)).norm() < 1e-10);
  }

  void procrustesMapsBetweenWidths() {
    // Narrow into wide (p < d): B = A Q with Q Q^T = I. Wide onto narrow (p > d): A = B Q^T.
    std::mt19937 rng(5);
    std::normal_distribution<double> n;
    Eigen::MatrixXd A(9, 7);
    for (int i = 0; i < A.size(); ++i) A.data()[i] = n(rng);
    const Eigen::MatrixXd Q = randomOrthogonal(7, rng).leftCols(4);
    const Eigen::MatrixXd narrow = A.leftCols(4);
    const Eigen::MatrixXd wide = narrow * Q.transpose();  // 9 x 7
    const Eigen::MatrixXd P = procrustesRotation(narrow, wide);
    QCOMPARE(P.rows(), 4);
    QCOMPARE(P.cols(), 7);
    QVERIFY((narrow * P - wide).norm() < 1e-9);
    const Eigen::MatrixXd P2 = procrustesRotation(wide, narrow);
    QCOMPARE(P2.rows(), 7);
    QVERIFY((wide - narrow * P2.transpose()).norm() < 1e-9);
    QVERIFY((wide * P2 - narrow).norm() < 1e-9);
  }

  void networkEmbeddingScalesLikeTheModel() {
    std::mt19937 rng(11);
    std::normal_distribution<double> n;
    const int K = 4, p = 6;
    Eigen::MatrixXd W(K, p);
    for (int i = 0; i < W.size(); ++i) W.data()[i] = 3 * n(rng);
    std::vector<int> labels;
    for (int k = 0; k < K; ++k)
      for (int i = 0; i < (k < 2 ? 50 : 5); ++i) labels.push_back(k);
    Eigen::MatrixXd H(labels.size(), p);
    for (Eigen::Index i = 0; i < H.rows(); ++i)
      for (int j = 0; j < p; ++j) H(i, j) = 2 + W(labels[i], j) + 0.1 * n(rng);
    const NetworkEmbedding e = embedNetwork(W, H, labels, 40);
    QVERIFY(std::abs(e.W.squaredNorm() / K - 1) < 1e-12);
    QVERIFY(std::abs(e.M.squaredNorm() / K - 1) < 1e-12);
    QVERIFY(e.M.colwise().sum().norm() < 1e-12);  // centred at the mean of the class means
    // The cap is 10 per class: 10, 10, 5, 5 samples, classes kept in order.
    QCOMPARE(e.samples.rows(), 30);
    QCOMPARE(std::count(e.sampleLabels.begin(), e.sampleLabels.end(), 3), 5);
    // Samples and means use one scale: the mean of a class's kept samples is near its mean.
    Eigen::RowVectorXd m3 = Eigen::RowVectorXd::Zero(p);
    for (Eigen::Index i = 0; i < e.samples.rows(); ++i)
      if (e.sampleLabels[i] == 3) m3 += e.samples.row(i) / 5;
    QVERIFY((m3 - e.M.row(3)).norm() < 1e-12);
    // Bad shapes are refused with a reason.
    const std::vector<int> shortLabels(3, 0);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, embedNetwork(W, H, shortLabels));
    std::vector<int> badLabels = labels;
    badLabels[0] = K;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, embedNetwork(W, H, badLabels));
    const Eigen::MatrixXd narrow = H.leftCols(3);
    QVERIFY_THROWS_EXCEPTION(InvalidInput, embedNetwork(W, narrow, labels));
  }

  void networkEtfProjectsToTheEtf() {
    // A simplex ETF of K = 4 hidden in R^9 by a random isometry: its own principal axes show it whole.
    std::mt19937 rng(2);
    const Eigen::MatrixXd Q = randomOrthogonal(9, rng).topRows(4);
    const Eigen::MatrixXd W = 2.5 * simplexETF(4) * Q;
    const NetworkGeometry3D g = projectNetwork(embedNetwork(W), {2, 3});
    QVERIFY(std::abs(g.captured - 1) < 1e-10);
    for (int a = 0; a < 4; ++a) {
      QVERIFY(std::abs(g.W.row(a).norm() - 1) < 1e-10);
      for (int b = a + 1; b < 4; ++b) QVERIFY(std::abs(g.W.row(a).dot(g.W.row(b)) + 1.0 / 3) < 1e-10);
    }
  }

  void networkOnTheModelOverlaysExactly() {
    // A "network" whose classifiers are the model's own, in another order and hidden in R^13 by
    // a random isometry and scale: the overlay lands on the drawn model arrows, distance 0.
    const Solution s = solve(twoSize(3, 4, 40));
    GeometryTracker t;
    const Geometry3D g = t.update(s);
    const Eigen::MatrixXd W = s.vectors().W;
    const int K = 7;
    std::mt19937 rng(8);
    const Eigen::MatrixXd Q = randomOrthogonal(13, rng).topRows(K);
    const std::vector<int> modelToNet = {6, 0, 3, 1, 5, 2, 4};
    Eigen::MatrixXd net(K, 13);
    for (int k = 0; k < K; ++k) net.row(modelToNet[k]) = 0.3 * W.row(k) * Q;
    const auto o = overlayNetwork(embedNetwork(net).W, modelToNet, s, g);
    QVERIFY(o);
    QVERIFY2(o->distance < 1e-9, qPrintable(QString::number(o->distance)));
    QVERIFY((Eigen::MatrixXd(o->W) - Eigen::MatrixXd(g.W)).norm() < 1e-8);
    // A different geometry (an ETF: no minority collapse) is measurably away from the collapsed model.
    const auto far = overlayNetwork(embedNetwork(simplexETF(K)).W, modelToNet, s, g);
    QVERIFY(far && far->distance > 0.1);
    // Mismatched class counts: no overlay.
    QVERIFY(!overlayNetwork(embedNetwork(simplexETF(5)).W, {0, 1, 2, 3, 4}, s, g));
  }
};

QTEST_APPLESS_MAIN(TestGeometry)
#include "tst_geometry.moc"
