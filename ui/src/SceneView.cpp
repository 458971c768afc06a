#include "lpm/ui/SceneView.h"

#include <cmath>

#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>

#include "lpm/render/SceneContent.h"

namespace lpm::ui {

SceneView::SceneView(QWidget* parent) : VtkOpenGLWidget(parent), content_(new render::SceneContent) {
  content_->addTo(renderWindow());
}

SceneView::~SceneView() { delete content_; }

vtkRenderer* SceneView::renderer() const { return content_->renderer(); }
vtkCamera* SceneView::camera() const { return content_->renderer()->GetActiveCamera(); }
int SceneView::arrowCount() const { return content_->arrowCount(); }
const Eigen::MatrixX3d& SceneView::drawnClassifiers() const { return content_->classifiers(); }

void SceneView::setConfiguration(const Eigen::MatrixX3d& W, const Eigen::MatrixX3d& H, const std::vector<bool>& minority) {
  content_->setConfiguration(W, H, minority);
  if (!cameraPlaced_) {
    content_->resetCamera();
    cameraPlaced_ = true;
  }
  requestRender();
}

void SceneView::resizeGL(int w, int h) {
  VtkOpenGLWidget::resizeGL(w, h);
  // VTK draws text in device pixels: on a HiDPI screen (QT_SCALE_FACTOR=2) it must be as large.
  if (std::abs(devicePixelRatioF() * textScale_ - fontScale_) > 1e-6) {
    fontScale_ = devicePixelRatioF() * textScale_;
    content_->setFontScale(fontScale_);
  }
  content_->setViewSize(int(w * devicePixelRatioF() + 0.5), int(h * devicePixelRatioF() + 0.5));
}

void SceneView::setTextScale(double s) {
  textScale_ = s;
  fontScale_ = devicePixelRatioF() * textScale_;
  content_->setFontScale(fontScale_);
  requestRender();
}

void SceneView::setShowMeans(bool on) { content_->setShowMeans(on), requestRender(); }
void SceneView::setUnitArrows(bool on) { content_->setUnitArrows(on), requestRender(); }
void SceneView::setShowLabels(bool on) { content_->setShowLabels(on), requestRender(); }
void SceneView::setShowUnitSphere(bool on) { content_->setShowUnitSphere(on), requestRender(); }
void SceneView::setShowAxes(bool on) { content_->setShowAxes(on), requestRender(); }
void SceneView::setReference(const Eigen::MatrixX3d& etf) { content_->setReference(etf), requestRender(); }
void SceneView::setDarkBackground(bool dark) { content_->setDarkBackground(dark), requestRender(); }
void SceneView::setNote(const QString& text) { content_->setNote(text.toStdString()), requestRender(); }
void SceneView::resetCamera() { content_->resetCamera(), requestRender(); }
void SceneView::standardView(int which) { content_->standardView(which), requestRender(); }

}  // namespace lpm::ui
