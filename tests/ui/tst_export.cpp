// Exports: vector PDF/SVG, exact PNG sizes, glTF, sessions reopened identically, animations.
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <QXmlStreamReader>

#include "GuiTestMain.h"
#include "ImageBaseline.h"
#include "lpm/Presets.h"
#include "lpm/render/Figure.h"
#include "lpm/ui/Application.h"
#include "lpm/ui/MainWindow.h"

using namespace lpm;

class TestExport : public QObject {
  Q_OBJECT
  QTemporaryDir dir;
  render::ChartData chart;
  render::SceneData scene;
  std::string caption;

  QString path(const char* name) const { return dir.filePath(name); }

private slots:
  void initTestCase() {
    QSettings().clear();  // window state saved by other GUI tests must not shape this one
    render::FigureInputs in;
    in.params = findPreset("fig3a")->params;
    in.paperFigure = true;
    in.title = "Figure 3(a): K = 10, EW = 1, EH = 5";
    render::buildFigure(in, chart, scene, caption);
  }

  void paperFigureHasThreeCurves() {
    // Figure 3(a): KA = 3, 5, 7; each reaches 1, and the smaller KB = 10 - KA, the earlier.
    QCOMPARE(chart.family.size(), size_t(3));
    std::vector<double> firstCollapse;
    for (const auto& [label, pts, transition] : chart.family) {
      QCOMPARE(std::count_if(pts.begin(), pts.end(), [](const SweepPoint& p) { return !p.refined; }), 61L);
      QVERIFY(pts.size() > 61);  // refined near R0 and where the cosine changes fast
      double R = 0;
      for (const auto& pt : pts)
        if (pt.state == MinorityState::Collapsed || pt.state == MinorityState::Vanished) {
          R = pt.R;
          break;
        }
      QVERIFY2(R > 1, label.c_str());
      firstCollapse.push_back(R);
    }
    QVERIFY(firstCollapse[0] > firstCollapse[1] && firstCollapse[1] > firstCollapse[2]);
    QVERIFY(QString::fromStdString(caption).contains("R0 = 12.18"));
  }

  void pdfIsVectorAndMatchesBaseline() {
    const QString pdf = path("fig3a.pdf");
    render::exportChart(chart, pdf.toStdString(), {900, 600, 1});
    QProcess info;
    info.start("pdfinfo", {pdf});
    QVERIFY(info.waitForFinished(20000));
    const QString out = info.readAllStandardOutput();
    QVERIFY2(out.contains("Pages:") && out.contains("1"), qPrintable(out));
    QVERIFY2(out.contains("GL2PS"), qPrintable(out));
    QProcess fonts;
    fonts.start("pdffonts", {pdf});
    QVERIFY(fonts.waitForFinished(20000));
    QVERIFY2(fonts.readAllStandardOutput().contains("Helvetica"), "text in the PDF must stay text");
    QProcess render;
    render.start("pdftoppm", {"-png", "-r", "40", "-singlefile", pdf, path("fig3a-pdf")});
    QVERIFY(render.waitForFinished(20000));
    const QImage page(path("fig3a-pdf.png"));
    QVERIFY(!page.isNull());
    const auto r = test::compareWithBaseline(page, "plot-fig3a-pdf.png", 0.5);
    QVERIFY2(r.ok, qPrintable(r.message));
  }

