#pragma once
// Guided lessons: short steps through the paper's story, each setting a state, pointing at the
// control to move, asking a question and explaining what is seen with numbers taken from the
// current solution (captions are templates filled from the state, never hand-written numbers).
// A lesson is a JSON file (resources/lessons/*.json; doc/dev/08-LESSONS.md gives the format):
//   {"format": "lpm-studio-lesson", "version": 1, "name": "...", "title": "...",
//    "steps": [{"title": "...", "state": "lpm-studio:?v=1&...", "highlight": "R",
//               "question": "...", "explain": "... {minority_cos} ... {R0} ..."}]}
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lpm/Metrics.h"
#include "lpm/Session.h"
#include "lpm/Sweep.h"

namespace lpm {

struct LessonStep {
  std::string title;
  std::string state;      ///< a state link (lpm/StateLink.h): what the step opens in
  Session session;        ///< the state, read and checked
  std::string highlight;  ///< a registry parameter to point at, or empty
  std::string question;   ///< asked before the explanation (may be empty)
  std::string explain;    ///< a caption template (captionFields())
};

struct Lesson {
  std::string name, title, summary;
  std::vector<LessonStep> steps;
};

/// The placeholders a caption may use, each with what it stands for: {minority_cos},
/// {majority_cos}, {state}, {R}, {R0}, {R_vanish}, {EWEH}, {K}, {KA}, {KB}, {wr}, {objective},
/// {gap}, {model}, {transition}.
const std::map<std::string, std::string>& captionFields();

/// Throws InvalidInput naming the lesson, the step and the problem ("lesson 'x', step 3: state
/// link: EW must be > 0, got -1"; "... explain uses {cosine}, which is not a caption field").
Lesson parseLesson(const std::string& json, const std::string& origin = "lesson");
Lesson loadLesson(const std::string& path);
/// The built-in lessons (resources/lessons/, embedded at build time), in the order of the story.
const std::vector<Lesson>& builtinLessons();
std::optional<Lesson> findLesson(const std::string& name);
std::string lessonNames();  ///< "etf, minority-collapse, ..."

/// What a caption is filled from: the state solved now and its transition (when known).
struct CaptionInputs {
  TwoSizeParams params;
  std::optional<Metrics> metrics;        ///< of a certified solve; none: "(solving)"
  double objective = 0, gap = 0;
  std::optional<TransitionResult> transition;
};
/// The template with each {field} replaced (write {{ and }} for literal braces) by its value now (4 significant digits, "inf", or
/// "(not certified)"/"(computing)" where there is none yet).
std::string renderCaption(const std::string& templ, const CaptionInputs& in);

}  // namespace lpm
