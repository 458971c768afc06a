// The general solver's kernels (core/src/Kernels.h): the AVX2 + FMA build against the baseline
// one, kernel by kernel and through whole solves, and both against a reference value.
#include <QTest>

#include <algorithm>
#include <cmath>
#include <deque>
#include <random>
#include <vector>

#include "Kernels.h"
#include "Svd.h"
#include "lpm/Solver.h"

using namespace lpm;
using detail::Kernels;

namespace {

Eigen::MatrixXd randomMatrix(int rows, int cols, std::mt19937& rng, double scale = 1) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd M(rows, cols);
  for (Eigen::Index i = 0; i < M.size(); ++i) M.data()[i] = scale * normal(rng);
  return M;
}

// max |a - b| / max |b|: the kernels differ only in the order and width of their sums.
double relativeDifference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / std::max(b.cwiseAbs().maxCoeff(), 1e-300);
}

// The long tail n_k = 100^(-k/(K-1)), EW = 1, EH = 5 (bench_solver's GeneralLongTail/30).
Problem longTail(int K) {
  return makeFromSizes(1, 5, exponentialProfile(K, 100));
}

// Its optimum, from the session-start solver (certified, relative gap 9e-11).
constexpr double kLongTail30Objective = 0.461773097076257;

// The kernels both builds compute, on the same inputs.
struct Outputs {
  Eigen::MatrixXd Z, gU, gV, Dt, delta, v, d, eigD, eigU;
  double f = 0, gain = 0, lambda = 0;
};

// Copies of arrays `offset` doubles past a fresh allocation's start: the kernels must not depend
// on where the caller's arrays lie (their sums would round differently from process to process).
struct Placed {
  int offset;
  std::deque<std::vector<double>> store;
  double* operator()(const Eigen::MatrixXd& M) {
    store.emplace_back(M.size() + offset + 4);
    std::copy(M.data(), M.data() + M.size(), store.back().data() + offset);
    return store.back().data() + offset;
  }
  static void back(const double* p, Eigen::MatrixXd& M) { std::copy(p, p + M.size(), M.data()); }
};

