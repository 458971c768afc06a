// Lessons (lpm/Lesson.h): the built-in ones parse and every step's state is valid; captions are
// filled from the solution; a bad lesson is refused with the step and the reason.
#include <QTest>

#include <nlohmann/json.hpp>

#include "lpm/Lesson.h"
#include "lpm/Parameters.h"
#include "lpm/Solver.h"
#include "lpm/StateLink.h"

using namespace lpm;

namespace {
using json = nlohmann::json;
// A lesson with these steps (built with nlohmann-json: moc does not read raw string literals).
std::string lesson(const json& steps) {
  return json{{"format", "lpm-studio-lesson"}, {"version", 1}, {"name", "t"}, {"title", "T"}, {"steps", steps}}.dump();
}
json step(const std::string& state, json extra = json::object()) {
  json s = {{"state", state}, {"title", "a"}, {"explain", "x"}};
  for (auto& [k, v] : extra.items()) s[k] = v;
  return s;
}
}  // namespace

class TestLesson : public QObject {
  Q_OBJECT
private slots:
  void builtinLessonsParse() {
    QVERIFY(!builtinLessons().empty());
    const auto l = findLesson("minority-collapse");
    QVERIFY(l.has_value());
    QCOMPARE(l->steps.size(), size_t(8));
    for (const auto& s : l->steps) {
      QVERIFY(!s.title.empty() && !s.explain.empty());
      QVERIFY(s.highlight.empty() || findParameter(s.highlight));
    }
    QCOMPARE(l->steps[2].session.params.R, 20.0);
  }

  void captionsComeFromTheSolution() {
    const auto l = *findLesson("minority-collapse");
    const auto& step = l.steps[2];  // R = 20, above R0
    CaptionInputs in;
    in.params = step.session.params;
    const Solution s = solve(makeTwoSize(in.params));
    QVERIFY(s.certified);
    in.metrics = computeMetrics(s);
    in.objective = s.objective, in.gap = s.gap;
    const std::string before = renderCaption(step.explain, in);
    QVERIFY2(before.find("(computing)") != std::string::npos, before.c_str());  // R0 not known yet
    in.transition = phaseTransitionRatio(in.params);
    const std::string text = renderCaption(step.explain, in);
    QVERIFY2(text.find("R0 = 12.19") != std::string::npos, text.c_str());
    QVERIFY2(text.find("collapsed") != std::string::npos, text.c_str());
    QVERIFY2(text.find('{') == std::string::npos, text.c_str());
    in.metrics.reset();
    QVERIFY(renderCaption("{minority_cos}", in) == "(not certified)");
    QCOMPARE(renderCaption("a set {{x}} at R = {R}", in), std::string("a set {x} at R = 20"));
    parseLesson(lesson(json::array({::step("lpm-studio:?v=1", {{"explain", "the set {{1, 2}}"}})})));  // accepted
  }

  void badLessonsAreRefused_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    auto row = [](const char* name, const std::string& text, const char* message) {
      QTest::newRow(name) << QString::fromStdString(text) << QString(message);
    };
    const std::string ok = "lpm-studio:?v=1";
    row("format", json{{"format", "x"}}.dump(), "not an LPM Studio lesson");
    row("json", "{", "not valid JSON");
    row("no steps", lesson(json::array()), "steps must be a non-empty list");
    row("bad state", lesson(json::array({step("lpm-studio:?v=1&EW=-1")})), "lesson 't', step 1: state link: EW must be > 0, got -1");
    row("second step", lesson(json::array({step(ok), step("R=3")})), "step 2: state link: it must start with");
    row("field", lesson(json::array({step(ok, {{"explain", "{cosine}"}})})), "uses {cosine}, which is not a caption field");
    row("brace", lesson(json::array({step(ok, {{"explain", "{R"}})})), "without its '}'");
    row("highlight", lesson(json::array({step(ok, {{"highlight", "slider"}})})), "highlight 'slider' is not a parameter");
    row("key", lesson(json::array({step(ok, {{"hint", "x"}})})), "unknown key 'hint'");
    json noExplain = step(ok);
    noExplain.erase("explain");
    row("no explain", lesson(json::array({noExplain})), "explain must be a non-empty text");
  }
  void badLessonsAreRefused() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    try {
      parseLesson(text.toStdString());
      QFAIL("accepted");
    } catch (const InvalidInput& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestLesson)
#include "tst_lesson.moc"
