#include "lpm/ui/VtkOpenGLWidget.h"

#include <cstring>

#include <QElapsedTimer>
#include <QEvent>
#include <QExposeEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QtGui/qopenglcontext_platform.h>
#include <QPainter>
#include <QPixmap>
#include <QSurfaceFormat>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QWindow>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRendererCollection.h>
#include <vtkUnsignedCharArray.h>

namespace lpm::ui {

const void* currentGlxContext();  // GlxCurrent.cpp (Xlib's macros stay out of VTK's headers)

// The native surface: draws when exposed and on update requests; input passes through it.
class VtkOpenGLWidget::Surface : public QWindow {
public:
  explicit Surface(VtkOpenGLWidget* host) : host_(host) {
    setSurfaceType(QSurface::OpenGLSurface);
    setFormat(QSurfaceFormat::defaultFormat());
    setFlag(Qt::WindowTransparentForInput);
  }

protected:
  void exposeEvent(QExposeEvent*) override {
    if (isExposed()) host_->renderNow();
  }
  bool event(QEvent* e) override {
    if (e->type() == QEvent::UpdateRequest) {
      host_->renderNow();
      return true;
    }
    return QWindow::event(e);
  }

private:
  VtkOpenGLWidget* host_;
};

struct VtkOpenGLWidget::Private {
  vtkNew<vtkGenericOpenGLRenderWindow> window;
  vtkNew<vtkGenericRenderWindowInteractor> interactor;
  vtkNew<vtkCallbackCommand> makeCurrent, isCurrent, renderRequest;
  Surface* surface = nullptr;        // owned by the container
  QWidget* container = nullptr;      // a child of the widget, filling it
  std::unique_ptr<QOpenGLContext> context;
  bool renderPending = false;
};

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>()) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setMinimumSize(120, 120);
  d->surface = new Surface(this);
  d->container = QWidget::createWindowContainer(d->surface, this);
  d->container->setMouseTracking(true);
  d->container->installEventFilter(this);  // enter and leave, which do not reach the parent
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(d->container);

  d->window->SetOwnContext(false);  // the context is ours (Private::context)
  d->window->SetReadyForRendering(false);
  d->window->SetMultiSamples(0);  // multisampling is the main frame cost in software GL
  d->window->SetFrameBlitModeToBlitToCurrent();
  d->window->SetInteractor(d->interactor);
  d->interactor->SetRenderWindow(d->window);
  vtkNew<vtkInteractorStyleTrackballCamera> style;
  d->interactor->SetInteractorStyle(style);
  d->interactor->EnableRenderOff();  // interaction asks for a frame instead of rendering itself

  d->makeCurrent->SetClientData(this);
  d->makeCurrent->SetCallback([](vtkObject*, unsigned long, void* client, void*) {
    auto* self = static_cast<VtkOpenGLWidget*>(client);
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

VtkOpenGLWidget::~VtkOpenGLWidget() { releaseContext(); }

QOpenGLContext* VtkOpenGLWidget::context() const { return d->context.get(); }

bool VtkOpenGLWidget::makeCurrent() {
  if (!d->surface->handle()) d->surface->create();  // a view not shown yet can still draw (grabFrame)
  if (!d->surface->handle()) return false;
  if (!d->context) {
    auto context = std::make_unique<QOpenGLContext>();
    context->setFormat(QSurfaceFormat::defaultFormat());
    if (!context->create() || !context->makeCurrent(d->surface)) return false;
    d->context = std::move(context);
    // A new context: VTK starts in it, and nothing it remembers of GL state holds.
    d->window->SetReadyForRendering(true);
    d->window->InitializeFromCurrentContext();
    if (!d->interactor->GetInitialized()) d->interactor->Initialize();
    glStateTouched_ = true;
    ++contextGeneration_;
    syncSize();
    onContextReady();
    return true;
  }
  // Qt's record of the current context is not enough: an export renders in VTK's own offscreen
  // window on this thread, which binds its GLX context behind Qt's back. GLX itself is asked.
  if (QOpenGLContext::currentContext() == d->context.get()) {
#if QT_CONFIG(xcb_glx_plugin)
    if (auto* glx = d->context->nativeInterface<QNativeInterface::QGLXContext>())
      if (currentGlxContext() == static_cast<const void*>(glx->nativeContext())) return true;
#endif
  }
  return d->context->makeCurrent(d->surface);
}

void VtkOpenGLWidget::releaseContext() {
  if (!d->context) return;
  if (d->context->makeCurrent(d->surface)) {
    d->window->ReleaseGraphicsResources(d->window);
    d->window->Finalize();
    d->context->doneCurrent();
  }
  d->window->SetReadyForRendering(false);
  d->context.reset();
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

void VtkOpenGLWidget::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  resizeGL(width(), height());
  requestRender();
}

bool VtkOpenGLWidget::eventFilter(QObject* watched, QEvent* e) {
  if (watched == d->container) {
    if (e->type() == QEvent::Enter) d->interactor->InvokeEvent(vtkCommand::EnterEvent, e);
    if (e->type() == QEvent::Leave) d->interactor->InvokeEvent(vtkCommand::LeaveEvent, e);
  }
  return QWidget::eventFilter(watched, e);
}

void VtkOpenGLWidget::requestRender() {
  // At the next turn of the event loop, once however many requests came before it (the
  // platform's update request waits for a timer of its own: latency the slider would feel).
  if (d->renderPending) return;
  d->renderPending = true;
  QMetaObject::invokeMethod(
      this,
      [this] {
        d->renderPending = false;
        renderNow();
      },
      Qt::QueuedConnection);
}

void VtkOpenGLWidget::renderNow() {
  if (!d->surface->isExposed() || !makeCurrent()) return;
  // A move to a screen of another device-pixel ratio changes no widget size: catch it here.
  if (devicePixelRatioF() != renderedRatio_) resizeGL(width(), height());
  QElapsedTimer t;
  t.start();
  paintFrame();
  lastRenderMs_ = t.nsecsElapsed() / 1e6;
  d->context->swapBuffers(d->surface);
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

void VtkOpenGLWidget::renderRequested() { requestRender(); }

QImage VtkOpenGLWidget::grabFrame() {
  if (!makeCurrent()) return {};
  resizeGL(width(), height());  // a view never shown has had no resize yet
  paintFrame();
  // VTK's own framebuffer holds the frame whether or not the surface is on screen.
  const int* size = d->window->GetSize();
  const int w = size[0], h = size[1];
  if (w <= 0 || h <= 0) return {};
  vtkNew<vtkUnsignedCharArray> pixels;
  d->window->GetRGBACharPixelData(0, 0, w - 1, h - 1, 1, pixels);
  QImage image(w, h, QImage::Format_RGBA8888);
  const unsigned char* data = pixels->GetPointer(0);
  for (int y = 0; y < h; ++y) std::memcpy(image.scanLine(h - 1 - y), data + size_t(y) * w * 4, size_t(w) * 4);
  image = image.convertToFormat(QImage::Format_RGB32);
  image.setDevicePixelRatio(devicePixelRatioF());
  return image;
}

QPixmap VtkOpenGLWidget::grabWithViews(QWidget* w) {
  QPixmap shot = w->grab();
  QPainter painter(&shot);
  QList<VtkOpenGLWidget*> views = w->findChildren<VtkOpenGLWidget*>();
  if (auto* self = qobject_cast<VtkOpenGLWidget*>(w)) views.prepend(self);
  for (VtkOpenGLWidget* v : views) {
    if (v != w && !v->isVisibleTo(w)) continue;  // e.g. on a tab not shown
    if (v->window() != w->window()) continue;    // in a floating dock: not in this grab
    const QImage frame = v->grabFrame();
    if (!frame.isNull()) painter.drawImage(QRect(v->mapTo(w, QPoint(0, 0)), v->size()), frame);
  }
  return shot;
}

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
  QWidget::keyPressEvent(e);
}

void VtkOpenGLWidget::keyReleaseEvent(QKeyEvent* e) {
  setModifiers(e->modifiers());
  QWidget::keyReleaseEvent(e);
}

void VtkOpenGLWidget::enterEvent(QEnterEvent* e) {
  d->interactor->InvokeEvent(vtkCommand::EnterEvent, e);
  QWidget::enterEvent(e);
}

void VtkOpenGLWidget::leaveEvent(QEvent* e) {
  d->interactor->InvokeEvent(vtkCommand::LeaveEvent, e);
  QWidget::leaveEvent(e);
}

}  // namespace lpm::ui
