#include "lpm/ui/VtkOpenGLWidget.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QSurfaceFormat>
#include <QWheelEvent>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRendererCollection.h>

namespace lpm::ui {

struct VtkOpenGLWidget::Private {
  vtkNew<vtkGenericOpenGLRenderWindow> window;
  vtkNew<vtkGenericRenderWindowInteractor> interactor;
  vtkNew<vtkCallbackCommand> makeCurrent, isCurrent, renderRequest;
};

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent) : QOpenGLWidget(parent), d(std::make_unique<Private>()) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setMinimumSize(120, 120);

  d->window->SetOwnContext(false);  // Qt owns the context
  d->window->SetReadyForRendering(false);
  d->window->SetMultiSamples(0);  // multisampling is the main frame cost in software GL
  d->window->SetFrameBlitModeToBlitToCurrent();
  d->window->SetInteractor(d->interactor);
  d->interactor->SetRenderWindow(d->window);
  vtkNew<vtkInteractorStyleTrackballCamera> style;
  d->interactor->SetInteractorStyle(style);
  d->interactor->EnableRenderOff();  // interaction asks Qt for a paint instead of rendering itself

  d->makeCurrent->SetClientData(this);
  d->makeCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void*) {
    auto* self = static_cast<VtkOpenGLWidget*>(client);
    // Making current unconditionally rebinds Qt's FBO behind VTK's state cache: black frames.
    if (self->context() && QOpenGLContext::currentContext() != self->context()) self->makeCurrent();
  });
  d->window->AddObserver(vtkCommand::WindowMakeCurrentEvent, d->makeCurrent);

  d->isCurrent->SetClientData(this);
  d->isCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void* call) {
    auto* self = static_cast<VtkOpenGLWidget*>(client);
    *static_cast<bool*>(call) = self->context() && QOpenGLContext::currentContext() == self->context();
  });
  d->window->AddObserver(vtkCommand::WindowIsCurrentEvent, d->isCurrent);

  d->renderRequest->SetClientData(this);
  d->renderRequest->SetCallback([](vtkObject*, unsigned long, void* client, void*) {
    static_cast<VtkOpenGLWidget*>(client)->renderRequested();
  });
  d->interactor->AddObserver(vtkCommand::RenderEvent, d->renderRequest);
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
  releaseContext();
  // QOpenGLWidget's destructor destroys the context after this one has run: no call back here.
  if (context()) disconnect(context(), nullptr, this, nullptr);
}

void VtkOpenGLWidget::releaseContext() {
  if (!context() || !d->window->GetReadyForRendering()) return;
  makeCurrent();
  d->window->ReleaseGraphicsResources(d->window);
  d->window->Finalize();
  d->window->SetReadyForRendering(false);
  doneCurrent();
}

vtkGenericOpenGLRenderWindow* VtkOpenGLWidget::renderWindow() const { return d->window; }
vtkRenderWindowInteractor* VtkOpenGLWidget::interactor() const { return d->interactor; }

void VtkOpenGLWidget::setDefaultSurfaceFormat() {
  QSurfaceFormat f;
  f.setRenderableType(QSurfaceFormat::OpenGL);
  f.setVersion(3, 2);
  f.setProfile(QSurfaceFormat::CoreProfile);
  f.setDepthBufferSize(24);
  f.setStencilBufferSize(8);
  f.setAlphaBufferSize(8);
  f.setSamples(0);
  f.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
  QSurfaceFormat::setDefaultFormat(f);
}

void VtkOpenGLWidget::initializeGL() {
  // Runs for every new context: the first, and each one Qt makes after destroying the last.
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &VtkOpenGLWidget::releaseContext, Qt::UniqueConnection);
  d->window->SetReadyForRendering(true);
  d->window->InitializeFromCurrentContext();
  if (!d->interactor->GetInitialized()) d->interactor->Initialize();
  glStateTouched_ = true;  // a new context: nothing VTK remembers of GL state holds
  ++contextGeneration_;
  syncSize();
  onContextReady();
}

void VtkOpenGLWidget::syncSize() {
  const double dpr = devicePixelRatioF();
  const int pw = static_cast<int>(width() * dpr + 0.5), ph = static_cast<int>(height() * dpr + 0.5);
  renderedRatio_ = dpr;
  const int* now = d->window->GetSize();
  if (now[0] == pw && now[1] == ph) return;
  d->window->SetSize(pw, ph);
  d->interactor->SetSize(pw, ph);
  d->interactor->InvokeEvent(vtkCommand::ConfigureEvent, nullptr);
}

void VtkOpenGLWidget::resizeGL(int, int) { syncSize(); }

void VtkOpenGLWidget::paintGL() {
  // A move to a screen of another device-pixel ratio changes no widget size: catch it here.
  if (devicePixelRatioF() != renderedRatio_) syncSize();
  QElapsedTimer t;
  t.start();
  paintFrame();
  lastRenderMs_ = t.nsecsElapsed() / 1e6;
  emit frameRendered();
}

