#include "lpm/ui/ChoiceCombo.h"

#include <QStyleOptionComboBox>
#include <QStylePainter>

namespace lpm::ui {

QString ChoiceCombo::shortName(const QString& text) {
  int cut = text.size();
  for (const QString& mark : {QStringLiteral(" ("), QStringLiteral(":")}) {
    const int at = text.indexOf(mark);
    if (at > 0) cut = std::min(cut, at);
  }
  return text.left(cut);
}

int ChoiceCombo::fieldWidth() const {
  QStyleOptionComboBox opt;
  initStyleOption(&opt);
  return style()->subControlRect(QStyle::CC_ComboBox, &opt, QStyle::SC_ComboBoxEditField, this).width();
}

QString ChoiceCombo::displayedText() const {
  const QString full = currentText();
  const QFontMetrics fm = fontMetrics();
  const int room = fieldWidth() - 2;
  if (fm.horizontalAdvance(full) <= room) return full;
  const QString brief = shortName(full);
  if (fm.horizontalAdvance(brief) <= room) return brief;
  return fm.elidedText(brief, Qt::ElideRight, room);
}

void ChoiceCombo::paintEvent(QPaintEvent*) {
  QStylePainter p(this);
  QStyleOptionComboBox opt;
  initStyleOption(&opt);
  p.drawComplexControl(QStyle::CC_ComboBox, opt);
  opt.currentText = displayedText();
  p.drawControl(QStyle::CE_ComboBoxLabel, opt);
}

}  // namespace lpm::ui
