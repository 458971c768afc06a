#pragma once
// The explorer window: wiring only. Parameters on the left, the 3D view beside the cosine-vs-R
// plot, the trained network on the right; what they show belongs to the Document.
#include <QByteArray>
#include <QFont>
#include <QMainWindow>
#include <QPalette>

#include <optional>

#include "lpm/Lesson.h"
#include "lpm/Session.h"
#include "lpm/render/Figure.h"
#include "lpm/ui/Document.h"

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QTextBrowser;
class QTimer;
class QToolButton;
class QVariantAnimation;
class QTabWidget;
class QStyle;

namespace lpm::ui {

class SceneView;
class PhaseView;
class LessonPanel;
class CheckpointPanel;
class CosinePlot;
class ParameterPanel;
class DesignPanel;

/// Fusion with a light edge round controls on a dark window (the dark theme, presentation).
QStyle* makeEdgedFusionStyle();

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  Document* document() const { return doc_; }
  ExplorerModel* model() const { return doc_->model(); }
  SceneView* scene() const { return scene_; }
  CosinePlot* plot() const { return plot_; }
  PhaseView* phaseView() const { return phase_; }
  /// The tabs beside the 3D view: "Cosine vs R" and "Phase Diagram".
  QTabWidget* plotTabs() const { return plotTabs_; }
  ParameterPanel* panel() const { return panel_; }
  DesignPanel* design() const { return design_; }
  CheckpointPanel* network() const { return network_; }
  /// An action by its stable id (file.open-session, view.means, export.plot, explore.play, ...);
  /// null for an unknown id.
  QAction* action(const QString& id) const;
  /// Checks `a` and so unchecks the rest of its exclusive group, without triggering any of them.
  static void checkInGroup(QAction* a);

  /// Opens a checkpoint in the background (a dialog on failure; nothing changes then). A file
  /// refused for code-running globals gets an "Open Anyway" offer (tensors only, nothing run).
  void openCheckpoint(const QString& path, const QString& features = {}, const QString& labels = {},
                      bool allowUnsafeGlobals = false);
  bool networkOverlayShown() const { return doc_->overlayShown(); }
  QString statusText() const;
  /// The "What you see" text as plain text (it always describes the published frame).
  QString explanationText() const;

  bool applyPreset(const QString& name);
  /// File > Open Recent: sessions and checkpoints that opened or were saved, newest first.
  QStringList recentFiles() const;
  /// Runs the event loop until the newest parameters are solved, the curve is complete, and
  /// both views have drawn them. Returns false on timeout.
  bool waitUntilSettled(int timeoutMs = 30000);
  /// Id of the solved frame the 3D view last drew.
  quint64 drawnFrameId() const { return drawnFrameId_; }

  void setDarkTheme(bool dark);
  /// The parameters and theme of the last session (QSettings), for an interactive start.
  void restoreLastParams() { doc_->restoreSettings(); }
  /// False: closing saves no settings (a start whose state came from the command line).
  void setSettingsPersistent(bool on) { persistSettings_ = on; }

  std::optional<CameraState> camera() const;
  Session currentSession() const { return doc_->toSession(camera()); }
  /// Opens or saves a session; on success the window's title names it and the state is unmodified.
  bool openSession(const QString& path, QString* error);
  /// Opens a lesson at `step` (0-based) in the Lesson panel; false with the reason.
  bool openLesson(const Lesson& lesson, int step, QString* error);
  LessonPanel* lessonPanel() const { return lesson_; }
  /// View > Presentation (F5): full screen, larger text everywhere, high contrast, the rows marked
  /// "Hide in Presentation" hidden; Esc or F5 leaves it and restores everything.
  void setPresentation(bool on);
  bool presentation() const { return presentation_; }
  /// A state link (lpm-studio:?v=1&...): applied as a session is; false with the reason, nothing changed.
  bool openStateLink(const QString& link, QString* error);
  bool saveSession(const QString& path, QString* error);