void VtkOpenGLWidget::paintFrame() { renderVtk(); }

void VtkOpenGLWidget::renderVtk() {
  if (glStateTouched_) {
    d->window->GetState()->Reset();
    glStateTouched_ = false;
  }
  d->window->SetReadyForRendering(true);
  d->window->Render();
}

void VtkOpenGLWidget::renderRequested() { update(); }

QImage VtkOpenGLWidget::grabFrame() { return grabFramebuffer(); }

void VtkOpenGLWidget::setModifiers(Qt::KeyboardModifiers m) {
  d->interactor->SetControlKey(m.testFlag(Qt::ControlModifier));
  d->interactor->SetShiftKey(m.testFlag(Qt::ShiftModifier));
  d->interactor->SetAltKey(m.testFlag(Qt::AltModifier));
}

void VtkOpenGLWidget::forwardMouse(QMouseEvent* e, unsigned long vtkEvent) {
  const double dpr = devicePixelRatioF();
  setModifiers(e->modifiers());
  d->interactor->SetEventInformationFlipY(static_cast<int>(e->position().x() * dpr + 0.5),
                                          static_cast<int>(e->position().y() * dpr + 0.5),
                                          d->interactor->GetControlKey(), d->interactor->GetShiftKey());
  d->interactor->InvokeEvent(vtkEvent, e);
}

void VtkOpenGLWidget::mousePressEvent(QMouseEvent* e) {
  switch (e->button()) {
    case Qt::LeftButton: forwardMouse(e, vtkCommand::LeftButtonPressEvent); break;
    case Qt::MiddleButton: forwardMouse(e, vtkCommand::MiddleButtonPressEvent); break;
    case Qt::RightButton: forwardMouse(e, vtkCommand::RightButtonPressEvent); break;
    default: break;
  }
}

void VtkOpenGLWidget::mouseReleaseEvent(QMouseEvent* e) {
  switch (e->button()) {
    case Qt::LeftButton: forwardMouse(e, vtkCommand::LeftButtonReleaseEvent); break;
    case Qt::MiddleButton: forwardMouse(e, vtkCommand::MiddleButtonReleaseEvent); break;
    case Qt::RightButton: forwardMouse(e, vtkCommand::RightButtonReleaseEvent); break;
    default: break;
  }
}

void VtkOpenGLWidget::mouseMoveEvent(QMouseEvent* e) { forwardMouse(e, vtkCommand::MouseMoveEvent); }

void VtkOpenGLWidget::mouseDoubleClickEvent(QMouseEvent* e) {
  const double dpr = devicePixelRatioF();
  d->interactor->SetEventInformationFlipY(static_cast<int>(e->position().x() * dpr + 0.5),
                                          static_cast<int>(e->position().y() * dpr + 0.5), 0, 0, 0, 1);
  if (e->button() == Qt::LeftButton) d->interactor->InvokeEvent(vtkCommand::LeftButtonPressEvent, e);
}

void VtkOpenGLWidget::wheelEvent(QWheelEvent* e) {
  const double dpr = devicePixelRatioF();
  setModifiers(e->modifiers());
  d->interactor->SetEventInformationFlipY(static_cast<int>(e->position().x() * dpr + 0.5),
                                          static_cast<int>(e->position().y() * dpr + 0.5),
                                          d->interactor->GetControlKey(), d->interactor->GetShiftKey());
  const int delta = e->angleDelta().y();
  if (delta > 0) d->interactor->InvokeEvent(vtkCommand::MouseWheelForwardEvent, e);
  if (delta < 0) d->interactor->InvokeEvent(vtkCommand::MouseWheelBackwardEvent, e);
  e->accept();
}

// Keys are not given to VTK: its interactor style's letters ('s' surfaces, 'w' wireframes, 'e'
// and 'q' quit, 'p' pick, '3' stereo, ...) changed the picture for good on a stray key press, and
// the window has its own view actions (Reset View, the standard views). Modifiers still count for
// the mouse.
void VtkOpenGLWidget::keyPressEvent(QKeyEvent* e) {
  setModifiers(e->modifiers());
  QOpenGLWidget::keyPressEvent(e);
}

void VtkOpenGLWidget::keyReleaseEvent(QKeyEvent* e) {
  setModifiers(e->modifiers());
  QOpenGLWidget::keyReleaseEvent(e);
}

void VtkOpenGLWidget::enterEvent(QEnterEvent* e) {
  d->interactor->InvokeEvent(vtkCommand::EnterEvent, e);
  QOpenGLWidget::enterEvent(e);
}

void VtkOpenGLWidget::leaveEvent(QEvent* e) {
  d->interactor->InvokeEvent(vtkCommand::LeaveEvent, e);
  QOpenGLWidget::leaveEvent(e);
}

}  // namespace lpm::ui
