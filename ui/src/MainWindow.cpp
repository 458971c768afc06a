#include "lpm/ui/MainWindow.h"

#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QGuiApplication>
#include <QScreen>

#include <QFileInfo>
#include <QUndoStack>

#include <QAbstractButton>
#include <QPushButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDeadlineTimer>
#include <QDockWidget>

#include "lpm/ui/DesignPanel.h"
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QProgressDialog>
#include <QSettings>
#include <QSplitter>
#include <QPainter>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleOption>
#include <QTabWidget>
#include <QStatusBar>
#include <QTextBrowser>
#include <QComboBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QVariantAnimation>

#include <cmath>

#include <vtkCamera.h>
#include <vtkRenderer.h>

#include "lpm/Parameters.h"
#include "lpm/Session.h"
#include "lpm/render/SceneContent.h"
#include "lpm/StateLink.h"
#include "lpm/ui/CheckpointPanel.h"
#include "lpm/ui/CosinePlot.h"
#include "lpm/ui/Explanation.h"
#include "lpm/ui/Exports.h"
#include "lpm/ui/ParameterPanel.h"
#include "lpm/ui/PhaseModel.h"
#include "lpm/ui/PhaseView.h"
#include "VerticalScroll.h"
#include "lpm/ui/LessonPanel.h"
#include "lpm/ui/SceneView.h"

