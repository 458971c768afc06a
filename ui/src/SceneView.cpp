#include "lpm/ui/SceneView.h"

#include <QString>

#include <vtkActor.h>
#include <vtkArrowSource.h>
#include <vtkAxesActor.h>
#include <vtkCoordinate.h>
#include <vtkCornerAnnotation.h>
#include <vtkTextActor.h>
#include <vtkCamera.h>
#include <vtkDoubleArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGlyph3DMapper.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkSphereSource.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

namespace lpm::ui {
namespace {

// One glyph mapper draws every arrow (or sphere): far cheaper than an actor each.
struct GlyphLayer {
  vtkNew<vtkPolyData> data;
  vtkNew<vtkPoints> points;
  vtkNew<vtkDoubleArray> vectors;
  vtkNew<vtkUnsignedCharArray> colors;
  vtkNew<vtkGlyph3DMapper> mapper;
  vtkNew<vtkActor> actor;

  GlyphLayer() {
    vectors->SetNumberOfComponents(3);
    vectors->SetName("dir");
    colors->SetNumberOfComponents(3);
    colors->SetName("rgb");
    data->SetPoints(points);
    data->GetPointData()->AddArray(vectors);
    data->GetPointData()->SetScalars(colors);
    mapper->SetInputData(data);
    mapper->SetScalarModeToUsePointData();
    mapper->SetColorModeToDirectScalars();
    actor->SetMapper(mapper);
  }
  void clear() {
    points->Reset();
    vectors->Reset();
    colors->Reset();
  }
  void add(const Eigen::Vector3d& at, const Eigen::Vector3d& dir, const double rgb[3]) {
    points->InsertNextPoint(at.data());
    vectors->InsertNextTuple(dir.data());
    const unsigned char c[3] = {static_cast<unsigned char>(rgb[0] * 255), static_cast<unsigned char>(rgb[1] * 255),
                                static_cast<unsigned char>(rgb[2] * 255)};
    colors->InsertNextTypedTuple(c);
  }
  void commit() {
    points->Modified();
    vectors->Modified();
    colors->Modified();
    data->Modified();
  }
};

}  // namespace

struct SceneView::Private {
  vtkNew<vtkRenderer> renderer;
  GlyphLayer arrows, spheres, reference;
  vtkNew<vtkArrowSource> arrowSource;
  vtkNew<vtkSphereSource> sphereSource, unitSphere;
  vtkNew<vtkPolyDataMapper> unitSphereMapper;
  vtkNew<vtkActor> unitSphereActor;
  vtkNew<vtkAxesActor> axes;
  std::vector<vtkSmartPointer<vtkTextActor>> labels;
  vtkNew<vtkCornerAnnotation> caption;
  bool showLabels = true;
  int count = 0;
};

SceneView::SceneView(QWidget* parent) : VtkOpenGLWidget(parent), p(new Private) {
  auto* r = p->renderer.Get();
  renderWindow()->AddRenderer(r);
  r->SetBackground(0.97, 0.97, 0.98);
  r->SetBackground2(0.86, 0.88, 0.92);
  r->GradientBackgroundOn();

  p->arrowSource->SetTipResolution(12);
  p->arrowSource->SetShaftResolution(8);
  p->arrowSource->SetTipLength(0.18);
  p->arrowSource->SetTipRadius(0.05);
  p->arrowSource->SetShaftRadius(0.015);
  for (GlyphLayer* layer : {&p->arrows, &p->reference}) {
    layer->mapper->SetSourceConnection(p->arrowSource->GetOutputPort());
    layer->mapper->SetOrientationArray("dir");
    layer->mapper->SetScaleArray("dir");
    layer->mapper->SetScaleModeToScaleByMagnitude();
    layer->mapper->OrientOn();
  }
  p->reference.actor->GetProperty()->SetOpacity(0.35);
  p->reference.actor->VisibilityOff();
  p->sphereSource->SetThetaResolution(12);
  p->sphereSource->SetPhiResolution(12);
  p->sphereSource->SetRadius(0.045);
  p->spheres.mapper->SetSourceConnection(p->sphereSource->GetOutputPort());
  p->spheres.mapper->ScalingOff();
  p->spheres.mapper->OrientOff();

  p->unitSphere->SetRadius(1.0);
  p->unitSphere->SetThetaResolution(24);
  p->unitSphere->SetPhiResolution(12);
  p->unitSphereMapper->SetInputConnection(p->unitSphere->GetOutputPort());
  p->unitSphereActor->SetMapper(p->unitSphereMapper);
  p->unitSphereActor->GetProperty()->SetRepresentationToWireframe();
  // Opaque, light lines: a translucent sphere costs a translucent pass (~20 ms per frame in software GL).
  p->unitSphereActor->GetProperty()->SetColor(0.78, 0.78, 0.82);
  p->unitSphereActor->GetProperty()->LightingOff();
  p->unitSphereActor->VisibilityOff();

  p->axes->SetTotalLength(1.2, 1.2, 1.2);
  p->axes->SetShaftTypeToLine();
  p->axes->SetNormalizedTipLength(0.05, 0.05, 0.05);
  p->axes->AxisLabelsOff();
  p->axes->VisibilityOff();

  r->AddActor(p->arrows.actor);
  r->AddActor(p->spheres.actor);
  r->AddActor(p->reference.actor);
  r->AddActor(p->unitSphereActor);
  r->AddActor(p->axes);
  p->caption->SetText(vtkCornerAnnotation::UpperLeft, "classifiers w_k / sqrt(EW): arrows\nclass means h_k / sqrt(EH): spheres");
  p->caption->GetTextProperty()->SetFontSize(13);
  p->caption->GetTextProperty()->SetColor(0.25, 0.25, 0.3);
  p->caption->SetMaximumFontSize(14);
  r->AddViewProp(p->caption);
  // A first picture before any solution arrives: the unit sphere and axes.
  resetCamera();
}

SceneView::~SceneView() { delete p; }

vtkRenderer* SceneView::renderer() const { return p->renderer; }
vtkCamera* SceneView::camera() const { return p->renderer->GetActiveCamera(); }
int SceneView::arrowCount() const { return p->count; }

void SceneView::setUnitArrows(bool on) {
  unitArrows_ = on;
  if (lastW_.rows()) setConfiguration(Eigen::MatrixX3d(lastW_), Eigen::MatrixX3d(lastH_), std::vector<bool>(lastMinority_));
}

void SceneView::setConfiguration(const Eigen::MatrixX3d& Win, const Eigen::MatrixX3d& H, const std::vector<bool>& minority) {
  lastW_ = Win;
  lastH_ = H;
  lastMinority_ = minority;
  Eigen::MatrixX3d W = Win;
  if (unitArrows_)
    for (int k = 0; k < W.rows(); ++k)
      if (W.row(k).norm() > 1e-12) W.row(k).normalize();
  p->arrows.clear();
  p->spheres.clear();
  const int K = static_cast<int>(W.rows());
  for (int k = 0; k < K; ++k) {
    const bool minor = k < static_cast<int>(minority.size()) && minority[k];
    p->arrows.add(Eigen::Vector3d::Zero(), W.row(k).transpose(), minor ? Palette::minorityW : Palette::majorityW);
    p->spheres.add(H.row(k).transpose(), Eigen::Vector3d::UnitX(), minor ? Palette::minorityH : Palette::majorityH);
  }
  p->arrows.commit();
  p->spheres.commit();
  p->count = K;

  while (static_cast<int>(p->labels.size()) < K) {
    // 2D text anchored at a world position: billboard text swaps colour channels on some GL stacks.
    auto label = vtkSmartPointer<vtkTextActor>::New();
    label->GetPositionCoordinate()->SetCoordinateSystemToWorld();
    label->GetTextProperty()->SetFontSize(15);
    label->GetTextProperty()->SetVerticalJustificationToCentered();
    label->GetTextProperty()->BoldOn();
    label->GetTextProperty()->SetJustificationToCentered();
    p->renderer->AddActor(label);
    p->labels.push_back(label);
  }
  for (size_t k = 0; k < p->labels.size(); ++k) {
    auto& label = p->labels[k];
    const bool live = static_cast<int>(k) < K;
    label->SetVisibility(live && p->showLabels && K <= 30);
    if (!live) continue;
    const bool minor = k < minority.size() && minority[k];
    Eigen::Vector3d tip = W.row(k).transpose() * 1.12;
    label->GetPositionCoordinate()->SetValue(tip.data());
    label->SetInput(QString("%1").arg(k + 1).toUtf8().constData());
    const double* c = minor ? Palette::minorityW : Palette::majorityW;
    label->GetTextProperty()->SetColor(c[0] * 0.8, c[1] * 0.8, c[2] * 0.8);
  }
  if (!cameraPlaced_) {
    resetCamera();
    cameraPlaced_ = true;
  }
  update();
}

void SceneView::setReference(const Eigen::MatrixX3d& etf) {
  p->reference.clear();
  const double grey[3] = {0.35, 0.35, 0.38};
  for (int k = 0; k < etf.rows(); ++k) p->reference.add(Eigen::Vector3d::Zero(), etf.row(k).transpose(), grey);
  p->reference.commit();
  p->reference.actor->SetVisibility(etf.rows() > 0);
  update();
}

void SceneView::setNote(const QString& text) {
  p->caption->SetText(vtkCornerAnnotation::LowerLeft, text.toUtf8().constData());
  update();
}

void SceneView::setShowMeans(bool on) {
  p->spheres.actor->SetVisibility(on);
  update();
}

void SceneView::setShowLabels(bool on) {
  p->showLabels = on;
  for (int k = 0; k < static_cast<int>(p->labels.size()); ++k) p->labels[k]->SetVisibility(on && k < p->count && p->count <= 30);
  update();
}

void SceneView::setShowUnitSphere(bool on) {
  p->unitSphereActor->SetVisibility(on);
  update();
}

void SceneView::setShowAxes(bool on) {
  p->axes->SetVisibility(on);
  update();
}

void SceneView::setDarkBackground(bool dark) {
  const double fg = dark ? 0.85 : 0.25;
  p->caption->GetTextProperty()->SetColor(fg, fg, fg + 0.05);
  if (dark) {
    p->renderer->SetBackground(0.13, 0.14, 0.16);
    p->renderer->SetBackground2(0.22, 0.24, 0.28);
  } else {
    p->renderer->SetBackground(0.97, 0.97, 0.98);
    p->renderer->SetBackground2(0.86, 0.88, 0.92);
  }
  update();
}

void SceneView::resetCamera() {
  auto* cam = p->renderer->GetActiveCamera();
  cam->SetFocalPoint(0, 0, 0);
  cam->SetPosition(2.6, -3.4, 2.2);
  cam->SetViewUp(0, 0, 1);
  p->renderer->ResetCamera(-1.15, 1.15, -1.15, 1.15, -1.15, 1.15);
  update();
}

void SceneView::standardView(int which) {
  auto* cam = p->renderer->GetActiveCamera();
  cam->SetFocalPoint(0, 0, 0);
  switch (which) {
    case 0: cam->SetPosition(5, 0, 0), cam->SetViewUp(0, 0, 1); break;
    case 1: cam->SetPosition(0, 5, 0), cam->SetViewUp(0, 0, 1); break;
    case 2: cam->SetPosition(0, 0, 5), cam->SetViewUp(0, 1, 0); break;
    default: cam->SetPosition(2.6, -3.4, 2.2), cam->SetViewUp(0, 0, 1); break;
  }
  p->renderer->ResetCamera(-1.15, 1.15, -1.15, 1.15, -1.15, 1.15);
  update();
}

}  // namespace lpm::ui
