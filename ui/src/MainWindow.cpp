#include "lpm/ui/MainWindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QPushButton>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QFile>
#include <QFileInfo>
#include <QProgressDialog>
#include <QTextStream>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTextBrowser>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QVariantAnimation>

#include <algorithm>
#include <cmath>
#include <fstream>

#include <vtkCamera.h>
#include <vtkRenderer.h>

#include "lpm/Report.h"

#include "lpm/Version.h"
#include "lpm/ui/CheckpointPanel.h"
#include "lpm/ui/CosinePlot.h"
#include "lpm/ui/ParameterPanel.h"
#include "lpm/render/SceneContent.h"
#include "lpm/ui/SceneView.h"

namespace lpm::ui {
namespace {

QString num(double v, int prec = 6) {
  if (std::isinf(v)) return QStringLiteral("∞");
  return QString::number(v, 'g', prec);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), model_(new ExplorerModel(this)) {
  setWindowTitle(tr("LPM Studio — Layer-Peeled Model explorer"));
  setWindowIcon(QIcon(":/lpm/icons/lpm-studio.svg"));

  scene_ = new SceneView(this);
  plot_ = new CosinePlot(this);
  auto* split = new QSplitter(Qt::Horizontal, this);
  split->addWidget(scene_);
  split->addWidget(plot_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  setCentralWidget(split);

  panel_ = new ParameterPanel(model_, this);
  explanation_ = new QTextBrowser(this);
  explanation_->setOpenExternalLinks(false);
  auto* side = new QWidget(this);
  auto* sideLayout = new QVBoxLayout(side);
  sideLayout->setContentsMargins(4, 4, 4, 4);
  sideLayout->addWidget(panel_);
  sideLayout->addWidget(explanation_, 1);
  auto* dock = new QDockWidget(tr("Parameters"), this);
  dock->setObjectName("ParametersDock");
  dock->setWidget(side);
  dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, dock);

  network_ = new CheckpointPanel(model_, this);
  auto* netDock = new QDockWidget(tr("Trained Network"), this);
  netDock->setObjectName("NetworkDock");
  netDock->setWidget(network_);
  addDockWidget(Qt::RightDockWidgetArea, netDock);
  netDock->hide();  // shown when a checkpoint is opened
  connect(network_, &CheckpointPanel::finished, this, [this, netDock](bool ok, const QString& message, const QString& unsafe) {
    if (ok) netDock->show();
    onNetworkOpened(ok, message, unsafe);
  });
  connect(network_, &CheckpointPanel::networkPoint, this, [this](std::optional<double> R, std::optional<double> c) {
    networkR_ = R;
    networkCos_ = c;
    const QString name = network_->network() ? QFileInfo(network_->network()->path).fileName() : QString();
    plot_->setNetworkMarker(R, c, name);
  });
  connect(network_, &CheckpointPanel::networkChanged, this, &MainWindow::updateOverlay);
  connect(network_, &CheckpointPanel::pinnedChanged, this, [this] {
    std::vector<std::pair<double, double>> points;
    for (const auto& n : network_->pinned()) points.emplace_back(n.R, n.minorityCos);
    plot_->setPinnedMarkers(points);
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
  connect(cancel_, &QToolButton::clicked, model_, &ExplorerModel::cancelSolve);
  statusBar()->addPermanentWidget(busy_);
  statusBar()->addPermanentWidget(cancel_);
  for (QLabel* l : {statusObjective_, statusMinority_, statusGap_, statusTime_}) statusBar()->addPermanentWidget(l);
  // Show progress only for solves slow enough to notice (general solves with many classes).
  busyDelay_ = new QTimer(this);
  busyDelay_->setSingleShot(true);
  busyDelay_->setInterval(250);
  connect(busyDelay_, &QTimer::timeout, this, [this] {
    busy_->setVisible(model_->solving());
    cancel_->setVisible(model_->solving());
    // A slow solve: say that the views still show the last solved setting, and which one.
    if (model_->solving())
      if (const auto f = model_->latest(); f && f->id != model_->requestId())
        statusBar()->showMessage(tr("Solving K = %1… the views show the last solved setting (K = %2, R = %3)")
                                     .arg(model_->params().K())
                                     .arg(f->params.K())
                                     .arg(std::isinf(f->params.R) ? QStringLiteral("∞") : num(f->params.R, 5)));
  });
  statusBar()->showMessage(tr("Solving…"));

  player_ = new QVariantAnimation(this);
  player_->setStartValue(0.0);
  player_->setEndValue(4.0);
  player_->setDuration(8000);
  connect(player_, &QVariantAnimation::valueChanged, this, [this](const QVariant& v) {
    TwoSizeParams p = model_->params();
    p.R = std::pow(10.0, v.toDouble());
    model_->setParams(p, "R (play)");
  });
  connect(player_, &QVariantAnimation::finished, this, [this] {
    model_->endInteraction();
    playAction_->setChecked(false);
  });

  buildMenus();

  connect(model_, &ExplorerModel::solved, this, &MainWindow::onSolved);
  connect(model_, &ExplorerModel::solvingChanged, this, [this](bool running) {
    if (running) {
      if (!busyDelay_->isActive()) busyDelay_->start();
    } else {
      busyDelay_->stop();
      busy_->setVisible(false);
      cancel_->setVisible(false);
    }
  });
  // One published frame, one update: the status bar, the explanation, the plot's current-R line
  // and the 3D view all change in onSolved, from the same SolvedFrame (the explanation only when
  // its text changes). The plot's curve and R0 change with the curve's own signals.
  connect(model_, &ExplorerModel::curveChanged, this, [this] {
    plot_->setCurve(model_->curve(), model_->curveParams().K());
    plotFramesAfterCurve_ = 0;
  });
  connect(model_, &ExplorerModel::transitionChanged, this, [this] {
    plot_->setTransition(model_->transition());
    plotFramesAfterCurve_ = 0;
    updateExplanation();
  });
  connect(model_, &ExplorerModel::failed, this, [this](const QString& m) { statusBar()->showMessage(m, 8000); });
  connect(plot_, &CosinePlot::rPicked, this, [this](double R) {
    TwoSizeParams p = model_->params();
    p.R = R;
    model_->setParams(p, "R");
  });
  connect(scene_, &VtkOpenGLWidget::frameRendered, this, [this] { drawnFrameId_ = pendingFrameId_; });
  connect(plot_, &VtkOpenGLWidget::frameRendered, this, [this] { ++plotFramesAfterCurve_; });

  plot_->setCurrentR(model_->params().R);
  updateExplanation();

  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1280, 800);
  restoreState(settings.value("window/state").toByteArray());
}

MainWindow::~MainWindow() = default;

void MainWindow::closeEvent(QCloseEvent* e) {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  const auto& p = model_->params();
  settings.setValue("params/EW", p.EW);
  settings.setValue("params/EH", p.EH);
  settings.setValue("params/KA", p.KA);
  settings.setValue("params/KB", p.KB);
  settings.setValue("params/R", std::isinf(p.R) ? QString("inf") : QString::number(p.R, 'g', 17));
  settings.setValue("params/wr", p.wr);
  settings.setValue("params/profile", p.profile == SizeProfile::Exponential ? "exponential" : "step");
  QMainWindow::closeEvent(e);
}

void MainWindow::openCheckpoint(const QString& path, const QString& features, const QString& labels,
                                bool allowUnsafeGlobals) {
  QSettings settings;
  QStringList recent = settings.value("recent/checkpoints").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  settings.setValue("recent/checkpoints", recent.mid(0, 8));
  updateRecent();
  network_->openFile({path, features, labels, allowUnsafeGlobals});
}

void MainWindow::onNetworkOpened(bool ok, const QString& message, const QString& unsafeGlobal) {
  if (ok) {
    if (pendingMinority_) {
      const int K = network_->analysis() ? network_->analysis()->K : 0;
      if (std::all_of(pendingMinority_->begin(), pendingMinority_->end(), [K](int k) { return k < K; }))
        network_->setMinority(*pendingMinority_);
      pendingMinority_.reset();
    }
    statusBar()->showMessage(tr("Opened %1").arg(network_->network()->path), 6000);
    return;
  }
  pendingMinority_.reset();
  statusBar()->showMessage(message, 10000);
  // Not modal: the window stays usable (and scripted runs are not blocked).
  if (!unsafeGlobal.isEmpty()) {
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Open Checkpoint"),
                                tr("<p><b>This file would run code if loaded with torch.load.</b></p>"
                                   "<p>Its pickle calls <code>%1</code>. LPM Studio never runs code from a file, so it "
                                   "can still read the tensors, but only open it if you want to look inside.</p>")
                                    .arg(unsafeGlobal.toHtmlEscaped()),
                                QMessageBox::Cancel, this);
    box->setObjectName("UnsafeCheckpointBox");
    auto* anyway = box->addButton(tr("Open Anyway (Tensors Only)"), QMessageBox::AcceptRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const CheckpointPanel::OpenRequest again = network_->lastRequest();
    connect(box, &QMessageBox::buttonClicked, this, [this, anyway, again](QAbstractButton* b) {
      if (b != static_cast<QAbstractButton*>(anyway)) return;
      CheckpointPanel::OpenRequest r = again;
      r.allowUnsafeGlobals = true;
      network_->openFile(r);
    });
    box->open();
    return;
  }
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Open Checkpoint"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

bool MainWindow::networkOverlayShown() const { return overlayAction_->isChecked() && overlay_.rows() > 0; }

void MainWindow::updateOverlay() {
  overlay_.resize(0, 3);
  std::optional<double> distance;
  const auto f = model_->latest();
  const auto& e = network_->embedding();
  if (f && e) {
    if (const auto o = overlayNetwork(e->W, network_->modelOrder(), f->solution, f->geometry)) {
      overlay_ = o->W;
      distance = o->distance;
    }
  }
  network_->setModelDistance(distance);
  const bool shown = overlayAction_->isChecked() && overlay_.rows() > 0;
  scene_->content().setOverlay(shown ? overlay_ : Eigen::MatrixX3d());
  scene_->update();
}

void MainWindow::updateRecent() {
  recentMenu_->clear();
  for (const QString& p : QSettings().value("recent/checkpoints").toStringList())
    recentMenu_->addAction(p, this, [this, p] { openCheckpoint(p); });
  recentMenu_->setEnabled(!recentMenu_->isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  for (const QUrl& url : e->mimeData()->urls())
    if (url.isLocalFile()) {
      const QString path = url.toLocalFile();
      if (path.endsWith(".json")) {
        QString error;
        if (!openSession(path, &error)) QMessageBox::warning(this, tr("Open Session"), error);
      } else {
        openDropped(path);
      }
      break;
    }
}

void MainWindow::openDropped(const QString& path) {
  // Labels or features dropped next to a loaded network join it; anything else is a checkpoint.
  const auto* net = network_->network();
  io::ArrayFileRole role = io::ArrayFileRole::Checkpoint;
  const QString suffix = QFileInfo(path).suffix().toLower();
  // Only small array files are peeked at here, on the UI thread; checkpoints load in the background.
  if (net && !network_->loading() && (suffix == "npy" || suffix == "npz")) {
    try {
      role = io::guessArrayRole(io::Checkpoint::open(path.toStdString()), net->data.K(), static_cast<int>(net->data.W.cols()));
    } catch (const std::exception&) {
      role = io::ArrayFileRole::Checkpoint;  // the checkpoint path reports why it cannot be read
    }
  }
  switch (role) {
    case io::ArrayFileRole::Labels: network_->loadLabels(path); break;
    case io::ArrayFileRole::FeaturesWithLabels: network_->loadFeatures(path); break;
    case io::ArrayFileRole::Features:
      if (!net->labelsPath.isEmpty()) {
        network_->loadFeatures(path);
        break;
      }
      statusBar()->showMessage(tr("%1 looks like features: drop the labels first (or an .npz with both)")
                                   .arg(QFileInfo(path).fileName()), 10000);
      break;
    case io::ArrayFileRole::Checkpoint: openCheckpoint(path); break;
  }
}

void MainWindow::restoreLastParams() {
  QSettings s;
  if (!s.contains("params/EW")) return;
  TwoSizeParams p;
  p.EW = s.value("params/EW").toDouble();
  p.EH = s.value("params/EH").toDouble();
  p.KA = s.value("params/KA").toInt();
  p.KB = s.value("params/KB").toInt();
  const QString R = s.value("params/R").toString();
  p.R = R == "inf" ? kInfinity : R.toDouble();
  p.wr = s.value("params/wr").toDouble();
  p.profile = s.value("params/profile").toString() == "exponential" ? SizeProfile::Exponential : SizeProfile::Step;
  QString error;
  if (model_->setParams(p, "restore", &error)) model_->undoStack()->clear();  // a corrupt entry is ignored
}

void MainWindow::buildMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* open = file->addAction(tr("&Open Session…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"), QString(), tr("LPM sessions (*.json)"));
    QString error;
    if (!path.isEmpty() && !openSession(path, &error)) QMessageBox::warning(this, tr("Open Session"), error);
  });
  open->setShortcut(QKeySequence::Open);
  auto* save = file->addAction(tr("&Save Session…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Session"), "session.json", tr("LPM sessions (*.json)"));
    QString error;
    if (!path.isEmpty() && !saveSession(path, &error)) QMessageBox::warning(this, tr("Save Session"), error);
  });
  save->setShortcut(QKeySequence::Save);
  auto* openNet = file->addAction(tr("Open &Checkpoint…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Checkpoint"), QString(),
        tr("Network weights (*.pt *.pth *.bin *.ckpt *.tar *.safetensors *.npy *.npz);;All files (*)"));
    if (!path.isEmpty()) openCheckpoint(path);
  });
  openNet->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  updateRecent();
  file->addSeparator();
  auto* exportMenu = file->addMenu(tr("&Export"));
  const char* exports[] = {QT_TR_NOOP("&Plot (PDF, SVG, PNG)…"), QT_TR_NOOP("&Scene (PNG, glTF)…"),
                           QT_TR_NOOP("&Figure: Scene + Plot (PNG, PDF)…"), QT_TR_NOOP("&Curve Data (CSV)…"),
                           QT_TR_NOOP("Solution (&JSON)…"), QT_TR_NOOP("&Animation of the R Sweep (OGV or PNG frames)…")};
  for (int i = 0; i < 6; ++i) exportMenu->addAction(tr(exports[i]), this, [this, i] { exportDialog(i); });
  auto* shot = file->addAction(tr("Save Window &Screenshot…"), this, &MainWindow::saveScreenshotDialog);
  shot->setShortcut(QKeySequence(tr("Ctrl+Shift+S")));
  file->addSeparator();
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* edit = menuBar()->addMenu(tr("&Edit"));
  auto* undo = model_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  auto* redo = model_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);

  auto* view = menuBar()->addMenu(tr("&View"));
  auto* reset = view->addAction(tr("&Reset View"), this, [this] {
    scene_->resetCamera();
    model_->resetView();
  });
  reset->setShortcut(QKeySequence(tr("Ctrl+0")));
  const char* names[] = {QT_TR_NOOP("View Along &X"), QT_TR_NOOP("View Along &Y"), QT_TR_NOOP("View Along &Z"),
                         QT_TR_NOOP("&Isometric")};
  for (int i = 0; i < 4; ++i) {
    auto* a = view->addAction(tr(names[i]), this, [this, i] { scene_->standardView(i); });
    a->setShortcut(QKeySequence(QString("Ctrl+%1").arg(i + 1)));
  }
  view->addSeparator();
  auto toggle = [&](const QString& text, bool on, auto fn) {
    auto* a = view->addAction(text);
    a->setCheckable(true);
    a->setChecked(on);
    connect(a, &QAction::toggled, this, fn);
    return a;
  };
  meansAction_ = toggle(tr("Class &Means"), true, [this](bool on) { scene_->setShowMeans(on); });
  labelsAction_ = toggle(tr("Class &Labels"), true, [this](bool on) { scene_->setShowLabels(on); });
  sphereAction_ = toggle(tr("Unit &Sphere"), true, [this](bool on) { scene_->setShowUnitSphere(on); });
  etfAction_ = toggle(tr("Simplex &ETF Reference"), false, [this](bool on) {
    if (auto f = model_->latest(); f && on) scene_->setReference(f->geometry.etf);
    else scene_->setReference({});
  });
  axesAction_ = toggle(tr("&Axes"), false, [this](bool on) { scene_->setShowAxes(on); });
  unitArrowsAction_ = toggle(tr("Arrows Show &Directions Only"), false, [this](bool on) { scene_->setUnitArrows(on); });
  overlayAction_ = toggle(tr("Trained &Network Overlay"), true, [this](bool) { updateOverlay(); });
  overlayAction_->setToolTip(tr("Draw a loaded network's classifiers over the model's, turned onto them by the best "
                                "orthogonal map (Procrustes)"));
  auto* focusMenu = view->addMenu(tr("3D Axes From"));
  auto* focusGroup = new QActionGroup(this);
  const std::pair<QString, GeometryTracker::Focus> focuses[] = {
      {tr("Classifiers (principal axes)"), GeometryTracker::Focus::Classifiers},
      {tr("Classifiers and Class Means"), GeometryTracker::Focus::All},
      {tr("Minority Classifiers"), GeometryTracker::Focus::Minority},
      {tr("Majority Classifiers"), GeometryTracker::Focus::Majority}};
  for (const auto& [text, focus] : focuses) {
    auto* a = focusMenu->addAction(text, this, [this, f = focus] { model_->setProjectionFocus(f); });
    a->setCheckable(true);
    a->setChecked(focus == GeometryTracker::Focus::Classifiers);
    focusGroup->addAction(a);
  }
  scene_->setShowUnitSphere(true);
  view->addSeparator();
  darkAction_ = toggle(tr("&Dark Theme"), false, [this](bool on) { setDarkTheme(on); });
  darkAction_->setChecked(QSettings().value("view/dark", false).toBool());

  auto* presetsMenu = menuBar()->addMenu(tr("&Presets"));
  for (const auto& p : presets())
    presetsMenu->addAction(QString::fromStdString(p.title), this, [this, name = QString::fromStdString(p.name)] { applyPreset(name); });

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About LPM Studio"), this, [this] {
    QMessageBox::about(this, tr("About LPM Studio"),
                       tr("<h3>LPM Studio %1</h3><p>An explorer of the Layer-Peeled Model.</p>"
                          "<p>C. Fang, H. He, Q. Long, W. J. Su, <i>Exploring Deep Neural Networks via "
                          "Layer-Peeled Model: Minority Collapse in Imbalanced Training</i>, PNAS 118(43), 2021.</p>")
                           .arg(LPM_VERSION_STRING));
  });
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

  auto* tools = addToolBar(tr("Explore"));
  tools->setObjectName("ExploreToolbar");
  playAction_ = tools->addAction(tr("▶ Play R sweep"));
  playAction_->setObjectName("explore.play");
  playAction_->setCheckable(true);
  playAction_->setShortcut(QKeySequence(Qt::Key_Space));
  playAction_->setToolTip(tr("Sweep R from 1 to 10^4 and watch the minority classifiers merge (Space)"));
  connect(playAction_, &QAction::toggled, this, [this](bool on) { on ? play() : stop(); });
  tools->addAction(reset);
  tools->addSeparator();
  auto* combo = new QComboBox(this);
  combo->setObjectName("PresetCombo");
  combo->addItem(tr("Presets…"));
  for (const auto& p : presets()) combo->addItem(QString::fromStdString(p.title), QString::fromStdString(p.name));
  connect(combo, &QComboBox::activated, this, [this, combo](int i) {
    if (i > 0) applyPreset(combo->itemData(i).toString());
    combo->setCurrentIndex(0);
  });
  tools->addWidget(combo);
}

