#pragma once
// The 3D scene as a VTK renderer, independent of any window: classifiers w_k as arrows from the
// origin, class means h_k as spheres, optional unit sphere, ETF reference and axes.
#include <string>
#include <vector>

#include <Eigen/Core>

class vtkRenderer;

namespace lpm::render {

/// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
struct Palette {
  static constexpr double majorityW[3] = {0.0, 0.447, 0.698};   // blue
  static constexpr double minorityW[3] = {0.835, 0.369, 0.0};   // vermillion
  static constexpr double majorityH[3] = {0.337, 0.706, 0.914}; // sky blue
  static constexpr double minorityH[3] = {0.902, 0.624, 0.0};   // orange
};

class SceneContent {
public:
  SceneContent();
  ~SceneContent();
  SceneContent(const SceneContent&) = delete;
  SceneContent& operator=(const SceneContent&) = delete;

  vtkRenderer* renderer() const;

  void setConfiguration(const Eigen::MatrixX3d& W, const Eigen::MatrixX3d& H, const std::vector<bool>& minority);
  const Eigen::MatrixX3d& classifiers() const { return W_; }
  int arrowCount() const { return static_cast<int>(W_.rows()); }
  void setUnitArrows(bool on);
  void setShowMeans(bool on);
  void setShowLabels(bool on);
  void setShowUnitSphere(bool on);
  void setShowAxes(bool on);
  void setReference(const Eigen::MatrixX3d& etf);
  void setDarkBackground(bool dark);
  void setNote(const std::string& text);
  void setFontScale(double s);
  void resetCamera();
  /// 0: +x, 1: +y, 2: +z, 3: isometric.
  void standardView(int which);

private:
  struct Private;
  Private* p;
  Eigen::MatrixX3d W_, H_;
  std::vector<bool> minority_;
  bool unitArrows_ = false, showLabels_ = true;
  void rebuild();
};

}  // namespace lpm::render
