#include "lpm/ui/CosinePlot.h"

#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QPainter>

#include <algorithm>

#include <vtkCallbackCommand.h>
#include <vtkChartXY.h>
#include <vtkCommand.h>
#include <vtkContextScene.h>
#include <vtkContextView.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>

#include "lpm/render/CosineChart.h"

namespace lpm::ui {

struct CosinePlot::Private {
  vtkNew<vtkContextView> view;
  vtkNew<vtkCallbackCommand> mouse;
};

CosinePlot::CosinePlot(QWidget* parent) : VtkOpenGLWidget(parent), chart_(new render::CosineChart), p(new Private) {
  p->view->SetRenderWindow(renderWindow());
  p->view->SetInteractor(interactor());
  p->view->GetScene()->AddItem(chart_->chart());
  chart_->setCurrentRDrawnOutside(true);
  setDarkTheme(false);

  // Left click or drag on the plot picks R. Observed on the interactor, ahead of the chart.
  p->mouse->SetClientData(this);
  p->mouse->SetCallback([](vtkObject*, unsigned long event, void* client, void*) {
    auto* self = static_cast<CosinePlot*>(client);
    if (event == vtkCommand::LeftButtonPressEvent) self->dragging_ = true;
    if (event == vtkCommand::LeftButtonReleaseEvent) {
      self->dragging_ = false;
      return;
    }
    if (!self->dragging_) return;
    const int* pos = self->interactor()->GetEventPosition();
    if (auto R = self->rAtPixel(pos[0])) emit self->rPicked(*R);
  });
  for (auto e : {vtkCommand::LeftButtonPressEvent, vtkCommand::LeftButtonReleaseEvent, vtkCommand::MouseMoveEvent})
    interactor()->AddObserver(e, p->mouse, 1.0);
}

CosinePlot::~CosinePlot() {
  p.reset();  // the mouse observer before the chart it reads
  chart_.reset();
}

double CosinePlot::rMin() const { return chart_->rMin(); }
double CosinePlot::rMax() const { return chart_->rMax(); }
int CosinePlot::curvePoints() const { return chart_->curvePoints(); }
std::optional<double> CosinePlot::rAtPixel(double x) const { return chart_->rAtPixel(x); }
double CosinePlot::pixelAtR(double R) const { return chart_->pixelAtR(R); }

void CosinePlot::invalidate() {
  cacheValid_ = false;
  update();
}

void CosinePlot::setCurve(const std::vector<SweepPoint>& points, int K) { chart_->setCurve(points, K), invalidate(); }
void CosinePlot::setCurrentR(double R) {
  const bool legendChanges = !currentR_;  // the "current R" legend entry appears
  currentR_ = R;
  chart_->setCurrentR(R);
  legendChanges ? invalidate() : update();
}
void CosinePlot::setTransition(const std::optional<TransitionResult>& t) { chart_->setTransition(t), invalidate(); }
void CosinePlot::setQuantity(CurveQuantity q) {
  if (q == chart_->quantity()) return;
  chart_->setQuantity(q);
  invalidate();
}

void CosinePlot::setFamily(const std::vector<NamedCurve>& curves) {
  chart_->setFamily(curves);
  invalidate();
}
void CosinePlot::setNetworkMarker(std::optional<double> R, std::optional<double> c, const QString& name) {
  chart_->setNetworkMarker(R, c, name.toStdString());
  invalidate();
}

void CosinePlot::setPinnedMarkers(const std::vector<std::pair<double, double>>& points) {
  chart_->setPinnedMarkers(points);
  invalidate();
}

void CosinePlot::setDarkTheme(bool dark) {
  dark_ = dark;
  p->view->GetRenderer()->SetBackground(dark ? 0.16 : 1.0, dark ? 0.17 : 1.0, dark ? 0.19 : 1.0);
  chart_->setDarkTheme(dark);
  invalidate();
}

void CosinePlot::renderRequested() { invalidate(); }

void CosinePlot::resizeGL(int w, int h) {
  VtkOpenGLWidget::resizeGL(w, h);
  cacheValid_ = false;
}

void CosinePlot::paintFrame() {
  const double dpr = devicePixelRatioF();
  const int w = static_cast<int>(width() * dpr + 0.5), h = static_cast<int>(height() * dpr + 0.5);
  if (!cacheValid_ || cache_.size() != QSize(w, h)) {
    renderVtk();  // the chart without the current-R line (drawn below)
    auto* f = context()->functions();
    f->glBindFramebuffer(GL_FRAMEBUFFER, defaultFramebufferObject());
    QImage img(w, h, QImage::Format_RGBX8888);  // the widget is opaque, whatever alpha VTK left
    f->glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, img.bits());
    cache_ = img.mirrored();
    cache_.setDevicePixelRatio(dpr);
    cacheValid_ = true;
    legend_ = chart_->legendBox(p->view->GetContext());
  }
  QPainter painter(this);
  painter.setCompositionMode(QPainter::CompositionMode_Source);
  painter.drawImage(QPointF(0, 0), cache_);
  painter.setCompositionMode(QPainter::CompositionMode_SourceOver);
  if (currentR_) {
    const auto area = chart_->plotArea();  // scene pixels, y up
    const double R = std::clamp(*currentR_, chart_->rMin(), chart_->rMax());
    const double x = chart_->pixelAtR(R) / dpr, top = (h - area[3]) / dpr, bottom = (h - area[1]) / dpr;
    const double ink = dark_ ? 0.92 : 0.1;
    painter.setPen(QPen(QColor::fromRgbF(ink, ink, ink), 1.5));
    // The legend stays on top, as when VTK draws the line: skip the part behind it.
    const double lx0 = legend_[0] / dpr, lx1 = legend_[2] / dpr, ltop = (h - legend_[3]) / dpr,
                 lbottom = (h - legend_[1]) / dpr;
    if (x >= lx0 - 1 && x <= lx1 + 1 && lbottom > ltop) {
      if (ltop > top) painter.drawLine(QPointF(x, top), QPointF(x, ltop));
      if (lbottom < bottom) painter.drawLine(QPointF(x, lbottom), QPointF(x, bottom));
    } else {
      painter.drawLine(QPointF(x, top), QPointF(x, bottom));
    }
  }
  painter.end();
  glStateTouched();
}

}  // namespace lpm::ui
