#include "lpm/ui/PhaseView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

#include "lpm/Parameters.h"
#include "lpm/Report.h"
#include "lpm/ui/PhaseModel.h"

namespace lpm::ui {

PhaseCanvas::PhaseCanvas(QWidget* parent) : QWidget(parent) {
  setMinimumSize(240, 180);  // as the cosine plot: with presentation's 1.5x text at 1024 px the window needed 1069
  setMouseTracking(true);
  setCursor(Qt::CrossCursor);
}

void PhaseCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  chart_.paint(p, QRectF(rect()));
}

namespace {
// The cell of the grid nearest to (R, y): its R and row (log distance on log axes).
std::optional<std::pair<size_t, size_t>> nearestCell(const PhaseDiagram& d, double R, double y) {
  if (d.rows.empty() || d.grid.R.empty()) return std::nullopt;
  const bool log = phaseAxisLog(d.request.axis);
  auto dy = [&](double a) { return log ? std::abs(std::log(a / y)) : std::abs(a - y); };
  size_t j = 0, i = 0;
  for (size_t k = 1; k < d.grid.y.size(); ++k)
    if (dy(d.grid.y[k]) < dy(d.grid.y[j])) j = k;
  for (size_t k = 1; k < d.grid.R.size(); ++k)
    if (std::abs(std::log(d.grid.R[k] / R)) < std::abs(std::log(d.grid.R[i] / R))) i = k;
  return std::make_pair(i, j);
}
}  // namespace

void PhaseCanvas::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return;
  const auto v = chart_.valueAt(e->position());
  if (!v) return;
  // The model moves to the cell's own R and y, so it shows exactly the solve the cell was coloured by.
  const auto& d = chart_.diagram();
  if (const auto c = nearestCell(d, v->first, v->second))
    emit picked(d.grid.R[c->first], d.grid.y[c->second]);
  else
    emit picked(v->first, v->second);
}

void PhaseCanvas::mouseMoveEvent(QMouseEvent* e) {
  // What a click would choose, and what is there.
  const auto v = chart_.valueAt(e->position());
  if (!v) {
    QToolTip::hideText();
    return;
  }
  const auto& d = chart_.diagram();
  auto at = [&](double R, double y) {
    return QString("R = %1, %2 = %3").arg(QString::fromStdString(formatValue(R)),
                                          QString::fromStdString(phaseAxisLabel(d.request.axis, d.request.base)),
                                          QString::fromStdString(formatValue(y)));
  };
  QString text = at(v->first, v->second);
  // The nearest computed cell: its own R and y, its state (which says when it is not certified).
  if (const auto c = nearestCell(d, v->first, v->second); c && c->second < d.rows.size()) {
    const auto& row = d.rows[c->second];
    if (c->first < row.cells.size()) {
      const auto& cell = row.cells[c->first];
      text = at(cell.R, row.y) + "\n" + QString::fromStdString(describe(cell.observedState(), cell.gap));
      if (const auto cos = cell.observedCos())
        text += QString(", minority cosine %1").arg(QString::fromStdString(formatValue(*cos)));
      if (row.transition) text += "\n" + QString::fromStdString(row.transition->summary());
    }
  }
  text += "\nclick: move the model here";
  QToolTip::showText(e->globalPosition().toPoint(), text, this);
}