  void svgHasTextElements() {
    const QString svg = path("fig3a.svg");
    render::exportChart(chart, svg.toStdString(), {900, 600, 1});
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    int texts = 0;
    QStringList words;
    while (!xml.atEnd()) {
      xml.readNext();
      if (xml.isStartElement() && xml.name() == QLatin1String("text")) {
        ++texts;
        words << xml.readElementText(QXmlStreamReader::IncludeChildElements);
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(texts >= 10);
    QVERIFY2(words.join(' ').contains("Imbalance ratio R"), qPrintable(words.join('|')));
    QVERIFY(words.join(' ').contains("Average pairwise cosine"));
  }

  void pngSizesAreExact() {
    render::exportChart(chart, path("plot.png").toStdString(), {640, 400, 2});
    QCOMPARE(QImage(path("plot.png")).size(), QSize(1280, 800));
    render::exportScene(scene, path("scene.png").toStdString(), {300, 300, 1});
    const QImage s(path("scene.png"));
    QCOMPARE(s.size(), QSize(300, 300));
    QVERIFY(test::greyVariance(s) > 20);
    render::exportCombined(scene, chart, caption, path("combined.png").toStdString(), {1000, 450, 1});
    QCOMPARE(QImage(path("combined.png")).size(), QSize(1000, 450));
  }

  void gltfIsAScene() {
    render::exportScene(scene, path("scene.gltf").toStdString(), {300, 300, 1});
    QFile f(path("scene.gltf"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto doc = QJsonDocument::fromJson(f.readAll());
    QVERIFY(doc.isObject());
    QVERIFY(doc.object().contains("meshes"));
    QVERIFY(doc.object().value("asset").toObject().contains("version"));
  }

  void badExportsAreRefused() {
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, render::exportChart(chart, path("x.bmp").toStdString(), {}));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, render::exportChart(chart, path("x.png").toStdString(), {10, 10, 1}));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, render::exportScene(scene, "/nonexistent/dir/x.png", {}));
  }

  void animationFrames() {
    render::AnimationWriter w(path("frames").toStdString(), {320, 160, 1}, 12);
    for (int i = 0; i < 3; ++i) {
      chart.currentR = std::pow(10.0, i);
      w.addFrame(scene, chart, caption);
    }
    QCOMPARE(w.close(), 3);
    for (const char* f : {"frames/frame-0000.png", "frames/frame-0001.png", "frames/frame-0002.png"})
      QCOMPARE(QImage(path(f)).size(), QSize(320, 160));
    QVERIFY(QImage(path("frames/frame-0000.png")) != QImage(path("frames/frame-0002.png")));
    render::AnimationWriter v(path("sweep.ogv").toStdString(), {320, 160, 1}, 12);
    for (int i = 0; i < 4; ++i) v.addFrame(scene, chart, caption);
    QCOMPARE(v.close(), 4);
    QVERIFY(QFile(path("sweep.ogv")).size() > 1000);
  }

  void sessionReopensIdentically() {
    ui::MainWindow a;
    a.resize(1000, 640);
    a.show();
    QVERIFY(a.applyPreset("fig8b"));
    TwoSizeParams p = a.model()->params();
    p.R = 37.5;
    p.wr = 2;
    QVERIFY(a.model()->setParams(p, "R"));
    QVERIFY(a.waitUntilSettled());
    QString error;
    QVERIFY(a.saveSession(path("s.json"), &error));
    render::exportScene(a.sceneData(), path("a.png").toStdString(), {320, 320, 1});

    ui::MainWindow b;
    b.resize(1000, 640);
    b.show();
    QVERIFY2(b.openSession(path("s.json"), &error), qPrintable(error));
    QVERIFY(b.waitUntilSettled());
    const auto& q = b.model()->params();
    QCOMPARE(q.EW, p.EW);
    QCOMPARE(q.EH, p.EH);
    QCOMPARE(q.KA, p.KA);
    QCOMPARE(q.KB, p.KB);
    QCOMPARE(q.R, p.R);
    QCOMPARE(q.wr, p.wr);
    render::exportScene(b.sceneData(), path("b.png").toStdString(), {320, 320, 1});
    QCOMPARE(QImage(path("b.png")), QImage(path("a.png")));

    // A malformed session is refused and changes nothing.
    QFile bad(path("bad.json"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"format":"lpm-studio-session","version":1,"params":{"EW":-3,"EH":5,"KA":5,"KB":5,"R":2}})");
    bad.close();
    QVERIFY(!b.openSession(path("bad.json"), &error));
    QVERIFY2(error.contains("EW must be > 0"), qPrintable(error));
    QCOMPARE(b.model()->params().R, 37.5);
  }
};

LPM_GUI_TEST_MAIN(TestExport)

#include "tst_export.moc"
