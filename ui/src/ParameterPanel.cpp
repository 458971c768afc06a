#include "lpm/ui/ParameterPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>

#include <algorithm>
#include <cmath>

#include "lpm/ui/ExplorerModel.h"

namespace lpm::ui {

constexpr int kSteps = 1000;

double ParameterPanel::sliderToValue(int pos, double lo, double hi) {
  return lo * std::pow(hi / lo, static_cast<double>(pos) / kSteps);
}

int ParameterPanel::valueToSlider(double v, double lo, double hi) {
  if (!(v > 0)) return 0;
  const double t = std::log(v / lo) / std::log(hi / lo);
  return static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * kSteps));
}

ParameterPanel::ParameterPanel(ExplorerModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  auto* grid = new QGridLayout(this);
  grid->setColumnStretch(1, 1);
  profile_ = new QComboBox(this);
  profile_->setObjectName("ProfileCombo");
  profile_->addItem(tr("Two sizes: n_B = n_A / R"));
  profile_->addItem(tr("Long tail: n_k = R^(-k/(K-1))"));
  profile_->setToolTip(tr("How class sizes follow from R. Two sizes: the paper's KA majority and KB minority "
                          "classes. Long tail: sizes fall exponentially over all K classes; the last KB count as "
                          "minority. Every class then has its own size (slower, general solve)."));
  grid->addWidget(new QLabel(tr("Sizes"), this), 0, 0);
  grid->addWidget(profile_, 0, 1, 1, 2);
  connect(profile_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (syncing_) return;
    TwoSizeParams p = model_->params();
    p.profile = i == 1 ? SizeProfile::Exponential : SizeProfile::Step;
    model_->setParams(p, "class sizes");
    model_->endInteraction();
  });
  addRealRow("EW", "E<sub>W</sub>", tr("Classifier energy budget: (1/K) sum ||w_k||^2 <= EW (Eq. 7)"), 0.05, 100, 3);
  addRealRow("EH", "E<sub>H</sub>", tr("Feature energy budget: (1/K) sum ||h_k||^2 <= EH (Eq. 7)"), 0.05, 100, 3);
  // Sliders cover 1..50; the entries take any count (a loaded network may have 1000 classes).
  addIntRow("KA", "K<sub>A</sub>", tr("Number of majority classes (type larger counts in the box)"), 1, 50);
  addIntRow("KB", "K<sub>B</sub>", tr("Number of minority classes (type larger counts in the box)"), 1, 50);
  addRealRow("R", "R", tr("Imbalance ratio n_A / n_B (log scale)"), 1, 1e5, 3);
  rInf_ = new QCheckBox(tr("R = ∞ (minority weight 0)"), this);
  rInf_->setToolTip(tr("The limit of infinite imbalance: the minority classes carry no weight (Lemma 5)"));
  grid->addWidget(rInf_, grid->rowCount(), 0, 1, 3);
  addRealRow("wr", "w<sub>r</sub>", tr("Oversampling rate of the minority classes: n_B -> wr n_B (Eq. 18)"), 1, 1e4, 2);
  grid->setRowStretch(grid->rowCount(), 1);

  connect(rInf_, &QCheckBox::toggled, this, [this](bool on) {
    if (syncing_) return;
    TwoSizeParams p = model_->params();
    p.R = on ? kInfinity : rows_["R"].real->value();
    model_->setParams(p, "R");
    model_->endInteraction();
  });
  connect(model_, &ExplorerModel::paramsChanged, this, &ParameterPanel::syncFromModel);
  syncFromModel(model_->params());
}

QSlider* ParameterPanel::slider(const QString& name) const { return rows_.at(name).slider; }

QAbstractSpinBox* ParameterPanel::entry(const QString& name) const {
  const Row& r = rows_.at(name);
  return r.real ? static_cast<QAbstractSpinBox*>(r.real) : static_cast<QAbstractSpinBox*>(r.integer);
}

