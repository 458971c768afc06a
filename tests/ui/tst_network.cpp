// Checkpoints in the window: real PyTorch fixtures, the heatmap against the analysis, the marker
// on the plot, and a hostile file that changes nothing.
#include <QApplication>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QMessageBox>
#include <QMimeData>
#include <QUrl>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>

#include <random>
#include <QTemporaryDir>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QAction>
#include <QTest>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTimer>
#include <QTreeWidget>
#include <set>
#include <vtkRenderer.h>
#include <QLabel>
#include <QUndoStack>

#include <algorithm>

#include "GuiTestMain.h"
#include "ImageBaseline.h"
#include "lpm/Parameters.h"
#include "lpm/io/Analysis.h"
#include "lpm/ui/Application.h"
#include "lpm/ui/CheckpointPanel.h"
#include "lpm/ui/Document.h"
#include "lpm/ui/CosinePlot.h"
#include "lpm/ui/MainWindow.h"
#include "lpm/ui/SceneView.h"
#include "lpm/render/SceneContent.h"

#include <vtkGenericOpenGLRenderWindow.h>

using namespace lpm;
using namespace lpm::ui;

namespace {
QString fixture(const char* f) { return QStringLiteral(LPM_TEST_DATA_DIR "/checkpoints/") + f; }

// A float64 C-order .npy of a matrix (format 1.0), as numpy.save writes it.
void writeNpy(const QString& path, const Eigen::MatrixXd& M) {
  QByteArray header = QStringLiteral("{'descr': '<f8', 'fortran_order': False, 'shape': (%1, %2), }")
                          .arg(M.rows())
                          .arg(M.cols())
                          .toLatin1();
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  QByteArray out("\x93NUMPY\x01\x00", 8);
  const quint16 len = static_cast<quint16>(header.size());
  out += char(len & 0xff);
  out += char(len >> 8);
  out += header;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = M;
  out += QByteArray(reinterpret_cast<const char*>(R.data()), static_cast<int>(R.size() * sizeof(double)));
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly));
  f.write(out);
}
}  // namespace

class TestNetwork : public QObject {
  Q_OBJECT
  MainWindow* w = nullptr;
  Document* doc() const { return w->document(); }
  const io::NetworkComparison* net() const { return w->document()->network(); }
  static io::NetworkRequest request(const QString& path, const QString& features = {}, const QString& labels = {}) {
    return {path.toStdString(), features.toStdString(), labels.toStdString(), "", false};
  }
  bool openNow(const QString& path, QString* error, const QString& features = {}, const QString& labels = {}) {
    return doc()->openNetworkNow(request(path, features, labels), error);
  }
  static QString str(const std::string& s) { return QString::fromStdString(s); }

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
    QSignalSpy done(doc(), &Document::networkOpened);
    doc()->openNetwork(request(fixture(qPrintable(file))));  // in the background, as from the menu
    QVERIFY(done.wait(20000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QCOMPARE(str(net()->classifier()), classifier);
    QCOMPARE(w->network()->tensorTree()->currentItem()->text(0), classifier);
    // The heatmap shows exactly what `lpm inspect --json` reports (its printed digits).
    QProcess inspect;
    inspect.start(QStringLiteral(LPM_CLI), {"inspect", fixture(qPrintable(file)), "--KA", "3", "--json"});
    QVERIFY(inspect.waitForFinished(20000));
    QCOMPARE(inspect.exitCode(), 0);
    const QJsonObject report = QJsonDocument::fromJson(inspect.readAllStandardOutput()).object()["classifier"].toObject();
    QCOMPARE(report["name"].toString(), classifier);
    const QJsonArray rows = report["cos"].toArray();
    const Eigen::MatrixXd& heat = w->network()->heatmap()->matrix();
    QCOMPARE(rows.size(), heat.rows());
    for (int i = 0; i < heat.rows(); ++i)
      for (int j = 0; j < heat.cols(); ++j) QVERIFY(std::abs(heat(i, j) - rows[i].toArray()[j].toDouble()) < 1e-12);
    QVERIFY(std::abs(*net()->analysis().minorityCos - report["minority_cos"].toDouble()) < 1e-12);
    const auto a = net()->analysis();
    // The model follows the network: K, KA, fitted EW.
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().KA, 3);
    QCOMPARE(w->model()->params().KB, 2);
    QVERIFY(std::abs(w->model()->params().EW - a.EWfit) < 1e-12);
  }

