#include "lpm/ui/Explanation.h"

#include <QObject>

#include <cmath>

namespace lpm::ui {
namespace {

QString num(double v, int prec = 6) {
  if (std::isinf(v)) return QStringLiteral("∞");
  return QString::number(v, 'g', prec);
}

}  // namespace

StatusTexts statusTexts(const SolvedFrame& frame) {
  const auto& m = frame.metrics;
  const bool certified = frame.solution.certified;
  StatusTexts t;
  t.certified = certified;
  t.objective = QObject::tr("objective %1").arg(num(frame.solution.objective, 10));
  if (frame.solution.problem.binned > 0)
    t.objective += QObject::tr(" (binned, %1 groups)").arg(frame.solution.problem.binned);
  QString minor;
  switch (m.minorityState) {
    case MinorityState::Vanished: minor = QObject::tr("minority vanished (‖w‖ = %1)").arg(num(m.minorityW.normMean, 3)); break;
    case MinorityState::Collapsed: minor = QObject::tr("minority cos %1 — collapsed").arg(num(*m.minorityCos(), 6)); break;
    case MinorityState::Spread:
      minor = m.minorityCos() ? QObject::tr("minority cos %1").arg(num(*m.minorityCos(), 6)) : QObject::tr("minority cos —");
      break;
    case MinorityState::Single: minor = QObject::tr("one minority class (no pairwise cosine)"); break;
    case MinorityState::Uncertified: minor = QObject::tr("minority state: not certified"); break;
    case MinorityState::NonUnique: minor = QObject::tr("optimum not unique (budget not used up)"); break;
    case MinorityState::PartlyVanished: minor = QObject::tr("minority partly vanished (%1 of %2 classes)").arg(m.minorityW.vanished).arg(m.minorityW.size); break;
    case MinorityState::AllVanished: minor = QObject::tr("everything vanished: the weight decay wins (Y = 0)"); break;
  }
  if (frame.params.model == ModelKind::SupCon && frame.solution.certified)
    minor = m.minorityH.meanCos && m.featureState != MinorityState::Vanished
                ? QObject::tr("supervised contrastive: minority features cos %1, norm ratio %2")
                      .arg(num(*m.minorityH.meanCos, 6))
                      .arg(num(m.majorityH.normMean > 0 ? m.minorityH.normMean / m.majorityH.normMean : 0, 3))
                : QObject::tr("supervised contrastive: minority features %1")
                      .arg(QString::fromStdString(toString(m.featureState)));
  else if (frame.solution.problem.fixedEtfClassifier && frame.solution.certified && m.minorityH.meanCos)
    minor = QObject::tr("classifiers fixed; minority features cos %1, norm ratio %2")
                .arg(num(*m.minorityH.meanCos, 6))
                .arg(num(m.majorityH.normMean > 0 ? m.minorityH.normMean / m.majorityH.normMean : 0, 3));
  t.minority = minor;
  const QString gap = QString::number(frame.solution.gap, 'e', 1);
  t.gap = certified ? QObject::tr("gap %1").arg(gap) : QObject::tr("NOT CERTIFIED: gap %1").arg(gap);
  t.time = QObject::tr("%1 ms").arg(QString::number(frame.solution.solveMs, 'f', 2));
  return t;
}

QString explanationHtml(const SolvedFrame& frame, const ExplorerModel& model, bool brief) {
  // Everything here describes the published frame (its parameters, not the newest request's).
  const auto& p = frame.params;
  const auto& m = frame.metrics;
  QString state = QObject::tr("<p><b>Now</b> (R = %1): ").arg(std::isinf(p.R) ? QStringLiteral("∞") : num(p.R, 5));
  switch (m.minorityState) {
    case MinorityState::Uncertified:
      state += QObject::tr("<b style='color:#c00'>not certified</b>: the solver's duality gap %1 stayed above 10<sup>−9</sup> × "
                  "min(f, log K − f) after %2 attempts, so nothing is claimed about the minority classifiers.</p>")
                   .arg(QString::number(frame.solution.gap, 'e', 1))
                   .arg(frame.solution.attempts);
      break;
    case MinorityState::NonUnique:
      state += QObject::tr("the optimum is <b>not unique</b>: it does not use the whole budget (‖Z‖<sub>*</sub> = %1 "
                           "of ρ = %2), so many geometries reach the same loss %3 and none is drawn. Certified gap %4.</p>")
                   .arg(num(frame.solution.nuclearNorm, 4))
                   .arg(num(frame.solution.radius, 4))
                   .arg(num(frame.solution.objective, 6))
                   .arg(QString::number(frame.solution.gap, 'e', 1));
      break;
    case MinorityState::Vanished:
      state += QObject::tr("the minority classifiers have <b>vanished</b> (mean ‖w<sub>k</sub>‖ = %1): the whole budget went to "
                  "the majority, and they have no direction, hence no cosine. Certified gap %2.</p>")
                   .arg(num(m.minorityW.normMean, 3))
                   .arg(QString::number(frame.solution.gap, 'e', 1));
      break;
    case MinorityState::Single:
      if (p.model == ModelKind::SupCon)
        state += QObject::tr("the minority <b>features</b> are <b>%1</b>%2 (this model has no classifiers). Certified gap %3.</p>")
                     .arg(QString::fromStdString(toString(m.featureState)))
                     .arg(m.minorityH.meanCos && m.featureState != MinorityState::Vanished
                              ? QObject::tr(", average pairwise cosine %1, norm %2 of the majority's")
                                    .arg(num(*m.minorityH.meanCos, 4))
                                    .arg(num(m.majorityH.normMean > 0 ? m.minorityH.normMean / m.majorityH.normMean : 0, 3))
                              : QString())
                     .arg(QString::number(frame.solution.gap, 'e', 1));
      else
        state += QObject::tr("one minority class: no pairwise cosine. Certified gap %1.</p>")
                     .arg(QString::number(frame.solution.gap, 'e', 1));
      break;
    case MinorityState::PartlyVanished:
      state += QObject::tr("the minority has <b>partly vanished</b>: %1 of its %2 classes have zero classifier and feature, "
                           "fewer than two survive, so there is no pairwise cosine. Certified gap %3.</p>")
                   .arg(m.minorityW.vanished)
                   .arg(m.minorityW.size)
                   .arg(QString::number(frame.solution.gap, 'e', 1));
      break;
    case MinorityState::AllVanished:
      state += QObject::tr("<b>everything has vanished</b>: μ = √(λ<sub>W</sub>λ<sub>H</sub>) = %1 is at least the "
                           "gradient's top singular value at Y = 0, so every classifier and feature is exactly 0 and the "
                           "network predicts from the bias alone. Certified gap %2.</p>")
                   .arg(num(p.penalty.mu(), 4))
                   .arg(QString::number(frame.solution.gap, 'e', 1));
      break;
    default:
      state += QObject::tr("minority classifiers are <b>%1</b>, average pairwise cosine %2. Certified gap %3 "
                  "(%4 relative).</p>")
                   .arg(QString::fromStdString(toString(m.minorityState)))
                   .arg(num(*m.minorityCos(), 4))
                   .arg(QString::number(frame.solution.gap, 'e', 1))
                   .arg(QString::number(frame.solution.relativeGap(), 'e', 0));
  }
  // R0 and R_vanish of this frame's setting, once computed (one criterion: TransitionResult).
  QString story;
  const auto t = model.curveMatches(p) ? model.transition() : std::nullopt;
  // What the story is about: the classifiers, or the features where these are fixed or absent.
  const bool onFeatures = defaultQuantity(p) == CurveQuantity::FeatureCos;
  const QString who = onFeatures ? QObject::tr("minority features") : QObject::tr("minority classifiers");
  if (p.KB < 2) {
    story = QObject::tr("With one minority class there is no pair to collapse: R<sub>0</sub> is undefined here.");
  } else if (model.curveMatches(p) && model.curveComplete() && !model.curveError().isEmpty()) {
    story = QObject::tr("<span style='color:#c00'>The curve and R<sub>0</sub> could not be computed: %1</span>")
                .arg(model.curveError().toHtmlEscaped());
  } else if (!t) {
    story = QObject::tr("As R grows the %1 draw together (R<sub>0</sub>: computing…).").arg(who);
  } else if (t->collapse.status == Bracket::Found) {
    story = QObject::tr("As R grows the %2 draw together and, above R<sub>0</sub> = %1, become parallel "
               "(cosine ≥ 1 − 10<sup>−3</sup>): <b>Minority Collapse</b>.")
                .arg(QString::fromStdString(ratioText(t->collapse.R)))
                .arg(who);
    if (t->vanish.value())
      story += QObject::tr(" From R = %1 on they vanish (‖w<sub>k</sub>‖ → 0).").arg(QString::fromStdString(ratioText(t->vanish.R)));
  } else if (t->first == FirstEvent::Vanish) {
    story = QObject::tr("Here the %2 <b>vanish</b> from R = %1 before they become parallel: their norm goes "
               "to zero while their cosine is still below 1 − 10<sup>−3</sup>, so R<sub>0</sub> is undefined.")
                .arg(QString::fromStdString(ratioText(t->vanish.R)))
                .arg(who);
  } else if (t->collapse.status == Bracket::Beyond) {
    story = QObject::tr("No collapse of the %3 up to R = %1 (R<sub>0</sub> lies beyond).%2")
                .arg(num(t->Rmax, 3))
                .arg(p.loss.kind == LossKind::CE && !fixedEtfInModel(p)
                         ? QObject::tr(" At this budget they draw together only slowly: smaller E<sub>W</sub>·E<sub>H</sub> "
                                       "brings R<sub>0</sub> down.")
                         : QString())
                .arg(who);
  } else {
    story = QString::fromStdString(t->summary()).toHtmlEscaped() + ".";
  }
  if (brief) return state + QStringLiteral("<p>%1</p>").arg(story);
  const bool ce = p.loss.kind == LossKind::CE && !fixedEtfInModel(p);
  const QString fixedText =
      fixedEtfInModel(p) ? QObject::tr("<p><b>Classifiers fixed</b> to a simplex ETF (Yang et al. 2022): only the features move "
                               "in their budget, so the classifiers cannot collapse; the question is what the minority "
                               "<i>features</i> (spheres) do: their cosine %1, their norm %2 of the majority's.</p>")
                       .arg(m.minorityH.meanCos ? num(*m.minorityH.meanCos, 4) : QStringLiteral("—"))
                       .arg(m.majorityH.normMean > 0 ? num(m.minorityH.normMean / m.majorityH.normMean, 3) : QStringLiteral("—"))
                 : QString();
  QString formText;
  if (p.model == ModelKind::SupCon)
    formText = QObject::tr("<p><b>Model</b>: supervised contrastive loss (Eq. 11–12, Theorem 3), features only: "
                           "min Σ<sub>k</sub> π<sub>k</sub> (−Q<sub>kk</sub>/t + log Σ<sub>j</sub> π<sub>j</sub> "
                           "exp(Q<sub>kj</sub>/t)) over the Gram Q = HH<sup>T</sup> ⪰ 0, tr Q ≤ K E<sub>H</sub>, "
                           "temperature t = %1 (lpm-models.md §3). Collapsed features are proven for balanced classes "
                           "(the optimum is then a simplex ETF) and an ansatz otherwise. There are no classifiers: the "
                           "spheres are the class means.</p>")
                   .arg(num(p.temperature, 4));
  else if (p.budget == Budget::Penalized)
    formText = QObject::tr("<p><b>Penalized form</b> (weight decay, the unconstrained-features model of Zhu et al. 2021, "
                           "Hong &amp; Ling 2023): min Σ<sub>k</sub> π<sub>k</sub> ℓ<sub>k</sub>(z<sub>k</sub> + b) + "
                           "μ‖D<sup>1/2</sup>Z‖<sub>*</sub>%1, μ = √(λ<sub>W</sub>λ<sub>H</sub>) = %2, D = diag(n<sub>k</sub>). "
                           "A different model from the paper's energy constraints: the feature penalty is summed over "
                           "samples, so absolute sizes matter (n<sub>A</sub> = %3, n<sub>B</sub> = %4). The minority "
                           "classifiers coincide once μ ≥ √n<sub>B</sub>/N, and everything vanishes once μ ≥ "
                           "√n<sub>A</sub>/N (two sizes, cross-entropy).</p>")
                   .arg(p.penalty.bias() ? QObject::tr(" + (λ<sub>b</sub>/2)‖b‖², λ<sub>b</sub> = %1").arg(num(p.penalty.lambdaB, 4))
                                         : QObject::tr(" (no bias)"))
                   .arg(num(p.penalty.mu(), 4))
                   .arg(num(p.nA, 6))
                   .arg(std::isinf(p.R) ? QStringLiteral("0") : num(p.nA * p.wr / p.R, 6));
  if (frame.solution.problem.binned > 0)
    formText += QObject::tr("<p><b>Binned (%1 groups)</b>: the K = %2 class sizes are cut into %1 quantile groups of "
                            "log n<sub>k</sub>, each class taking its group's geometric-mean size; the solution is exact "
                            "and certified for these binned sizes, not for the classes' own.</p>")
                    .arg(frame.solution.problem.binned)
                    .arg(p.K());
  const QString modelText =
      p.loss.kind == LossKind::CE || p.model == ModelKind::SupCon
          ? formText + fixedText
          : formText + fixedText + QObject::tr("<p><b>Model</b>: Eq. 15 with the %1 loss, %2 (%3) in place of cross-entropy; every "
                       "solution is certified by the duality gap of the nuclear-norm ball, valid for any convex "
                       "loss.</p>")
               .arg(QString::fromStdString(describe(p.loss)).toHtmlEscaped(),
                    QString::fromStdString(lossFormula(p.loss.kind)).toHtmlEscaped(),
                    QString::fromStdString(lossSource(p.loss.kind)).toHtmlEscaped());
  const QString etf = ce && p.budget == Budget::Constrained ? QObject::tr("With balanced classes the optimum is a simplex ETF (Theorem 1): pairwise "
                                       "cosine −1/(K−1). ")
                         : QString();
  const QString seen =
      p.model == ModelKind::SupCon
          ? QObject::tr("Spheres: class means h<sub>k</sub> from the optimal Gram Q = HH<sup>T</sup> (this model has no "
                        "classifiers). ")
      : p.budget == Budget::Penalized
          ? QObject::tr("Arrows: classifiers w<sub>k</sub>; spheres: class means h<sub>k</sub>, from the minimal-energy "
                        "factorisation of D<sup>1/2</sup>Z (lpm-models.md §1), each set scaled by its RMS norm. ")
          : QObject::tr("Arrows: classifiers w<sub>k</sub>; spheres: class means h<sub>k</sub>, both recovered from the "
                        "optimal Gram matrix of the convex relaxation (Eq. 15, Lemma 1). ");
  const QString axes = QObject::tr("By default the 3D axes run from the minority's mean direction to the majority's "
                                   "and along each group's spread, so each group draws as an evenly spaced fan "
                                   "(View &gt; 3D Axes From). ");
  const QString html =
      modelText + QObject::tr("<h4>What you see</h4>"
         "<p>%8"
         "<span style='color:#0072B2'>Blue</span>: %1 majority classes; <span style='color:#D55E00'>vermillion</span>: "
         "%2 minority classes%6.</p>"
         "<p>%7%3 "
         "Oversampling by w<sub>r</sub> acts like n<sub>B</sub> → w<sub>r</sub> n<sub>B</sub> "
         "(Eq. 18).</p>%4<p>%5</p>")
          .arg(p.KA)
          .arg(p.KB)
          .arg(story)
          .arg(state)
          .arg(p.model == ModelKind::SupCon
                   ? QObject::tr("Only E<sub>H</sub>/t = %1 and the sizes shape the geometry.").arg(num(p.EH / p.temperature, 4))
                   : p.budget == Budget::Penalized
                         ? QObject::tr("Only μ = √(λ<sub>W</sub>λ<sub>H</sub>) = %1 and the absolute sizes shape the geometry; "
                                       "λ<sub>W</sub>/λ<sub>H</sub> only trades the norms of W against those of H.")
                               .arg(num(p.penalty.mu(), 4))
                         : QObject::tr("Only E<sub>W</sub>·E<sub>H</sub> = %1 shapes the geometry.").arg(num(p.EW * p.EH, 4)))
          .arg(p.profile == SizeProfile::Exponential
                   ? QObject::tr(" (long tail: n<sub>k</sub> = R<sup>−k/(K−1)</sup>, minority sizes × w<sub>r</sub>)")
               : p.profile == SizeProfile::Pareto
                   ? QObject::tr(" (Pareto-shaped long tail: n<sub>k</sub> = (1 + (k/(K−1))(R<sup>1/6</sup> − 1))<sup>−6</sup>, "
                                 "minority sizes × w<sub>r</sub>)")
                   : QObject::tr(" with n<sub>B</sub> = n<sub>A</sub> w<sub>r</sub> / R"))
          .arg(etf)
          .arg(seen + axes);
  return html;
}

}  // namespace lpm::ui