void MainWindow::play() {
  player_->stop();
  player_->start();
  playAction_->setChecked(true);
}

void MainWindow::stop() {
  player_->stop();
  model_->endInteraction();
  playAction_->setChecked(false);
}

bool MainWindow::applyPreset(const QString& name) {
  const auto p = findPreset(name.toStdString());
  if (!p) return false;
  model_->endInteraction();
  const bool ok = model_->setParams(p->params, "preset " + name);
  model_->endInteraction();
  if (ok) preset_ = name;
  return ok;
}

void MainWindow::setDarkTheme(bool dark) {
  QSettings().setValue("view/dark", dark);
  scene_->setDarkBackground(dark);
  plot_->setDarkTheme(dark);
}

void MainWindow::onSolved(std::shared_ptr<const SolvedFrame> f) {
  const auto& m = f->metrics;
  const bool certified = f->solution.certified;
  std::vector<bool> minority(f->params.K(), false);
  for (int k : f->solution.problem.minority) minority[k] = true;
  if (f->geometry.W.rows() == f->params.K()) {
    scene_->setConfiguration(f->geometry.W, f->geometry.H, minority);
    if (etfAction_->isChecked()) scene_->setReference(f->geometry.etf);
    scene_->setNote(QString::fromStdString(render::sceneNote(f->solution, f->geometry.captured, true)));
  } else {
    // Too many classes to draw (and to decompose on every step): say so, draw nothing stale.
    scene_->setConfiguration({}, {}, {});
    scene_->setReference({});
    scene_->setNote(QString::fromStdString(render::sceneNote(f->solution, f->geometry.captured, false)));
  }
  pendingFrameId_ = f->id;
  plot_->setCurrentR(std::isinf(f->params.R) ? plot_->rMax() : f->params.R);
  if (network_->embedding()) updateOverlay();
  statusBar()->clearMessage();
  statusObjective_->setText(tr("objective %1").arg(num(f->solution.objective, 10)));
  QString minor;
  switch (m.minorityState) {
    case MinorityState::Vanished: minor = tr("minority vanished (‖w‖ = %1)").arg(num(m.minorityW.normMean, 3)); break;
    case MinorityState::Collapsed: minor = tr("minority cos %1 — collapsed").arg(num(*m.minorityCos(), 6)); break;
    case MinorityState::Spread:
      minor = m.minorityCos() ? tr("minority cos %1").arg(num(*m.minorityCos(), 6)) : tr("minority cos —");
      break;
    case MinorityState::Single: minor = tr("one minority class (no pairwise cosine)"); break;
    case MinorityState::Uncertified: minor = tr("minority state: not certified"); break;
  }
  statusMinority_->setText(minor);
  statusGap_->setText(certified ? tr("gap %1").arg(QString::number(f->solution.gap, 'e', 1))
                                : tr("NOT CERTIFIED: gap %1").arg(QString::number(f->solution.gap, 'e', 1)));
  statusGap_->setStyleSheet(certified ? QString() : QStringLiteral("color: #c00; font-weight: bold"));
  statusTime_->setText(tr("%1 ms").arg(QString::number(f->solution.solveMs, 'f', 2)));
  updateExplanation();
}

