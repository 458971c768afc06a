// Checkpoints in the window: real PyTorch fixtures, the heatmap against the analysis, the marker
// on the plot, and a hostile file that changes nothing.
#include <QApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeWidget>

#include "GuiTestMain.h"
#include "ImageBaseline.h"
#include "lpm/io/Analysis.h"
#include "lpm/ui/Application.h"
#include "lpm/ui/CheckpointPanel.h"
#include "lpm/ui/CosinePlot.h"
#include "lpm/ui/MainWindow.h"

using namespace lpm;
using namespace lpm::ui;

namespace {
QString fixture(const char* f) { return QStringLiteral(LPM_TEST_DATA_DIR "/checkpoints/") + f; }
}  // namespace

class TestNetwork : public QObject {
  Q_OBJECT
  MainWindow* w = nullptr;

private slots:
  void init() {
    QSettings().clear();
    w = new MainWindow;
    w->resize(1300, 800);
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    QVERIFY(w->waitUntilSettled());
  }
  void cleanup() {
    delete w;
    w = nullptr;
  }

  void loadsEveryFormat_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("classifier");
    QTest::newRow("zip") << "state_dict.pt" << "fc.weight";
    QTest::newRow("training checkpoint") << "training.pth" << "state_dict.fc.weight";
    QTest::newRow("legacy") << "legacy.pt" << "fc.weight";
    QTest::newRow("torchscript") << "script.pt" << "fc.weight";
    QTest::newRow("safetensors") << "weights.safetensors" << "fc.weight";
  }
  void loadsEveryFormat() {
    QFETCH(QString, file);
    QFETCH(QString, classifier);
    QSignalSpy done(w->network(), &CheckpointPanel::finished);
    w->network()->openFile(fixture(qPrintable(file)));  // in the background, as from the menu
    QVERIFY(done.wait(20000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QCOMPARE(w->network()->network()->classifier, classifier);
    QCOMPARE(w->network()->tensorTree()->currentItem()->text(0), classifier);
    // The heatmap shows exactly the analysis `lpm inspect` reports.
    const auto c = io::Checkpoint::open(fixture(qPrintable(file)).toStdString());
    const auto a = io::analyseClassifier(c.matrix(classifier.toStdString()), "", 3, {});
    QVERIFY((w->network()->heatmap()->matrix() - a.cos).cwiseAbs().maxCoeff() < 1e-12);
    QVERIFY(std::abs(*w->network()->analysis()->minorityCos - *a.minorityCos) < 1e-12);
    // The model follows the network: K, KA, fitted EW.
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().KA, 3);
    QCOMPARE(w->model()->params().KB, 2);
    QVERIFY(std::abs(w->model()->params().EW - a.EWfit) < 1e-12);
  }

  void markerSitsAtTheNetworksPoint() {
    QString error;
    QVERIFY2(w->network()->openNow(fixture("state_dict.pt"), &error, fixture("features.npy"), fixture("labels.npy")),
             qPrintable(error));
    QVERIFY(w->waitUntilSettled());
    // Labels 40, 40, 40, 8, 8: R = 5; the two smallest classes are the minority.
    QCOMPARE(*w->network()->networkR(), 5.0);
    QCOMPARE(w->network()->analysis()->minority, (std::vector<int>{3, 4}));
    QCOMPARE(w->model()->params().R, 5.0);
    const auto& f = *w->network()->network()->features;
    QVERIFY(std::abs(w->model()->params().EH - f.EHfit) < 1e-12);
    // The marker on the plot: x at R = 5, y at the network's minority cosine.
    const double x = w->plot()->pixelAtR(5.0);
    QVERIFY(std::abs(*w->plot()->rAtPixel(x) - 5.0) < 1e-6);
    QVERIFY(*w->network()->analysis()->minorityCos > 0.9);
  }

  void hostileFileChangesNothing() {
    QString error;
    QVERIFY(w->network()->openNow(fixture("state_dict.pt"), &error));
    QVERIFY(w->waitUntilSettled());
    const auto before = w->model()->params();
    const Eigen::MatrixXd heat = w->network()->heatmap()->matrix();
    for (const char* bad : {"evil_os_system.pt", "traversal.pt", "short_storage.pt", "random.bin", "deep_nesting.pt"}) {
      QSignalSpy done(w->network(), &CheckpointPanel::finished);
      w->network()->openFile(fixture(bad));
      QVERIFY(done.wait(20000));
      QVERIFY(!done.first().at(0).toBool());
      QVERIFY(!done.first().at(1).toString().isEmpty());
      QCOMPARE(w->network()->network()->path, fixture("state_dict.pt"));
      QVERIFY(w->network()->heatmap()->matrix() == heat);
      QCOMPARE(w->model()->params().EW, before.EW);
    }
  }

  void checkpointViewMatchesBaseline() {
    QString error;
    QVERIFY(w->network()->openNow(fixture("state_dict.pt"), &error, fixture("features.npy"), fixture("labels.npy")));
    QVERIFY(w->waitUntilSettled());
    QTest::qWait(100);
    QVERIFY(w->waitUntilSettled());
    const QImage shot = w->network()->grab().toImage().scaled(200, 400, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const auto r = test::compareWithBaseline(shot, "network-panel.png", 0.5);
    QVERIFY2(r.ok, qPrintable(r.message));
  }
};

LPM_GUI_TEST_MAIN(TestNetwork)

#include "tst_network.moc"