void ParameterPanel::addRealRow(const QString& name, const QString& label, const QString& tip, double lo, double hi,
                                int decimals) {
  auto* grid = static_cast<QGridLayout*>(layout());
  const int row = grid->rowCount();
  Row r;
  r.lo = lo, r.hi = hi, r.log = true;
  r.slider = new QSlider(Qt::Horizontal, this);
  r.slider->setRange(0, kSteps);
  r.real = new QDoubleSpinBox(this);
  r.real->setRange(lo, hi);
  r.real->setDecimals(decimals);
  r.real->setKeyboardTracking(false);
  r.real->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
  auto* l = new QLabel(label, this);
  for (QWidget* w : std::initializer_list<QWidget*>{l, r.slider, r.real}) w->setToolTip(tip);
  r.slider->setObjectName(name + "Slider");
  r.real->setObjectName(name + "Entry");
  grid->addWidget(l, row, 0);
  grid->addWidget(r.slider, row, 1);
  grid->addWidget(r.real, row, 2);
  rows_[name] = r;
  connect(r.slider, &QSlider::valueChanged, this, [this, name, lo, hi](int pos) { edit(name, sliderToValue(pos, lo, hi)); });
  connect(r.slider, &QSlider::sliderReleased, model_, &ExplorerModel::endInteraction);
  connect(r.real, &QDoubleSpinBox::valueChanged, this, [this, name](double v) {
    edit(name, v);
    model_->endInteraction();
  });
}

void ParameterPanel::addIntRow(const QString& name, const QString& label, const QString& tip, int lo, int hi) {
  auto* grid = static_cast<QGridLayout*>(layout());
  const int row = grid->rowCount();
  Row r;
  r.lo = lo, r.hi = hi;
  r.slider = new QSlider(Qt::Horizontal, this);
  r.slider->setRange(lo, hi);
  r.integer = new QSpinBox(this);
  r.integer->setRange(lo, 50000);
  r.integer->setKeyboardTracking(false);
  auto* l = new QLabel(label, this);
  for (QWidget* w : std::initializer_list<QWidget*>{l, r.slider, r.integer}) w->setToolTip(tip);
  r.slider->setObjectName(name + "Slider");
  r.integer->setObjectName(name + "Entry");
  grid->addWidget(l, row, 0);
  grid->addWidget(r.slider, row, 1);
  grid->addWidget(r.integer, row, 2);
  rows_[name] = r;
  connect(r.slider, &QSlider::valueChanged, this, [this, name](int v) { edit(name, v); });
  connect(r.slider, &QSlider::sliderReleased, model_, &ExplorerModel::endInteraction);
  connect(r.integer, &QSpinBox::valueChanged, this, [this, name](int v) {
    edit(name, v);
    model_->endInteraction();
  });
}

void ParameterPanel::edit(const QString& name, double value) {
  if (syncing_) return;
  TwoSizeParams p = model_->params();
  if (name == "EW") p.EW = value;
  else if (name == "EH") p.EH = value;
  else if (name == "KA") p.KA = static_cast<int>(value);
  else if (name == "KB") p.KB = static_cast<int>(value);
  else if (name == "R") p.R = value;
  else if (name == "wr") p.wr = value;
  if (!model_->setParams(p, name)) syncFromModel(model_->params());
}

void ParameterPanel::syncFromModel(const TwoSizeParams& p) {
  syncing_ = true;
  auto setReal = [&](const QString& name, double v) {
    Row& r = rows_[name];
    QSignalBlocker a(r.slider), b(r.real);
    if (std::isfinite(v)) {
      r.slider->setValue(valueToSlider(v, r.lo, r.hi));
      r.real->setValue(v);
    }
  };
  auto setInt = [&](const QString& name, int v) {
    Row& r = rows_[name];
    QSignalBlocker a(r.slider), b(r.integer);
    r.slider->setMaximum(std::max(static_cast<int>(r.hi), v));
    r.slider->setValue(v);
    r.integer->setValue(v);
  };
  setReal("EW", p.EW);
  setReal("EH", p.EH);
  setInt("KA", p.KA);
  setInt("KB", p.KB);
  setReal("R", p.R);
  setReal("wr", p.wr);
  {
    QSignalBlocker b(rInf_), c(profile_);
    rInf_->setChecked(std::isinf(p.R));
    profile_->setCurrentIndex(p.profile == SizeProfile::Exponential ? 1 : 0);
  }
  rows_["R"].slider->setEnabled(!std::isinf(p.R));
  rows_["R"].real->setEnabled(!std::isinf(p.R));
  syncing_ = false;
}

}  // namespace lpm::ui
