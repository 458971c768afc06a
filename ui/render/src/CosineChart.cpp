#include "lpm/render/CosineChart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <vtkAxis.h>
#include <vtkBrush.h>
#include <vtkChartLegend.h>
#include <vtkChartXY.h>
#include <vtkDoubleArray.h>
#include <vtkNew.h>
#include <vtkPen.h>
#include <vtkPlot.h>
#include <vtkPlotPoints.h>
#include <vtkSmartPointer.h>
#include <vtkTable.h>
#include <vtkTextProperty.h>

namespace lpm::render {
namespace {

vtkSmartPointer<vtkTable> makeTable(const char* x, const char* y) {
  auto t = vtkSmartPointer<vtkTable>::New();
  vtkNew<vtkDoubleArray> a, b;
  a->SetName(x);
  b->SetName(y);
  t->AddColumn(a);
  t->AddColumn(b);
  return t;
}

void setRows(vtkTable* t, const std::vector<std::pair<double, double>>& rows, vtkPlot* line = nullptr) {
  if (line) line->SetVisible(rows.size() >= 2);  // a line of < 2 points is an error to paint
  t->SetNumberOfRows(static_cast<vtkIdType>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    t->SetValue(static_cast<vtkIdType>(i), 0, rows[i].first);
    t->SetValue(static_cast<vtkIdType>(i), 1, rows[i].second);
  }
  t->Modified();
}

constexpr double kYMax = 1.08;
const double kMinority[3] = {0.835, 0.369, 0.0}, kMajority[3] = {0.0, 0.447, 0.698};
// Okabe-Ito colours for extra curves.
// Okabe-Ito colours (readable with the common colour-vision deficiencies), one per compared model.
const double kFamily[6][3] = {{0.0, 0.62, 0.451},  {0.8, 0.475, 0.655}, {0.337, 0.706, 0.914},
                              {0.902, 0.624, 0.0}, {0.941, 0.894, 0.259}, {0.0, 0.447, 0.698}};

}  // namespace

struct CosineChart::Private {
  vtkNew<vtkChartXY> chart;
  vtkSmartPointer<vtkTable> minority = makeTable("R", "minority"), majority = makeTable("R", "majority"),
                            vanished = makeTable("R", "vanished"), reference = makeTable("R", "ref"),
                            current = makeTable("R", "current"), transition = makeTable("R", "R0"),
                            vanishLine = makeTable("R", "Rvanish"), uncertified = makeTable("R", "uncertified"),
                            nonunique = makeTable("R", "nonunique"),
                            network = makeTable("R", "network"), pinned = makeTable("R", "pinned");
  vtkPlot *minorityPlot = nullptr, *majorityPlot = nullptr, *vanishedPlot = nullptr, *referencePlot = nullptr,
          *currentPlot = nullptr, *transitionPlot = nullptr, *networkPlot = nullptr, *pinnedPlot = nullptr,
          *vanishLinePlot = nullptr, *uncertifiedPlot = nullptr, *nonuniquePlot = nullptr;
  std::vector<std::pair<vtkSmartPointer<vtkTable>, vtkPlot*>> family;
  std::optional<double> currentR = 1.0;
  std::optional<TransitionResult> transitionResult;
  double refValue = -1.0 / 9;
  double fontScale = 1;
  bool dark = false;

