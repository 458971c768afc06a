#include "lpm/render/CosineChart.h"
#include "lpm/render/SceneContent.h"  // Palette

#include <QFont>
#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lpm::render {
namespace {

constexpr double kYMax = 1.08;

QColor rgb(double r, double g, double b) { return QColor::fromRgbF(float(r), float(g), float(b)); }

// Okabe-Ito colours (readable with the common colour-vision deficiencies).
const QColor kMinority = rgb(0.835, 0.369, 0.0), kMajority = rgb(0.0, 0.447, 0.698),
             kMajorityDark = rgb(0.337, 0.706, 0.914), kPurple = rgb(Palette::transition[0], Palette::transition[1], Palette::transition[2]), kGreen = rgb(0.0, 0.62, 0.451),
             kPinned = rgb(0.0, 0.36, 0.26), kRed = rgb(0.85, 0.1, 0.1), kSlate = rgb(0.45, 0.45, 0.75);
const QColor kFamily[6] = {rgb(0.0, 0.62, 0.451),  kPurple,  rgb(0.337, 0.706, 0.914),
                           rgb(0.902, 0.624, 0.0), rgb(0.6, 0.55, 0.1), rgb(0.0, 0.447, 0.698)};

enum class Marker { None, Cross, Plus, Circle, Diamond };

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

void drawMarker(QPainter& p, Marker m, QPointF c, double size) {
  const double h = size / 2;
  switch (m) {
    case Marker::Cross:
      p.drawLine(QPointF(c.x() - h, c.y() - h), QPointF(c.x() + h, c.y() + h));
      p.drawLine(QPointF(c.x() - h, c.y() + h), QPointF(c.x() + h, c.y() - h));
      break;
    case Marker::Plus:
      p.drawLine(QPointF(c.x() - h, c.y()), QPointF(c.x() + h, c.y()));
      p.drawLine(QPointF(c.x(), c.y() - h), QPointF(c.x(), c.y() + h));
      break;
    case Marker::Circle: p.drawEllipse(c, h, h); break;
    case Marker::Diamond: {
      const QPointF d[4] = {{c.x(), c.y() - h}, {c.x() + h, c.y()}, {c.x(), c.y() + h}, {c.x() - h, c.y()}};
      p.drawPolygon(d, 4);
      break;
    }
    case Marker::None: break;
  }
}

}  // namespace

// "R = 12.5", "R = ∞": the current R as the legend and the edge marker say it.
std::string rText(double R) { return std::isinf(R) ? std::string("R = \u221e") : fmt("R = %.4g", R); }

QFont figureFont(const QPainter& p, double px) {
  QFont f(QStringLiteral("DejaVu Sans"));  // its name in SVG output; fontconfig substitutes when absent
  f.setStyleHint(QFont::SansSerif);
  const int dpi = p.device() ? p.device()->logicalDpiY() : 96;
  f.setPointSizeF(std::max(1.0, px * 72.0 / std::max(dpi, 1)));
  return f;
}

// One thing drawn: a polyline (breaks where a value is missing), vertical line or markers.
struct CosineChart::Entry {
  std::string label;  // empty: not in the legend
  QColor color;
  double width = 2;
  Qt::PenStyle style = Qt::SolidLine;
  Marker marker = Marker::None;
  bool filled = false;
  double markerSize = 9;
  std::vector<std::vector<QPointF>> lines;  // data coordinates (R, value)
  std::vector<QPointF> markers;
  std::vector<std::string> markerNames;
  bool isCurrentR = false;
};

void CosineChart::setRange(double Rmin, double Rmax) {
  // A log axis needs 0 < Rmin < Rmax: anything else keeps the last good range.
  if (Rmin > 0 && Rmax > Rmin && std::isfinite(Rmax)) rMin_ = Rmin, rMax_ = Rmax;
}

void CosineChart::setQuantity(CurveQuantity q) { quantity_ = q; }

void CosineChart::setCurve(const std::vector<SweepPoint>& points, int K) {
  points_ = points;
  K_ = K;
  ref_ = K > 1 ? -1.0 / (K - 1) : -1;
  const bool ratio = quantity_ == CurveQuantity::ClassifierNormRatio || quantity_ == CurveQuantity::FeatureNormRatio;
  // Room below the ETF value -1/(K-1) and every curve (norm ratios: from 0).
  double low = ratio ? -0.05 : std::min(-0.3, ref_ - 0.08);
  for (const auto& pt : points)
    if (auto v = pt.majorityValue(quantity_)) low = std::min(low, *v - 0.05);
  yCurve_ = std::max(-1.05, low);
  yMin_ = yLow();
}

void CosineChart::setFamily(const std::vector<NamedCurve>& curves) { family_ = curves; }