PhaseView::PhaseView(PhaseModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  canvas_ = new PhaseCanvas(this);
  axis_ = new QComboBox(this);
  axis_->setObjectName("phase.axis");
  for (const auto& a : phaseAxes()) axis_->addItem(QString::fromStdString(a), QString::fromStdString(a));
  axis_->setToolTip(tr("The second parameter, against R"));
  yMin_ = new QLineEdit(this);
  yMax_ = new QLineEdit(this);
  yMin_->setObjectName("phase.ymin");
  yMax_->setObjectName("phase.ymax");
  for (auto* e : {yMin_, yMax_}) e->setMaximumWidth(80), e->setMinimumWidth(40);
  status_ = new QLabel(this);
  status_->setObjectName("phase.status");
  // Neither the status nor the axis names may widen the tab: the 3D view beside it keeps its room.
  status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  status_->setMinimumWidth(40);
  axis_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  axis_->setMinimumContentsLength(4);
  auto* row = new QHBoxLayout;
  row->setContentsMargins(6, 4, 6, 0);
  row->addWidget(new QLabel(tr("y axis"), this));
  row->addWidget(axis_);
  row->addWidget(new QLabel(tr("from"), this));
  row->addWidget(yMin_);
  row->addWidget(new QLabel(tr("to"), this));
  row->addWidget(yMax_);
  row->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(row);
  status_->setContentsMargins(8, 0, 6, 0);
  layout->addWidget(status_);  // its own line: it never widens the tab
  layout->addWidget(canvas_, 1);

  connect(axis_, &QComboBox::activated, this, [this] {
    const std::string axis = axis_->currentData().toString().toStdString();
    const auto range = phaseAxisRange(axis, model_->request().base);
    try {
      model_->setAxis(axis, range.first, range.second);
    } catch (const Error& e) {
      status_->setText(QString::fromStdString(e.what()));
      syncControls();
    }
  });
  connect(yMin_, &QLineEdit::editingFinished, this, &PhaseView::applyRange);
  connect(yMax_, &QLineEdit::editingFinished, this, &PhaseView::applyRange);
  connect(canvas_, &PhaseCanvas::picked, this, &PhaseView::picked);
  connect(model_, &PhaseModel::changed, this, [this] {
    canvas_->chart().setDiagram(model_->diagram());
    canvas_->chart().setCurrent(model_->current());
    syncControls();
    canvas_->update();
  });
  connect(model_, &PhaseModel::currentChanged, this, [this] {
    canvas_->chart().setCurrent(model_->current());
    canvas_->update();
  });
  connect(model_, &PhaseModel::failed, this, [this](const QString& m) { status_->setText(m); });
  syncControls();
}

void PhaseView::applyRange() {
  try {
    const double lo = parseNumber("y-min", yMin_->text().toStdString());
    const double hi = parseNumber("y-max", yMax_->text().toStdString());
    const auto& r = model_->request();
    if (lo == r.yMin && hi == r.yMax) return;
    model_->setAxis(r.axis, lo, hi);
  } catch (const Error& e) {
    // Refused: the entries go back to the range drawn, and the status says why (in red).
    const auto& r = model_->request();
    yMin_->setText(QString::fromStdString(formatValue(r.yMin)));
    yMax_->setText(QString::fromStdString(formatValue(r.yMax)));
    syncControls();
    status_->setText("<span style='color:#c0392b'>" + QString::fromStdString(e.what()).toHtmlEscaped() + "</span>");
    status_->setToolTip(QString::fromStdString(e.what()));
  }
}

void PhaseView::syncControls() {
  const auto& r = model_->request();
  {
    const QSignalBlocker b(axis_);
    for (int i = 0; i < axis_->count(); ++i) {
      const std::string a = axis_->itemData(i).toString().toStdString();
      axis_->setItemText(i, QString::fromStdString(phaseAxisLabel(a, r.base)));
      // Axes that do not enter the model are listed but cannot be chosen.
      if (auto* m = qobject_cast<QStandardItemModel*>(axis_->model()))
        if (auto* item = m->item(i)) item->setEnabled(phaseAxisApplies(a, r.base));
    }
    axis_->setCurrentIndex(axis_->findData(QString::fromStdString(r.axis)));
  }
  if (!yMin_->hasFocus()) yMin_->setText(QString::fromStdString(formatValue(r.yMin)));
  if (!yMax_->hasFocus()) yMax_->setText(QString::fromStdString(formatValue(r.yMax)));
  const auto& d = model_->diagram();
  if (d.grid.y.empty()) return;
  if (d.complete())
    status_->setText(tr("%1 × %2 cells in %3 s%4")
                         .arg(d.grid.R.size())
                         .arg(d.grid.y.size())
                         .arg(d.ms / 1000, 0, 'f', 2)
                         .arg(d.uncertified() ? tr(", %1 not certified").arg(d.uncertified()) : QString()));
  else
    status_->setText(tr("computing: %1 of %2 rows").arg(d.rows.size()).arg(d.grid.y.size()));
  status_->setToolTip(tr("%1 values of R × %2 values of y, each a certified solve; the last full diagram took the "
                         "time shown").arg(d.grid.R.size()).arg(d.grid.y.size()));
}

void PhaseView::showEvent(QShowEvent* e) {
  QWidget::showEvent(e);
  model_->setActive(true);
}

void PhaseView::hideEvent(QHideEvent* e) {
  QWidget::hideEvent(e);
  model_->setActive(false);
}

}  // namespace lpm::ui
