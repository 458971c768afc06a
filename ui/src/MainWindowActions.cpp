// MainWindow's actions: every menu and toolbar entry with its stable id (file.open-session,
// view.means, export.plot, explore.play, ...), and the View toggles, which edit the document's
// ViewOptions and are set back from it (onViewChanged).
#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QActionGroup>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QUrl>
#include <QVBoxLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QPushButton>
#include <QTextBrowser>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QShortcut>
#include <QSignalBlocker>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>

#include <iterator>
#include <tuple>

#include "lpm/Error.h"
#include "lpm/Parameters.h"
#include "lpm/Version.h"
#include "lpm/render/SceneContent.h"
#include "lpm/ui/ChoiceCombo.h"
#include "lpm/ui/CheckpointPanel.h"
#include "lpm/ui/CosinePlot.h"
#include <QPalette>
#include <QStyle>
#include "lpm/ui/Document.h"
#include "lpm/ui/Exports.h"
#include "lpm/ui/ExplorerModel.h"
#include "lpm/Lesson.h"
#include "lpm/StateLink.h"
#include "lpm/ui/MainWindow.h"
#include "lpm/ui/PhaseView.h"
#include "lpm/ui/ParameterPanel.h"
#include "lpm/ui/SceneView.h"

namespace lpm::ui {

QAction* MainWindow::addAction(QMenu* menu, const QString& id, const QString& text, const QKeySequence& key) {
  auto* a = menu->addAction(text);
  a->setObjectName(id);  // action(id) finds it (a child of the menu, so of the window)
  if (!key.isEmpty()) a->setShortcut(key);
  return a;
}

void MainWindow::buildMenus() {
  auto fileDialog = [this](bool save, const QString& title, const QString& name, const QString& filter) {
    QString chosen;
    return save ? withFilterExtension(QFileDialog::getSaveFileName(this, title, name, filter, &chosen), chosen)
                : QFileDialog::getOpenFileName(this, title, name, filter);
  };
  auto* file = menuBar()->addMenu(tr("&File"));
  connect(addAction(file, "file.new-session", tr("&New Session"), QKeySequence::New), &QAction::triggered, this,
          &MainWindow::newSession);
  connect(addAction(file, "file.open-session", tr("&Open Session…"), QKeySequence::Open), &QAction::triggered, this,
          [this, fileDialog] {
            const QString path = fileDialog(false, tr("Open Session"), {}, tr("LPM sessions (*.json)"));
            if (!path.isEmpty()) openSessionAsked(path);
          });
  connect(addAction(file, "file.save-session", tr("&Save Session…"), QKeySequence::Save), &QAction::triggered, this,
          [this, fileDialog] {
            const QString path = fileDialog(true, tr("Save Session"), "session.json", tr("LPM sessions (*.json)"));
            QString error;
            if (!path.isEmpty() && !saveSession(path, &error)) QMessageBox::warning(this, tr("Save Session"), error);
          });
  connect(addAction(file, "file.open-checkpoint", tr("Open &Checkpoint…"), QKeySequence(tr("Ctrl+Shift+O"))),
          &QAction::triggered, this, [this, fileDialog] {
            const QString path = fileDialog(false, tr("Open Checkpoint"), {},
                                            tr("Network weights (*.pt *.pth *.bin *.ckpt *.tar *.safetensors *.npy *.npz *.index.json);;"
                                               "All files (*)"));
            if (!path.isEmpty()) openCheckpoint(path);
          });
  connect(addAction(file, "file.open-lesson", tr("Open &Lesson…")), &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Lesson"), QString(), tr("Lessons (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    try {
      if (openLesson(loadLesson(path.toStdString()), 0, &error)) return;
    } catch (const std::exception& e) {
      error = QString::fromStdString(e.what());
    }
    QMessageBox::warning(this, tr("Open Lesson"), error);
  });
  QAction* closeNet = addAction(file, "file.close-checkpoint", tr("C&lose Checkpoint"));
  closeNet->setEnabled(false);
  connect(closeNet, &QAction::triggered, doc_, &Document::closeNetwork);
  connect(doc_, &Document::networkChanged, closeNet, [this, closeNet] { closeNet->setEnabled(doc_->network() != nullptr); });
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  updateRecent();
  file->addSeparator();
  auto* exportMenu = file->addMenu(tr("&Export"));
  for (const auto& e : exportKinds())
    connect(addAction(exportMenu, e.id, tr(e.menuText)), &QAction::triggered, this,
            [this, k = static_cast<int>(e.kind)] { exportDialog(k); });
  connect(addAction(file, "file.screenshot", tr("Save Window &Screenshot…"), QKeySequence(tr("Ctrl+Shift+S"))),
          &QAction::triggered, this, [this, fileDialog] {
            const QString path = fileDialog(true, tr("Save Screenshot"), "lpm-studio.png", tr("PNG images (*.png)"));
            if (!path.isEmpty() && !VtkOpenGLWidget::grabWithViews(this).save(path))
              QMessageBox::warning(this, tr("Save Screenshot"), tr("Could not write %1").arg(path));
          });
  file->addSeparator();
  connect(addAction(file, "file.quit", tr("&Quit"), QKeySequence::Quit), &QAction::triggered, this, &QWidget::close);

  auto* edit = menuBar()->addMenu(tr("&Edit"));
  QUndoStack* undo = doc_->model()->undoStack();
  for (auto [a, id, key] : {std::tuple{undo->createUndoAction(this, tr("&Undo")), "edit.undo", QKeySequence::Undo},
                            std::tuple{undo->createRedoAction(this, tr("&Redo")), "edit.redo", QKeySequence::Redo}}) {
    a->setObjectName(id);
    a->setShortcut(key);
    edit->addAction(a);
  }
  edit->addSeparator();
  // The whole session as one line of text (lpm/StateLink.h), to send to students.
  connect(addAction(edit, "edit.copy-link", tr("&Copy State Link"), QKeySequence(tr("Ctrl+Shift+C"))), &QAction::triggered,
          this, [this] {
            const QString link = QString::fromStdString(stateLink(currentSession()));
            QGuiApplication::clipboard()->setText(link);
            statusBar()->showMessage(tr("Copied the state link (%1 characters): paste it with Edit > Paste State").arg(link.size()), 8000);
          });
  connect(addAction(edit, "edit.paste-state", tr("&Paste State"), QKeySequence(tr("Ctrl+Shift+V"))), &QAction::triggered,
          this, [this] {
            QString error;
            if (!openStateLink(QGuiApplication::clipboard()->text(), &error))
              QMessageBox::warning(this, tr("Paste State"), error);
          });

  auto* view = menuBar()->addMenu(tr("&View"));
  QAction* present = addAction(view, "view.presentation", tr("&Presentation"), QKeySequence(Qt::Key_F5));
  present->setCheckable(true);
  present->setToolTip(tr("Full screen, larger text, high contrast, the rows marked Hide in Presentation hidden"));
  connect(present, &QAction::toggled, this, &MainWindow::setPresentation);
  auto* leave = new QShortcut(QKeySequence(Qt::Key_Escape), this);
  leave->setObjectName("presentation.leave");
  connect(leave, &QShortcut::activated, this, [this] {
    if (presentation_) setPresentation(false);
  });
  view->addSeparator();
  QAction* reset = addAction(view, "view.reset", tr("&Reset View"), QKeySequence(tr("Ctrl+0")));
  connect(reset, &QAction::triggered, this, [this] {
    scene_->resetCamera();
    doc_->model()->resetView();
  });
  const char* along[][2] = {{"view.along-x", QT_TR_NOOP("View Along &X")}, {"view.along-y", QT_TR_NOOP("View Along &Y")},
                            {"view.along-z", QT_TR_NOOP("View Along &Z")}, {"view.isometric", QT_TR_NOOP("&Isometric")}};
  for (int i = 0; i < 4; ++i)
    connect(addAction(view, along[i][0], tr(along[i][1]), QKeySequence(QString("Ctrl+%1").arg(i + 1))), &QAction::triggered,
            this, [this, i] { scene_->standardView(i); });
  view->addSeparator();
  // The toggles edit the document's ViewOptions; onViewChanged() sets them back and draws.
  const std::pair<const char*, bool ViewOptions::*> toggles[] = {
      {"view.means", &ViewOptions::means},          {"view.labels", &ViewOptions::labels},
      {"view.sphere", &ViewOptions::unitSphere},    {"view.etf", &ViewOptions::etf},
      {"view.axes", &ViewOptions::axes},            {"view.unit-arrows", &ViewOptions::unitArrows},
      {"view.overlay", &ViewOptions::networkOverlay}, {"view.dark", &ViewOptions::dark}};
  const char* toggleText[] = {QT_TR_NOOP("Class &Means"), QT_TR_NOOP("Class &Labels"), QT_TR_NOOP("Unit &Sphere"),
                              QT_TR_NOOP("Simplex &ETF Reference"), QT_TR_NOOP("&Axes"),
                              QT_TR_NOOP("Arrows Show &Directions Only"), QT_TR_NOOP("Trained &Network Overlay"),
                              QT_TR_NOOP("&Dark Theme")};
  for (size_t i = 0; i < std::size(toggles); ++i) {
    if (std::string(toggles[i].first) == "view.dark") view->addSeparator();
    QAction* a = addAction(view, toggles[i].first, tr(toggleText[i]));
    a->setCheckable(true);
    connect(a, &QAction::toggled, this, [this, field = toggles[i].second](bool on) {
      ViewOptions v = doc_->view();
      if (v.*field == on) return;
      v.*field = on;
      doc_->setView(v);
    });
  }
  action("view.overlay")->setToolTip(tr("Draw a loaded network's classifiers over the model's, turned onto them by the "
                                        "best orthogonal map (Procrustes)"));
  auto* focusMenu = view->addMenu(tr("3D Axes From"));
  auto* focusGroup = new QActionGroup(this);
  // Action ids are view.focus-<name>, <name> the session's view.axes_from (lpm::focusName).
  const std::pair<const char*, const char*> focuses[] = {{"groups", QT_TR_NOOP("Both Groups' Structure")},
                                                         {"classifiers", QT_TR_NOOP("Classifiers (principal axes)")},
                                                         {"all", QT_TR_NOOP("Classifiers and Class Means")},
                                                         {"minority", QT_TR_NOOP("Minority Classifiers")},
                                                         {"majority", QT_TR_NOOP("Majority Classifiers")}};
  for (const auto& [name, text] : focuses) {
    QAction* a = addAction(focusMenu, QString("view.focus-") + name, tr(text));
    connect(a, &QAction::triggered, this, [this, n = std::string(name)] {
      ViewOptions v = doc_->view();
      if (v.axesFrom == n) return;
      v.axesFrom = n;
      doc_->setView(v);
    });
    a->setCheckable(true);
    focusGroup->addAction(a);
  }

  // The plot's R range: fixed choices, or extended automatically to show R0 (the default).
  auto* rangeMenu = view->addMenu(tr("Plot &R Range"));
  auto* rangeGroup = new QActionGroup(this);
  const std::pair<const char*, double> ranges[] = {
      {"view.range-auto", 0}, {"view.range-4", 1e4}, {"view.range-6", 1e6}, {"view.range-8", 1e8}, {"view.range-12", 1e12}};
  for (const auto& [id, Rmax] : ranges) {
    const QString text = Rmax == 0 ? tr("From 1 to &Beyond R0 (automatic)")
                                   : tr("From 1 to 10^%1").arg(static_cast<int>(std::lround(std::log10(Rmax))));
    QAction* a = addAction(rangeMenu, id, text);
    a->setCheckable(true);
    a->setChecked(Rmax == 0);
    rangeGroup->addAction(a);
    connect(a, &QAction::triggered, this, [this, Rmax = Rmax] {
      doc_->setPlotRange(Rmax == 0 ? std::nullopt : std::optional<double>(Rmax));
    });
  }
  // Any other end of the range (a session's or a state link's plot_rmax, or typed here).
  QAction* custom = addAction(rangeMenu, "view.range-custom", tr("From 1 to a &Chosen R..."));
  custom->setCheckable(true);
  rangeGroup->addAction(custom);
  connect(custom, &QAction::triggered, this, [this] {
    bool ok = false;
    const double Rmax = QInputDialog::getDouble(this, tr("Plot R Range"),
                                                tr("The plot runs from R = 1 to (%1 to %2):")
                                                    .arg(kMinPlotRmax, 0, 'g')
                                                    .arg(kMaxPlotRmax, 0, 'g'),
                                                doc_->plotRmax(), kMinPlotRmax, kMaxPlotRmax, 0, &ok);
    if (ok && validPlotRmax(Rmax)) doc_->setPlotRange(Rmax);
    else doc_->setPlotRange(doc_->plotRangeAuto() ? std::nullopt : std::optional<double>(doc_->plotRmax()));
  });

  // What the plot's curves show: the model's own quantity, or one chosen.
  auto* plotMenu = view->addMenu(tr("&Plot Shows"));
  auto* plotGroup = new QActionGroup(this);
  const std::pair<const char*, const char*> plots[] = {
      {"auto", QT_TR_NOOP("The Model's Own (classifier cosine; feature cosine without learned classifiers)")},
      {"classifier-cos", QT_TR_NOOP("Classifier Cosine")},
      {"feature-cos", QT_TR_NOOP("Class-Mean Feature Cosine")},
      {"classifier-norm-ratio", QT_TR_NOOP("Classifier Norm Ratio (minority / majority)")},
      {"feature-norm-ratio", QT_TR_NOOP("Feature Norm Ratio (minority / majority)")}};
  for (const auto& [name, text] : plots) {
    QAction* a = addAction(plotMenu, QString("view.plot-") + name, tr(text));
    a->setCheckable(true);
    plotGroup->addAction(a);
    connect(a, &QAction::triggered, this, [this, n = std::string(name)] {
      ViewOptions v = doc_->view();
      if (v.plot == n) return;
      v.plot = n;
      doc_->setView(v);
    });
  }

  view->addSeparator();
  for (const char* name : {"DesignDock", "NetworkDock"})
    if (auto* dock = findChild<QDockWidget*>(name)) view->addAction(dock->toggleViewAction());

  auto* compare = menuBar()->addMenu(tr("&Compare"));
  connect(addAction(compare, "compare.add", tr("&Add Current Model to the Plot"), QKeySequence(tr("Ctrl+D"))),
          &QAction::triggered, this, [this] {
            QString error;
            if (!doc_->compareCurrent(&error)) statusBar()->showMessage(error, 6000);
          });
  QAction* pinsModels = addAction(compare, "compare.pins", tr("Add the &Pinned Networks' Models"));
  pinsModels->setToolTip(tr("Each pinned network's model curve (its own fitted EW and EH) beside the current one"));
  connect(pinsModels, &QAction::triggered, this, [this] {
    QString error;
    if (!doc_->comparePinnedModels(&error)) statusBar()->showMessage(error, 6000);
  });
  connect(doc_, &Document::pinnedChanged, this, [this, pinsModels] { pinsModels->setEnabled(!doc_->pinned().empty()); });
  pinsModels->setEnabled(false);
  auto* removeMenu = compare->addMenu(tr("&Remove"));
  removeMenu->setObjectName("compare.remove");
  auto rebuildRemove = [this, removeMenu] {
    removeMenu->clear();
    const auto family = doc_->family();  // entry 0 is the current model
    for (int i = 0; i < static_cast<int>(doc_->compared().size()); ++i) {
      const QString label = i + 1 < static_cast<int>(family.size()) ? QString::fromStdString(family[i + 1].label)
                                                                    : tr("model %1 (computing…)").arg(i + 1);
      QAction* a = removeMenu->addAction(label);
      a->setObjectName(QString("compare.remove-%1").arg(i));
      connect(a, &QAction::triggered, this, [this, i] { doc_->removeCompared(i); });
    }
    removeMenu->setEnabled(!doc_->compared().empty());
  };
  connect(doc_, &Document::comparisonChanged, this, rebuildRemove);
  rebuildRemove();
  connect(addAction(compare, "compare.clear", tr("&Clear Comparison")), &QAction::triggered, doc_,
          &Document::clearComparison);

  auto* presetsMenu = menuBar()->addMenu(tr("&Presets"));
  for (const auto& p : presets())
    connect(addAction(presetsMenu, QString::fromStdString("presets." + p.name), QString::fromStdString(p.title)),
            &QAction::triggered, this, [this, name = QString::fromStdString(p.name)] { applyPreset(name); });

  auto* help = menuBar()->addMenu(tr("&Help"));
  // The manual shipped in the resources (resources/guide/), opened at a page.
  auto openGuide = [this](const QString& page) {
    auto* dialog = findChild<QDialog*>("GuideDialog");
    if (!dialog) {
      dialog = new QDialog(this);
      dialog->setObjectName("GuideDialog");
      dialog->setWindowTitle(tr("LPM Studio User Guide"));
      dialog->resize(820, 680);
      auto* browser = new QTextBrowser(dialog);
      browser->setObjectName("GuideBrowser");
      browser->setSearchPaths({":/lpm/guide"});
      browser->setOpenExternalLinks(true);
      auto* back = new QPushButton(tr("◀ Back"), dialog);
      auto* home = new QPushButton(tr("Contents"), dialog);
      connect(back, &QPushButton::clicked, browser, &QTextBrowser::backward);
      connect(browser, &QTextBrowser::backwardAvailable, back, &QPushButton::setEnabled);
      connect(home, &QPushButton::clicked, browser, [browser] { browser->setSource(QUrl("qrc:/lpm/guide/index.html")); });
      auto* buttons = new QHBoxLayout;
      buttons->addWidget(back);
      buttons->addWidget(home);
      buttons->addStretch(1);
      auto* layout = new QVBoxLayout(dialog);
      layout->addLayout(buttons);
      layout->addWidget(browser);
    }
    dialog->findChild<QTextBrowser*>("GuideBrowser")->setSource(QUrl("qrc:/lpm/guide/" + page));
    dialog->show();
    dialog->raise();
  };
  connect(addAction(help, "help.guide", tr("&User Guide"), QKeySequence::HelpContents), &QAction::triggered, this,
          [openGuide] { openGuide("index.html"); });
  connect(addAction(help, "help.glossary", tr("&Glossary of the Numbers")), &QAction::triggered, this,
          [openGuide] { openGuide("glossary.html"); });
  QMenu* lessons = help->addMenu(tr("&Lessons"));
  for (const auto& l : builtinLessons())
    connect(addAction(lessons, QString::fromStdString("help.lesson." + l.name), QString::fromStdString(l.title)),
            &QAction::triggered, this, [this, l] {
              QString error;
              if (!openLesson(l, 0, &error)) QMessageBox::warning(this, tr("Lesson"), error);
            });
  connect(addAction(help, "help.about", tr("&About LPM Studio")), &QAction::triggered, this, [this] {
    QMessageBox::about(this, tr("About LPM Studio"),
                       tr("<h3>LPM Studio %1</h3><p>An explorer of the Layer-Peeled Model.</p>"
                          "<p>C. Fang, H. He, Q. Long, W. J. Su, <i>Exploring Deep Neural Networks via "
                          "Layer-Peeled Model: Minority Collapse in Imbalanced Training</i>, PNAS 118(43), 2021.</p>")
                           .arg(LPM_VERSION_STRING));
  });
  connect(addAction(help, "help.about-qt", tr("About &Qt")), &QAction::triggered, qApp, &QApplication::aboutQt);

  auto* tools = addToolBar(tr("Explore"));
  tools->setObjectName("ExploreToolbar");
  QAction* play = tools->addAction(tr("▶ Play R sweep"));
  play->setObjectName("explore.play");
  play->setCheckable(true);
  play->setShortcut(QKeySequence(Qt::Key_Space));
  connect(play, &QAction::toggled, this, [this](bool on) { on ? this->play() : pause(); });
  // The arrow beside Play: range and speed, and a stop that rewinds.
  auto* playMenu = new QMenu(this);
  connect(addAction(playMenu, "explore.play-settings", tr("Play &Range and Speed…")), &QAction::triggered, this,
          &MainWindow::editPlayRange);
  connect(addAction(playMenu, "explore.stop", tr("&Stop (back to the start)")), &QAction::triggered, this,
          &MainWindow::stop);
  play->setMenu(playMenu);
  // A visible arrow of its own beside the button (the default needs a press-and-hold).
  if (auto* button = qobject_cast<QToolButton*>(tools->widgetForAction(play))) button->setPopupMode(QToolButton::MenuButtonPopup);
  setPlayRange(playFrom_, playTo_, playSeconds_);  // its tooltip
  tools->addAction(reset);
  tools->addSeparator();
  // As wide as the tool bar leaves, 24 characters at least: sized to its longest title it went
  // into the tool bar's overflow menu when presentation's 1.5x text came on (ChoiceCombo shortens
  // a title that does not fit to the part before its colon).
  auto* combo = new ChoiceCombo(this);
  combo->setObjectName("PresetCombo");
  combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo->setMinimumContentsLength(24);
  combo->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  combo->addItem(tr("Presets…"));
  for (const auto& p : presets()) combo->addItem(QString::fromStdString(p.title), QString::fromStdString(p.name));
  connect(combo, &QComboBox::activated, this, [this, combo](int i) {
    if (i > 0) applyPreset(combo->itemData(i).toString());
    syncPresetCombo();
  });
  connect(doc_->model(), &ExplorerModel::paramsChanged, this, &MainWindow::syncPresetCombo);
  tools->addWidget(combo);
}

void MainWindow::repolishStyleSheets() {
  // Widgets with a style sheet keep the font and palette they were polished with: polish them
  // again after the application's change (theme, presentation).
  for (QWidget* w : QApplication::allWidgets())
    if (!w->styleSheet().isEmpty()) w->setStyleSheet(w->styleSheet());
}

void MainWindow::applyDarkPalette(bool dark) {
  // The whole window follows the theme, not only the views: panels, menus, text and entries.
  // The palette is the application's, shared by every window: so is the record of which it is.
  static const QPalette light = QApplication::palette();
  static const QString lightStyle = QApplication::style()->name();
  static bool applied = false;
  if (dark == applied) return;
  applied = dark;
  if (!dark) {
    QApplication::setStyle(lightStyle);
    QApplication::setPalette(light);
    repolishStyleSheets();
    return;
  }
  // Fusion (the platform style may ignore a palette), with a light edge round controls: Fusion's
  // outline is the window colour darkened, and the unticked check boxes (the class table's
  // minority column, "R = ∞") could not be seen on the dark window.
  QApplication::setStyle(makeEdgedFusionStyle());
  QPalette p;
  const QColor window(0x2a, 0x2c, 0x31), base(0x1f, 0x21, 0x25), text(0xe8, 0xe8, 0xea), mid(0x3a, 0x3d, 0x44);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, mid);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, Qt::white);
  p.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xd0));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xee));
  p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9c, 0xa3));
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, QColor(0x80, 0x82, 0x88));
  // Disabled text is etched with the Light colour (white by default): on dark it blurred the
  // disabled menu items ("Close Checkpoint") into looking enabled.
  p.setColor(QPalette::Disabled, QPalette::Light, window);
  QApplication::setPalette(p);
  repolishStyleSheets();
}

