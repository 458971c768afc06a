#include "lpm/ui/LessonPanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "lpm/Parameters.h"
#include "lpm/ui/Document.h"
#include "lpm/ui/ExplorerModel.h"
#include "lpm/ui/ParameterPanel.h"

namespace lpm::ui {

LessonPanel::LessonPanel(Document* doc, ParameterPanel* panel, QWidget* parent)
    : QWidget(parent), doc_(doc), panel_(panel) {
  heading_ = new QLabel(this);
  title_ = new QLabel(this);
  question_ = new QLabel(this);
  explain_ = new QTextBrowser(this);
  explain_->setObjectName("lesson.explanation");
  for (QLabel* l : {heading_, title_, question_}) l->setWordWrap(true);
  title_->setStyleSheet("QLabel { font-weight: bold; }");  // not setFont: it follows the application's size
  question_->setStyleSheet("QLabel { font-style: italic; }");
  prev_ = new QPushButton(tr("◀ Previous"), this);
  next_ = new QPushButton(tr("Next ▶"), this);
  again_ = new QPushButton(tr("Reset Step"), this);
  prev_->setObjectName("lesson.previous");
  next_->setObjectName("lesson.next");
  again_->setObjectName("lesson.reset");
  again_->setToolTip(tr("Put the step's state back (after you moved the controls)"));
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(prev_);
  buttons->addWidget(again_);
  buttons->addStretch(1);
  buttons->addWidget(next_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(heading_);
  layout->addWidget(title_);
  layout->addWidget(question_);
  layout->addWidget(explain_, 1);
  layout->addLayout(buttons);
  connect(prev_, &QPushButton::clicked, this, [this] { goTo(step_ - 1); });
  connect(next_, &QPushButton::clicked, this, [this] { goTo(step_ + 1); });
  connect(again_, &QPushButton::clicked, this, [this] { goTo(step_); });
  // The explanation follows the state on screen: every solved frame and every new R0.
  connect(doc_->model(), &ExplorerModel::solved, this, &LessonPanel::refresh);
  connect(doc_->model(), &ExplorerModel::transitionChanged, this, &LessonPanel::refresh);
  refresh();
}

bool LessonPanel::open(const Lesson& lesson, int step, QString* error) {
  if (step < 0 || step >= static_cast<int>(lesson.steps.size())) {
    if (error)
      *error = tr("lesson '%1' has steps 1 to %2, not %3")
                   .arg(QString::fromStdString(lesson.name))
                   .arg(lesson.steps.size())
                   .arg(step + 1);
    return false;
  }
  lesson_ = lesson;
  return goTo(step, error);
}

bool LessonPanel::goTo(int step, QString* error) {
  if (!lesson_ || step < 0 || step >= static_cast<int>(lesson_->steps.size())) return false;
  const LessonStep& s = lesson_->steps[static_cast<size_t>(step)];
  if (!doc_->applySession(s.session, error)) return false;
  step_ = step;
  panel_->setHighlighted(QString::fromStdString(s.highlight));
  refresh();
  emit stepChanged(step_);
  return true;
}

void LessonPanel::close() {
  lesson_.reset();
  panel_->setHighlighted(QString());
  refresh();
  emit closed();
}

void LessonPanel::setHighlightShown(bool shown) {
  if (!lesson_) return;
  panel_->setHighlighted(shown ? QString::fromStdString(lesson_->steps[static_cast<size_t>(step_)].highlight) : QString());
}

QString LessonPanel::explanation() const { return explain_->toPlainText(); }

void LessonPanel::refresh() {
  const bool have = lesson_.has_value();
  prev_->setEnabled(have && step_ > 0);
  next_->setEnabled(have && step_ + 1 < static_cast<int>(lesson_ ? lesson_->steps.size() : 0));
  again_->setEnabled(have);
  if (!have) {
    heading_->setText(tr("No lesson open: Help > Lessons, or File > Open Lesson for a teacher's own."));
    title_->clear();
    question_->clear();
    explain_->clear();
    return;
  }
  const LessonStep& s = lesson_->steps[static_cast<size_t>(step_)];
  // The numbers come from the state on screen; where it is not the step's own, say so.
  CaptionInputs in;
  const ExplorerModel* m = doc_->model();
  in.params = m->params();
  if (const auto f = m->latest(); f && f->id == m->requestId() && f->solution.certified) {
    in.metrics = f->metrics;
    in.objective = f->solution.objective;
    in.gap = f->solution.gap;
  }
  if (m->transition() && m->curveMatches(in.params)) in.transition = m->transition();
  heading_->setText(tr("%1 — step %2 of %3")
                        .arg(QString::fromStdString(lesson_->title))
                        .arg(step_ + 1)
                        .arg(lesson_->steps.size()));
  title_->setText(QString::fromStdString(renderCaption(s.title, in)));
  question_->setText(s.question.empty() ? QString() : QString::fromStdString(renderCaption(s.question, in)));
  QString text;
  if (sameParameters(in.params, s.session.params)) {
    text = QString::fromStdString(renderCaption(s.explain, in)).toHtmlEscaped();
  } else {
    // The step's prose is about its own state: once the student moves away, only what is true
    // of any state is said, with the numbers on screen.
    text = "<i>" + tr("You moved away from this step's state; its explanation is about that state. "
                      "Reset Step puts it back.") + "</i></p><p>" +
           QString::fromStdString(renderCaption(tr("Now: at R = {R} and EW·EH = {EWEH} the minority is {state} "
                                                   "(average cosine {minority_cos}); {transition}.").toStdString(), in))
               .toHtmlEscaped();
  }
  explain_->setHtml("<p>" + text + "</p>");
}

}  // namespace lpm::ui
