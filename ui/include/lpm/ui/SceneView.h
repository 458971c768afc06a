#pragma once
// The 3D view widget: a render::SceneContent shown in a VtkOpenGLWidget.
#include <vector>

#include <Eigen/Core>

#include "lpm/ui/VtkOpenGLWidget.h"

class vtkRenderer;
class vtkCamera;

namespace lpm::render {
class SceneContent;
}

namespace lpm::ui {

class SceneView : public VtkOpenGLWidget {
  Q_OBJECT
public:
  /// Multiplies the size of every text in the view (presentation mode: 1.6).
  void setTextScale(double s);
  explicit SceneView(QWidget* parent = nullptr);
  ~SceneView() override;

  render::SceneContent& content() const { return *content_; }
  /// Rows of W (classifiers) and H (class means), already in 3D; `minority[k]` colours class k.
  void setConfiguration(const Eigen::MatrixX3d& W, const Eigen::MatrixX3d& H, const std::vector<bool>& minority);
  void setShowMeans(bool on);
  /// Draw every arrow with unit length: directions only, so short minority arrows stay visible.
  void setUnitArrows(bool on);
  void setShowLabels(bool on);
  void setShowUnitSphere(bool on);
  void setShowAxes(bool on);
  /// Reference simplex ETF (Theorem 1) drawn as thin grey arrows; empty to hide.
  void setReference(const Eigen::MatrixX3d& etf);
  void setDarkBackground(bool dark);
  void setNote(const QString& text);

  void resetCamera();
  /// 0: +x, 1: +y, 2: +z, 3: isometric.
  void standardView(int which);
  vtkRenderer* renderer() const;
  vtkCamera* camera() const;
  int arrowCount() const;
  /// The classifier arrows as last drawn (3D, before unit-length display scaling).
  const Eigen::MatrixX3d& drawnClassifiers() const;

protected:
  void resizeGL(int w, int h) override;

private:
  double fontScale_ = 1;  ///< VTK text scale: the device-pixel ratio times textScale_
  double textScale_ = 1;  ///< larger text for presentation mode
  render::SceneContent* content_;
  bool cameraPlaced_ = false;
};

}  // namespace lpm::ui
