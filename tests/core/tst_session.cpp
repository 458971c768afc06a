// Sessions: a saved session reopens identically; malformed files are refused with a clear message.
#include <QTemporaryDir>
#include <QTest>

#include "lpm/Presets.h"
#include "lpm/Session.h"

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
    s.pinned = {{"a.pt", 10, 0.25}, {"b.pt", 100, 0.9}};
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

  void missingFile() { QVERIFY_THROWS_EXCEPTION(InvalidInput, loadSession("/nonexistent/s.json")); }

  void presetsAreValid() {
    QVERIFY(presets().size() >= 10);
    for (const char* name : {"fig3a", "fig3b", "fig8a", "fig8b", "fig8c", "fig8d", "etf3", "etf4", "fig6", "longtail"})
      QVERIFY2(findPreset(name).has_value(), name);
    QCOMPARE(findPreset("fig3b")->params.EH, 10.0);
    QVERIFY(findPreset("fig3a")->paperFigure);
    QVERIFY(!findPreset("etf4")->paperFigure);
    QCOMPARE(findPreset("etf3")->params.K(), 3);
  }
};

QTEST_APPLESS_MAIN(TestSession)
#include "tst_session.moc"
