#pragma once
// The cosine-versus-R widget: a render::CosineChart in a VtkOpenGLWidget; click or drag picks R.
#include <memory>
#include <QImage>

#include <array>
#include <optional>
#include <vector>

#include "lpm/Sweep.h"
#include "lpm/ui/VtkOpenGLWidget.h"

class vtkContextView;

namespace lpm::render {
class CosineChart;
}

namespace lpm::ui {

class CosinePlot : public VtkOpenGLWidget {
  Q_OBJECT
public:
  explicit CosinePlot(QWidget* parent = nullptr);
  ~CosinePlot() override;

  render::CosineChart& chart() const { return *chart_; }
  double rMin() const;
  double rMax() const;
  void setCurve(const std::vector<SweepPoint>& points, int K);
  void setCurrentR(double R);
  void setTransition(const std::optional<TransitionResult>& t);
  /// Labelled minority curves drawn beside the current one (compared models).
  void setFamily(const std::vector<NamedCurve>& curves);
  void setQuantity(CurveQuantity q);
  void setNetworkMarker(std::optional<double> R, std::optional<double> cosine, const QString& name = {});
  void setPinnedMarkers(const std::vector<std::pair<double, double>>& points);
  void setDarkTheme(bool dark);
  std::optional<double> rAtPixel(double xPixel) const;
  double pixelAtR(double R) const;
  int curvePoints() const;

signals:
  /// The user clicked or dragged on the plot.
  void rPicked(double R);

protected:
  /// The chart is rendered by VTK only when it changes; a move of the current-R line alone
  /// redraws a cached picture of it and the line (in software GL the chart costs ~10 ms).
  void paintFrame() override;
  void renderRequested() override;
  void resizeGL(int w, int h) override;

private:
  std::unique_ptr<render::CosineChart> chart_;
  QImage cache_;
  bool cacheValid_ = false, dark_ = false;
  std::array<double, 4> legend_{};  ///< scene pixels, as last drawn: the current-R line skips it
  std::optional<double> currentR_;
  void invalidate();
  struct Private;
  std::unique_ptr<Private> p;
  bool dragging_ = false;
};

}  // namespace lpm::ui
