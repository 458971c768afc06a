#pragma once
// The cosine-versus-R chart (Figure 3 of the paper), drawn with QPainter on any paint device: the
// window's plot (a cached QImage), PNG, vector PDF (fonts embedded) and SVG exports, and the
// combined figure. One drawing everywhere, so the window and every export look the same. Qt Gui
// only (no widgets, no VTK); a QGuiApplication must exist (render::PaintContext for the CLI).
#include <QFont>
#include <QRectF>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lpm/Sweep.h"

class QPainter;

namespace lpm::render {

/// The figures' font (DejaVu Sans) at `px` device-independent units on the painter's device,
/// whatever its resolution (screen, the 72 dpi PDF, SVG): 13 units are 13 pt in a PDF.
QFont figureFont(const QPainter& p, double px);

/// A network kept for comparison on the plot: its point and the name drawn beside it.
struct ChartPin {
  double R = 1, value = 0;
  std::string name;
};

class CosineChart {
public:
  void setRange(double Rmin, double Rmax);
  double rMin() const { return rMin_; }
  double rMax() const { return rMax_; }
  void setCurve(const std::vector<SweepPoint>& points, int K);
  /// Extra minority curves (e.g. KA = 3, 5, 7 as in Figure 3, or compared models), each labelled.
  void setFamily(const std::vector<NamedCurve>& curves);
  /// What the curves show (default: the classifiers' cosine); the axis, legend and rails follow.
  void setQuantity(CurveQuantity q);
  CurveQuantity quantity() const { return quantity_; }
  void setCurrentR(std::optional<double> R);
  /// R0 and R_vanish (absent while computing, or for KB < 2): lines and the automatic title.
  void setTransition(const std::optional<TransitionResult>& t);
  /// The trained network's point; `name` (e.g. its file) labels it in the legend.
  void setNetworkMarker(std::optional<double> R, std::optional<double> cosine, const std::string& name = {});
  /// Networks kept for comparison, each labelled by its name beside its point.
  void setPinnedMarkers(const std::vector<ChartPin>& pins);
  void setTitle(const std::string& title);  ///< empty: the automatic title
  const std::string& titleSet() const { return title_; }  ///< as set (empty: automatic)
  std::string title() const;                ///< the title as drawn (never cut: it wraps)
  void setDarkTheme(bool dark);
  /// Multiplies every length (fonts, lines, markers, margins); 1 = sizes for a 900 x 600 figure.
  void setFontScale(double s) { scale_ = s; }

  /// Lays the chart out in `rect` (device-independent units of `painter`) and draws it. With
  /// `withCurrentR` false the current-R line is left out (the window draws it over a cached
  /// picture with paintCurrentR) but its legend entry stays.
  void paint(QPainter& painter, const QRectF& rect, bool withCurrentR = true);
  /// The current-R line with the last layout, passing behind the legend.
  void paintCurrentR(QPainter& painter) const;

  /// x of R and back, through the log axis of the last paint.
  std::optional<double> rAtPixel(double x) const;
  double pixelAtR(double R) const;
  int curvePoints() const { return static_cast<int>(points_.size()); }
  /// The last paint's tick labels and y title as drawn (text boxes, painter units): inside the
  /// rect, and no two meet.
  const std::vector<QRectF>& tickLabelBoxes() const { return tickBoxes_; }
  QRectF plotArea() const { return plot_; }  ///< the last paint's axes box
  /// The last paint's legend entries as drawn, each entry's lines joined by a space.
  const std::vector<std::string>& legendDrawn() const { return legendDrawn_; }
  /// The last paint's legend box (empty: none drawn) and whether it lies over the plot (no room
  /// beside or below, translucent).
  QRectF legendBox() const { return legend_; }
  bool legendOverPlot() const { return legendOver_; }

private:
  struct Entry;
  std::vector<Entry> entries() const;
  double yLow() const;
  double rMin_ = 1, rMax_ = 1e4, yMin_ = -0.3, yCurve_ = -0.3, ref_ = -1.0 / 9, scale_ = 1;
  int K_ = 10;
  bool dark_ = false;
  CurveQuantity quantity_ = CurveQuantity::ClassifierCos;
  std::vector<SweepPoint> points_;
  std::vector<NamedCurve> family_;
  std::optional<double> currentR_ = 1.0;
  std::optional<TransitionResult> transition_;
  std::optional<double> networkR_, networkCos_;
  std::string networkName_, title_;
  std::vector<ChartPin> pins_;
  QRectF plot_, legend_;  ///< the last paint's plot area and legend box (painter units, y down)
  bool legendOver_ = false;  ///< no room beside or below: drawn over the plot, translucent
  std::vector<QRectF> tickBoxes_;
  std::vector<std::string> legendDrawn_;
};

}  // namespace lpm::render
