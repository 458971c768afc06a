#pragma once
// The 3D scene as a VTK renderer, independent of any window: classifiers w_k as arrows from the
// origin, class means h_k as spheres, optional unit sphere, ETF reference and axes.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

class vtkRenderer;
class vtkRenderWindow;

namespace lpm::render {

/// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
struct Palette {
  static constexpr double majorityW[3] = {0.0, 0.447, 0.698};   // blue
  static constexpr double minorityW[3] = {0.835, 0.369, 0.0};   // vermillion
  static constexpr double majorityH[3] = {0.337, 0.706, 0.914}; // sky blue
  static constexpr double minorityH[3] = {0.902, 0.624, 0.0};   // orange
  static constexpr double network[3] = {0.0, 0.620, 0.451};     // bluish green: a trained network
  static constexpr double transition[3] = {0.8, 0.475, 0.655};  // reddish purple: R0 (plot, R slider)
  /// Classes 0..K-1's colours for per-class views (samples, the class table). With a minority (`minority`
  /// flags every class), the colour keeps the group's family: majority classes in cool hues (azure
  /// to violet round the majority blue), minority classes in warm ones (red to orange round the
  /// minority vermillion), lighter and darker in turn, so a class is never told apart by a colour
  /// that says the other group. Without one: ten categorical colours, then golden-angle hues.
  /// In one pass (a 128256-class head's table asks for every class).
  static std::vector<std::array<double, 3>> classColours(int K, const std::vector<bool>& minority);
};

/// What the minority fan draws: Geometry3D::minorityPlane (rows in the order of `classes`,
/// 0-based) with the metrics' mean pairwise cosine and whether they call it collapsed. An empty
/// plane draws no fan (render::minorityInset leaves it empty where the cosine is undefined).
struct MinorityInset {
  Eigen::MatrixX2d plane;
  /// Each one's true angle to their mean (Geometry3D::minorityAngles); empty: read from the
  /// plane's heights as cosines (a flat fan).
  Eigen::VectorXd angles;
  std::vector<int> classes;
  double cos = 0;
  bool collapsed = false;
};

/// The minority cone: round the minority's mean direction as drawn (`axis`, unit), its rim on the
/// unit sphere at their mean angle to their mean (`angle`, radians, from the inset's full-dimensional
/// fan). None when the fan is empty or they are collapsed (the inset's criterion, or under half a
/// degree). One rule for the
/// view (SceneContent) and the glTF export.
struct MinorityCone {
  Eigen::Vector3d axis;
  double angle = 0;
  /// The rim's n + 1 points (the first repeated last), on the unit sphere.
  std::vector<Eigen::Vector3d> rim(int n) const;
};
std::optional<MinorityCone> minorityCone(const Eigen::MatrixX3d& W, const std::vector<bool>& minority, const MinorityInset& inset);

/// A text's box in pixels (centre, width and height).
struct LabelBox {
  double x = 0, y = 0, w = 0, h = 0;
  bool overlaps(const LabelBox& other) const;
};

struct InsetLayout {
  LabelBox circle, title, value;
};

/// Moves labels that overlap apart along their row, inside [left, right] where they fit; what a
/// row too narrow still overlaps goes up a line. Labels that do not overlap stay where they are.
void separateLabels(std::vector<LabelBox>& boxes, double left, double right);

/// Something drawn that a label must not cover, in pixels: the segment a-b widened by `radius`
/// (an arrow), or a disc where a == b (a class mean's sphere).
struct DrawnMark {
  Eigen::Vector2d a, b;
  double radius = 0;
  /// Whether the mark reaches into the box.
  bool covers(const LabelBox& box) const;
};
/// Moves each group of labels (a row of one place moves whole) by the least multiple of `step`
/// (at most `steps`, half that for a label with another beside it) along its direction (unit, in
/// pixels), or that turned by 45 degrees, that covers no mark and meets no other label; a group
/// that finds no clear place within that goes to the one within it that covers fewest marks
/// (meeting no label), or stays where none covers fewer than where it is.
void clearLabelsOfMarks(std::vector<LabelBox>& boxes, const std::vector<std::vector<size_t>>& groups,
                        const std::vector<Eigen::Vector2d>& directions, const std::vector<DrawnMark>& marks,
                        double step, int steps);

class SceneContent {
public:
  SceneContent();
  ~SceneContent();
  SceneContent(const SceneContent&) = delete;
  SceneContent& operator=(const SceneContent&) = delete;

  vtkRenderer* renderer() const;
  /// Adds the scene's renderers to a window: the 3D scene, and above it the inset's panel and its
  /// drawing (layers 1 and 2). Use this, not AddRenderer(renderer()).
  void addTo(vtkRenderWindow* window);

