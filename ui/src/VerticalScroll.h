#pragma once
// A column of controls or text that scrolls up and down when the window is too short for it (the
// presentation's larger text at 1024 x 640 made the window 673 px high): as wide as its content
// needs, as tall as it likes where there is room (its height for the width it has), at least a
// few lines. Not for native views (a VTK surface does not clip to a scroll area).
#include <QResizeEvent>
#include <QScrollArea>
#include <QScrollBar>

#include <algorithm>

namespace lpm::ui {

class VerticalScroll : public QScrollArea {
public:
  explicit VerticalScroll(QWidget* content, QWidget* parent) : QScrollArea(parent) {
    setWidget(content);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
  }
  QSize sizeHint() const override {
    const QSize s = widget()->sizeHint();
    const int h = widget()->hasHeightForWidth() && viewport()->width() > 0 ? widget()->heightForWidth(viewport()->width()) : s.height();
    return {s.width() + verticalScrollBar()->sizeHint().width(), std::max(h, 0)};
  }
  QSize minimumSizeHint() const override {
    const QSize s = widget()->minimumSizeHint();
    return {s.width() + verticalScrollBar()->sizeHint().width(), std::min(s.height(), 3 * fontMetrics().height() + 8)};
  }

protected:
  void resizeEvent(QResizeEvent* e) override {
    QScrollArea::resizeEvent(e);
    if (e->size().width() != e->oldSize().width()) updateGeometry();  // the text's height for its new width
  }
};

}  // namespace lpm::ui