namespace lpm::ui {

namespace {
// Presentation's look: Fusion, whose control outlines are the window colour darkened, which on
// the dark presentation's black is black: check boxes, spin boxes, combo boxes and buttons had no
// visible edge (sliders no groove). On a dark window this draws a light one-pixel edge round each.
class PresentationStyle : public QProxyStyle {
public:
  PresentationStyle() : QProxyStyle(QStringLiteral("Fusion")) {}
  void drawPrimitive(PrimitiveElement pe, const QStyleOption* o, QPainter* p, const QWidget* w) const override {
    QProxyStyle::drawPrimitive(pe, o, p, w);
    if (pe == PE_IndicatorCheckBox || pe == PE_IndicatorRadioButton || pe == PE_PanelButtonCommand) edge(o, p, pe == PE_IndicatorRadioButton);
  }
  void drawComplexControl(ComplexControl cc, const QStyleOptionComplex* o, QPainter* p, const QWidget* w) const override {
    QProxyStyle::drawComplexControl(cc, o, p, w);
    if (cc == CC_SpinBox || cc == CC_ComboBox) edge(o, p, false);
    if (cc == CC_Slider) {  // the groove: only its filled part and the handle showed
      QStyleOption groove(*o);
      groove.rect = subControlRect(cc, o, SC_SliderGroove, w);
      edge(&groove, p, false);
    }
  }

private:
  static void edge(const QStyleOption* o, QPainter* p, bool round) {
    if (o->palette.color(QPalette::Window).lightness() > 64) return;  // Fusion's own edge shows
    p->save();
    p->setRenderHint(QPainter::Antialiasing, round);
    p->setBrush(Qt::NoBrush);
    p->setPen(QPen(o->palette.color(QPalette::Disabled, QPalette::Text), 1));
    const QRectF r = QRectF(o->rect).adjusted(0.5, 0.5, -0.5, -0.5);
    round ? p->drawEllipse(r) : p->drawRoundedRect(r, 2, 2);
    p->restore();
  }
};

// Whether the window should be composed with GL so that its popups draw. Under Xvfb (whose RandR
// screen is named "screen"), every popup (menus, combo lists, tooltips) of a window that Qt does
// not compose with GL shows as a black rectangle, in any Qt program, with or without GL in it
// (tests/scripts/xvfb-popups); on an X server with real outputs raster windows' popups draw, and
// the views' native surfaces spare the window its composition. LPM_COMPOSE_WINDOW=1 or 0 decides.
bool composeForPopups() {
  const QByteArray forced = qgetenv("LPM_COMPOSE_WINDOW");
  if (!forced.isEmpty()) return forced != "0";
  const QScreen* screen = QGuiApplication::primaryScreen();
  return QGuiApplication::platformName() == "xcb" && screen && screen->name() == "screen";
}

// One pixel of QOpenGLWidget: a window holding one is composed with GL (composeForPopups).
class PopupKeeper : public QOpenGLWidget {
public:
  explicit PopupKeeper(QWidget* parent) : QOpenGLWidget(parent) {
    setFixedSize(1, 1);
    setObjectName("popupKeeper");
  }

protected:
  void paintGL() override {
    const QColor c = palette().color(QPalette::Window);
    auto* f = context()->functions();
    f->glClearColor(float(c.redF()), float(c.greenF()), float(c.blueF()), 1.0f);
    f->glClear(GL_COLOR_BUFFER_BIT);
  }
};
}  // namespace

QStyle* makeEdgedFusionStyle() { return new PresentationStyle; }

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), doc_(new Document(this)) {
  setWindowTitle(tr("Untitled[*] — LPM Studio"));
  setWindowIcon(QIcon(":/lpm/icons/lpm-studio.svg"));
  ExplorerModel* model = doc_->model();

  scene_ = new SceneView(this);
  plot_ = new CosinePlot(this);
  phase_ = new PhaseView(doc_->phase(), this);
  plotTabs_ = new QTabWidget(this);
  plotTabs_->setObjectName("view.plot-tabs");
  plotTabs_->setDocumentMode(true);
  plotTabs_->addTab(plot_, tr("Cosine vs R"));
  plotTabs_->addTab(phase_, tr("Phase Diagram"));
  plotTabs_->setTabToolTip(1, tr("The minority's state over R and a second parameter; click a cell to move there"));
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(scene_);
  split->addWidget(plotTabs_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  split->setSizes({1000, 1000});  // half each (in proportion), not what the minimum sizes suggest
  setCentralWidget(split);

  panel_ = new ParameterPanel(model, this);
  // A value typed (or a slider pressed) while the sweep plays: the sweep pauses, so that what is
  // typed is what is solved (the sweep's next step wrote over it, and Enter then took the sweep's).
  connect(panel_, &ParameterPanel::userEditing, this, [this] {
    if (player_->state() == QAbstractAnimation::Running) {
      pause();
      statusBar()->showMessage(tr("Sweep paused: a value is being set by hand (Space resumes)"), 4000);
    }
  });
  // The rows hidden in presentation are part of the view (saved in the session and its link).
  connect(panel_, &ParameterPanel::hiddenInPresentationChanged, this, [this] {
    ViewOptions v = doc_->view();
    const auto& h = panel_->hiddenInPresentation();
    v.presentationHidden.assign(h.begin(), h.end());
    if (v.presentationHidden != doc_->view().presentationHidden) doc_->setView(v);
  });
  explanation_ = new QTextBrowser(this);
  explanation_->setOpenExternalLinks(false);
  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(4, 4, 4, 4);
  sideLayout->addWidget(new VerticalScroll(panel_, side));
  sideLayout->addWidget(explanation_, 1);
  auto* dock = new QDockWidget(tr("Parameters"), this);
  dock->setObjectName("ParametersDock");
  dock->setWidget(side);
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  design_ = new DesignPanel(model, this);
  auto* designDock = new QDockWidget(tr("Design"), this);
  designDock->setObjectName("DesignDock");
  designDock->setWidget(design_);
  addDockWidget(Qt::RightDockWidgetArea, designDock);
  designDock->hide();  // View > Design Panel
  designDock->toggleViewAction()->setObjectName("view.design");
  designDock->toggleViewAction()->setText(tr("&Design Panel"));

  lesson_ = new LessonPanel(doc_, panel_, this);
  auto* lessonDock = new QDockWidget(tr("Lesson"), this);
  lessonDock->setObjectName("LessonDock");
  lessonDock->setWidget(lesson_);
  addDockWidget(Qt::RightDockWidgetArea, lessonDock);
  lessonDock->hide();  // Help > Lessons opens it
  lessonDock->toggleViewAction()->setObjectName("view.lesson");
  // A lesson's framed row goes with its panel (closed with the dock's x, it stayed framed).
  connect(lessonDock->toggleViewAction(), &QAction::toggled, lesson_, &LessonPanel::setHighlightShown);
  lessonDock->toggleViewAction()->setText(tr("&Lesson Panel"));

  network_ = new CheckpointPanel(doc_, this);
  auto* netDock = new QDockWidget(tr("Trained Network"), this);
  netDock->setObjectName("NetworkDock");
  netDock->setWidget(network_);
  addDockWidget(Qt::RightDockWidgetArea, netDock);
  netDock->hide();  // shown when a checkpoint is opened; View > Trained Network brings it back
  netDock->toggleViewAction()->setObjectName("view.network");
  netDock->toggleViewAction()->setText(tr("&Trained Network Panel"));
  connect(doc_, &Document::networkOpened, this, [this, netDock](bool ok, const QString& message, const QString& unsafe) {
    if (ok && !netDock->isVisibleTo(this)) {
      netDock->show();
      // Its fourth column left the 3D view ~200 px at 1280 x 800 (the sphere 125 px across, the
      // network's thin arrows hard to see): where the views end up that narrow, the dock takes a
      // quarter of the window and the two views share the middle equally.
      QTimer::singleShot(0, this, [this, netDock] {
        auto* views = qobject_cast<QSplitter*>(centralWidget());
        if (presentation_ || !views || !isVisible() || !netDock->isVisible() || netDock->isFloating() || scene_->width() >= 280) return;
        resizeDocks({netDock}, {int(width() * 0.25)}, Qt::Horizontal);
        const QList<int> sizes = views->sizes();
        int total = 0;
        for (int v : sizes) total += v;
        if (sizes.size() == 2) views->setSizes({total / 2, total - total / 2});
      });
    }
    onNetworkOpened(ok, message, unsafe);
  });
  connect(doc_, &Document::networkChanged, this, &MainWindow::updateTitle);
  connect(doc_, &Document::plotRangeChanged, this, [this](double Rmax) {
    plot_->setRange(1, Rmax);
    // The menu shows the document's choice (a session may have changed it).
    QAction* a = action("view.range-auto");
    if (!doc_->plotRangeAuto()) {
      const int power = static_cast<int>(std::lround(std::log10(Rmax)));
      a = action(QString("view.range-%1").arg(power));
      if (!a || std::pow(10.0, power) != Rmax) a = action("view.range-custom");
    }
    checkInGroup(a);
  });
  connect(model->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
  connect(doc_, &Document::networkChanged, this, [this] {
    const auto* net = doc_->network();
    plot_->setNetworkMarker(doc_->networkR(), doc_->networkCos(), net ? QString::fromStdString(net->fileName()) : QString());
  });
  connect(doc_, &Document::overlayChanged, this, [this] {
    scene_->content().setOverlay(doc_->overlayShown() ? doc_->overlay()->W : Eigen::MatrixX3d());
    scene_->requestRender();
  });
  connect(doc_, &Document::pinnedChanged, this, [this] {
    std::vector<render::ChartPin> pins;
    for (const auto& n : doc_->pinned()) pins.push_back({n.R, n.minorityCos, n.name});
    plot_->setPinnedMarkers(pins);
  });
  connect(doc_, &Document::viewChanged, this, &MainWindow::onViewChanged);
  connect(doc_, &Document::message, this, [this](const QString& text, int ms) { statusBar()->showMessage(text, ms); });
  connect(doc_, &Document::cameraRequested, this, [this](const CameraState& cam) {
    auto* c = scene_->camera();
    c->SetPosition(cam.position.data());
    c->SetFocalPoint(cam.focalPoint.data());
    c->SetViewUp(cam.viewUp.data());
    c->SetViewAngle(cam.viewAngle);
    scene_->renderer()->ResetCameraClippingRange();
    scene_->requestRender();
  });
  setAcceptDrops(true);

  statusObjective_ = new QLabel(this);
  statusMinority_ = new QLabel(this);
  statusGap_ = new QLabel(this);
  statusTime_ = new QLabel(this);
  busy_ = new QProgressBar(this);
  busy_->setRange(0, 0);  // indeterminate: a general solve reports no fraction done
  busy_->setMaximumWidth(120);
  busy_->setVisible(false);
  cancel_ = new QToolButton(this);
  cancel_->setText(tr("Cancel"));
  cancel_->setToolTip(tr("Stop this solve; the last solution stays on screen"));
  cancel_->setVisible(false);
  connect(cancel_, &QToolButton::clicked, model, &ExplorerModel::cancelSolve);
  progressText_ = new QLabel(this);
  progressText_->setObjectName("solveProgress");
  progressText_->setVisible(false);
  connect(model, &ExplorerModel::solveProgress, this, [this](int iterations, double gap, bool atLeast) {
    progressText_->setText((atLeast ? tr("step %1, gap > %2") : tr("step %1, gap %2")).arg(iterations).arg(gap, 0, 'g', 2));
  });
  if (composeForPopups()) statusBar()->addPermanentWidget(new PopupKeeper(statusBar()));
  statusBar()->addPermanentWidget(progressText_);
  statusBar()->addPermanentWidget(busy_);
  statusBar()->addPermanentWidget(cancel_);
  for (QLabel* l : {statusObjective_, statusMinority_, statusGap_, statusTime_}) statusBar()->addPermanentWidget(l);
  // Show progress only for solves slow enough to notice (general solves with many classes).
  busyDelay_ = new QTimer(this);
  busyDelay_->setSingleShot(true);
  busyDelay_->setInterval(250);
  connect(busyDelay_, &QTimer::timeout, this, [this, model] {
    busy_->setVisible(model->solving());
    cancel_->setVisible(model->solving());
    progressText_->setVisible(model->solving());
    // A slow solve: say that the views still show the last solved setting, and which one.
    if (const auto f = model->latest(); model->solving() && f && f->id != model->requestId())
      statusBar()->showMessage(tr("Solving K = %1… the views show the last solved setting (K = %2, R = %3)")
                                   .arg(model->params().K())
                                   .arg(f->params.K())
                                   .arg(QString::fromStdString(parameterText(f->params, "R"))));
  });
  statusBar()->showMessage(tr("Solving…"));

  player_ = new QVariantAnimation(this);
  {
    // The last range and speed a person chose (not the command line's state).
    QSettings settings;
    if (!setPlayRange(settings.value("play/from", playFrom_).toDouble(), settings.value("play/to", playTo_).toDouble(),
                      settings.value("play/seconds", playSeconds_).toDouble()))
      setPlayRange(1, 1e4, 8);
  }
  connect(player_, &QVariantAnimation::valueChanged, this, [model](const QVariant& v) {
    TwoSizeParams p = model->params();
    p.R = std::pow(10.0, v.toDouble());
    model->setParams(p, "R (play)");
  });
  connect(player_, &QVariantAnimation::finished, this, [this] { stop(); });

  buildMenus();

  connect(model, &ExplorerModel::solved, this, &MainWindow::onSolved);
  connect(model, &ExplorerModel::solvingChanged, this, [this](bool running) {
    if (running) {
      if (!busyDelay_->isActive()) busyDelay_->start();
    } else {
      busyDelay_->stop();
      busy_->setVisible(false);
      cancel_->setVisible(false);
      progressText_->setVisible(false);
      progressText_->clear();
    }
  });
  // One published frame, one update: the status bar, the explanation, the plot's current-R line
  // and the 3D view all change in onSolved, from the same SolvedFrame (the explanation only when
  // its text changes). The plot's curve and R0 change with the curve's own signals.
  // The current curve, and beside it the compared models (then the current minority curve is
  // one labelled entry of the family, as in an exported figure).
  auto drawCurves = [this, model] {
    std::vector<SweepPoint> curve = model->curve();
    const auto family = doc_->family();
    if (!family.empty())
      for (auto& pt : curve) pt.clearMinority(), pt.clearMajority();
    plot_->setQuantity(doc_->plotQuantity());
    plot_->setCurve(curve, model->curveParams().K());
    plot_->setFamily(family);
    plotFramesAfterCurve_ = 0;
  };
  connect(model, &ExplorerModel::curveChanged, this, drawCurves);
  connect(doc_, &Document::comparisonChanged, this, drawCurves);
  connect(doc_, &Document::viewChanged, this, drawCurves);  // what the plot shows is a view option
  connect(model, &ExplorerModel::transitionChanged, this, [this, model, drawCurves] {
    if (!doc_->compared().empty()) drawCurves();  // the current entry's label carries its R0
    plot_->setTransition(model->transition());
    plotFramesAfterCurve_ = 0;
    updateExplanation();
  });
  connect(model, &ExplorerModel::failed, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
  connect(plot_, &CosinePlot::rPicked, this, [model](double R) {
    TwoSizeParams p = model->params();
    p.R = R;
    model->setParams(p, "R");
  });
  connect(phase_, &PhaseView::picked, this, [this, model](double R, double y) {
    try {
      TwoSizeParams p = withPhaseAxis(model->params(), doc_->phase()->request().axis, y);
      p.R = clampToExplorer("R", R);
      model->endInteraction();
      model->setParams(p, "phase diagram");
      model->endInteraction();
    } catch (const Error& e) {
      statusBar()->showMessage(QString::fromStdString(e.what()), 8000);
    }
  });
  connect(scene_, &VtkOpenGLWidget::frameRendered, this, [this] { drawnFrameId_ = pendingFrameId_; });
  connect(plot_, &CosinePlot::frameRendered, this, [this] { ++plotFramesAfterCurve_; });

  plot_->setCurrentR(model->params().R);
  onViewChanged(doc_->view());
  updateExplanation();

  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1280, 800);
  restoreState(settings.value("window/state").toByteArray());
}

MainWindow::~MainWindow() = default;

QAction* MainWindow::action(const QString& id) const { return findChild<QAction*>(id); }

bool MainWindow::keepOrSaveChanges(const QString& title, const QString& question) {
  // A session opened from (or saved to) a file and changed since: ask before the changes go. An
  // untitled state of parameters only needs no question: the next start continues it (the
  // settings keep the parameters). One that holds more (a checkpoint, pinned networks, compared
  // models: the settings keep none of them) is asked about, and Save offers a file.
  if (!isWindowModified()) return true;
  const bool untitled = sessionPath_.isEmpty();
  if (untitled && !doc_->network() && doc_->pinned().empty() && doc_->compared().empty()) return true;
  const QString name = untitled ? (doc_->network() ? QFileInfo(QString::fromStdString(doc_->network()->request().path)).fileName()
                                                   : tr("Untitled"))
                                : sessionName_;
  const auto answer = QMessageBox::question(this, title, question.arg(name) + (untitled ? "\n\n" + tr("The checkpoint, pinned networks and compared models are kept only in a session file.") : QString()),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                            QMessageBox::Save);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save && untitled) {
    action("file.save-session")->trigger();  // its file dialog; cancelled there, nothing is lost
    return !isWindowModified();
  }
  QString error;
  if (answer == QMessageBox::Save && !saveSession(sessionPath_, &error)) {
    QMessageBox::warning(this, tr("Save Session"), error);
    return false;
  }
  return true;
}

void MainWindow::newSession() {
  if (!keepOrSaveChanges(tr("New Session"), tr("%1 has changes that are not saved. Save them before starting anew?")))
    return;
  stop();  // a sweep must not go on writing R into the new session
  doc_->newSession();
  sessionName_.clear();
  sessionPath_.clear();
  doc_->model()->undoStack()->clear();
  updateTitle();
  syncPresetCombo();
  statusBar()->showMessage(tr("New session: the default model, no checkpoint, nothing compared or pinned"), 5000);
}

void MainWindow::openSessionAsked(const QString& path) {
  if (!keepOrSaveChanges(tr("Open Session"), tr("%1 has changes that are not saved. Save them before opening another session?")))
    return;
  QString error;
  if (!openSession(path, &error)) {
    removeRecent(path);
    QMessageBox::warning(this, tr("Open Session"), error);
  }
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (!keepOrSaveChanges(tr("Close LPM Studio"), tr("%1 has changes that are not saved. Save them before closing?"))) {
    e->ignore();
    return;
  }
  if (persistSettings_) {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    doc_->saveSettings();
  }
  QMainWindow::closeEvent(e);
}

void MainWindow::openCheckpoint(const QString& path, const QString& features, const QString& labels,
                                bool allowUnsafeGlobals) {
  doc_->openNetwork({path.toStdString(), features.toStdString(), labels.toStdString(), "", allowUnsafeGlobals});
}

void MainWindow::onNetworkOpened(bool ok, const QString& message, const QString& unsafeGlobal) {
  if (ok) {
    // Opening a checkpoint into an untitled, unchanged window is opening a document, not a change
    // (into a saved session it is one: the session now refers to it).
    if (sessionPath_.isEmpty() && doc_->openedIntoCleanModel()) doc_->model()->undoStack()->setClean();
    const QString path = QString::fromStdString(doc_->network()->request().path);
    const auto& f = doc_->network()->featureAnalysis();
    if (f && !f->mismatch.empty())  // said where one looks after opening, not only in the panel
      statusBar()->showMessage(tr("Opened %1 — ⚠ %2").arg(path, QString::fromStdString(f->mismatch)), 15000);
    else
      statusBar()->showMessage(tr("Opened %1").arg(path), 6000);
    addRecent(path);  // only what opened
    return;
  }
  if (unsafeGlobal.isEmpty()) removeRecent(QString::fromStdString(doc_->lastRequest().path));  // gone or unreadable
  statusBar()->showMessage(message, 10000);
  // Not modal: the window stays usable (and scripted runs are not blocked).
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Open Checkpoint"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  if (!unsafeGlobal.isEmpty()) {
    box->setText(tr("<p><b>This file would run code if loaded with torch.load.</b></p>"
                    "<p>Its pickle calls <code>%1</code>. LPM Studio never runs code from a file, so it can still "
                    "read the tensors, but only open it if you want to look inside.</p>")
                     .arg(unsafeGlobal.toHtmlEscaped()));
    box->setStandardButtons(QMessageBox::Cancel);
    box->setObjectName("UnsafeCheckpointBox");
    auto* anyway = box->addButton(tr("Open Anyway (Tensors Only)"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, anyway, again = doc_->lastRequest()](QAbstractButton* b) mutable {
      if (b != static_cast<QAbstractButton*>(anyway)) return;
      again.allowUnsafeGlobals = true;
      doc_->openNetwork(again);
    });
  }
  box->open();
}