  void setConfiguration(const Eigen::MatrixX3d& W, const Eigen::MatrixX3d& H, const std::vector<bool>& minority);
  /// Which classes are the same classifier in full dimension (Geometry3D::sameClassifier): arrows
  /// drawn at one place share a label only where they are ("5–9" collapsed); others keep their
  /// own labels, set apart in pixels ("0" and "1", not "0,1", for two classes the axes overlay).
  /// Empty: the drawing decides alone.
  void setSameClassifier(const std::vector<int>& sameAs);
  const Eigen::MatrixX3d& classifiers() const { return W_; }
  int arrowCount() const { return static_cast<int>(W_.rows()); }
  void setUnitArrows(bool on);
  void setShowMeans(bool on);
  void setShowLabels(bool on);
  void setShowUnitSphere(bool on);
  void setShowAxes(bool on);
  void setReference(const Eigen::MatrixX3d& etf);
  /// A trained network's classifiers drawn over the model's (thin bluish-green arrows); empty hides.
  /// The legend says which (and goes back to the model's legend when empty).
  void setOverlay(const Eigen::MatrixX3d& W);
  int overlayCount() const { return overlayCount_; }
  /// Per-sample features as dots coloured by class (Palette::classColours; `minority` flags the
  /// classes the labels name); empty hides. With samples, the class means take their class's
  /// colour too.
  void setSamples(const Eigen::MatrixX3d& points, const std::vector<int>& labels, const std::vector<bool>& minority);
  int sampleCount() const { return sampleCount_; }
  /// The upper-left legend, whole, in place of the model's (the network's view); the overlay's
  /// and the cone's lines are still added to it.
  void setLegend(const std::string& text);
  /// What the arrows and spheres are and how they are scaled (Geometry3D::legend); the overlay's
  /// line is added to it.
  void setModelLegend(const std::string& text);
  /// The minority classifiers alone, unit length, as a fan of their angles to their mean, labelled
  /// from the label base, with their mean pairwise cosine: the inset in the upper right that shows
  /// spread or collapse, whatever the 3D axes show. An empty plane hides it.
  void setMinorityInset(const MinorityInset& inset);
  /// The inset's panel as drawn, in normalized view coordinates (x0, y0, x1, y1); empty when hidden.
  std::vector<double> insetBox() const;
  /// The inset's class labels as drawn, boxes in pixels (they never overlap: separateLabels).
  std::vector<LabelBox> insetLabelBoxes() const;
  /// The inset's circle, title and value as drawn, boxes in pixels (all zero when it is hidden).
  InsetLayout insetLayout() const;
  /// How far from the origin the drawing reaches (arrows, spheres, labels; at least the unit sphere).
  double drawnReach() const;
  /// Where the scene's centre (the origin) is drawn, in pixels from the lower left.
  std::pair<double, double> sceneCentre() const;
  /// The minority cone's half-angle in degrees (their mean angle to their mean direction, in the
  /// full dimension) as drawn; 0 when it is not drawn (collapsed, or no cosine).
  double minorityConeDegrees() const;
  /// The upper-left legend's drawn size in pixels (width, height).
  std::pair<int, int> legendSize() const;
  void setDarkBackground(bool dark);
  void setNote(const std::string& text);
  std::string note() const;
  std::string legend() const;  ///< the upper-left text
  /// A corner's text as the view draws it (sized and wrapped to the view's width), and its size.
  struct CornerText {
    std::string text;
    int fontSize = 0;
  };
  CornerText drawnCornerText(bool note) const;
  /// The class labels at the arrows as the last frame drew them, boxes in pixels: beside their
  /// tips, apart where they would overlap (separateLabels), inside the view.
  std::vector<LabelBox> labelBoxes() const;
  /// The arrows and class-mean spheres as the last frame drew them, in pixels (the marks labels
  /// keep clear of: clearLabelsOfMarks).
  std::vector<DrawnMark> drawnMarks() const;
  /// The class labels drawn (at the arrows, then in the minority inset), in drawing order.
  std::vector<std::string> shownLabels() const;
  /// The legend and note in the view's corners (exports hide them and draw them as vector text).
  void setShowCornerText(bool on);
  void setFontScale(double s);
  void resetCamera();
  /// Width / height of the view: in a portrait view the view angle is horizontal, so the unit
  /// sphere always fits.
  void fitAspect(double aspect);
  /// The view's size in device pixels: fitAspect, and the minority panel hides where it would be
  /// too small to read.
  void setViewSize(int width, int height);
  /// 0: +x, 1: +y, 2: +z, 3: isometric.
  void standardView(int which);
  /// The camera is where the last standardView put it (nobody has turned or zoomed it since).
  bool atStandardView() const;

private:
  struct Private;
  std::unique_ptr<Private> p;
  Eigen::MatrixX3d W_, H_;
  std::vector<bool> minority_;
  std::vector<int> sameClassifier_;
  bool unitArrows_ = false, showLabels_ = true, classColours_ = false;
  int overlayCount_ = 0, sampleCount_ = 0;
  std::string modelLegend_;
  bool ownLegend_ = false;  ///< modelLegend_ was set whole (setLegend): no default for it
  void rebuild();
  void placeLabels();  ///< every frame: the labels from their anchors to pixels (labelBoxes)
  void rebuildInset();
  void rebuildCone();   ///< the minority's cone: their mean direction and their angle to it
  void updateLegend();  ///< the model's legend, with a line for each layer drawn (overlay, cone)
  void drawLegend(const std::string& text);  ///< the text drawn (fitCornerText)
  void placeScene();  ///< moves the picture's centre clear of the inset (the camera's window centre)
  void fitCornerText();  ///< the legend and note: their text and a font size that fits the width
};

}  // namespace lpm::render