QString MainWindow::statusText() const {
  return QStringList{statusObjective_->text(), statusMinority_->text(), statusGap_->text(), statusTime_->text()}.join(" | ");
}

QString MainWindow::explanationText() const { return explanation_->toPlainText(); }

void MainWindow::updateExplanation() {
  // Everything here describes the published frame (its parameters, not the newest request's).
  const auto f = model_->latest();
  if (!f) return;
  const auto& p = f->params;
  const auto& m = f->metrics;
  QString state = tr("<p><b>Now</b> (R = %1): ").arg(std::isinf(p.R) ? QStringLiteral("∞") : num(p.R, 5));
  switch (m.minorityState) {
    case MinorityState::Uncertified:
      state += tr("<b style='color:#c00'>not certified</b>: the solver's duality gap %1 stayed above 10<sup>−9</sup> × "
                  "min(f, log K − f) after %2 attempts, so nothing is claimed about the minority classifiers.</p>")
                   .arg(QString::number(f->solution.gap, 'e', 1))
                   .arg(f->solution.attempts);
      break;
    case MinorityState::Vanished:
      state += tr("the minority classifiers have <b>vanished</b> (mean ‖w<sub>k</sub>‖ = %1): the whole budget went to "
                  "the majority, and they have no direction, hence no cosine. Certified gap %2.</p>")
                   .arg(num(m.minorityW.normMean, 3))
                   .arg(QString::number(f->solution.gap, 'e', 1));
      break;
    case MinorityState::Single:
      state += tr("one minority class: no pairwise cosine. Certified gap %1.</p>")
                   .arg(QString::number(f->solution.gap, 'e', 1));
      break;
    default:
      state += tr("minority classifiers are <b>%1</b>, average pairwise cosine %2. Certified gap %3 "
                  "(%4 relative).</p>")
                   .arg(QString::fromStdString(toString(m.minorityState)))
                   .arg(num(*m.minorityCos(), 4))
                   .arg(QString::number(f->solution.gap, 'e', 1))
                   .arg(QString::number(f->solution.relativeGap(), 'e', 0));
  }
  // R0 and R_vanish of this frame's setting, once computed (one criterion: TransitionResult).
  QString story;
  const auto t = model_->curveMatches(p) ? model_->transition() : std::nullopt;
  if (p.KB < 2) {
    story = tr("With one minority class there is no pair to collapse: R<sub>0</sub> is undefined here.");
  } else if (model_->curveMatches(p) && model_->curveComplete() && !model_->curveError().isEmpty()) {
    story = tr("<span style='color:#c00'>The curve and R<sub>0</sub> could not be computed: %1</span>")
                .arg(model_->curveError().toHtmlEscaped());
  } else if (!t) {
    story = tr("As R grows the minority classifiers draw together (R<sub>0</sub>: computing…).");
  } else if (t->collapse.status == Bracket::Found) {
    story = tr("As R grows the minority classifiers draw together and, above R<sub>0</sub> = %1, become parallel "
               "(cosine ≥ 1 − 10<sup>−3</sup>): <b>Minority Collapse</b>.")
                .arg(num(t->collapse.R, 5));
    if (t->vanish.value())
      story += tr(" From R = %1 on they vanish (‖w<sub>k</sub>‖ → 0).").arg(num(t->vanish.R, 5));
  } else if (t->first == FirstEvent::Vanish) {
    story = tr("Here the minority classifiers <b>vanish</b> from R = %1 before they become parallel: their norm goes "
               "to zero while their cosine is still below 1 − 10<sup>−3</sup>, so R<sub>0</sub> is undefined.")
                .arg(num(t->vanish.R, 5));
  } else if (t->collapse.status == Bracket::Beyond) {
    story = tr("At this budget the minority classifiers draw together only slowly: no collapse up to R = %1 "
               "(R<sub>0</sub> lies beyond). Smaller E<sub>W</sub>·E<sub>H</sub> brings R<sub>0</sub> down.")
                .arg(num(t->Rmax, 3));
  } else {
    story = QString::fromStdString(t->summary()).toHtmlEscaped() + ".";
  }
  const QString html =
      tr("<h4>What you see</h4>"
         "<p>Arrows: classifiers w<sub>k</sub>; spheres: class means h<sub>k</sub>, both recovered from the optimal "
         "Gram matrix of the convex relaxation (Eq. 15, Lemma 1) and drawn on their three principal axes. "
         "<span style='color:#0072B2'>Blue</span>: %1 majority classes; <span style='color:#D55E00'>vermillion</span>: "
         "%2 minority classes%6.</p>"
         "<p>With balanced classes the optimum is a simplex ETF (Theorem 1): pairwise cosine −1/(K−1). %3 "
         "Oversampling by w<sub>r</sub> acts like n<sub>B</sub> → w<sub>r</sub> n<sub>B</sub> "
         "(Eq. 18).</p>%4<p>Only E<sub>W</sub>·E<sub>H</sub> = %5 shapes the geometry.</p>")
          .arg(p.KA)
          .arg(p.KB)
          .arg(story)
          .arg(state)
          .arg(num(p.EW * p.EH, 4))
          .arg(p.profile == SizeProfile::Exponential
                   ? tr(" (long tail: n<sub>k</sub> = R<sup>−k/(K−1)</sup>, minority sizes × w<sub>r</sub>)")
                   : tr(" with n<sub>B</sub> = n<sub>A</sub> w<sub>r</sub> / R"));
  if (html == explanationHtml_) return;  // rich text is laid out only when it changes
  explanationHtml_ = html;
  explanation_->setHtml(html);
}