// Open Recent: sessions and checkpoints that opened (or were saved), newest first, at most 8.
QStringList MainWindow::recentFiles() const {
  QSettings settings;
  // A run that keeps no settings (started with --preset, a file, ...) still lists what it opened,
  // first, for this run only.
  QStringList list = persistSettings_ ? QStringList() : sessionRecent_;
  for (const QString& p : settings.value("recent/files").toStringList() + settings.value("recent/checkpoints").toStringList())
    if (!list.contains(p)) list << p;  // recent/checkpoints: the list of earlier versions
  return list.mid(0, 8);
}

void MainWindow::addRecent(const QString& path) {
  if (!persistSettings_) {  // a command-line run leaves the user's list alone, and keeps its own
    sessionRecent_.removeAll(path);
    sessionRecent_.prepend(path);
    updateRecent();
    return;
  }
  QStringList list = recentFiles();
  list.removeAll(path);
  list.prepend(path);
  QSettings settings;
  settings.setValue("recent/files", list.mid(0, 8));
  settings.remove("recent/checkpoints");
  updateRecent();
}

void MainWindow::removeRecent(const QString& path) {
  sessionRecent_.removeAll(path);
  if (!persistSettings_) return updateRecent();
  QStringList list = recentFiles();
  if (!list.removeAll(path)) return;
  QSettings settings;
  settings.setValue("recent/files", list);
  settings.remove("recent/checkpoints");
  updateRecent();
}

