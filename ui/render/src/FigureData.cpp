#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lpm/Parameters.h"
#include "lpm/Presets.h"
#include "lpm/Session.h"
#include "lpm/Geometry.h"
#include "lpm/render/Figure.h"

namespace lpm::render {

std::string captionFor(const TwoSizeParams& p, const Solution& s, const Metrics& m,
                       const std::optional<TransitionResult>& t) {
  char buf[600];
  // The state of what the model's story is about: the classifiers, or the features where the
  // classifiers are fixed or absent.
  const bool features = defaultQuantity(p) == CurveQuantity::FeatureCos;
  const MinorityState st = features ? m.featureState : m.minorityState;
  const bool live = st == MinorityState::Spread || st == MinorityState::Collapsed;
  const auto cos = live ? (features ? m.minorityH.meanCos : m.minorityCos()) : std::nullopt;
  const std::string what = features ? "minority feature" : "minority";
  std::string state;
  if (cos)
    state = (std::snprintf(buf, sizeof buf, "%s cosine %.4f (%s)", what.c_str(), *cos, describe(st, s.gap).c_str()),
             std::string(buf));
  else
    state = what + " " + describe(st, s.gap);
  const std::string r0 = t ? t->summary() : std::string("R0 (KB < 2: undefined)");
  // The model, then every number that enters it (the registry's, as typed).
  std::string model = p.model == ModelKind::SupCon ? "Supervised contrastive model (Eq. 11-12)" : "Layer-Peeled Model (Eq. 15";
  if (p.model != ModelKind::SupCon) {
    if (p.loss.kind != LossKind::CE) model += ", " + describe(p.loss);
    if (fixedEtfInModel(p)) model += ", fixed ETF classifier";
    if (p.budget == Budget::Penalized) model += ", weight decay";
    model += ")";
  }
  std::string values;
  for (const auto& spec : parameterRegistry()) {
    if (spec.type == ParameterType::Choice || !spec.appliesTo(p) || lossUses(p.loss.kind, spec.name)) continue;
    if ((spec.name == "wr" && p.wr == 1) || spec.name == "bins") continue;  // bins: said as "binned (G groups)"
    // As typed where that has at most the 4 significant figures the cosines are printed to; a
    // longer one (a network's fitted EW = 0.451004269393) to 4, marked as rounded. Whole numbers
    // (K_A, a count, R = 10000) stay whole.
    std::string text = parameterText(p, spec.name), sign = " = ";
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && *end == '\0' && std::isfinite(v) && v != std::round(v)) {  // one number
      char shortText[32];
      std::snprintf(shortText, sizeof shortText, "%.4g", v);
      if (std::strtod(shortText, nullptr) != v) text = shortText, sign = " \u2248 ";
    }
    values += (values.empty() ? "" : ", ") + spec.name + sign + text;
  }
  std::string tail = longTail(p.profile) ? ", long tail" : "";
  if (s.problem.binned > 0) tail += " binned (" + std::to_string(s.problem.binned) + " groups)";
  std::snprintf(buf, sizeof buf, "%s: %s%s | %s | %s", model.c_str(), values.c_str(), tail.c_str(), state.c_str(),
                r0.c_str());
  return buf;
}

namespace {
// ": R0 = 12.19", ": R0 = 4, vanishes from R = 5.705", ": no collapse ..." (empty without a transition).
std::string transitionSuffix(const Curve& c) {
  if (!c.transition) return {};
  const auto& t = *c.transition;
  if (t.collapse.value() && t.vanish.value())
    return ": R0 = " + ratioText(*t.collapse.value()) + ", vanishes from R = " + ratioText(*t.vanish.value());
  return ": " + t.summary();
}
}  // namespace

