#pragma once
// Offscreen figures for teaching: the plot as PNG, PDF (vector, fonts embedded) or SVG, drawn by
// the one CosineChart the window uses; the scene as PNG or glTF; scene + plot side by side with a
// caption (PNG, PDF, SVG: the scene a picture, the rest vector); R-sweep animations as PNG frames
// or Ogg Theora. Always the light print theme. The plot needs a QGuiApplication (PaintContext);
// anything with the 3D scene needs an X display (VTK here is GLX only): haveDisplay().
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "lpm/Geometry.h"
#include "lpm/Metrics.h"
#include "lpm/Phase.h"
#include "lpm/Session.h"
#include "lpm/Sweep.h"
#include "lpm/render/CosineChart.h"
#include "lpm/render/SceneContent.h"

#include <QtGlobal>

class QGuiApplication;

namespace lpm::render {

struct ChartData {
  std::vector<SweepPoint> curve;  ///< majority + minority curves of the current setting
  int K = 10;
  double Rmin = 1, Rmax = 1e4;
  std::optional<double> currentR;
  std::optional<TransitionResult> transition;  ///< R0 and R_vanish of the current setting
  std::vector<NamedCurve> family;  ///< extra minority curves, each with its R0
  CurveQuantity quantity = CurveQuantity::ClassifierCos;  ///< what the curves show
  bool showMajority = true;
  std::optional<double> networkR, networkCos;
  std::string networkName;
  std::vector<ChartPin> pinned;  ///< other networks, each named beside its point
  std::string title;
};

struct SceneData {
  Eigen::MatrixX3d W, H, etf;
  Eigen::MatrixX3d overlay;  ///< a trained network's classifiers in the model's frame (may be empty)
  std::string legend;        ///< Geometry3D::legend (empty: the constrained model's)
  std::vector<bool> minority;
  std::vector<int> sameClassifier;  ///< Geometry3D::sameClassifier: which labels merge
  MinorityInset minorityInset;  ///< the fan (minorityInset(geometry, metrics))
  ViewOptions view;
  std::optional<CameraState> camera;
  std::string note;
};

struct ExportSize {
  int width = 900, height = 600;
  int scale = 1;  ///< 1..4: pixels and fonts multiplied
};

/// A trained network in a figure: its point on the plot, its classifiers over the model's.
struct NetworkFigure {
  Eigen::MatrixXd W;            ///< scaled classifier rows (NetworkEmbedding::W)
  std::vector<int> modelOrder;  ///< model class k -> network row
  double R = 1;
  std::optional<double> minorityCos;
  std::string name;
  std::string warning;  ///< io::NetworkComparison::figureWarning; said in the caption
};

/// What a headless figure shows: a setting (and whether it is one of the paper's figures).
struct FigureInputs {
  TwoSizeParams params;
  bool paperFigure = false;  ///< draw KA = 3, 5, 7 at K = 10 as in Figures 3 and 8
  std::string title;         ///< plot title; empty: automatic
  ViewOptions view;
  std::optional<CameraState> camera;
  int points = 61;           ///< R values on the curve
  std::optional<NetworkFigure> network;
  std::vector<ChartPin> pinned;  ///< more networks, each named beside its point
  /// Models compared with `params` on one plot (up to kMaxCompared): each its minority curve,
  /// labelled by its model and R0.
  std::vector<TwoSizeParams> compare;
  /// The plot's R range, 1 to plotRmax; none: automatic (automaticPlotRmax, as the window).
  std::optional<double> plotRmax;
  /// The 3D picture to draw like (Session::picture as 2K x 3); empty: the principal axes.
  Eigen::MatrixXd picture;
};
constexpr int kMaxCompared = 6;
/// What a session's window drew, but its network (which needs the checkpoint read): the setting,
/// the view and camera, the pins, the compared models, the plot range and the 3D picture.
FigureInputs figureInputs(const Session& s);
/// "LDAM (margin = 0.5), EH = 0.5: R0 = 9.892": a compared model's legend entry (the parameters
/// where it differs from `base`, and its R0).
std::string comparedLabel(const TwoSizeParams& p, const TwoSizeParams& base, const Curve& c);
/// The plot's family as the window, its exports and `lpm figure` draw it: the figure's own model
/// first, named with " (current)", then each compared one (its label after `prefixes[i]` where
/// given: a pinned network's model). A paper figure's family (KA = 3, 5, 7) is in the paper's order
/// and names each KA, so each KA has the same colour and name everywhere.
std::vector<NamedCurve> familyCurves(const TwoSizeParams& base, const Curve& own,
                                     const std::vector<std::pair<TwoSizeParams, Curve>>& compared,
                                     const std::vector<std::string>& prefixes, bool paperOrder);
/// Whether `q`'s curve is already on a plot of `base` and `compared`: the same model, R aside (a
/// curve runs over R). One rule for the window's comparisons and `lpm figure`.
bool alreadyPlotted(const TwoSizeParams& q, const TwoSizeParams& base, const std::vector<TwoSizeParams>& compared);
/// Solves, sweeps and finds R0 for `in`; fills the chart, the scene and a caption.
void buildFigure(const FigureInputs& in, ChartData& chart, SceneData& scene, std::string& caption);
/// The caption of a figure: the setting, the minority state in the words of `describe` (never a
/// state for an uncertified solution) and the transition's summary.
/// The caption's part for a trained network, as the window's and the command line's exports add
/// it: " | NAME: minority cosine C at R = R, distance to the model D", and its warning.
std::string networkCaption(const std::string& name, const std::optional<double>& minorityCos, double R,
                           const std::optional<double>& distance, const std::string& warning);
std::string captionFor(const TwoSizeParams& p, const Solution& s, const Metrics& m,
                       const std::optional<TransitionResult>& t);

/// The minority fan of a solution: its geometry's plane with the metrics' cosine and state, where
/// the metrics define the cosine (spread or collapsed); empty otherwise (vanished, not unique, not
/// certified), so that no fan is drawn from vectors the numbers do not vouch for.
MinorityInset minorityInset(const Geometry3D& g, const Metrics& m);

/// The 3D view's note for a solution (the window's and every export's): what the projection keeps,
/// or why nothing is drawn (K beyond 400), led by "NOT CERTIFIED ..." for an uncertified solution.
std::string sceneNote(const Solution& s, double captured, bool drawn);

/// The R sweep across the plot's range (chart.Rmin to chart.Rmax) as `frames` frames (scene aligned frame to frame, plot marker moving)
/// into a folder of PNGs or a .ogv. `progress(i)` after each frame; returning false stops.
/// Returns the number of frames written.
int writeRSweepAnimation(const TwoSizeParams& params, ChartData chart, SceneData scene, const std::string& target,
                         const ExportSize& size, int frames, int fps,
                         const std::function<bool(int)>& progress = nullptr);

/// A file extension that names another format than an animation writes (mp4, gif, png, ...): such
/// a target is refused rather than made a folder (a folder's name may hold a dot: frames.v2).
bool isOtherVideo(const std::string& ext);
/// False, with a message saying how to run headless, when no X display is reachable.
bool haveDisplay(std::string* message);
/// The file's extension, lower case, without the dot.
std::string extensionOf(const std::string& path);

/// Makes sure a QGuiApplication exists for the figure functions (Qt's offscreen platform when the
/// program has none, as `lpm` has not); keep it alive while drawing.
class PaintContext {
public:
  PaintContext();
  ~PaintContext();
  PaintContext(const PaintContext&) = delete;
  PaintContext& operator=(const PaintContext&) = delete;

private:
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  int argc_ = 0;
  QtMessageHandler previousHandler_ = nullptr;
  std::unique_ptr<QGuiApplication> app_;
};

/// .png (size x scale pixels, every length scaled), .pdf (size in points), .svg. Throws lpm::Error
/// with a clear message (unknown extension, a folder that does not exist, ...).
void exportChart(const ChartData& chart, const std::string& path, const ExportSize& size);
/// A chart set to `data`, in the print theme, as every export draws it.
void fillChart(CosineChart& chart, const ChartData& data);
/// The phase diagram (PhaseChart): .png, .pdf (vector), .svg; `current` marks (R, y).
void exportPhase(const PhaseDiagram& diagram, std::optional<std::pair<double, double>> current,
                 const std::string& path, const ExportSize& size);
/// .png, .gltf (writeSceneGltf).
void exportScene(const SceneData& scene, const std::string& path, const ExportSize& size);
/// glTF 2.0 with the buffer inlined: an arrow per classifier, a sphere per class mean, the unit
/// sphere, ETF and network overlay as the view shows them, each a node named "w1 (majority)", ...
void writeSceneGltf(const SceneData& scene, const std::string& path);
/// Scene left, plot right, caption below (wrapped): .png, .pdf or .svg.
void exportCombined(const SceneData& scene, const ChartData& chart, const std::string& caption,
                    const std::string& path, const ExportSize& size);

/// Frames of scene + plot; `target` is a folder (PNG frames frame-0000.png, ...) or a .ogv file.
class AnimationWriter {
public:
  AnimationWriter(const std::string& target, const ExportSize& size, int fps);
  ~AnimationWriter();
  AnimationWriter(const AnimationWriter&) = delete;
  AnimationWriter& operator=(const AnimationWriter&) = delete;
  void addFrame(const SceneData& scene, const ChartData& chart, const std::string& caption);
  /// Finishes the video; returns the number of frames written.
  int close();

private:
  struct Private;
  std::unique_ptr<Private> p;
};

}  // namespace lpm::render
