#include "lpm/render/PhaseChart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lpm/Parameters.h"
#include "lpm/render/CosineChart.h"  // figureFont

namespace lpm::render {
namespace {

QColor rgb(double r, double g, double b) { return QColor::fromRgbF(float(r), float(g), float(b)); }
// Okabe-Ito vermillion for collapse, as the cosine plot's minority; a light-to-deep blue ramp for
// the spread minority's cosine; grey for vanished.
const QColor kCollapsed = rgb(0.835, 0.369, 0.0), kVanished = rgb(0.62, 0.62, 0.62);
const QColor kSpreadLow = rgb(0.94, 0.965, 1.0), kSpreadHigh = rgb(0.03, 0.25, 0.52);

QColor spreadColor(double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto mix = [t](double a, double b) { return a + (b - a) * t; };
  return rgb(mix(kSpreadLow.redF(), kSpreadHigh.redF()), mix(kSpreadLow.greenF(), kSpreadHigh.greenF()),
             mix(kSpreadLow.blueF(), kSpreadHigh.blueF()));
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

QString powerLabel(int k) {
  static const char* sup[] = {"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074", "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  if (k >= 0 && k <= 3) return QString::fromStdString(fmt("%g", std::pow(10.0, k)));
  std::string digits = std::to_string(std::abs(k)), out = "10";
  if (k < 0) out += "\u207b";
  for (char c : digits) out += sup[c - '0'];
  return QString::fromStdString(out);
}

// Cell edges: midpoints between centres (in log space for a log axis), the ends at lo and hi.
std::vector<double> edges(const std::vector<double>& c, double lo, double hi, bool log) {
  std::vector<double> e;
  e.push_back(lo);
  for (size_t i = 0; i + 1 < c.size(); ++i) e.push_back(log ? std::sqrt(c[i] * c[i + 1]) : (c[i] + c[i + 1]) / 2);
  e.push_back(hi);
  return e;
}

}  // namespace

std::string PhaseChart::title() const {
  if (!title_.empty()) return title_;
  const auto& r = diagram_.request;
  std::string t = "Minority state over R and " + phaseAxisLabel(r.axis, r.base);
  if (r.axis != "KA") t += " (K = " + std::to_string(r.base.K()) + ", KA = " + std::to_string(r.base.KA) + ")";
  if (r.base.loss.kind != LossKind::CE || r.base.budget == Budget::Penalized || r.base.model != ModelKind::LayerPeeled)
    t += ": " + describeModel(r.base);
  return t;
}

double PhaseChart::xOf(double R) const {
  const auto& r = diagram_.request;
  const double t = (std::log(R) - std::log(r.Rmin)) / (std::log(r.Rmax) - std::log(r.Rmin));
  return plot_.left() + t * plot_.width();
}

double PhaseChart::yOf(double y) const {
  const bool log = phaseAxisLog(diagram_.request.axis);
  const double t = log ? (std::log(y) - std::log(yLo_)) / (std::log(yHi_) - std::log(yLo_)) : (y - yLo_) / (yHi_ - yLo_);
  return plot_.bottom() - t * plot_.height();
}

std::optional<std::pair<double, double>> PhaseChart::valueAt(const QPointF& at) const {
  if (plot_.isEmpty() || !plot_.contains(at)) return std::nullopt;
  const auto& r = diagram_.request;
  const double tx = (at.x() - plot_.left()) / plot_.width(), ty = (plot_.bottom() - at.y()) / plot_.height();
  const double R = std::exp(std::log(r.Rmin) + tx * (std::log(r.Rmax) - std::log(r.Rmin)));
  double y = phaseAxisLog(r.axis) ? std::exp(std::log(yLo_) + ty * (std::log(yHi_) - std::log(yLo_)))
                                  : yLo_ + ty * (yHi_ - yLo_);
  if (r.axis == "KA") y = std::round(y);
  return std::make_pair(R, y);
}

void PhaseChart::paint(QPainter& p, const QRectF& rect) {
  p.save();
  const auto& d = diagram_;
  const auto& req = d.request;
  const bool logY = phaseAxisLog(req.axis);
  const bool ka = req.axis == "KA";
  const QColor fg = dark_ ? QColor(230, 230, 230) : QColor(30, 30, 30);
  const QColor bg = dark_ ? QColor(40, 42, 46) : Qt::white;
  p.fillRect(rect, bg);
  const double s = scale_;
  const QFont tf = figureFont(p, 15 * s), af = figureFont(p, 13 * s), kf = figureFont(p, 11.5 * s), lf = figureFont(p, 11.5 * s);
  const QFontMetricsF tm(tf), am(af), km(kf), lm(lf);
  const double m = 12 * s;

  // Title (wrapped, never cut).
  QString titleText = QString::fromStdString(title());
  const QRectF titleBox = tm.boundingRect(QRectF(rect.left() + m, rect.top() + m, rect.width() - 2 * m, rect.height()),
                                          Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, titleText);

  // The y axis' ends: the requested range (KA: half a class beyond the integers).
  yLo_ = ka ? req.yMin - 0.5 : req.yMin;
  yHi_ = ka ? req.yMax + 0.5 : req.yMax;
  if (ka && !d.grid.y.empty()) yLo_ = d.grid.y.front() - 0.5, yHi_ = d.grid.y.back() + 0.5;
  if (!(yHi_ > yLo_)) yHi_ = logY ? yLo_ * 10 : yLo_ + 1;

  // Y ticks: decades with 2 and 5 when few; linear: a 1-2-5 step; KA: integers.
  std::vector<double> yTicks;
  if (logY) {
    const int k0 = int(std::floor(std::log10(yLo_))), k1 = int(std::ceil(std::log10(yHi_)));
    const bool fine = k1 - k0 <= 3;
    for (int k = k0; k <= k1; ++k)
      for (int j : {1, 2, 5}) {
        if (!fine && j != 1) continue;
        const double v = j * std::pow(10.0, k);
        if (v >= yLo_ * (1 - 1e-9) && v <= yHi_ * (1 + 1e-9)) yTicks.push_back(v);
      }
  } else {
    const double span = yHi_ - yLo_;
    double step = std::pow(10.0, std::floor(std::log10(span / 5)));
    for (double f : {1.0, 2.0, 5.0, 10.0})
      if (span / (step * f) <= 8) { step *= f; break; }
    if (ka) step = std::max(1.0, std::round(step));
    for (double v = std::ceil(yLo_ / step) * step; v <= yHi_ + 1e-9; v += step) yTicks.push_back(std::abs(v) < 1e-12 ? 0 : v);
  }
  auto yLabel = [&](double v) { return QString::fromStdString(fmt("%g", v)); };
  double yTickW = 0;
  for (double v : yTicks) yTickW = std::max(yTickW, km.horizontalAdvance(yLabel(v)));

  // Legend column on the right: colour bar and swatches.
  const int K = req.base.K();
  const double cMin = -1.0 / std::max(1, (ka ? K : req.base.K()) - 1);
  struct Swatch { QString label; QColor color; int kind; };  // 0 box, 1 hatched, 2 line, 3 dashed, 4 ring
  std::vector<Swatch> sw = {{"collapsed (cos \u2265 1 \u2212 10\u207b\u00b3)", kCollapsed, 0},
                            {"vanished", kVanished, 0},
                            {"not certified / not unique", fg, 1},
                            {"R\u2080 (collapse)", fg, 2},
                            {"R_vanish", fg, 3}};
  if (current_) sw.push_back({"current", fg, 4});
  double legendW = lm.horizontalAdvance("spread: minority cosine");
  for (const auto& w : sw) legendW = std::max(legendW, 30 * s + lm.horizontalAdvance(w.label));
  legendW += 14 * s;
  const bool legendFits = rect.width() > 440 * s;
  const double right = rect.right() - m - (legendFits ? legendW + 12 * s : 0);

  plot_ = QRectF(QPointF(rect.left() + m + am.height() + 8 * s + yTickW + 6 * s, titleBox.bottom() + 12 * s),
                 QPointF(right, rect.bottom() - m - am.height() - km.height() - 12 * s));
  if (plot_.width() < 40 || plot_.height() < 40) {
    p.restore();
    return;
  }

  p.setFont(tf);
  p.setPen(fg);
  p.drawText(titleBox, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, titleText);

  // Cells (no antialiasing: neighbouring cells meet without seams).
  const auto xe = edges(d.grid.R, req.Rmin, req.Rmax, true);
  const auto ye = edges(d.grid.y, yLo_, yHi_, logY);
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setPen(Qt::NoPen);
  p.fillRect(plot_, dark_ ? QColor(55, 57, 62) : QColor(250, 250, 250));
  for (size_t j = 0; j < d.rows.size() && j + 1 < ye.size(); ++j) {
    const auto& row = d.rows[j];
    const double y0 = yOf(ye[j]), y1 = yOf(ye[j + 1]);
    for (size_t i = 0; i < row.cells.size() && i + 1 < xe.size(); ++i) {
      const auto& c = row.cells[i];
      const QRectF cell(QPointF(xOf(xe[i]), y1), QPointF(xOf(xe[i + 1]), y0));
      const auto cos = c.observedCos();
      const MinorityState st = c.observedState();  // "uncertified" for an uncertified solve
      QBrush brush;
      if (st == MinorityState::Collapsed) brush = kCollapsed;
      else if (st == MinorityState::Vanished) brush = kVanished;
      else if (st == MinorityState::Spread && cos) brush = spreadColor((*cos - cMin) / (1 - cMin));
      else brush = QBrush(fg, Qt::BDiagPattern);
      p.fillRect(cell.adjusted(-0.25, -0.25, 0.25, 0.25), brush);
    }
  }
  p.setRenderHint(QPainter::Antialiasing, true);

  // R0 and R_vanish of each row, joined where consecutive rows have one inside the range.
  auto drawCurve = [&](bool vanish) {
    QPen pen(dark_ ? Qt::white : Qt::black, 2.2 * s, vanish ? Qt::DashLine : Qt::SolidLine);
    p.setPen(pen);
    QPainterPath path;
    bool open = false;
    for (const auto& row : d.rows) {
      std::optional<double> R;
      if (row.transition) R = vanish ? row.transition->vanish.value() : row.transition->R0();
      if (R && *R >= req.Rmin && *R <= req.Rmax) {
        const QPointF pt(xOf(*R), yOf(row.y));
        if (open) path.lineTo(pt);
        else path.moveTo(pt);
        open = true;
        if (d.rows.size() == 1) p.drawEllipse(pt, 2.5 * s, 2.5 * s);
      } else {
        open = false;
      }
    }
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
  };
  p.save();
  p.setClipRect(plot_);
  drawCurve(false);
  drawCurve(true);
  p.restore();
  if (current_ && current_->first >= req.Rmin && current_->first <= req.Rmax && current_->second >= yLo_ &&
      current_->second <= yHi_) {
    const QPointF c(xOf(current_->first), yOf(current_->second));
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(Qt::white, 4.5 * s));
    p.drawEllipse(c, 7 * s, 7 * s);
    p.setPen(QPen(Qt::black, 2 * s));
    p.drawEllipse(c, 7 * s, 7 * s);
  }

  // Frame, ticks, labels.
  p.setPen(QPen(fg, 1 * s));
  p.setBrush(Qt::NoBrush);
  p.drawRect(plot_);
  p.setFont(kf);
  const int k0 = int(std::ceil(std::log10(req.Rmin) - 1e-9)), k1 = int(std::floor(std::log10(req.Rmax) + 1e-9));
  const int stride = std::max(1, int(std::ceil((k1 - k0 + 1) * km.horizontalAdvance("10\u2070\u2070") * 1.6 / plot_.width())));
  for (int k = k0; k <= k1; ++k) {
    const double x = xOf(std::pow(10.0, k));
    p.drawLine(QPointF(x, plot_.bottom()), QPointF(x, plot_.bottom() + 5 * s));
    if ((k - k0) % stride) continue;
    const QString lab = powerLabel(k);
    const double w = km.horizontalAdvance(lab);
    p.drawText(QPointF(x - w / 2, plot_.bottom() + 7 * s + km.ascent()), lab);
  }
  for (double v : yTicks) {
    const double y = yOf(v);
    p.drawLine(QPointF(plot_.left() - 5 * s, y), QPointF(plot_.left(), y));
    const QString lab = yLabel(v);
    p.drawText(QPointF(plot_.left() - 8 * s - km.horizontalAdvance(lab), y + km.ascent() / 2 - 1), lab);
  }
  p.setFont(af);
  const QString xTitle = "Imbalance ratio R";
  p.drawText(QPointF(plot_.center().x() - am.horizontalAdvance(xTitle) / 2, rect.bottom() - m - am.descent()), xTitle);
  p.save();
  const QString yTitle = QString::fromStdString(phaseAxisLabel(req.axis, req.base));
  p.translate(rect.left() + m + am.ascent(), plot_.center().y() + am.horizontalAdvance(yTitle) / 2);
  p.rotate(-90);
  p.drawText(QPointF(0, 0), yTitle);
  p.restore();

  // Progress while rows are still being computed.
  if (!d.complete()) {
    p.setFont(lf);
    const QString note = QString("computing: %1 of %2 rows").arg(d.rows.size()).arg(d.grid.y.size());
    const QRectF box(plot_.left() + 6 * s, plot_.top() + 6 * s, lm.horizontalAdvance(note) + 12 * s, lm.height() + 6 * s);
    p.fillRect(box, bg);
    p.setPen(fg);
    p.drawText(box, Qt::AlignCenter, note);
  }

  if (!legendFits) {
    p.restore();
    return;
  }
  // Legend: the colour bar of the spread minority's cosine, then the swatches.
  p.setFont(lf);
  double lx = right + 14 * s, ly = plot_.top();
  p.setPen(fg);
  p.drawText(QPointF(lx, ly + lm.ascent()), "spread: minority cosine");
  ly += lm.height() + 4 * s;
  const double barH = std::min(150 * s, plot_.height() * 0.45), barW = 16 * s;
  p.setRenderHint(QPainter::Antialiasing, false);
  const int steps = 64;
  for (int i = 0; i < steps; ++i) {
    const double t0 = double(i) / steps, t1 = double(i + 1) / steps;
    p.fillRect(QRectF(QPointF(lx, ly + barH * (1 - t1)), QPointF(lx + barW, ly + barH * (1 - t0) + 0.3)), spreadColor((t0 + t1) / 2));
  }
  p.setRenderHint(QPainter::Antialiasing, true);
  p.setPen(QPen(fg, 0.8 * s));
  p.drawRect(QRectF(lx, ly, barW, barH));
  for (double v : {cMin, 0.0, 0.5, 1.0}) {
    if (v == 0.0 && -cMin < 0.25) continue;  // would overlap the -1/(K-1) label
    const double y = ly + barH * (1 - (v - cMin) / (1 - cMin));
    p.drawLine(QPointF(lx + barW, y), QPointF(lx + barW + 4 * s, y));
    const QString lab = v == cMin ? QString::fromStdString("\u22121/(K\u22121) = " + fmt("%.3g", cMin)) : QString::fromStdString(fmt("%g", v));
    p.drawText(QPointF(lx + barW + 7 * s, y + lm.ascent() / 2 - 1), lab);
  }
  ly += barH + 14 * s;
  for (const auto& w : sw) {
    const QRectF box(lx, ly + 2 * s, 22 * s, lm.height() - 4 * s);
    switch (w.kind) {
      case 0: p.fillRect(box, w.color); break;
      case 1: p.fillRect(box, QBrush(w.color, Qt::BDiagPattern)); p.setPen(QPen(fg, 0.8 * s)); p.drawRect(box); break;
      case 2: p.setPen(QPen(fg, 2.2 * s)); p.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y())); break;
      case 3: p.setPen(QPen(fg, 2.2 * s, Qt::DashLine)); p.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y())); break;
      case 4: p.setPen(QPen(fg, 2 * s)); p.setBrush(Qt::NoBrush); p.drawEllipse(box.center(), 6 * s, 6 * s); break;
    }
    p.setPen(fg);
    p.drawText(QPointF(lx + 30 * s, ly + lm.ascent()), w.label);
    ly += lm.height() + 5 * s;
  }
  p.restore();
}

}  // namespace lpm::render
