#pragma once
// What a session is, in one object: the explorer model (parameters, undo stack, solves), the view
// options, the preset, the loaded network (a core io::NetworkComparison) and the pinned networks.
// Sessions, QSettings, the data the exports draw and the network's link to the model all come
// from here. Widgets show it and call it; MainWindow only wires them together.
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "lpm/Session.h"
#include "lpm/io/Network.h"
#include "lpm/render/Figure.h"
#include "lpm/ui/ExplorerModel.h"

namespace lpm::ui {

class PhaseModel;

class Document : public QObject {
  Q_OBJECT
public:
  explicit Document(QObject* parent = nullptr);
  ~Document() override;

  ExplorerModel* model() const { return model_; }
  /// The phase diagram of the model's parameters (the Phase tab and its export).
  PhaseModel* phase() const { return phase_; }

  // --- View options (one struct; the View menu and the scene follow viewChanged).
  const ViewOptions& view() const { return view_; }
  void setView(const ViewOptions& v);

  // --- Presets: the name is kept while the parameters are still the preset's. A paper figure's
  // preset also puts its family (KA = 3, 5, 7) on the plot as compared models.
  bool applyPreset(const QString& name);
  QString preset() const;
  /// The plot's title where it is not the automatic one: an unchanged paper preset's ("Figure 3(a)
  /// and 8(c): ..."), as `lpm figure --preset` titles it; the window's plot and its exports use it.
  std::string plotTitle() const;

  // --- The trained network.
  /// Opens in the background; networkOpened(ok, message, unsafeGlobal) tells the outcome. A
  /// refused file leaves everything as it was; `unsafeGlobal` names the code-running global
  /// that made the refusal (the window offers "Open Anyway": tensors only, nothing run).
  void openNetwork(const io::NetworkRequest& request);
  /// The same, synchronously (scripted use, tests): false with the reason.
  bool openNetworkNow(const io::NetworkRequest& request, QString* error);
  /// Labels or features for the loaded network, read in the background (the checkpoint is not
  /// read again).
  void addLabels(const QString& path);
  void addFeatures(const QString& path);
  /// A file dropped on the window, read in the background: labels or features join the loaded
  /// network (by their arrays' names and shapes); anything else opens as a checkpoint.
  void openDropped(const QString& path);
  bool loading() const { return loading_; }
  const io::NetworkRequest& lastRequest() const { return lastRequest_; }
  /// Whether the model had no unsaved change when the last network opened (before its parameters
  /// were applied): an untitled window that only opened a checkpoint has nothing to save.
  bool openedIntoCleanModel() const { return openedIntoClean_; }
  const io::NetworkComparison* network() const { return net_ ? &*net_ : nullptr; }
  /// File > Close Checkpoint: the network, its marker, overlay and roles go; the model's
  /// parameters stay as they are (an undo step away from before the network, as always).
  void closeNetwork();

  /// Edits of the network (roles, counts, classifier): false with the reason, nothing changed.
  /// A successful edit sets the model to the network's setting (one undo step).
  bool setClassifier(const QString& tensor, QString* error = nullptr);
  /// The same in the background (the tensor is read off the UI thread, as a checkpoint is
  /// opened): networkOpened reports the outcome; nothing changes on failure.
  void chooseClassifier(const QString& tensor);
  bool setMajorityCount(int KA, QString* error = nullptr);
  bool setMinority(const std::vector<int>& minority, QString* error = nullptr);
  bool setClassCounts(const std::vector<int>& counts, QString* error = nullptr);
  /// Class counts from a file (io::readClassCountsFile): a 1-D .npy or numbers in a .txt/.csv.
  bool setClassCountsFromFile(const QString& path, QString* error = nullptr);

  /// The network drawn over the latest solution (Procrustes), with its distance; none without
  /// a network, or when the model's K is not the network's.
  const std::optional<NetworkOverlay>& overlay() const { return overlay_; }
  bool overlayShown() const { return view_.networkOverlay && overlay_.has_value(); }
  /// The network's point on the cosine-vs-R plot: none until its R is known (labels or counts).
  std::optional<double> networkR() const;
  std::optional<double> networkCos() const;

  // --- Networks pinned to the plot.
  const std::vector<PinnedNetwork>& pinned() const { return pinned_; }
  bool pinCurrent();
  void setPinned(const std::vector<PinnedNetwork>& pins);

  // --- Models compared on the plot (up to render::kMaxCompared with the current one).
  /// Adds the current model; false with the reason (full, or already there).
  bool compareCurrent(QString* error = nullptr);
  void clearComparison();
  /// Every pinned network's own model (its fitted EW, EH and roles) joins the comparison, named by
  /// the network; false with the reason when none could be added.
  bool comparePinnedModels(QString* error = nullptr);
  /// Removes compared model `index` (0-based, in the order added); false if there is none.
  bool removeCompared(int index);
  const std::vector<TwoSizeParams>& compared() const { return compared_; }
  /// The curves to draw, labelled: the current model first, then every compared one whose curve
  /// is computed. Empty without a comparison.
  std::vector<NamedCurve> family() const;
  /// The plot's R range, 1 to Rmax (10 .. 10^12): the model's curve and the compared ones follow.
  static constexpr double kMaxPlotR = kMaxPlotRmax;
  double plotRmax() const { return plotRmax_; }
  /// View > Plot R Range: a fixed Rmax, or none for automatic (1 to 10^4, or beyond 3 R0 once
  /// R0 is known, for two-size models). Saved in sessions.
  void setPlotRange(std::optional<double> Rmax);
  bool plotRangeAuto() const { return plotRangeAuto_; }
  /// What the plot shows now: the view's choice, "auto" resolved for the current model.
  CurveQuantity plotQuantity() const { return lpm::plotQuantity(view_.plot, model_->curveParams()); }

