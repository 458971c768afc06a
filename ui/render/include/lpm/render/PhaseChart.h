#pragma once
// The phase diagram (core lpm/Phase.h) drawn with QPainter on any paint device: the window's
// Phase tab, PNG, vector PDF and SVG. Cells over log R and y coloured by the minority's state
// (spread shaded by its cosine, collapsed, vanished, not certified), the R0 and R_vanish curves,
// the current parameters marked. Rows still being computed are left blank.
#include <QRectF>

#include <optional>
#include <string>
#include <utility>

#include "lpm/Phase.h"

class QPainter;

namespace lpm::render {

class PhaseChart {
public:
  void setDiagram(const PhaseDiagram& d) { diagram_ = d; }
  const PhaseDiagram& diagram() const { return diagram_; }
  /// The current parameters (R, y), marked with a ring; none: no mark.
  void setCurrent(std::optional<std::pair<double, double>> Ry) { current_ = Ry; }
  void setTitle(const std::string& t) { title_ = t; }
  std::string title() const;  ///< as drawn (automatic when empty)
  void setDarkTheme(bool dark) { dark_ = dark; }
  /// Multiplies text, lines and margins (presentation mode); 1 = sizes for a 900 x 600 figure.
  void setFontScale(double s) { scale_ = s; }
  void paint(QPainter& painter, const QRectF& rect);
  /// (R, y) under a point of the last paint's plot area; none outside it.
  std::optional<std::pair<double, double>> valueAt(const QPointF& at) const;
  QRectF plotArea() const { return plot_; }

private:
  double xOf(double R) const;
  double yOf(double y) const;
  PhaseDiagram diagram_;
  std::optional<std::pair<double, double>> current_;
  std::string title_;
  bool dark_ = false;
  double scale_ = 1;
  QRectF plot_;
  double yLo_ = 1, yHi_ = 100;  ///< the y axis' ends (cell edges), set by paint
};

}  // namespace lpm::render