std::string comparedLabel(const TwoSizeParams& p, const TwoSizeParams& base, const Curve& c) {
  // The model, the parameters where it differs from the figure's own, and its R0 / R_vanish.
  // The loss alone when the rest of the model (form, decays, classifier, model) is the figure's own:
  // that part is common to every entry and belongs in the title.
  bool sameForm = true;
  for (const char* n : {"model", "temperature", "classifier", "budget", "lambda-W", "lambda-H", "lambda-b", "nA"})
    sameForm = sameForm && (!parameter(n).appliesTo(p) || parameter(n).get(p) == parameter(n).get(base)) &&
               parameter(n).appliesTo(p) == parameter(n).appliesTo(base);
  std::string label = sameForm && p.model == ModelKind::LayerPeeled ? describe(p.loss) : describeModel(p);
  static const char* described[] = {"R", "loss", "model", "temperature", "classifier", "budget", "lambda-W", "lambda-H",
                                    "lambda-b", "nA"};  // in describeModel already
  for (const auto& spec : parameterRegistry()) {
    if (std::find(std::begin(described), std::end(described), spec.name) != std::end(described) || !spec.appliesTo(p) ||
        lossUses(p.loss.kind, spec.name))
      continue;
    if (spec.get(p) != spec.get(base)) label += ", " + spec.name + " = " + parameterText(p, spec.name);
  }
  return label + transitionSuffix(c);
}

std::vector<NamedCurve> familyCurves(const TwoSizeParams& base, const Curve& own,
                                     const std::vector<std::pair<TwoSizeParams, Curve>>& compared,
                                     const std::vector<std::string>& prefixes, bool paperOrder) {
  auto paperLabel = [](const TwoSizeParams& q, const Curve& c) {
    return "KA = " + std::to_string(q.KA) + ", KB = " + std::to_string(q.KB) + transitionSuffix(c);
  };
  // The paper's "KA = 3, KB = 7" names only while the family differs from the figure's own model
  // in KA and KB alone (a network opened over fig3a fits EW and EH: then the entries name those).
  for (const auto& [q, c] : compared) {
    TwoSizeParams k = q;
    k.KA = base.KA, k.KB = base.KB;
    if (!sameParameters(k, base, "R")) paperOrder = false;
  }
  std::vector<NamedCurve> f;
  std::vector<int> ka;
  f.push_back({(paperOrder ? paperLabel(base, own) : comparedLabel(base, base, own)) + " (current)", own.points, own.transition, true});
  ka.push_back(base.KA);
  for (size_t i = 0; i < compared.size(); ++i) {
    const auto& [q, c] = compared[i];
    const std::string prefix = i < prefixes.size() ? prefixes[i] : std::string();
    f.push_back({prefix + (paperOrder ? paperLabel(q, c) : comparedLabel(q, base, c)), c.points, c.transition});
    ka.push_back(q.KA);
  }
  if (paperOrder) {
    std::vector<size_t> order(f.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ka[a] < ka[b]; });
    std::vector<NamedCurve> sorted;
    for (size_t i : order) sorted.push_back(f[i]);
    f = std::move(sorted);
  }
  return f;
}

bool alreadyPlotted(const TwoSizeParams& q, const TwoSizeParams& base, const std::vector<TwoSizeParams>& compared) {
  return sameParameters(q, base, "R") ||
         std::any_of(compared.begin(), compared.end(), [&](const TwoSizeParams& c) { return sameParameters(c, q, "R"); });
}

MinorityInset minorityInset(const Geometry3D& g, const Metrics& m) {
  if (m.minorityState != MinorityState::Spread && m.minorityState != MinorityState::Collapsed) return {};
  return {g.minorityPlane, g.minorityAngles, g.minorityClasses, *m.minorityCos(), m.minorityState == MinorityState::Collapsed};
}

