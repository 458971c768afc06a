// lpm-studio: the LPM Studio desktop application.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QMessageBox>
#include <QTimer>
#include <QTextStream>
#include <QUndoStack>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "lpm/Lesson.h"
#include "lpm/Parameters.h"
#include "lpm/Session.h"
#include "lpm/StateLink.h"
#include "lpm/Presets.h"
#include "lpm/Files.h"
#include "lpm/Version.h"
#include "lpm/ui/Application.h"
#include "lpm/ui/CheckpointPanel.h"
#include "lpm/ui/CosinePlot.h"
#include "lpm/ui/MainWindow.h"
#include "lpm/ui/SceneView.h"

namespace {

int fail(const QString& message, int code = 2) {
  std::fprintf(stderr, "lpm-studio: %s\n", qPrintable(message));
  return code;
}

// --set NAME=VALUE: the registry's rule, shared with `lpm figure --set` (lpm/Parameters.h).
bool applySet(lpm::TwoSizeParams& p, const QString& assignment, QString* error) {
  try {
    lpm::applyAssignment(p, assignment.toStdString());
    return true;
  } catch (const lpm::InvalidInput& e) {
    *error = QString::fromStdString(e.what());
    return false;
  }
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(std::ceil(q * v.size())) - 1);
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--version") || !std::strcmp(argv[i], "-v")) {
      std::printf("lpm-studio %s\n", LPM_VERSION_STRING);
      return 0;
    }
  QString noDisplay;
  const bool wantsHelp = std::any_of(argv + 1, argv + argc, [](const char* a) { return !std::strcmp(a, "--help") || !std::strcmp(a, "-h"); });
  if (!wantsHelp && !lpm::ui::prepareGuiProcess(&noDisplay)) return fail(noDisplay, 1);
  if (wantsHelp) qputenv("QT_QPA_PLATFORM", "minimal");

  QApplication app(argc, argv);
  lpm::ui::setupApplication();
  QCommandLineParser cli;
  cli.setApplicationDescription("LPM Studio: explore Minority Collapse in the Layer-Peeled Model.");
  cli.addHelpOption();
  cli.addOption({"version", "Print the version and exit."});
  cli.addOption({"preset", QString("Start from a preset: %1.").arg(QString::fromStdString(lpm::presetNames())), "NAME"});
  cli.addOption({"set",
                 QString("Set a parameter (%1, K), e.g. --set R=100. Repeatable.")
                     .arg(QString::fromStdString(lpm::parameterNames())),
                 "NAME=VALUE"});
  cli.addOption({"lesson", QString("Open a lesson in the Lesson panel: %1, or a lesson file (.json).")
                               .arg(QString::fromStdString(lpm::lessonNames())),
                 "NAME"});
  cli.addOption({"step", "With --lesson: the step to open (1 = the first).", "N"});
  cli.addOption({"size", "Window size, e.g. 1280x800.", "WxH"});
  cli.addOption({"screenshot", "Open in the given state, wait until solved and drawn, save the window, exit.", "OUT.png"});
  cli.addOption({"bench-latency", "Time slider change -> drawn frame over a scripted drag of 200 steps; print JSON."});
  cli.addOption({"K", "Classes for --bench-latency (KA = KB = K/2).", "K", "10"});
  cli.addOption({"dark", "Dark theme."});
  cli.addOption({"presentation", "Start in presentation mode (full screen, large text; Esc leaves it)."});
  cli.addOption({"KA", "Checkpoint: the first KA classes are the majority.", "N"});
  cli.addOption({"minority", "Checkpoint: 0-based minority classes, comma separated.", "i,j,..."});
  cli.addOption({"features", "Checkpoint: penultimate-layer features (N x p, .npy/.npz; an .npz may hold 'labels' too).", "F.npy"});
  cli.addOption({"labels", "Checkpoint: labels (N, .npy); class counts give the imbalance ratio.", "L.npy"});
  cli.addOption({"network-tab", "Checkpoint: the panel's tab to show: classifier, classes, 3d or tensors.", "TAB"});
  cli.addOption({"allow-unsafe-globals", "Checkpoint: read the tensors of a file whose pickle names code-running "
                                         "globals (nothing is ever run)."});
  cli.addPositionalArgument("file", "A session (.json), a checkpoint (.pt, .pth, .safetensors, .npz, ...) or a state "
                                    "link ('lpm-studio:?v=1&...', from Edit > Copy State Link) to open.",
                            "[file]");
  cli.process(app);

  if (cli.isSet("network-tab")) {
    const QStringList& tabs = lpm::ui::CheckpointPanel::tabNames();
    if (!tabs.contains(cli.value("network-tab").toLower()))
      return fail(QString("--network-tab takes %1").arg(tabs.join(", ")));
    if (cli.positionalArguments().isEmpty()) return fail("--network-tab needs a checkpoint to show");
  }
  if (cli.isSet("screenshot")) {  // a folder, or one that does not exist: said before any work
    try {
      lpm::checkWritableFile(cli.value("screenshot").toStdString());
    } catch (const lpm::Error& e) {
      return fail(QString::fromStdString(e.what()), 1);
    }
  }
  for (const char* option : {"features", "labels", "KA", "minority", "allow-unsafe-globals"})
    if (cli.isSet(option) && cli.positionalArguments().isEmpty())
      return fail(QString("--%1 goes with a checkpoint: lpm-studio CHECKPOINT --%1 ...").arg(option));
  // A screenshot or benchmark is the same picture for everyone: it reads no settings (window
  // layout, docks, theme) and writes none; it gets an empty settings folder of its own.
  QTemporaryDir freshSettings;
  if (cli.isSet("screenshot") || cli.isSet("bench-latency")) {
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, freshSettings.path());
  }
  lpm::ui::MainWindow window;
  const bool scripted = cli.isSet("lesson") || cli.isSet("preset") || cli.isSet("set") || cli.isSet("screenshot") || cli.isSet("bench-latency") ||
                        !cli.positionalArguments().isEmpty();
  // What the command line chose (--dark, --preset, ...) is for this run: it is not remembered.
  if (scripted || cli.isSet("dark") || cli.isSet("size")) window.setSettingsPersistent(false);
  if (!scripted) window.restoreLastParams();  // an interactive start continues the last session
  lpm::TwoSizeParams p = window.model()->params();
  if (cli.isSet("preset")) {
    const auto preset = lpm::findPreset(cli.value("preset").toStdString());
    if (!preset) return fail(QString("unknown preset '%1'").arg(cli.value("preset")));
    p = preset->params;
  }
  for (const QString& s : cli.values("set")) {
    QString error;
    if (!applySet(p, s, &error)) return fail(error);
  }
  if (cli.isSet("bench-latency")) {
    bool ok = false;
    const int K = cli.value("K").toInt(&ok);
    if (!ok || K < 2) return fail("--K must be an integer >= 2");
    p.KA = K / 2;
    p.KB = K - K / 2;
  }
  QString error;
  // A preset as the window applies it (named in the combo; a paper figure's family on the plot),
  // then --set as if typed: `--preset fig3a --set R=12` keeps the family, as `lpm figure` does.
  if (cli.isSet("preset") && !cli.isSet("bench-latency")) {
    if (!window.applyPreset(cli.value("preset"))) return fail(QString("preset '%1' was refused").arg(cli.value("preset")));
    if (!cli.values("set").isEmpty() && !window.model()->setParams(p, "start", &error)) return fail(error);
  } else if (!window.model()->setParams(p, "start", &error)) {
    return fail(error);
  }
  window.model()->undoStack()->clear();
  QSize askedSize;  // --size, checked after the window is shown
  if (cli.isSet("size")) {
    static const QRegularExpression re("^(\\d+)x(\\d+)$");
    const auto m = re.match(cli.value("size"));
    if (!m.hasMatch()) return fail("--size expects WxH, e.g. 1280x800");
    // Beyond 16384 a side X itself fails (an assertion in xcb at 100000x100000, not a message).
    const qlonglong sw = m.captured(1).toLongLong(), sh = m.captured(2).toLongLong();
    if (sw < 320 || sh < 240 || sw > 16384 || sh > 16384)
      return fail(QString("--size must be from 320x240 to 16384x16384, got %1").arg(cli.value("size")));
    askedSize = QSize(int(sw), int(sh));
    window.resize(askedSize);
  }
  // A file that cannot be opened: a scripted run (screenshot, benchmark) fails with the reason; a
  // person (a double-click in the file manager) gets the window and a dialog that says why.
  const bool headless = cli.isSet("screenshot") || cli.isSet("bench-latency");
  QString startupError;
  if (!cli.positionalArguments().isEmpty()) {
    QString file = cli.positionalArguments().first();
    // The desktop entry passes URLs (%U): a file as file:///..., a state link as lpm-studio:?...
    if (file.startsWith("file://")) file = QUrl(file).toLocalFile();
    QString openError;
    if (lpm::isStateLink(file.toStdString())) {
      if (!window.openStateLink(file, &openError)) {
        if (headless) return fail(openError, 2);
        startupError = openError;
      }
    } else if (lpm::isSessionPath(file.toStdString())) {
      if (!window.openSession(file, &openError)) {
        if (headless) return fail(openError, 1);
        startupError = QString("%1 was not opened: %2").arg(file, openError);
      }
    } else if (const lpm::io::NetworkRequest request{file.toStdString(), cli.value("features").toStdString(),
                                                     cli.value("labels").toStdString(), "", cli.isSet("allow-unsafe-globals")};
               !window.document()->openNetworkNow(request, &openError)) {
      if (headless) return fail(QString("%1 was not opened: %2").arg(file, openError), 1);
      startupError = QString("%1 was not opened: %2").arg(file, openError);
    } else {
      if (cli.isSet("KA")) {
        bool ok = false;
        const int KA = cli.value("KA").toInt(&ok);
        if (!ok || KA < 1) return fail("--KA must be an integer >= 1");
        if (!window.document()->setMajorityCount(KA, &openError)) return fail("--KA: " + openError);
      }
      if (cli.isSet("minority")) {
        std::vector<int> minority;
        for (const QString& s : cli.value("minority").split(',')) {
          bool ok = false;
          const int k = s.toInt(&ok);
          if (!ok || k < 0) return fail("--minority takes 0-based class indices, e.g. 3,4");
          minority.push_back(k);
        }
        if (!window.document()->setMinority(minority, &openError)) return fail("--minority: " + openError);
      }
      if (cli.isSet("network-tab") && !window.network()->showTab(cli.value("network-tab")))
        return fail(QString("--network-tab takes %1").arg(lpm::ui::CheckpointPanel::tabNames().join(", ")));
      if (auto* dock = window.findChild<QWidget*>("NetworkDock")) dock->show();
    }
  }
  if (cli.isSet("step") && !cli.isSet("lesson")) return fail("--step goes with --lesson NAME");
  if (cli.isSet("lesson")) {
    const QString name = cli.value("lesson");
    std::optional<lpm::Lesson> lesson = lpm::findLesson(name.toStdString());
    try {
      if (!lesson && name.endsWith(".json", Qt::CaseInsensitive)) lesson = lpm::loadLesson(name.toStdString());
    } catch (const lpm::Error& e) {
      return fail(QString::fromStdString(e.what()), lpm::exitCode(e.kind()));
    }
    if (!lesson)
      return fail(QString("unknown lesson '%1'; the lessons are %2, or give a lesson file (.json)")
                      .arg(name, QString::fromStdString(lpm::lessonNames())));
    int step = 1;
    if (cli.isSet("step")) {
      bool ok = false;
      step = cli.value("step").toInt(&ok);
      if (!ok) return fail("--step takes a step number, e.g. --step 3");
    }
    QString lessonError;
    if (!window.openLesson(*lesson, step - 1, &lessonError)) return fail(lessonError);
    window.model()->undoStack()->clear();
  }
  // Last: a session, state link or lesson opened above brings its own view, --dark holds over it.
  if (cli.isSet("dark")) window.setDarkTheme(true);
  window.show();
  if (cli.isSet("presentation")) {
    window.action("view.presentation")->trigger();  // not kept in settings
  } else if (askedSize.isValid()) {
    // The layout's minimum holds once the window is shown (minimumSizeHint did not tell it): say
    // when --size was too small for it.
    QApplication::processEvents();
    if (window.width() > askedSize.width() || window.height() > askedSize.height())
      std::fprintf(stderr, "lpm-studio: note: the window needs at least %dx%d; --size %s is smaller\n", window.width(),
                   window.height(), qPrintable(cli.value("size")));
  }
  if (!startupError.isEmpty()) {
    std::fprintf(stderr, "lpm-studio: %s\n", qPrintable(startupError));
    QTimer::singleShot(0, &window, [&window, startupError] {
      QMessageBox::warning(&window, QObject::tr("Open"), startupError);
    });
  }

  if (cli.isSet("screenshot")) {
    window.model()->resetView();  // canonical 3D axes: the same state always gives the same picture
    if (!window.waitUntilSettled(60000)) return fail("timed out waiting for the solve and the views", 1);
    if (cli.isSet("presentation")) {
      // The 1.5x font reaches the menu and tool bars through posted layout requests: grabbed at
      // once, the menu bar was missing and the tool bar's texts cut. Let them lay out, then settle.
      QElapsedTimer layout;
      layout.start();
      while (layout.elapsed() < 500) QApplication::processEvents(QEventLoop::AllEvents, 50);
      if (!window.waitUntilSettled(60000)) return fail("timed out waiting for the solve and the views", 1);
    }
    const QString out = cli.value("screenshot");
    if (!lpm::ui::VtkOpenGLWidget::grabWithViews(&window).save(out)) return fail(QString("cannot write %1").arg(out), 1);
    std::printf("%s\n", qPrintable(window.statusText()));
    return 0;
  }
  if (cli.isSet("bench-latency")) {
    if (!window.waitUntilSettled(60000)) return fail("timed out before the benchmark", 1);
    std::vector<double> ms, sceneMs, plotMs;
    QObject::connect(window.scene(), &lpm::ui::VtkOpenGLWidget::frameRendered, [&] { sceneMs.push_back(window.scene()->lastRenderMs()); });
    QObject::connect(window.plot(), &lpm::ui::CosinePlot::frameRendered, [&] { plotMs.push_back(window.plot()->lastRenderMs()); });
    const int steps = 200;
    for (int i = 0; i < steps; ++i) {
      // A drag of the R slider from 1 to 10^4 (log scale), one slider step at a time.
      lpm::TwoSizeParams q = window.model()->params();
      q.R = std::pow(10.0, 4.0 * (i + 1) / steps);
      QElapsedTimer t;
      t.start();
      window.model()->setParams(q, "R");
      const quint64 want = window.model()->requestId();
      // Block in the event loop as the application does (a busy loop would take a core from the GL threads).
      while (window.drawnFrameId() < want && t.elapsed() < 10000) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
      ms.push_back(t.nsecsElapsed() / 1e6);
    }
    QJsonObject o{{"K", p.K()}, {"frames", steps}, {"p50_ms", percentile(ms, 0.5)}, {"p95_ms", percentile(ms, 0.95)},
                  {"max_ms", *std::max_element(ms.begin(), ms.end())},
                  {"scene_render_p50_ms", sceneMs.empty() ? 0.0 : percentile(sceneMs, 0.5)},
                  {"plot_render_p50_ms", plotMs.empty() ? 0.0 : percentile(plotMs, 0.5)}};
    std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    return 0;
  }
  return app.exec();
}