Outputs runKernels(const Kernels& k, int G, int r, double groupSize, double ownMargin, int offset = 0) {
  std::mt19937 rng(11);
  Placed at{offset, {}};
  const Eigen::MatrixXd U = randomMatrix(G, r, rng), V = randomMatrix(G, r, rng);
  double *pU = at(U), *pV = at(V);
  Outputs o;
  o.Z.resize(G, G);
  double* pZ = at(o.Z);
  k.productNT(G, G, r, pV, pU, pZ);
  Placed::back(pZ, o.Z);
  // Logits of the size of a solve's (a few units), weights of a long tail.
  // With an own margin every other logit is below the own one (the loss's m = 0 branch, where
  // the gain takes expm1 near 0 and E - 1 further out).
  Eigen::MatrixXd Zt = 3 * o.Z / std::sqrt(double(r));
  Zt.diagonal().array() += ownMargin;
  Eigen::VectorXd n = Eigen::VectorXd::Constant(G, groupSize), pi(G), c = randomMatrix(G, 1, rng);
  for (int g = 0; g < G; ++g) pi(g) = std::pow(100.0, -double(g) / (G - 1));
  pi /= (n.cwiseProduct(pi)).sum();
  const Eigen::VectorXd sqrtN = n.cwiseSqrt();
  const Eigen::MatrixXd sqrtNN = sqrtN * sqrtN.transpose();
  const double K = n.sum();
  o.Dt.resize(G, G);
  o.delta.resize(G, 1);
  double *pDt = at(o.Dt), *pDelta = at(o.delta);
  const detail::CeRows in{G, at(Zt), at(sqrtNN), at(n), at(sqrtN), at(pi), at(c), K, std::log(K), pDt, pDelta};
  o.f = k.ceRows(in, o.gain);
  Placed::back(pDt, o.Dt);
  Placed::back(pDelta, o.delta);
  o.gU.resize(G, r);
  o.gV.resize(G, r);
  double *pgU = at(o.gU), *pgV = at(o.gV);
  k.gradients(G, r, pDt, pU, pV, pgU, pgV);
  Placed::back(pgU, o.gU);
  Placed::back(pgV, o.gV);
  o.eigD.resize(G, 1);
  o.eigU.resize(std::min(G, r), 1);
  double *pe = at(o.eigD), *pu = at(o.eigU);
  k.gramEigenvalues(G, G, pDt, pe);
  k.gramEigenvalues(G, r, pU, pu);
  Placed::back(pe, o.eigD);
  Placed::back(pu, o.eigU);
  o.v = Eigen::VectorXd::LinSpaced(G, 1.0, 2.0).normalized();
  double* pv = at(o.v);
  o.lambda = k.power(G, pDt, pv, 20);
  Placed::back(pv, o.v);
  // Two-loop recursion over 5 pairs with s . y > 0, stored out of order.
  const long len = 2 * G * r;
  const int m = 6;
  Eigen::MatrixXd S = randomMatrix(int(len), m, rng), Y = S + 0.3 * randomMatrix(int(len), m, rng);
  Eigen::VectorXd rho(m);
  for (int i = 0; i < m; ++i) rho(i) = 1 / S.col(i).dot(Y.col(i));
  const std::vector<int> cols = {3, 0, 5, 1, 4};
  const Eigen::VectorXd g = randomMatrix(int(len), 1, rng);
  o.d.resize(len, 1);
  std::vector<double> alpha(m);
  const Eigen::VectorXd h0 = (randomMatrix(int(len), 1, rng).array().abs() + 0.5).matrix();
  double* pd = at(o.d);
  k.twoLoop(len, int(cols.size()), cols.data(), at(S), at(Y), at(rho), at(g), 0.7, at(h0), pd, alpha.data());
  Placed::back(pd, o.d);
  return o;
}

bool identical(const Outputs& a, const Outputs& b) {
  auto same = [](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) { return (x.array() == y.array()).all(); };
  return same(a.Z, b.Z) && same(a.gU, b.gU) && same(a.gV, b.gV) && same(a.Dt, b.Dt) && same(a.delta, b.delta) &&
         same(a.v, b.v) && same(a.d, b.d) && same(a.eigD, b.eigD) && same(a.eigU, b.eigU) && a.f == b.f &&
         a.gain == b.gain && a.lambda == b.lambda;
}

}  // namespace

