#pragma once
// A Qt 6 QOpenGLWidget that hosts a VTK render window. Debian's VTK Qt module is built on Qt 5
// and must not be linked, so this does what QVTKOpenGLNativeWidget does, in our own code:
// VTK renders into Qt's context and blits into the widget's framebuffer in paintGL().
#include <QOpenGLWidget>

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

  /// Subclasses set up their renderers here; called once the GL context exists.
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
  Private* d;
  double lastRenderMs_ = 0;
  bool glStateTouched_ = false;
  void forwardMouse(QMouseEvent* e, unsigned long vtkEvent);
  void setModifiers(Qt::KeyboardModifiers m);
};

}  // namespace lpm::ui