  vtkPlot* addLine(vtkTable* t, const char* name, const double rgb[3], float width, int penStyle) {
    vtkPlot* plot = chart->AddPlot(vtkChart::LINE);
    plot->SetInputData(t, 0, 1);
    plot->SetColor(rgb[0], rgb[1], rgb[2]);
    plot->SetWidth(width);
    plot->GetPen()->SetLineType(penStyle);
    plot->SetLabel(name);
    plot->SetVisible(false);
    return plot;
  }
};

CosineChart::CosineChart() : p(new Private) {
  auto* c = p->chart.Get();
  c->SetShowLegend(true);
  c->GetLegend()->SetHorizontalAlignment(vtkChartLegend::RIGHT);
  c->GetLegend()->SetVerticalAlignment(vtkChartLegend::CENTER);
  c->SetActionToButton(vtkChart::PAN, -1);
  c->SetActionToButton(vtkChart::ZOOM, -1);
  c->SetActionToButton(vtkChart::SELECT, -1);
  c->SetActionToButton(vtkChart::ZOOM_AXIS, -1);
  auto* x = c->GetAxis(vtkAxis::BOTTOM);
  x->SetTitle("Imbalance ratio R");
  x->SetLogScale(true);
  x->SetBehavior(vtkAxis::FIXED);
  auto* y = c->GetAxis(vtkAxis::LEFT);
  y->SetTitle("Average pairwise cosine");
  y->SetBehavior(vtkAxis::FIXED);
  y->SetRange(yMin_, kYMax);

  const double grey[3] = {0.45, 0.45, 0.45}, black[3] = {0.1, 0.1, 0.1}, purple[3] = {0.8, 0.475, 0.655},
               green[3] = {0.0, 0.62, 0.451};
  p->referencePlot = p->addLine(p->reference, "-1/(K-1)", grey, 1.5, vtkPen::DASH_DOT_LINE);
  p->majorityPlot = p->addLine(p->majority, "majority classifiers", kMajority, 2.5, vtkPen::SOLID_LINE);
  p->minorityPlot = p->addLine(p->minority, "minority classifiers", kMinority, 3.0, vtkPen::SOLID_LINE);
  // Points without a cosine are marked along the bottom rail, not at some cosine.
  auto rail = [&](vtkTable* table, const double rgb[3], const char* label, int marker) {
    vtkPlot* plot = c->AddPlot(vtkChart::POINTS);
    plot->SetInputData(table, 0, 1);
    plot->SetColor(rgb[0], rgb[1], rgb[2]);
    plot->SetLabel(label);
    static_cast<vtkPlotPoints*>(plot)->SetMarkerStyle(marker);
    plot->SetVisible(false);
    return plot;
  };
  const double red[3] = {0.85, 0.1, 0.1}, slate[3] = {0.45, 0.45, 0.75};
  p->vanishedPlot = rail(p->vanished, grey, "minority vanished (w = 0, no cosine)", vtkPlotPoints::CROSS);
  p->uncertifiedPlot = rail(p->uncertified, red, "not certified (no value shown)", vtkPlotPoints::PLUS);
  p->nonuniquePlot = rail(p->nonunique, slate, "optimum not unique (no geometry)", vtkPlotPoints::CIRCLE);
  p->transitionPlot = p->addLine(p->transition, "R0", purple, 2.0, vtkPen::DASH_LINE);
  p->vanishLinePlot = p->addLine(p->vanishLine, "R_vanish", grey, 2.0, vtkPen::DOT_LINE);
  p->currentPlot = p->addLine(p->current, "current R", black, 1.5, vtkPen::SOLID_LINE);
  p->networkPlot = c->AddPlot(vtkChart::POINTS);
  p->networkPlot->SetInputData(p->network, 0, 1);
  p->networkPlot->SetColor(green[0], green[1], green[2]);
  p->networkPlot->SetWidth(4);
  p->networkPlot->SetLabel("trained network");
  static_cast<vtkPlotPoints*>(p->networkPlot)->SetMarkerStyle(vtkPlotPoints::DIAMOND);
  static_cast<vtkPlotPoints*>(p->networkPlot)->SetMarkerSize(14);
  p->networkPlot->SetVisible(false);
  p->pinnedPlot = c->AddPlot(vtkChart::POINTS);
  p->pinnedPlot->SetInputData(p->pinned, 0, 1);
  p->pinnedPlot->SetColor(0.0, 0.36, 0.26);
  p->pinnedPlot->SetWidth(3);
  p->pinnedPlot->SetLabel("pinned networks");
  static_cast<vtkPlotPoints*>(p->pinnedPlot)->SetMarkerStyle(vtkPlotPoints::CIRCLE);
  static_cast<vtkPlotPoints*>(p->pinnedPlot)->SetMarkerSize(10);
  p->pinnedPlot->SetVisible(false);
  for (vtkPlot* pl : {p->referencePlot, p->transitionPlot, p->vanishLinePlot, p->currentPlot}) pl->SetTooltipLabelFormat("");
  setFontScale(1);
  setRange(1, 1e4);
}

CosineChart::~CosineChart() = default;

vtkChartXY* CosineChart::chart() const { return p->chart; }

void CosineChart::setFontScale(double s) {
  p->fontScale = s;
  auto* c = p->chart.Get();
  auto pt = [&](double v) { return static_cast<int>(std::lround(v * s)); };
  c->GetTitleProperties()->SetFontSize(pt(15));
  c->GetLegend()->GetLabelProperties()->SetFontSize(pt(13));
  c->GetLegend()->SetSymbolWidth(pt(25));
  for (int a : {vtkAxis::BOTTOM, vtkAxis::LEFT}) {
    c->GetAxis(a)->GetTitleProperties()->SetFontSize(pt(14));
    c->GetAxis(a)->GetLabelProperties()->SetFontSize(pt(13));
  }
}

void CosineChart::setRange(double Rmin, double Rmax) {
  rMin_ = Rmin;
  rMax_ = Rmax;
  p->chart->GetAxis(vtkAxis::BOTTOM)->SetUnscaledRange(Rmin, Rmax);
  rebuildMarkers();
}

void CosineChart::setQuantity(CurveQuantity q) {
  quantity_ = q;
  const bool features = q == CurveQuantity::FeatureCos || q == CurveQuantity::FeatureNormRatio;
  const bool ratio = q == CurveQuantity::ClassifierNormRatio || q == CurveQuantity::FeatureNormRatio;
  p->chart->GetAxis(vtkAxis::LEFT)->SetTitle(ratio ? (features ? "Minority / majority feature norm"
                                                               : "Minority / majority classifier norm")
                                                   : "Average pairwise cosine");
  p->minorityPlot->SetLabel(ratio ? (features ? "minority / majority |h|" : "minority / majority |w|")
                                  : (features ? "minority features" : "minority classifiers"));
  p->majorityPlot->SetLabel(features ? "majority features" : "majority classifiers");
  p->vanishedPlot->SetLabel(features ? "minority features vanished (no cosine)" : "minority vanished (w = 0, no cosine)");
  p->referencePlot->SetVisible(!ratio);
}

void CosineChart::setCurve(const std::vector<SweepPoint>& points, int K) {
  std::vector<std::pair<double, double>> minority, majority, vanished, uncertified, nonunique;
  const CurveQuantity q = quantity_;
  const bool ratio = q == CurveQuantity::ClassifierNormRatio || q == CurveQuantity::FeatureNormRatio;
  p->refValue = -1.0 / (K - 1);
  // Room below the ETF value -1/(K-1) and every curve (norm ratios: from 0).
  double low = ratio ? -0.05 : std::min(-0.3, p->refValue - 0.08);
  for (const auto& pt : points)
    if (auto v = pt.majorityValue(q)) low = std::min(low, *v - 0.05);
  yMin_ = std::max(-1.05, low);
  const double rail = yMin_ + 0.02;  // where points without a value are marked, below every curve
  for (const auto& pt : points) {
    const MinorityState st = pt.stateFor(q);
    const auto v = pt.value(q);
    if (st == MinorityState::Uncertified)
      uncertified.emplace_back(pt.R, rail);
    else if (st == MinorityState::NonUnique)
      nonunique.emplace_back(pt.R, rail);
    else if (v)
      minority.emplace_back(pt.R, std::min(*v, kYMax));
    else if (st == MinorityState::Vanished || st == MinorityState::AllVanished || st == MinorityState::PartlyVanished)
      vanished.emplace_back(pt.R, rail);
    if (auto m = pt.majorityValue(q)) majority.emplace_back(pt.R, *m);
  }
  setRows(p->minority, minority, p->minorityPlot);
  setRows(p->majority, majority, p->majorityPlot);
  setRows(p->vanished, vanished);
  p->vanishedPlot->SetVisible(!vanished.empty());
  setRows(p->uncertified, uncertified);
  p->uncertifiedPlot->SetVisible(!uncertified.empty());
  setRows(p->nonunique, nonunique);
  p->nonuniquePlot->SetVisible(!nonunique.empty());
  p->chart->GetAxis(vtkAxis::LEFT)->SetRange(yMin_, kYMax);
  curvePoints_ = static_cast<int>(points.size());
  rebuildMarkers();
}

void CosineChart::setFamily(const std::vector<NamedCurve>& curves) {
  for (auto& [table, plot] : p->family) p->chart->RemovePlotInstance(plot);
  p->family.clear();
  int i = 0;
  for (const auto& entry : curves) {
    auto table = makeTable("R", entry.label.c_str());
    std::vector<std::pair<double, double>> rows;
    for (const auto& pt : entry.points) {
      if (auto v = pt.value(quantity_)) rows.emplace_back(pt.R, std::min(*v, kYMax));  // no value: the line ends
    }
    vtkPlot* plot = p->addLine(table, entry.label.c_str(), kFamily[i % 6], 3.0, vtkPen::SOLID_LINE);
    setRows(table, rows, plot);
    p->family.emplace_back(table, plot);
    // Its own R0: a short tick in its colour at the top of the plot (the label carries the value).
    if (entry.transition && entry.transition->collapse.value() && *entry.transition->collapse.value() >= rMin_ &&
        *entry.transition->collapse.value() <= rMax_) {
      const double R0 = *entry.transition->collapse.value();
      auto tick = makeTable("R", (entry.label + " R0").c_str());
      vtkPlot* t = p->addLine(tick, "", kFamily[i % 6], 3.0, vtkPen::DASH_LINE);
      setRows(tick, {{R0, kYMax - 0.12}, {R0, kYMax}}, t);
      t->SetLegendVisibility(false);
      p->family.emplace_back(tick, t);
    }
    ++i;
  }
}

void CosineChart::setCurrentR(std::optional<double> R) {
  p->currentR = R;
  rebuildMarkers();
}

void CosineChart::setTransition(const std::optional<TransitionResult>& t) {
  p->transitionResult = t;
  rebuildMarkers();
}

void CosineChart::setTitle(const std::string& title) {
  title_ = title;
  rebuildMarkers();
}

std::string CosineChart::title() const { return p->chart->GetTitle(); }

void CosineChart::setNetworkMarker(std::optional<double> R, std::optional<double> cosine, const std::string& name) {
  p->networkPlot->SetLabel(name.empty() ? "trained network" : ("trained network (" + name + ")").c_str());
  if (R && cosine) setRows(p->network, {{*R, *cosine}});
  p->networkPlot->SetVisible(R && cosine);
}

void CosineChart::setPinnedMarkers(const std::vector<std::pair<double, double>>& points) {
  std::vector<std::pair<double, double>> inside;
  for (const auto& [R, c] : points)
    if (!std::isnan(R) && std::isfinite(c)) inside.emplace_back(std::clamp(R, rMin_, rMax_), c);
  setRows(p->pinned, inside);
  p->pinnedPlot->SetVisible(!inside.empty());
}

void CosineChart::rebuildMarkers() {
  setRows(p->reference, {{rMin_, p->refValue}, {rMax_, p->refValue}}, p->referencePlot);
  if (p->currentR && currentOutside_) {
    // A segment below the plotted range (clipped away) keeps the legend entry.
    setRows(p->current, {{rMin_, yMin_ - 10}, {rMin_, yMin_ - 9}}, p->currentPlot);
    p->currentPlot->SetLabel("current R");
  } else if (p->currentR) {
    const double R = std::clamp(*p->currentR, rMin_, rMax_);
    setRows(p->current, {{R, yMin_}, {R, kYMax}}, p->currentPlot);
    char cur[64];
    std::snprintf(cur, sizeof cur, "current R = %.4g", *p->currentR);
    p->currentPlot->SetLabel(cur);
  } else {
    setRows(p->current, {}, p->currentPlot);
  }
  char title[200];
  const auto& t = p->transitionResult;
  const auto inRange = [&](const EventRatio& e) { return e.value() && *e.value() >= rMin_ && *e.value() <= rMax_; };
  auto vline = [&](vtkTable* table, vtkPlot* plot, const EventRatio& e, const char* name) {
    if (t && inRange(e)) {
      setRows(table, {{e.R, yMin_}, {e.R, kYMax}}, plot);
      char label[64];
      std::snprintf(label, sizeof label, "%s = %.4g", name, e.R);
      plot->SetLabel(label);
    } else {
      setRows(table, {}, plot);
    }
  };
  vline(p->transition, p->transitionPlot, t ? t->collapse : EventRatio{}, "R0");
  vline(p->vanishLine, p->vanishLinePlot, t ? t->vanish : EventRatio{}, "R_vanish");
  // One criterion for the title, the text and the curve: TransitionResult (minority cosine >= 1 - tol).
  if (!t) {
    std::snprintf(title, sizeof title, "Minority Collapse: average cosine vs imbalance ratio");
  } else if (t->collapse.status == Bracket::Found) {
    if (inRange(t->collapse))
      std::snprintf(title, sizeof title, "Minority Collapse: phase transition at R0 = %.4g", t->collapse.R);
    else
      std::snprintf(title, sizeof title, "Minority Collapse at R0 = %.4g (beyond the plotted range)", t->collapse.R);
  } else if (t->collapse.status == Bracket::Beyond) {
    std::snprintf(title, sizeof title, "No Minority Collapse up to R = %.3g (R0 beyond)", t->Rmax);
  } else if (t->first == FirstEvent::Vanish) {
    std::snprintf(title, sizeof title, "No collapse: the minority vanishes first, at R = %.4g", t->vanish.R);
  } else if (t->collapse.status == Bracket::NotCertified) {
    std::snprintf(title, sizeof title, "R0 unknown: a solve was not certified");
  } else {
    std::snprintf(title, sizeof title, "Minority Collapse: average cosine vs imbalance ratio");
  }
  p->chart->SetTitle(title_.empty() ? title : title_.c_str());
}

void CosineChart::setCurrentRDrawnOutside(bool on) {
  currentOutside_ = on;
  rebuildMarkers();
}

std::array<double, 4> CosineChart::plotArea() const {
  auto* x = p->chart->GetAxis(vtkAxis::BOTTOM);
  auto* y = p->chart->GetAxis(vtkAxis::LEFT);
  return {x->GetPoint1()[0], y->GetPoint1()[1], x->GetPoint2()[0], y->GetPoint2()[1]};
}

std::array<double, 4> CosineChart::legendBox(vtkContext2D* painter) const {
  auto* legend = p->chart->GetLegend();
  if (!legend || !legend->GetVisible() || !painter) return {0, 0, 0, 0};
  const vtkRectf r = legend->GetBoundingRect(painter);
  return {r.GetX(), r.GetY(), r.GetX() + r.GetWidth(), r.GetY() + r.GetHeight()};
}

std::optional<double> CosineChart::rAtPixel(double xPixel) const {
  auto* axis = p->chart->GetAxis(vtkAxis::BOTTOM);
  const float x0 = axis->GetPoint1()[0], x1 = axis->GetPoint2()[0];
  if (!(x1 > x0)) return std::nullopt;
  const double t = (xPixel - x0) / (x1 - x0);
  if (t < -0.02 || t > 1.02) return std::nullopt;
  const double lr = std::log10(rMin_) + std::clamp(t, 0.0, 1.0) * (std::log10(rMax_) - std::log10(rMin_));
  return std::pow(10.0, lr);
}

double CosineChart::pixelAtR(double R) const {
  auto* axis = p->chart->GetAxis(vtkAxis::BOTTOM);
  const float x0 = axis->GetPoint1()[0], x1 = axis->GetPoint2()[0];
  const double t = (std::log10(R) - std::log10(rMin_)) / (std::log10(rMax_) - std::log10(rMin_));
  return x0 + t * (x1 - x0);
}

void CosineChart::setDarkTheme(bool dark) {
  p->dark = dark;
  const double fg = dark ? 0.92 : 0.1;
  for (int a : {vtkAxis::BOTTOM, vtkAxis::LEFT}) {
    auto* axis = p->chart->GetAxis(a);
    axis->GetTitleProperties()->SetColor(fg, fg, fg);
    axis->GetLabelProperties()->SetColor(fg, fg, fg);
    axis->GetPen()->SetColorF(fg, fg, fg);
  }
  p->chart->GetTitleProperties()->SetColor(fg, fg, fg);
  p->chart->GetLegend()->GetLabelProperties()->SetColor(fg, fg, fg);
  // Opaque: a translucent legend leaves alpha in the framebuffer, which Qt composes as black.
  p->chart->GetLegend()->GetBrush()->SetColorF(dark ? 0.2 : 1.0, dark ? 0.21 : 1.0, dark ? 0.24 : 1.0, 1.0);
  const double ink = dark ? 0.9 : 0.1;
  p->currentPlot->SetColor(ink, ink, ink);
}

}  // namespace lpm::render