  void quittingAnUntitledCheckpointAsks() {
    // Untitled with a checkpoint and a change: the settings would keep the parameters only, so
    // closing asks (Cancel keeps everything); parameters alone close without a question.
    QSignalSpy done(doc(), &Document::networkOpened);
    doc()->openNetwork(request(fixture("state_dict.pt")));
    QVERIFY(done.wait(20000));
    QVERIFY(w->waitUntilSettled());
    TwoSizeParams p = w->model()->params();
    p.EH = p.EH * 2;
    QVERIFY(w->model()->setParams(p, "EH"));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(w->isWindowModified());
    w->setSettingsPersistent(false);
    QString asked;
    auto answer = [&asked](QMessageBox::StandardButton b) {
      QTimer::singleShot(200, [b, &asked] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        asked = box->text();
        box->button(b)->click();
      });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!w->close());
    QVERIFY2(asked.contains("state_dict.pt has changes") && asked.contains("session file"), qPrintable(asked));
    QVERIFY(w->isVisible() && doc()->network());
    answer(QMessageBox::Discard);
    QVERIFY(w->close());
    w->show();
    QVERIFY(QTest::qWaitForWindowExposed(w));
  }

  void presentationWithACheckpointKeepsTheViews() {
    // Presentation's 1.5x text with the Trained Network dock open: four columns left the 3D view
    // 160 px and the dock ran out of the screen. The dock becomes a tab beside the parameters;
    // leaving gives it its own column back.
    QSignalSpy done(doc(), &Document::networkOpened);
    const QString dir = QStringLiteral(LPM_TEST_DATA_DIR "/trained/");
    doc()->openNetwork(request(dir + "mlp_R10.pt", dir + "mlp_R10_features.npz"));  // a long summary
    QVERIFY(done.wait(20000));
    auto* params = w->findChild<QDockWidget*>("ParametersDock");
    auto* net = w->findChild<QDockWidget*>("NetworkDock");
    QVERIFY(params && net);
    net->show();
    QTRY_VERIFY(net->isVisible());
    QVERIFY(!w->tabifiedDockWidgets(params).contains(net));
    w->action("view.presentation")->trigger();
    QVERIFY(w->presentation());
    QVERIFY(w->tabifiedDockWidgets(params).contains(net));
    QTRY_VERIFY(params->isVisible() && !params->visibleRegion().isEmpty());  // the parameters in front
    QTRY_VERIFY2(w->scene()->width() >= w->width() / 4,
                 qPrintable(QStringLiteral("3D view %1 of %2 px").arg(w->scene()->width()).arg(w->width())));
    QVERIFY(net->geometry().right() <= w->width());
    // At 1024 x 640 (a projector's): the window keeps that size (the parameters and the
    // network's summary scroll; the window was 673 px high), and the plot still names its curves
    // (the legend in smaller type; it was left out for want of room).
    w->resize(1024, 640);
    QTRY_COMPARE(w->size(), QSize(1024, 640));
    QTest::qWait(50);
    QCOMPARE(w->size(), QSize(1024, 640));
    QVERIFY(w->plot()->grabFrame().width() > 0);
    QVERIFY(!w->plot()->chart().legendBox().isEmpty());
    QVERIFY(w->plot()->chart().legendBox().top() >= 0 && w->plot()->chart().legendBox().bottom() <= w->plot()->height() + 1);
    w->action("view.presentation")->trigger();
    QVERIFY(!w->presentation());
    QTRY_VERIFY(!w->tabifiedDockWidgets(params).contains(net));
    QVERIFY(net->isVisible() && w->dockWidgetArea(net) == Qt::RightDockWidgetArea);
  }

  void classesNumberedAsTheModel() {
    // One numbering: the network's 3D view, its class table and the model's 3D view all count
    // classes from 0 (the network's label values), K classes from 0 to K - 1.
    QSignalSpy done(doc(), &Document::networkOpened);
    doc()->openNetwork(request(fixture("state_dict.pt")));
    QVERIFY(done.wait(20000));
    QVERIFY(w->waitUntilSettled());
    const int K = int(net()->analysis().norms.size());
    QVERIFY(K >= 3);
    auto numbers = [](const std::vector<std::string>& labels) {
      std::set<int> out;
      for (const std::string& l : labels) {
        const QString text = QString::fromStdString(l);
        const QStringList pieces = text.split(QRegularExpression("[^0-9]+"), Qt::SkipEmptyParts);
        QList<int> ns;
        for (const QString& n : pieces) ns.push_back(n.toInt());
        if (text.contains(QChar(0x2013)) && ns.size() >= 2)  // a run "a–b"
          for (int k = ns[0]; k <= ns[1]; ++k) out.insert(k);
        for (int n : ns) out.insert(n);
      }
      return out;
    };
    QVERIFY(w->network()->showTab("3d"));
    QApplication::processEvents();
    for (const auto& [what, labels] : {std::pair{"network", w->network()->networkScene()->content().shownLabels()},
                                       std::pair{"model", w->scene()->content().shownLabels()}}) {
      const std::set<int> ns = numbers(labels);
      QVERIFY2(!ns.empty(), what);
      QVERIFY2(*ns.begin() == 0 && *ns.rbegin() == K - 1,
               qPrintable(QStringLiteral("%1: classes %2 to %3 of K = %4").arg(what).arg(*ns.begin()).arg(*ns.rbegin()).arg(K)));
    }
    // The heatmap prints the class index of each row left of it and of each column above it:
    // something is drawn in every row's band of the margin, and in every column's above.
    QVERIFY(w->network()->showTab("classifier"));
    auto* heat = w->network()->heatmap();
    heat->resize(260, 220);
    const QImage img = heat->grab().toImage();
    const QRectF g = heat->matrixRect();
    const QRgb window = heat->palette().color(QPalette::Window).rgb();
    const double cell = g.height() / K;
    QVERIFY(g.left() >= 8 && g.top() >= 8);
    auto inked = [&](int x0, int x1, int y0, int y1) {
      for (int y = std::max(y0, 0); y < std::min(y1, img.height()); ++y)
        for (int x = std::max(x0, 0); x < std::min(x1, img.width()); ++x)
          if (img.pixel(x, y) != window) return true;
      return false;
    };
    for (int k = 0; k < K; ++k) {
      QVERIFY2(inked(0, int(g.left()) - 1, int(g.top() + k * cell + 1), int(g.top() + (k + 1) * cell - 1)), qPrintable(QString("row %1").arg(k)));
      QVERIFY2(inked(int(g.left() + k * cell + 1), int(g.left() + (k + 1) * cell - 1), 0, int(g.top()) - 1), qPrintable(QString("column %1").arg(k)));
    }
  }

  void panelPicturesFollowTheTheme() {
    // The heat map's and the norm bars' backgrounds are the window's, in either theme and after a
    // change of theme with the checkpoint open.
    QSignalSpy done(doc(), &Document::networkOpened);
    doc()->openNetwork(request(fixture("state_dict.pt")));
    QVERIFY(done.wait(20000));
    for (bool dark : {true, false, true}) {
      w->action("view.dark")->setChecked(dark);
      QApplication::processEvents();
      // Its legend stays its own (the model's text replaced it after a change of theme).
      QVERIFY2(QString::fromStdString(w->network()->networkScene()->content().legend()).contains("EW_fit"),
               w->network()->networkScene()->content().legend().c_str());
      // The network's 3D view has the model view's background (its gradient's top colour).
      const double* top = w->network()->networkScene()->renderer()->GetBackground2();
      const double* model = w->scene()->renderer()->GetBackground2();
      QVERIFY2(std::abs(top[0] - model[0]) < 1e-9 && std::abs(top[2] - model[2]) < 1e-9, dark ? "dark" : "light");
      {  // The heat map's cells take the theme too: near-zero cosines are the window's grey on dark, not glaring white.
        const QImage img = w->network()->heatmap()->grab().toImage();
        double sum = 0;
        int n = 0;
        for (int y = 6; y < std::min(img.height(), img.width() - 60); y += 3)
          for (int x = 6; x < std::min(img.height(), img.width() - 60); x += 3) sum += img.pixelColor(x, y).lightness(), ++n;
        QVERIFY(n > 0);
        QVERIFY2(dark ? sum / n < 110 : sum / n > 150, qPrintable(QStringLiteral("dark %1: mean lightness %2").arg(dark).arg(sum / n)));
      }
      for (QWidget* pic : std::initializer_list<QWidget*>{w->network()->heatmap(), w->network()->normBars()}) {
        const QImage img = pic->grab().toImage();
        const QColor corner = img.pixelColor(1, 1), window = QApplication::palette().color(QPalette::Window);
        QVERIFY2(std::abs(corner.lightness() - window.lightness()) < 12,
                 qPrintable(QStringLiteral("%1, dark %2: corner %3, window %4").arg(pic->metaObject()->className()).arg(dark).arg(corner.name(), window.name())));
      }
    }
    w->action("view.dark")->setChecked(false);
  }

  void markerSitsAtTheNetworksPoint() {
    QString error;
    QVERIFY2(openNow(fixture("state_dict.pt"), &error, fixture("features.npy"), fixture("labels.npy")),
             qPrintable(error));
    QVERIFY(w->waitUntilSettled());
    // Labels 40, 40, 40, 8, 8: R = 5; the two smallest classes are the minority.
    QCOMPARE(*net()->imbalanceRatio(), 5.0);
    QCOMPARE(net()->minority(), (std::vector<int>{3, 4}));
    QCOMPARE(w->model()->params().R, 5.0);
    // These fixture features are random (the head predicts none of them): their EH is no fit of
    // this head and is not taken (trainedNetworksMeetTheModel: real features' EH is).
    const auto& f = *net()->featureAnalysis();
    QVERIFY(!f.mismatch.empty());
    QVERIFY(std::abs(w->model()->params().EH - f.EHfit) > 1e-3);
    // The marker on the plot: x at R = 5, y at the network's minority cosine.
    const double x = w->plot()->pixelAtR(5.0);
    QVERIFY(std::abs(*w->plot()->rAtPixel(x) - 5.0) < 1e-6);
    QVERIFY(*net()->analysis().minorityCos > 0.9);
  }

  void hostileFileChangesNothing() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error));
    QVERIFY(w->waitUntilSettled());
    const auto before = w->model()->params();
    const Eigen::MatrixXd heat = w->network()->heatmap()->matrix();
    for (const char* bad : {"evil_os_system.pt", "traversal.pt", "short_storage.pt", "random.bin", "deep_nesting.pt"}) {
      QSignalSpy done(doc(), &Document::networkOpened);
      doc()->openNetwork(request(fixture(bad)));
      QVERIFY(done.wait(20000));
      QVERIFY(!done.first().at(0).toBool());
      QVERIFY(!done.first().at(1).toString().isEmpty());
      QCOMPARE(str(net()->request().path), fixture("state_dict.pt"));
      QVERIFY(w->network()->heatmap()->matrix() == heat);
      QCOMPARE(w->model()->params().EW, before.EW);
    }
  }

  void npzHoldsFeaturesAndLabels() {
    // One .npz with 'features' and 'labels' (as np.savez writes it), stored and deflated.
    QString error;
    QVERIFY2(openNow(fixture("state_dict.pt"), &error, fixture("features.npy"), fixture("labels.npy")),
             qPrintable(error));
    const io::FeatureAnalysis reference = *net()->featureAnalysis();
    for (const char* npz : {"arrays.npz", "arrays_compressed.npz"}) {
      QSignalSpy done(doc(), &Document::networkOpened);
      doc()->openNetwork(request(fixture("state_dict.pt"), fixture(npz)));
      QVERIFY(done.wait(20000));
      QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
      QVERIFY(net()->featureAnalysis());
      QCOMPARE(*net()->counts(), (std::vector<int>{40, 40, 40, 8, 8}));
      QCOMPARE(net()->featureAnalysis()->nc1, reference.nc1);
      QCOMPARE(net()->featureAnalysis()->EHfit, reference.EHfit);
      QCOMPARE(*net()->imbalanceRatio(), 5.0);
      QVERIFY(w->waitUntilSettled());
      QCOMPARE(w->model()->params().R, 5.0);
    }
    // Features without any labels are refused with the reason.
    QSignalSpy done(doc(), &Document::networkOpened);
    doc()->openNetwork(request(fixture("state_dict.pt"), fixture("features.npy")));
    QVERIFY(done.wait(20000));
    QVERIFY(!done.first().at(0).toBool());
    QVERIFY(done.first().at(1).toString().contains("labels"));
  }

  void clickingATensorInspectsIt() {
    // A click inspects; only Use as Classifier (or a double-click) changes the model's classifier.
    QString error;
    QVERIFY2(openNow(fixture("weights.safetensors"), &error), qPrintable(error));
    QVERIFY(w->waitUntilSettled());
    auto* panel = w->network();
    QVERIFY(panel->showTab("tensors"));
    QTreeWidget* tree = panel->tensorTree();
    auto itemNamed = [&](const QString& n) -> QTreeWidgetItem* {
      for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(0) == n) return tree->topLevelItem(i);
      return nullptr;
    };
    QTRY_VERIFY(panel->tensorInfoText().contains("fc.weight") && panel->tensorInfoText().contains("the classifier"));
    QVERIFY(!panel->useAsClassifierButton()->isEnabled());
    const QRect r = tree->visualItemRect(itemNamed("features.weight"));
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, r.center());
    QTRY_VERIFY2(panel->tensorInfoText().contains("8 × 6"), qPrintable(panel->tensorInfoText()));
    QCOMPARE(str(net()->classifier()), QString("fc.weight"));  // inspected, not used
    // The statistics are the tensor's own.
    const std::vector<double> v = net()->checkpoint().values("features.weight");
    double mean = 0, lo = v[0];
    for (double x : v) mean += x / double(v.size()), lo = std::min(lo, x);
    QVERIFY2(panel->tensorInfoText().contains(QString("mean %1").arg(QString::number(mean, 'g', 5))),
             qPrintable(panel->tensorInfoText()));
    QVERIFY(panel->tensorInfoText().contains(QString("min %1").arg(QString::number(lo, 'g', 5))));
    QVERIFY(panel->findChild<QLabel*>("TensorPicture")->pixmap().width() > 0);
    QVERIFY(panel->useAsClassifierButton()->isEnabled());
    // A 0-D tensor is inspected too, and cannot be the classifier.
    tree->setCurrentItem(itemNamed("bn.num_batches_tracked"));
    QTRY_VERIFY2(panel->tensorInfoText().contains("int64") && panel->tensorInfoText().contains("1 values"),
                 qPrintable(panel->tensorInfoText()));
    QVERIFY(!panel->useAsClassifierButton()->isEnabled());
    tree->setCurrentItem(itemNamed("features.weight"));
    panel->useAsClassifierButton()->click();  // read in the background, as a checkpoint is opened
    QTRY_COMPARE(str(net()->classifier()), QString("features.weight"));
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().K(), 8);
  }

  void anotherCheckpointLeavesTheFirstsStateBehind() {
    // The first network's labels set R and its features EH; a second one without them starts
    // from the model as it was before any network, and says that R is unknown.
    const TwoSizeParams before = w->model()->params();
    QString error;
    const QString trained = QStringLiteral(LPM_TEST_DATA_DIR "/trained/");
    QVERIFY2(openNow(trained + "mlp_R10.pt", &error, trained + "mlp_R10_features.npz"), qPrintable(error));
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().R, 10.0);
    QVERIFY(w->model()->params().EH != before.EH);
    QVERIFY(openNow(fixture("weights.safetensors"), &error));
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().R, before.R);
    QCOMPARE(w->model()->params().EH, before.EH);
    QVERIFY(!net()->featureAnalysis());
    QVERIFY2(w->network()->summaryText().contains("R is unknown until labels"), qPrintable(w->network()->summaryText()));
    QVERIFY(!doc()->networkR());
  }

  void featureCloudAndOverlayAreDrawn() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error, fixture("arrays.npz")));
    QVERIFY(w->waitUntilSettled());
    // The network's own 3D view: five arrows, every one of the 136 samples, class means.
    auto& content = w->network()->networkScene()->content();
    QCOMPARE(content.arrowCount(), 5);
    QCOMPARE(content.sampleCount(), 136);
    const auto& e = net()->embedding();
    QVERIFY(std::abs(e.W.squaredNorm() / 5 - 1) < 1e-12);
    QCOMPARE(e.M.rows(), 5);
    // The main view overlays the network's classifiers on the model's; the distance is shown.
    QVERIFY(w->networkOverlayShown());
    QCOMPARE(w->scene()->content().overlayCount(), 5);
    QVERIFY(w->network()->summaryText().contains("distance to the model"));
    QCOMPARE(w->sceneData().overlay.rows(), 5);
    // The overlay can be switched off from the View menu.
    QAction* toggle = w->action("view.overlay");
    QVERIFY(toggle && toggle->text().contains("Network Overlay"));
    toggle->setChecked(false);
    QCOMPARE(w->scene()->content().overlayCount(), 0);
    QVERIFY(!w->networkOverlayShown());
    QCOMPARE(w->sceneData().overlay.rows(), 0);
  }

  void aNetworkThatIsTheModelSitsOnIt() {
    // Write the model's own classifiers (at KA = 3, KB = 2, R = 40: collapsed) as a checkpoint,
    // hidden in 12 dimensions by an isometry: the overlay distance is 0 and the marker sits on the curve.
    TwoSizeParams p;
    p.KA = 3, p.KB = 2, p.EW = 1, p.EH = 5, p.R = 40;
    const Solution s = solve(makeTwoSize(p));
    const Eigen::MatrixXd W = s.vectors().W;
    Eigen::MatrixXd M = Eigen::MatrixXd::Random(12, 12);
    const Eigen::MatrixXd Q = Eigen::MatrixXd(Eigen::HouseholderQR<Eigen::MatrixXd>(M).householderQ()).topRows(5);
    QTemporaryDir dir;
    const QString file = dir.filePath("model.npy");
    writeNpy(file, W * Q);
    QString error;
    QVERIFY2(openNow(file, &error), qPrintable(error));
    QVERIFY(doc()->setMajorityCount(3));
    TwoSizeParams q = w->model()->params();
    q.R = 40, q.EH = 5;
    QVERIFY(w->model()->setParams(q, "test"));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(w->networkOverlayShown());
    QVERIFY2(w->network()->summaryText().contains("relative): <b>0.000</b>"), qPrintable(w->network()->summaryText()));
    const auto f = w->model()->latest();
    const auto o = overlayNetwork(net()->embedding().W, net()->modelOrder(), f->solution, f->geometry);
    QVERIFY(o && o->distance < 1e-6);
    QVERIFY((Eigen::MatrixXd(o->W) - Eigen::MatrixXd(f->geometry.W)).norm() < 1e-5);
    QVERIFY(std::abs(*net()->analysis().minorityCos - *f->metrics.minorityCos()) < 1e-6);
  }

  void aThousandClasses() {
    // An ImageNet-sized head: the model takes K = 1000 (entries beyond the sliders' 50), the 3D
    // view says it draws up to 400 classes instead of showing a stale picture.
    std::mt19937 rng(4);
    std::normal_distribution<double> n;
    Eigen::MatrixXd W(1000, 64);
    for (Eigen::Index i = 0; i < W.size(); ++i) W.data()[i] = 0.05 * n(rng);
    QTemporaryDir dir;
    writeNpy(dir.filePath("fc.npy"), W);
    QString error;
    QVERIFY2(openNow(dir.filePath("fc.npy"), &error), qPrintable(error));
    QVERIFY(w->waitUntilSettled(60000));
    QCOMPARE(w->model()->params().KA, 500);
    QCOMPARE(w->model()->params().KB, 500);
    QCOMPARE(w->findChild<QSpinBox*>("KAEntry")->value(), 500);
    QCOMPARE(w->scene()->arrowCount(), 0);
    // Above 512 classes the heatmap is binned: 64 groups, each cell the mean cosine between two
    // groups, equal to the mean over the full matrix's block (still built at K = 1000).
    const Eigen::MatrixXd& binned = w->network()->heatmap()->matrix();
    QCOMPARE(binned.rows(), Eigen::Index(io::kHeatmapBins));
    const Eigen::MatrixXd& full = net()->analysis().cos;
    auto block = [&](int a, int b) {
      double s = 0, count = 0;
      for (int i = 1000 * a / 64; i < 1000 * (a + 1) / 64; ++i)
        for (int j = 1000 * b / 64; j < 1000 * (b + 1) / 64; ++j)
          if (i != j) s += full(i, j), ++count;
      return s / count;
    };
    QVERIFY(std::abs(binned(0, 1) - block(0, 1)) < 1e-12);
    QVERIFY(std::abs(binned(7, 7) - block(7, 7)) < 1e-12);
    QVERIFY(w->network()->networkScene()->content().arrowCount() == 400);  // evenly spaced, said in the note
    QVERIFY(w->network()->heatmap()->toolTip().contains("in index order"));
    // Counts from a file (what the Counts… button reads): R from them, bins ordered by count.
    {
      QFile f(dir.filePath("counts.txt"));
      QVERIFY(f.open(QIODevice::WriteOnly));
      for (int k = 0; k < 1000; ++k) f.write(QByteArray::number(k % 2 ? 10 : 1000) + "\n");
    }
    QVERIFY2(w->document()->setClassCountsFromFile(dir.filePath("counts.txt"), &error), qPrintable(error));
    QCOMPARE(*net()->imbalanceRatio(), 100.0);
    QVERIFY(net()->analysis().binnedByCount);
    QVERIFY(w->network()->heatmap()->toolTip().contains("ordered by count"));
    QCOMPARE(net()->analysis().binLabels.front(), std::string("counts 1000-1000 (15 classes)"));
    {
      QFile f(dir.filePath("short.txt"));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("1 2 3\n");
    }
    QVERIFY(!w->document()->setClassCountsFromFile(dir.filePath("short.txt"), &error));
    QVERIFY2(error.contains("lists 3 counts for a classifier of 1000 classes"), qPrintable(error));
    {
      QFile f(dir.filePath("zero.txt"));
      QVERIFY(f.open(QIODevice::WriteOnly));
      for (int k = 0; k < 1000; ++k) f.write(k == 7 ? "0\n" : "5\n");
    }
    QVERIFY(!w->document()->setClassCountsFromFile(dir.filePath("zero.txt"), &error));
    QVERIFY2(error.contains("class 7") && error.contains("every class needs an example"), qPrintable(error));
    QCOMPARE(*net()->imbalanceRatio(), 100.0);  // nothing changed
  }

  void classTableSetsRolesAndCounts() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error));
    QVERIFY(w->waitUntilSettled());
    auto* table = w->network()->classTable();
    QCOMPARE(table->rowCount(), 5);
    QCOMPARE(net()->minority(), (std::vector<int>{3, 4}));
    // A class's colour (the feature cloud's) says its group: majority cool (blue over red),
    // minority warm (red over blue), every class its own; it follows the roles.
    auto colourOf = [&](int k) { return table->item(k, 0)->data(Qt::DecorationRole).value<QColor>(); };
    auto checkColours = [&](const std::vector<int>& minority) {
      std::set<QRgb> seen;
      for (int k = 0; k < 5; ++k) {
        const QColor c = colourOf(k);
        const bool minor = std::count(minority.begin(), minority.end(), k) > 0;
        QVERIFY2(minor ? c.red() > c.blue() : c.blue() > c.red(), qPrintable(QStringLiteral("class %1: %2").arg(k).arg(c.name())));
        seen.insert(c.rgb());
      }
      QCOMPARE(int(seen.size()), 5);
    };
    checkColours({3, 4});
    // Tick class 0 as minority too: three minority classes, the model follows (KB = 3).
    table->item(0, 1)->setCheckState(Qt::Checked);
    QCOMPARE(net()->minority(), (std::vector<int>{0, 3, 4}));
    checkColours({0, 3, 4});
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().KB, 3);
    QCOMPARE(net()->modelOrder(), (std::vector<int>{1, 2, 0, 3, 4}));
    // Type counts: R = 100 / 4 = 25 for the marker and the model.
    const int counts[] = {4, 100, 100, 4, 4};
    for (int k = 0; k < 5; ++k) table->item(k, 2)->setText(QString::number(counts[k]));
    QCOMPARE(*net()->imbalanceRatio(), 25.0);
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().R, 25.0);
    // A count of 0 is refused and the cell goes back to its last good count.
    table->item(1, 2)->setText("0");
    QCOMPARE(*net()->imbalanceRatio(), 25.0);
    QCOMPARE(table->item(1, 2)->text(), QString("100"));
    QVERIFY(w->network()->summaryText().contains("whole number"));
    table->item(1, 2)->setText("200");
    QCOMPARE(*net()->imbalanceRatio(), 50.0);
  }

  void undoKeepsTheClassTableInSync() {
    // The model's KB is the network's minority count: undo and redo move the roles with it.
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error, {}, fixture("labels.npy")));
    QVERIFY(w->waitUntilSettled());
    auto* table = w->network()->classTable();
    auto tableMatches = [&] {
      for (int k = 0; k < table->rowCount(); ++k) {
        const bool minor = std::binary_search(net()->minority().begin(), net()->minority().end(), k);
        if ((table->item(k, 1)->checkState() == Qt::Checked) != minor) return false;
      }
      return true;
    };
    table->item(0, 1)->setCheckState(Qt::Checked);
    QVERIFY(w->waitUntilSettled());
    QCOMPARE(w->model()->params().KB, 3);
    QCOMPARE(net()->minority(), (std::vector<int>{0, 3, 4}));
    w->model()->undoStack()->undo();
    QCOMPARE(w->model()->params().KB, 2);
    QCOMPARE(net()->minority(), (std::vector<int>{3, 4}));  // the two smallest classes (8, 8)
    QVERIFY(tableMatches());
    QCOMPARE(w->findChild<QSpinBox*>("NetworkKA")->value(), 3);
    w->model()->undoStack()->redo();
    QCOMPARE(w->model()->params().KB, 3);
    QCOMPARE(net()->minority().size(), size_t(3));
    QVERIFY(tableMatches());
    QVERIFY(w->waitUntilSettled());
    QVERIFY(w->networkOverlayShown());
    // A K the network does not have: the roles stay, the panel says why there is no overlay.
    TwoSizeParams p = w->model()->params();
    p.KA = 7;
    QVERIFY(w->model()->setParams(p, "KA"));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(!w->networkOverlayShown());
    QVERIFY(w->network()->summaryText().contains("no overlay"));
    QVERIFY(tableMatches());
  }

  void labelsButtonLoadsInTheBackground() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error));
    QVERIFY(!net()->imbalanceRatio());
    const auto checkpoint = net()->sharedCheckpoint();
    QSignalSpy done(doc(), &Document::networkOpened);
    doc()->addLabels(fixture("labels.npy"));
    QVERIFY(doc()->loading());
    QVERIFY(done.wait(20000));
    QVERIFY(done.first().at(0).toBool());
    QCOMPARE(*net()->imbalanceRatio(), 5.0);
    QVERIFY(net()->sharedCheckpoint() == checkpoint);  // labels joined it: the checkpoint was not read again
    done.clear();
    doc()->addFeatures(fixture("features.npy"));
    QVERIFY(done.wait(20000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QVERIFY(net()->featureAnalysis());
    // The status bar says what was read (it said "Opened state_dict.pt" after a Features… click).
    QVERIFY2(w->statusBar()->currentMessage().contains("Read features.npy"), qPrintable(w->statusBar()->currentMessage()));
    // Another tensor whose width does not fit the features: they are set aside, with a note.
    QVERIFY(doc()->setClassifier("features.weight"));
    QVERIFY(!net()->featureAnalysis());
    QVERIFY(w->network()->summaryText().contains("do not fit"));
  }

  void droppedFilesFindTheirRole() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error));
    auto drop = [&](const QString& file) {
      auto* mime = new QMimeData;
      mime->setUrls({QUrl::fromLocalFile(file)});
      QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
      QApplication::sendEvent(w, &enter);
      QVERIFY(enter.isAccepted());
      QDropEvent ev(QPointF(50, 50), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
      QSignalSpy done(doc(), &Document::networkOpened);
      QApplication::sendEvent(w, &ev);
      QVERIFY(done.wait(20000));
      QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
      delete mime;
    };
    drop(fixture("labels.npy"));  // 1-D integers: labels
    QCOMPARE(str(net()->request().path), fixture("state_dict.pt"));
    QCOMPARE(*net()->imbalanceRatio(), 5.0);
    drop(fixture("features.npy"));  // N x p, labels known: features
    QVERIFY(net()->featureAnalysis());
    drop(fixture("arrays_compressed.npz"));  // features and labels together
    QCOMPARE(str(net()->request().features), fixture("arrays_compressed.npz"));
    drop(fixture("legacy.pt"));  // a checkpoint of its own
    QCOMPARE(str(net()->request().path), fixture("legacy.pt"));
  }

  void unsafeFileCanBeOpenedAnyway() {
    QSignalSpy done(doc(), &Document::networkOpened);
    w->openCheckpoint(fixture("evil_os_system.pt"));
    QVERIFY(done.wait(20000));
    QVERIFY(!done.first().at(0).toBool());
    QCOMPARE(done.first().at(2).toString(), QString("posix.system"));
    QVERIFY(!net());
    // The window asks; "Open Anyway" reads the tensors (nothing is run) and warns in the panel.
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = w->findChild<QMessageBox*>("UnsafeCheckpointBox")));
    QPushButton* anyway = nullptr;
    for (auto* b : box->findChildren<QPushButton*>())
      if (b->text().contains("Open Anyway")) anyway = b;
    QVERIFY(anyway);
    done.clear();
    anyway->click();
    QVERIFY(done.wait(20000));
    QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
    QVERIFY(net()->request().allowUnsafeGlobals);
    QVERIFY(w->network()->summaryText().contains("posix.system"));
  }

  void sessionKeepsTheComparison() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error, fixture("features.npy"), fixture("labels.npy")));
    QVERIFY(doc()->setMinority({2, 3, 4}));
    QVERIFY(w->waitUntilSettled());
    QTemporaryDir dir;
    const QString file = dir.filePath("s.json");
    QVERIFY(w->saveSession(file, &error));
    MainWindow other;
    QSignalSpy done(other.document(), &Document::networkOpened);
    QVERIFY2(other.openSession(file, &error), qPrintable(error));
    QVERIFY(done.wait(20000));
    QVERIFY(done.first().at(0).toBool());
    QCOMPARE(str(other.document()->network()->request().labels), fixture("labels.npy"));
    QVERIFY(other.document()->network()->featureAnalysis());
    QCOMPARE(other.document()->network()->minority(), (std::vector<int>{2, 3, 4}));
  }

  void trainedNetworksMeetTheModel() {
    // Small MLPs trained by real PyTorch (tests/scripts/train_imbalanced.py) at R = 1, 10, 100:
    // the numbers PyTorch/numpy recorded, and the network's minority collapse at R = 100.
    QFile f(QStringLiteral(LPM_TEST_DATA_DIR "/trained/trained.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject expected = QJsonDocument::fromJson(f.readAll()).object();
    for (const char* tag : {"mlp_R1", "mlp_R10", "mlp_R100"}) {
      const QString dir = QStringLiteral(LPM_TEST_DATA_DIR "/trained/");
      QSignalSpy done(doc(), &Document::networkOpened);
      doc()->openNetwork(request(dir + tag + ".pt", dir + tag + "_features.npz"));
      QVERIFY(done.wait(30000));
      QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
      const QJsonObject e = expected[tag].toObject();
      const auto& a = net()->analysis();
      QCOMPARE(a.name, std::string("fc.weight"));
      QVERIFY(std::abs(*a.minorityCos - e["minority_cos"].toDouble()) < 1e-6);
      QVERIFY(std::abs(a.EWfit - e["EW_fit"].toDouble()) < 1e-6);
      QVERIFY(std::abs(*net()->imbalanceRatio() - e["R"].toDouble()) < 1e-12);
      QCOMPARE(w->network()->networkScene()->content().sampleCount(), 200 * 5 + 5 * int(200 / e["R"].toDouble()));
      QVERIFY(w->waitUntilSettled());
      QCOMPARE(w->model()->params().R, e["R"].toDouble());
      QVERIFY(w->networkOverlayShown());
      // The head's accuracy on its own features as PyTorch measured it; no mismatch said.
      QVERIFY2(std::abs(net()->featureAnalysis()->accuracy - e["train_accuracy"].toDouble()) < 1e-6,
               qPrintable(QString::number(net()->featureAnalysis()->accuracy)));
      QVERIFY(net()->featureAnalysis()->mismatch.empty());
      QVERIFY(!w->network()->summaryText().contains("largest classes"));
      // Its own features' energy is the model's EH (within the explorer's range).
      QCOMPARE(w->model()->params().EH, clampToExplorer("EH", net()->featureAnalysis()->EHfit));
      QVERIFY(!w->network()->summaryText().contains("not used"));
    }
    // Another network's features of the same width (tests/scripts/make_mismatched_features.py):
    // every shape fits, the head predicts them near chance, and the panel says so.
    {
      const QString dir = QStringLiteral(LPM_TEST_DATA_DIR "/trained/");
      QSignalSpy done(doc(), &Document::networkOpened);
      doc()->openNetwork(request(dir + "mlp_R10.pt", dir + "mlp_R10_other_features.npz"));
      QVERIFY(done.wait(30000));
      QVERIFY(done.first().at(0).toBool());
      QVERIFY(w->waitUntilSettled());
      const auto& fit = net()->featureAnalysis();
      QVERIFY(fit && fit->largestClassesAccuracy < 0.5);
      QVERIFY2(w->network()->summaryText().contains("are these features and labels this network"),
               qPrintable(w->network()->summaryText()));
      QVERIFY2(w->statusBar()->currentMessage().contains("largest classes"), qPrintable(w->statusBar()->currentMessage()));
      // Their energy is no fit of this head: the model keeps the EH it had before any network
      // (it took the mismatched features' before), and the panel says the fit is not used.
      QVERIFY2(std::abs(w->model()->params().EH - fit->EHfit) > 1e-3 * fit->EHfit,
               qPrintable(QString("EH %1, fit %2").arg(w->model()->params().EH).arg(fit->EHfit)));
      QVERIFY2(w->network()->summaryText().contains("not used"), qPrintable(w->network()->summaryText()));
      // The warning's red reads on the dark theme too (the light theme's was 2:1 on it).
      w->action("view.dark")->setChecked(true);
      QVERIFY(w->network()->summaryText().contains("#ff8a80"));
      w->action("view.dark")->setChecked(false);
      QVERIFY(w->network()->summaryText().contains("#b2182b"));
    }
    doc()->openNetwork(request(QStringLiteral(LPM_TEST_DATA_DIR "/trained/mlp_R100.pt"),
                               QStringLiteral(LPM_TEST_DATA_DIR "/trained/mlp_R100_features.npz")));
    QVERIFY(QTest::qWaitFor([&] { return net() && net()->fileName() == "mlp_R100.pt" && net()->featureAnalysis(); }, 30000));
    QVERIFY(w->waitUntilSettled());
    // R = 100: the minority classifiers have nearly collapsed (cos > 0.9); its majority is near
    // the simplex, and the minority is the last five classes as the labels say.
    QCOMPARE(net()->minority(), (std::vector<int>{5, 6, 7, 8, 9}));
    QVERIFY(*net()->analysis().minorityCos > 0.9);
    QVERIFY(net()->featureAnalysis()->nc4 > 0.95);
  }

  void closeCheckpointAndReopenThePanel() {
    // File > Close Checkpoint takes the network away (marker, overlay, title); the model keeps its
    // parameters; View > Trained Network Panel brings a closed panel back.
    const QString dir = QStringLiteral(LPM_TEST_DATA_DIR "/trained/");
    QString error;
    QAction* close = w->action("file.close-checkpoint");
    QVERIFY(close && !close->isEnabled());
    QVERIFY2(openNow(dir + "mlp_R10.pt", &error, dir + "mlp_R10_features.npz"), qPrintable(error));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(close->isEnabled());
    QVERIFY(w->chartData().networkR);
    QVERIFY(w->windowTitle().startsWith("mlp_R10.pt"));
    // Opened into an untitled, unchanged window: nothing to save yet.
    QVERIFY(!w->isWindowModified());
    const TwoSizeParams before = w->model()->params();
    close->trigger();
    QVERIFY(w->waitUntilSettled());
    QVERIFY(!doc()->network());
    QVERIFY(!close->isEnabled());
    QVERIFY(!w->chartData().networkR);
    QCOMPARE(w->sceneData().overlay.rows(), 0);
    QVERIFY2(w->windowTitle().startsWith("Untitled"), qPrintable(w->windowTitle()));
    QCOMPARE(w->model()->params().EW, before.EW);
    auto* dock = w->findChild<QDockWidget*>("NetworkDock");
    QVERIFY(dock);
    dock->close();
    QVERIFY(!dock->isVisible());
    w->action("view.network")->trigger();
    QVERIFY(dock->isVisible());
  }

  void pinnedNetworksStayOnThePlot() {
    // Networks trained at R = 1 and 10, pinned; then R = 100 loaded: three points, like Figure 2.
    const QString dir = QStringLiteral(LPM_TEST_DATA_DIR "/trained/");
    QString error;
    for (const char* tag : {"mlp_R1", "mlp_R10"}) {
      QVERIFY2(openNow(dir + tag + ".pt", &error, dir + tag + "_features.npz"), qPrintable(error));
      QVERIFY(doc()->pinCurrent());
    }
    QVERIFY(openNow(dir + "mlp_R100.pt", &error, dir + "mlp_R100_features.npz"));
    QVERIFY(w->waitUntilSettled());
    const auto& pins = doc()->pinned();
    QCOMPARE(pins.size(), size_t(2));
    QCOMPARE(pins[0].name, std::string("mlp_R1.pt"));
    QCOMPARE(pins[1].R, 10.0);
    QVERIFY(pins[0].minorityCos < 0 && pins[1].minorityCos < 0.1);
    const auto chart = w->chartData();
    QCOMPARE(chart.pinned.size(), size_t(2));
    QCOMPARE(*chart.networkR, 100.0);
    // Saved and reopened with the session; cleared on request.
    QTemporaryDir tmp;
    QVERIFY(w->saveSession(tmp.filePath("s.json"), &error));
    MainWindow other;
    QVERIFY(other.openSession(tmp.filePath("s.json"), &error));
    QCOMPARE(other.document()->pinned().size(), size_t(2));
    QCOMPARE(other.document()->pinned()[1].minorityCos, pins[1].minorityCos);
    // Each pin keeps its own model (its fitted EW, EH): their curves join the plot, named.
    QVERIFY(pins[0].model && pins[1].model);
    QVERIFY(other.document()->pinned()[1].model && sameParameters(*other.document()->pinned()[1].model, *pins[1].model));
    QCOMPARE(pins[1].model->EW, clampToExplorer("EW", io::NetworkComparison::open(request(dir + "mlp_R10.pt",
                                                          dir + "mlp_R10_features.npz")).analysis().EWfit));
    doc()->clearComparison();
    w->action("compare.pins")->trigger();
    QCOMPARE(doc()->compared().size(), size_t(2));
    QTRY_COMPARE_WITH_TIMEOUT(doc()->family().size(), size_t(3), 30000);
    QVERIFY2(doc()->family()[1].label.rfind("mlp_R1.pt's model: ", 0) == 0, doc()->family()[1].label.c_str());
    QVERIFY2(doc()->family()[2].label.rfind("mlp_R10.pt's model: ", 0) == 0, doc()->family()[2].label.c_str());
    QString why;
    QVERIFY(!doc()->comparePinnedModels(&why));
    QVERIFY2(why.contains("already on the plot"), qPrintable(why));
    doc()->clearComparison();
    doc()->setPinned({});
    QCOMPARE(w->chartData().pinned.size(), size_t(0));
    // Without labels or counts the network's R is unknown: no pin at the model's R.
    QVERIFY(openNow(dir + "mlp_R10.pt", &error));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(!doc()->networkR());
    QVERIFY(!doc()->pinCurrent());
    QCOMPARE(doc()->pinned().size(), size_t(0));
  }

  void sceneSurvivesAFloatedDock() {
    // Floating a dock out and back moves the views' native surfaces to another window and back:
    // they keep drawing, at their new size.
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error, fixture("arrays.npz")));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(w->network()->showTab("3d"));
    SceneView* view = w->network()->networkScene();
    view->resetCamera();
    const QImage before = view->grabFrame();
    QVERIFY(test::greyVariance(before) > 50);
    const int generation = view->contextGeneration();
    auto* dock = w->findChild<QDockWidget*>("NetworkDock");
    QVERIFY(dock);
    for (bool floating : {true, false}) {
      dock->setFloating(floating);
      QTest::qWait(200);
      const QImage after = view->grabFrame();
      QVERIFY(test::greyVariance(after) > 50);
      // VTK draws at the widget's size in device pixels (floating changes the size a little).
      const int* size = view->renderWindow()->GetSize();
      QCOMPARE(QSize(size[0], size[1]), view->size() * view->devicePixelRatio());
    }
    // The native surface keeps its context through the round trip (a QOpenGLWidget lost it).
    QCOMPARE(view->contextGeneration(), generation);
    // The main view still draws and the window still solves.
    TwoSizeParams p = w->model()->params();
    p.R = 20;
    QVERIFY(w->model()->setParams(p, "R"));
    QVERIFY(w->waitUntilSettled());
    QVERIFY(test::greyVariance(w->scene()->grabFrame()) > 50);
  }

  void checkpointViewMatchesBaseline() {
    QString error;
    QVERIFY(openNow(fixture("state_dict.pt"), &error, fixture("features.npy"), fixture("labels.npy")));
    QVERIFY(w->waitUntilSettled());
    QTest::qWait(100);
    QVERIFY(w->waitUntilSettled());
    const QImage shot = VtkOpenGLWidget::grabWithViews(w->network()).toImage().scaled(200, 400, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    const auto r = test::compareWithBaseline(shot, "network-panel.png", 0.5);
    QVERIFY2(r.ok, qPrintable(r.message));
    // The 3D tab: the network on its own axes with the feature cloud.
    QVERIFY(w->network()->showTab("3d"));
    w->network()->networkScene()->resetCamera();
    const QImage scene = VtkOpenGLWidget::grabWithViews(w->network()->networkScene()).toImage().scaled(240, 240, Qt::IgnoreAspectRatio,
                                                                                  Qt::SmoothTransformation);
    QVERIFY(test::greyVariance(scene) > 50);
    const auto r3 = test::compareWithBaseline(scene, "network-scene.png", 0.5);
    QVERIFY2(r3.ok, qPrintable(r3.message));
  }
};

LPM_GUI_TEST_MAIN(TestNetwork)

#include "tst_network.moc"
