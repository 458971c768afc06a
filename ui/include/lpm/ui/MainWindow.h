#pragma once
// The explorer window: parameters on the left, the 3D view beside the cosine-vs-R plot.
#include <QMainWindow>

#include <memory>

#include "lpm/Session.h"
#include "lpm/render/Figure.h"
#include "lpm/ui/ExplorerModel.h"

class QLabel;
class QTextBrowser;
class QVariantAnimation;
class QAction;
class QMenu;
class QProgressBar;
class QToolButton;
class QTimer;

namespace lpm::ui {

class SceneView;
class CheckpointPanel;
class CosinePlot;
class ParameterPanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  ExplorerModel* model() const { return model_; }
  SceneView* scene() const { return scene_; }
  CosinePlot* plot() const { return plot_; }
  ParameterPanel* panel() const { return panel_; }
  CheckpointPanel* network() const { return network_; }
  /// Opens a checkpoint in the background (dialog on failure; nothing changes then). A file
  /// refused for code-running globals gets an "Open Anyway" offer (tensors only, nothing run).
  void openCheckpoint(const QString& path, const QString& features = {}, const QString& labels = {},
                      bool allowUnsafeGlobals = false);
  /// A file dropped on the window: labels or features join the loaded network (by their
  /// arrays' names and shapes); other files open as a checkpoint.
  void openDropped(const QString& path);
  /// The trained network's classifiers drawn over the model's (View > Trained Network Overlay).
  bool networkOverlayShown() const;
  QString statusText() const;
  /// The "What you see" text as plain text (it always describes the published frame).
  QString explanationText() const;

  bool applyPreset(const QString& name);
  /// Runs the event loop until the newest parameters are solved, the curve is complete, and
  /// both views have drawn them. Returns false on timeout.
  bool waitUntilSettled(int timeoutMs = 30000);
  /// Id of the solved frame the 3D view last drew.
  quint64 drawnFrameId() const { return drawnFrameId_; }

  void setDarkTheme(bool dark);
  /// The parameters of the last session (QSettings), for an interactive start.
  void restoreLastParams();

  /// Sessions (doc/dev/02-ARCHITECTURE.md): parameters, camera, preset, view toggles.
  Session currentSession() const;
  /// Applies a session; false with `error` (nothing changed) when it cannot be read or is invalid.
  bool openSession(const QString& path, QString* error);
  bool saveSession(const QString& path, QString* error) const;

  /// What the exports draw, from the current state (light print theme).
  render::ChartData chartData() const;
  render::SceneData sceneData() const;

public slots:
  void play();
  void stop();

protected:
  void closeEvent(QCloseEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

private:
  void buildMenus();
  void onSolved(std::shared_ptr<const SolvedFrame> frame);
  void updateExplanation();
  void saveScreenshotDialog();
  void exportDialog(int what);
  void updateRecent();
  void updateOverlay();
  void onNetworkOpened(bool ok, const QString& message, const QString& unsafeGlobal);

  ExplorerModel* model_;
  SceneView* scene_;
  CosinePlot* plot_;
  ParameterPanel* panel_;
  CheckpointPanel* network_;
  QTextBrowser* explanation_;
  QLabel *statusObjective_, *statusMinority_, *statusGap_, *statusTime_;
  QVariantAnimation* player_;
  QProgressBar* busy_;
  QToolButton* cancel_;
  QTimer* busyDelay_;
  QString explanationHtml_;
  QAction *playAction_, *meansAction_, *sphereAction_, *etfAction_, *axesAction_, *labelsAction_, *unitArrowsAction_,
      *darkAction_, *overlayAction_;
  std::optional<double> networkR_, networkCos_;
  Eigen::MatrixX3d overlay_;
  std::optional<std::vector<int>> pendingMinority_;  ///< from a session, applied once its checkpoint is open
  QString preset_;
  QMenu* recentMenu_ = nullptr;
  quint64 pendingFrameId_ = 0, drawnFrameId_ = 0;
  int plotFramesAfterCurve_ = 0;
};

}  // namespace lpm::ui
