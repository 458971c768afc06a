#pragma once
// The cosine-versus-R chart (Figure 3 of the paper) as a VTK context item, independent of any
// window: the GUI shows it in a widget, exports render it offscreen (PNG, PDF, SVG).
#include <memory>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lpm/Sweep.h"

class vtkChartXY;
class vtkContext2D;

namespace lpm::render {

class CosineChart {
public:
  CosineChart();
  ~CosineChart();
  CosineChart(const CosineChart&) = delete;
  CosineChart& operator=(const CosineChart&) = delete;

  vtkChartXY* chart() const;

  void setRange(double Rmin, double Rmax);
  double rMin() const { return rMin_; }
  double rMax() const { return rMax_; }
  void setCurve(const std::vector<SweepPoint>& points, int K);
  /// Extra minority-cosine curves (e.g. KA = 3, 5, 7 as in Figure 3); replaces earlier ones.
  void setFamily(const std::vector<NamedCurve>& curves);
  /// What the curves show (default: the classifiers' cosine); the axis, legend and rails follow.
  void setQuantity(CurveQuantity q);
  CurveQuantity quantity() const { return quantity_; }
  void setCurrentR(std::optional<double> R);
  /// The widget draws the current-R line itself (over a cached picture of the chart): the chart
  /// then keeps only its legend entry, "current R", without the value.
  void setCurrentRDrawnOutside(bool on);
  /// The plot area in scene pixels: x0, y0 (bottom left), x1, y1.
  std::array<double, 4> plotArea() const;
  /// The legend box in scene pixels (x0, y0, x1, y1), measured with the painter that drew it.
  std::array<double, 4> legendBox(vtkContext2D* painter) const;
  /// R0 and R_vanish (absent while computing, or for KB < 2): lines and the automatic title.
  void setTransition(const std::optional<TransitionResult>& t);
  /// The trained network's point; `name` (e.g. its file) labels it in the legend.
  void setNetworkMarker(std::optional<double> R, std::optional<double> cosine, const std::string& name = {});
  /// Networks kept for comparison (e.g. trained at several R): (R, minority cosine) each.
  void setPinnedMarkers(const std::vector<std::pair<double, double>>& points);
  void setTitle(const std::string& title);  ///< empty: the automatic title
  std::string title() const;                ///< the title as drawn
  void setDarkTheme(bool dark);
  /// Font sizes for slides and print (points at 1x).
  void setFontScale(double s);

  /// Screen x of R and back, through the bottom log axis (scene pixels).
  std::optional<double> rAtPixel(double xPixel) const;
  double pixelAtR(double R) const;
  int curvePoints() const { return curvePoints_; }

private:
  struct Private;
  std::unique_ptr<Private> p;
  double rMin_ = 1, rMax_ = 1e4, yMin_ = -0.3;
  int curvePoints_ = 0;
  CurveQuantity quantity_ = CurveQuantity::ClassifierCos;
  bool currentOutside_ = false;
  std::string title_;
  void rebuildMarkers();
};

}  // namespace lpm::render
