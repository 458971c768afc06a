// The loss family (lpm-models.md §2) in the constrained model: every solve certified, against an
// independent CVXOPT solver (tests/scripts/reference_models.py, its table committed) and against
// closed forms. Label core.
#include <QFile>
#include <QTest>

#include <cmath>
#include <random>

#include "lpm/Design.h"
#include "lpm/Metrics.h"
#include "lpm/Parameters.h"
#include "lpm/Presets.h"
#include "lpm/Sweep.h"
#include "lpm/Report.h"
#include "lpm/Session.h"
#include "lpm/Solver.h"

#include "ReferenceTables.h"

using namespace lpm;

namespace {

TwoSizeParams two(int KA, int KB, double EW, double EH, double R, Loss loss = {}) {
  TwoSizeParams p;
  p.KA = KA, p.KB = KB, p.EW = EW, p.EH = EH, p.R = R, p.loss = loss;
  return p;
}

Loss loss(LossKind k, double alpha = 0, double tau = 0, double margin = 0, double gamma = 0) {
  Loss l;
  l.kind = k, l.alpha = alpha, l.tau = tau, l.margin = margin, l.gamma = gamma;
  return l;
}

using test::referenceLoss;

struct Solved {
  Solution s;
  Metrics m;
};
Solved solved(const TwoSizeParams& p) {
  Solved r{solve(makeTwoSize(p)), {}};
  r.m = computeMetrics(r.s);
  return r;
}

}  // namespace