double CosineChart::yLow() const {
  // Below everything drawn: the main curve's low end (setCurve), compared curves, networks.
  double low = yCurve_;
  for (const auto& f : family_)
    for (const auto& pt : f.points)
      if (auto v = pt.value(quantity_)) low = std::min(low, *v - 0.05);
  for (const auto& pin : pins_) low = std::min(low, pin.value - 0.05);
  if (networkCos_) low = std::min(low, *networkCos_ - 0.05);
  return std::max(-1.05, low);
}
void CosineChart::setCurrentR(std::optional<double> R) { currentR_ = R; }
void CosineChart::setTransition(const std::optional<TransitionResult>& t) { transition_ = t; }
void CosineChart::setTitle(const std::string& title) { title_ = title; }
void CosineChart::setDarkTheme(bool dark) { dark_ = dark; }

void CosineChart::setNetworkMarker(std::optional<double> R, std::optional<double> cosine, const std::string& name) {
  networkR_ = R;
  networkCos_ = cosine;
  networkName_ = name;
}

void CosineChart::setPinnedMarkers(const std::vector<ChartPin>& pins) {
  pins_.clear();
  for (const auto& pin : pins)
    if (std::isfinite(pin.R) && pin.R > 0 && std::isfinite(pin.value)) pins_.push_back(pin);
}

std::string CosineChart::title() const {
  const auto& t = transition_;
  // A title that was set (a paper preset's) never hides that R0 is unknown for want of a certificate.
  if (!title_.empty())
    return t && t->collapse.status == Bracket::NotCertified ? title_ + " (R0 unknown: a solve was not certified)" : title_;
  const auto inRange = [&](const EventRatio& e) { return e.value() && *e.value() >= rMin_ && *e.value() <= rMax_; };
  // One criterion for the title, the text and the curve: TransitionResult (minority cosine >= 1 - tol).
  if (!t) return "Minority Collapse: average cosine vs imbalance ratio";
  if (t->collapse.status == Bracket::Found)
    return inRange(t->collapse) ? "Minority Collapse: phase transition at R0 = " + ratioText(t->collapse.R)
                                : "Minority Collapse at R0 = " + ratioText(t->collapse.R) + " (beyond the plotted range)";
  if (t->collapse.status == Bracket::Beyond) return fmt("No Minority Collapse up to R = %.3g (R0 beyond)", t->Rmax);
  if (t->first == FirstEvent::Vanish) return "No collapse: the minority vanishes first, at R = " + ratioText(t->vanish.R);
  if (t->collapse.status == Bracket::NotCertified) return "R0 unknown: a solve was not certified";
  return "Minority Collapse: average cosine vs imbalance ratio";
}