  // --- Sessions and settings.
  Session toSession(const std::optional<CameraState>& camera) const;
  /// Applies a session; false with `error` (nothing changed) when it is invalid. Its camera is
  /// handed out through cameraRequested; its checkpoint opens in the background.
  bool applySession(const Session& s, QString* error);
  bool openSession(const QString& path, QString* error);
  /// The default model and view (the theme kept), no network, nothing compared or pinned.
  void newSession();
  bool saveSession(const QString& path, const std::optional<CameraState>& camera, QString* error) const;
  /// The last parameters and view theme (QSettings), for an interactive start; and their saving.
  void restoreSettings();
  void saveSettings() const;

  // --- What the exports draw, from the current state.
  render::ChartData chartData(double Rmin, double Rmax) const;
  render::SceneData sceneData(const std::optional<CameraState>& camera) const;
  /// One sentence under a figure: the published frame's state and R0.
  std::string caption() const;

signals:
  void viewChanged(const lpm::ViewOptions& view);
  void cameraRequested(const lpm::CameraState& camera);
  void networkLoading(bool loading, const QString& what);
  void networkProgress(int stage, const QString& text);
  void networkOpened(bool ok, const QString& message, const QString& unsafeGlobal);
  /// The network, its roles, labels or features changed (also when the model's KB moved them).
  void networkChanged();
  void plotRangeChanged(double Rmax);
  void overlayChanged();
  void pinnedChanged();
  void comparisonChanged();
  /// A short message for the status bar.
  void message(const QString& text, int timeoutMs);

private:
  double plotRmax_ = 1e4;
  bool plotRangeAuto_ = true;
  void setPlotRmax(double Rmax);
  void fitPlotRange();
  using Job = std::function<io::NetworkComparison(const CancelToken&, const io::NetworkComparison::Progress&)>;
  /// Runs `job` off the UI thread and installs its result; `what` names it in messages.
  /// `failure` formats the message when the job throws: %1 `what`, %2 the reason. An `opening`
  /// job reports through networkOpened either way; another (an edit of the open network) reports
  /// a failure as a message and leaves the open network as it was.
  /// `done`: the status message on success of a job on the open network (%1: what), if any.
  void runNetworkJob(const QString& what, Job job, const QString& failure = {}, bool opening = true, const QString& done = {});
  /// An edit of the network: at once, or for a streamed head (which it reads again, seconds) in
  /// the background. False with the reason when refused at once.
  bool editNetwork(const QString& what, const std::function<void(io::NetworkComparison&)>& edit, QString* error);
  /// `edit` on a copy of the open network, off the UI thread (cancelled by a newer job), then
  /// installed; `stage` and `stageText` are its progress, `failure` as for runNetworkJob.
  void runEdit(const QString& what, const std::function<void(io::NetworkComparison&)>& edit, int stage,
               const char* stageText, const QString& failure);
  void install(io::NetworkComparison net);
  /// The model to the network's setting from `base` (default: the model's parameters).
  void networkEdited(std::optional<TwoSizeParams> base = std::nullopt);  ///< the model to the network's setting, then networkChanged
  void onParamsChanged(const TwoSizeParams& p);
  void updateOverlay();

  ExplorerModel* model_;
  PhaseModel* phase_;
  ViewOptions view_;
  QString preset_;
  std::optional<io::NetworkComparison> net_;
  /// The model's parameters before the first network was opened: another checkpoint starts from
  /// their EH and R, not from what the previous network's features and labels set.
  std::optional<TwoSizeParams> beforeNetwork_;
  std::optional<NetworkOverlay> overlay_;
  std::vector<PinnedNetwork> pinned_;
  std::vector<TwoSizeParams> compared_;
  std::vector<std::pair<TwoSizeParams, Curve>> comparedCurves_;  ///< computed, in the order of compared_
  quint64 compareGeneration_ = 0;
  /// The members of compared_ that a paper preset put there (applyPreset); the rest are the user's.
  std::vector<TwoSizeParams> presetFamily_;
  bool comparing_ = false;  ///< a computeComparison() result is still to come
  void dropPresetFamily();
  void computeComparison();
  std::optional<std::vector<int>> pendingMinority_;  ///< a session's roles, applied once its network is open
  io::NetworkRequest lastRequest_;
  bool openedIntoClean_ = false;
  bool loading_ = false;
  CancelToken loadCancel_;
  quint64 loadGeneration_ = 0;
};

}  // namespace lpm::ui
