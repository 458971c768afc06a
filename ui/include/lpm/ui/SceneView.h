#pragma once
// The 3D view: classifiers w_k as arrows from the origin, class means h_k as spheres.
#include <vector>

#include <Eigen/Core>

#include "lpm/ui/VtkOpenGLWidget.h"

class vtkRenderer;
class vtkCamera;

namespace lpm::ui {

/// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
struct Palette {
  static constexpr double majorityW[3] = {0.0, 0.447, 0.698};   // blue
  static constexpr double minorityW[3] = {0.835, 0.369, 0.0};   // vermillion
  static constexpr double majorityH[3] = {0.337, 0.706, 0.914}; // sky blue
  static constexpr double minorityH[3] = {0.902, 0.624, 0.0};   // orange
};

class SceneView : public VtkOpenGLWidget {
  Q_OBJECT
public:
  explicit SceneView(QWidget* parent = nullptr);
  ~SceneView() override;

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
  /// Text in the lower-left corner (e.g. how much of the geometry the 3D projection keeps).
  void setNote(const QString& text);

  void resetCamera();
  /// 0: +x, 1: +y, 2: +z, 3: isometric.
  void standardView(int which);
  vtkRenderer* renderer() const;
  vtkCamera* camera() const;

  int arrowCount() const;
  /// The classifier arrows as last drawn (3D, before unit-length display scaling).
  const Eigen::MatrixX3d& drawnClassifiers() const { return lastW_; }

private:
  struct Private;
  Private* p;
  bool cameraPlaced_ = false;
  bool unitArrows_ = false;
  Eigen::MatrixX3d lastW_, lastH_;
  std::vector<bool> lastMinority_;
};

}  // namespace lpm::ui