void MainWindow::updateRecent() {
  recentMenu_->clear();
  for (const QString& p : recentFiles())
    recentMenu_->addAction(p, this, [this, p] {
      if (!lpm::isSessionPath(p.toStdString())) return openCheckpoint(p);
      openSessionAsked(p);
    });
  recentMenu_->setEnabled(!recentMenu_->isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  for (const QUrl& url : e->mimeData()->urls())
    if (url.isLocalFile()) {
      const QString path = url.toLocalFile();
      if (isSessionPath(path.toStdString())) {
        openSessionAsked(path);
      } else {
        doc_->openDropped(path);  // read off the UI thread: labels, features or a checkpoint
      }
      break;
    }
}

bool MainWindow::setPlayRange(double from, double to, double seconds, QString* error) {
  QString why;
  if (!(from >= 1 && std::isfinite(from))) why = tr("the sweep must start at R >= 1, got %1").arg(from);
  else if (!(to <= 1e12)) why = tr("the sweep must end at R <= 10^12, got %1").arg(to);
  else if (!(to > from)) why = tr("the sweep must end above its start (%1), got %2").arg(from).arg(to);
  else if (!(seconds >= 1 && seconds <= 600)) why = tr("a sweep takes 1 to 600 seconds, got %1").arg(seconds);
  if (!why.isEmpty()) {
    if (error) *error = why;
    return false;
  }
  playFrom_ = from, playTo_ = to, playSeconds_ = seconds;
  stop();
  player_->setStartValue(std::log10(from));
  player_->setEndValue(std::log10(to));
  player_->setDuration(static_cast<int>(std::lround(seconds * 1000)));
  if (QAction* a = action("explore.play"))
    a->setToolTip(tr("Sweep R from %1 to %2 in %3 s and watch the minority classifiers merge (Space; the arrow "
                     "beside it sets the range and speed)")
                      .arg(from, 0, 'g', 4)
                      .arg(to, 0, 'g', 4)
                      .arg(seconds, 0, 'g', 3));
  return true;
}

void MainWindow::play() {
  if (player_->state() == QAbstractAnimation::Paused) player_->resume();
  else player_->start();
  QAction* a = action("explore.play");
  if (!a) return;
  QSignalBlocker block(a);
  a->setChecked(true);
  a->setText(tr("‖ Pause"));  // says what a press does; U+2016 is in DejaVu Sans, U+23F8 is not
}

void MainWindow::pause() {
  if (player_->state() == QAbstractAnimation::Running) player_->pause();
  doc_->model()->endInteraction();
  QAction* a = action("explore.play");
  if (!a) return;
  QSignalBlocker block(a);
  a->setChecked(false);
  a->setText(player_->state() == QAbstractAnimation::Paused ? tr("▶ Resume") : tr("▶ Play R sweep"));
}

void MainWindow::stop() {
  player_->stop();
  pause();
}

void MainWindow::setDarkTheme(bool dark) {
  ViewOptions v = doc_->view();
  v.dark = dark;
  doc_->setView(v);
}

void MainWindow::onSolved(std::shared_ptr<const SolvedFrame> f) {
  std::vector<bool> minority(f->params.K(), false);
  for (int k : f->solution.problem.minority) minority[k] = true;
  // Too many classes, or no unique geometry (the budget not used up): draw nothing stale or arbitrary.
  const bool drawn = f->geometry.W.rows() == f->params.K() && !nonUnique(f->solution);
  scene_->setConfiguration(drawn ? f->geometry.W : Eigen::MatrixX3d(), drawn ? f->geometry.H : Eigen::MatrixX3d(),
                           drawn ? minority : std::vector<bool>{});
  scene_->content().setSameClassifier(drawn ? f->geometry.sameClassifier : std::vector<int>{});
  scene_->content().setModelLegend(f->geometry.legend);
  scene_->content().setMinorityInset(drawn ? render::minorityInset(f->geometry, f->metrics) : render::MinorityInset{});
  scene_->setReference(drawn && doc_->view().etf ? f->geometry.etf : Eigen::MatrixX3d());
  scene_->setNote(QString::fromStdString(render::sceneNote(f->solution, f->geometry.captured, drawn)));
  pendingFrameId_ = f->id;
  plot_->setCurrentR(f->params.R);  // R = ∞ too: the chart marks it at the edge
  statusBar()->clearMessage();
  const StatusTexts t = statusTexts(*f);
  statusObjective_->setText(t.objective);
  statusMinority_->setText(t.minority);
  statusGap_->setText(t.gap);
  // A style sheet set is a re-polish even when it is the same: only on a change of certification.
  const QString gapStyle = t.certified ? QString() : QStringLiteral("color: #c00; font-weight: bold");
  if (statusGap_->styleSheet() != gapStyle) statusGap_->setStyleSheet(gapStyle);
  statusTime_->setText(t.time);
  updateExplanation();
}

QString MainWindow::statusText() const {
  return QStringList{statusObjective_->text(), statusMinority_->text(), statusGap_->text(), statusTime_->text()}.join(" | ");
}

QString MainWindow::explanationText() const { return explanation_->toPlainText(); }

void MainWindow::updateExplanation() {
  const auto f = doc_->model()->latest();
  if (!f) return;
  const QString html = explanationHtml(*f, *doc_->model(), presentation_);
  if (html == explanationHtml_) return;  // rich text is laid out only when it changes
  explanationHtml_ = html;
  explanation_->setHtml(html);
}

bool MainWindow::waitUntilSettled(int timeoutMs) {
  QDeadlineTimer deadline(timeoutMs);
  const ExplorerModel* model = doc_->model();
  while (!deadline.hasExpired()) {
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    const auto f = model->latest();
    const bool solved = f && f->id == model->requestId() && model->idle() && model->curveComplete();
    // The plot paints only while its tab is shown.
    if (solved && drawnFrameId_ == f->id && (plotFramesAfterCurve_ > 0 || !plot_->isVisible())) return true;
    if (solved) {
      scene_->requestRender();
      plot_->update();
    }
  }
  return false;
}

std::optional<CameraState> MainWindow::camera() const {
  CameraState cam;
  auto* c = scene_->camera();
  c->GetPosition(cam.position.data());
  c->GetFocalPoint(cam.focalPoint.data());
  c->GetViewUp(cam.viewUp.data());
  cam.viewAngle = c->GetViewAngle();
  return cam;
}

bool MainWindow::openSession(const QString& path, QString* error) {
  stop();
  if (!doc_->openSession(path, error)) return false;
  sessionName_ = QFileInfo(path).fileName();
  sessionPath_ = path;
  doc_->model()->undoStack()->setClean();
  updateTitle();
  syncPresetCombo();  // the session may name its preset
  addRecent(path);
  return true;
}

bool MainWindow::openLesson(const Lesson& lesson, int step, QString* error) {
  if (!lesson_->open(lesson, step, error)) return false;
  if (auto* dock = findChild<QDockWidget*>("LessonDock")) dock->show();
  syncPresetCombo();
  return true;
}

void MainWindow::setPresentation(bool on) {
  if (on == presentation_) return;
  presentation_ = on;
  if (QAction* a = action("view.presentation")) {
    QSignalBlocker b(a);
    a->setChecked(on);
  }
  auto* split = qobject_cast<QSplitter*>(centralWidget());
  if (on) {
    beforePresentation_ = {QApplication::palette(), QApplication::font(), QApplication::style()->name(), windowState(),
                           saveState(), split ? split->saveState() : QByteArray(), saveGeometry(), geometry()};
    QFont f = beforePresentation_.font;
    f.setPointSizeF(f.pointSizeF() * 1.5);
    QApplication::setFont(f);
    applyPresentationLook();
    showFullScreen();
  } else {
    // The style as it was: the dark theme's is ours (its name is Fusion's, which has no edges).
    if (beforePresentation_.palette.color(QPalette::Window).lightness() < 64) QApplication::setStyle(makeEdgedFusionStyle());
    else QApplication::setStyle(beforePresentation_.style);
    QApplication::setPalette(beforePresentation_.palette);
    QApplication::setFont(beforePresentation_.font);
    // The theme may have changed while presenting (View > Dark Theme): the window follows the
    // theme as it is now, not as it was (the views did, the panels and menus kept the old one).
    applyDarkPalette(doc_->view().dark);
    showNormal();
    setWindowState(beforePresentation_.state);
  }
  repolishStyleSheets();
  panel_->setPresentation(on);
  if (on) {
    // At 1.5x text four columns do not fit (with a checkpoint open the 3D view kept 160 px and the
    // Trained Network dock ran out of the screen): the network and design panels become tabs
    // beside the parameters, which stay in front; the lesson keeps its own column. Leaving
    // restores the docks as they were (restoreState below).
    auto* params = findChild<QDockWidget*>("ParametersDock");
    bool tabbed = false;
    for (const char* name : {"NetworkDock", "DesignDock"})
      if (auto* d = findChild<QDockWidget*>(name); d && params && d->isVisible() && !d->isFloating())
        tabifyDockWidget(params, d), tabbed = true;
    if (tabbed) params->raise();
    // The views keep their room: each visible dock takes about a fifth of the width, the views
    // share the rest; the parameters a little more (at 1.5x text a fifth left their sliders ~20 px).
    QList<QDockWidget*> docks;
    QList<int> widths;
    for (auto* d : findChildren<QDockWidget*>())
      if (d->isVisible() && dockWidgetArea(d) != Qt::NoDockWidgetArea)
        docks << d, widths << int(width() * (d->objectName() == "ParametersDock" ? 0.3 : 0.22));
    if (!docks.isEmpty()) resizeDocks(docks, widths, Qt::Horizontal);
    if (split) split->setSizes({1000, 1000});
  } else {
    // The layout as it was: the window's rectangle (restoreGeometry's frame arithmetic moved it
    // by 20 px without a window manager), then, once the window has its size back, the docks and
    // the splitter (restored at the full-screen size they would be rescaled).
    if (beforePresentation_.state == Qt::WindowNoState) setGeometry(beforePresentation_.normal);
    else restoreGeometry(beforePresentation_.geometry);
    QTimer::singleShot(0, this, [this, split] {
      // Qt 6.4's combo boxes forget their minimum size hint only on a style change, not on the
      // font's: at the larger text's it kept the tool bar 7 px taller.
      for (auto* c : findChildren<QComboBox*>()) {
        QEvent e(QEvent::StyleChange);
        QCoreApplication::sendEvent(c, &e);
      }
      restoreState(beforePresentation_.docks);
      if (split) split->restoreState(beforePresentation_.split);
    });
  }
  const double text = on ? 1.6 : 1.0;
  scene_->setTextScale(text);
  plot_->setTextScale(text);
  phase_->setTextScale(text);
  statusBar()->showMessage(on ? tr("Presentation: Esc or F5 leaves it") : QString(), 6000);
  updateExplanation();  // brief while presenting
}

void MainWindow::applyPresentationLook() {
  // High contrast for a projector: pure black on white (or white on black with the dark theme).
  const bool dark = doc_->view().dark;
  QApplication::setStyle(makeEdgedFusionStyle());
  QPalette p;
  const QColor bg = dark ? Qt::black : Qt::white, fg = dark ? Qt::white : Qt::black;
  for (auto role : {QPalette::Window, QPalette::Base, QPalette::Button, QPalette::AlternateBase, QPalette::ToolTipBase})
    p.setColor(role, bg);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::ToolTipText, QPalette::BrightText})
    p.setColor(role, fg);
  p.setColor(QPalette::Highlight, dark ? QColor(0xE6, 0x9F, 0x00) : QColor(0x00, 0x3D, 0x99));
  p.setColor(QPalette::HighlightedText, dark ? Qt::black : Qt::white);
  p.setColor(QPalette::Link, dark ? QColor(0x8c, 0xd4, 0xff) : QColor(0x00, 0x3D, 0x99));
  // Disabled controls must still look disabled (the "Next" of a lesson's last step).
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, QColor(0x8a, 0x8a, 0x8a));
  QApplication::setPalette(p);
}

