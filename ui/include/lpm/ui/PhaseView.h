#pragma once
// The Phase tab: the y axis and its range above the diagram (render::PhaseChart, the drawing every
// export uses); a click on a cell moves the model there (picked).
#include <QWidget>

#include <optional>
#include <utility>

#include "lpm/render/PhaseChart.h"

class QComboBox;
class QLabel;
class QLineEdit;

namespace lpm::ui {

class PhaseModel;

class PhaseCanvas : public QWidget {
  Q_OBJECT
public:
  explicit PhaseCanvas(QWidget* parent = nullptr);
  render::PhaseChart& chart() { return chart_; }
  void setDarkTheme(bool dark) { chart_.setDarkTheme(dark); update(); }
signals:
  void picked(double R, double y);

protected:
  void paintEvent(QPaintEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;

private:
  render::PhaseChart chart_;
};

class PhaseView : public QWidget {
  Q_OBJECT
public:
  PhaseView(PhaseModel* model, QWidget* parent = nullptr);
  PhaseCanvas* canvas() const { return canvas_; }
  QComboBox* axisBox() const { return axis_; }
  void setDarkTheme(bool dark) { canvas_->setDarkTheme(dark); }
  void setTextScale(double s) { canvas_->chart().setFontScale(s), canvas_->update(); }

signals:
  /// A cell was clicked: move the model to R and the axis value y.
  void picked(double R, double y);

protected:
  void showEvent(QShowEvent* e) override;
  void hideEvent(QHideEvent* e) override;

private:
  void syncControls();
  void applyRange();
  PhaseModel* model_;
  PhaseCanvas* canvas_;
  QComboBox* axis_;
  QLineEdit *yMin_, *yMax_;
  QLabel* status_;
};

}  // namespace lpm::ui
