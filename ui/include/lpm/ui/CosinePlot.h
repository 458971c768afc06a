#pragma once
// The cosine-versus-R chart (Figure 3 of the paper) with the current R and R0 marked.
#include <optional>
#include <vector>

#include "lpm/Sweep.h"
#include "lpm/ui/VtkOpenGLWidget.h"

class vtkChartXY;
class vtkContextView;

namespace lpm::ui {

class CosinePlot : public VtkOpenGLWidget {
  Q_OBJECT
public:
  explicit CosinePlot(QWidget* parent = nullptr);
  ~CosinePlot() override;

  void setRange(double Rmin, double Rmax);
  double rMin() const { return rMin_; }
  double rMax() const { return rMax_; }
  /// Replaces the curve (points may arrive progressively: call again with more).
  void setCurve(const std::vector<SweepPoint>& points, int K);
  void setCurrentR(double R);
  void setTransition(std::optional<double> R0);
  /// A trained network's minority cosine at its imbalance ratio.
  void setNetworkMarker(std::optional<double> R, std::optional<double> cosine);
  void setDarkTheme(bool dark);

  vtkChartXY* chart() const;
  vtkContextView* view() const;
  /// Screen x (device pixels, in this widget) to R, through the log axis; nullopt outside the plot.
  std::optional<double> rAtPixel(double xPixel) const;
  double pixelAtR(double R) const;
  int curvePoints() const { return curvePoints_; }

signals:
  /// The user clicked or dragged on the plot.
  void rPicked(double R);

private:
  struct Private;
  Private* p;
  double rMin_ = 1, rMax_ = 1e4;
  int curvePoints_ = 0;
  bool dragging_ = false;
  double yMin_ = -0.3;
  void rebuildMarkers();
};

}  // namespace lpm::ui
