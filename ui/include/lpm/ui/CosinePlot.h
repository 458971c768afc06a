#pragma once
// The cosine-versus-R widget: a render::CosineChart painted with QPainter (the same drawing as
// every export); click or drag picks R. A plain widget: no GL surface to compose.
#include <QImage>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "lpm/Sweep.h"
#include "lpm/render/CosineChart.h"

namespace lpm::ui {

class CosinePlot : public QWidget {
  Q_OBJECT
public:
  explicit CosinePlot(QWidget* parent = nullptr);
  ~CosinePlot() override;

  const render::CosineChart& chart() const { return chart_; }
  double rMin() const { return chart_.rMin(); }
  double rMax() const { return chart_.rMax(); }
  void setRange(double Rmin, double Rmax);
  void setCurve(const std::vector<SweepPoint>& points, int K);
  void setCurrentR(double R);
  void setTransition(const std::optional<TransitionResult>& t);
  /// Labelled minority curves drawn beside the current one (compared models).
  void setFamily(const std::vector<NamedCurve>& curves);
  void setTitle(const std::string& title);  ///< empty: automatic (CosineChart::title)
  void setQuantity(CurveQuantity q);
  void setNetworkMarker(std::optional<double> R, std::optional<double> cosine, const QString& name = {});
  void setPinnedMarkers(const std::vector<render::ChartPin>& pins);
  void setDarkTheme(bool dark);
  /// Multiplies the chart's text and lines (presentation mode).
  void setTextScale(double s);
  /// Widget coordinates (logical pixels) of R and back.
  std::optional<double> rAtPixel(double x) const { return chart_.rAtPixel(x); }
  double pixelAtR(double R) const { return chart_.pixelAtR(R); }
  int curvePoints() const { return chart_.curvePoints(); }

  /// Paints now and returns the widget's picture.
  QImage grabFrame();
  /// Milliseconds the last paint took (the chart itself only when it changed).
  double lastRenderMs() const { return lastRenderMs_; }

signals:
  /// The user clicked or dragged on the plot.
  void rPicked(double R);
  void frameRendered();

protected:
  /// The chart is drawn into a cached picture only when it changes; a move of the current-R line
  /// alone redraws the picture and the line.
  void paintEvent(QPaintEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;

private:
  render::CosineChart chart_;
  QImage cache_;
  bool cacheValid_ = false, dark_ = false, dragging_ = false;
  std::optional<double> currentR_;
  double lastRenderMs_ = 0;
  double textScale_ = 1;
  void invalidate();
};

}  // namespace lpm::ui