std::string sceneNote(const Solution& s, double captured, bool drawn) {
  char buf[240];
  std::string note;
  if (!s.certified) {
    std::snprintf(buf, sizeof buf, "NOT CERTIFIED (gap %.1e after %d attempts): this picture may be wrong. ", s.gap,
                  s.attempts);
    note = buf;
  }
  if (nonUnique(s)) {
    const double rho = s.problem.K() * std::sqrt(s.problem.EH * s.problem.EW);
    std::snprintf(buf, sizeof buf, "Optimum not unique: the budget is not used up (norm %.4g of %.4g); nothing is drawn",
                  s.nuclearNorm, rho);
  } else if (drawn)
    std::snprintf(buf, sizeof buf, "K = %d: the 3D projection keeps %.1f%% of the Gram energy", s.problem.K(),
                  100 * captured);
  else
    std::snprintf(buf, sizeof buf, "K = %d: the 3D view draws up to 400 classes; the plot and the numbers are exact",
                  s.problem.K());
  return note + buf;
}

FigureInputs figureInputs(const Session& s) {
  FigureInputs in;
  in.params = s.params;
  in.view = s.view;
  in.camera = s.camera;
  for (const auto& n : s.pinned) in.pinned.push_back({n.R, n.minorityCos, n.name});
  in.compare = s.compared;
  // As the window keeps them (Document::applySession): the plot holds kMaxCompared curves.
  if (static_cast<int>(in.compare.size()) + 1 > kMaxCompared) in.compare.resize(kMaxCompared - 1);
  in.plotRmax = s.plotRmax;
  if (!s.picture.empty()) {
    in.picture.resize(static_cast<Eigen::Index>(s.picture.size()), 3);
    for (size_t i = 0; i < s.picture.size(); ++i)
      for (int c = 0; c < 3; ++c) in.picture(static_cast<Eigen::Index>(i), c) = s.picture[i][c];
  }
  return in;
}

void buildFigure(const FigureInputs& in, ChartData& chart, SceneData& scene, std::string& caption) {
  validate(in.params);
  chart = ChartData{};
  chart.K = in.params.K();
  chart.quantity = plotQuantity(in.view.plot, in.params);
  if (in.plotRmax && !validPlotRmax(*in.plotRmax))
    throw InvalidInput("the plot's R range must end in [10, 1e12], got " + std::to_string(*in.plotRmax));
  chart.Rmax = in.plotRmax.value_or(1e4);
  Curve curve = computeCurve(in.params, chart.Rmin, chart.Rmax, in.points);
  if (!in.plotRmax && !in.paperFigure && curve.transition) {
    // Automatic, as the window: beyond R0 when it lies past the plot.
    const double fitted = automaticPlotRmax(curve.transition->R0());
    if (fitted != chart.Rmax) {
      chart.Rmax = fitted;
      curve = computeCurve(in.params, chart.Rmin, chart.Rmax, in.points);
    }
  }
  chart.curve = curve.points;
  const std::optional<TransitionResult> transition = curve.transition;
  chart.title = in.title;
  // A paper figure (Figures 3 and 8) is its family, KA = 3, 5, 7 at K = 10, drawn as the window
  // draws a paper preset: compared models round the figure's own, in the paper's order.
  std::vector<TwoSizeParams> compare = in.compare;
  if (in.paperFigure)
    for (const TwoSizeParams& q : paperFamily(in.params))
      if (!alreadyPlotted(q, in.params, compare)) compare.push_back(q);
  if (!compare.empty()) {
    if (static_cast<int>(compare.size()) + 1 > kMaxCompared)
      throw InvalidInput("at most " + std::to_string(kMaxCompared - 1) + " models are compared with the figure's own");
    std::vector<std::pair<TwoSizeParams, Curve>> curves;
    for (const TwoSizeParams& q : compare) curves.push_back({q, computeCurve(q, chart.Rmin, chart.Rmax, in.points)});
    chart.family = familyCurves(in.params, curve, curves, {}, in.paperFigure);
    chart.showMajority = false;
    chart.currentR = in.params.R;  // R = ∞ is marked at the plot's edge
    chart.transition = transition;  // its R0 line and the title, as the window's
  } else {
    chart.currentR = in.params.R;  // R = ∞ is marked at the plot's edge
    chart.transition = transition;
  }
  const Solution s = solve(makeTwoSize(in.params));
  const Metrics m = computeMetrics(s);
  GeometryTracker tracker;
  tracker.setFocus(focusFromName(in.view.axesFrom));  // "3D Axes From", as the window
  if (in.picture.size()) tracker.drawLike(in.picture);
  const Geometry3D g = tracker.update(s);
  scene = SceneData{};
  const bool drawn = !nonUnique(s);  // a geometry that is one of many is not drawn
  if (drawn) {
    scene.W = g.W;
    scene.H = g.H;
    scene.etf = g.etf;
    scene.legend = g.legend;
    scene.minority.assign(in.params.K(), false);
    for (int k : s.problem.minority) scene.minority[k] = true;
    scene.sameClassifier = g.sameClassifier;
    scene.minorityInset = minorityInset(g, m);
  }
  scene.view = in.view;
  scene.camera = in.camera;
  scene.note = sceneNote(s, g.captured, drawn);
  caption = captionFor(in.params, s, m, transition);
  chart.pinned = in.pinned;
  if (in.network) {
    const auto& n = *in.network;
    chart.networkR = n.R;
    chart.networkCos = n.minorityCos;
    chart.networkName = n.name;
    const auto o = overlayNetwork(n.W, n.modelOrder, s, g);
    if (o) scene.overlay = o->W;
    caption += networkCaption(n.name, n.minorityCos, n.R, o ? std::optional<double>(o->distance) : std::nullopt, n.warning);
  }
}

