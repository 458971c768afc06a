#pragma once
// A combo box whose field fits its width: the whole choice where it fits, else its short name
// (the text before " (" or ":"), else that elided with "…"; the list always shows whole names and
// the tooltip the whole current one. QComboBox itself clips ("Layer-peeled (clas").
#include <QComboBox>

namespace lpm::ui {

class ChoiceCombo : public QComboBox {
public:
  using QComboBox::QComboBox;
  /// What the field shows now, at its current width and font.
  QString displayedText() const;
  /// The short name of a choice: "Layer-peeled" for "Layer-peeled (classifiers and features)",
  /// "Two sizes" for "Two sizes: n_B = n_A / R".
  static QString shortName(const QString& text);

protected:
  void paintEvent(QPaintEvent*) override;

private:
  int fieldWidth() const;
};

}  // namespace lpm::ui
