#pragma once
// A Qt 6 QOpenGLWidget that hosts a VTK render window. Debian's VTK Qt module is built on Qt 5
// and must not be linked, so this does what QVTKOpenGLNativeWidget does, in our own code:
// VTK renders into Qt's context and blits into the widget's framebuffer in paintGL(). Qt may
// destroy that context and make a new one (a dock floated out and back, a move to another
// screen): VTK's graphics resources are released before it goes and re-created in the new one,
// and the render size follows the device-pixel ratio.
#include <QOpenGLWidget>

#include <memory>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkObject;

namespace lpm::ui {

class VtkOpenGLWidget : public QOpenGLWidget {
  Q_OBJECT
public:
  explicit VtkOpenGLWidget(QWidget* parent = nullptr);
  ~VtkOpenGLWidget() override;

  vtkGenericOpenGLRenderWindow* renderWindow() const;
  vtkRenderWindowInteractor* interactor() const;

  /// Call before QApplication exists: OpenGL 3.2 core with a depth buffer, no multisampling.
  static void setDefaultSurfaceFormat();

  /// Renders now (if the widget is visible) and returns the frame as an image.
  QImage grabFrame();
  /// Milliseconds spent in VTK's Render() during the last paint.
  double lastRenderMs() const { return lastRenderMs_; }
  /// How many GL contexts this widget has rendered in (1 unless Qt replaced its context).
  int contextGeneration() const { return contextGeneration_; }

signals:
  void frameRendered();

protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;

  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void keyReleaseEvent(QKeyEvent* e) override;
  void enterEvent(QEnterEvent* e) override;
  void leaveEvent(QEvent* e) override;

  /// Called each time a GL context exists (again after a context change).
  virtual void onContextReady() {}
  /// Draws one frame into the widget's framebuffer (default: VTK renders). paintGL() times it
  /// and emits frameRendered().
  virtual void paintFrame();
  /// VTK's Render(); after other GL code (QPainter) has run in this context, VTK's record of
  /// the GL state is refreshed first.
  void renderVtk();
  /// Mark that code other than VTK changed GL state in this context.
  void glStateTouched() { glStateTouched_ = true; }
  /// VTK asked for a render (interaction, hover tooltips). Default: update().
  virtual void renderRequested();

private:
  struct Private;
  std::unique_ptr<Private> d;
  double lastRenderMs_ = 0;
  bool glStateTouched_ = false;
  int contextGeneration_ = 0;
  double renderedRatio_ = 0;
  void forwardMouse(QMouseEvent* e, unsigned long vtkEvent);
  /// Qt is about to destroy the context: VTK lets go of everything it made in it.
  void releaseContext();
  /// The render window's size in device pixels, from the widget's size and ratio.
  void syncSize();
  void setModifiers(Qt::KeyboardModifiers m);
};

}  // namespace lpm::ui
