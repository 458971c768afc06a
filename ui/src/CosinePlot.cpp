#include "lpm/ui/CosinePlot.h"

#include <QElapsedTimer>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace lpm::ui {

CosinePlot::CosinePlot(QWidget* parent) : QWidget(parent) {
  setAttribute(Qt::WA_OpaquePaintEvent);  // the cached picture covers every pixel
  setMinimumSize(240, 180);
  setMouseTracking(false);
  setToolTip(tr("Click or drag to choose R"));
}

CosinePlot::~CosinePlot() = default;

void CosinePlot::invalidate() {
  cacheValid_ = false;
  update();
}

void CosinePlot::setRange(double Rmin, double Rmax) { chart_.setRange(Rmin, Rmax), invalidate(); }
void CosinePlot::setCurve(const std::vector<SweepPoint>& points, int K) { chart_.setCurve(points, K), invalidate(); }
void CosinePlot::setCurrentR(double R) {
  const bool legendChanges = !currentR_;  // the "current R" legend entry appears
  currentR_ = R;
  chart_.setCurrentR(R);
  legendChanges ? invalidate() : update();
}
void CosinePlot::setTransition(const std::optional<TransitionResult>& t) { chart_.setTransition(t), invalidate(); }
void CosinePlot::setQuantity(CurveQuantity q) {
  if (q == chart_.quantity()) return;
  chart_.setQuantity(q);
  invalidate();
}
void CosinePlot::setFamily(const std::vector<NamedCurve>& curves) { chart_.setFamily(curves), invalidate(); }
void CosinePlot::setTitle(const std::string& title) {
  if (title == chart_.titleSet()) return;
  chart_.setTitle(title);
  invalidate();
}
void CosinePlot::setNetworkMarker(std::optional<double> R, std::optional<double> c, const QString& name) {
  chart_.setNetworkMarker(R, c, name.toStdString());
  invalidate();
}
void CosinePlot::setPinnedMarkers(const std::vector<render::ChartPin>& pins) { chart_.setPinnedMarkers(pins), invalidate(); }
void CosinePlot::setTextScale(double s) {
  textScale_ = s;
  invalidate();
}

void CosinePlot::setDarkTheme(bool dark) {
  dark_ = dark;
  chart_.setDarkTheme(dark);
  invalidate();
}

QImage CosinePlot::grabFrame() { return grab().toImage(); }

void CosinePlot::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  cacheValid_ = false;
}

void CosinePlot::paintEvent(QPaintEvent*) {
  QElapsedTimer t;
  t.start();
  const double dpr = devicePixelRatioF();
  const QSize px(int(width() * dpr + 0.5), int(height() * dpr + 0.5));
  if (!cacheValid_ || cache_.size() != px) {
    cache_ = QImage(px, QImage::Format_RGB32);
    cache_.setDevicePixelRatio(dpr);
    // Sized for a 900-unit figure: a narrower plot takes slightly smaller text, never below 80%.
    chart_.setFontScale(std::clamp(width() / 720.0, 0.8, 1.0) * textScale_);
    QPainter p(&cache_);
    chart_.paint(p, QRectF(0, 0, width(), height()), false);  // the current-R line is drawn below
    cacheValid_ = true;
  }
  QPainter painter(this);
  painter.drawImage(QPointF(0, 0), cache_);
  chart_.paintCurrentR(painter);
  painter.end();
  lastRenderMs_ = t.nsecsElapsed() / 1e6;
  emit frameRendered();
}

void CosinePlot::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return QWidget::mousePressEvent(e);
  dragging_ = true;
  if (auto R = rAtPixel(e->position().x())) emit rPicked(*R);
}

void CosinePlot::mouseMoveEvent(QMouseEvent* e) {
  if (!dragging_) return QWidget::mouseMoveEvent(e);
  if (auto R = rAtPixel(e->position().x())) emit rPicked(*R);
}

void CosinePlot::mouseReleaseEvent(QMouseEvent* e) {
  if (e->button() == Qt::LeftButton) dragging_ = false;
  QWidget::mouseReleaseEvent(e);
}

}  // namespace lpm::ui