class TestKernels : public QObject {
  Q_OBJECT
 private slots:
  void avx2MatchesBaseline_data() {
    QTest::addColumn<int>("G");
    QTest::addColumn<int>("r");
    QTest::addColumn<double>("groupSize");
    QTest::addColumn<double>("ownMargin");
    QTest::newRow("general K = 5 (coefficient-wise products)") << 5 << 6 << 1.0 << 0.0;
    QTest::newRow("general K = 30") << 30 << 31 << 1.0 << 0.0;
    QTest::newRow("general K = 30, own logit largest") << 30 << 31 << 1.0 << 12.0;
    QTest::newRow("general K = 101, rank 37") << 101 << 37 << 1.0 << 0.0;
    QTest::newRow("general K = 200, rank 170 (two-loop on two cores)") << 200 << 170 << 1.0 << 0.0;
    QTest::newRow("groups of 3 (contrasts)") << 17 << 18 << 3.0 << 0.0;
    QTest::newRow("groups of 3, own logit largest") << 17 << 18 << 3.0 << 12.0;
  }
  void avx2MatchesBaseline() {
    const Kernels* avx2 = detail::avx2Kernels();
    if (!avx2) QSKIP("the AVX2 kernels are not built, or this processor lacks AVX2 or FMA");
    QFETCH(int, G);
    QFETCH(int, r);
    QFETCH(double, groupSize);
    QFETCH(double, ownMargin);
    const Outputs a = runKernels(*avx2, G, r, groupSize, ownMargin);
    const Outputs b = runKernels(detail::baselineKernels(), G, r, groupSize, ownMargin);
    QVERIFY(relativeDifference(a.Z, b.Z) < 1e-12);
    QVERIFY(std::abs(a.f - b.f) <= 1e-12 * std::abs(b.f));
    QVERIFY(std::abs(a.gain - b.gain) <= 1e-12 * std::abs(b.gain));
    QVERIFY(relativeDifference(a.Dt, b.Dt) < 1e-12);
    QVERIFY(relativeDifference(a.delta, b.delta) < 1e-12);
    QVERIFY(relativeDifference(a.gU, b.gU) < 1e-12);
    QVERIFY(relativeDifference(a.gV, b.gV) < 1e-12);
    QVERIFY(std::abs(a.lambda - b.lambda) <= 1e-12 * b.lambda);
    QVERIFY(relativeDifference(a.eigD, b.eigD) < 1e-12);  // of the largest: the certificate's sigma_max^2
    QVERIFY(relativeDifference(a.eigU, b.eigU) < 1e-12);
    QVERIFY(std::abs(a.eigD.maxCoeff() - b.eigD.maxCoeff()) <= 1e-13 * b.eigD.maxCoeff());
    QVERIFY(relativeDifference(a.v, b.v) < 1e-10);  // 20 power steps amplify nothing much
    QVERIFY(relativeDifference(a.d, b.d) < 1e-12);
  }

  // Bit for bit the same results wherever the inputs lie (8-byte steps): one solve gives the same
  // digits in every process (the CLI and the Python module are compared exactly).
  void independentOfAlignment_data() { avx2MatchesBaseline_data(); }
  void independentOfAlignment() {
    QFETCH(int, G);
    QFETCH(int, r);
    QFETCH(double, groupSize);
    QFETCH(double, ownMargin);
    for (const Kernels* k : {&detail::baselineKernels(), detail::avx2Kernels()}) {
      if (!k) continue;
      const Outputs a = runKernels(*k, G, r, groupSize, ownMargin, 0);
      for (int offset = 1; offset < 4; ++offset)
        QVERIFY2(identical(a, runKernels(*k, G, r, groupSize, ownMargin, offset)), k->name);
    }
  }

  // The two-loop recursion against the textbook one, written out here.
  void twoLoopIsTheRecursion_data() {
    QTest::addColumn<int>("length");
    QTest::newRow("257") << 257;
    QTest::newRow("70001 (two cores)") << 70001;
  }
  void twoLoopIsTheRecursion() {
    std::mt19937 rng(5);
    QFETCH(int, length);
    const long n = length;
    const int m = 4;
    Eigen::MatrixXd S = randomMatrix(int(n), m, rng), Y = S + 0.5 * randomMatrix(int(n), m, rng);
    Eigen::VectorXd rho(m);
    for (int i = 0; i < m; ++i) rho(i) = 1 / S.col(i).dot(Y.col(i));
    const std::vector<int> cols = {2, 0, 3};
    const Eigen::VectorXd g = randomMatrix(int(n), 1, rng);
    const double gamma = 0.3;
    const Eigen::VectorXd h0 = (randomMatrix(int(n), 1, rng).array().abs() + 0.5).matrix();
    for (const bool diagonal : {false, true}) {
      Eigen::VectorXd d = -g;
      std::vector<double> alpha(cols.size());
      for (int i = int(cols.size()) - 1; i >= 0; --i) {
        alpha[i] = rho(cols[i]) * S.col(cols[i]).dot(d);
        d -= alpha[i] * Y.col(cols[i]);
      }
      d *= gamma;
      if (diagonal) d = d.cwiseProduct(h0);
      for (size_t i = 0; i < cols.size(); ++i) d += (alpha[i] - rho(cols[i]) * Y.col(cols[i]).dot(d)) * S.col(cols[i]);
      for (const Kernels* k : {&detail::baselineKernels(), detail::avx2Kernels()}) {
        if (!k) continue;
        Eigen::VectorXd out(n);
        std::vector<double> scratch(m);
        const double* h = diagonal ? h0.data() : nullptr;
        k->twoLoop(n, int(cols.size()), cols.data(), S.data(), Y.data(), rho.data(), g.data(), gamma, h, out.data(),
                   scratch.data());
        QVERIFY2(relativeDifference(out, d) < 1e-13, k->name);
        k->twoLoop(n, 0, cols.data(), S.data(), Y.data(), rho.data(), g.data(), gamma, h, out.data(), scratch.data());
        const Eigen::VectorXd first =
            diagonal ? Eigen::VectorXd(-gamma * h0.cwiseProduct(g)) : Eigen::VectorXd(-gamma * g);
        QVERIFY2(relativeDifference(out, first) < 1e-15, k->name);
      }
    }
  }