bool MainWindow::applyPreset(const QString& name) {
  stop();  // Play would move the preset's R at once
  const bool ok = doc_->applyPreset(name);
  syncPresetCombo();
  return ok;
}

void MainWindow::syncPresetCombo() {
  // The active preset while the parameters are still the preset's own, else "Presets…".
  auto* combo = findChild<QComboBox*>("PresetCombo");
  if (!combo) return;
  QSignalBlocker block(combo);
  const int i = doc_->preset().isEmpty() ? -1 : combo->findData(doc_->preset());
  combo->setCurrentIndex(i > 0 ? i : 0);
  if (plot_) plot_->setTitle(doc_->plotTitle());  // the plot's title follows the preset as its exports' does
}

void MainWindow::editPlayRange() {
  QDialog dialog(this);
  dialog.setObjectName("PlayRangeDialog");
  dialog.setWindowTitle(tr("Play Range and Speed"));
  auto* form = new QFormLayout(&dialog);
  auto* from = new QLineEdit(QString::number(playFrom_, 'g', 15), &dialog);
  auto* to = new QLineEdit(QString::number(playTo_, 'g', 15), &dialog);
  auto* seconds = new QLineEdit(QString::number(playSeconds_, 'g', 15), &dialog);
  from->setObjectName("playFrom"), to->setObjectName("playTo"), seconds->setObjectName("playSeconds");
  form->addRow(tr("From R"), from);
  form->addRow(tr("To R"), to);
  form->addRow(tr("In seconds"), seconds);
  auto* why = new QLabel(&dialog);
  why->setObjectName("playError");
  why->setStyleSheet("color: #b00020");
  why->setWordWrap(true);
  form->addRow(why);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
    // Numbers as the parameter entries read them (1e6, inf refused by the range); a bad entry
    // says why and the dialog stays.
    try {
      const double a = parseNumber("From R", from->text().toStdString()), b = parseNumber("To R", to->text().toStdString()),
                   t = parseNumber("In seconds", seconds->text().toStdString());
      QString error;
      if (!setPlayRange(a, b, t, &error)) throw InvalidInput(error.toStdString());
    } catch (const Error& e) {
      why->setText(QString::fromStdString(e.what()));
      return;
    }
    if (persistSettings_) {
      QSettings settings;
      settings.setValue("play/from", playFrom_);
      settings.setValue("play/to", playTo_);
      settings.setValue("play/seconds", playSeconds_);
    }
    dialog.accept();
  });
  dialog.exec();
}

