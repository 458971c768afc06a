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

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent) : QOpenGLWidget(parent), d(new Private) {
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
  makeCurrent();
  d->window->Finalize();
  doneCurrent();
  delete d;
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
  d->window->SetReadyForRendering(true);
  d->window->InitializeFromCurrentContext();
  d->interactor->Initialize();
  onContextReady();
}

void VtkOpenGLWidget::resizeGL(int w, int h) {
  const double dpr = devicePixelRatioF();
  const int pw = static_cast<int>(w * dpr + 0.5), ph = static_cast<int>(h * dpr + 0.5);
  d->window->SetSize(pw, ph);
  d->interactor->SetSize(pw, ph);
  d->interactor->InvokeEvent(vtkCommand::ConfigureEvent, nullptr);
}

void VtkOpenGLWidget::paintGL() {
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

void VtkOpenGLWidget::keyPressEvent(QKeyEvent* e) {
  setModifiers(e->modifiers());
  const QByteArray text = e->text().toLatin1();
  d->interactor->SetKeyCode(text.isEmpty() ? 0 : text[0]);
  d->interactor->SetKeySym(text.isEmpty() ? "" : text.constData());
  d->interactor->InvokeEvent(vtkCommand::KeyPressEvent, e);
  d->interactor->InvokeEvent(vtkCommand::CharEvent, e);
  QOpenGLWidget::keyPressEvent(e);
}

void VtkOpenGLWidget::keyReleaseEvent(QKeyEvent* e) {
  setModifiers(e->modifiers());
  d->interactor->InvokeEvent(vtkCommand::KeyReleaseEvent, e);
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