std::vector<CosineChart::Entry> CosineChart::entries() const {
  const CurveQuantity q = quantity_;
  const bool features = q == CurveQuantity::FeatureCos || q == CurveQuantity::FeatureNormRatio;
  const bool ratio = q == CurveQuantity::ClassifierNormRatio || q == CurveQuantity::FeatureNormRatio;
  const QColor grey = dark_ ? rgb(0.62, 0.62, 0.62) : rgb(0.45, 0.45, 0.45);
  const QColor ink = dark_ ? rgb(0.95, 0.95, 0.95) : rgb(0.1, 0.1, 0.1);
  const double rail = yMin_ + 0.025;  // where points without a value are marked, below every curve
  std::vector<Entry> out;
  auto line = [&](std::string label, QColor c, double w, Qt::PenStyle s) {
    Entry e;
    e.label = std::move(label), e.color = c, e.width = w, e.style = s;
    return e;
  };
  if (!ratio) {
    Entry e = line("-1/(K-1)", grey, 1.5, Qt::DashDotLine);
    e.lines = {{QPointF(rMin_, ref_), QPointF(rMax_, ref_)}};
    out.push_back(e);
  }
  Entry major = line(features ? "majority features" : "majority classifiers", dark_ ? kMajorityDark : kMajority, 2.5,
                     Qt::SolidLine);
  Entry minor = line(ratio ? (features ? "minority / majority |h|" : "minority / majority |w|")
                           : (features ? "minority features" : "minority classifiers"),
                     kMinority, 3.0, Qt::SolidLine);
  auto railEntry = [&](std::string label, QColor c, Marker m) {
    Entry e = line(std::move(label), c, 1.6, Qt::SolidLine);
    e.marker = m;
    e.markerSize = 9;
    return e;
  };
  Entry vanished = railEntry(features ? "minority features vanished (no cosine)" : "minority vanished (w = 0, no cosine)",
                             grey, Marker::Cross);
  Entry uncertified = railEntry("not certified (no value shown)", kRed, Marker::Plus);
  Entry nonunique = railEntry("optimum not unique (no geometry)", kSlate, Marker::Circle);
  std::vector<QPointF> run, runMajor;
  for (const auto& pt : points_) {
    const MinorityState st = pt.stateFor(q);
    const auto v = pt.value(q);
    if (v && st != MinorityState::Uncertified && st != MinorityState::NonUnique) {
      run.emplace_back(pt.R, std::min(*v, kYMax));
    } else {
      if (run.size() >= 1) minor.lines.push_back(std::move(run));
      run.clear();
      if (st == MinorityState::Uncertified) uncertified.markers.emplace_back(pt.R, rail);
      else if (st == MinorityState::NonUnique) nonunique.markers.emplace_back(pt.R, rail);
      else if (st == MinorityState::Vanished || st == MinorityState::AllVanished || st == MinorityState::PartlyVanished)
        vanished.markers.emplace_back(pt.R, rail);
    }
    if (auto m = pt.majorityValue(q)) {
      runMajor.emplace_back(pt.R, *m);
    } else if (!runMajor.empty()) {
      major.lines.push_back(std::move(runMajor));
      runMajor.clear();
    }
  }
  if (!run.empty()) minor.lines.push_back(std::move(run));
  if (!runMajor.empty()) major.lines.push_back(std::move(runMajor));
  if (!major.lines.empty()) out.push_back(major);
  if (!minor.lines.empty()) out.push_back(minor);
  // Colours by identity, not by place: the current setting in the R0 line's colour (kFamily[1]),
  // the others in the rest in turn. By place, leaving the paper's setting (E_W = 2 over fig3a)
  // repainted every curve and left the R0 line in the colour of another curve.
  size_t next = 0;
  for (size_t i = 0; i < family_.size(); ++i) {
    const auto& f = family_[i];
    QColor colour = kFamily[1];
    if (!f.current) {
      const size_t k = next++ % 5;
      colour = kFamily[k == 0 ? 0 : k + 1];
    }
    Entry e = line(f.label, colour, 3.0, Qt::SolidLine);
    std::vector<QPointF> r;
    for (const auto& pt : f.points) {
      if (auto v = pt.value(q)) {
        r.emplace_back(pt.R, std::min(*v, kYMax));
      } else if (!r.empty()) {  // no value: the line ends
        e.lines.push_back(std::move(r));
        r.clear();
      }
    }
    if (!r.empty()) e.lines.push_back(std::move(r));
    out.push_back(e);
    // Its own R0: a short dashed tick in its colour at the top (the label carries the value).
    if (f.transition && f.transition->R0() && *f.transition->R0() >= rMin_ && *f.transition->R0() <= rMax_) {
      Entry t = line("", colour, 3.0, Qt::DashLine);
      t.lines = {{QPointF(*f.transition->R0(), kYMax - 0.12), QPointF(*f.transition->R0(), kYMax)}};
      out.push_back(t);
    }
  }
  for (Entry* e : {&vanished, &uncertified, &nonunique})
    if (!e->markers.empty()) out.push_back(*e);
  const auto inRange = [&](const EventRatio& e) { return e.value() && *e.value() >= rMin_ && *e.value() <= rMax_; };
  if (transition_ && inRange(transition_->collapse)) {
    Entry e = line("R0 = " + ratioText(transition_->collapse.R), kPurple, 2.0, Qt::DashLine);
    e.lines = {{QPointF(transition_->collapse.R, yMin_), QPointF(transition_->collapse.R, kYMax)}};
    out.push_back(e);
  }
  if (transition_ && inRange(transition_->vanish)) {
    Entry e = line("R_vanish = " + ratioText(transition_->vanish.R), grey, 2.0, Qt::DotLine);
    e.lines = {{QPointF(transition_->vanish.R, yMin_), QPointF(transition_->vanish.R, kYMax)}};
    out.push_back(e);
  }
  if (currentR_) {
    Entry e = line("current " + rText(*currentR_), ink, 1.5, Qt::SolidLine);
    const double R = std::clamp(*currentR_, rMin_, rMax_);
    e.lines = {{QPointF(R, yMin_), QPointF(R, kYMax)}};
    e.isCurrentR = true;
    out.push_back(e);
  }
  if (networkR_ && networkCos_) {
    Entry e = line(networkName_.empty() ? "trained network" : "trained network (" + networkName_ + ")", kGreen, 1.5,
                   Qt::SolidLine);
    e.marker = Marker::Diamond, e.filled = true, e.markerSize = 14;
    e.markers = {QPointF(*networkR_, *networkCos_)};
    out.push_back(e);
  }
  if (!pins_.empty()) {
    Entry e = line(pins_.size() == 1 ? "pinned network" : "pinned networks", dark_ ? kGreen : kPinned, 2.0, Qt::SolidLine);
    e.marker = Marker::Circle, e.markerSize = 10;
    for (const auto& pin : pins_) {
      if (pin.R < rMin_ || pin.R > rMax_) continue;  // outside the plotted range: not drawn at an edge
      e.markers.emplace_back(pin.R, pin.value);
      e.markerNames.push_back(pin.name);
    }
    if (e.markers.empty()) e.label.clear();
    out.push_back(e);
  }
  return out;
}

std::optional<double> CosineChart::rAtPixel(double x) const {
  if (!(plot_.width() > 0)) return std::nullopt;
  const double t = (x - plot_.left()) / plot_.width();
  if (t < -0.02 || t > 1.02) return std::nullopt;
  const double lr = std::log10(rMin_) + std::clamp(t, 0.0, 1.0) * (std::log10(rMax_) - std::log10(rMin_));
  return std::pow(10.0, lr);
}

