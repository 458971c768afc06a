#include "lpm/ui/CosinePlot.h"

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
  delete p;
  delete chart_;
}

double CosinePlot::rMin() const { return chart_->rMin(); }
double CosinePlot::rMax() const { return chart_->rMax(); }
int CosinePlot::curvePoints() const { return chart_->curvePoints(); }
std::optional<double> CosinePlot::rAtPixel(double x) const { return chart_->rAtPixel(x); }
double CosinePlot::pixelAtR(double R) const { return chart_->pixelAtR(R); }

void CosinePlot::setCurve(const std::vector<SweepPoint>& points, int K) { chart_->setCurve(points, K), update(); }
void CosinePlot::setCurrentR(double R) { chart_->setCurrentR(R), update(); }
void CosinePlot::setTransition(std::optional<double> R0) { chart_->setTransition(R0), update(); }
void CosinePlot::setNetworkMarker(std::optional<double> R, std::optional<double> c) {
  chart_->setNetworkMarker(R, c);
  update();
}

void CosinePlot::setDarkTheme(bool dark) {
  p->view->GetRenderer()->SetBackground(dark ? 0.16 : 1.0, dark ? 0.17 : 1.0, dark ? 0.19 : 1.0);
  chart_->setDarkTheme(dark);
  update();
}

}  // namespace lpm::ui
