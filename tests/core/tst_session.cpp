// Sessions: a saved session reopens identically; malformed files are refused with a clear message.
#include <QTemporaryDir>
#include <QTest>

#include "lpm/Parameters.h"
#include "lpm/Presets.h"
#include "lpm/Session.h"
#include "lpm/StateLink.h"

using namespace lpm;

class TestSession : public QObject {
  Q_OBJECT
private slots:
  void roundTrip() {
    Session s;
    s.params.EW = 0.7, s.params.EH = 3.25, s.params.KA = 4, s.params.KB = 6, s.params.R = kInfinity, s.params.wr = 3;
    s.params.profile = SizeProfile::Exponential;
    s.preset = "fig3a";
    s.checkpoint = "/data/model.pt";
    s.camera = CameraState{{1, 2, 3}, {0, 0, 0}, {0, 0, 1}, 28.5};
    s.view.dark = true;
    s.view.labels = false;
    s.view.networkOverlay = false;
    s.features = "/data/f.npz";
    s.labels = "/data/l.npy";
    s.minority = std::vector<int>{3, 4};
    s.pinned = {{"a.pt", 10, 0.25, std::nullopt}, {"b.pt", 100, 0.9, std::nullopt}};
    QTemporaryDir dir;
    const std::string path = dir.filePath("s.json").toStdString();
    saveSession(s, path);
    const Session t = loadSession(path);
    QCOMPARE(t.params.EW, 0.7);
    QCOMPARE(t.params.EH, 3.25);
    QCOMPARE(t.params.KA, 4);
    QCOMPARE(t.params.KB, 6);
    QVERIFY(std::isinf(t.params.R));
    QCOMPARE(t.params.wr, 3.0);
    QVERIFY(t.params.profile == SizeProfile::Exponential);
    QCOMPARE(*t.preset, std::string("fig3a"));
    QCOMPARE(*t.checkpoint, std::string("/data/model.pt"));
    QVERIFY(t.camera->position == s.camera->position);
    QCOMPARE(t.camera->viewAngle, 28.5);
    QVERIFY(t.view.dark && !t.view.labels && t.view.means && !t.view.networkOverlay);
    QCOMPARE(*t.features, std::string("/data/f.npz"));
    QCOMPARE(*t.labels, std::string("/data/l.npy"));
    QCOMPARE(*t.minority, (std::vector<int>{3, 4}));
    QCOMPARE(t.pinned.size(), size_t(2));
    QCOMPARE(t.pinned[1].name, std::string("b.pt"));
    QCOMPARE(t.pinned[1].R, 100.0);
    QCOMPARE(t.pinned[1].minorityCos, 0.9);
    QCOMPARE(sessionToJson(t), sessionToJson(s));
  }