void MainWindow::saveScreenshotDialog() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Save Screenshot"), "lpm-studio.png", tr("PNG images (*.png)"));
  if (path.isEmpty()) return;
  if (!grab().save(path)) QMessageBox::warning(this, tr("Save Screenshot"), tr("Could not write %1").arg(path));
}

bool MainWindow::waitUntilSettled(int timeoutMs) {
  QDeadlineTimer deadline(timeoutMs);
  while (!deadline.hasExpired()) {
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    const auto f = model_->latest();
    const bool solved = f && f->id == model_->requestId() && model_->idle() && model_->curveComplete();
    if (solved && drawnFrameId_ == f->id && plotFramesAfterCurve_ > 0) return true;
    if (solved) {
      scene_->update();
      plot_->update();
    }
  }
  return false;
}

}  // namespace lpm::ui

namespace lpm::ui {

Session MainWindow::currentSession() const {
  Session s;
  s.params = model_->params();
  if (!preset_.isEmpty()) {
    const auto p = findPreset(preset_.toStdString());
    const auto& b = s.params;
    if (p && p->params.EW == b.EW && p->params.EH == b.EH && p->params.KA == b.KA && p->params.KB == b.KB &&
        p->params.R == b.R && p->params.wr == b.wr && p->params.profile == b.profile)
      s.preset = preset_.toStdString();
  }
  CameraState cam;
  auto* c = scene_->camera();
  c->GetPosition(cam.position.data());
  c->GetFocalPoint(cam.focalPoint.data());
  c->GetViewUp(cam.viewUp.data());
  cam.viewAngle = c->GetViewAngle();
  s.camera = cam;
  s.view.unitSphere = sphereAction_->isChecked();
  s.view.means = meansAction_->isChecked();
  s.view.labels = labelsAction_->isChecked();
  s.view.etf = etfAction_->isChecked();
  s.view.unitArrows = unitArrowsAction_->isChecked();
  s.view.dark = darkAction_->isChecked();
  s.view.networkOverlay = overlayAction_->isChecked();
  if (const auto* net = network_->network()) {
    s.checkpoint = net->path.toStdString();
    if (!net->featuresPath.isEmpty()) s.features = net->featuresPath.toStdString();
    if (!net->labelsPath.isEmpty()) s.labels = net->labelsPath.toStdString();
    if (network_->analysis()) s.minority = network_->analysis()->minority;
  }
  s.pinned = network_->pinned();
  return s;
}

bool MainWindow::saveSession(const QString& path, QString* error) const {
  try {
    lpm::saveSession(currentSession(), path.toStdString());
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
}

bool MainWindow::openSession(const QString& path, QString* error) {
  Session s;
  try {
    s = lpm::loadSession(path.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  model_->endInteraction();
  if (!model_->setParams(s.params, "session", error)) return false;
  model_->endInteraction();
  preset_ = s.preset ? QString::fromStdString(*s.preset) : QString();
  if (!s.warnings.empty()) statusBar()->showMessage(QString::fromStdString(s.warnings.front()), 10000);
  sphereAction_->setChecked(s.view.unitSphere);
  meansAction_->setChecked(s.view.means);
  labelsAction_->setChecked(s.view.labels);
  etfAction_->setChecked(s.view.etf);
  unitArrowsAction_->setChecked(s.view.unitArrows);
  darkAction_->setChecked(s.view.dark);
  overlayAction_->setChecked(s.view.networkOverlay);
  network_->setPinned(s.pinned);
  if (s.checkpoint) {
    const auto* net = network_->network();
    const QString file = QString::fromStdString(*s.checkpoint), features = QString::fromStdString(s.features.value_or("")),
                  labels = QString::fromStdString(s.labels.value_or(""));
    if (!net || net->path != file || net->featuresPath != features || net->labelsPath != labels) {
      pendingMinority_ = s.minority;
      openCheckpoint(file, features, labels);  // in the background; a missing file says so
    } else if (s.minority) {
      network_->setMinority(*s.minority);
    }
  }
  if (s.camera) {
    auto* c = scene_->camera();
    c->SetPosition(s.camera->position.data());
    c->SetFocalPoint(s.camera->focalPoint.data());
    c->SetViewUp(s.camera->viewUp.data());
    c->SetViewAngle(s.camera->viewAngle);
    scene_->renderer()->ResetCameraClippingRange();
    scene_->update();
  }
  return true;
}

render::ChartData MainWindow::chartData() const {
  render::ChartData d;
  d.curve = model_->curve();
  d.K = model_->curveParams().K();
  d.Rmin = plot_->rMin();
  d.Rmax = plot_->rMax();
  d.currentR = std::isinf(model_->params().R) ? d.Rmax : model_->params().R;
  d.transition = model_->transition();
  d.networkR = networkR_;
  d.networkCos = networkCos_;
  if (network_->network()) d.networkName = QFileInfo(network_->network()->path).fileName().toStdString();
  for (const auto& n : network_->pinned()) d.pinned.emplace_back(n.R, n.minorityCos);
  return d;
}

render::SceneData MainWindow::sceneData() const {
  render::SceneData d;
  const Session s = currentSession();
  if (const auto f = model_->latest()) {
    d.W = f->geometry.W;
    d.H = f->geometry.H;
    d.etf = f->geometry.etf;
    d.minority.assign(f->params.K(), false);
    for (int k : f->solution.problem.minority) d.minority[k] = true;
    d.note = render::sceneNote(f->solution, f->geometry.captured, f->geometry.W.rows() == f->params.K());
  }
  d.view = s.view;
  d.camera = s.camera;
  if (networkOverlayShown()) d.overlay = overlay_;
  return d;
}

void MainWindow::exportDialog(int what) {
  static const char* filters[] = {"PDF (*.pdf);;SVG (*.svg);;PNG (*.png)", "PNG (*.png);;glTF (*.gltf)",
                                  "PNG (*.png);;PDF (*.pdf)", "CSV (*.csv)", "JSON (*.json)",
                                  "Ogg Theora video (*.ogv);;Folder of PNG frames (*)"};
  static const char* names[] = {"lpm-plot.pdf", "lpm-scene.png", "lpm-figure.png", "lpm-curve.csv",
                                "lpm-solution.json", "lpm-sweep.ogv"};
  const QString path = QFileDialog::getSaveFileName(this, tr("Export"), names[what], tr(filters[what]));
  if (path.isEmpty()) return;
  const auto f = model_->latest();
  try {
    switch (what) {
      case 0: render::exportChart(chartData(), path.toStdString(), {plot_->width(), plot_->height(), 2}); break;
      case 1: render::exportScene(sceneData(), path.toStdString(), {scene_->width(), scene_->height(), 2}); break;
      case 2: {
        const auto t = f && model_->curveMatches(f->params) ? model_->transition() : std::nullopt;
        const std::string caption = f ? render::captionFor(f->params, f->solution, f->metrics, t) : "";
        render::exportCombined(sceneData(), chartData(), caption, path.toStdString(), {1600, 700, 1});
        break;
      }
      case 3: {
        std::ofstream out(path.toStdString());
        if (!out) throw std::runtime_error("cannot write " + path.toStdString());
        writeSweepCsvHeader(out);
        const TwoSizeParams cp = model_->curveParams();
        for (const auto& pt : model_->curve()) writeSweepCsvRow(out, cp, pt);
        nlohmann::json side = provenanceJson(&cp, model_->solveOptions());
        side["inputs"].erase("R");
        side["rows"] = model_->curve().size();
        side["complete"] = model_->curveComplete();
        if (const auto t = model_->transition()) side["transition"] = transitionJson(*t);
        if (!writeSidecar(path.toStdString(), side)) throw std::runtime_error("cannot write " + path.toStdString() + ".json");
        break;
      }
      case 4: {
        if (!f) throw std::runtime_error("nothing solved yet");
        std::ofstream out(path.toStdString());
        if (!out) throw std::runtime_error("cannot write " + path.toStdString());
        out << solutionJson(f->solution, f->metrics, f->params.K() <= 200, provenanceJson(&f->params, model_->solveOptions()))
                   .dump(2)
            << "\n";
        break;
      }
      case 5: {
        const int frames = 120;
        QProgressDialog progress(tr("Rendering the R sweep…"), tr("Cancel"), 0, frames, this);
        progress.setWindowModality(Qt::WindowModal);
        render::writeRSweepAnimation(model_->params(), chartData(), sceneData(), path.toStdString(), {1280, 560, 1},
                                     frames, 24, [&](int done) {
                                       progress.setValue(done);
                                       return !progress.wasCanceled();
                                     });
        break;
      }
    }
    statusBar()->showMessage(tr("Wrote %1").arg(path), 6000);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Export"), QString::fromStdString(e.what()));
  }
}

}  // namespace lpm::ui