double CosineChart::pixelAtR(double R) const {
  const double t = (std::log10(R) - std::log10(rMin_)) / (std::log10(rMax_) - std::log10(rMin_));
  return plot_.left() + t * plot_.width();
}

void CosineChart::paint(QPainter& p, const QRectF& rect, bool withCurrentR) {
  const double s = scale_;
  const QColor bg = dark_ ? rgb(0.16, 0.17, 0.19) : QColor(Qt::white);
  const QColor ink = dark_ ? rgb(0.92, 0.92, 0.92) : rgb(0.1, 0.1, 0.1);
  const QColor grid = dark_ ? rgb(0.26, 0.275, 0.3) : rgb(0.9, 0.9, 0.9);
  const QColor legendBg = dark_ ? rgb(0.2, 0.21, 0.24) : QColor(Qt::white);
  const QColor legendFrame = dark_ ? rgb(0.4, 0.42, 0.46) : rgb(0.75, 0.75, 0.75);
  yMin_ = yLow();  // compared curves and networks set since setCurve count too
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setRenderHint(QPainter::TextAntialiasing, true);
  p.fillRect(rect, bg);
  const QFont titleFont = figureFont(p, 15 * s), axisFont = figureFont(p, 13.5 * s), tickFont = figureFont(p, 12.5 * s),
              pinFont = figureFont(p, 11 * s);
  QFont legendFont = figureFont(p, 12 * s);  // smaller where the legend finds no room at its size
  const QFontMetricsF tf(titleFont, p.device()), af(axisFont, p.device()), kf(tickFont, p.device());
  QFontMetricsF lf(legendFont, p.device());
  const double m = 10 * s;

  // Title: wrapped, never cut.
  QString titleText = QString::fromStdString(title());
  // Too wide for one line: break after the colon ("Minority Collapse:" / "phase transition at ..."),
  // not inside a number's phrase.
  if (tf.horizontalAdvance(titleText) > rect.width() - 2 * m && titleText.contains(": "))
    titleText.replace(titleText.indexOf(": "), 2, ":\n");
  const QRectF titleBox =
      tf.boundingRect(QRectF(rect.left() + m, rect.top() + m, rect.width() - 2 * m, rect.height()),
                      Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, titleText);

  // Y ticks: a step that keeps labels apart.
  const double lr0 = std::log10(rMin_), lr1 = std::log10(rMax_);
  std::vector<double> yTicks;
  static constexpr double kYSteps[] = {0.1, 0.2, 0.25, 0.5, 1.0};
  auto ticksAt = [&](double step) {
    std::vector<double> out;
    for (double v = std::ceil(yMin_ / step - 1e-9) * step; v <= 1.0 + 1e-9; v += step) out.push_back(std::abs(v) < 1e-12 ? 0.0 : v);
    return out;
  };
  auto makeYTicks = [&](double plotH) {
    for (double step : kYSteps)
      if (plotH / ((kYMax - yMin_) / step) >= 2.2 * kf.height() || step == 1.0) {
        yTicks = ticksAt(step);
        return;
      }
  };
  auto yLabel = [](double v) { return QString::fromStdString(fmt("%g", std::round(v * 100) / 100)); };

  // X ticks: decades, or 1-2-5 inside a narrow range; superscript powers beyond 10^4.
  struct Tick { double R; QString label; bool major; };
  std::vector<Tick> xTicks;
  const bool powers = rMax_ > 1e4 * (1 + 1e-9) || rMin_ < 1 - 1e-9;
  auto powerLabel = [](int k) {
    static const char* sup[] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074", "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
    std::string digits = std::to_string(std::abs(k)), out = "10";
    if (k < 0) out += "\u207b";
    for (char c : digits) out += sup[c - '0'];
    return QString::fromStdString(out);
  };
  if (lr1 - lr0 >= 1.5) {
    for (int k = int(std::floor(lr0)); k <= int(std::ceil(lr1)); ++k)
      for (int j = 1; j <= 9; ++j) {
        const double R = j * std::pow(10.0, k);
        if (R < rMin_ * (1 - 1e-9) || R > rMax_ * (1 + 1e-9)) continue;
        xTicks.push_back({R, j == 1 ? (powers ? powerLabel(k) : QString::fromStdString(fmt("%g", R))) : QString(), j == 1});
      }
  } else {
    for (int k = int(std::floor(lr0)); k <= int(std::ceil(lr1)); ++k)
      for (int j : {1, 2, 5}) {
        const double R = j * std::pow(10.0, k);
        if (R < rMin_ * (1 - 1e-9) || R > rMax_ * (1 + 1e-9)) continue;
        xTicks.push_back({R, QString::fromStdString(fmt("%g", R)), true});
      }
  }
  double lastLabelW = 0;
  for (const auto& t : xTicks)
    if (t.major) lastLabelW = kf.horizontalAdvance(t.label);

  // The plot area, before the legend takes its place.
  const double xTitleH = af.height(), tickH = kf.height();
  // The labels' room for whichever step the final height takes (makeYTicks below, after the
  // legend): "-0.25" at a 0.25 step is wider than the first guess's "-0.2" and was cut to "0.25".
  double yTickW = 0;
  for (double step : kYSteps)
    for (double v : ticksAt(step)) yTickW = std::max(yTickW, kf.horizontalAdvance(yLabel(v)));
  QRectF area(QPointF(rect.left() + m + af.height() + 6 * s + yTickW + 6 * s, titleBox.bottom() + 10 * s),
              QPointF(rect.right() - m - std::max(lastLabelW / 2, 4 * s), rect.bottom() - m - xTitleH - 4 * s - tickH - 6 * s));

  // Legend: inside the plot where it covers nothing drawn, else beside or below it.
  std::vector<Entry> all = entries();
  if (!withCurrentR)  // drawn by the caller over a cached picture: the legend must not change with R
    for (auto& e : all)
      if (e.isCurrentR) e.label = "current R";
  std::vector<const Entry*> legendEntries;
  for (const auto& e : all)
    if (!e.label.empty()) legendEntries.push_back(&e);
  const double sw = 28 * s, pad = 7 * s;
  double textW = 0, entryW = 0;
  std::vector<QStringList> entryText;
  std::vector<int> entryLines;
  int columns = 1;
  // Rows of a legend of `cols` columns (entries run down each column): each as tall as its tallest.
  auto rowHeights = [&](int cols) {
    const int rows = int((legendEntries.size() + cols - 1) / std::max(cols, 1));
    std::vector<double> h(size_t(std::max(rows, 0)), 0.0);
    for (size_t i = 0; i < legendEntries.size(); ++i)
      h[i % size_t(rows)] = std::max(h[i % size_t(rows)], entryLines[i] * lf.height() + 3 * s);
    return h;
  };
  auto toPx = [&](const QRectF& a, QPointF d) {
    const double tx = (std::log10(std::max(d.x(), 1e-300)) - lr0) / (lr1 - lr0);
    return QPointF(a.left() + tx * a.width(), a.bottom() - (d.y() - yMin_) / (kYMax - yMin_) * a.height());
  };
  // The legend at its size; where it finds no room (inside, beside or below, or over the plot),
  // again in smaller type (the presentation's 1.5x text at 1024 x 640 left the curves unnamed).
  const QRectF area0 = area;
  for (const double shrink : {1.0, 0.85, 0.72}) {
    legendFont = figureFont(p, 12 * s * shrink);
    lf = QFontMetricsF(legendFont, p.device());
    textW = 0;
    for (const Entry* e : legendEntries) textW = std::max(textW, lf.horizontalAdvance(QString::fromStdString(e->label)));
    // A label wider than the whole drawing is shortened with an ellipsis, never cut at the edge.
    textW = std::min(textW, std::max(40 * s, rect.width() - 2 * m - 2 * pad - sw - 6 * s - 4));
    entryW = sw + 6 * s + textW;
    // An entry wider than that wraps onto a second (at most a third) line rather than losing its
    // end ("KA = 7, KB = 3: R0..." lost the number it was there for).
    // Greedy at spaces, each line measured as it is drawn (one drawText per line); a third line
    // that still does not fit ends in an ellipsis.
    auto wrap = [&](const QString& t) {
      QStringList lines;
      QString line;
      for (const QString& word : t.split(' ', Qt::SkipEmptyParts)) {
        const QString longer = line.isEmpty() ? word : line + ' ' + word;
        if (!line.isEmpty() && lf.horizontalAdvance(longer) > textW) lines << line, line = word;
        else line = longer;
      }
      if (!line.isEmpty() || lines.isEmpty()) lines << line;
      while (lines.size() > 3) lines[2] += ' ' + lines.takeLast();
      for (QString& l : lines) l = lf.elidedText(l, Qt::ElideRight, textW + 1);
      return lines;
    };
    entryText.clear();
    entryLines.clear();
    legendDrawn_.clear();
    for (const Entry* e : legendEntries) {
      entryText.push_back(wrap(QString::fromStdString(e->label)));
      entryLines.push_back(int(entryText.back().size()));
      legendDrawn_.push_back(entryText.back().join(' ').toStdString());
    }
    auto legendHeight = [&](int cols) {
      double total = 2 * pad - 3 * s;
      for (double h : rowHeights(cols)) total += h;
      return total;
    };
    QSizeF legendSize(entryW + 2 * pad, legendHeight(1));
    columns = 1;
    auto covered = [&](const QRectF& a, const QRectF& box) {
      int hits = 0;
      for (const auto& e : all) {
        if (e.isCurrentR) continue;  // it moves with every slider step and passes behind the legend
        for (const auto& l : e.lines) {
          for (size_t i = 0; i < l.size(); ++i) {
            const QPointF p0 = toPx(a, l[i]);
            if (box.contains(p0)) ++hits;
            if (i + 1 < l.size()) {  // densify: long segments (vertical lines) cross boxes between points
              const QPointF p1 = toPx(a, l[i + 1]);
              const int n = int(std::hypot(p1.x() - p0.x(), p1.y() - p0.y()) / (4 * s));
              for (int j = 1; j < n; ++j)
                if (box.contains(p0 + (p1 - p0) * (double(j) / n))) ++hits;
            }
          }
        }
        for (const auto& mk : e.markers)
          if (box.adjusted(-e.markerSize, -e.markerSize, e.markerSize, e.markerSize).contains(toPx(a, mk))) ++hits;
      }
      return hits;
    };
    legend_ = QRectF();
    legendOver_ = false;
    area = area0;
    if (!legendEntries.empty()) {
      const double inset = 8 * s;
      const QSizeF ls = legendSize;
      const std::vector<QPointF> corners = {
          {area.left() + inset, area.top() + inset},
          {area.right() - inset - ls.width(), area.bottom() - inset - ls.height()},
          {area.right() - inset - ls.width(), area.top() + inset},
          {area.left() + inset, area.bottom() - inset - ls.height()},
          {area.right() - inset - ls.width(), area.center().y() - ls.height() / 2},
          {area.center().x() - ls.width() / 2, area.bottom() - inset - ls.height()}};
      // Clear of everything drawn by 5 px (a 3 px curve passing the box's corner was drawn under
      // its frame): the corners first, then anywhere on a grid of eighths of the free range.
      if (ls.width() < area.width() - 2 * inset && ls.height() < area.height() - 2 * inset) {
        std::vector<QPointF> places = corners;
        const double x0 = area.left() + inset, y0 = area.top() + inset;
        const double xs = area.width() - 2 * inset - ls.width(), ys = area.height() - 2 * inset - ls.height();
        for (int j = 0; j <= 8; ++j)
          for (int i = 0; i <= 8; ++i) places.emplace_back(x0 + xs * i / 8, y0 + ys * j / 8);
        const double clear = 5 * s;
        for (const QPointF& c : places) {
          const QRectF box(c, ls);
          if (covered(area, box.adjusted(-clear, -clear, clear, clear)) == 0) {
            legend_ = box;
            break;
          }
        }
      }
      if (legend_.isNull()) {
        if (ls.width() + 12 * s <= 0.34 * rect.width() && ls.height() <= area.height()) {  // beside
          area.setRight(rect.right() - m - ls.width() - 12 * s);
          legend_ = QRectF(QPointF(rect.right() - m - ls.width(), area.center().y() - ls.height() / 2), ls);
        } else {  // below, in as many columns as fit
          columns = std::max(1, int((rect.width() - 2 * m) / (entryW + 16 * s)));
          columns = std::min<int>(columns, int(legendEntries.size()));
          const QSizeF below(columns * (entryW + 16 * s) - 16 * s + 2 * pad, legendHeight(columns));
          if (area.height() - below.height() - 8 * s >= 0.45 * area.height()) {
            area.setBottom(area.bottom() - below.height() - 8 * s);
            legend_ = QRectF(QPointF(rect.center().x() - below.width() / 2, rect.bottom() - m - below.height()), below);
          }
        }
      }
      // No room beside or below (the presentation's large text at 1024 x 640): over the plot where
      // it covers the least, translucent, rather than curves nobody can name.
      if (legend_.isNull() && ls.width() < area.width() - 2 * inset && ls.height() < area.height() - 2 * inset) {
        int least = -1;
        for (const QPointF& c : corners)
          if (const int hits = covered(area, QRectF(c, ls)); least < 0 || hits < least) least = hits, legend_ = QRectF(c, ls);
        legendOver_ = true;
      }
    }
    if (!legend_.isNull() || legendEntries.empty()) break;
  }
  makeYTicks(area.height());
  plot_ = area;

  // Which x labels fit: every n-th decade, the same stride throughout.
  double maxLabelW = 0;
  std::vector<const Tick*> majors;
  for (const auto& t : xTicks)
    if (t.major) majors.push_back(&t), maxLabelW = std::max(maxLabelW, kf.horizontalAdvance(t.label));
  int stride = 1;
  auto fits = [&](int st) {
    for (size_t i = st; i < majors.size(); i += st) {
      const double x0 = pixelAtR(majors[i - st]->R), x1 = pixelAtR(majors[i]->R);
      const double half = (kf.horizontalAdvance(majors[i - st]->label) + kf.horizontalAdvance(majors[i]->label)) / 2;
      if (x1 - x0 < half + 10 * s) return false;
    }
    return true;
  };
  while (stride < int(majors.size()) && !fits(stride)) ++stride;

  // Grid, axes and ticks.
  p.setClipRect(rect);
  p.setPen(QPen(grid, 1.0 * s));
  for (const auto& t : xTicks)
    if (t.major) p.drawLine(QPointF(pixelAtR(t.R), area.top()), QPointF(pixelAtR(t.R), area.bottom()));
  auto yPx = [&](double v) { return area.bottom() - (v - yMin_) / (kYMax - yMin_) * area.height(); };
  for (double v : yTicks) p.drawLine(QPointF(area.left(), yPx(v)), QPointF(area.right(), yPx(v)));
  p.setPen(QPen(ink, 1.0 * s));
  p.drawRect(area);
  p.setFont(tickFont);
  for (size_t i = 0; i < xTicks.size(); ++i) {
    const auto& t = xTicks[i];
    const double x = pixelAtR(t.R), len = (t.major ? 6 : 3.5) * s;
    p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + len));
  }
  tickBoxes_.clear();
  for (size_t i = 0; i < majors.size(); i += stride) {
    const double x = pixelAtR(majors[i]->R), w = kf.horizontalAdvance(majors[i]->label);
    p.drawText(QRectF(x - w / 2 - 2, area.bottom() + 7 * s, w + 4, tickH), Qt::AlignCenter, majors[i]->label);
    tickBoxes_.push_back(QRectF(x - w / 2, area.bottom() + 7 * s, w, tickH));
  }
  for (double v : yTicks) {
    // Each label in its own box: drawText clips to the box it is given.
    const double y = yPx(v), w = kf.horizontalAdvance(yLabel(v));
    p.drawLine(QPointF(area.left() - 5 * s, y), QPointF(area.left(), y));
    const QRectF box(area.left() - 7 * s - w, y - tickH / 2, w, tickH);
    p.drawText(box.adjusted(-1, 0, 1, 0), Qt::AlignRight | Qt::AlignVCenter, yLabel(v));
    tickBoxes_.push_back(box);
  }
  p.setFont(axisFont);
  p.drawText(QRectF(area.left(), area.bottom() + 8 * s + tickH, area.width(), xTitleH), Qt::AlignCenter,
             "Imbalance ratio R");
  const bool ratio = quantity_ == CurveQuantity::ClassifierNormRatio || quantity_ == CurveQuantity::FeatureNormRatio;
  const bool features = quantity_ == CurveQuantity::FeatureCos || quantity_ == CurveQuantity::FeatureNormRatio;
  QString yTitle = ratio ? (features ? "Minority / majority feature norm" : "Minority / majority classifier norm")
                         : "Average pairwise cosine";
  // A short plot (a small export, presentation's narrow one) takes the short title rather than a
  // cut one ("erage pairwise cos"); shorter still, elided with "…".
  if (af.horizontalAdvance(yTitle) > area.height())
    yTitle = ratio ? (features ? "Feature norm ratio" : "Classifier norm ratio") : "Pairwise cosine";
  if (af.horizontalAdvance(yTitle) > area.height()) yTitle = af.elidedText(yTitle, Qt::ElideRight, int(area.height()));
  p.save();
  p.translate(rect.left() + m, area.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-area.height() / 2, 0, area.height(), af.height()), Qt::AlignCenter, yTitle);
  p.restore();
  {  // the y title's extent, with the tick labels' (none may meet another)
    const double len = af.horizontalAdvance(yTitle);
    tickBoxes_.push_back(QRectF(rect.left() + m, area.center().y() - len / 2, af.height(), len));
  }
  p.setFont(titleFont);
  p.drawText(titleBox.adjusted(-2, 0, 2, 0), Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, titleText);

  // The data, clipped to the plot.
  p.setClipRect(area.adjusted(-1, -1, 1, 1));
  auto pen = [&](const Entry& e) {
    QPen pn(e.color, e.width * s, e.style, Qt::FlatCap, Qt::RoundJoin);
    return pn;
  };
  for (const auto& e : all) {
    if (e.isCurrentR && !withCurrentR) continue;
    if (!e.lines.empty()) {
      p.setPen(pen(e));
      p.setBrush(Qt::NoBrush);
      for (const auto& l : e.lines) {
        if (l.size() == 1) {
          p.drawPoint(toPx(area, l[0]));
          continue;
        }
        QPainterPath path(toPx(area, l[0]));
        for (size_t i = 1; i < l.size(); ++i) path.lineTo(toPx(area, l[i]));
        p.drawPath(path);
      }
    }
    if (!e.markers.empty()) {
      // Markers whole, also on the frame (a network at R = 1 sits on the left axis: it was cut in half).
      p.save();
      p.setClipRect(rect);
      p.setPen(QPen(e.color, e.width * s));
      p.setBrush(e.filled ? QBrush(e.color) : Qt::NoBrush);
      for (const auto& mk : e.markers) drawMarker(p, e.marker, toPx(area, mk), e.markerSize * s);
      p.restore();
    }
  }
  // Pinned networks: each named beside its point; a name that would overlap another is left out.
  p.setFont(pinFont);
  std::vector<QRectF> taken;
  for (const auto& e : all)
    for (size_t i = 0; i < e.markerNames.size(); ++i) {
      if (e.markerNames[i].empty()) continue;
      const QString name = QString::fromStdString(e.markerNames[i]);
      const QPointF c = toPx(area, e.markers[i]);
      const QFontMetricsF pf(pinFont, p.device());
      QRectF r(c.x() + e.markerSize * s * 0.8, c.y() - pf.height() / 2, pf.horizontalAdvance(name) + 2, pf.height());
      if (r.right() > area.right()) r.moveRight(c.x() - e.markerSize * s * 0.8);
      if (std::any_of(taken.begin(), taken.end(), [&](const QRectF& o) { return o.intersects(r); })) continue;
      taken.push_back(r);
      // On a backing of the page's colour: curves and reference lines passing under a name crossed it out.
      QColor back = legendBg;
      back.setAlphaF(0.85f);
      p.fillRect(r.adjusted(-1, 0, 1, 0), back);
      p.setPen(ink);
      p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, name);
    }

  // The legend, opaque and framed, last.
  p.setClipRect(rect);
  if (!legend_.isNull()) {
    p.setPen(QPen(legendFrame, 1.0 * s));
    QColor back = legendBg;
    if (legendOver_) back.setAlphaF(0.8f);  // over curves: they show through
    p.setBrush(back);
    p.drawRect(legend_);
    p.setFont(legendFont);
    const int rows = int((legendEntries.size() + columns - 1) / columns);
    const std::vector<double> heights = rowHeights(columns);
    for (size_t i = 0; i < legendEntries.size(); ++i) {
      const Entry& e = *legendEntries[i];
      const int col = int(i) / rows, row = int(i) % rows;
      double y = legend_.top() + pad;
      for (int r = 0; r < row; ++r) y += heights[size_t(r)];
      const double x = legend_.left() + pad + col * (entryW + 16 * s), cy = y + lf.height() / 2;
      if (e.marker == Marker::None || e.marker == Marker::Diamond) {
        if (e.marker == Marker::None) {
          p.setPen(pen(e));
          p.drawLine(QPointF(x, cy), QPointF(x + sw, cy));
        }
      }
      if (e.marker != Marker::None) {
        p.setPen(QPen(e.color, e.width * s));
        p.setBrush(e.filled ? QBrush(e.color) : Qt::NoBrush);
        drawMarker(p, e.marker, QPointF(x + sw / 2, cy), std::min(e.markerSize, 11.0) * s);
      }
      p.setPen(ink);
      for (int l = 0; l < entryLines[i]; ++l)
        p.drawText(QRectF(x + sw + 6 * s, y + l * lf.height(), textW + 4, lf.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   entryText[i][l]);
    }
  }
  p.restore();
}

