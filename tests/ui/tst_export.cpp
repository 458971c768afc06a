// Exports: vector PDF/SVG, exact PNG sizes, glTF, sessions reopened identically, animations.
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QPainter>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <Eigen/Core>
#include <Eigen/Geometry>
#include <QXmlStreamReader>

#include "GuiTestMain.h"
#include "ImageBaseline.h"
#include "lpm/Metrics.h"
#include "lpm/Presets.h"
#include "lpm/Solver.h"
#include "lpm/render/CosineChart.h"
#include "lpm/render/Figure.h"
#include "lpm/ui/Application.h"
#include "lpm/ui/CosinePlot.h"
#include "lpm/ui/MainWindow.h"
#include "lpm/ui/SceneView.h"

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

  void legendKeepsClearOfTheCurves() {
    // Figure 3(a)'s three curves at the CLI's 900 x 600: the legend, inside the plot, lies 5 px
    // clear of every curve (the KA = 3 curve passed under its corner: "covers the green curve").
    render::CosineChart c;
    render::fillChart(c, chart);
    QImage img(900, 600, QImage::Format_RGB32);
    img.fill(Qt::white);
    {
      QPainter p(&img);
      p.setRenderHint(QPainter::Antialiasing);
      c.paint(p, QRectF(0, 0, 900, 600));
    }
    const QRectF box = c.legendBox();
    QVERIFY(!box.isEmpty() && c.plotArea().contains(box));
    int near = 0;
    for (int y = int(box.top()) - 4; y <= int(box.bottom()) + 4; ++y)
      for (int x = int(box.left()) - 4; x <= int(box.right()) + 4; ++x) {
        if (box.adjusted(-1, -1, 1, 1).contains(QPointF(x, y)) || !img.rect().contains(x, y)) continue;  // the frame and inside
        const QColor px = img.pixelColor(x, y);
        near += px.saturation() > 120 && px.value() > 80;  // a curve's colour, not grid or frame grey
      }
    QVERIFY2(near == 0, qPrintable(QStringLiteral("%1 coloured pixels within 4 px of the legend at %2,%3 %4x%5")
                                       .arg(near).arg(box.x()).arg(box.y()).arg(box.width()).arg(box.height())));
  }

  void paperFigureHasThreeCurves() {
    // Figure 3(a): KA = 3, 5, 7; each reaches 1, and the smaller KB = 10 - KA, the earlier.
    QCOMPARE(chart.family.size(), size_t(3));
    std::vector<double> firstCollapse;
    int currents = 0;  // one is the figure's own setting (it keeps the R0 line's colour)
    for (const auto& [label, pts, transition, current] : chart.family) {
      if (current) {
        ++currents;
        QVERIFY2(label.find("KA = 5") == 0, label.c_str());
      }
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
    QCOMPARE(currents, 1);
    QVERIFY(QString::fromStdString(caption).contains("R0 = 12.19"));
  }

  void fittedValuesAreRoundedLikeTheCosines() {
    // A network's fitted EW = 0.451004269393 is printed to the 4 significant figures the cosines
    // have ("EW \u2248 0.451"), marked as rounded; a value as typed stays as typed.
    auto p = findPreset("fig3a")->params;
    p.EW = 0.451004269393;
    p.EH = 5.32719;
    const Solution s = solve(makeTwoSize(p));
    const auto c = QString::fromStdString(render::captionFor(p, s, computeMetrics(s), std::nullopt));
    QVERIFY2(c.contains(QString::fromUtf8("EW \u2248 0.451,")), qPrintable(c));
    QVERIFY2(c.contains(QString::fromUtf8("EH \u2248 5.327,")), qPrintable(c));
    QVERIFY2(c.contains("KA = 5,"), qPrintable(c));
    QVERIFY2(QRegularExpression("minority cosine -?\\d\\.\\d{4} ").match(c).hasMatch(), qPrintable(c));
  }

  // Runs a poppler tool; its stdout, and stderr must be empty (no "Unknown operator", ...).
  static QString run(const QString& tool, const QStringList& args) {
    QProcess p;
    p.start(tool, args);
    if (!p.waitForFinished(30000)) return "TIMEOUT";
    const QString err = p.readAllStandardError();
    if (!err.trimmed().isEmpty()) return "STDERR: " + err;
    return p.readAllStandardOutput();
  }

  void pdfIsVectorWithEmbeddedFontsAndMatchesBaseline() {
    const QString pdf = path("fig3a.pdf");
    render::exportChart(chart, pdf.toStdString(), {900, 600, 1});
    const QString info = run("pdfinfo", {pdf});
    QVERIFY2(info.contains("Pages:") && info.contains("900 x 600 pts"), qPrintable(info));
    QVERIFY2(QFileInfo(pdf).size() < 80000, "a plot of a few tens of kB");
    // Every font embedded; no picture anywhere (the curves are paths, the text is text).
    const QStringList fonts = run("pdffonts", {pdf}).split('\n', Qt::SkipEmptyParts).mid(2);
    QVERIFY2(!fonts.isEmpty(), "text in the PDF must stay text");
    for (const QString& f : fonts) QVERIFY2(f.contains(" yes "), qPrintable(f));
    QCOMPARE(run("pdfimages", {"-list", pdf}).split('\n', Qt::SkipEmptyParts).size(), 2);  // the header only
    const QString text = run("pdftotext", {"-layout", pdf, "-"});
    for (const char* w : {"Imbalance ratio R", "Average pairwise cosine", "KA = 3", "KA = 5", "KA = 7", "1000", "Figure 3(a)"})
      QVERIFY2(text.contains(w), qPrintable(w + QString(" not in:\n") + text));
    QVERIFY2(!text.contains("500010000") && !text.contains("100010000"), "x tick labels must not run together");
    QCOMPARE(run("pdftoppm", {"-png", "-r", "40", "-singlefile", pdf, path("fig3a-pdf")}), QString());
    const QImage page(path("fig3a-pdf.png"));
    QVERIFY(!page.isNull());
    const auto r = test::compareWithBaseline(page, "plot-fig3a-pdf.png", 0.5);
    QVERIFY2(r.ok, qPrintable(r.message));
  }

  void svgHasTextElementsAndAnOpaqueBackground() {
    const QString svg = path("fig3a.svg");
    render::exportChart(chart, svg.toStdString(), {900, 600, 1});
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    int texts = 0;
    bool whiteFirst = false, sawFill = false;
    QStringList words;
    while (!xml.atEnd()) {
      xml.readNext();
      if (xml.isStartElement() && !sawFill && xml.attributes().hasAttribute("fill") &&
          xml.attributes().value("fill") != QLatin1String("none")) {
        sawFill = true;
        whiteFirst = xml.attributes().value("fill") == QLatin1String("#ffffff");
      }
      if (xml.isStartElement() && xml.name() == QLatin1String("text")) {
        ++texts;
        words << xml.readElementText(QXmlStreamReader::IncludeChildElements);
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(texts >= 10);
    QVERIFY2(whiteFirst, "the first thing painted is the white page");
    QVERIFY2(words.join(' ').contains("Imbalance ratio R"), qPrintable(words.join('|')));
    QVERIFY(words.join(' ').contains("Average pairwise cosine"));
    QVERIFY2(words.join(' ').contains("KA = 5, KB = 5: R0 = 12.19 (current)"), qPrintable(words.join('|')));
  }

  void combinedPdfHasTheSceneAsOnePictureAndTheRestAsText() {
    const QString pdf = path("combined.pdf");
    render::exportCombined(scene, chart, caption, pdf.toStdString(), {1600, 700, 1});
    QVERIFY2(QFileInfo(pdf).size() < 600000, qPrintable(QString::number(QFileInfo(pdf).size())));
    const QStringList images = run("pdfimages", {"-list", pdf}).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(images.size(), 3);  // header, rule, the 3D scene
    const QString text = run("pdftotext", {pdf, "-"});
    // The plot's text and the caption, each once: nothing drawn over the scene twice.
    QCOMPARE(text.count("Average pairwise cosine"), 1);
    QCOMPARE(text.count("Imbalance ratio R"), 1);
    QVERIFY2(text.contains("R0 = 12.19"), qPrintable(text));
    QVERIFY2(text.contains("the 3D projection keeps"), qPrintable(text));  // the scene's note, as text
    for (const QString& f : run("pdffonts", {pdf}).split('\n', Qt::SkipEmptyParts).mid(2))
      QVERIFY2(f.contains(" yes "), qPrintable(f));
    QCOMPARE(run("pdftoppm", {"-png", "-r", "30", "-singlefile", pdf, path("combined-pdf")}), QString());
    const QImage page(path("combined-pdf.png"));
    // The scene's half holds the drawing (not blank), the caption band below both halves.
    QVERIFY(test::greyVariance(page.copy(0, 0, page.width() / 2, page.height() * 3 / 4)) > 20);
  }

  void pngSizesAreExactAndScaleEverything() {
    render::exportChart(chart, path("plot.png").toStdString(), {640, 400, 2});
    const QImage big(path("plot.png"));
    QCOMPARE(big.size(), QSize(1280, 800));
    render::exportChart(chart, path("plot1.png").toStdString(), {640, 400, 1});
    // Scale 2 is scale 1 drawn twice as large: text, lines and legend too.
    const QImage small = QImage(path("plot1.png")).convertToFormat(QImage::Format_RGB32);
    const QImage down = big.scaled(small.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                            .convertToFormat(QImage::Format_RGB32);
    double diff = 0;
    for (int y = 0; y < small.height(); ++y)
      for (int x = 0; x < small.width(); ++x) diff += std::abs(qGray(small.pixel(x, y)) - qGray(down.pixel(x, y)));
    QVERIFY2(diff / (small.width() * small.height()) < 12, qPrintable(QString::number(diff / (small.width() * small.height()))));
    render::exportScene(scene, path("scene.png").toStdString(), {300, 300, 1});
    const QImage s(path("scene.png"));
    QCOMPARE(s.size(), QSize(300, 300));
    QVERIFY(test::greyVariance(s) > 20);
    render::exportCombined(scene, chart, caption, path("combined.png").toStdString(), {1000, 450, 1});
    QCOMPARE(QImage(path("combined.png")).size(), QSize(1000, 450));
  }

  void gltfHoldsArrowsMeansAndLabels() {
    render::exportScene(scene, path("scene.gltf").toStdString(), {300, 300, 1});
    QFile f(path("scene.gltf"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto doc = QJsonDocument::fromJson(f.readAll());
    QVERIFY(doc.isObject());
    const QJsonObject o = doc.object();
    QCOMPARE(o.value("asset").toObject().value("version").toString(), QString("2.0"));
    // Loaded back: one node per classifier arrow and per class mean, named as the view labels them.
    QStringList names;
    for (const auto& n : o.value("nodes").toArray()) names << n.toObject().value("name").toString();
    const int K = int(scene.W.rows());
    QCOMPARE(names.filter(QRegularExpression("^w\\d+ \\((majority|minority)\\)$")).size(), K);
    QCOMPARE(names.filter(QRegularExpression("^h\\d+ \\((majority|minority)\\)$")).size(), K);
    QVERIFY(names.contains("w0 (majority)") && names.contains("w9 (minority)") && !names.contains("w10 (minority)") && names.contains("unit sphere"));
    // The buffer decodes to its stated length; every accessor fits in it; arrow triangles face out.
    const QJsonObject buffer = o.value("buffers").toArray()[0].toObject();
    const QString uri = buffer.value("uri").toString();
    QVERIFY(uri.startsWith("data:application/octet-stream;base64,"));
    const QByteArray bin = QByteArray::fromBase64(uri.mid(uri.indexOf(',') + 1).toLatin1());
    QCOMPARE(bin.size(), buffer.value("byteLength").toInt());
    const QJsonArray views = o.value("bufferViews").toArray(), accessors = o.value("accessors").toArray();
    for (const auto& a : accessors) {
      const QJsonObject v = views[a.toObject().value("bufferView").toInt()].toObject();
      QVERIFY(v.value("byteOffset").toInt() + v.value("byteLength").toInt() <= bin.size());
    }
    const QJsonObject prim = o.value("meshes").toArray()[0].toObject().value("primitives").toArray()[0].toObject();
    auto floats = [&](int accessor) {
      const QJsonObject v = views[accessors[accessor].toObject().value("bufferView").toInt()].toObject();
      return reinterpret_cast<const float*>(bin.constData() + v.value("byteOffset").toInt());
    };
    const float* pos = floats(prim.value("attributes").toObject().value("POSITION").toInt());
    const float* nrm = floats(prim.value("attributes").toObject().value("NORMAL").toInt());
    const QJsonObject iv = views[accessors[prim.value("indices").toInt()].toObject().value("bufferView").toInt()].toObject();
    const auto* idx = reinterpret_cast<const quint16*>(bin.constData() + iv.value("byteOffset").toInt());
    const int n = accessors[prim.value("indices").toInt()].toObject().value("count").toInt();
    QVERIFY(n >= 3 * 32);
    for (int t = 0; t < n; t += 3) {
      const Eigen::Vector3f a(pos + 3 * idx[t]), b(pos + 3 * idx[t + 1]), c(pos + 3 * idx[t + 2]);
      const Eigen::Vector3f face = (b - a).cross(c - a).normalized();
      // Every corner's normal within 45 degrees of its face: smooth, outward shading (a cone tip
      // with one normal along the arrow was shaded flat).
      for (int corner = 0; corner < 3; ++corner) {
        const Eigen::Vector3f normal = Eigen::Vector3f(nrm + 3 * idx[t + corner]).normalized();
        QVERIFY2(face.dot(normal) > std::cos(M_PI / 4),
                 qPrintable(QString("triangle %1, corner %2: normal %3 off its face").arg(t / 3).arg(corner).arg(face.dot(normal))));
      }
    }
  }

  /// The 3D scene of the fig3a preset at R, as `lpm figure` builds it.
  static render::SceneData fig3aScene(double R) {
    render::FigureInputs in;
    in.params = findPreset("fig3a")->params;
    in.params.R = R;
    render::ChartData c;
    render::SceneData sc;
    std::string cap;
    render::buildFigure(in, c, sc, cap);
    return sc;
  }

  void gltfHoldsTheMinorityCone() {
    // As the view: below R0 (fig3a, R = 8) a cone at their angle to their mean, above R0 none.
    for (const double R : {8.0, 100.0}) {
      const render::SceneData sc = fig3aScene(R);
      render::writeSceneGltf(sc, path("cone.gltf").toStdString());
      QFile f(path("cone.gltf"));
      QVERIFY(f.open(QIODevice::ReadOnly));
      const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
      std::optional<double> angle;
      for (const auto& n : o.value("nodes").toArray())
        if (n.toObject().value("name").toString() == "minority cone")
          angle = n.toObject().value("extras").toObject().value("angle_degrees").toDouble();
      const auto cone = render::minorityCone(sc.W, sc.minority, sc.minorityInset);
      if (R < 12) {
        QVERIFY(angle && cone);
        QVERIFY(std::abs(*angle - 49) < 1);  // the inset's "49° to their mean"
        QVERIFY(std::abs(*angle - cone->angle * 180 / M_PI) < 1e-9);
      } else {
        QVERIFY(!angle && !cone);
      }
    }
  }

  void sceneShowsMinorityCollapse() {
    // The 3D picture of fig3a below R0 (R = 8, cosine 0.28) and above (R = 100, collapsed) must
    // differ where a first-time user looks: the minority fan (upper right) is open, then closed.
    auto render = [&](double R, const char* name) {
      render::exportScene(fig3aScene(R), path(name).toStdString(), {480, 480, 1});
      return QImage(path(name)).convertToFormat(QImage::Format_RGB32);
    };
    // The horizontal extent of the minority colour (vermillion) inside the inset's square.
    auto fanWidth = [](const QImage& img) {
      const int side = int(0.30 * img.height()), x0 = img.width() - int(1.25 * side) - 6, y0 = 6;
      int lo = img.width(), hi = -1;
      for (int y = y0 + side / 6; y < y0 + side * 3 / 4; ++y)
        for (int x = x0; x < x0 + int(1.25 * side); ++x) {
          const QColor c = img.pixelColor(x, y);
          if (c.red() > 150 && c.green() < 140 && c.blue() < 90) lo = std::min(lo, x), hi = std::max(hi, x);
        }
      return hi >= lo ? double(hi - lo) / side : 0.0;
    };
    const QImage spread = render(8, "scene-R8.png"), collapsed = render(100, "scene-R100.png");
    QVERIFY2(fanWidth(spread) > 0.45, qPrintable(QString::number(fanWidth(spread))));
    QVERIFY2(fanWidth(collapsed) < 0.2, qPrintable(QString::number(fanWidth(collapsed))));
    for (const auto& [img, base] : {std::pair{spread, "scene-fig3a-R8.png"}, {collapsed, "scene-fig3a-R100.png"}}) {
      const auto r = test::compareWithBaseline(img, base, 0.5);
      QVERIFY2(r.ok, qPrintable(r.message));
    }
  }

  void badExportsAreRefusedWithTheReason() {
    auto message = [](auto&& f) -> QString {
      try {
        f();
      } catch (const std::exception& e) {
        return e.what();
      }
      return "no error";
    };
    QVERIFY(message([&] { render::exportChart(chart, path("x.bmp").toStdString(), {}); }).contains("use .png, .pdf or .svg"));
    QVERIFY(message([&] { render::exportChart(chart, path("x.eps").toStdString(), {}); }).contains("use .png, .pdf or .svg"));
    QVERIFY(message([&] { render::exportChart(chart, path("x.png").toStdString(), {10, 10, 1}); }).contains("64 and 8192"));
    QVERIFY(message([&] { render::exportChart(chart, "/nonexistent/dir/x.pdf", {}); })
                .contains("folder /nonexistent/dir does not exist"));
    QVERIFY(message([&] { render::exportScene(scene, "/nonexistent/dir/x.png", {}); }).contains("does not exist"));
    QVERIFY(message([&] { render::exportChart(chart, dir.path().toStdString() + "/", {}); }).contains("use .png"));
    QVERIFY(!QFileInfo::exists("/nonexistent/dir/x.pdf"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, render::AnimationWriter(path("x.mp4").toStdString(), {320, 160, 1}, 12));
    QVERIFY2(!QFileInfo::exists(path("x.mp4")), "an unknown extension must not become a folder");
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

  void viewsKeepDrawingAfterAnExport() {
    // An export renders in VTK's own offscreen window on the UI thread, with a GL context of its
    // own: the window's views still draw afterwards.
    ui::MainWindow a;
    a.resize(900, 600);
    a.show();
    QVERIFY(QTest::qWaitForWindowExposed(&a));
    QVERIFY(a.waitUntilSettled());
    const QImage before = a.scene()->grabFrame();
    render::exportScene(a.sceneData(), path("export.png").toStdString(), {240, 240, 1});
    TwoSizeParams p = a.model()->params();
    p.R = 50;
    QVERIFY(a.model()->setParams(p, "R"));
    QVERIFY(a.waitUntilSettled());
    const QImage after = a.scene()->grabFrame();
    QVERIFY2(test::greyVariance(after) > 20, qPrintable(QString::number(test::greyVariance(after))));
    QCOMPARE(after.size(), before.size());
    QVERIFY(after != before);  // R = 50: the minority has collapsed, the picture moved
  }

  void windowAndCommandLineDrawOnePaperFigure() {
    // fig3a from the window's File > Export and from `lpm figure --preset fig3a`: the same title,
    // legend and axes, word for word (the CLI's had "KA = 3 / 5 / 7" and no R0, the window's its
    // own title, each R0 and the current R).
    ui::MainWindow a;
    a.resize(1000, 640);
    a.show();
    QVERIFY(a.applyPreset("fig3a"));
    QVERIFY(a.waitUntilSettled());
    QTRY_COMPARE_WITH_TIMEOUT(a.document()->family().size(), size_t(3), 30000);
    QVERIFY(a.waitUntilSettled());
    render::exportChart(a.document()->chartData(1, 1e4), path("window.pdf").toStdString(), {900, 600, 1});
    QProcess cli;
    cli.start(QStringLiteral(LPM_CLI), {"figure", "--preset", "fig3a", "--plot", path("cli.pdf")});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const QString fromWindow = run("pdftotext", {path("window.pdf"), "-"}), fromCli = run("pdftotext", {path("cli.pdf"), "-"});
    QVERIFY2(fromWindow.contains("Figure 3(a) and 8(c)") && fromWindow.contains("KA = 3, KB = 7: R0 = 245.4") &&
                 fromWindow.contains("KA = 5, KB = 5: R0 = 12.19 (current)") && fromWindow.contains("current R = 10"),
             qPrintable(fromWindow));
    QCOMPARE(fromCli, fromWindow);
    // The window's own plot has the title its export has; a change of R leaves the preset, and
    // both go back to the automatic title.
    QCOMPARE(a.plot()->chart().title(), std::string("Figure 3(a) and 8(c): K = 10, EW = 1, EH = 5"));
    TwoSizeParams p = a.model()->params();
    p.R = 20;
    QVERIFY(a.model()->setParams(p, "R"));
    QVERIFY(a.waitUntilSettled());
    QVERIFY2(a.plot()->chart().title().find("phase transition at R0 = 12.19") != std::string::npos, a.plot()->chart().title().c_str());
    QVERIFY(a.document()->chartData(1, 1e4).title.empty());
  }

  void sessionReopensIdentically() {
    ui::MainWindow a;
    a.resize(1000, 640);
    a.show();
    QVERIFY(a.applyPreset("fig8b"));
    TwoSizeParams p = a.model()->params();
    p.R = 37.5;
    p.wr = 2;
    // Another model beside it, its own plot range and axes: `lpm figure --session` draws them too.
    TwoSizeParams other = p;
    other.EH = p.EH / 2;
    QVERIFY(a.model()->setParams(other, "EH"));
    QVERIFY(a.document()->compareCurrent());
    QVERIFY(a.model()->setParams(p, "R"));
    a.document()->setPlotRange(2e5);
    ViewOptions v = a.document()->view();
    v.axesFrom = "all";
    a.document()->setView(v);
    QVERIFY(a.waitUntilSettled());
    QString error;
    QVERIFY(a.saveSession(path("s.json"), &error));
    render::exportScene(a.sceneData(), path("a.png").toStdString(), {320, 320, 1});
    {
      render::ChartData c;
      render::SceneData sc;
      std::string cap;
      render::buildFigure(render::figureInputs(loadSession(path("s.json").toStdString())), c, sc, cap);
      QCOMPARE(c.Rmax, 2e5);
      // The model, the preset's family (KA = 3, 7) and the one the user compared.
      QCOMPARE(a.document()->compared().size(), size_t(3));
      QCOMPARE(c.family.size(), size_t(4));
      QCOMPARE(sc.view.axesFrom, std::string("all"));
      QCOMPARE(sc.W.rows(), a.sceneData().W.rows());
      QVERIFY2((sc.W - a.sceneData().W).norm() < 1e-6, "the figure draws the window's picture");
      QVERIFY((sc.H - a.sceneData().H).norm() < 1e-6);
    }

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