std::string networkCaption(const std::string& name, const std::optional<double>& minorityCos, double R,
                           const std::optional<double>& distance, const std::string& warning) {
  std::string out = " | " + name;
  if (distance) {
    char buf[160];
    char cosText[32] = "none";
    if (minorityCos) std::snprintf(cosText, sizeof cosText, "%.4g", *minorityCos);
    std::snprintf(buf, sizeof buf, ": minority cosine %s at R = %.4g, distance to the model %.3f", cosText, R, *distance);
    out += buf;
  }
  if (!warning.empty()) out += " | WARNING: " + warning;
  return out;
}

int writeRSweepAnimation(const TwoSizeParams& params, ChartData chart, SceneData scene, const std::string& target,
                         const ExportSize& size, int frames, int fps, const std::function<bool(int)>& progress) {
  if (frames < 2 || frames > 10000) throw InvalidInput("frames must be in 2..10000");
  AnimationWriter writer(target, size, fps);
  GeometryTracker tracker;  // one tracker: the frames stay aligned, no flips
  SolveOptions o;
  o.kind = SolverKind::Reduced;
  SolveChain chain(o);
  for (int i = 0; i < frames; ++i) {
    TwoSizeParams p = params;
    // Across the plot's range (it may run beyond 10^4: a session's, or past a far R0).
    const double lo = std::log10(chart.Rmin), hi = std::log10(chart.Rmax);
    p.R = std::pow(10.0, lo + (hi - lo) * i / (frames - 1));
    const Solution s = chain.solve(makeTwoSize(p));
    const Geometry3D g = tracker.update(s);
    if (nonUnique(s))
      scene.W.resize(0, 3), scene.H.resize(0, 3), scene.etf.resize(0, 3);
    else
      scene.W = g.W, scene.H = g.H, scene.etf = g.etf, scene.legend = g.legend, scene.sameClassifier = g.sameClassifier;
    const Metrics mf = computeMetrics(s);
    scene.minorityInset = minorityInset(g, mf);  // none for a geometry that is not unique
    scene.note = sceneNote(s, g.captured, !nonUnique(s));
    chart.currentR = p.R;
    writer.addFrame(scene, chart, captionFor(p, s, mf, chart.transition));
    if (progress && !progress(i + 1)) break;
  }
  return writer.close();
}

}  // namespace lpm::render