void CosineChart::paintCurrentR(QPainter& p) const {
  if (!currentR_ || plot_.isNull()) return;
  const double x = pixelAtR(std::clamp(*currentR_, rMin_, rMax_));
  const double ink = dark_ ? 0.95 : 0.1;
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(QPen(QColor::fromRgbF(float(ink), float(ink), float(ink)), 1.5 * scale_, Qt::SolidLine, Qt::FlatCap));
  const double top = plot_.top(), bottom = plot_.bottom();
  if (!legend_.isNull() && x >= legend_.left() - 1 && x <= legend_.right() + 1 && legend_.intersects(plot_)) {
    if (legend_.top() > top) p.drawLine(QPointF(x, top), QPointF(x, legend_.top()));
    if (legend_.bottom() < bottom) p.drawLine(QPointF(x, legend_.bottom()), QPointF(x, bottom));
  } else {
    p.drawLine(QPointF(x, top), QPointF(x, bottom));
  }
  // Beyond the plotted range (R = 10^6, R = ∞) the line lies on the frame: say where R is.
  const bool beyond = *currentR_ > rMax_ * (1 + 1e-9), below = *currentR_ < rMin_ * (1 - 1e-9);
  if (beyond || below) {
    const double s = scale_, tip = beyond ? plot_.right() - 3 * s : plot_.left() + 3 * s, dir = beyond ? -1 : 1;
    const double y = plot_.top() + 12 * s;
    const QColor c = QColor::fromRgbF(float(ink), float(ink), float(ink));
    p.setPen(Qt::NoPen);
    p.setBrush(c);
    const QPointF head[3] = {{tip, y}, {tip + dir * 9 * s, y - 5 * s}, {tip + dir * 9 * s, y + 5 * s}};
    p.drawPolygon(head, 3);
    const QFont f = figureFont(p, 12 * s);
    p.setFont(f);
    p.setPen(c);
    const QString text = QString::fromStdString(rText(*currentR_));
    const double w = QFontMetricsF(f, p.device()).horizontalAdvance(text) + 4;
    const QRectF box = beyond ? QRectF(tip - 12 * s - w, y - 9 * s, w, 18 * s) : QRectF(tip + 12 * s, y - 9 * s, w, 18 * s);
    p.drawText(box, (beyond ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter, text);
  }
  p.restore();
}

}  // namespace lpm::render