  void malformed_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    const QString ok = R"("format":"lpm-studio-session","version":1,)";
    QTest::newRow("not json") << "{oops" << "not valid JSON";
    QTest::newRow("array") << "[1,2]" << "must hold a JSON object";
    QTest::newRow("foreign") << R"({"format":"other","version":1})" << "not an LPM Studio session";
    QTest::newRow("future") << R"({"format":"lpm-studio-session","version":7,"params":{}})" << "version 7 is not supported";
    QTest::newRow("no params") << "{" + ok.chopped(1) + "}" << "params is missing";
    QTest::newRow("missing EW") << "{" + ok + R"("params":{"EH":5,"KA":5,"KB":5,"R":10}})" << "params.EW is missing";
    QTest::newRow("string EW") << "{" + ok + R"("params":{"EW":"one","EH":5,"KA":5,"KB":5,"R":10}})" << "params.EW must be a number";
    QTest::newRow("bad EW") << "{" + ok + R"("params":{"EW":-1,"EH":5,"KA":5,"KB":5,"R":10}})" << "params: EW must be > 0";
    QTest::newRow("fraction KA") << "{" + ok + R"("params":{"EW":1,"EH":5,"KA":2.5,"KB":5,"R":10}})" << "params.KA must be an integer";
    QTest::newRow("R<1") << "{" + ok + R"("params":{"EW":1,"EH":5,"KA":5,"KB":5,"R":0.5}})" << "params: R must be >= 1";
    QTest::newRow("camera") << "{" + ok + R"("params":{"EW":1,"EH":5,"KA":5,"KB":5,"R":10},"camera":{"position":[1,2]}})"
                            << "camera.position must be 3 numbers";
    QTest::newRow("profile") << "{" + ok + R"("params":{"EW":1,"EH":5,"KA":5,"KB":5,"R":10,"profile":"zipf"}})"
                             << "params.profile must be";
    const QString p = R"("params":{"EW":1,"EH":5,"KA":5,"KB":5,"R":10})";
    QTest::newRow("features alone") << "{" + ok + p + R"(,"features":"f.npy"})" << "features needs a checkpoint";
    QTest::newRow("minority") << "{" + ok + p + R"(,"checkpoint":"m.pt","minority":[1,-2]})" << "minority must hold class indices";
    QTest::newRow("pinned") << "{" + ok + p + R"(,"pinned":{"R":3}})" << "pinned must be a list";
    QTest::newRow("pinned R") << "{" + ok + p + R"(,"pinned":[{"R":0.5,"minority_cos":0.1}]})" << "pinned.R must be >= 1";
    QTest::newRow("pinned cos") << "{" + ok + p + R"(,"pinned":[{"R":5,"minority_cos":3}]})" << "pinned.minority_cos must be in";
    QTest::newRow("axes_from") << "{" + ok + p + R"(,"view":{"axes_from":"sideways"}})" << "view.axes_from: 'sideways' is not a choice";
    QTest::newRow("plot_rmax") << "{" + ok + p + R"(,"plot_rmax":1e13})" << "plot_rmax must be in [10, 1e12]";
    QTest::newRow("picture") << "{" + ok + R"("params":{"EW":1,"EH":5,"KA":1,"KB":1,"R":10},"picture":[[0,0,0],[0,0,0],[0,0,0],[1,2,"x"]]})"
                             << "picture must hold finite numbers";
  }
  void malformed() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    try {
      sessionFromJson(text.toStdString());
      QFAIL("accepted a malformed session");
    } catch (const InvalidInput& e) {
      QVERIFY2(QString(e.what()).startsWith("session: "), e.what());
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }

  void pictureRoundTripsAndAWrongSizeIsSetAside() {
    Session s;
    s.params.KA = 1, s.params.KB = 1;
    s.picture = {{0.1, 0.2, 0.3}, {-1, 0, 1e-300}, {1, 2, 3}, {4, 5, 6}};
    s.plotRmax = 1e6;
    s.view.axesFrom = "majority";
    const Session back = sessionFromJson(sessionToJson(s));
    QCOMPARE(back.picture.size(), size_t(4));
    QCOMPARE(back.picture[1][2], 1e-300);
    QCOMPARE(back.plotRmax.value_or(0), 1e6);
    QCOMPARE(QString::fromStdString(back.view.axesFrom), QString("majority"));
    // Rows that are not 2K cost the saved axes, not the session.
    s.picture.pop_back();
    const Session odd = sessionFromJson(sessionToJson(s));
    QVERIFY(odd.picture.empty());
    QCOMPARE(odd.warnings.size(), size_t(1));
    QVERIFY(QString::fromStdString(odd.warnings[0]).contains("3 rows, not 2K = 4"));
  }

  void unknownPresetIsSetAside() {
    // A preset this build does not know: its parameters load, the name is dropped with a warning
    // (saving such a session, or exporting from it, used to dereference a null preset).
    const Session s = sessionFromJson(
        R"({"format":"lpm-studio-session","version":1,"preset":"fig99","params":{"EW":1,"EH":5,"KA":5,"KB":5,"R":10}})");
    QVERIFY(!s.preset);
    QCOMPARE(s.warnings.size(), size_t(1));
    QVERIFY(QString::fromStdString(s.warnings[0]).contains("fig99"));
    QCOMPARE(s.params.R, 10.0);
    QVERIFY(sessionToJson(s).find("fig99") == std::string::npos);
  }

  void stateLinkRoundTripIsExact() {
    Session s;
    s.params.KA = 3, s.params.KB = 7, s.params.EW = 0.1 + 0.2, s.params.EH = 20.027123456789012, s.params.R = 1e100;
    s.params.loss.kind = LossKind::LDAM, s.params.loss.margin = 1.0 / 3;
    s.params.wr = 7;
    s.preset = "fig3a";
    s.view.dark = true, s.view.etf = true, s.view.means = false, s.view.plot = "feature-cos";
    s.view.presentationHidden = {"EH", "EW", "lambda-W"};
    s.view.axesFrom = "minority";
    s.plotRmax = 1e8;
    s.camera = CameraState{{0.1, -2.5, 1e-7}, {0, 0, 0}, {0, 0, 1}, 31.5};
    s.checkpoint = "/data/model & weights.pt";
    s.features = "f.npz";
    s.minority = std::vector<int>{5, 6, 9};
    s.pinned.push_back({"run 3, seed=1", 100, 0.923, std::nullopt});
    // A pin's own model setting (its fitted budgets) travels too: its model curve after reopening.
    TwoSizeParams fitted;
    fitted.EW = 0.37, fitted.EH = 12.5, fitted.KA = 3, fitted.KB = 7;
    s.pinned.push_back({"b.pt", 12, 0.5, fitted});
    TwoSizeParams q = s.params;
    q.loss.kind = LossKind::CE;
    s.compared.push_back(q);
    s.compared.push_back(TwoSizeParams{});
    const std::string link = stateLink(s);
    QVERIFY(isStateLink(link));
    QVERIFY2(link.rfind("lpm-studio:?v=1&", 0) == 0, link.c_str());
    QVERIFY2(link.find(' ') == std::string::npos && link.find('/') == std::string::npos, link.c_str());
    const Session back = sessionFromStateLink(link);
    QCOMPARE(sessionToJson(back), sessionToJson(s));  // every field, every digit
    QCOMPARE(back.params.EW, 0.1 + 0.2);
    QCOMPARE(back.camera->position[2], 1e-7);
    QVERIFY(!back.pinned[0].model);
    QVERIFY(back.pinned[1].model && back.pinned[1].model->EH == 12.5 && back.pinned[1].model->KB == 7);
    QCOMPARE(stateLink(back), link);
  }

  void stateLinkLeavesDefaultsOut() {
    Session s;
    s.params.R = 100;
    QCOMPARE(stateLink(s), std::string("lpm-studio:?v=1&R=100"));
    // The issue's example: anything left out keeps its default.
    const Session t = sessionFromStateLink("lpm-studio:?v=1&EW=1&EH=5&KA=5&KB=5&R=100");
    QCOMPARE(sessionToJson(t), sessionToJson(s));
    QCOMPARE(sessionFromStateLink("  lpm-studio://?v=1&R=100\n").params.R, 100.0);  // as URL handlers pass it
  }

  void badStateLinksAreRefused_data() {
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("message");
    QTest::newRow("no version") << "lpm-studio:?R=10" << "the version (v=1) is missing";
    QTest::newRow("future") << "lpm-studio:?v=2&R=10" << "version 2 is not supported";
    QTest::newRow("scheme") << "https://example.org/?v=1" << "it must start with 'lpm-studio:?'";
    QTest::newRow("unknown") << "lpm-studio:?v=1&foo=1" << "unknown key 'foo'";
    QTest::newRow("range") << "lpm-studio:?v=1&EW=-1" << "state link: EW must be > 0, got -1";
    QTest::newRow("word") << "lpm-studio:?v=1&loss=hinge" << "loss takes";
    QTest::newRow("twice") << "lpm-studio:?v=1&R=2&R=3" << "R is given twice";
    QTest::newRow("escape") << "lpm-studio:?v=1&preset=fig%2" << "broken %-escape";
    QTest::newRow("preset") << "lpm-studio:?v=1&preset=nope" << "unknown preset 'nope'";
    QTest::newRow("camera") << "lpm-studio:?v=1&camera=1,2,3" << "camera takes 10 numbers";
    QTest::newRow("camera nan") << "lpm-studio:?v=1&camera=1,2,3,0,0,0,0,0,1,nan" << "camera";
    QTest::newRow("view") << "lpm-studio:?v=1&view=sphere,wings" << "view has no toggle 'wings'";
    QTest::newRow("minority alone") << "lpm-studio:?v=1&minority=1,2" << "minority comes with a checkpoint";
    QTest::newRow("pin") << "lpm-studio:?v=1&pin=a,0.5,2" << "pin 'a' needs R >= 1";
    QTest::newRow("compare") << "lpm-studio:?v=1&compare=loss:ldam,margin:-1" << "compare: margin must be";
    QTest::newRow("pinmodel pin") << "lpm-studio:?v=1&pin=a,5,0.2&pinmodel=1,EW:2" << "pinmodel names pin 1, but there are 1 pins";
    QTest::newRow("pinmodel twice") << "lpm-studio:?v=1&pin=a,5,0.2&pinmodel=0,EW:2&pinmodel=0,EH:2" << "pin 0 has two pinmodels";
    QTest::newRow("pinmodel form") << "lpm-studio:?v=1&pin=a,5,0.2&pinmodel=x" << "pinmodel takes PIN,NAME:VALUE";
    QTest::newRow("pinmodel value") << "lpm-studio:?v=1&pin=a,5,0.2&pinmodel=0,EW:-1" << "pinmodel: EW";
    QTest::newRow("KB") << "lpm-studio:?v=1&KB=0" << "state link: KB";
    QTest::newRow("hide") << "lpm-studio:?v=1&hide=EW,slider" << "hide: 'slider' is not a parameter";
    QTest::newRow("pair") << "lpm-studio:?v=1&R" << "'R' is not NAME=VALUE";
    QTest::newRow("axes") << "lpm-studio:?v=1&axes=means" << "axes: 'means' is not a choice of 3D axes";
    QTest::newRow("rmax") << "lpm-studio:?v=1&rmax=5" << "rmax (the plot's R range) must be in [10, 1e12]";
    QTest::newRow("long") << QString("lpm-studio:?v=1&") + QString(20000, 'x') << "longer than 16384 bytes";
  }
  void badStateLinksAreRefused() {
    QFETCH(QString, link);
    QFETCH(QString, message);
    try {
      sessionFromStateLink(link.toStdString());
      QFAIL("accepted");
    } catch (const InvalidInput& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }

  void missingFile() {
    // Said as a file's trouble (exit 1), with the reason: missing, or a folder ("not valid JSON" before).
    QVERIFY_THROWS_EXCEPTION(IoError, loadSession("/nonexistent/s.json"));
    try {
      loadSession("/tmp");
      QFAIL("a folder was read as a session");
    } catch (const IoError& e) {
      QVERIFY2(QString(e.what()).contains("/tmp is a folder"), e.what());
    }
  }

  void presetsAreValid() {
    QVERIFY(presets().size() >= 10);
    for (const char* name : {"fig3a", "fig3b", "fig8a", "fig8b", "fig8c", "fig8d", "etf3", "etf4", "fig6", "longtail"})
      QVERIFY2(findPreset(name).has_value(), name);
    QCOMPARE(findPreset("fig3b")->params.EH, 10.0);
    QVERIFY(findPreset("fig3a")->paperFigure);
    QVERIFY(!findPreset("etf4")->paperFigure);
    QCOMPARE(findPreset("etf3")->params.K(), 3);
    // The paper's Figure 8(c, d) are Figure 3(a, b)'s settings: names of those, not copies.
    QCOMPARE(QString::fromStdString(findPreset("fig8c")->name), QString("fig3a"));
    QCOMPARE(QString::fromStdString(findPreset("fig8d")->name), QString("fig3b"));
    for (size_t i = 0; i < presets().size(); ++i)
      for (size_t j = i + 1; j < presets().size(); ++j)
        QVERIFY2(!sameParameters(presets()[i].params, presets()[j].params),
                 (presets()[i].name + " and " + presets()[j].name + " are the same model").c_str());
  }
};

QTEST_APPLESS_MAIN(TestSession)
#include "tst_session.moc"
