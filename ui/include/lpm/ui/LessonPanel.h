#pragma once
// The Lesson panel (Help > Lessons, File > Open Lesson, --lesson NAME --step N): one step at a
// time, its state applied, the control to move framed, its question, and its explanation filled
// from the solution on screen (lpm/Lesson.h renderCaption), redrawn with every solved frame.
#include <QWidget>

#include <optional>

#include "lpm/Lesson.h"

class QLabel;
class QPushButton;
class QTextBrowser;

namespace lpm::ui {

class Document;
class ParameterPanel;

class LessonPanel : public QWidget {
  Q_OBJECT
public:
  LessonPanel(Document* doc, ParameterPanel* panel, QWidget* parent = nullptr);

  /// Opens a lesson at `step` (0-based): applies the step's state. False with the reason.
  bool open(const Lesson& lesson, int step, QString* error);
  bool goTo(int step, QString* error = nullptr);
  const std::optional<Lesson>& lesson() const { return lesson_; }
  int step() const { return step_; }
  /// The explanation as shown now (plain text).
  QString explanation() const;
  void close();
  /// The panel was hidden (its dock closed) or shown again: the step's highlighted row follows.
  void setHighlightShown(bool shown);

signals:
  void stepChanged(int step);
  void closed();

private:
  void refresh();
  Document* doc_;
  ParameterPanel* panel_;
  std::optional<Lesson> lesson_;
  int step_ = 0;
  QLabel *heading_, *title_, *question_;
  QTextBrowser* explain_;
  QPushButton *prev_, *next_, *again_;
};

}  // namespace lpm::ui