  /// What the exports draw, from the current state.
  render::ChartData chartData() const;
  render::SceneData sceneData() const { return doc_->sceneData(camera()); }

  /// The Play sweep: R from `from` to `to` (log-spaced in time) in `seconds`. False with the
  /// reason for a range outside 1 <= from < to <= 1e12 or a time outside 1..600 s (nothing changed).
  bool setPlayRange(double from, double to, double seconds, QString* error = nullptr);
  double playFrom() const { return playFrom_; }
  double playTo() const { return playTo_; }
  double playSeconds() const { return playSeconds_; }

  /// File > New Session: the default model, no checkpoint, nothing compared or pinned (asks first
  /// when a session file has unsaved changes).
  void newSession();

public slots:
  /// Starts the sweep, or resumes a paused one.
  void play();
  /// Pauses the sweep where it is (play() resumes from there).
  void pause();
  void stop();

protected:
  void closeEvent(QCloseEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;

private:
  void addRecent(const QString& path);
  void removeRecent(const QString& path);
  /// The toolbar's presets combo shows the active preset (Document::preset), else "Presets…".
  void syncPresetCombo();
  bool persistSettings_ = true;
  QStringList sessionRecent_;  ///< opened in a run that keeps no settings (addRecent)
  void applyDarkPalette(bool dark);
  static void repolishStyleSheets();
  void applyPresentationLook();
  /// Asks Save / Discard / Cancel when a session file has unsaved changes; false: Cancel (or a
  /// failed save), keep everything. `question` takes the session's name as %1.
  bool keepOrSaveChanges(const QString& title, const QString& question);
  /// Open Session (menu, Open Recent, a drop): asks first, says why a file did not open.
  void openSessionAsked(const QString& path);
  QString sessionName_;  ///< the open or last saved session's file name
  QString sessionPath_;  ///< and its path (File > Save on closing with changes)
  /// "name[*] — LPM Studio": the session, else the checkpoint, else Untitled; [*] while modified.
  void updateTitle();
  void buildMenus();
  QAction* addAction(QMenu* menu, const QString& id, const QString& text, const QKeySequence& key = {});
  void onSolved(std::shared_ptr<const SolvedFrame> frame);
  void onViewChanged(const ViewOptions& v);
  void updateExplanation();
  void exportDialog(int kind);
  void updateRecent();
  void onNetworkOpened(bool ok, const QString& message, const QString& unsafeGlobal);

  Document* doc_;
  SceneView* scene_;
  CosinePlot* plot_;
  PhaseView* phase_;
  LessonPanel* lesson_;
  bool presentation_ = false;
  struct BeforePresentation {
    QPalette palette;
    QFont font;
    QString style;
    Qt::WindowStates state;
    QByteArray docks, split, geometry;  ///< saveState() of the window and of the central splitter; its geometry
    QRect normal;                       ///< the window's own rectangle (without a frame: exact without a window manager)
  } beforePresentation_;
  QTabWidget* plotTabs_;
  ParameterPanel* panel_;
  DesignPanel* design_ = nullptr;
  CheckpointPanel* network_;
  QTextBrowser* explanation_;
  QLabel *statusObjective_, *statusMinority_, *statusGap_, *statusTime_;
  QVariantAnimation* player_;
  double playFrom_ = 1, playTo_ = 1e4, playSeconds_ = 8;
  void editPlayRange();  ///< Explore > Play Range and Speed…
  QProgressBar* busy_;
  QLabel* progressText_ = nullptr;  ///< iteration and gap of a background solve
  QToolButton* cancel_;
  QTimer* busyDelay_;
  QString explanationHtml_;
  QMenu* recentMenu_ = nullptr;
  quint64 pendingFrameId_ = 0, drawnFrameId_ = 0;
  int plotFramesAfterCurve_ = 0;
};

}  // namespace lpm::ui