void MainWindow::checkInGroup(QAction* a) {
  // Not under QSignalBlocker: the group learns of the change from the action's signals (it then
  // unchecks the others and knows which one is checked, so a click on it does not uncheck it).
  // The menus act on triggered(), which setChecked does not emit.
  if (a && !a->isChecked()) a->setChecked(true);
}

void MainWindow::onViewChanged(const ViewOptions& v) {
  const std::pair<const char*, bool> state[] = {{"view.means", v.means},       {"view.labels", v.labels},
                                                {"view.sphere", v.unitSphere}, {"view.etf", v.etf},
                                                {"view.axes", v.axes},         {"view.unit-arrows", v.unitArrows},
                                                {"view.overlay", v.networkOverlay}, {"view.dark", v.dark}};
  for (const auto& [id, on] : state) {
    QAction* a = action(id);
    QSignalBlocker block(a);
    a->setChecked(on);
  }
  for (const std::string& id : {"view.plot-" + v.plot, "view.focus-" + v.axesFrom})
    checkInGroup(action(QString::fromStdString(id)));
  scene_->setShowMeans(v.means);
  scene_->setShowLabels(v.labels);
  scene_->setShowUnitSphere(v.unitSphere);
  scene_->setShowAxes(v.axes);
  scene_->setUnitArrows(v.unitArrows);
  const auto f = doc_->model()->latest();
  scene_->setReference(v.etf && f ? f->geometry.etf : Eigen::MatrixX3d());
  scene_->content().setOverlay(doc_->overlayShown() ? doc_->overlay()->W : Eigen::MatrixX3d());
  scene_->setDarkBackground(v.dark);
  network_->networkScene()->setDarkBackground(v.dark);  // both 3D views: one theme
  plot_->setDarkTheme(v.dark);
  phase_->setDarkTheme(v.dark);
  if (presentation_) applyPresentationLook();
  else applyDarkPalette(v.dark);
  panel_->setHiddenInPresentation({v.presentationHidden.begin(), v.presentationHidden.end()});
  scene_->requestRender();
}

}  // namespace lpm::ui