  // svdOf beyond 32 (gramSvd, not BDCSVD, whose Debian build gave NaN factors and read out of
  // bounds on rank-deficient long-tail matrices): against Jacobi on matrices of the kind the solver
  // factors, block-constant over bins plus a per-bin diagonal (a binned start), and a low-rank one
  // with repeated singular values and a null space.
  void svdBeyond32() {
    std::mt19937 rng(7);
    std::normal_distribution<double> normal;
    std::vector<Eigen::MatrixXd> cases;
    {
      const int K = 120, bins = 16;
      std::vector<int> bin(K);
      for (int k = 0; k < K; ++k) bin[k] = std::min(bins - 1, static_cast<int>(bins * std::pow(double(k) / K, 2.0)));
      Eigen::MatrixXd B(bins, bins);
      for (int i = 0; i < bins; ++i)
        for (int j = 0; j < bins; ++j) B(i, j) = normal(rng);
      Eigen::MatrixXd Z(K, K);
      for (int i = 0; i < K; ++i)
        for (int j = 0; j < K; ++j) Z(i, j) = B(bin[i], bin[j]) + (i == j && bin[i] < 10 ? 1.0 + bin[i] : 0.0);
      cases.push_back(Z);
    }
    {
      const int n = 80, r = 30;
      const Eigen::MatrixXd Q1 = Eigen::HouseholderQR<Eigen::MatrixXd>(Eigen::MatrixXd::Random(n, n)).householderQ();
      const Eigen::MatrixXd Q2 = Eigen::HouseholderQR<Eigen::MatrixXd>(Eigen::MatrixXd::Random(n, n)).householderQ();
      Eigen::VectorXd S = Eigen::VectorXd::Zero(n);
      for (int i = 0; i < r; ++i) S(i) = i < 10 ? 5.0 : (i < 20 ? 1.0 : 1e-3);
      cases.push_back(Q1 * S.asDiagonal() * Q2.transpose());
    }
    {
      // The start of the K = 1000 long tail: the 16-bin solution's logits (BDCSVD: NaN).
      SolveOptions o;
      o.kind = SolverKind::Reduced;
      const Solution b = solve(binSizes(longTail(1000), 16), o);
      QVERIFY(b.certified);
      const Eigen::MatrixXd Z = b.Z.expand(b.groups, 1000);
      const detail::Svd svd = detail::svdOf(Z, true);
      QVERIFY(svd.S.allFinite() && svd.U.allFinite() && svd.V.allFinite());
      QVERIFY((svd.U * svd.S.asDiagonal() * svd.V.leftCols(svd.S.size()).transpose() - Z).norm() <= 1e-12 * Z.norm());
    }
    for (const Eigen::MatrixXd& M : cases) {
      const detail::Svd svd = detail::svdOf(M, true);
      const Eigen::JacobiSVD<Eigen::MatrixXd> exact(M, Eigen::ComputeFullU | Eigen::ComputeFullV);
      const double s0 = exact.singularValues()(0);
      QVERIFY(svd.S.allFinite() && svd.U.allFinite() && svd.V.allFinite());
      QCOMPARE(svd.S.size(), exact.singularValues().size());
      QVERIFY((svd.S - exact.singularValues()).cwiseAbs().maxCoeff() <= 1e-12 * s0);
      for (Eigen::Index i = 1; i < svd.S.size(); ++i) QVERIFY(svd.S(i) <= svd.S(i - 1));
      const Eigen::Index k = svd.S.size();
      QVERIFY((svd.U * svd.S.asDiagonal() * svd.V.leftCols(k).transpose() - M).norm() <= 1e-12 * M.norm());
      QVERIFY((svd.V.transpose() * svd.V - Eigen::MatrixXd::Identity(k, k)).cwiseAbs().maxCoeff() <= 1e-12);
      // What the solver builds from it: the Grams' square roots (Lemma 1's completion).
      const Eigen::MatrixXd root = exact.matrixV() * exact.singularValues().asDiagonal() * exact.matrixV().transpose();
      QVERIFY((svd.V.leftCols(k) * svd.S.asDiagonal() * svd.V.leftCols(k).transpose() - root).norm() <= 1e-11 * root.norm());
      const Eigen::MatrixXd rootH = exact.matrixU() * exact.singularValues().asDiagonal() * exact.matrixU().transpose();
      QVERIFY((svd.U * svd.S.asDiagonal() * svd.U.transpose() - rootH).norm() <= 1e-11 * rootH.norm());
    }
  }