class TestLosses : public QObject {
  Q_OBJECT
private slots:
  void matchesTheIndependentReference() {
    // 99 solves: six losses (two parameter values each), K = 10, KA 3/5/7, R 1/10/100.
    QFile f(QStringLiteral(LPM_TEST_DATA_DIR "/reference_models.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList header = QString(f.readLine()).trimmed().split(',');
    auto col = [&](const char* name) { return header.indexOf(name); };
    int rows = 0;
    double worstObjective = 0, worstCos = 0;
    while (!f.atEnd()) {
      const QStringList c = QString(f.readLine()).trimmed().split(',');
      if (c.size() < header.size()) continue;
      const Loss l = referenceLoss(c[col("loss")], c[col("params")]);
      const auto p = two(c[col("KA")].toInt(), c[col("KB")].toInt(), c[col("EW")].toDouble(), c[col("EH")].toDouble(),
                         c[col("R")].toDouble(), l);
      const auto [s, m] = solved(p);
      const QString where = c.mid(0, 7).join(',');
      QVERIFY2(s.certified, qPrintable(where));
      QVERIFY2(s.gap <= 1e-9, qPrintable(where + QString(" gap %1").arg(s.gap)));
      const double ref = c[col("objective")].toDouble();
      const double err = ref > 1e-9 ? std::abs(s.objective / ref - 1) : std::abs(s.objective - ref);
      worstObjective = std::max(worstObjective, err);
      QVERIFY2(err <= 1e-6, qPrintable(where + QString(" objective %1 vs %2").arg(s.objective, 0, 'g', 12).arg(ref, 0, 'g', 12)));
      const QString state = c[col("state")];
      QCOMPARE(QString::fromStdString(toString(m.minorityState)), state);
      if (state == "spread" || state == "collapsed") {
        const double dMin = std::abs(*m.minorityCos() - c[col("minority_cos")].toDouble());
        const double dMaj = std::abs(*m.majorityW.meanCos - c[col("majority_cos")].toDouble());
        worstCos = std::max({worstCos, dMin, dMaj});
        QVERIFY2(dMin <= 1e-4 && dMaj <= 1e-4, qPrintable(where));
      }
      ++rows;
    }
    QCOMPARE(rows, 99);
    qInfo("reference: %d rows, worst objective error %.1e, worst cosine error %.1e", rows, worstObjective, worstCos);
  }

  void fixedEtfMatchesItsReference() {
    // The fixed simplex-ETF classifier (only features move), against tests/scripts/reference_fixed_etf.py
    // (CVXOPT in H directly, cross-checked by a second method there): 60 rows.
    QFile f(QStringLiteral(LPM_TEST_DATA_DIR "/reference_fixed_etf.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList header = QString(f.readLine()).trimmed().split(',');
    auto col = [&](const char* name) { return header.indexOf(name); };
    int rows = 0;
    while (!f.atEnd()) {
      const QStringList c = QString(f.readLine()).trimmed().split(',');
      if (c.size() < header.size()) continue;
      const Loss l = referenceLoss(c[col("loss")], c[col("params")]);
      TwoSizeParams p = two(c[col("KA")].toInt(), c[col("KB")].toInt(), c[col("EW")].toDouble(), c[col("EH")].toDouble(),
                            c[col("R")].toDouble(), l);
      p.fixedEtf = true;
      const auto [s, m] = solved(p);
      const QString where = c.mid(0, 7).join(',');
      QVERIFY2(s.certified && s.gap <= 1e-9, qPrintable(where));
      QVERIFY2(std::abs(s.objective / c[col("objective")].toDouble() - 1) < 1e-6, qPrintable(where));
      // The classifiers are the ETF; the features are what moves.
      QVERIFY(std::abs(*m.minorityW.meanCos + 1.0 / 9) < 1e-12);
      QVERIFY2(std::abs(*m.minorityH.meanCos - c[col("minority_feature_cos")].toDouble()) < 1e-4, qPrintable(where));
      QVERIFY2(std::abs(*m.majorityH.meanCos - c[col("majority_feature_cos")].toDouble()) < 1e-4, qPrintable(where));
      QVERIFY2(std::abs(m.minorityH.normMean / m.majorityH.normMean / c[col("minority_feature_norm_ratio")].toDouble() - 1) < 1e-4,
               qPrintable(where));
      // The budget is used up (the logits of a fixed ETF sum to zero: no free shift).
      QVERIFY(!nonUnique(s));
      ++rows;
    }
    QCOMPARE(rows, 60);
    // Balanced, it is Theorem 1's simplex ETF; full-row certificate and reduced = general agree.
    TwoSizeParams p = two(5, 5, 1, 5, 1);
    p.fixedEtf = true;
    QVERIFY(std::abs(solve(makeTwoSize(p)).objective / balancedObjective(10, 1, 5) - 1) < 1e-9);
    p.R = 50;
    p.profile = SizeProfile::Exponential;
    const Problem problem = makeTwoSize(p);
    SolveOptions general;
    general.kind = SolverKind::General;
    const Solution a = solve(problem), b = solve(problem, general);
    QVERIFY(a.certified && b.certified && std::abs(a.objective / b.objective - 1) < 1e-9);
    const auto cert = certify(problem, a.Z.expand(a.groups, problem.K()));
    QVERIFY(std::abs(cert.objective / a.objective - 1) < 1e-12 && cert.gap <= 1e-9);
    // MSE is not modelled with a fixed ETF; no closed form either.
    p.loss.kind = LossKind::MSE;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeTwoSize(p));
  }

  void zeroParametersAreCrossEntropy() {
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < 40; ++i) {
      const int KA = 1 + static_cast<int>(u(rng) * 8), KB = 2 + static_cast<int>(u(rng) * 8);
      const double EW = std::pow(10, -1 + 2 * u(rng)), EH = std::pow(10, -1 + 2 * u(rng)), R = std::pow(10, 3 * u(rng));
      const auto ce = solved(two(KA, KB, EW, EH, R));
      for (const Loss& l : {loss(LossKind::LabelSmoothing), loss(LossKind::LogitAdjusted), loss(LossKind::LDAM),
                            loss(LossKind::VS)}) {
        const auto other = solved(two(KA, KB, EW, EH, R, l));
        QVERIFY(other.s.certified);
        QVERIFY2(std::abs(other.s.objective / ce.s.objective - 1) < 1e-9, qPrintable(QString::fromStdString(describe(l))));
        QCOMPARE(toString(other.m.minorityState), toString(ce.m.minorityState));
        if (ce.m.minorityCos()) QVERIFY(std::abs(*other.m.minorityCos() - *ce.m.minorityCos()) < 1e-6);
      }
    }
  }

  void balancedClosedForms() {
    const int K = 10;
    for (double ewEh : {0.5, 2.0, 5.0, 20.0}) {
      const double root = std::sqrt(ewEh);
      // Logit adjustment and VS are CE when the classes are balanced: Theorem 1.
      for (const Loss& l : {loss(LossKind::LogitAdjusted, 0, 1.5), loss(LossKind::VS, 0, 1.0, 0, 0.5)}) {
        const auto r = solved(two(5, 5, 1, ewEh, 1, l));
        QVERIFY(r.s.certified);
        QVERIFY(std::abs(r.s.objective / balancedObjective(K, 1, ewEh) - 1) < 1e-9);
        QVERIFY(std::abs(*r.m.minorityCos() + 1.0 / (K - 1)) < 1e-6);  // the simplex ETF
      }
      // LDAM, balanced: every margin is m; the ETF with the own logit lowered by m.
      const double m = 0.7;
      const auto ldam = solved(two(5, 5, 1, ewEh, 1, loss(LossKind::LDAM, 0, 0, m)));
      QVERIFY(std::abs(ldam.s.objective / std::log1p((K - 1) * std::exp(m - K * root / (K - 1))) - 1) < 1e-9);
      // MSE, balanced: Z = s I with s = min(1, sqrt(EW EH)), f = (1 - s)^2 / 2; orthogonal classifiers.
      const auto mse = solved(two(5, 5, 1, ewEh, 1, loss(LossKind::MSE)));
      QVERIFY(mse.s.certified);
      const double sI = std::min(1.0, root);
      QVERIFY(std::abs(mse.s.objective - 0.5 * (1 - sI) * (1 - sI)) < 1e-9);
      QCOMPARE(toString(mse.m.minorityState), toString(ewEh >= 1 ? MinorityState::NonUnique : MinorityState::Spread));
      if (ewEh < 1) QVERIFY(std::abs(*mse.m.minorityCos()) < 1e-6);
    }
    // Label smoothing leaves the budget unused beyond sqrt(EH EW) = log(1 + K (1 - a) / a) (K - 1) / K:
    // then the optimum is not unique and its loss is the entropy of (1 - a) e_k + a / K.
    const double a = 0.3, threshold = std::log(1 + K * (1 - a) / a) * (K - 1) / K;
    for (double R : {1.0, 100.0}) {
      const auto below = solved(two(5, 5, 1, std::pow(0.95 * threshold, 2), R, loss(LossKind::LabelSmoothing, a)));
      QVERIFY(below.s.certified);
      QVERIFY(below.m.minorityState != MinorityState::NonUnique);
      const auto above = solved(two(5, 5, 1, std::pow(1.05 * threshold, 2), R, loss(LossKind::LabelSmoothing, a)));
      QVERIFY(above.s.certified);
      QCOMPARE(toString(above.m.minorityState), toString(MinorityState::NonUnique));
      QVERIFY(!above.m.minorityCos());
      const double q = 1 - a + a / K, r = a / K;
      QVERIFY(std::abs(above.s.objective - (-q * std::log(q) - (K - 1) * r * std::log(r))) < 1e-9);
    }
  }

  void oversamplingIsAShiftOfRForCeSmoothingAndMse() {
    // Prop. 1 holds where the loss has no prior of its own; logit adjustment keeps the original sizes.
    for (const Loss& l : {loss(LossKind::CE), loss(LossKind::LabelSmoothing, 0.1), loss(LossKind::MSE)}) {
      TwoSizeParams p = two(3, 7, 1, l.kind == LossKind::MSE ? 0.5 : 5, 20, l);
      p.wr = 2;
      TwoSizeParams q = p;
      q.wr = 1, q.R = 10;
      QVERIFY(std::abs(solve(makeTwoSize(p)).objective / solve(makeTwoSize(q)).objective - 1) < 1e-9);
    }
    TwoSizeParams p = two(3, 7, 1, 5, 20, loss(LossKind::LogitAdjusted, 0, 1));
    p.wr = 2;
    TwoSizeParams q = p;
    q.wr = 1, q.R = 10;
    QVERIFY(std::abs(solve(makeTwoSize(p)).objective / solve(makeTwoSize(q)).objective - 1) > 1e-3);
  }

  void longTailAndGeneralSolverAgree() {
    // The symmetry reduction is exact for every loss: reduced and unreduced solves agree.
    for (const Loss& l : {loss(LossKind::LabelSmoothing, 0.2), loss(LossKind::LogitAdjusted, 0, 1),
                          loss(LossKind::LDAM, 0, 0, 0.5), loss(LossKind::VS, 0, 0.5, 0, 0.3), loss(LossKind::MSE)}) {
      TwoSizeParams p = two(2, 4, 1, 2, 30, l);
      p.profile = SizeProfile::Exponential;
      const Problem problem = makeTwoSize(p);
      SolveOptions reduced, general;
      reduced.kind = SolverKind::Reduced;
      general.kind = SolverKind::General;
      const Solution a = solve(problem, reduced), b = solve(problem, general);
      QVERIFY(a.certified && b.certified);
      QVERIFY2(std::abs(a.objective - b.objective) <= 1e-9 * std::max(1.0, a.objective),
               qPrintable(QString::fromStdString(describe(l))));
      // The objective and certificate recomputed class by class on full rows (no group form).
      const auto c = certify(problem, a.Z.expand(a.groups, problem.K()));
      QVERIFY(std::abs(c.objective - a.objective) <= 1e-12 * std::max(1.0, a.objective));
      QVERIFY2(c.gap <= 1e-9 && std::abs(c.gap - a.gap) <= 1e-9, qPrintable(QString("%1 vs %2").arg(c.gap).arg(a.gap)));
    }
  }

  void twoSizeStaysSmallAtAnyK() {
    // A two-size problem keeps its two groups at K = 10^5 for every loss.
    for (const Loss& l : {loss(LossKind::LabelSmoothing, 0.1), loss(LossKind::LDAM, 0, 0, 0.5), loss(LossKind::MSE)}) {
      const Solution s = solve(makeTwoSize(two(50000, 50000, 1, 0.5, 10, l)));
      QVERIFY(s.certified);
      QCOMPARE(static_cast<int>(s.groups.size()), 2);
    }
  }

  void jsonCarriesTheModel() {
    const auto p = two(5, 5, 1, 5, 10, loss(LossKind::LDAM, 0, 0, 0.5));
    const auto [s, m] = solved(p);
    const auto j = solutionJson(s, m, false, provenanceJson(SolveOptions{}, p));
    QCOMPARE(QString::fromStdString(j["loss"].get<std::string>()), QString("ldam"));
    QCOMPARE(QString::fromStdString(j["formulation"].get<std::string>()), QString("constrained"));
    QVERIFY(j["inputs"].contains("margin") && !j["inputs"].contains("alpha"));
    for (const char* key : {"minority_feature_cos", "majority_feature_cos", "between_cos", "minority_norm_ratio",
                            "minority_feature_norm_ratio", "feature_state"})
      QVERIFY2(j.contains(key), key);
    QCOMPARE(QString::fromStdString(j["feature_state"].get<std::string>()), QString::fromStdString(toString(m.featureState)));
    // A geometry that is not unique withholds every geometric number.
    const auto [u, um] = solved(two(5, 5, 1, 5, 10, loss(LossKind::MSE)));
    const auto ju = solutionJson(u, um, false);
    QCOMPARE(QString::fromStdString(ju["minority_state"].get<std::string>()), QString("nonunique"));
    QVERIFY(ju["minority_cos"].is_null() && ju["majority_cos"].is_null() && ju["minority_norm_ratio"].is_null());
  }

  void presetsShowWhatTheirTitlesSay() {
    auto state = [](const char* name) {
      const auto p = findPreset(name);
      return p ? toString(computeMetrics(solve(makeTwoSize(p->params))).minorityState) : std::string("missing");
    };
    QCOMPARE(state("ldam"), std::string("collapsed"));
    QCOMPARE(state("label-smoothing"), std::string("spread"));
    QCOMPARE(state("mse"), std::string("spread"));
    QCOMPARE(state("vs"), std::string("collapsed"));
    QCOMPARE(state("logit-adjusted"), std::string("collapsed"));
    const auto la = phaseTransitionRatio(findPreset("logit-adjusted")->params);
    QVERIFY(la.R0() && *la.R0() < 30 && la.vanish.value() && *la.vanish.value() > 30);
    const auto mse = computeMetrics(solve(makeTwoSize(findPreset("mse")->params)));
    QVERIFY(std::abs(*mse.minorityCos()) < 1e-6 && std::abs(*mse.majorityW.meanCos) < 1e-6);  // orthogonal
  }

  void designQueries() {
    // Table 2's question: the smallest oversampling rate that keeps the minority cosine <= 0.5 at
    // R = 1000 (KA = 5). Oversampling is R -> R / wr (Prop. 1): the cosine at R / wr is the target.
    DesignQuery q;
    q.parameter = "wr", q.targetCos = 0.5, q.R = 1000;
    const auto r = designValue(two(5, 5, 1, 5, 1), q);
    QVERIFY(r.status == Bracket::Found && r.smallest && r.value);
    const auto at = solved(two(5, 5, 1, 5, 1000 / *r.value));
    QVERIFY2(std::abs(*at.m.minorityCos() - 0.5) < 1e-3, qPrintable(QString::number(*at.m.minorityCos())));
    QVERIFY(*solved(two(5, 5, 1, 5, 1000 / (*r.value * 0.99))).m.minorityCos() > 0.5);
    // Label smoothing at R = 100 keeps it from some alpha on, until its optimum stops being unique
    // at log(1 + K (1 - a) / a) (K - 1) / K = sqrt(EH EW).
    q.parameter = "alpha", q.R = 100;
    const auto ls = designValue(two(5, 5, 1, 5, 1, loss(LossKind::LabelSmoothing)), q);
    QVERIFY(ls.status == Bracket::Found && ls.value && ls.until);
    const double x = std::sqrt(5.0) * 10 / 9, aMax = 10 / (std::exp(x) - 1 + 10);  // log(1 + 10 (1 - a) / a) = x
    // "Not unique" starts once ||Z||_* < (1 - kNonUniqueTol) rho, a little past the threshold itself.
    QVERIFY2(*ls.until > aMax && *ls.until / aMax - 1 < 5e-3, qPrintable(QString("%1 vs %2").arg(*ls.until).arg(aMax)));
    // Nothing to find, and bad queries.
    q.parameter = "wr", q.targetCos = -0.5;
    QVERIFY(designValue(two(5, 5, 1, 5, 1), q).status == Bracket::Beyond);
    q.parameter = "EW";
    QVERIFY_THROWS_EXCEPTION(InvalidInput, designValue(two(5, 5, 1, 5, 1), q));
    q.parameter = "alpha";
    QVERIFY_THROWS_EXCEPTION(InvalidInput, designValue(two(5, 5, 1, 5, 1), q));  // alpha with CE
    q.parameter = "wr", q.targetCos = 1.5;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, designValue(two(5, 5, 1, 5, 1), q));
  }

  void sessionsKeepTheModel() {
    Session s;
    s.params = two(3, 7, 1, 5, 50, loss(LossKind::VS, 0, 0.5, 0, 0.2));
    const Session back = sessionFromJson(sessionToJson(s));
    QVERIFY(back.params.loss == s.params.loss);
    QVERIFY(sameParameters(back.params, s.params));
    // The models compared on the plot, each checked like the session's own.
    s.compared = {two(5, 5, 1, 5, 1, loss(LossKind::LDAM, 0, 0, 0.5)), two(3, 7, 1, 0.5, 1, loss(LossKind::MSE))};
    const Session withCompare = sessionFromJson(sessionToJson(s));
    QCOMPARE(withCompare.compared.size(), size_t(2));
    QVERIFY(sameParameters(withCompare.compared[0], s.compared[0]) && sameParameters(withCompare.compared[1], s.compared[1]));
    std::string broken = sessionToJson(s);
    broken.replace(broken.find("\"margin\": 0.5"), 14, "\"margin\": -1.0");
    QVERIFY_THROWS_EXCEPTION(InvalidInput, sessionFromJson(broken));
    // Older sessions, without a loss, are cross-entropy.
    std::string text = sessionToJson(Session{});
    for (const char* key : {"loss", "alpha", "tau", "margin", "gamma"}) {
      const auto at = text.find(std::string("\"") + key + "\"");
      QVERIFY(at != std::string::npos);
      const auto end = text.find_first_of(",}", at);
      text.erase(at, end - at + (text[end] == ',' ? 1 : 0));
    }
    QVERIFY(sessionFromJson(text).params.loss == Loss{});
  }

  void badInputIsRefused() {
    TwoSizeParams p;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "alpha", 1.0));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "tau", -0.1));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "margin", -1.0));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "gamma", -1.0));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, setParameter(p, "loss", std::string("focal")));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeTwoSize(two(5, 5, 1, 5, kInfinity, loss(LossKind::LogitAdjusted, 0, 1))));
    QVERIFY_THROWS_EXCEPTION(InvalidInput, makeTwoSize(two(5, 5, 1, 5, kInfinity, loss(LossKind::LDAM, 0, 0, 1))));
    // R = inf is fine where no prior enters.
    QVERIFY(solve(makeTwoSize(two(5, 5, 1, 5, kInfinity, loss(LossKind::LabelSmoothing, 0.1)))).certified);
    SolveOptions closed;
    closed.kind = SolverKind::ClosedForm;
    QVERIFY_THROWS_EXCEPTION(InvalidInput, solve(makeTwoSize(two(5, 5, 1, 5, 1, loss(LossKind::MSE))), closed));
    // Loss parameters apply only to their loss (the panel hides the others, the CLI refuses them).
    QVERIFY(!parameter("alpha").appliesTo(p));
    p.loss.kind = LossKind::LabelSmoothing;
    QVERIFY(parameter("alpha").appliesTo(p) && !parameter("tau").appliesTo(p));
    p.loss.kind = LossKind::VS;
    QVERIFY(parameter("tau").appliesTo(p) && parameter("gamma").appliesTo(p));
  }
};

QTEST_APPLESS_MAIN(TestLosses)

#include "tst_losses.moc"