bool MainWindow::openStateLink(const QString& link, QString* error) {
  Session s;
  try {
    if (!isStateLink(link.toStdString()))
      throw InvalidInput("not a state link: it must start with 'lpm-studio:?' (Edit > Copy State Link makes one)");
    s = sessionFromStateLink(link.toStdString());
  } catch (const Error& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  stop();
  if (!doc_->applySession(s, error)) return false;
  syncPresetCombo();
  updateTitle();
  statusBar()->showMessage(tr("Opened the state link"), 6000);
  return true;
}

bool MainWindow::saveSession(const QString& path, QString* error) {
  if (!doc_->saveSession(path, camera(), error)) return false;
  sessionName_ = QFileInfo(path).fileName();
  sessionPath_ = path;
  doc_->model()->undoStack()->setClean();
  updateTitle();
  statusBar()->showMessage(tr("Saved %1").arg(path), 6000);
  addRecent(path);
  return true;
}

void MainWindow::updateTitle() {
  QString name = sessionName_;
  if (name.isEmpty() && doc_->network()) name = QString::fromStdString(doc_->network()->fileName());
  if (name.isEmpty()) name = tr("Untitled");
  setWindowTitle(tr("%1[*] — LPM Studio").arg(name));
  setWindowModified(!doc_->model()->undoStack()->isClean());
}

render::ChartData MainWindow::chartData() const { return doc_->chartData(plot_->rMin(), plot_->rMax()); }

void MainWindow::exportDialog(int kind) {
  const ExportInfo& e = exportKinds()[static_cast<size_t>(kind)];
  QString filter;
  QString path = QFileDialog::getSaveFileName(this, tr("Export"), e.defaultName, tr(e.filter), &filter);
  if (path.isEmpty()) return;
  path = withFilterExtension(path, filter);
  ExportViews views;
  views.Rmin = plot_->rMin();
  views.Rmax = plot_->rMax();
  views.camera = camera();
  views.plot = {900, 600, 2};  // as `lpm figure --plot` draws it: the same page from the window and the CLI
  views.scene = {scene_->width(), scene_->height(), 2};
  try {
    std::unique_ptr<QProgressDialog> progress;
    auto step = [&](int done, int total) {
      if (!progress) {
        progress = std::make_unique<QProgressDialog>(tr("Rendering the R sweep…"), tr("Cancel"), 0, total, this);
        progress->setWindowModality(Qt::WindowModal);
      }
      progress->setValue(done);
      return !progress->wasCanceled();
    };
    writeExport(e.kind, *doc_, path.toStdString(), views, step);
    statusBar()->showMessage(tr("Wrote %1").arg(path), 6000);
  } catch (const std::exception& ex) {
    QMessageBox::warning(this, tr("Export"), QString::fromStdString(ex.what()));
  }
}

}  // namespace lpm::ui