  // The SVD of a product from its factors (the solver's Grams and nuclear norm at many groups)
  // against Jacobi on the product itself: wide, tall, rank-deficient, and more columns than rows.
  void svdOfProduct() {
    std::mt19937 rng(11);
    std::normal_distribution<double> normal;
    auto random = [&](int m, int n) {
      Eigen::MatrixXd M(m, n);
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) M(i, j) = normal(rng);
      return M;
    };
    struct Case { Eigen::MatrixXd A, B; };
    std::vector<Case> cases;
    cases.push_back({random(120, 50), random(90, 50)});
    cases.push_back({random(40, 41), random(40, 41)});  // r = G + 1, as the solver's full rank
    {
      Eigen::MatrixXd A = random(70, 30), B = random(70, 30);
      A.rightCols(10).setZero();  // rank 20
      A.row(3).setZero(), B.row(5).setZero();  // zeroed classes, as the vanishing candidate's
      cases.push_back({A, B});
    }
    for (const Case& c : cases) {
      const Eigen::MatrixXd M = c.A * c.B.transpose();
      const detail::Svd svd = detail::svdOfProduct(c.A, c.B);
      const Eigen::JacobiSVD<Eigen::MatrixXd> exact(M, Eigen::ComputeFullU | Eigen::ComputeFullV);
      const Eigen::Index k = svd.S.size();
      QCOMPARE(k, std::min<Eigen::Index>({c.A.rows(), c.B.rows(), c.A.cols()}));
      const double s0 = exact.singularValues()(0);
      QVERIFY((svd.S - exact.singularValues().head(k)).cwiseAbs().maxCoeff() <= 1e-12 * s0);
      QVERIFY(exact.singularValues().size() == k || exact.singularValues()(k) <= 1e-12 * s0);
      QVERIFY((svd.U * svd.S.asDiagonal() * svd.V.transpose() - M).norm() <= 1e-12 * M.norm());
      const Eigen::MatrixXd root = exact.matrixV() * exact.singularValues().asDiagonal() * exact.matrixV().transpose();
      QVERIFY((svd.V * svd.S.asDiagonal() * svd.V.transpose() - root).norm() <= 1e-11 * root.norm());
      const Eigen::MatrixXd rootH = exact.matrixU() * exact.singularValues().asDiagonal() * exact.matrixU().transpose();
      QVERIFY((svd.U * svd.S.asDiagonal() * svd.U.transpose() - rootH).norm() <= 1e-11 * rootH.norm());
      QVERIFY(std::abs(svd.S.sum() - exact.singularValues().sum()) <= 1e-12 * exact.singularValues().sum());
    }
  }

  // The stop test's exact decision: sigma_max(M) below s, for s just above and just below a
  // top singular value of multiplicity 10 (as D's cluster near the optimum), square and not.
  void singularValuesBelow() {
    for (const auto& [m, n] : std::vector<std::pair<int, int>>{{80, 80}, {60, 100}, {100, 60}}) {
      const Eigen::MatrixXd Q1 = Eigen::HouseholderQR<Eigen::MatrixXd>(Eigen::MatrixXd::Random(m, m)).householderQ();
      const Eigen::MatrixXd Q2 = Eigen::HouseholderQR<Eigen::MatrixXd>(Eigen::MatrixXd::Random(n, n)).householderQ();
      Eigen::MatrixXd S = Eigen::MatrixXd::Zero(m, n);
      for (int i = 0; i < std::min(m, n); ++i) S(i, i) = i < 10 ? 3.0 : 2.9 * std::pow(0.9, i);
      const Eigen::MatrixXd M = Q1 * S * Q2.transpose();
      QVERIFY(detail::singularValuesBelow(M, 3.0 * (1 + 1e-10)));
      QVERIFY(!detail::singularValuesBelow(M, 3.0 * (1 - 1e-10)));
      QVERIFY(!detail::singularValuesBelow(M, 3.0));  // within the margin: not below
      QVERIFY(!detail::singularValuesBelow(M, 2.0));
      // A pass means the certificate's own upper bound is below s as well.
      QVERIFY(detail::maxSingularValue(M) < 3.0 * (1 + 1e-10));
    }
    QVERIFY(!detail::singularValuesBelow(Eigen::MatrixXd::Identity(40, 40), 0.0));
    QVERIFY(!detail::singularValuesBelow(Eigen::MatrixXd::Identity(40, 40), std::nan("")));
    Eigen::MatrixXd bad = Eigen::MatrixXd::Identity(40, 40);
    bad(3, 5) = std::nan("");  // Eigen's LLT takes a NaN pivot: refused before it
    QVERIFY(!detail::singularValuesBelow(bad, 10.0));
  }

  // Whole general solves (K = 30 long tail) with each set of kernels: both certified, both at the
  // reference optimum to within their certificates.
  void solvesAgree() {
    const Problem p = longTail(30);
    SolveOptions o;
    o.kind = SolverKind::General;
    std::vector<const Kernels*> sets = {&detail::baselineKernels()};
    if (detail::avx2Kernels()) sets.push_back(detail::avx2Kernels());
    for (const Kernels* k : sets) {
      detail::setKernels(k);
      const Solution s = solve(p, o);
      detail::setKernels(nullptr);
      QVERIFY2(s.certified, k->name);
      QVERIFY2(s.attempts == 1, k->name);
      // f - f* <= gap for both: each is within its own gap of the reference's f*.
      const double target = certificateTarget(s.objective, s.gain);
      QVERIFY2(s.gap <= target, k->name);
      QVERIFY2(std::abs(s.objective - kLongTail30Objective) <= 2 * target, k->name);
      const Certificate c = certify(p, s.Z.expand(s.groups, p.K()));
      QVERIFY2(std::abs(c.objective - s.objective) <= 1e-12 * s.objective, k->name);
      QVERIFY2(c.gap <= certificateTarget(c.objective, s.gain), k->name);
    }
  }
};

QTEST_APPLESS_MAIN(TestKernels)
#include "tst_kernels.moc"
