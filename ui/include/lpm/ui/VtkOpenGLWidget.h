#pragma once
// A Qt 6 widget that hosts a VTK render window. Debian's VTK Qt module is built on Qt 5 and must
// not be linked, so this does what QVTKOpenGLNativeWidget does, in our own code, on a native child
// surface: a QWindow of its own (QWidget::createWindowContainer) with its own OpenGL context, which
// VTK renders into and which is swapped on its own. The rest of the window stays raster and is
// never composed with GL, which in software GL cost more than the scene (doc/dev/06-FIGURES.md).
// The surface is transparent for input: mouse and wheel events reach this widget through the
// window, as any widget's do. A native surface is not in QWidget::grab(): grabWithViews() paints
// each view's frame into a grab.
#include <QWidget>

#include <memory>

class QOpenGLContext;
class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkObject;

namespace lpm::ui {

class VtkOpenGLWidget : public QWidget {
  Q_OBJECT
public:
  explicit VtkOpenGLWidget(QWidget* parent = nullptr);
  ~VtkOpenGLWidget() override;

  vtkGenericOpenGLRenderWindow* renderWindow() const;
  vtkRenderWindowInteractor* interactor() const;

  /// Call before QApplication exists: OpenGL 3.2 core with a depth buffer, no multisampling.
  static void setDefaultSurfaceFormat();

  /// Renders now and returns the frame as an image (of the widget's size in device pixels).
  QImage grabFrame();
  /// `w` as QWidget::grab() draws it, with the frame of every visible view inside it painted in.
  static QPixmap grabWithViews(QWidget* w);
  /// Asks for a frame (drawn at the next update of the surface; several requests make one).
  void requestRender();
  /// Milliseconds spent in VTK's Render() during the last paint.
  double lastRenderMs() const { return lastRenderMs_; }
  /// How many GL contexts this widget has rendered in (1: the surface keeps its context when
  /// its dock floats out and back).
  int contextGeneration() const { return contextGeneration_; }

signals:
  void frameRendered();

protected:
  /// The widget's size changed (logical pixels); the render window follows in device pixels.
  virtual void resizeGL(int w, int h);
  void resizeEvent(QResizeEvent* e) override;
  bool eventFilter(QObject* watched, QEvent* e) override;

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
  /// Draws one frame into the surface's back buffer (default: VTK renders). renderNow() times it
  /// and emits frameRendered().
  virtual void paintFrame();
  /// VTK's Render(); after other GL code (QPainter) has run in this context, VTK's record of
  /// the GL state is refreshed first.
  void renderVtk();
  /// Mark that code other than VTK changed GL state in this context.
  void glStateTouched() { glStateTouched_ = true; }
  /// VTK asked for a render (interaction, hover tooltips). Default: requestRender().
  virtual void renderRequested();

private:
  class Surface;
  friend class Surface;
  struct Private;
  std::unique_ptr<Private> d;
  double lastRenderMs_ = 0;
  bool glStateTouched_ = false;
  int contextGeneration_ = 0;
  double renderedRatio_ = 0;
  void forwardMouse(QMouseEvent* e, unsigned long vtkEvent);
  /// The context, made on first use, current on the surface; false when there is no surface yet.
  bool makeCurrent();
  QOpenGLContext* context() const;
  /// Draws a frame and shows it (the surface's expose and update requests).
  void renderNow();
  /// VTK lets go of everything it made in the context, which then goes.
  void releaseContext();
  /// The render window's size in device pixels, from the widget's size and ratio.
  void syncSize();
  void setModifiers(Qt::KeyboardModifiers m);
};

}  // namespace lpm::ui
